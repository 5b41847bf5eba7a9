"""/start, /help, the group introduction, operators' commands and the error handler."""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot.core.services import ALERTS_NOW, services
from bot.messages.i18n import chat_language, localize, text
from bot.messages.keyboards import topics_keyboard
from bot.messages.names import topic_name
from bot.messages.render import esc
from bot.messages.zones import stamp_text
from bot.telegram_app.handlers.common import (
    argument,
    current_chat,
    is_group_admin,
    language,
    operators_only,
    reply,
)
from bot.telegram_app.handlers.settings import readonly_topics, reschedule
from store import chats, deliveries
from store.feeds import add_feed, failing_feeds, list_feeds, remove_feed
from store.reference import learned_companies

log = logging.getLogger(__name__)

# (command, i18n key, available in groups, admin-only setting in groups)
COMMANDS: tuple[tuple[str, bool, bool], ...] = (
    ("start", False, False),
    ("help", True, False),
    ("brief", True, False),
    ("company", True, False),
    ("sector", True, False),
    ("search", True, False),
    ("article", True, False),
    ("digest", True, False),
    ("latest", True, False),
    ("topics", True, True),
    ("subscribe", True, True),
    ("unsubscribe", True, True),
    ("mytopics", True, False),
    ("follow", True, True),
    ("unfollow", True, True),
    ("following", True, False),
    ("alerts", True, True),
    ("quiet", True, True),
    ("days", True, True),
    ("time", True, True),
    ("timezone", True, True),
    ("pause", True, True),
    ("resume", True, True),
    ("lang", True, True),
    ("stop", True, True),
)
OPERATOR_COMMANDS = ("ingest", "feeds", "stats")

_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
_GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    payload = argument(context)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    if not await is_group_admin(update, context):
        # A group member: /start would enrol the group and show the admins' keyboard.
        chat = current_chat(update, context)
        await reply(update, context, readonly_topics(svc, chat.topics if chat else (), lang))
        return
    # /start is asking for the daily briefing; reading commands never enrol a chat.
    chats.enrol(svc.db, chat_id)
    reschedule(context, chat_id)
    if payload.startswith("topic_"):
        topic_id = payload.removeprefix("topic_")
        topic = svc.lexicon.taxonomy.by_id.get(topic_id)
        if topic is not None:
            chats.subscribe(svc.db, chat_id, topic.id)
            reschedule(context, chat_id)
            name = esc(topic_name(topic, lang))
            await reply(update, context, text(lang, "subscribed", topic=name))
        else:
            # A stale or mistyped link: say so, the keyboard below lets them pick.
            await reply(update, context, text(lang, "unknown_topic", query=esc(topic_id)))
    chat = current_chat(update, context)
    await reply(
        update,
        context,
        text(lang, "welcome"),
        topics_keyboard(svc.lexicon.taxonomy, chat.topics if chat else (), lang),
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    group = update.effective_chat is not None and update.effective_chat.type != Chat.PRIVATE
    lines = [text(lang, "help_title")]
    for command, in_groups, admin_setting in COMMANDS:
        if group and not in_groups:
            continue
        mark = " ⚙️" if group and admin_setting else ""
        lines.append(f"/{command}{mark} — {text(lang, f'cmd.{command}')}")
    user = update.effective_user
    if user is not None and user.id in services(context).settings.admins:
        lines.extend(f"/{c} — {text(lang, f'cmd.{c}')}" for c in OPERATOR_COMMANDS)
    if group:
        lines.append(text(lang, "help_admin_note"))
    await reply(update, context, "\n".join(lines))


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to a group (introduce itself once) or removed (go inactive)."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    svc = services(context)
    chat = change.chat
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if new in _PRESENT and old in _GONE:
        chats.register_chat(svc.db, chat.id, chat.type, chat.title or chat.full_name)
        reschedule(context, chat.id)
        if chat.type != Chat.PRIVATE and chats.mark_intro_sent(svc.db, chat.id):
            user = change.from_user
            lang = chat_language(chats.get_chat(svc.db, chat.id), user.language_code, group=True)
            await context.bot.send_message(
                chat.id, localize(text(lang, "group_intro"), lang), parse_mode="HTML"
            )
    elif new in _GONE and chats.get_chat(svc.db, chat.id) is not None:
        chats.set_active(svc.db, chat.id, False)
        reschedule(context, chat.id)


@operators_only
async def ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    url = argument(context)
    if not url.lower().startswith(("http://", "https://")):
        await reply(update, context, text(lang, "usage_ingest"))
        return
    await reply(update, context, text(lang, "ingest_started", url=esc(url)))
    line = await asyncio.to_thread(_ingest_in_thread, svc.settings.db_path, url)
    svc.lexicon.learn(learned_companies(svc.db))
    await reply(update, context, text(lang, "ingest_done", line=esc(line)))
    sweep = context.application.bot_data.get(ALERTS_NOW)
    if sweep is not None:  # alerts for what was just stored, without waiting a minute
        await sweep()


def _ingest_in_thread(db_path: str, url: str) -> str:
    """Ingestion blocks (network, CPU): it runs in a worker thread with its own connection."""
    from bot.ingest.orchestrate import ingest_all
    from store import open_db

    db = open_db(db_path)
    try:
        [result] = ingest_all(db, [url], workers=1)
        return result.line()
    finally:
        db.close()


@operators_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    figures = chats.stats(svc.db)
    zone = svc.chat_zone(current_chat(update, context))

    def when(stamp: str | None) -> str:
        """Stored UTC stamps as the chat reads times ('昨天 21:05'), not ISO strings."""
        return esc(stamp_text(stamp, zone, lang) if stamp else text(lang, "never"))

    status = figures.last_ingest_status
    await reply(
        update,
        context,
        text(
            lang,
            "stats",
            articles=figures.articles,
            chats=figures.chats,
            active=figures.active_chats,
            subscriptions=figures.subscriptions,
            last_ingest=when(figures.last_ingest),
            last_status=(
                text(lang, f"ingest_status.{status}")
                if status in ("ok", "error")
                else esc(status or "-")
            ),
            errors=figures.ingest_errors,
            last_delivery=when(deliveries.last_delivery(svc.db)),
            delivery_failures=deliveries.delivery_failures(svc.db),
            feeds=len(list_feeds(svc.db)),
            failing_feeds=failing_feeds(svc.db),
        ),
    )


@operators_only
async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds, /feeds add URL, /feeds remove N."""
    svc = services(context)
    lang = language(update, context)
    args = list(context.args or [])
    if args and args[0] == "add":
        url = args[1] if len(args) > 1 else ""
        if not url:
            await reply(update, context, text(lang, "feed_no_url"))
            return
        if not url.lower().startswith(("http://", "https://")):
            await reply(update, context, text(lang, "feed_bad_url", url=esc(url)))
            return
        key = "feed_added" if add_feed(svc.db, url, origin="operator") else "feed_exists"
        await reply(update, context, text(lang, key, url=esc(url)))
        return
    if args and args[0] == "remove":
        listed = list_feeds(svc.db)
        number = args[1] if len(args) > 1 else ""
        if not number.isdigit():
            await reply(update, context, text(lang, "usage_feeds"))
            return
        if not 1 <= int(number) <= len(listed):
            # Say what is wrong: the number is not on the list (or the list is empty).
            key = "feed_no_such" if listed else "feed_no_such.none"
            await reply(update, context, text(lang, key, number=number, count=len(listed)))
            return
        feed = listed[int(number) - 1]
        remove_feed(svc.db, feed.id)
        await reply(update, context, text(lang, "feed_removed", url=esc(feed.url)))
        return
    if args:
        await reply(update, context, text(lang, "usage_feeds"))
        return
    listed = list_feeds(svc.db)
    if not listed:
        await reply(update, context, text(lang, "no_feeds"))
        return
    lines = [text(lang, "feeds_title")]
    zone = svc.chat_zone(current_chat(update, context))
    for number, feed in enumerate(listed, 1):
        status = (
            text(lang, "feed_error", error=esc(feed.last_error))
            if feed.last_error
            else text(
                lang,
                "feed_ok",
                when=esc(
                    stamp_text(feed.last_success, zone, lang)
                    if feed.last_success
                    else text(lang, "never")
                ),
            )
        )
        lines.append(f"{number}. {esc(feed.url)}\n   {status}")
    await reply(update, context, "\n".join(lines))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure for operators (never the token) and apologise to the user."""
    error = context.error
    log.error(
        "handler failed: %s: %s",
        type(error).__name__,
        str(error)[:300],
        exc_info=error if log.isEnabledFor(logging.DEBUG) else None,
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            lang = language(update, context)
            await context.bot.send_message(
                update.effective_chat.id, localize(text(lang, "error"), lang)
            )
        except Exception:  # the apology itself failed: nothing more to do
            log.warning("could not send the error apology")
