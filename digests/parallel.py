"""Digest many articles on every core.

Digesting is CPU-bound pure Python, so a bulk ingest spreads it over worker
processes.  Workers are forked after jieba's dictionary is loaded, so they share it
instead of each paying its start-up.  Only used where forking is safe (the command
line, a single-threaded process on a platform with fork); everything else digests
in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from multiprocessing.pool import Pool
from types import TracebackType

from digests.models import Article, DigestedArticle
from digests.summarize import digest_article, warm_up

MIN_PARALLEL_BATCH = 8


class Digester:
    """Digests batches of articles, in worker processes when that pays off."""

    def __init__(self, workers: int | None = None) -> None:
        available = os.cpu_count() or 1
        self.workers = max(1, min(workers if workers is not None else available, available))
        self._pool: Pool | None = None

    def __enter__(self) -> Digester:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def digest(self, articles: Sequence[Article]) -> Iterator[DigestedArticle]:
        """Digested articles in input order."""
        if self.workers < 2 or len(articles) < MIN_PARALLEL_BATCH or not _can_fork():
            yield from map(digest_article, articles)
            return
        if self._pool is None:
            warm_up()  # load jieba before forking so workers inherit it
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        yield from self._pool.imap(digest_article, articles, chunksize=2)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
