"""Digest many articles on every core, storing exactly what one process would.

Digesting is CPU-bound pure Python, so a bulk ingest spreads it over worker
processes.  Workers are forked after jieba's dictionary is loaded, so they share it
instead of each paying its start-up.  Only used where forking is safe (the command
line, a single-threaded process on a platform with fork); everything else digests
in-process.

**Determinism.**  In one process, article k is digested with every alias learned
from articles 0..k-1 (and jieba taught their names), so which names are single
tokens, which mentions are found and every term weight depend on what came before.
Workers must see the same: the parent works out each article's lesson
(:func:`~digests.summarize.lesson_of`, which reads only the original text and the
directory, no segmentation) and teaches it to its own lexicon, in article order,
while the workers digest.  Every lesson that teaches something is appended to a
log, a file the workers inherit at fork time; each task carries the article, its
lesson and how far the log reaches at that article, and the worker first applies
the log entries it has not applied yet, each with the same ``Lexicon.learn`` call
the single process made, in the same order.  Workers take tasks in increasing
article order, so each one replays a prefix of the same sequence, and ends in the
state one process had at that article: the same directory (aliases and their
order, ambiguity marks), the same words taught to jieba (frequencies, total,
:func:`~digests.textproc.words_taught`) and so the same memos keyed on them.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, TYPE_CHECKING

from digests.companies import Company
from digests.lexicon import Lexicon, default_lexicon
from digests.models import Article, DigestedArticle
from digests.summarize import Lesson, digest_article, lesson_of
from digests.textproc import word_tags

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

MIN_PARALLEL_BATCH = 8

_worker_lexicon: Lexicon | None = None
"""Set before forking: workers inherit it instead of receiving it with every task."""
_log_fd = -1
"""The lesson log's file descriptor, set before forking: workers read it with pread."""
_log_applied = [0]
"""In a worker: how many bytes of the lesson log it has applied (0 at fork)."""


@dataclass(frozen=True)
class DigestFailure:
    """An article the digester could not handle; the others go on."""

    error: str


def _failure(exc: Exception) -> DigestFailure:
    return DigestFailure(f"{type(exc).__name__}: {exc}".splitlines()[0][:300])


def _safe_digest(
    article: Article, lexicon: Lexicon | None, lesson: Lesson | None = None
) -> DigestedArticle | DigestFailure:
    try:
        return digest_article(article, lexicon, lesson)
    except Exception as exc:  # one bad article must not take the batch down
        return _failure(exc)


def _replay(lexicon: Lexicon, taught: Sequence[Company]) -> None:
    """Teach what an earlier article taught, as :func:`digest_article` did.

    Should that ``learn`` have failed part-way (the article then failed), the same
    call fails at the same point here, leaving the same partial state.
    """
    with contextlib.suppress(Exception):  # the article that taught it reports the failure
        lexicon.learn(taught)


_Task = tuple[Article, Lesson, int] | DigestFailure


def _digest_in_worker(task: _Task) -> DigestedArticle | DigestFailure:
    if isinstance(task, DigestFailure):
        return task  # failed while learning, in the parent: nothing to digest
    article, lesson, log_end = task
    assert _worker_lexicon is not None
    _catch_up(_worker_lexicon, log_end)
    return _safe_digest(article, _worker_lexicon, lesson)


def _catch_up(lexicon: Lexicon, log_end: int) -> None:
    """Apply, in order, the log's lessons this worker has not applied yet."""
    start = _log_applied[0]
    if log_end <= start:
        return
    data = b""
    while len(data) < log_end - start:
        chunk = os.pread(_log_fd, log_end - start - len(data), start + len(data))
        if not chunk:
            raise RuntimeError("lesson log is shorter than the task says")
        data += chunk
    stream = io.BytesIO(data)
    while stream.tell() < len(data):
        _replay(lexicon, pickle.load(stream))
    _log_applied[0] = log_end


class Digester:
    """Digests batches of articles, in worker processes when that pays off.

    What is stored does not depend on ``workers`` (see the module docstring).
    """

    def __init__(self, workers: int | None = None, lexicon: Lexicon | None = None) -> None:
        available = os.cpu_count() or 1
        self.workers = max(1, min(workers if workers is not None else available, available))
        self.lexicon = lexicon or default_lexicon()
        self._pool: Pool | None = None
        self._log: IO[bytes] | None = None
        self._log_end = 0

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
        if self._log is not None:
            self._log.close()
            self._log = None
            self._log_end = 0

    def digest(self, articles: Sequence[Article]) -> Iterator[DigestedArticle | DigestFailure]:
        """Digested articles (or the failure) in input order.

        On workers, the parent learns each article's aliases in the pool's task thread
        while the caller receives results: until the iterator is exhausted the caller
        must not use the lexicon (the ingest only stores what it receives).
        """
        if self.workers < 2 or len(articles) < MIN_PARALLEL_BATCH or not _can_fork():
            for article in articles:
                lesson = self._learn(article)
                if isinstance(lesson, DigestFailure):
                    yield lesson
                else:
                    yield _safe_digest(article, self.lexicon, lesson)
            return
        if self._pool is None:
            self._start_pool()
        assert self._pool is not None
        # The generator runs in the pool's task thread, a few tasks ahead of the workers,
        # so the parent's learning overlaps their digesting.
        yield from self._pool.imap(_digest_in_worker, self._tasks(articles), chunksize=2)

    def _start_pool(self) -> None:
        """Fork the workers: before anything of the batch is learned, so they start
        from the state the log's first entry was learned in."""
        global _worker_lexicon, _log_fd
        _worker_lexicon = self.lexicon  # jieba and the lexicon are loaded: share them
        word_tags()  # keyword filtering reads jieba's tags: load them once, before forking
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  # open while the pool lives
        self._log_end = 0
        _log_fd = self._log.fileno()
        import multiprocessing  # here: one process (--workers 1) never needs it, 10 ms

        self._pool = multiprocessing.get_context("fork").Pool(self.workers)

    def _tasks(self, articles: Sequence[Article]) -> Iterator[_Task]:
        for article in articles:
            lesson = self._learn(article)
            yield lesson if isinstance(lesson, DigestFailure) else (article, lesson, self._log_end)

    def _learn(self, article: Article) -> Lesson | DigestFailure:
        """Learn what ``article`` teaches, as :func:`digest_article` would (its first
        step), logging it for the workers; a failure there is the article's failure."""
        try:
            lesson = lesson_of(article, self.lexicon)
        except Exception as exc:
            return _failure(exc)
        if not lesson.taught:
            return lesson
        if self._log is not None:
            data = pickle.dumps(lesson.taught, protocol=pickle.HIGHEST_PROTOCOL)
            written = 0
            while written < len(data):
                written += os.pwrite(self._log.fileno(), data[written:], self._log_end + written)
            self._log_end += len(data)
        try:
            self.lexicon.learn(lesson.taught)
        except Exception as exc:
            return _failure(exc)
        return lesson


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
