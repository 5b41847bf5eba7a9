"""Pure composition of company, sector and search answers from stored rows.

The store fetches rows; these functions decide what a reader sees: the most
informative sentences, without repeats, each tied to the article it came from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from digests import regexcache
from digests.figures import figure_weight
from digests.fragments import is_table_row
from digests.salience import is_anaphoric, is_marked_item
from digests.textproc import segment, split_sentences, to_simplified


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
        # a table row (欣興 3037 1,248 9.6% 205) is rich in figures but says nothing alone
        if not any(map(is_table_row, sentence.split("\n"))) and stands_alone(sentence)
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


def not_repeated(
    sentences: Iterable[str], points: Iterable[Point], limit: int | None = None
) -> list[str]:
    """``sentences`` (an article's summary) without those the answer's key ``points``
    already show, at most ``limit``: one answer never says a sentence twice, whether a bot
    message or the command line prints it.  A point may join a sentence to its lead-in,
    so a sentence inside a point counts as shown."""
    shown = [p.sentence.strip() for p in points]
    kept = [s for s in sentences if not any(s.strip() and s.strip() in p for p in shown)]
    return kept if limit is None else kept[:limit]


def stands_alone(sentence: str) -> bool:
    """Whether a sentence can be a key point on its own, away from its article.

    The digest rules (:mod:`digests.salience`): a sentence opening with a pointer (它們…,
    這也是…, 其…, 前者…) needs the sentence it points to, and a list item (2. …) needs its
    lead-in; a key point is one cited sentence, so such a sentence gives way to the next
    best.  "Among them"/"this time" openings that carry their own figure stand alone.
    """
    text = sentence.strip()
    if is_marked_item(text):
        # An item that names its own subject (- 中保科(9917)：國內保全龍頭…) needs no lead-in.
        text = _ITEM_MARK.sub("", text, count=1)
        if not _NAMED_ITEM.match(text):
            return False
    return not is_anaphoric(text, subject=figure_weight(text) > 0)


POINT_MAX = 140
"""A pointing sentence is shown with its antecedent only when both fit this many characters:
a key point is read at a glance."""


def in_context(sentence: str, texts: Sequence[str]) -> str:
    """``sentence`` as a key point: joined after the sentence it points back to (它們…,
    這也是…) or after its list's lead-in (2. …) when the two are short enough, found in
    ``texts`` (its section's text); else the sentence itself, which :func:`pick_points`
    then passes over for the next best."""
    if stands_alone(sentence):
        return sentence
    needle = sentence.strip()
    if is_marked_item(needle) and not _ITEM_MARK.match(needle):
        return sentence  # 其次，… after the lead-in alone would skip 首先: passed over
    text = next((t for t in texts if needle and needle in t), None)
    if text is None:
        return sentence
    where = text.find(needle)
    before = [text[a:b].strip() for a, b in split_sentences(text[:where])]
    before = [b for b in before if b]
    if is_marked_item(needle):
        while before and is_marked_item(before[-1]):
            before.pop()  # back over the earlier items, to the sentence that opens the list
    if not before or not stands_alone(before[-1]):
        return sentence
    joined = f"{before[-1]}\n{needle}" if is_marked_item(needle) else before[-1] + needle
    return joined if len(joined) <= POINT_MAX else sentence


_ITEM_MARK = regexcache.compile(
    r"^\s*(?:[-*•●◆■▪‧・·▍►▶✅]|\d{1,2}\s*[.、)）]|[（(](?:\d{1,2}|[一二三四五六七八九十])[)）]|"
    r"[一二三四五六七八九十][、.]|[①-⑳⑴-⒇❶-❿])\s*"
)
_NAMED_ITEM = regexcache.compile(
    r"^[^\s:：，,。]{0,12}(?:[(（]\s*[A-Za-z]{0,8}[:：]?\s*\d{4,6}[A-Za-z]?(?:[-.][A-Za-z]{2,3})?\s*[)）]|"
    r"[(（][A-Z]{1,5}(?:[-.][A-Z]{2})?[)）])[^\s:：，,。]{0,4}[:：]\s*\S"
)
"""A list item headed by the company it is about (中保科(9917)：…), readable away from its
list.  A topic label (車用：今年營收占比將提升至18%) is not a subject: whose 營收 is the
lead-in's, so such an item needs it."""


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
    return marked_window(text, spans, lo, min(len(text), lo + width))


def marked_window(text: str, spans: Sequence[tuple[int, int]], lo: int, hi: int) -> str:
    """``text[lo:hi]`` on one line, each of the sorted ``spans`` inside it marked 【like
    this】 (one overlapping an earlier mark stays plain), with … where the window cuts."""
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


# --- sectors: evidence that an article discusses what the reader named ------------

TEXT_WEIGHT = 3.0
"""The reader's own word counts like a defining topic term (weight 3 in topics.toml)."""
INDUSTRY_WEIGHT = 2.0
"""Each company of the industry counts like a strong topic term."""
TITLE_FACTOR = 3.0
HEADING_FACTOR = 2.0
"""Same factors as topic scoring, so topic, industry and text evidence add up."""


def term_pattern(term: str) -> re.Pattern[str]:
    """A normalised term as found in text: any spacing between its characters.

    The search index holds jieba tokens joined by spaces and segmentation depends on
    context (矽光子 may be one token or two), so spaces may fall anywhere.  Latin
    letters and digits at the ends must not continue a longer word (AI is not in chain).
    """
    chars = [c for c in term if not c.isspace()]
    body = r"\s*".join(re.escape(c) for c in chars)
    head = r"(?<![a-z0-9])" if chars and chars[0].isascii() and chars[0].isalnum() else ""
    tail = r"(?![a-z0-9])" if chars and chars[-1].isascii() and chars[-1].isalnum() else ""
    return re.compile(head + body + tail, re.IGNORECASE)


def count_terms(text: str, patterns: Sequence[re.Pattern[str]]) -> list[int]:
    """Occurrences of each pattern in (simplified) ``text``."""
    return [len(p.findall(text)) if text else 0 for p in patterns]


def text_evidence(title: int, headings: int, body: int) -> float:
    """Weighted evidence of a word found this often in title, headings and body.

    Sublinear in repeats, like topic scores: the word in the title or a heading, or
    used throughout, beats a passing mention.
    """
    return TEXT_WEIGHT * (
        TITLE_FACTOR * math.sqrt(title) + HEADING_FACTOR * math.sqrt(headings) + math.sqrt(body)
    )


def industry_evidence(mentions: Iterable[tuple[int, bool]]) -> float:
    """Evidence from the industry's companies an article names: (sentences, in title) each."""
    return INDUSTRY_WEIGHT * sum(
        math.sqrt(n) + (TITLE_FACTOR if in_title else 0.0) for n, in_title in mentions
    )


def term_sentences(text: str, patterns: Sequence[re.Pattern[str]]) -> list[str]:
    """Sentences of ``text`` (original script) that contain every term.

    The text is converted once; the Simplified copy is character-aligned with the
    original, so the same spans cut both.
    """
    simplified = to_simplified(text)
    if not all(p.search(simplified) for p in patterns):
        return []
    return [
        text[a:b]
        for a, b in split_sentences(text)
        if all(p.search(simplified, a, b) for p in patterns)
    ]
