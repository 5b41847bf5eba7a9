"""The page-dump similarity computed in C-level passes equals, bit for bit, the plain loops.

Title detection compares the article so far with the text after each heading-like line
(a cosine of character-bigram counts).  The fast version must give the very same floats:
a score that moved by one ulp could cross the title threshold.  The references below are
the loops as first written.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from pathlib import Path

from digests.sources.lines import split_blocks
from digests.sources.pagedump import (
    WeightedBag,
    _add_in_turn,
    _bigrams,
    _PageGrams,
    _reduce_add,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _reference_bigrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for run in re.findall(r"[\u3400-\u9fff]+|[A-Za-z]{2,}", text):
        if run.isascii():
            grams[run.lower()] += 1
        else:
            grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


class _ReferenceBag:
    def __init__(self, idf_squared: dict[str, float]) -> None:
        self.idf_squared = idf_squared
        self.counts: Counter[str] = Counter()
        self.sum_squares = 0.0

    def add(self, grams: Counter[str]) -> None:
        counts = self.counts
        for key, value in grams.items():
            old = counts[key]
            self.sum_squares += ((old + value) ** 2 - old * old) * self.idf_squared.get(key, 1.0)
            counts[key] = old + value

    def cosine(self, other: Counter[str]) -> float:
        if not other or not self.sum_squares:
            return 0.0
        w = self.idf_squared
        dot = sum(v * self.counts.get(k, 0) * w.get(k, 1.0) for k, v in other.items())
        other_norm = math.sqrt(sum(v * v * w.get(k, 1.0) for k, v in other.items()))
        return dot / (math.sqrt(self.sum_squares) * other_norm) if other_norm else 0.0


def _paragraphs() -> list[str]:
    lines = []
    for path in sorted(FIXTURES.rglob("*.txt")):
        lines += [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [*lines, "AI與HBM：CoWoS產能 TSMC tsmc", "a b cd ÉCOLE İstanbul \u212aelvin", "", "單"]


def test_bigrams_are_the_same_counts_in_the_same_order() -> None:
    for text in _paragraphs():
        assert list(_bigrams(text).items()) == list(_reference_bigrams(text).items()), text


def test_bag_gives_the_same_floats_as_the_loops() -> None:
    rng = random.Random(13)
    paragraphs = _paragraphs()
    grams = [_bigrams(p) for p in paragraphs]
    doc_freq: Counter[str] = Counter()
    for g in grams:
        doc_freq.update(g.keys())
    n = len(grams)
    idf = {k: (math.log((1 + n) / (1 + df)) + 1.0) ** 2 for k, df in doc_freq.items()}
    for _ in range(60):
        fast, plain = WeightedBag(idf), _ReferenceBag(idf)
        start = rng.randrange(n)
        for j in range(start, min(n, start + rng.randint(1, 40))):
            fast.add(grams[j])
            plain.add(grams[j])
            if rng.random() < 0.3:
                window = sum((grams[k] for k in range(j + 1, min(n, j + 4))), Counter())
                assert fast.cosine(window) == plain.cosine(window)
                assert fast.sum_squares == plain.sum_squares
                assert fast.counts == plain.counts


def test_the_sum_adds_each_term_in_turn_as_the_loop_does() -> None:
    """The fold's sum (``sum`` up to 3.11, ``reduce`` after) rounds after every addition."""
    rng = random.Random(7)
    for _ in range(300):
        start = rng.choice([0.0, rng.random() * 10 ** rng.randint(-3, 6)])
        terms = [
            rng.randint(1, 40) * (math.log(rng.randint(2, 500)) + 1.0) ** 2
            for _ in range(rng.randint(0, 300))
        ]
        total = start
        for term in terms:
            total += term
        assert _add_in_turn(iter(terms), start) == total
        assert _reduce_add(iter(terms), start) == total


def test_page_weights_are_the_idf_of_each_key() -> None:
    """A page's weights (document frequencies counted in one pass, replaced in place by
    their weights) are the formula's, key by key, in first-seen order."""
    pages = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.rglob("*.txt"))]
    pages.append("\n\n".join(_paragraphs()))
    for page in pages:
        blocks = split_blocks(page)
        if not blocks:
            continue
        doc_freq: Counter[str] = Counter()
        for block in blocks:
            doc_freq.update(_reference_bigrams(block.text).keys())
        n = len(blocks)
        expected = [(k, (math.log((1 + n) / (1 + df)) + 1.0) ** 2) for k, df in doc_freq.items()]
        assert list(_PageGrams(blocks).idf_squared().items()) == expected


def _reference_window(page: _PageGrams, i: int) -> Counter[str]:
    """The window as first written: every paragraph's gram list chained and counted."""
    blocks, n = page.blocks, len(page.blocks)
    start = next((j for j in range(i + 1, n) if not blocks[j].candidate), n)
    taken = 0
    parts = []
    for j in range(start, n):
        if blocks[j].candidate:
            continue
        parts.append(_reference_bigrams(blocks[j].text))
        taken += len(blocks[j].text)
        if taken >= 600:
            break
    window: Counter[str] = Counter()
    for part in parts:
        for key, value in part.items():
            window[key] += value
    return window


def test_windows_are_the_chained_paragraphs_counts_in_order() -> None:
    """A window starts as a copy of its first paragraph's counts and counts the rest: the
    same counts, keys in the same order, as counting every paragraph in turn."""
    pages = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.rglob("*.txt"))]
    pages.append("\n\n".join(_paragraphs()))
    for page_text in pages:
        blocks = split_blocks(page_text)
        page = _PageGrams(blocks)
        for i in range(-1, len(blocks)):
            expected = list(_reference_window(page, i).items())
            assert list(page.window_after(i).items()) == expected, (page_text[:40], i)
