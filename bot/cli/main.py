"""``briefbot`` command line.

Exit codes: 0 success, 1 a source or the database failed, 2 usage error,
3 the thing asked for does not exist.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence

from bot.cli.answers import cmd_company, cmd_search, cmd_sector, cmd_topics
from bot.core.logs import quiet_extractors
from bot.ingest.orchestrate import SourceResult, ingest_all, total_line
from digests.models import Article
from digests.sources import expand
from store import Database, StoreError, open_db
from store.answers import article_tags
from store.articles import get_article, list_articles
from store.db import resolve_db_path
from store.records import ArticleDetail, StoredArticle

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_FOUND = 0, 1, 2, 3


def positive_int(value: str) -> int:
    """An argparse type: 0 or a negative count is a usage error, not silently 'all'."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


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
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="processes that digest large sources (default: one per CPU core)",
    )

    articles = sub.add_parser("articles", parents=[common], help="list stored articles")
    articles.add_argument("--json", action="store_true", help="print a JSON array")
    articles.add_argument(
        "--limit", type=positive_int, default=None, help="at most N articles"
    )

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
        ("search", "full-text search over titles, headings and digests", "WORDS"),
    ):
        command = sub.add_parser(name, parents=[common], help=helptext)
        command.add_argument("query", nargs="+", metavar=metavar)
        command.add_argument("--json", action="store_true", help="print a JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    quiet_extractors()
    parser = build_parser()
    args = parser.parse_args(argv)
    query = getattr(args, "query", None)
    if query is not None and not " ".join(query).strip():
        parser.error(f"{args.command}: the {args.command} to look up is empty")
    if args.command in ("doctor", "backup"):
        from bot.cli.ops import cmd_backup, cmd_doctor

        return (cmd_doctor if args.command == "doctor" else cmd_backup)(args)
    if args.command in ("run", "demo", "deliver"):
        from bot.cli.runner import cmd_deliver, cmd_demo, cmd_run

        runners = {"run": cmd_run, "demo": cmd_demo, "deliver": cmd_deliver}
        return runners[args.command](args)
    try:
        db = open_db(resolve_db_path(getattr(args, "db", None)))
    except (StoreError, OSError) as exc:
        print(f"error: cannot open database: {exc}", file=sys.stderr)
        return EXIT_FAILED
    handlers: dict[str, Callable[[Database, argparse.Namespace], int]] = {
        "ingest": cmd_ingest,
        "articles": cmd_articles,
        "digest": cmd_digest,
        "topics": cmd_topics,
        "company": cmd_company,
        "sector": cmd_sector,
        "search": cmd_search,
    }
    try:
        return handlers[args.command](db, args)
    except BrokenPipeError:
        return EXIT_OK
    finally:
        db.close()


def cmd_ingest(db: Database, args: argparse.Namespace) -> int:
    sources = list(expand(args.sources))
    show_progress = not args.quiet and sys.stderr.isatty()

    def on_result(result: SourceResult) -> None:
        print(result.line(), flush=True)

    on_articles = _progress_bar if show_progress else None
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    results = ingest_all(
        db, sources, on_result=on_result, on_articles=on_articles, workers=max(1, workers)
    )
    print(total_line(results))
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


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
    articles = list_articles(db, args.limit)
    if args.json:
        tags = article_tags(db, [a.id for a in articles])
        _print_json([article_json(a, tags[a.id]) for a in articles])
        return EXIT_OK
    if not articles:
        print("no articles yet: run `briefbot ingest SOURCE...`")
    for a in articles:
        when = (a.published or a.ingested_at or "")[:10]
        print(f"{a.id:>5}  {when:<10}  {a.section_count:>3} sections  {a.title}")
    return EXIT_OK


def cmd_digest(db: Database, args: argparse.Namespace) -> int:
    detail = get_article(db, args.id)
    if detail is None:
        print(f"error: no article with id {args.id} (see `briefbot articles`)", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.json:
        _print_json(digest_json(detail))
        return EXIT_OK
    art = detail.article
    print(art.title)
    if art.url:
        print(art.url)
    if art.published:
        print(f"published {art.published}")
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
