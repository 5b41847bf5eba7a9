"""Scheduled briefings: compose, plan in the ledger, send paced, survive Telegram faults.

One code path serves the daily jobs, the catch-up after start-up and
``briefbot deliver``.  Faults: ``RetryAfter`` waits as told and sends anyway;
``Forbidden`` or "chat not found" marks the chat inactive (kept, not deleted);
``ChatMigrated`` moves the chat to its new id and resends; time-outs and 5xx are
retried with backoff a few times, then left planned for the next pass.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.core.config import Settings
from bot.core.timeparse import due_date
from bot.delivery.follow_section import FollowComposer, join_pieces
from bot.delivery.pacing import Pacer
from bot.messages import follow_views, views
from bot.messages.i18n import DEFAULT_LANGUAGE, localize
from bot.messages.keyboards import more_keyboard
from bot.messages.render import split_html
from digests.briefing import Briefing, BriefItem, compose_briefing
from digests.taxonomy import Taxonomy
from store import Database, chats, deliveries
from store.articles import library_version
from store.briefings import candidate_articles
from store.chats import ChatSettings

log = logging.getLogger(__name__)

RETRIES = 3
COMPOSE_CACHE_SIZE = 20_000
"""Compositions kept across passes: the daily jobs deliver one chat per pass."""
MAX_RETRY_AFTER = 600.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class Undeliverable(Exception):
    """The chat blocked or removed the bot, or no longer exists."""


class Transient(Exception):
    """Time-outs and server errors that outlasted the retries: try again next pass."""


@dataclass
class PassResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    """Briefings that were not sent: still pending (network, 5xx) or refused by Telegram."""
    empty: int = 0
    inactive: int = 0
    """Chats that blocked or removed the bot, or no longer exist: an outcome, not a failure."""
    pending: int = 0
    """Of ``failed``, those left for the next pass: the only ones worth a failing exit."""

    def line(self) -> str:
        line = f"sent {self.sent}, skipped {self.skipped}, failed {self.failed}"
        return line + (f", inactive {self.inactive}" if self.inactive else "")


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds to wait; PTB 22 gives an int today and a timedelta in a future version."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@dataclass(frozen=True)
class OnDemandBriefing:
    """A /brief answer: messages already localised and split, and the "more" buttons
    (label, article ids) for under the last one."""

    pieces: list[str]
    buttons: list[tuple[str, list[int]]]


class Deliverer:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        taxonomy: Taxonomy,
        settings: Settings,
        pacer: Pacer | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.db = db
        self.taxonomy = taxonomy
        self.settings = settings
        self.pacer = pacer or Pacer(per_second=settings.send_rate)
        self.sleep = sleep
        self._compose_cache: dict[tuple, tuple[list[int], list[str]]] = {}
        self._stopping = False
        self._store_version: int | None = None
        """Which articles exist, read once per pass: part of the composition cache key."""
        self._deferred: list[tuple[float, int, str, bool]] = []
        self.follows = FollowComposer(db, settings.brief_max)
        self._topic_briefings: dict[tuple, Briefing] = {}
        """Topic candidates per (topics, articles received, library version)."""
        """(ready at, chat, local date, is group) of briefings waiting for their next piece."""

    def request_stop(self) -> None:
        """Graceful shutdown: finish the message in flight, leave the rest planned."""
        self._stopping = True

    async def deliver_pass(
        self,
        now: datetime,
        grace: timedelta | None = None,
        chat_ids: Sequence[int] | None = None,
    ) -> PassResult:
        """Send every briefing due at ``now`` that its chat has not had for its local date."""
        result = PassResult()
        self._deferred = []
        self._store_version = self._newest_article()
        try:
            return await self._pass(result, now, grace, chat_ids)
        finally:
            self._store_version = None

    async def _pass(
        self,
        result: PassResult,
        now: datetime,
        grace: timedelta | None,
        chat_ids: Sequence[int] | None,
    ) -> PassResult:
        targets = list(chat_ids) if chat_ids is not None else deliveries.deliverable_chats(self.db)
        for chat_id in targets:
            if self._stopping:
                break
            await self._resume_deferred(result, drain=False)
            chat = chats.get_chat(self.db, chat_id)
            if chat is None or not chat.receives_briefings:
                result.skipped += 1
                continue
            self._count(result, await self.deliver_chat(chat, now, grace))
        await self._resume_deferred(result, drain=True)
        return result

    @staticmethod
    def _count(result: PassResult, outcome: str) -> None:
        if outcome == "sent":
            result.sent += 1
        elif outcome == "inactive":
            result.inactive += 1
        elif outcome in ("failed", "pending"):
            result.failed += 1
            result.pending += outcome == "pending"
        elif outcome != "deferred":
            result.skipped += 1
            result.empty += outcome == "empty"

    async def _resume_deferred(self, result: PassResult, drain: bool) -> None:
        """Continue multi-message briefings whose chat may take the next piece now.

        A chat's next message must wait about a second after its last one; instead of
        stalling the whole broadcast for it, the pass moves on to other chats and
        comes back.  With ``drain`` it waits for and finishes every deferred one.
        """
        while self._deferred and not self._stopping:
            self._deferred.sort()
            ready_at, chat_id, local_date, is_group = self._deferred[0]
            wait = ready_at - self.pacer.clock()
            if wait > 0:
                if not drain:
                    return
                await self.sleep(wait)
            self._deferred.pop(0)
            delivery = deliveries.get_delivery(self.db, chat_id, local_date)
            if delivery is None or delivery.status != deliveries.PLANNED:
                continue
            self._count(result, await self._send_planned(delivery, is_group))

    async def deliver_chat(
        self, chat: ChatSettings, now: datetime, grace: timedelta | None = None
    ) -> str:
        """'sent', 'skipped', 'empty' or 'failed' for one chat at ``now``."""
        settings = self.settings
        local_date = due_date(
            now, settings.chat_time(chat.brief_time), settings.chat_zone(chat.timezone), grace
        )
        if local_date is None:
            return "skipped"
        if chat.days == "weekdays" and local_date.weekday() >= 5:
            return "skipped"  # /days weekdays: no briefing on a local Saturday or Sunday
        day = local_date.isoformat()
        delivery = deliveries.get_delivery(self.db, chat.id, day)
        if delivery is None:
            article_ids, pieces = self.compose(chat)
            delivery = deliveries.plan(self.db, chat.id, day, article_ids, pieces)
            if delivery is None:
                return "skipped"  # another pass planned it a moment ago
        if delivery.status == deliveries.EMPTY:
            return "empty"
        if delivery.status != deliveries.PLANNED:
            return "skipped"
        return await self._send_planned(delivery, chat.type != "private")

    def compose(self, chat: ChatSettings) -> tuple[list[int], list[str]]:
        """Articles on the chat's topics it has never received, rendered and split.

        Chats with the same topics, language and history get the same briefing, so it
        is composed once per pass and reused.
        """
        received = deliveries.delivered_article_ids(self.db, chat.id)
        lang = chat.language or DEFAULT_LANGUAGE
        # Topic order does not change the briefing; a new article does.
        version = self._store_version
        if version is None:  # composing outside a pass
            version = self._newest_article()
        # The briefing opens with the chat's follows; the topics then leave those out.
        followed = self.follows.items(chat, received, version)
        if followed:
            topic_ids, topic_pieces = self._compose_topics(
                chat, received, {i.article_id for i in followed}, lang, version
            )
            return (
                [i.article_id for i in followed] + topic_ids,
                join_pieces(
                    self.follows.pieces(followed, lang), topic_pieces, self.follows.last_length
                ),
            )
        return self._compose_topics(chat, received, set(), lang, version)

    def _compose_topics(
        self,
        chat: ChatSettings,
        received: set[int],
        shown: set[int],
        lang: str,
        version: int,
    ) -> tuple[list[int], list[str]]:
        """The topic part: new articles on the chat's topics minus ``shown`` (the follow
        section's).  Candidates are read once per (topics, history); each distinct
        remainder is rendered once."""
        full, items = self._topic_items(chat.topics, received, shown, version)
        topics = tuple(sorted(chat.topics))
        key = (topics, tuple(i.article_id for i in items), lang, version)
        cached = self._compose_cache.get(key)
        if cached is not None:
            return cached
        if not items:
            composed: tuple[list[int], list[str]] = ([], [])
        else:
            briefing = replace(full, items=items)
            composed = ([i.article_id for i in items], self._topic_pieces(briefing, lang))
        if len(self._compose_cache) >= COMPOSE_CACHE_SIZE:
            self._compose_cache.clear()
        self._compose_cache[key] = composed
        return composed

    def _topic_items(
        self, topics: Sequence[str], received: set[int], shown: set[int], version: int
    ) -> tuple[Briefing, list[BriefItem]]:
        """The topic candidates, and the newest of them the chat never received, minus
        ``shown``, at most ``BRIEFBOT_BRIEF_MAX``.  Candidates are read once per (topics,
        history); the briefing of the items is built only when not already rendered."""
        limit = self.settings.brief_max
        base_key = (tuple(sorted(topics)), frozenset(received), version)
        full = self._topic_briefings.get(base_key)
        if full is None:
            wider = limit + self.follows.limit  # enough left whatever the follows take
            candidates = candidate_articles(self.db, topics, wider, exclude=sorted(received))
            full = compose_briefing(candidates, topics, wider)
            if len(self._topic_briefings) >= COMPOSE_CACHE_SIZE:
                self._topic_briefings.clear()
            self._topic_briefings[base_key] = full
        return full, [i for i in full.items if i.article_id not in shown][:limit]

    def _topic_pieces(self, briefing: Briefing, lang: str) -> list[str]:
        markup = localize(views.briefing(briefing, self.taxonomy, lang), lang)
        return split_html(markup, views.BRIEF_PIECE_LIMIT)

    def on_demand(self, chat: ChatSettings | None, lang: str) -> OnDemandBriefing:
        """What /brief answers: the same composition as the daily push (the follow
        section, then the topics without its articles, in phone-size pieces), but of the
        newest articles whether or not a briefing already carried them, and recorded
        nowhere: asking for a briefing never changes what tomorrow's push holds."""
        version = self._newest_article()
        topics = chat.topics if chat is not None else ()
        followed = self.follows.items(chat, set(), version) if chat is not None else []
        shown = {i.article_id for i in followed}
        full, items = self._topic_items(topics, set(), shown, version)
        briefing = replace(full, items=items)
        topic_buttons = views.briefing_more(briefing, self.taxonomy, lang)
        buttons = follow_views.more_buttons([i.article_id for i in followed], topic_buttons, lang)
        if not followed:
            return OnDemandBriefing(self._topic_pieces(briefing, lang), buttons)
        topic_pieces = self._topic_pieces(briefing, lang) if briefing.items else []
        follow_pieces = self.follows.pieces(followed, lang)
        pieces = join_pieces(follow_pieces, topic_pieces, self.follows.last_length)
        return OnDemandBriefing(pieces, buttons)

    def _newest_article(self) -> int:
        return library_version(self.db)

    async def _send_planned(self, delivery: deliveries.Delivery, is_group: bool) -> str:
        chat_id = delivery.chat_id
        for piece in delivery.pieces[delivery.parts_sent :]:
            last = delivery.parts_sent == len(delivery.pieces) - 1
            if self._stopping:
                return "skipped"  # resumed from this piece by the next pass
            wait = self.pacer.chat_wait(chat_id, is_group)
            if wait > 0:
                ready_at = self.pacer.clock() + wait
                self._deferred.append((ready_at, chat_id, delivery.local_date, is_group))
                return "deferred"
            while True:
                try:
                    keyboard = self._more_keyboard(chat_id, delivery) if last else None
                    message_id = await self._send(chat_id, piece, is_group, keyboard)
                    break
                except ChatMigrated as moved:
                    new_id = moved.new_chat_id
                    delivery = replace(delivery, chat_id=new_id)
                    log.info("chat %s migrated to %s", chat_id, new_id)
                    deliveries.migrate_chat(self.db, chat_id, new_id)
                    chat_id = new_id
                    is_group = True
                except Undeliverable as exc:
                    log.info("chat %s unreachable (%s): marked inactive", chat_id, exc)
                    chats.set_active(self.db, chat_id, False)
                    deliveries.mark_attempt(self.db, delivery.id, str(exc), final=True)
                    return "inactive"
                except Transient as exc:
                    log.warning("chat %s: %s; left for the next pass", chat_id, exc)
                    deliveries.mark_attempt(self.db, delivery.id, str(exc), final=False)
                    return "pending"
                except BadRequest as exc:
                    log.error("chat %s: Telegram refused the briefing: %s", chat_id, exc)
                    deliveries.mark_attempt(self.db, delivery.id, str(exc), final=True)
                    return "failed"
            deliveries.record_part(self.db, delivery.id, message_id)
            delivery = replace(delivery, parts_sent=delivery.parts_sent + 1)
        final = deliveries.get_delivery(self.db, chat_id, delivery.local_date)
        assert final is not None
        deliveries.mark_sent(self.db, final)
        return "sent"

    def _more_keyboard(self, chat_id: int, delivery: deliveries.Delivery) -> object:
        """The "whole digest" button under a briefing's last message, from the ledger's
        article ids: a briefing resumed after a restart gets it too, and the button works
        whenever it is pressed (the ids travel in it)."""
        chat = chats.get_chat(self.db, chat_id)
        lang = (chat.language if chat else None) or DEFAULT_LANGUAGE
        return more_keyboard(follow_views.whole_buttons(delivery.article_ids, lang))

    async def send_one(
        self, chat_id: int, markup: str, is_group: bool, reply_markup: object = None
    ) -> int:
        """One paced message outside a briefing (an alert), with the briefings' fault
        handling: raises Undeliverable, Transient, ChatMigrated or BadRequest."""
        return await self._send(chat_id, markup, is_group, reply_markup)

    async def _send(
        self, chat_id: int, piece: str, is_group: bool, reply_markup: object = None
    ) -> int:
        """One message, paced; waits out 429s, retries time-outs and 5xx with backoff."""
        failures = 0
        waited = 0.0
        while True:
            await self.pacer.acquire(chat_id, is_group)
            try:
                message = await self.bot.send_message(
                    chat_id,
                    piece,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                    reply_markup=reply_markup,  # type: ignore[arg-type]
                )
                return message.message_id
            except RetryAfter as exc:
                pause = retry_after_seconds(exc)
                waited += pause
                if waited > MAX_RETRY_AFTER:
                    raise Transient(f"flood control for {waited:.0f} s") from None
                self.pacer.penalize(pause)
                await self.sleep(pause)
            except Forbidden as exc:
                raise Undeliverable(str(exc)) from None
            except ChatMigrated:
                raise
            except BadRequest as exc:
                if "chat not found" in str(exc).lower():
                    raise Undeliverable(str(exc)) from None
                raise
            except (TimedOut, NetworkError) as exc:
                failures += 1
                if failures > RETRIES:
                    raise Transient(f"{type(exc).__name__}: {exc}") from None
                await self.sleep(min(30.0, 0.5 * 2**failures))
