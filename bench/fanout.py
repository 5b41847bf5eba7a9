"""Daily-briefing fan-out at 100k subscribers: composing every briefing, then sending.

Usage: python bench/fanout.py [--subscribers 100000] [--send-seconds 60] [--json]

Why: a bot with N subscribed chats must, every morning, compose N briefings and send
them within Telegram's flood limits.  Two things can go wrong at scale and neither
shows up in the unit tests, which use a handful of chats and a pacer turned up to
200 messages a second:

* composing: ``Deliverer.compose`` caches a briefing per (topics, articles already
  received, language) within a pass, so N chats should cost a few hundred or thousand
  real compositions plus N cheap look-ups.  ``compose_s`` says whether that holds (the
  target is <= 10 s for 100,000 chats).  The scheduler's daily jobs run one pass per
  chat, which starts with an empty cache; ``one_chat_pass_ms`` times that case;
* sending: the production ``Pacer`` must keep the configured broadcast rate
  (``BRIEFBOT_SEND_RATE``, 25 messages/s by default) without Telegram ever answering
  429.  ``send_rate_per_s`` and ``retry_after_answers`` say whether it does (target:
  >= 95% of the configured rate, no 429).

Everything is real except Telegram: the store is built with the project's own code
and a bulk insert, the send phase runs a real ``Deliverer.deliver_pass`` with the
default ``Pacer`` through a real ``telegram.Bot`` against ``bot.loopback.LoopbackBotAPI``
enforcing Telegram's documented limits (30 messages/s overall, 1/s per chat, 20/min per
group), and answering 429 to any send that breaks them.

1. Build (``bench/fanout_store.py``): a fresh store in a temporary directory; the seed page
   (``../shared/corpus/blog-page-62.txt``, else ``bot/cli/demo_data/pagedumps/*.txt``) is
   ingested with ``ingest_all``.  N chats (5% supergroups with negative ids) are
   inserted with ``insert_all`` in one transaction, with 0-3 topics each drawn with
   Zipf-like popularity (subscribed in the order drawn, as people tap them), time zones
   (Asia/Taipei by default or explicitly for most, then Hong Kong, Tokyo, Shanghai,
   Singapore, New York, London, UTC), delivery times between 06:30 and 09:00 (most
   keep the default 08:00) and languages (mostly the default zh-TW).  A fixed seed
   makes every run build the same chats.  Topics with no seed article give chats on
   them alone an empty briefing (no message), as they would on a young store.
2. Compose: for every deliverable chat, what ``deliver_pass`` does before it writes the
   ledger: ``chats.get_chat``, the due-date check and ``Deliverer.compose`` with one
   per-pass cache.  The instant is ``INSTANT`` (Monday 2025-06-02 14:00 UTC): 10:00 in
   New York (EDT), 15:00 in London (BST), 22:00 in Taipei, Hong Kong, Shanghai and
   Singapore, 23:00 in Tokyo, so every chat is past its delivery time (<= 09:00) on the
   same local date and due without a catch-up grace.  Content does not depend on the
   instant: ``candidate_articles`` has no date filter.
3. Send: ``deliver_pass(INSTANT, chat_ids=...)`` restricted to the first chats whose
   briefings add up to about ``--send-seconds`` x the configured rate messages, so the
   pass lasts about that long; only those chats are made known to the emulator.  The
   rate is ok ``sendMessage`` calls per second between the first and the last one
   (``(ok - 1) / (last - first)``, arrival times at the emulator).  The pass also plans
   and records every delivery in the ledger, as in production.
4. Follows (issue 11): every chat follows ``FOLLOWS_PER_CHAT`` things, three companies
   and two keywords, drawn with Zipf-like popularity from the companies the seed
   articles name (then the rest of the directory) and from sector keywords (then the
   articles' own keywords); ``ALERT_SHARE`` of the chats have alerts on.  Composing
   (step 2) therefore includes every chat's follow section.  ``match_ms`` is the time to
   match one new article against all follows (a :class:`~digests.follows.FollowIndex` of
   every chat's follows, each stored article taken in turn as the new one: p50 and max,
   text preparation included), ``alert_plan_ms`` the alert sweep's whole matching step
   for one new article (index of the alerting chats, pending rows written).
5. ``peak_rss_mb`` is this process's ``ru_maxrss``: it includes the ingest (jieba and
   the company directory, which the running bot holds too) and the emulator thread.

The script prints figures and never asserts targets: it is a measurement, and a missed
target is a finding to report, not a crash.  ``BRIEFBOT_SEND_RATE`` (and the other
``BRIEFBOT_*`` settings) are read from the environment as the bot reads them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.loopback import Call

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout_store import FOLLOWS_PER_CHAT, build_store  # noqa: E402

INSTANT = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
"""Every chat ``build_store`` makes is due at this instant (see the module docstring)."""
ONE_CHAT_SAMPLE = 2000  # chats composed with an empty cache each, as one-chat passes do


# --- 2. composing -----------------------------------------------------------------


@dataclass
class Compose:
    chats: int
    due: int
    compose_s: float
    """get_chat + due check + compose for every chat: what a pass does before planning."""
    compose_cpu_s: float
    """The same in CPU time of this process: what it costs on a machine not shared."""
    get_chat_s: float
    compose_only_s: float
    """The ``Deliverer.compose`` calls alone."""
    miss_s: float
    """Of which in the calls that composed (cache misses); the rest are cache hits."""
    distinct_compositions: int
    follow_sections: int
    """Distinct follow-section entries rendered (per article, hits, alerted, language)."""
    chats_with_follow_items: int
    empty_chats: int
    pieces_per_chat: dict[int, int]
    """Number of messages a briefing takes -> chats."""
    one_chat_pass_ms: float
    """get_chat + compose with an empty cache, as in a pass for one chat (mean)."""
    one_chat_pass_chats: int
    pieces: list[tuple[int, int]] = field(repr=False)
    """(chat id, messages) in pass order, for choosing the send phase's chats."""


def settings_for(db_path: Path, token: str, api_url: str | None):  # type: ignore[no-untyped-def]
    from bot.core.config import Settings

    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": api_url or ""}
    return Settings.from_env(env=env, db_path=str(db_path))


def compose_all(db: Database, settings, taxonomy) -> Compose:  # type: ignore[no-untyped-def]
    from telegram import Bot

    from bot.core.timeparse import due_date
    from bot.delivery.deliverer import Deliverer
    from store import chats, deliveries
    from store.articles import library_version

    # The bot is never contacted in this phase: compose only reads the store.
    deliverer = Deliverer(Bot(settings.token), db, taxonomy, settings)
    # deliver_pass reads the library's version once per pass, not once per chat.
    deliverer._store_version = library_version(db)
    targets = deliveries.deliverable_chats(db)
    pieces: list[tuple[int, int]] = []
    cache = deliverer._compose_cache  # read only: which calls composed, how many in all
    get_chat_s = compose_only_s = miss_s = 0.0
    due = empty = with_follows = 0
    clock = time.perf_counter
    start = clock()
    cpu_start = time.process_time()
    for chat_id in targets:
        t0 = clock()
        chat = chats.get_chat(db, chat_id)
        t1 = clock()
        get_chat_s += t1 - t0
        assert chat is not None
        if (
            due_date(
                INSTANT, settings.chat_time(chat.brief_time), settings.chat_zone(chat.timezone)
            )
            is None
        ):
            continue
        due += 1
        cached = len(cache)
        t2 = clock()
        _, parts = deliverer.compose(chat)
        spent = clock() - t2
        with_follows += bool(parts) and "🔔" in parts[0][:40]
        compose_only_s += spent
        if len(cache) > cached:
            miss_s += spent
        empty += not parts
        pieces.append((chat_id, len(parts)))
    compose_s = clock() - start
    compose_cpu_s = time.process_time() - cpu_start

    # The daily job (bot/delivery/scheduler.py) runs a pass per chat: deliver_pass clears the
    # cache at its start, so each chat composes from scratch.  Time a sample that way.
    sample = [chat_id for chat_id, _ in pieces[:ONE_CHAT_SAMPLE]]
    t3 = clock()
    for chat_id in sample:
        chat = chats.get_chat(db, chat_id)
        assert chat is not None
        Deliverer(deliverer.bot, db, taxonomy, settings).compose(chat)
    one_chat_ms = 1000 * (clock() - t3) / max(len(sample), 1)
    return Compose(
        chats=len(targets),
        due=due,
        compose_s=round(compose_s, 2),
        compose_cpu_s=round(compose_cpu_s, 2),
        get_chat_s=round(get_chat_s, 2),
        compose_only_s=round(compose_only_s, 2),
        miss_s=round(miss_s, 2),
        distinct_compositions=len(cache),
        follow_sections=len(deliverer.follows._caches.blocks),
        chats_with_follow_items=with_follows,
        empty_chats=empty,
        pieces_per_chat=dict(sorted(Counter(n for _, n in pieces).items())),
        one_chat_pass_ms=round(one_chat_ms, 3),
        one_chat_pass_chats=len(sample),
        pieces=pieces,
    )


# --- follows: matching one new article ---------------------------------------------


@dataclass
class Matching:
    follows: int
    distinct_keys: int
    index_build_s: float
    articles_timed: int
    match_ms_p50: float
    """Which follows one new article hits, each with the chats following it (the answer of
    the inverted index), against every chat's follows."""
    match_ms_max: float
    per_chat_ms_p50: float
    """The same, then one strongest hit per chat (what an alert needs), for every chat."""
    per_chat_ms_max: float
    chats_hit_p50: int
    chats_hit_max: int
    alert_plan_ms: float
    """The alert sweep's matching step for one new article: index of alerting chats built
    beforehand (as the running bot keeps it), pending rows and watermark written."""
    alerts_planned: int


def _p50_max(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2], 2), round(ordered[-1], 2)


def match_figures(db: Database, settings, taxonomy) -> Matching:  # type: ignore[no-untyped-def]
    from telegram import Bot

    from bot.delivery.alerts import AlertSender
    from bot.delivery.deliverer import Deliverer
    from digests.follows import FollowIndex
    from store import alerts, follows

    clock = time.perf_counter
    t0 = clock()
    index = FollowIndex.from_rows(follows.all_follows(db))
    build_s = clock() - t0
    articles = follows.recent_articles(db, 10_000)
    index.match(articles[0])  # the keyword table is built on first use, as in the bot
    matching, per_chat, hits = [], [], []
    for article in articles:
        t1 = clock()
        index.hits(article)
        t2 = clock()
        found = index.match(article)
        t3 = clock()
        matching.append(1000 * (t2 - t1))
        per_chat.append(1000 * (t3 - t2))
        hits.append(len(found))
    hits.sort()
    # The alert sweep's own path for one new article: the newest one, as if just stored.
    sender = AlertSender(Deliverer(Bot(settings.token), db, taxonomy, settings))
    sender._current_index()  # kept in memory by the running bot between sweeps
    newest = follows.newest_article_id(db)
    with db.atomic():
        db["meta"].upsert({"key": alerts.WATERMARK_KEY, "value": str(newest - 1)}, pk="key")
    t4 = clock()
    planned = sender.match_new(INSTANT)
    plan_ms = 1000 * (clock() - t4)
    match_p50, match_max = _p50_max(matching)
    chat_p50, chat_max = _p50_max(per_chat)
    return Matching(
        follows=len(index),
        distinct_keys=index.keys,
        index_build_s=round(build_s, 2),
        articles_timed=len(matching),
        match_ms_p50=match_p50,
        match_ms_max=match_max,
        per_chat_ms_p50=chat_p50,
        per_chat_ms_max=chat_max,
        chats_hit_p50=hits[len(hits) // 2],
        chats_hit_max=hits[-1],
        alert_plan_ms=round(plan_ms, 1),
        alerts_planned=planned,
    )


# --- 3. sending -------------------------------------------------------------------


@dataclass
class Send:
    chats: int
    planned_messages: int
    messages_sent: int
    send_rate_per_s: float
    configured_rate_per_s: float
    retry_after_answers: int
    flood_refusals: int
    other_errors: int
    first_to_last_s: float
    pass_s: float
    result: dict[str, int]
    slowest_gaps_s: list[float]


def send_targets(pieces: list[tuple[int, int]], messages: int) -> tuple[list[int], int]:
    """The first chats (in pass order) whose briefings add up to ``messages``."""
    chosen: list[int] = []
    total = 0
    for chat_id, n in pieces:
        if total >= messages:
            break
        chosen.append(chat_id)
        total += n
    return chosen, total


async def _deliver(api, db: Database, settings, taxonomy, chat_ids: list[int]):  # type: ignore[no-untyped-def]
    from telegram import Bot

    from bot.delivery.deliverer import Deliverer

    async with Bot(api.token, base_url=api.base_url) as bot:
        deliverer = Deliverer(bot, db, taxonomy, settings)  # the production Pacer
        start = time.perf_counter()
        result = await deliverer.deliver_pass(INSTANT, chat_ids=chat_ids)
        return result, time.perf_counter() - start


def send(db_path: Path, db: Database, taxonomy, pieces, seconds: float) -> Send:  # type: ignore[no-untyped-def]
    from bot.loopback import FakeChat, FakeUser, LoopbackBotAPI
    from store import chats

    with LoopbackBotAPI() as api:
        settings = settings_for(db_path, api.token, api.base_url)
        chat_ids, planned = send_targets(pieces, round(seconds * settings.send_rate))
        for chat_id in chat_ids:
            chat = chats.get_chat(db, chat_id)
            assert chat is not None
            private = chat.type == "private"
            api.add_chat(
                FakeChat(chat_id, chat.type, None if private else chat.title),
                FakeUser(chat_id) if private else None,
            )
        api.enforce_flood_limits()  # Telegram's: 30/s overall, 1/s per chat, 20/min per group
        result, pass_s = asyncio.run(_deliver(api, db, settings, taxonomy, chat_ids))
        calls = api.calls
        refusals = api.flood_refusals
    sends = [c for c in calls if c.method == "sendMessage"]
    ok = sorted(c.time for c in sends if c.ok)
    retry_after = [c for c in calls if not c.ok and _code(c) == 429]
    span = ok[-1] - ok[0] if len(ok) > 1 else 0.0
    gaps = sorted((b - a for a, b in pairwise(ok)), reverse=True)
    return Send(
        chats=len(chat_ids),
        planned_messages=planned,
        messages_sent=len(ok),
        send_rate_per_s=round((len(ok) - 1) / span, 2) if span else 0.0,
        configured_rate_per_s=settings.send_rate,
        # Every 429 the bot was answered: the emulator's own refusals are among them.
        retry_after_answers=max(len(retry_after), refusals),
        flood_refusals=refusals,
        other_errors=sum(not c.ok and _code(c) != 429 for c in sends),
        first_to_last_s=round(span, 2),
        pass_s=round(pass_s, 2),
        result={k: getattr(result, k) for k in ("sent", "skipped", "failed", "empty")},
        slowest_gaps_s=[round(g, 3) for g in gaps[:5]],
    )


def _code(call: Call) -> int | None:
    return (call.error or {}).get("error_code")


# --- report -----------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--send-seconds", type=float, default=60.0)
    parser.add_argument(
        "--follows", type=int, choices=(0, 1), default=1, help="0: chats follow nothing (before)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()

    from digests.taxonomy import load_taxonomy
    from store import open_db

    with tempfile.TemporaryDirectory(prefix="briefbot-fanout-") as tmp:
        path = Path(tmp) / "fanout.db"
        print(f"building {args.subscribers:,} chats in {path} ...", file=sys.stderr)
        build = build_store(path, args.subscribers, with_follows=bool(args.follows))
        db = open_db(path)
        taxonomy = load_taxonomy()
        settings = settings_for(path, "123456:FANOUT", None)
        print("composing ...", file=sys.stderr)
        composed = compose_all(db, settings, taxonomy)
        print("matching new articles against every follow ...", file=sys.stderr)
        matching = match_figures(db, settings, taxonomy)
        print(f"sending for about {args.send_seconds:g} s ...", file=sys.stderr)
        sent = send(path, db, taxonomy, composed.pieces, args.send_seconds)
        db.close()
    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    out = {
        "subscribers": args.subscribers,
        "compose_s": composed.compose_s,
        "compose_cpu_s": composed.compose_cpu_s,
        "match_ms": matching.match_ms_p50,
        "match_ms_max": matching.match_ms_max,
        "alert_plan_ms": matching.alert_plan_ms,
        "send_rate_per_s": sent.send_rate_per_s,
        "configured_rate_per_s": sent.configured_rate_per_s,
        "retry_after_answers": sent.retry_after_answers,
        "peak_rss_mb": peak_rss_mb,
        "distinct_compositions": composed.distinct_compositions,
        "messages_sent": sent.messages_sent,
        "build_s": build.build_s,
        "instant": INSTANT.isoformat(),
        "build": {k: v for k, v in vars(build).items()},
        "compose": {k: v for k, v in vars(composed).items() if k != "pieces"},
        "matching": vars(matching),
        "send": vars(sent),
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0

    b, c, s = build, composed, sent
    print(
        f"store: {b.articles} articles ({', '.join(b.seed_sources)}), {b.chats:,} chats "
        f"({b.supergroups:,} supergroups), {b.subscriptions:,} subscriptions, "
        f"{b.topic_sets} topic sets ({b.topic_orders} in subscription order)"
    )
    m = matching
    print(
        f"follows: {b.follows:,} ({FOLLOWS_PER_CHAT} per chat), alerts on for "
        f"{b.alerting_chats:,} chats; {c.chats_with_follow_items:,} briefings open with "
        f"follows ({c.follow_sections:,} distinct entries rendered)"
    )
    print(
        f"match one new article against all {m.follows:,} follows ({m.distinct_keys:,} "
        f"distinct keys, index built in {m.index_build_s:.2f} s): p50 {m.match_ms_p50:.2f} ms, "
        f"max {m.match_ms_max:.2f} ms over {m.articles_timed} articles; one hit per chat for "
        f"every chat hit (p50 {m.chats_hit_p50:,}, max {m.chats_hit_max:,} chats): p50 "
        f"{m.per_chat_ms_p50:.2f} ms, max {m.per_chat_ms_max:.2f} ms; alert sweep "
        f"matching step {m.alert_plan_ms:.1f} ms ({m.alerts_planned:,} alerts planned)"
    )
    print(f"build: {b.build_s:.1f} s (ingest {b.ingest_s:.1f} s, bulk insert {b.insert_s:.1f} s)")
    print(
        f"compose at {INSTANT:%Y-%m-%d %H:%M} UTC: {c.due:,} of {c.chats:,} chats due, "
        f"{c.compose_s:.2f} s, CPU {c.compose_cpu_s:.2f} s "
        f"(get_chat {c.get_chat_s:.2f} s, compose {c.compose_only_s:.2f} s)"
    )
    per_miss = 1000 * c.miss_s / max(c.distinct_compositions, 1)
    print(
        f"  {c.distinct_compositions:,} distinct compositions ({c.miss_s:.2f} s, "
        f"{per_miss:.2f} ms each), {c.empty_chats:,} chats with an empty briefing"
    )
    print(
        f"  one-chat passes (the daily jobs) compose with an empty cache: "
        f"{c.one_chat_pass_ms:.2f} ms per chat over {c.one_chat_pass_chats:,} chats, "
        f"{c.one_chat_pass_ms * c.due / 1000:.1f} s for {c.due:,}"
    )
    print(
        "  messages per briefing -> chats: "
        + ", ".join(f"{k}: {v:,}" for k, v in c.pieces_per_chat.items())
    )
    print(
        f"send: {s.chats:,} chats, {s.planned_messages:,} messages planned, "
        f"{s.messages_sent:,} sent in {s.first_to_last_s:.1f} s (pass {s.pass_s:.1f} s): "
        f"{s.send_rate_per_s:.2f}/s of {s.configured_rate_per_s:g}/s configured "
        f"({s.send_rate_per_s / s.configured_rate_per_s:.0%})"
    )
    print(
        f"  429 answers {s.retry_after_answers} (emulator refusals {s.flood_refusals}), "
        f"other errors {s.other_errors}; pass result {s.result}; "
        f"slowest gaps between sends {s.slowest_gaps_s} s"
    )
    print(f"peak RSS {peak_rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
