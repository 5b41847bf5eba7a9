"""Digesting in-process raises the cycle collector's young threshold only while it
digests, and restores it when the last digester is done (issue 13: speed)."""

from __future__ import annotations

import gc
import threading

from digests.models import Article, Section
from digests.parallel import _GC_YOUNG_THRESHOLD, Digester, _fewer_collections


def test_threshold_raised_while_digesting_and_restored() -> None:
    before = gc.get_threshold()
    article = Article("標題", (Section("", ("台積電營收成長三成。",)),), "t", "text")
    seen = []
    with Digester(workers=1) as digester:
        for _ in digester.digest([article, article]):
            seen.append(gc.get_threshold())
    assert seen and all(t[0] == max(before[0], _GC_YOUNG_THRESHOLD) for t in seen)
    assert all(t[1:] == before[1:] for t in seen)
    assert gc.get_threshold() == before


def test_nested_and_threaded_users_restore_once() -> None:
    before = gc.get_threshold()
    with _fewer_collections():
        with _fewer_collections():
            assert gc.get_threshold()[0] == max(before[0], _GC_YOUNG_THRESHOLD)
        assert gc.get_threshold()[0] == max(before[0], _GC_YOUNG_THRESHOLD)
    assert gc.get_threshold() == before

    inside = threading.Barrier(4)
    done = threading.Barrier(4)

    def user() -> None:
        with _fewer_collections():
            inside.wait()
            done.wait()

    threads = [threading.Thread(target=user) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.get_threshold() == before


def test_a_failing_batch_restores_it() -> None:
    before = gc.get_threshold()
    try:
        with _fewer_collections():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
