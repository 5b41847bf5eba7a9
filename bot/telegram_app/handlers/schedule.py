"""/time and /timezone: the delivery time and zone as people type them, said back in words.

Alone, each shows the current setting (anyone may ask); with a value, only a group's
admins may change it.  Replies name the zone the way readers do (台北時間 (UTC+8)) and
say when an abbreviation or a bare offset was read a particular way.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.services import Services, services
from bot.core.timeparse import (
    NOTE_ABBREVIATION,
    NOTE_FIXED_OFFSET,
    NOTE_OFFSET_PLACE,
    REFUSED_AMBIGUOUS,
    ZoneReading,
    describe_zone,
    parse_time,
    read_timezone,
)
from bot.messages.i18n import text
from bot.messages.render import esc
from bot.messages.views import delivery_days
from bot.messages.zones import follows_dst, when_text, zone_label
from bot.telegram_app.handlers.common import (
    argument,
    current_chat,
    is_group_admin,
    language,
    reply,
)
from bot.telegram_app.handlers.settings import reschedule
from store import chats
from store.chats import ChatSettings


def _schedule_values(svc: Services, chat: ChatSettings | None, lang: str) -> dict[str, str]:
    now = datetime.now(UTC)
    zone = svc.chat_zone(chat)
    return {
        "days": delivery_days(chat, lang),
        "time": svc.chat_time(chat).strftime("%H:%M"),
        "zone": esc(zone_label(zone, lang, now)),
        "next": esc(when_text(svc.next_delivery_at(chat, now), lang, now)),
    }


def current_schedule(svc: Services, chat: ChatSettings | None, lang: str) -> str:
    return text(lang, "time_current", **_schedule_values(svc, chat, lang))


def zone_note(reading: ZoneReading, lang: str) -> str | None:
    """What to tell the reader about how their zone text was read, if anything."""
    if reading.zone is None or reading.note is None:
        return None
    label = esc(zone_label(reading.zone, lang))
    given = esc(reading.given)
    if reading.note == NOTE_ABBREVIATION:
        # JST is simply Tokyo; only a zone with summer time needs the explanation.
        if not follows_dst(reading.zone):
            return None
        return text(lang, "zone_note_abbreviation", given=given, zone=label)
    if reading.note == NOTE_FIXED_OFFSET:
        return text(lang, "zone_note_fixed_offset", given=esc(describe_zone(reading.zone)))
    if reading.note == NOTE_OFFSET_PLACE:
        return text(lang, "zone_note_offset_place", given=given, zone=label)
    return None


def zone_refusal(value: str, reading: ZoneReading, lang: str) -> str:
    """Why the zone text was not taken, with the places it might have meant."""
    options = "、".join(esc(zone_label(z, lang)) for z in reading.suggestions)
    if reading.note == REFUSED_AMBIGUOUS:
        return text(lang, "zone_ambiguous", given=esc(reading.given), options=options)
    message = text(lang, "bad_timezone", value=esc(value))
    if options:
        message += "\n" + text(lang, "zone_suggest", options=options)
    return message


def _time_and_zone(value: str) -> tuple[time | None, ZoneReading | None]:
    """'7:30', or a time followed by a zone in one go: '7:30 Tokyo', '下午3點 紐約'."""
    at = parse_time(value)
    if at is not None:
        return at, None
    words = value.split()
    for cut in range(len(words) - 1, 0, -1):
        at = parse_time(" ".join(words[:cut]))
        if at is not None:
            reading = read_timezone(" ".join(words[cut:]))
            return (at, reading) if reading.zone else (None, None)
    return None, None


async def set_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    value = argument(context)
    if not value:
        await reply(update, context, current_schedule(svc, current_chat(update, context), lang))
        return
    if not await is_group_admin(update, context):
        await reply(update, context, text(lang, "admins_only"))
        return
    at, reading = _time_and_zone(value)
    if at is None:
        await reply(update, context, text(lang, "bad_time", value=esc(value)))
        return
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    if reading is not None and reading.zone:
        chats.set_timezone(svc.db, chat_id, reading.zone)
    chats.set_brief_time(svc.db, chat_id, at.strftime("%H:%M"))
    reschedule(context, chat_id)
    chat = chats.get_chat(svc.db, chat_id)
    message = text(lang, "time_set", **_schedule_values(svc, chat, lang))
    note = zone_note(reading, lang) if reading else None
    await reply(update, context, f"{message}\n{note}" if note else message)


async def set_timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    value = argument(context)
    if not value:
        chat = current_chat(update, context)
        zone = esc(zone_label(svc.chat_zone(chat), lang))
        current = text(lang, "timezone_current", zone=zone)
        await reply(update, context, text(lang, "usage_timezone") + "\n" + current)
        return
    if not await is_group_admin(update, context):
        await reply(update, context, text(lang, "admins_only"))
        return
    reading = read_timezone(value)
    if reading.zone is None:
        await reply(update, context, zone_refusal(value, reading, lang))
        return
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    chats.set_timezone(svc.db, chat_id, reading.zone)
    reschedule(context, chat_id)
    chat = chats.get_chat(svc.db, chat_id)
    values = _schedule_values(svc, chat, lang)
    message = text(lang, "timezone_set", zone=values["zone"], next=values["next"])
    note = zone_note(reading, lang)
    await reply(update, context, f"{message}\n{note}" if note else message)
