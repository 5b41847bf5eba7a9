"""Ingest sources: read, digest and store each one, isolating failures per source.

Shared by ``briefbot ingest``, the operators' ``/ingest`` command and the feed
poller, so every path reports and logs sources the same way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.core.wording import counted
from digests.models import Article
from digests.parallel import Digester, DigestFailure
from digests.sanitize import clean_line
from digests.sources import SourceError, load, parse_raw
from digests.sources.fetch import RawSource
from digests.summarize import content_hash, fingerprint
from digests.textproc import load_segmenter
from store import Database
from store.articles import now_iso, save_article, unchanged_article_id
from store.db import deferred_sync
from store.ingestions import log_ingestion
from store.maintenance import optimize
from store.reference import ingest_lexicon, reference_lexicon

log = logging.getLogger(__name__)


@dataclass
class SourceResult:
    source: str
    kind: str | None = None
    error: str | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    sections: int = 0
    article_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Reservations about a source that was still read (a feed salvaged from bad XML)."""
    error_code: str | None = None
    """The refusal's kind (``SourceError.code``: ``"private_address"``, ``"too_large"``…),
    so the bot can say it in the reader's language."""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def articles(self) -> int:
        return self.new + self.updated + self.unchanged

    def line(self) -> str:
        # A file name can carry control or bidi characters too; they never reach a terminal.
        source = clean_line(self.source)
        if self.error:
            return f"error  {source}: {self.error}"
        line = (
            f"ok     {source}: {self.kind}, {counted(self.articles, 'article')} "
            f"({self.new} new, {self.updated} updated, {self.unchanged} unchanged), "
            f"{counted(self.sections, 'section')}"
        )
        if self.warnings:
            line += "; warning: " + "; ".join(self.warnings)
        return line


ArticleProgress = Callable[[str, list[Article]], Callable[[], None]]
"""Called with (source, articles) before storing; returns a per-article tick."""

BATCH_SOURCES = 16
"""Sources read ahead together, so worker processes digest one long stream."""


@dataclass
class _Job:
    """One source on its way through a batch: read, then its changed articles digested."""

    result: SourceResult
    started: str
    t0: float
    changed: list[Article] = field(default_factory=list)
    tick: Callable[[], None] | None = None


def ingest_source(
    db: Database,
    source: str,
    on_articles: ArticleProgress | None = None,
    digester: Digester | None = None,
    fetched: RawSource | None = None,
    owner_chat: int | None = None,
) -> SourceResult:
    """Read, digest and store one source; never raises for bad input.

    ``fetched`` is a source already downloaded (the feed poller's conditional GET, a
    reader's document); ``owner_chat`` keeps the articles for that chat only.
    """
    if digester is None:
        digester = Digester(workers=1, lexicon=ingest_lexicon(db))
    return _ingest_batch(db, [(source, fetched)], digester, on_articles, owner_chat)[0]


def _read(
    db: Database,
    job: _Job,
    fetched: RawSource | None,
    on_articles: ArticleProgress | None,
    owner_chat: int | None = None,
) -> None:
    result = job.result
    loaded = parse_raw(fetched) if fetched is not None else load(result.source)
    result.kind, articles = loaded
    result.warnings = list(loaded.warnings)
    job.tick = on_articles(result.source, articles) if on_articles else None
    for article in articles:
        # A URL-less article's fingerprint is its content hash: the text is hashed once.
        digest = content_hash(article)
        key = fingerprint(article) if article.url else f"hash:{digest}"
        known = unchanged_article_id(db, key, digest, owner_chat)
        if known is None:
            job.changed.append(article)
            continue
        result.unchanged += 1
        result.sections += len(article.sections)
        result.article_ids.append(known)
        if job.tick:
            job.tick()


def _fail(job: _Job, exc: Exception) -> None:
    if isinstance(exc, SourceError):
        job.result.error = str(exc)
        job.result.error_code = getattr(exc, "code", None)
        return
    # The traceback is for developers (BRIEFBOT_LOG_LEVEL=DEBUG), not the terminal.
    log.error(
        "unexpected failure ingesting %s: %r",
        job.result.source,
        exc,
        exc_info=log.isEnabledFor(logging.DEBUG),
    )
    job.result.error = f"internal error ({type(exc).__name__}): {exc}".splitlines()[0]


def _ingest_batch(
    db: Database,
    sources: list[tuple[str, RawSource | None]],
    digester: Digester,
    on_articles: ArticleProgress | None,
    owner_chat: int | None = None,
) -> list[SourceResult]:
    """Read every source of the batch, digest all their new articles in one stream, store."""
    jobs = []
    for source, fetched in sources:
        job = _Job(SourceResult(source), now_iso(), time.perf_counter())
        jobs.append(job)
        try:
            _read(db, job, fetched, on_articles, owner_chat)
        except Exception as exc:  # bad input, or a bug: this source only
            _fail(job, exc)
    queue = [(job, article) for job in jobs if job.result.ok for article in job.changed]
    if queue:
        # Loaded (and taught the lexicon's words) only now that an article needs it, but
        # before a worker pool forks, so that the workers share it.
        load_segmenter()
    stream = digester.digest([article for _, article in queue])
    # Each article is still its own transaction; their syncs wait for the first log row
    # below, which makes the whole batch durable before anything is reported.
    with deferred_sync(db):
        for (job, _), digested in zip(queue, stream, strict=True):
            if not job.result.ok:
                continue
            try:
                if isinstance(digested, DigestFailure):
                    raise RuntimeError(digested.error)
                saved = save_article(db, digested, owner_chat)
            except Exception as exc:
                _fail(job, exc)
                continue
            result = job.result
            setattr(result, saved.status, getattr(result, saved.status) + 1)
            result.sections += saved.sections
            result.article_ids.append(saved.article_id)
            if job.tick:
                job.tick()
    for job in jobs:
        result = job.result
        log_ingestion(
            db,
            source=result.source,
            kind=result.kind,
            status="ok" if result.ok else "error",
            error=result.error,
            articles=result.articles,
            new=result.new,
            updated=result.updated,
            unchanged=result.unchanged,
            sections=result.sections,
            started_at=job.started,
            finished_at=now_iso(),
            duration_ms=int((time.perf_counter() - job.t0) * 1000),
            warnings="; ".join(result.warnings) or None,
        )
    return [job.result for job in jobs]


def ingest_all(
    db: Database,
    sources: Iterable[str],
    on_result: Callable[[SourceResult], None] | None = None,
    on_articles: ArticleProgress | None = None,
    workers: int = 1,
) -> list[SourceResult]:
    """Ingest every source; ``workers`` > 1 digests large batches in worker processes."""
    results: list[SourceResult] = []
    # The directory stored with the reference tables; the segmenter waits for an article.
    lexicon = reference_lexicon(db)
    pending = list(sources)
    with Digester(workers, lexicon) as digester:
        for start in range(0, len(pending), BATCH_SOURCES):
            batch = [(source, None) for source in pending[start : start + BATCH_SOURCES]]
            for result in _ingest_batch(db, batch, digester, on_articles):
                results.append(result)
                if on_result:
                    on_result(result)
    # Keep the query planner's statistics current as the store grows (cheap no-op
    # when nothing changed much).
    optimize(db)
    return results


def total_line(results: list[SourceResult]) -> str:
    failed = sum(not r.ok for r in results)
    return (
        f"total: {counted(len(results), 'source')}, {len(results) - failed} ok, {failed} failed; "
        f"{counted(sum(r.articles for r in results), 'article')} "
        f"({sum(r.new for r in results)} new, {sum(r.updated for r in results)} updated, "
        f"{sum(r.unchanged for r in results)} unchanged), "
        f"{counted(sum(r.sections for r in results), 'section')}"
    )
