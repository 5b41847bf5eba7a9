"""What handlers share: settings, the store, the lexicon, caches.  One per Application."""

from __future__ import annotations

import secrets
import time as monotonic_time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from telegram.ext import ContextTypes

from bot.core.config import Settings
from bot.core.timeparse import next_delivery, utc_offset_text
from digests.lexicon import Lexicon
from store import Database
from store.chats import ChatSettings

ADMIN_CACHE_SECONDS = 120

RESCHEDULE = "briefbot.reschedule"
"""bot_data key of a callable(chat_id) the scheduler installs; settings changes call it."""

ENSURE_SCHEDULED = "briefbot.ensure_scheduled"
"""bot_data key of a callable(chat_id) that gives a chat its daily job if it has none.

Both hooks live here, below the handlers and the scheduler, so that handlers can ask for
a reschedule without importing delivery and the scheduler needs nothing from handlers."""
ALERTS_CHANGED = "briefbot.alerts_changed"
"""bot_data key of a callable() the alert sweep installs: follows or alert switches changed."""

ALERTS_NOW = "briefbot.alerts_now"
"""bot_data key of an async callable() that runs an alert sweep now (after /ingest)."""

BRIEF_NOW = "briefbot.brief_now"
"""bot_data key of a callable(chat or None, language) the scheduler installs: /brief's
answer, composed by the same code as the daily push (follow section first)."""
MAX_PAGED_REPLIES = 500


@dataclass
class PagedReply:
    """A reply shown a page at a time; pages are kept in memory, keyed by a token."""

    kind: str
    language: str
    title: str
    items: list = field(default_factory=list)
    per_page: int = 5
    note: str = ""
    """A line shown under the title on every page (search: how many articles matched)."""

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // self.per_page))

    def page(self, number: int) -> list:
        return self.items[number * self.per_page : (number + 1) * self.per_page]


@dataclass
class Services:
    settings: Settings
    db: Database
    lexicon: Lexicon
    admin_cache: dict[tuple[int, int], tuple[bool, float]] = field(default_factory=dict)
    paged: OrderedDict[str, PagedReply] = field(default_factory=OrderedDict)

    def chat_time(self, chat: ChatSettings | None) -> time:
        return self.settings.chat_time(chat.brief_time if chat else None)

    def chat_zone(self, chat: ChatSettings | None) -> str:
        return self.settings.chat_zone(chat.timezone if chat else None)

    def next_delivery_at(self, chat: ChatSettings | None, now: datetime | None = None) -> datetime:
        """The chat's next briefing instant, in the chat's zone."""
        zone = self.chat_zone(chat)
        when = next_delivery(now or datetime.now(UTC), self.chat_time(chat), zone)
        while chat is not None and chat.days == "weekdays" and when.weekday() >= 5:
            when = next_delivery(when, self.chat_time(chat), zone)  # /days weekdays
        return when

    def next_delivery_text(self, chat: ChatSettings | None, now: datetime | None = None) -> str:
        """'2026-12-04 08:00 (UTC+8)': the offset, never an IANA id (messages.zones has
        the friendly, translated form: 明天 08:00, 台北時間 (UTC+8))."""
        when = self.next_delivery_at(chat, now)
        return f"{when:%Y-%m-%d %H:%M} ({utc_offset_text(self.chat_zone(chat), when)})"

    def remember(self, reply: PagedReply) -> str:
        token = secrets.token_urlsafe(6)
        self.paged[token] = reply
        while len(self.paged) > MAX_PAGED_REPLIES:
            self.paged.popitem(last=False)
        return token

    def cached_admin(self, chat_id: int, user_id: int) -> bool | None:
        hit = self.admin_cache.get((chat_id, user_id))
        if hit and hit[1] > monotonic_time.monotonic():
            return hit[0]
        return None

    def cache_admin(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        self.admin_cache[(chat_id, user_id)] = (
            is_admin,
            monotonic_time.monotonic() + ADMIN_CACHE_SECONDS,
        )


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]
