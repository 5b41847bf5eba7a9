"""The 100k-chat store ``bench/fanout.py`` measures: seed articles, chats, topics, follows.

Kept apart from the measuring so each file has one job: this one decides *what* a
realistic subscriber base looks like (time zones, delivery times, languages, Zipf-like
topic and follow popularity, a share of groups and of chats with alerts) and inserts it
in bulk; ``bench/fanout.py`` times composing and sending against it.  A fixed seed makes
every run build the same chats.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "corpus" / "blog-page-62.txt"
FIXTURE_DUMPS = ROOT / "bot" / "cli" / "demo_data" / "pagedumps"


RANDOM_SEED = 62
GROUP_SHARE = 0.05
# (value, weight).  None = never set: the bot's default (Asia/Taipei, 08:00, zh-TW).
ZONES = [
    (None, 55), ("Asia/Taipei", 15), ("Asia/Hong_Kong", 8), ("Asia/Tokyo", 5),
    ("Asia/Shanghai", 5), ("Asia/Singapore", 3), ("America/New_York", 4),
    ("Europe/London", 3), ("UTC", 2),
]  # fmt: skip
TIMES = [(None, 60), ("06:30", 6), ("07:00", 12), ("07:30", 10), ("08:30", 6), ("09:00", 6)]
LANGUAGES = [(None, 85), ("zh-TW", 3), ("zh-CN", 8), ("en", 4)]
TOPIC_COUNTS = [(0, 8), (1, 42), (2, 30), (3, 20)]
ZIPF_EXPONENT = 2.0  # a few hundred distinct topic sets at 100k chats

FOLLOWS_PER_CHAT = 5
COMPANY_FOLLOWS = 3
ALERT_SHARE = 0.10
SECTOR_KEYWORDS = [
    "矽光子", "CPO", "玻璃基板", "先進封裝", "液冷", "散熱", "儲能", "重電", "機器人",
    "AI伺服器", "HBM", "CoWoS", "低軌衛星", "電動車", "固態電池", "碳權", "半導體設備",
    "ASIC", "記憶體", "高股息", "ETF", "降息", "關稅", "匯率", "離岸風電", "氫能",
]  # fmt: skip

PRIVATE_BASE = 100_000_000
SUPERGROUP_BASE = -1_000_000_000_000  # Telegram's supergroup ids are -100xxxxxxxxxx
INSERT_BATCH = 1000


def _pick(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def seed_sources() -> list[str]:
    if SEED.exists():
        return [str(SEED)]
    return [str(p) for p in sorted(FIXTURE_DUMPS.glob("*.txt"))]


# --- 1. the store -----------------------------------------------------------------


@dataclass
class Build:
    articles: int
    chats: int
    supergroups: int
    subscriptions: int
    follows: int
    alerting_chats: int
    topic_sets: int
    """Distinct sets of topics (order ignored)."""
    topic_orders: int
    """Distinct ordered topic tuples, as ``ChatSettings.topics`` and the cache see them."""
    seed_sources: list[str]
    ingest_s: float
    insert_s: float
    build_s: float


def _zipf(values: list, exponent: float = 1.1) -> list[float]:
    """Cumulative Zipf weights, computed once (``random.choices`` would redo it per call)."""
    return list(accumulate(1 / (k + 1) ** exponent for k in range(len(values))))


def follow_choices(db: Database):  # type: ignore[no-untyped-def]
    """(company key, name) ranked by how often the seed articles name them, then the
    rest of the directory; sector keywords, then the articles' own keywords."""
    named = [
        (r["key"], r["name"])
        for r in db.query(
            "SELECT c.key, c.name, COUNT(*) AS n FROM mentions m "
            "JOIN companies c ON c.id = m.company_id GROUP BY c.id ORDER BY n DESC, c.key"
        )
    ]
    seen = {k for k, _ in named}
    rest = [
        (r["key"], r["name"])
        for r in db.query("SELECT key, name FROM companies ORDER BY key")
        if r["key"] not in seen
    ]
    words = list(SECTOR_KEYWORDS)
    for r in db.query("SELECT keywords FROM articles ORDER BY id"):
        words.extend(w for w in json.loads(r["keywords"] or "[]") if w not in words)
    from digests.follows import keyword_key

    ranked = named + rest
    return (ranked, _zipf(ranked)), (words, _zipf(words), {w: keyword_key(w) for w in words})


def follow_rows(
    chat_id: int, rng: random.Random, companies, keywords, stamp: str
) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    companies, company_weights = companies
    keywords, keyword_weights, keys = keywords
    picked: set[str] = set()
    while len(picked) < COMPANY_FOLLOWS:
        key, name = rng.choices(companies, cum_weights=company_weights)[0]
        if key not in picked:
            picked.add(key)
            yield {"chat_id": chat_id, "kind": "company", "key": key, "label": name,
                   "created_at": stamp}  # fmt: skip
    words: set[str] = set()
    while len(words) < FOLLOWS_PER_CHAT - COMPANY_FOLLOWS:
        word = rng.choices(keywords, cum_weights=keyword_weights)[0]
        key = keys[word]
        if key not in words:
            words.add(key)
            yield {"chat_id": chat_id, "kind": "keyword", "key": key, "label": word,
                   "created_at": stamp}  # fmt: skip


def chat_rows(
    n: int,
    topic_ids: list[str],
    stamp: str,
    subs: list[tuple[int, str, str]],
    follows: list[dict] | None = None,
    choices=None,  # type: ignore[no-untyped-def]
    flush=None,  # type: ignore[no-untyped-def]
) -> Iterator[dict]:
    """Rows for ``chats``, the same N on every run; their subscriptions go to ``subs``.

    A generator, so that 100,000 row dicts never sit in memory at once (the peak RSS
    reported should be the pass's, not the builder's).
    """
    rng = random.Random(RANDOM_SEED)
    # Popularity: a fixed shuffle of the taxonomy, the k-th topic weighted 1 / k^s.
    ranked = topic_ids[:]
    rng.shuffle(ranked)
    weights = [1 / (k + 1) ** ZIPF_EXPONENT for k in range(len(ranked))]
    base = datetime.fromisoformat(stamp)
    # Subscribed one after the other, in the order drawn: get_chat orders by time.
    times = [(base + timedelta(seconds=k)).isoformat() for k in range(len(ranked))]
    follow_rng = random.Random(RANDOM_SEED + 1)  # the chats stay those of earlier runs
    for i in range(n):
        group = rng.random() < GROUP_SHARE
        chat_id = SUPERGROUP_BASE - i if group else PRIVATE_BASE + i
        if follows is not None and choices is not None:
            follows.extend(follow_rows(chat_id, follow_rng, *choices, stamp))
            if len(follows) >= INSERT_BATCH and flush is not None:
                flush(follows)  # never 500,000 follow rows in memory at once
                follows.clear()
        yield {
            "id": chat_id,
            "type": "supergroup" if group else "private",
            "title": f"group {i}" if group else f"user {i}",
            "language": _pick(rng, LANGUAGES),
            "timezone": _pick(rng, ZONES),
            "brief_time": _pick(rng, TIMES),
            "paused": 0,
            "active": 1,
            "enrolled": 1,  # every bench chat asked for briefings (/start)
            "intro_sent": int(group),
            "alerts": int(follow_rng.random() < ALERT_SHARE),
            "created_at": stamp,
            "updated_at": stamp,
        }
        chosen: list[str] = []
        for _ in range(_pick(rng, TOPIC_COUNTS)):
            left = [(t, w) for t, w in zip(ranked, weights, strict=True) if t not in chosen]
            chosen.append(_pick(rng, left))
        subs.extend((chat_id, topic, times[k]) for k, topic in enumerate(chosen))


def build_store(path: Path, n: int, with_follows: bool = True) -> Build:
    from bot.ingest.orchestrate import ingest_all
    from digests.lexicon import default_lexicon
    from store import open_db
    from store.articles import now_iso
    from store.reference import sync_reference

    t0 = time.perf_counter()
    db = open_db(path)
    sources = seed_sources()
    for result in ingest_all(db, sources, workers=1):
        if not result.ok:
            print(f"seed: {result.line()}", file=sys.stderr)
    if not db["topics"].count:  # ingest_all syncs the reference data; in case it could not
        sync_reference(db, default_lexicon())
    ingest_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    topic_ids = [r["id"] for r in db.query("SELECT id FROM topics ORDER BY id")]
    stamp = now_iso()
    subs: list[tuple[int, str, str]] = []
    follow_list: list[dict] = []
    choices = follow_choices(db) if with_follows else None
    with db.atomic():
        rows = chat_rows(
            n,
            topic_ids,
            stamp,
            subs,
            follow_list,
            choices,
            lambda batch: db["follows"].insert_all(batch, batch_size=INSERT_BATCH),
        )
        db["chats"].insert_all(rows, batch_size=INSERT_BATCH)
        db["follows"].insert_all(follow_list, batch_size=INSERT_BATCH)
        db["subscriptions"].insert_all(
            ({"chat_id": c, "topic_id": t, "created_at": at} for c, t, at in subs),
            batch_size=INSERT_BATCH,
        )
    insert_s = time.perf_counter() - t1

    by_chat: dict[int, list[str]] = {}
    for chat_id, topic, _ in subs:
        by_chat.setdefault(chat_id, []).append(topic)
    orders = {tuple(t) for t in by_chat.values()}
    if len(by_chat) < n:
        orders.add(())  # chats without topics
    del subs, by_chat, follow_list
    build = Build(
        articles=db["articles"].count,
        chats=db["chats"].count,
        supergroups=db["chats"].count_where("type = 'supergroup'"),
        subscriptions=db["subscriptions"].count,
        follows=db["follows"].count,
        alerting_chats=db["chats"].count_where("alerts = 1"),
        topic_sets=len({frozenset(t) for t in orders}),
        topic_orders=len(orders),
        seed_sources=[os.path.relpath(s, ROOT) for s in sources],
        ingest_s=round(ingest_s, 2),
        insert_s=round(insert_s, 2),
        build_s=round(time.perf_counter() - t0, 2),
    )
    db.close()
    return build
