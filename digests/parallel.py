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
from dataclasses import dataclass
from multiprocessing.pool import Pool
from types import TracebackType

from digests.lexicon import Lexicon, default_lexicon
from digests.models import Article, DigestedArticle
from digests.summarize import digest_article
from digests.textproc import word_tags

MIN_PARALLEL_BATCH = 8

_worker_lexicon: Lexicon | None = None
"""Set before forking: workers inherit it instead of receiving it with every task."""


@dataclass(frozen=True)
class DigestFailure:
    """An article the digester could not handle; the others go on."""

    error: str


def _safe_digest(article: Article, lexicon: Lexicon | None) -> DigestedArticle | DigestFailure:
    try:
        return digest_article(article, lexicon)
    except Exception as exc:  # one bad article must not take the batch down
        return DigestFailure(f"{type(exc).__name__}: {exc}".splitlines()[0][:300])


def _digest_in_worker(article: Article) -> DigestedArticle | DigestFailure:
    return _safe_digest(article, _worker_lexicon)


class Digester:
    """Digests batches of articles, in worker processes when that pays off."""

    def __init__(self, workers: int | None = None, lexicon: Lexicon | None = None) -> None:
        available = os.cpu_count() or 1
        self.workers = max(1, min(workers if workers is not None else available, available))
        self.lexicon = lexicon or default_lexicon()
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

    def digest(self, articles: Sequence[Article]) -> Iterator[DigestedArticle | DigestFailure]:
        """Digested articles (or the failure) in input order."""
        if self.workers < 2 or len(articles) < MIN_PARALLEL_BATCH or not _can_fork():
            for article in articles:
                yield _safe_digest(article, self.lexicon)
            return
        if self._pool is None:
            global _worker_lexicon
            _worker_lexicon = self.lexicon  # jieba and the lexicon are loaded: share them
            word_tags()  # keyword filtering reads jieba's tags: load them once, before forking
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        for digested in self._pool.imap(_digest_in_worker, articles, chunksize=2):
            # What a worker learned must reach this process's lexicon too.
            if isinstance(digested, DigestedArticle) and digested.learned_companies:
                self.lexicon.learn(digested.learned_companies)  # type: ignore[arg-type]
            yield digested


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
