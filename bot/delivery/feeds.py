"""Feed polling: conditional GET per feed, new entries through the pipeline.

Runs in a worker thread with its own database connection.  One failing feed never
stops the others; its error and last success are kept for /feeds and /stats.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.ingest.orchestrate import ingest_source
from digests.lexicon import build_lexicon
from digests.parallel import Digester
from digests.sources import SourceError
from digests.sources.fetch import fetch_url
from store import Database, open_db
from store.feeds import Feed, add_feed, list_feeds, record_check
from store.reference import learned_companies, sync_reference

log = logging.getLogger(__name__)


def sync_env_feeds(db: Database, urls: Iterable[str]) -> None:
    for url in urls:
        add_feed(db, url, origin="env")


def poll_feed(db: Database, feed: Feed, digester: Digester | None = None) -> str:
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        raw = fetch_url(feed.url, headers=headers)
    except SourceError as exc:
        record_check(db, feed.id, ok=False, error=str(exc))
        return f"{feed.url}: error: {exc}"
    if raw.not_modified:
        record_check(db, feed.id, ok=True)
        return f"{feed.url}: not modified"
    result = ingest_source(db, feed.url, digester=digester, fetched=raw)
    if not result.ok:
        record_check(db, feed.id, ok=False, error=result.error)
        return f"{feed.url}: error: {result.error}"
    record_check(
        db,
        feed.id,
        ok=True,
        etag=raw.etag,
        last_modified=raw.last_modified,
        new_articles=result.new,
    )
    return f"{feed.url}: {result.new} new, {result.updated} updated, {result.unchanged} unchanged"


def poll_all_feeds(db_path: str) -> list[str]:
    """Poll every feed once; one line per feed."""
    db = open_db(db_path)
    try:
        lines = []
        feeds = list_feeds(db)
        if not feeds:
            return lines
        # One lexicon for every feed of the poll, not one per feed.
        lexicon = build_lexicon(learned_companies(db))
        sync_reference(db, lexicon)
        digester = Digester(workers=1, lexicon=lexicon)
        for feed in feeds:
            try:
                lines.append(poll_feed(db, feed, digester))
            except Exception as exc:  # a bug in one feed must not stop the others
                log.error("feed %s failed: %r", feed.url, exc)
                record_check(db, feed.id, ok=False, error=f"internal error: {exc}")
                lines.append(f"{feed.url}: internal error")
        return lines
    finally:
        db.close()
