"""Pure composition of company, sector and search answers from stored rows.

The store fetches rows; these functions decide what a reader sees: the most
informative sentences, without repeats, each tied to the article it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from digests.figures import figure_weight
from digests.textproc import segment, to_simplified


@dataclass(frozen=True)
class Source:
    article_id: int
    title: str
    url: str | None


@dataclass(frozen=True)
class Point:
    """One sentence of a summary and the article it cites."""

    sentence: str
    source: Source


@dataclass
class ArticleMentions:
    article_id: int
    title: str
    url: str | None
    published: str | None
    sentences: list[str] = field(default_factory=list)


def informativeness(sentence: str) -> float:
    """Figures with units and substance (length up to a point) make a sentence worth showing."""
    length = min(len(sentence), 120) / 40
    question = 0.5 if sentence.rstrip().endswith(("?", "\uff1f")) else 1.0
    return (2.0 * figure_weight(sentence) + length) * question


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def near_duplicate(a: str, b: str, threshold: float = 0.6) -> bool:
    ga, gb = _bigrams(a), _bigrams(b)
    if not ga or not gb:
        return a == b
    return len(ga & gb) / min(len(ga), len(gb)) >= threshold


def pick_points(
    candidates: Iterable[tuple[str, Source]], limit: int = 5, per_article: int = 2
) -> list[Point]:
    """The most informative distinct sentences, newest article first.

    ``candidates`` arrive newest article first; within that order the best sentences
    win, at most ``per_article`` from one article, and none that repeats another.
    """
    scored = [
        (rank, -informativeness(sentence), sentence, source)
        for rank, (sentence, source) in enumerate(candidates)
    ]
    by_article: dict[int, list[tuple[float, int, str, Source]]] = {}
    order: list[int] = []
    for rank, neg_info, sentence, source in scored:
        if source.article_id not in by_article:
            order.append(source.article_id)
        by_article.setdefault(source.article_id, []).append((neg_info, rank, sentence, source))
    chosen: list[Point] = []
    for article_id in order:
        taken = 0
        for _, _, sentence, source in sorted(by_article[article_id]):
            if len(chosen) >= limit or taken >= per_article:
                break
            if any(near_duplicate(sentence, p.sentence) for p in chosen):
                continue
            chosen.append(Point(sentence, source))
            taken += 1
        if len(chosen) >= limit:
            break
    return chosen


def query_terms(query: str) -> list[str]:
    """Simplified jieba tokens of a search query, punctuation and spaces dropped."""
    return [t for t in segment(to_simplified(query.strip())) if re.search(r"\w", t)]


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression requiring every term (each quoted as a phrase)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def highlight(text: str, terms: Sequence[str], width: int = 90) -> str | None:
    """A window of ``text`` around the first query term, terms marked 【like this】.

    Matching runs on the Simplified copy (same length as the original), so a query
    typed in either script highlights the original wording.
    """
    simplified = to_simplified(text).casefold()
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = term.casefold()
        start = simplified.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = simplified.find(needle, start + len(needle))
    if not spans:
        return None
    spans.sort()
    first = spans[0][0]
    lo = max(0, first - width // 3)
    hi = min(len(text), lo + width)
    pieces: list[str] = ["…" if lo > 0 else ""]
    pos = lo
    for start, end in spans:
        if start < pos or end > hi:
            continue
        pieces.append(text[pos:start])
        pieces.append(f"【{text[start:end]}】")
        pos = end
    pieces.append(text[pos:hi])
    pieces.append("…" if hi < len(text) else "")
    return "".join(pieces).replace("\n", " ")
