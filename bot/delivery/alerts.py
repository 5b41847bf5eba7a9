"""Instant alerts: new articles matched against every chat's follows, sent exactly once.

A sweep (every minute, after each feed poll and after an operator's /ingest) does two
things:

1. *match*: the shared articles stored after the ledger's watermark (whoever stored
   them: feeds, ``briefbot ingest`` in another process, /ingest) are matched against an
   in-memory :class:`~digests.follows.FollowIndex` of the follows of chats with alerts
   on, and one *pending* row per (chat, article) is written together with the new
   watermark (:func:`store.alerts.record_matches`);
2. *send*: each chat's pending alerts go out, unless the chat is in its quiet hours
   (they wait until the window ends).  At most ``BRIEFBOT_ALERTS_PER_HOUR`` alert
   messages per chat in any 60 minutes: when more are waiting, the last allowed
   message is one "and N more" note and the rest are left to the briefing; with no
   allowance left they are left to the briefing silently.

Sends go through the briefings' :class:`~bot.delivery.deliverer.Deliverer` (the same
pacer, flood-limit and fault handling), chats taking turns so one chat's burst never
holds up the others.  A row becomes *sent* right after Telegram accepted it, so a
restart or a SIGKILL repeats at most the message in flight.
"""

from __future__ import annotations

import asyncio
import logging
import time as monotonic_time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram.error import BadRequest, ChatMigrated

from bot.core.timeparse import parse_hhmm
from bot.delivery.deliverer import Deliverer, Transient, Undeliverable
from bot.messages import follow_views
from bot.messages.i18n import DEFAULT_LANGUAGE, localize
from digests.follows import FollowIndex
from store import Database, alerts, chats, deliveries, follows
from store.chats import ChatSettings

log = logging.getLogger(__name__)

MATCH_BATCH = 50
"""New articles matched and recorded per transaction."""
HOUR = timedelta(hours=1)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def in_quiet_hours(window: str | None, zone: str, now: datetime) -> bool:
    """Whether ``now`` falls in the chat's 'HH:MM-HH:MM' window (which may span midnight)."""
    if not window or "-" not in window:
        return False
    start_text, end_text = window.split("-", 1)
    start, end = parse_hhmm(start_text), parse_hhmm(end_text)
    if start is None or end is None:
        return False
    local: time = now.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


@dataclass
class SweepResult:
    matched: int = 0
    """Alerts planned from new articles in this sweep."""
    sent: int = 0
    folded: int = 0
    held: int = 0
    """Chats whose alerts wait for the end of their quiet hours."""
    dropped: int = 0
    pending: int = 0
    """Alerts left pending after a transient failure."""

    def line(self) -> str:
        return (
            f"alerts: matched {self.matched}, sent {self.sent}, folded {self.folded}, "
            f"held {self.held}, dropped {self.dropped}, pending {self.pending}"
        )


class AlertSender:
    def __init__(
        self,
        deliverer: Deliverer,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.deliverer = deliverer
        self.db: Database = deliverer.db
        self.settings = deliverer.settings
        self.clock = clock
        self._index: FollowIndex | None = None
        self._index_version: int | None = None
        self._lock = asyncio.Lock()
        self._started = 0.0
        """Monotonic time the running sweep started: ``now`` plus the time since then is
        when a message really went out."""

    def changed(self) -> None:
        """Follows or alert switches changed: rebuild the index before the next match."""
        self._index = None

    def _current_index(self) -> FollowIndex:
        version = follows.follows_version(self.db)
        if self._index is None or self._index_version != version:
            self._index = FollowIndex.from_rows(follows.alerting_follows(self.db))
            self._index_version = version
        return self._index

    def start(self) -> None:
        """The first start ever: articles already stored are history, not news."""
        alerts.start_watermark(self.db, follows.newest_article_id(self.db))

    async def sweep(self, now: datetime | None = None) -> SweepResult:
        """Match new articles, then send what is due at ``now`` (default: the clock)."""
        async with self._lock:
            now = now or self.clock()
            self._started = monotonic_time.monotonic()
            result = SweepResult()
            result.matched = self.match_new(now)
            await self.send_due(now, result)
            if result.matched or result.sent or result.folded or result.pending:
                log.info("%s", result.line())
            return result

    def match_new(self, now: datetime) -> int:
        mark = alerts.watermark(self.db)
        if mark is None:
            self.start()
            return 0
        planned = 0
        while True:
            batch = follows.articles_after(self.db, mark, MATCH_BATCH)
            if not batch:
                return planned
            index = self._current_index()
            matches = []
            for article in batch:
                for chat_id, hit in index.match(article).items():
                    matches.append(
                        alerts.Match(chat_id, article.id, hit.kind, hit.key, hit.sentences[0])
                    )
            mark = batch[-1].id
            planned += alerts.record_matches(self.db, matches, mark, _iso(now))

    async def send_due(self, now: datetime, result: SweepResult) -> None:
        """Every chat's due alerts, chats taking turns one message at a time."""
        queues: dict[int, tuple[ChatSettings, list[alerts.Alert]]] = {}
        for chat_id in alerts.pending_chats(self.db):
            planned = self._plan_chat(chat_id, now, result)
            if planned is not None:
                queues[chat_id] = planned
        while queues:
            for chat_id in list(queues):
                chat, items = queues[chat_id]
                if not items or self.deliverer._stopping:
                    del queues[chat_id]
                    continue
                if not await self._send(chat, items.pop(0), now, result):
                    result.pending += len(items)
                    del queues[chat_id]
            if self.deliverer._stopping:
                return

    def _plan_chat(
        self, chat_id: int, now: datetime, result: SweepResult
    ) -> tuple[ChatSettings, list[alerts.Alert]] | None:
        """Drop what can no longer go, hold quiet hours, fold what the cap does not allow."""
        chat = chats.get_chat(self.db, chat_id)
        items = alerts.pending(self.db, chat_id)
        if chat is None or not chat.alerts or not chat.active:
            alerts.mark(self.db, [a.id for a in items], alerts.DROPPED, "alerts off")
            result.dropped += len(items)
            return None
        gone = [a.id for a in items if a.kind != alerts.MORE and a.label is None]
        if gone:  # unfollowed since it matched
            alerts.mark(self.db, gone, alerts.DROPPED, "unfollowed")
            result.dropped += len(gone)
            items = [a for a in items if a.id not in gone]
        if not items:
            return None
        if in_quiet_hours(chat.quiet, self.settings.chat_zone(chat.timezone), now):
            result.held += 1
            return None
        cap = self.settings.alerts_per_hour
        allowed = cap - alerts.sent_since(self.db, chat_id, _iso(now - HOUR))
        notes = [a for a in items if a.kind == alerts.MORE]
        articles = [a for a in items if a.kind != alerts.MORE]
        allowed -= len(notes)  # a note planned before a crash still goes out
        if len(articles) > max(allowed, 0):
            keep = max(allowed - 1, 0)
            folded = articles[keep:]
            alerts.fold(self.db, chat_id, [a.id for a in folded], _iso(now), note=allowed >= 1)
            result.folded += len(folded)
            items = alerts.pending(self.db, chat_id)
        return (chat, items) if items else None

    async def _send(
        self, chat: ChatSettings, item: alerts.Alert, now: datetime, result: SweepResult
    ) -> bool:
        """Send one alert and record it; False when the chat's remaining alerts must wait."""
        lang = chat.language or DEFAULT_LANGUAGE
        if item.kind == alerts.MORE:
            markup, keyboard = (
                follow_views.more(item.folded, self.settings.alerts_per_hour, lang),
                None,
            )
        else:
            markup, keyboard = follow_views.alert(item, lang)
        try:
            message_id = await self.deliverer.send_one(
                chat.id, localize(markup, lang), chat.type != "private", keyboard
            )
        except Undeliverable as exc:
            log.info("chat %s unreachable (%s): marked inactive", chat.id, exc)
            chats.set_active(self.db, chat.id, False)
            alerts.mark(self.db, [item.id], alerts.DROPPED, str(exc)[:200])
            result.dropped += 1
            return False
        except ChatMigrated as moved:
            # The ledger moves with the chat; its alerts go out on the next sweep.
            deliveries.migrate_chat(self.db, chat.id, moved.new_chat_id)
            self.changed()
            result.pending += 1
            return False
        except Transient as exc:
            log.warning("chat %s: alert left for the next sweep: %s", chat.id, exc)
            result.pending += 1
            return False
        except BadRequest as exc:
            log.error("chat %s: Telegram refused an alert: %s", chat.id, exc)
            alerts.mark(self.db, [item.id], alerts.DROPPED, str(exc)[:200])
            result.dropped += 1
            return True
        # Stamped when it went out, not when the sweep began: a burst to many chats
        # takes minutes, and the hourly cap counts back 60 minutes from the stamps.
        elapsed = timedelta(seconds=monotonic_time.monotonic() - self._started)
        alerts.mark_sent(self.db, item.id, message_id, _iso(now + elapsed))
        result.sent += 1
        return True
