"""Settings: topics, subscriptions, delivery time and zone, pause/resume, /stop, /lang."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.services import RESCHEDULE, Services, services
from bot.messages import views
from bot.messages.i18n import LANGUAGE_NAMES, localize, normalize_language, text
from bot.messages.keyboards import (
    SUBSCRIBE,
    TOGGLE,
    UNSUBSCRIBE,
    stop_keyboard,
    suggestion_keyboard,
    topics_keyboard,
    unsubscribe_keyboard,
)
from bot.messages.names import topic_choices, topic_name
from bot.messages.render import esc
from bot.messages.zones import when_text, zone_label
from bot.telegram_app.handlers.common import (
    admin_pressed,
    admins_only,
    argument,
    current_chat,
    is_group_admin,
    language,
    localize_keyboard,
    reply,
)
from bot.telegram_app.handlers.follow import settings_text as follow_settings
from digests.resolve import resolve_topic
from digests.taxonomy import Topic
from store import chats, deliveries


def reschedule(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    hook = context.application.bot_data.get(RESCHEDULE)
    if hook is not None:
        hook(chat_id)


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The topic keyboard; in a group only for admins (members see the topics as text)."""
    svc = services(context)
    chat = current_chat(update, context)
    lang = language(update, context)
    subscribed = chat.topics if chat else ()
    if not await is_group_admin(update, context):
        await reply(update, context, readonly_topics(svc, subscribed, lang))
        return
    await reply(
        update,
        context,
        text(lang, "topics_prompt"),
        topics_keyboard(svc.lexicon.taxonomy, subscribed, lang),
    )


def readonly_topics(svc: Services, subscribed: tuple[str, ...] | list[str], lang: str) -> str:
    """A group's topics for a member who may not change them."""
    taxonomy = svc.lexicon.taxonomy
    names = "、".join(
        esc(topic_name(taxonomy.by_id[t], lang)) for t in subscribed if t in taxonomy.by_id
    )
    if not names:
        return text(lang, "topics_readonly_none")
    return text(lang, "topics_readonly", topics=names)


async def _topic_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str
) -> tuple[Topic, str, int] | None:
    """The topic a settings button names, once the presser may change settings.

    Answers the callback with an alert and returns None for a stale button or a
    group member who is not an admin.
    """
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = language(update, context)
    topic = services(context).lexicon.taxonomy.by_id.get(query.data.removeprefix(prefix))
    if topic is None:
        await query.answer(localize(text(lang, "expired"), lang), show_alert=True)
        return None
    if not await admin_pressed(update, context, lang):
        return None
    return topic, lang, update.effective_chat.id  # type: ignore[union-attr]


async def toggle_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button: toggle, answer the callback, redraw the keyboard in place."""
    pressed = await _topic_button(update, context, TOGGLE)
    if pressed is None:
        return
    topic, lang, chat_id = pressed
    svc = services(context)
    now_on = chats.toggle(svc.db, chat_id, topic.id)
    reschedule(context, chat_id)
    query = update.callback_query
    assert query is not None
    name = topic_name(topic, lang)
    await query.answer(
        localize(text(lang, "toggled_on" if now_on else "toggled_off", topic=name), lang)
    )
    chat = chats.get_chat(svc.db, chat_id)
    await query.edit_message_reply_markup(
        localize_keyboard(
            topics_keyboard(svc.lexicon.taxonomy, chat.topics if chat else (), lang), lang
        )
    )


async def unsubscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button under /unsubscribe alone: unsubscribe, redraw the remaining ones."""
    pressed = await _topic_button(update, context, UNSUBSCRIBE)
    if pressed is None:
        return
    topic, lang, chat_id = pressed
    svc = services(context)
    if chats.unsubscribe(svc.db, chat_id, topic.id):
        reschedule(context, chat_id)
    query = update.callback_query
    assert query is not None
    name = topic_name(topic, lang)
    await query.answer(localize(text(lang, "toggled_off", topic=name), lang))
    chat = chats.get_chat(svc.db, chat_id)
    keyboard = unsubscribe_keyboard(svc.lexicon.taxonomy, chat.topics if chat else (), lang)
    if keyboard is None:
        await query.edit_message_text(localize(text(lang, "unsubscribe_none"), lang))
    else:
        await query.edit_message_reply_markup(localize_keyboard(keyboard, lang))


async def subscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A suggestion button under an unknown /subscribe."""
    pressed = await _topic_button(update, context, SUBSCRIBE)
    if pressed is None:
        return
    topic, lang, chat_id = pressed
    chats.subscribe(services(context).db, chat_id, topic.id)
    reschedule(context, chat_id)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await reply(update, context, text(lang, "subscribed", topic=esc(topic_name(topic, lang))))


async def _change_subscription(
    update: Update, context: ContextTypes.DEFAULT_TYPE, subscribing: bool
) -> None:
    svc = services(context)
    lang = language(update, context)
    query = argument(context)
    if not query and not subscribing:
        # /unsubscribe alone: the chat's topics, one button each.
        chat = current_chat(update, context)
        subscribed = chat.topics if chat else ()
        keyboard = unsubscribe_keyboard(svc.lexicon.taxonomy, subscribed, lang)
        key = "unsubscribe_pick" if keyboard else "unsubscribe_none"
        await reply(update, context, text(lang, key), keyboard)
        return
    if not query:
        await reply(update, context, text(lang, "usage_subscribe"))
        return
    found = resolve_topic(svc.lexicon.taxonomy, query)
    if found.match is None:
        suggestions = topic_choices(svc.lexicon.taxonomy, found.suggestions, SUBSCRIBE, lang)
        message = text(lang, "unknown_topic", query=esc(query))
        if suggestions and subscribing:
            message += "\n" + text(lang, "did_you_mean")
        await reply(
            update, context, message, suggestion_keyboard(suggestions) if subscribing else None
        )
        return
    topic = found.match
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    if subscribing:
        changed = chats.subscribe(svc.db, chat_id, topic.id)
        key = "subscribed" if changed else "already_subscribed"
    else:
        changed = chats.unsubscribe(svc.db, chat_id, topic.id)
        key = "unsubscribed" if changed else "not_subscribed"
    if changed:
        reschedule(context, chat_id)
    await reply(update, context, text(lang, key, topic=esc(topic_name(topic, lang))))


@admins_only
async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change_subscription(update, context, subscribing=True)


@admins_only
async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change_subscription(update, context, subscribing=False)


async def mytopics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    chat = current_chat(update, context)
    lang = language(update, context)
    assert chat is not None
    await reply(
        update,
        context,
        views.settings(
            chat,
            svc.lexicon.taxonomy,
            lang,
            svc.chat_time(chat).strftime("%H:%M"),
            zone_label(svc.chat_zone(chat), lang),
            when_text(svc.next_delivery_at(chat), lang),
            _today_note(svc, chat, lang),
        )
        + "\n"
        + follow_settings(svc, chat, lang),
    )


def _today_note(svc: Services, chat: chats.ChatSettings, lang: str) -> str | None:
    """Whether today's briefing went out, or had nothing new to say."""
    today = datetime.now(UTC).astimezone(ZoneInfo(svc.chat_zone(chat))).date().isoformat()
    delivery = deliveries.get_delivery(svc.db, chat.id, today)
    if delivery is None:
        return None
    if delivery.status == deliveries.EMPTY:
        return text(lang, "settings_today_empty")
    if delivery.status == deliveries.SENT:
        return text(lang, "settings_today_sent")
    return None


@admins_only
async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    chat = current_chat(update, context)
    assert chat is not None
    if chat.paused:
        await reply(update, context, text(lang, "already_paused"))
        return
    chats.set_paused(svc.db, chat.id, True)
    reschedule(context, chat.id)
    await reply(update, context, text(lang, "paused"))


@admins_only
async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    chat = current_chat(update, context)
    assert chat is not None
    if not chat.paused and chat.enrolled:
        await reply(update, context, text(lang, "already_active"))
        return
    chats.set_paused(svc.db, chat.id, False)
    chats.enrol(svc.db, chat.id)
    reschedule(context, chat.id)
    await reply(
        update,
        context,
        text(
            lang,
            "resumed",
            next=esc(when_text(svc.next_delivery_at(chats.get_chat(svc.db, chat.id)), lang)),
        ),
    )


@admins_only
async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    await reply(
        update,
        context,
        text(lang, "stop_confirm"),
        stop_keyboard(
            localize(text(lang, "stop_yes"), lang), localize(text(lang, "stop_no"), lang)
        ),
    )


async def stop_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    lang = language(update, context)
    if not await admin_pressed(update, context, lang):
        return
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    await query.answer()
    if query.data.endswith("yes"):
        chats.delete_chat(svc.db, chat_id)
        reschedule(context, chat_id)
        await query.edit_message_text(localize(text(lang, "stopped"), lang))
    else:
        await query.edit_message_text(localize(text(lang, "stop_cancelled"), lang))


@admins_only
async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    value = argument(context)
    chosen = normalize_language(value) if value else None
    if chosen is None:  # alone (or unknown): how to change it, and what it is now
        lang = language(update, context)
        current = text(lang, "lang_current", name=LANGUAGE_NAMES.get(lang, lang))
        await reply(update, context, text(lang, "usage_lang") + "\n" + current)
        return
    chats.set_language(svc.db, update.effective_chat.id, chosen)  # type: ignore[union-attr]
    await reply(update, context, text(chosen, "lang_set", name=LANGUAGE_NAMES[chosen]), lang=chosen)
