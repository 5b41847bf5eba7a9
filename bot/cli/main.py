"""``briefbot`` command line.

Exit codes: 0 success, 1 a source or the database failed, 2 usage error,
3 the thing asked for does not exist.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.core.logs import quiet_extractors

if TYPE_CHECKING:
    from bot.ingest.orchestrate import SourceResult
    from digests.models import Article
    from store import Database
    from store.records import ArticleDetail, StoredArticle

# Each command imports what it needs when it runs: a one-shot question (`briefbot
# topics`) must not pay for python-telegram-bot, trafilatura, feedparser or jieba.
# tests/test_cli_imports.py guards this.

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_FOUND = 0, 1, 2, 3
READ_ONLY = frozenset({"articles", "digest", "topics", "company", "sector", "search", "stats"})
"""Commands that only read the store: a missing database is a mistyped path, not a new store."""


def _at_least(value: str, least: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more, not {number}")
    return number


def positive_int(value: str) -> int:
    """An argparse type: 0 or a negative count is a usage error, not silently 'all'."""
    return _at_least(value, 1)


def non_negative_int(value: str) -> int:
    """An argparse type for offsets: 0 is the start, a negative one is a usage error."""
    return _at_least(value, 0)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="SQLite database path (default: $BRIEFBOT_DB, else ./briefbot.db)",
    )
    parser = argparse.ArgumentParser(
        prog="briefbot",
        description="Briefings on Traditional-Chinese industry and investment analysis.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser(
        "ingest", parents=[common], help="read sources into articles, digests and the store"
    )
    ingest.add_argument("sources", nargs="+", metavar="SOURCE", help="file, directory or URL")
    ingest.add_argument(
        "--quiet",
        action="store_true",
        help="print only errors and warnings: no progress bar, no ok lines, no total",
    )
    ingest.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="processes that digest large sources (default: one per CPU core)",
    )

    articles = sub.add_parser("articles", parents=[common], help="list stored articles")
    articles.add_argument("--json", action="store_true", help="print a JSON array")
    articles.add_argument("--limit", type=positive_int, default=None, help="at most N articles")

    digest = sub.add_parser("digest", parents=[common], help="one article's digest")
    digest.add_argument("id", type=int, metavar="ID")
    digest.add_argument("--json", action="store_true", help="print a JSON object")

    run = sub.add_parser(
        "run", parents=[common], help="run the Telegram bot (long polling or webhook)"
    )
    run.add_argument(
        "--webhook-url", metavar="URL", help="webhook mode: the public https URL Telegram calls"
    )
    run.add_argument("--listen", default="0.0.0.0", help="address to serve on (default 0.0.0.0)")
    run.add_argument("--port", type=int, default=8080, help="webhook and /healthz port")
    run.add_argument(
        "--health-port", type=int, default=None, help="polling mode: serve /healthz on this port"
    )
    demo = sub.add_parser(
        "demo",
        help="try the bot offline: your terminal is the Telegram chat "
        "(a temporary store of sample articles, or the one given with --db)",
    )
    demo.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="use this store instead (default: a temporary store of sample articles, deleted "
        "on exit; $BRIEFBOT_DB is ignored so that a demo never touches a production store)",
    )

    deliver = sub.add_parser(
        "deliver", parents=[common], help="one delivery pass: send every briefing due now"
    )
    deliver.add_argument(
        "--at",
        metavar="ISO8601",
        default=None,
        help="the instant to deliver as of (default now; without an offset, BRIEFBOT_TZ)",
    )

    sub.add_parser(
        "doctor", parents=[common], help="check token, Bot API, database, jobs and feeds"
    )
    backup = sub.add_parser(
        "backup", parents=[common], help="consistent online copy of the database"
    )
    backup.add_argument("path", metavar="PATH", help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")

    topics = sub.add_parser("topics", parents=[common], help="the sector taxonomy")
    topics.add_argument("--json", action="store_true", help="print a JSON array")

    for name, helptext, metavar in (
        ("company", "what the articles say about a company", "QUERY"),
        ("sector", "what is new in a sector (topic)", "QUERY"),
        (
            "search",
            'articles using words, best first: one per article; OR, "quoted phrase"',
            "WORDS",
        ),
    ):
        command = sub.add_parser(name, parents=[common], help=helptext)
        command.add_argument("query", nargs="+", metavar=metavar)
        command.add_argument("--json", action="store_true", help="print a JSON object")
        if name == "search":
            command.add_argument(
                "--limit", type=positive_int, default=10, help="at most N articles (default 10)"
            )
            command.add_argument(
                "--offset", type=non_negative_int, default=0, help="skip the first N articles"
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    quiet_extractors()
    parser = build_parser()
    args = parser.parse_args(argv)
    query = getattr(args, "query", None)
    if query is not None and not " ".join(query).strip():
        parser.error(f"{args.command}: the {args.command} to look up is empty")
    if args.command == "search":
        from digests.search_query import too_common

        words = " ".join(query)
        if too_common(words):  # 的 alone would list every article
            parser.error(
                f"search: {words!r} is too common (nearly every article uses it); "
                "search for specific words: a company, product or industry"
            )
    if args.command in ("doctor", "backup"):
        from bot.cli.ops import cmd_backup, cmd_doctor

        return (cmd_doctor if args.command == "doctor" else cmd_backup)(args)
    if args.command in ("run", "demo", "deliver"):
        from bot.cli.runner import cmd_deliver, cmd_demo, cmd_run

        runners = {"run": cmd_run, "demo": cmd_demo, "deliver": cmd_deliver}
        return runners[args.command](args)
    from store import StoreError, open_db
    from store.db import resolve_db_path

    path = resolve_db_path(getattr(args, "db", None))
    if args.command in READ_ONLY and path != ":memory:" and not os.path.exists(path):
        # Opening would create an empty store there and answer "nothing yet" from it.
        print(
            f"error: no database at {path} (check --db or $BRIEFBOT_DB; "
            "`briefbot ingest SOURCE...` creates one)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        db = open_db(path)
    except (StoreError, OSError) as exc:
        print(f"error: cannot open database: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return _handler(args.command)(db, args)
    except BrokenPipeError:
        return EXIT_OK
    finally:
        db.close()


def _handler(command: str) -> Callable[[Database, argparse.Namespace], int]:
    if command in ("topics", "company", "sector", "search"):
        from bot.cli import answers

        return getattr(answers, f"cmd_{command}")  # type: ignore[no-any-return]
    handlers: dict[str, Callable[[Database, argparse.Namespace], int]] = {
        "ingest": cmd_ingest,
        "articles": cmd_articles,
        "digest": cmd_digest,
    }
    return handlers[command]


def cmd_ingest(db: Database, args: argparse.Namespace) -> int:
    from bot.ingest.orchestrate import ingest_all, total_line
    from digests.sources import expand

    _collect_less()
    sources = list(expand(args.sources))
    show_progress = not args.quiet and sys.stderr.isatty()

    def on_result(result: SourceResult) -> None:
        if not args.quiet or not result.ok or result.warnings:
            print(result.line(), flush=True)

    on_articles = _progress_bar if show_progress else None
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    results = ingest_all(
        db, sources, on_result=on_result, on_articles=on_articles, workers=max(1, workers)
    )
    if not args.quiet:  # for cron: only what needs a look (errors, warnings) is printed
        print(total_line(results))
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


INGEST_GC_THRESHOLD = 10_000
"""Container allocations between young-generation collections in ``briefbot ingest``
(Python's default is 700)."""


def _collect_less() -> None:
    """Fewer garbage collections for a one-shot ingest, which allocates millions of short
    lived containers (tokens, sentences, counters) that reference counting frees anyway.

    The modules imported so far live as long as the process: frozen, a full collection no
    longer walks them (one took 9 ms in a 100-article ingest).  With the young generation
    collected every 10,000 allocations instead of 700, that ingest runs 57 collections
    instead of 194, none of them full: 0.03 s of collector time less, and 0.05 s less CPU
    in all (six runs each way).  Only when collections happen changes, never what is
    stored; forked workers inherit both settings.  Not for the bot's own long-running
    process, where objects frozen once would never be collected.
    """
    gc.freeze()
    gc.set_threshold(INGEST_GC_THRESHOLD, *gc.get_threshold()[1:])


def _progress_bar(source: str, articles: list[Article]) -> Callable[[], None]:
    """A tqdm bar on stderr per source; it clears itself when the source is done."""
    from tqdm import tqdm

    bar = tqdm(total=len(articles), desc=source[-40:], unit="article", leave=False)

    def tick() -> None:
        bar.update()
        if bar.n >= bar.total:
            bar.close()

    return tick


def article_json(article: StoredArticle, tags: tuple[list[str], list[str]] = ([], [])) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "source": article.source,
        "sections": article.section_count,
        "summary": list(article.summary),
        "keywords": list(article.keywords),
        "topics": tags[0],
        "companies": tags[1],
    }


def digest_json(detail: ArticleDetail) -> dict:
    art = detail.article
    return {
        "id": art.id,
        "title": art.title,
        "url": art.url,
        "published": art.published,
        "summary": list(art.summary),
        "keywords": list(art.keywords),
        "key_figures": list(art.key_figures),
        "sections": [
            {"heading": s.heading, "digest": list(s.digest), "keywords": list(s.keywords)}
            for s in detail.sections
        ],
    }


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def cmd_articles(db: Database, args: argparse.Namespace) -> int:
    from store.articles import list_articles

    articles = list_articles(db, args.limit)
    if args.json:
        from store.answers.tags import article_tags

        tags = article_tags(db, [a.id for a in articles])
        _print_json([article_json(a, tags[a.id]) for a in articles])
        return EXIT_OK
    if not articles:
        print("no articles yet: run `briefbot ingest SOURCE...`")
    from digests.dates import TAIPEI, local_date

    for a in articles:
        # Labelled: the day of ingestion must never pass for the day of writing.
        when = (
            f"published {local_date(a.published)}"
            if a.published
            else f"collected {local_date(a.ingested_at, TAIPEI)}"
        )
        sections = "sections" if a.section_count != 1 else "section "
        print(f"{a.id:>5}  {when:<20}  {a.section_count:>3} {sections}  {a.title}")
    return EXIT_OK


def cmd_digest(db: Database, args: argparse.Namespace) -> int:
    from store.articles import get_article

    detail = get_article(db, args.id)
    if detail is None:
        print(f"error: no article with id {args.id} (see `briefbot articles`)", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.json:
        _print_json(digest_json(detail))
        return EXIT_OK
    from digests.dates import TAIPEI, local_date

    art = detail.article
    print(art.title)
    if art.url:
        print(art.url)
    if art.published:
        print(f"published {art.published}")
    else:
        print(f"collected {local_date(art.ingested_at, TAIPEI)} (the source gives no date)")
    print()
    for sentence in art.summary:
        print(sentence)
    if art.keywords:
        print(f"\nkeywords: {'、'.join(art.keywords)}")
    figures = detail.figures_not_shown()
    if figures:
        print("\nkey figures:")
        for sentence in figures:
            print(f"  * {sentence}")
    for section in detail.sections:
        print(f"\n## {section.heading or '(intro)'}")
        for sentence in section.digest:
            print(f"  - {sentence}")
    return EXIT_OK
