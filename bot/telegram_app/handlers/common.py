"""Helpers every handler uses: replying safely, languages, the admin gate."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.ext import ContextTypes

from bot.core.services import ENSURE_SCHEDULED, Services, services
from bot.messages.i18n import chat_language, language_from_telegram, localize, text
from bot.messages.render import split_html
from digests.sanitize import clean_line
from digests.textproc import to_simplified
from store.chats import ChatSettings, get_chat, register_chat, set_language

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def current_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatSettings | None:
    chat = update.effective_chat
    return get_chat(services(context).db, chat.id) if chat else None


def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The reply language: the chat's /lang; in private chats else the sender's Telegram
    language; in groups else the default (a group speaks one language to everyone)."""
    user = update.effective_user
    return chat_language(
        current_chat(update, context),
        user.language_code if user else None,
        group=is_group(update),
    )


def localize_keyboard(
    keyboard: InlineKeyboardMarkup | None, lang: str
) -> InlineKeyboardMarkup | None:
    """Button labels in the reader's script too (zh-CN: converted like the message).

    A label already in Simplified script is left alone: some are built converted, and the
    phrase conversion must not run twice (see messages.script)."""
    if keyboard is None or lang != "zh-CN":
        return keyboard
    rows = [
        [
            InlineKeyboardButton(
                localize(button.text, lang)
                if to_simplified(button.text) != button.text
                else button.text,
                callback_data=button.callback_data,
                url=button.url,
                switch_inline_query=button.switch_inline_query,
                switch_inline_query_current_chat=button.switch_inline_query_current_chat,
            )
            for button in row
        ]
        for row in keyboard.inline_keyboard
    ]
    return InlineKeyboardMarkup(rows)


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    markup: str,
    keyboard: InlineKeyboardMarkup | None = None,
    lang: str | None = None,
) -> Message | None:
    """Send ``markup`` (HTML), split to fit; in groups the first piece quotes the request."""
    lang = lang or language(update, context)
    return await reply_pieces(update, context, split_html(localize(markup, lang)), keyboard, lang)


async def reply_pieces(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    pieces: list[str],
    keyboard: InlineKeyboardMarkup | None = None,
    lang: str | None = None,
) -> Message | None:
    """Send messages already localised and split (a briefing's phone-size pieces), the
    keyboard under the last; in groups the first quotes the request."""
    message = update.effective_message
    chat = update.effective_chat
    if chat is None:
        return None
    keyboard = localize_keyboard(keyboard, lang or language(update, context))
    sent: Message | None = None
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        quote = is_group(update) and index == 0 and message is not None
        sent = await context.bot.send_message(
            chat.id,
            piece,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if last else None,
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True)
            if quote and message
            else None,
            link_preview_options=NO_PREVIEW,
        )
    return sent


async def ensure_registered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every chat is registered on first contact; writing again reactivates it.

    A private chat keeps its reader's Telegram language from then on, so that the daily
    briefing (sent without a message to read it from) speaks the language the replies do.
    """
    chat = update.effective_chat
    if chat is None or update.my_chat_member is not None:
        return
    db = services(context).db
    settings = register_chat(db, chat.id, chat.type, chat.title or chat.full_name)
    user = update.effective_user
    if chat.type == Chat.PRIVATE and settings.language is None and user and user.language_code:
        set_language(db, chat.id, language_from_telegram(user.language_code))
    hook = context.application.bot_data.get(ENSURE_SCHEDULED)
    if hook is not None:
        hook(chat.id)


async def is_group_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True in private chats; in groups for admins, the owner and anonymous admins."""
    if not is_group(update):
        return True
    chat = update.effective_chat
    message = update.effective_message
    if (
        message is not None
        and message.sender_chat is not None
        and chat is not None
        and message.sender_chat.id == chat.id
    ):
        return True  # an anonymous admin writes as the group itself
    user = update.effective_user
    if chat is None or user is None:
        return False
    svc: Services = services(context)
    cached = svc.cached_admin(chat.id, user.id)
    if cached is not None:
        return cached
    member = await context.bot.get_chat_member(chat.id, user.id)
    allowed = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
    svc.cache_admin(chat.id, user.id, allowed)
    return allowed


async def admin_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> bool:
    """Whether the button just pressed may change settings: a button has no reply to
    refuse in, so anyone else is answered with an alert (the callback answered)."""
    if await is_group_admin(update, context):
        return True
    query = update.callback_query
    assert query is not None
    await query.answer(localize(text(lang, "admins_only"), lang), show_alert=True)
    return False


def admins_only(handler: Handler) -> Handler:
    """Settings change only by group admins; others get a short polite refusal."""

    @functools.wraps(handler)
    async def gated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await is_group_admin(update, context):
            await reply(update, context, text(language(update, context), "admins_only"))
            return
        await handler(update, context)

    return gated


def operators_only(handler: Handler) -> Handler:
    """Commands for the bot's operators (BRIEFBOT_ADMINS)."""

    @functools.wraps(handler)
    async def gated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None or user.id not in services(context).settings.admins:
            lang = language(update, context)
            message = text(lang, "operators_only")
            if user is not None and not is_group(update):
                # How an operator finds the id to put in BRIEFBOT_ADMINS (private chats only).
                message += "\n" + text(lang, "your_user_id", id=user.id)
            await reply(update, context, message)
            return
        await handler(update, context)

    return gated


def argument(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The command's argument as one clean line: what a reader types is hostile until checked."""
    return clean_line(" ".join(context.args or []))
