"""Answer latency and memory on a large store: company, sector and search at 100k articles.

Usage: python bench/latency.py [--articles 100000] [--queries 200] [--json] [--no-analyze]
                             [--db PATH]

Why: the issue sets targets for a store that has grown for years: p95 <= 20 ms for each
of the company, sector and search answers at 100,000 articles, and <= 250 MB peak memory
for the process answering them.  Ingesting 100k real articles would take hours and we
do not have them, so the store is built the fast way, but faithfully:

1. the seed page (``../shared/corpus/blog-page-62.txt``, else the test fixtures) is
   ingested for real with ``bot.ingestion.ingest_all`` into a fresh database;
2. its articles are replicated in SQL (``INSERT ... SELECT``, batched in transactions)
   up to N articles: new ids, distinct titles (`` #k``), fingerprints and content
   hashes, ``published`` spread over the last two years (newer ids are newer), plus
   copies of their sections, section and article topics, mentions and search rows.
   The search rows are inserted through FTS5, so the full-text index is a real one;
3. ``ANALYZE`` runs (skipped with ``--no-analyze``) and the database goes back to WAL
   mode, as the bot opens it.

Nothing in ``store/`` or ``bot/`` runs ``ANALYZE``, so a store the bot has filled has no
``sqlite_stat1`` and the planner uses its defaults; ``--no-analyze`` measures that case.
The output says which case was measured (``analyzed``).

The build runs in a child process, so the peak RSS reported is that of a process that
only opens the store, builds the lexicon (as the bot does at start-up) and answers.
The queries cycle through a fixed, realistic list (known and unknown companies in
both scripts, tickers, English names; sectors by name and alias; searches with one or
more words and one that matches nothing).  Every query runs once as a warm-up first,
so the figures are for a running bot whose database file is in the OS page cache.

Copies are pessimistic for search: every seed word occurs in 1 of every ~10 articles,
so common words match ~10% of a million sections, more than a varied corpus would.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT.parent / "shared" / "corpus" / "blog-page-62.txt"
FIXTURES = ROOT / "tests" / "fixtures"
# The page-dump fixtures moved to the demo data; take them from wherever they are.
FIXTURE_DUMPS = (ROOT / "bot" / "cli" / "demo_data" / "pagedumps", FIXTURES / "pagedumps")

COMPANIES = [
    "台積電", "2330", "TSMC", "台积电", "輝達", "NVDA", "星巴克", "瑞幸", "貝萊德",
    "西門子", "微軟", "萊納斯", "鴻海",
    "宏大星際礦業", "Zorblax Dynamics",  # unknown: fuzzy suggestions path
]  # fmt: skip
SECTORS = ["半導體", "儲能", "稀土", "散熱", "咖啡", "消費", "電商", "ESG", "資管", "AI"]
SEARCHES = [
    "液冷", "稀土 出口管制", "儲能 資料中心", "數位分身", "咖啡 價格戰", "ERP", "台積電",
    "量子糾纏",  # matches nothing in the seed
]  # fmt: skip

TARGET_P95_MS = 20.0
TARGET_RSS_MB = 250.0
# What the bot asks for (bot/telegram_app/handlers/reading.py, not imported: it pulls in telegram).
COMPANY_ARTICLES = 20
SEARCH_RESULTS = 25
SPAN_DAYS = 730  # ``published`` spread
BATCH_ARTICLES = 2000  # new articles per transaction


# --- building the store (child process) -----------------------------------------


@dataclass
class BuildInfo:
    articles: int
    sections: int
    search_rows: int
    mentions: int
    seed_articles: int
    seed_sources: list[str]
    ingest_s: float
    replicate_s: float
    replicate_tables_s: dict[str, float]
    analyze_s: float
    build_s: float
    db_mb: float


def seed_sources() -> list[str]:
    if SEED.exists():
        return [str(SEED)]
    return [
        *(str(p) for d in FIXTURE_DUMPS for p in sorted(d.glob("*.txt"))),
        str(FIXTURES / "feeds" / "rss.xml"),
        str(FIXTURES / "html" / "article.html"),
    ]


def _max_id(conn: sqlite3.Connection, table: str, column: str = "id") -> int:
    return int(conn.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}").fetchone()[0])


def build_store(path: Path, n_articles: int, analyze: bool = True) -> BuildInfo:
    """Ingest the seed for real, then replicate it in SQL up to ``n_articles``."""
    from bot.ingest.orchestrate import ingest_all
    from store import open_db

    t0 = time.perf_counter()
    db = open_db(path)
    sources = seed_sources()
    results = ingest_all(db, sources, workers=1)
    for r in results:
        if not r.ok:
            print(f"seed: {r.line()}", file=sys.stderr)
    ingest_s = time.perf_counter() - t0
    seed_ids = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    if not seed_ids:
        raise SystemExit("the seed gave no articles")

    # A throwaway database: no journal, no fsync, a big cache, no per-row FK checks.
    db.execute("PRAGMA journal_mode = OFF")
    for pragma in ("synchronous = OFF", "foreign_keys = OFF", "cache_size = -262144"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("PRAGMA temp_store = MEMORY")
    t1 = time.perf_counter()
    tables_s = _replicate(db, seed_ids, n_articles)
    replicate_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    if analyze:
        db.execute("ANALYZE")
    analyze_s = time.perf_counter() - t2
    db.execute("PRAGMA journal_mode = WAL")
    count = {
        t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("articles", "sections", "search_index", "mentions")
    }
    db.close()
    return BuildInfo(
        articles=count["articles"],
        sections=count["sections"],
        search_rows=count["search_index"],
        mentions=count["mentions"],
        seed_articles=len(seed_ids),
        seed_sources=[os.path.relpath(s, ROOT) for s in sources],
        ingest_s=round(ingest_s, 2),
        replicate_s=round(replicate_s, 2),
        replicate_tables_s={t: round(v, 2) for t, v in tables_s.items()},
        analyze_s=round(analyze_s, 2),
        build_s=round(time.perf_counter() - t0, 2),
        db_mb=round(path.stat().st_size / 2**20, 1),
    )


def _replicate(db: Database, seed_ids: list[int], n_articles: int) -> dict[str, float]:
    """Copy k = 1..K of every seed row, ids shifted by k times the seed's largest id.

    Returns the seconds spent on each table.
    """
    conn = db.conn
    a_max = _max_id(conn, "articles")
    s_max = _max_id(conn, "sections")
    m_max = _max_id(conn, "mentions")
    r_max = _max_id(conn, "search_index", "rowid")
    n_seed = len(seed_ids)
    copies = max(0, math.ceil(n_articles / n_seed) - 1)
    # The last copy may be partial: only seed articles up to ``last_id``.
    rest = n_articles - n_seed * copies
    last_id = seed_ids[rest - 1] if n_articles > n_seed else seed_ids[-1]

    # Seed rows in temp tables, so the copies never read the tables they grow.
    for name, select in {
        "seed_articles": "SELECT * FROM articles",
        "seed_sections": "SELECT * FROM sections",
        "seed_article_topics": "SELECT * FROM article_topics",
        "seed_section_topics": "SELECT * FROM section_topics",
        "seed_mentions": "SELECT * FROM mentions",
        "seed_search": "SELECT rowid AS rid, * FROM search_index",
    }.items():
        conn.execute(f"CREATE TEMP TABLE {name} AS {select}")

    # ``published``: newest = now, oldest = SPAN_DAYS ago, linear in the article id.
    newest_id = a_max * copies + last_id if copies else seed_ids[-1]
    now = int(datetime.now(UTC).timestamp())
    step = SPAN_DAYS * 86400 / max(newest_id, 1)
    published = (
        "strftime('%Y-%m-%dT%H:%M:%S', {now} - CAST(({newest} - ({id})) * {step} AS INTEGER), "
        "'unixepoch') || '+00:00'"
    )

    def pub(id_expr: str) -> str:
        return published.format(now=now, newest=newest_id, id=id_expr, step=step)

    conn.execute("BEGIN")
    conn.execute(f"UPDATE articles SET published = {pub('id')}")
    conn.execute("COMMIT")

    # Which (copy, seed article) pairs exist: every seed article in copies < K, and
    # those up to ``last_id`` in copy K.
    keep = "(c.k < :copies OR {col} <= :last_id)"
    statements = {
        "articles": f"""
            INSERT INTO articles (id, fingerprint, title, url, published, source, source_kind,
                content_hash, summary, keywords, key_figures, section_count, ingested_at,
                updated_at)
            SELECT a.id + c.k * :a_max, a.fingerprint || '#' || c.k, a.title || ' #' || c.k,
                CASE WHEN a.url IS NULL THEN NULL ELSE a.url || '#copy-' || c.k END,
                {pub("a.id + c.k * :a_max")}, a.source, a.source_kind,
                a.content_hash || '#' || c.k, a.summary, a.keywords, a.key_figures,
                a.section_count, a.ingested_at, a.updated_at
            FROM c JOIN temp.seed_articles a WHERE {keep.format(col="a.id")}
            ORDER BY c.k, a.id""",
        "sections": f"""
            INSERT INTO sections (id, article_id, position, heading, text, digest, keywords)
            SELECT s.id + c.k * :s_max, s.article_id + c.k * :a_max, s.position, s.heading,
                s.text, s.digest, s.keywords
            FROM c JOIN temp.seed_sections s WHERE {keep.format(col="s.article_id")}
            ORDER BY c.k, s.id""",
        "article_topics": f"""
            INSERT INTO article_topics (article_id, topic_id, score, rank)
            SELECT t.article_id + c.k * :a_max, t.topic_id, t.score, t.rank
            FROM c JOIN temp.seed_article_topics t WHERE {keep.format(col="t.article_id")}
            ORDER BY c.k, t.article_id, t.topic_id""",
        "section_topics": f"""
            INSERT INTO section_topics (section_id, topic_id, score)
            SELECT t.section_id + c.k * :s_max, t.topic_id, t.score
            FROM c JOIN temp.seed_section_topics t
                JOIN temp.seed_sections s ON s.id = t.section_id
            WHERE {keep.format(col="s.article_id")}
            ORDER BY c.k, t.section_id, t.topic_id""",
        "mentions": f"""
            INSERT INTO mentions (id, article_id, section_id, company_id, sentence)
            SELECT m.id + c.k * :m_max, m.article_id + c.k * :a_max,
                m.section_id + c.k * :s_max, m.company_id, m.sentence
            FROM c JOIN temp.seed_mentions m WHERE {keep.format(col="m.article_id")}
            ORDER BY c.k, m.id""",
        "search_index": f"""
            INSERT INTO search_index (rowid, title, heading, body, digest, article_id,
                section_id)
            SELECT f.rid + c.k * :r_max, f.title || ' # ' || c.k, f.heading, f.body, f.digest,
                f.article_id + c.k * :a_max, f.section_id + c.k * :s_max
            FROM c JOIN temp.seed_search f WHERE {keep.format(col="f.article_id")}
            ORDER BY c.k, f.rid""",
    }
    cte = "WITH RECURSIVE c(k) AS (SELECT :k0 UNION ALL SELECT k + 1 FROM c WHERE k < :k1) "
    params = {
        "a_max": a_max,
        "s_max": s_max,
        "m_max": m_max,
        "r_max": r_max,
        "copies": copies,
        "last_id": last_id,
    }
    per_batch = max(1, BATCH_ARTICLES // n_seed)
    seconds = dict.fromkeys(statements, 0.0)
    started = time.perf_counter()
    reported = 0
    for k0 in range(1, copies + 1, per_batch):
        k1 = min(copies, k0 + per_batch - 1)
        conn.execute("BEGIN")
        for table, sql in statements.items():
            t0 = time.perf_counter()
            conn.execute(cte + sql, {**params, "k0": k0, "k1": k1})
            seconds[table] += time.perf_counter() - t0
        conn.execute("COMMIT")
        done = k1 * n_seed
        if done - reported >= n_articles // 10 or k1 == copies:
            reported = done
            print(
                f"  {min(done + n_seed, n_articles):>8,} articles  "
                f"{time.perf_counter() - started:6.1f} s",
                file=sys.stderr,
            )
    return seconds


# --- measuring (this process) ----------------------------------------------------


@dataclass
class Figures:
    p50_ms: float
    p95_ms: float
    max_ms: float
    per_query: dict[str, dict[str, float | int]] = field(default_factory=dict)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(run: Callable[[str], int], queries: Sequence[str], n: int) -> Figures:
    """Time ``n`` calls cycling through ``queries``; ``run`` returns a result count."""
    for q in queries:  # warm-up
        run(q)
    times: list[float] = []
    by_query: dict[str, list[float]] = {q: [] for q in queries}
    results: dict[str, int] = {}
    for i in range(n):
        q = queries[i % len(queries)]
        start = time.perf_counter()
        results[q] = run(q)
        ms = (time.perf_counter() - start) * 1000
        times.append(ms)
        by_query[q].append(ms)
    return Figures(
        p50_ms=round(percentile(times, 50), 2),
        p95_ms=round(percentile(times, 95), 2),
        max_ms=round(max(times), 2),
        per_query={
            q: {"p50_ms": round(percentile(ts, 50), 2), "results": results[q]}
            for q, ts in by_query.items()
            if ts
        },
    )


@dataclass
class QueryRun:
    figures: dict[str, Figures]
    startup_s: float
    articles: int
    analyzed: bool


def run_queries(path: Path, n: int) -> QueryRun:
    """Open the store as the bot does and time every kind of answer."""
    from bot.cli.answers import _lexicon
    from store import open_db
    from store.answers import company_answer, search_answer, sector_answer

    start = time.perf_counter()
    db = open_db(path)
    lexicon = _lexicon(db)
    startup_s = time.perf_counter() - start

    def company(q: str) -> int:
        answer = company_answer(db, lexicon, q, max_articles=COMPANY_ARTICLES)
        return len(answer.mentions) if answer.company else -1

    def sector(q: str) -> int:
        answer = sector_answer(db, lexicon, q)
        return len(answer.articles) if answer.found else -1

    def search(q: str) -> int:
        return len(search_answer(db, q, limit=SEARCH_RESULTS).results)

    figures = {
        "company": measure(company, COMPANIES, n),
        "sector": measure(sector, SECTORS, n),
        "search": measure(search, SEARCHES, n),
    }
    articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    analyzed = db["sqlite_stat1"].exists()
    db.close()
    return QueryRun(figures, startup_s, articles, analyzed)


def build_in_child(path: Path, n_articles: int, analyze: bool) -> BuildInfo:
    command = [sys.executable, __file__, "--articles", str(n_articles), "--build-into", str(path)]
    child = subprocess.run(
        command if analyze else [*command, "--no-analyze"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    return BuildInfo(**json.loads(child.stdout.strip().splitlines()[-1]))


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)  # ru_maxrss is in KB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200, help="timed queries per kind")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--db", type=Path, help="keep the store at this path; reuse it as is if it exists"
    )
    parser.add_argument(
        "--no-analyze", action="store_true", help="skip ANALYZE, as a store the bot filled"
    )
    parser.add_argument("--build-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.build_into:  # the child: build, report as JSON on the last line
        print(json.dumps(asdict(build_store(args.build_into, args.articles, not args.no_analyze))))
        return 0

    with tempfile.TemporaryDirectory(prefix="briefbot-latency-") as tmp:
        path = args.db or Path(tmp) / "bench.db"
        build = None
        if not path.exists():
            print(f"building {args.articles:,} articles in {path} ...", file=sys.stderr)
            build = build_in_child(path, args.articles, not args.no_analyze)
        run = run_queries(path, args.queries)
        peak_rss_mb = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        build_rss_mb = _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)

    figures = run.figures
    out: dict[str, object] = {"articles": run.articles, "analyzed": run.analyzed}
    for kind, f in figures.items():
        out[f"{kind}_p50_ms"] = f.p50_ms
        out[f"{kind}_p95_ms"] = f.p95_ms
    out |= {
        "peak_rss_mb": peak_rss_mb,
        "queries": args.queries,
        "startup_s": round(run.startup_s, 2),
        "build_s": build.build_s if build else None,
        "build": asdict(build) if build else None,
        "build_peak_rss_mb": build_rss_mb if build else None,
        "targets": {"p95_ms": TARGET_P95_MS, "peak_rss_mb": TARGET_RSS_MB},
        "per_query": {kind: f.per_query for kind, f in figures.items()},
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0

    if build:
        print(
            f"store: {build.articles:,} articles, {build.sections:,} sections, "
            f"{build.search_rows:,} search rows, {build.mentions:,} mentions, "
            f"{build.db_mb:,.0f} MB"
        )
        print(
            f"build: {build.build_s:.1f} s (ingest {build.seed_articles} seed articles "
            f"{build.ingest_s:.1f} s, replicate {build.replicate_s:.1f} s, "
            f"ANALYZE {build.analyze_s:.1f} s), build process peak RSS {build_rss_mb:.0f} MB"
        )
        print(
            "  replicate by table: "
            + ", ".join(f"{t} {s:.1f} s" for t, s in build.replicate_tables_s.items())
        )
    else:
        print(f"store: {run.articles:,} articles (reused {path})")
    stats = "ANALYZEd" if run.analyzed else "no sqlite_stat1 (as the bot leaves a store)"
    print(
        f"start-up (open + lexicon): {run.startup_s:.2f} s; {args.queries} queries per kind, "
        f"warm; planner statistics: {stats}"
    )
    print(f"{'':8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}   target")
    for kind, f in figures.items():
        verdict = "ok" if f.p95_ms <= TARGET_P95_MS else "MISSED"
        print(
            f"{kind:8} {f.p50_ms:8.2f} {f.p95_ms:8.2f} {f.max_ms:8.2f}   "
            f"p95 <= {TARGET_P95_MS:.0f} ms: {verdict}"
        )
    verdict = "ok" if peak_rss_mb <= TARGET_RSS_MB else "MISSED"
    print(f"peak RSS {peak_rss_mb:.0f} MB   target <= {TARGET_RSS_MB:.0f} MB: {verdict}")
    print("slowest queries (p50 ms, results; -1 = not resolved):")
    for kind, f in figures.items():
        slow = sorted(f.per_query.items(), key=lambda kv: -kv[1]["p50_ms"])[:3]
        print(
            f"  {kind:8} " + ", ".join(f"{q} {v['p50_ms']:.1f} ({v['results']})" for q, v in slow)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
