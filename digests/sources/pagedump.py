"""Plain-text page dumps: one article, or a scraped listing page holding several in a row.

Each article is a title line, intro paragraphs, then heading lines each followed by
paragraphs.  Lines carry no markup, so titles and headings are told apart by general cues
only: length and punctuation, position, market tags (台股:), list enumerators (一、), heading
styles (〈…〉, 【…】, ※, ticker-first lines) that only headings use, whether the previous
article had reached its conclusion, bylines under a title, and the lexical shift between
what came before and what follows (character bigrams, cheap and script-agnostic).

Which lines may be headings at all is decided in :mod:`digests.sources.lines`; this module
weighs which of those open a new article.

Splitting is by evidence, with one article as the prior: a first pass proposes titles from
local cues, a second pass keeps a split only when the new article is a whole article (its own
sections and text) and the evidence is strong (a byline under the title, a concluded previous
article, a repeated heading, a restarted enumeration, a market tag over sub-headings), or the
page has already shown strong evidence elsewhere, i.e. it is a page of several articles.
Nothing here is tuned to one particular site.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from itertools import chain, repeat
from operator import add, mul
from typing import cast

from digests import regexcache
from digests.models import Article, Section
from digests.sources.lines import ENUMERATOR, Block, heading_text, is_heading_style, split_blocks

_MARKET_TAG = regexcache.compile(
    r"^(?:台股|美股|港股|陸股|陆股|A股|日股|韓股|韩股|歐股|欧股|ETF|基金|加密貨幣)\s*[:：]"
)

_FIRST_ENUMERATOR = regexcache.compile(
    r"^(?:一\s*[、.．]|[(（][一1][)）]|1\s*[、.．)]|第[一1]\s*\S|(?:戰場|战场|步驟|步骤|階段|阶段)[一1])"
)

_CONCLUSION_HEADING = regexcache.compile(
    r"^[〈【《〔\[(（]?\s*(?:結論|结论|結語|结语|總結|总结|小結|小结|後記|后记|尾聲|尾声|寫在最後|写在最后|"
    r"conclusion)"
)

_FINAL_HEADING = regexcache.compile(
    r"^[〈【《〔\[(（]?\s*(?:結論|结论|結語|结语|總結|总结|後記|后记|尾聲|尾声|寫在最後|写在最后|conclusion)"
)
"""A conclusion that ends an article (a 小結 ends only a part of one)."""

_CONCLUSION_OPENER = regexcache.compile(
    r"^(?:總結而言|总结而言|總而言之|总而言之|綜上所述|综上所述|總的來說|总的来说|總結來說|总结来说|"
    r"總之|总之|結論是|结论是|綜合來看|综合来看)"
)

_REGION_LABEL = regexcache.compile(
    r"^(?:美國|美国|台灣|台湾|日本|中國|中国|歐洲|欧洲|韓國|韩国|印度|東南亞|东南亚|德國|德国|"
    r"大陸|大陆|香港|全球|亞洲|亚洲)(?:市場|市场|模式|企業|企业|觀點|观点)?\s*[:：]"
)

_COMMA = regexcache.compile(r"[,，]")
_NOT_WORD = regexcache.compile(r"[\W_]+")

TITLE_THRESHOLD = 2.0

BYLINED_MIN_CHARS = 40
"""Under a byline a news item is whole with one paragraph (listing pages' excerpts run short)."""


_RUN = regexcache.compile(r"[\u3400-\u9fff]{2,}|[A-Za-z]{2,}")
"""Runs of two or more Chinese characters or Latin letters (a lone character has no bigram)."""


def _gram_list(text: str) -> list[str]:
    """The grams of ``text`` in order: each bigram of a Chinese run, each Latin word
    (lowercased); what :func:`_bigrams` counts.  ``map(add, run, run[1:])`` pairs each
    character with the next one in C instead of slicing in a Python loop."""
    grams: list[str] = []
    for run in _RUN.findall(text):
        if run.isascii():
            grams.append(run.lower())
        else:
            grams += map(add, run, run[1:])
    return grams


def _bigrams(text: str) -> Counter[str]:
    """Character-bigram counts of the Chinese runs, plus the Latin words (two letters or
    more, lowercased); keys in order of first occurrence."""
    return Counter(_gram_list(text))


def _reduce_add(terms: Iterable[float], start: float) -> float:
    return reduce(add, terms, start)


_add_in_turn: Callable[[Iterable[float], float], float] = (
    sum if sys.version_info < (3, 12) else _reduce_add
)
"""``start`` plus each term in turn, rounding after every addition, as ``+=`` in a loop.

Up to Python 3.11 ``sum`` does just that for floats (a C double added to item by item,
no Python float built per step: 5-7 ms per 100 articles less than ``reduce(add, ...)``
over the bench's 237,000 folded keys); from 3.12 on ``sum`` compensates its rounding
errors, which gives other bits than the loop, so ``reduce(add, ...)`` does the additions
there.  ``tests/test_pagedump_bigrams.py`` compares the sums with the loop's."""


class WeightedBag:
    """A growing bag of bigrams with its TF-IDF norm kept up to date incrementally.

    The article so far is compared with the text after every heading-like line; keeping
    the norm incremental makes that O(window) instead of O(article) per comparison.
    """

    def __init__(self, idf_squared: dict[str, float]) -> None:
        self.idf_squared = idf_squared
        self.counts: Counter[str] = Counter()
        self.sum_squares = 0.0
        self.pending: list[Counter[str]] = []

    def add(self, grams: Counter[str]) -> None:
        """Queue ``grams``; they are folded in only when a comparison needs them."""
        self.pending.append(grams)

    def _flush(self) -> None:
        for grams in self.pending:
            self._fold(grams)
        self.pending.clear()

    def _fold(self, grams: Counter[str]) -> None:
        # One C-level pass per step instead of a Python loop per key, with the very same
        # arithmetic: (old + v)² - old² == v·(old + new) exactly (ints), each term is that
        # int times the key's weight, and _add_in_turn adds the terms to the sum one by one in
        # key order, as the loop did.  Keys of one Counter are distinct, so reading every
        # old count before writing the new ones reads what the loop read.  The keys are
        # read from ``grams`` itself each time (a dict iterates its keys in C) rather than
        # copied into a list first.
        counts = self.counts
        values = list(grams.values())
        olds = list(map(counts.get, grams, repeat(0)))
        news = list(map(add, olds, values))
        increases = map(mul, values, map(add, olds, news))
        weights = map(self.idf_squared.get, grams, repeat(1.0))
        self.sum_squares = _add_in_turn(map(mul, increases, weights), self.sum_squares)
        dict.update(counts, zip(grams, news, strict=True))

    def cosine(self, other: Counter[str]) -> float:
        self._flush()
        if not other or not self.sum_squares:
            return 0.0
        # The same products ((v · count) · weight) summed by sum() in the same key order as
        # a generator over other.items() would, but without a Python frame per key.
        values = list(other.values())
        weights = list(map(self.idf_squared.get, other, repeat(1.0)))
        dot = sum(map(mul, map(mul, values, map(self.counts.get, other, repeat(0))), weights))
        other_norm = math.sqrt(sum(map(mul, map(mul, values, values), weights)))
        return dot / (math.sqrt(self.sum_squares) * other_norm) if other_norm else 0.0


@dataclass
class ArticleSoFar:
    """What the parser knows about the article being read when a heading-like line comes."""

    paragraphs: int = 0
    chars: int = 0
    headings: int = 0
    heading_chars: int = 0
    enumerated_headings: int = 0
    concluded: bool = False
    bag: WeightedBag = field(default_factory=lambda: WeightedBag({}))

    def add_heading(self, line: str) -> None:
        """Count a heading as it comes: :func:`title_score` reads only how many there are,
        their total length and how many are enumerated, and used to recount them from the
        list at every heading-like line (quadratic in an article's headings)."""
        self.headings += 1
        self.heading_chars += len(line)
        self.enumerated_headings += bool(ENUMERATOR.match(line))


def _restarts_enumeration(line: str | None) -> bool:
    return bool(line and _FIRST_ENUMERATOR.match(line))


def title_score(
    line: str,
    context: ArticleSoFar,
    *,
    similarity: Callable[[], float | None] | float | None,
    next_candidate: str | None = None,
    threshold: float | None = None,
    market_tag_leads: bool = True,
    meta_after: bool = False,
    byline_after: bool = False,
    end_before: bool = False,
    read_more_before: bool = False,
) -> float:
    """Evidence that ``line`` opens a new article rather than a section (> 0: title-like).

    ``similarity`` may be a callable: it is then only called when its contribution could
    still move the score across ``threshold`` (it is the one costly feature).
    ``market_tag_leads``: a market-tagged line heads sub-headings of its own; a run of
    market-tagged lines with only paragraphs between them is one round-up's sections.
    """
    market_tag = bool(_MARKET_TAG.match(line))
    if market_tag and market_tag_leads:
        return 10.0 if context.paragraphs else 6.0
    score = 0.0
    enumerated = bool(ENUMERATOR.match(line))
    if enumerated or market_tag or is_heading_style(line):
        score -= 3.0
    if byline_after:
        score += 8.0
    elif meta_after:
        score += 3.0
    if read_more_before:
        score += 4.0
    elif end_before:
        score += 1.5
    if _CONCLUSION_HEADING.match(line):
        score -= 4.0
    if _REGION_LABEL.match(line):
        score -= 1.5
    if len(line) >= 24:
        score += 0.5
    if _COMMA.search(line, 0, len(line) - 1):
        score += 1.0
    if context.concluded:
        score += 3.0
    numbered = 0 if enumerated else context.enumerated_headings
    if context.headings >= 2:
        # Headings of one article share a style; a title stands out from them.
        mean = context.heading_chars / context.headings
        ratio = len(line) / mean
        if ratio >= 1.6:
            score += 1.5
        elif ratio >= 1.25:
            score += 0.75
        elif ratio <= 0.8:
            score -= 0.5
        if not enumerated and numbered == context.headings:
            score += 1.5
    if not enumerated and numbered >= 2 and _restarts_enumeration(next_candidate):
        score += 1.0
    if context.paragraphs < 2 or context.chars < 300:
        score -= 3.0
    if not context.headings:
        score -= 2.0
    elif context.headings == 1:
        score -= 1.0
    # Low overlap between what follows and the article so far means a new subject;
    # trust it less while the article so far is short.
    confidence = min(1.0, context.chars / 1200)
    if callable(similarity):
        undecided = threshold is None or (
            score - 2.0 * confidence < threshold <= score + 2.5 * confidence
        )
        similarity = similarity() if undecided else None
    if similarity is not None:
        score += confidence * max(-2.0, min(2.5, (0.18 - similarity) * 20))
    return score


@dataclass
class _Span:
    """One article's blocks: ``blocks[title]`` is its title, the rest up to ``end`` its body."""

    title: int
    end: int
    score: float = 0.0


def segment_articles(text: str) -> list[tuple[str, list[Section]]]:
    """Split a page dump into (title, sections) pairs."""
    return [(title, sections) for title, sections, _ in segment_dated_articles(text)]


def segment_dated_articles(text: str) -> list[tuple[str, list[Section], datetime | None]]:
    """Split a page dump into (title, sections, publication date) triples."""
    blocks = split_blocks(text)
    if not blocks:
        return []
    if not any(b.candidate for b in blocks):
        # No heading-like line at all: one article titled by its first sentence.
        first = blocks[0].text
        cut = re.split(r"(?<=[。!?！？])", first, maxsplit=1)[0]
        date = blocks[0].date_before if blocks[0].date_before_adjacent else None
        return [(cut[:80], [Section("", tuple(b.text for b in blocks))], date)]
    spans = _confirm_titles(blocks, _propose_titles(blocks))
    articles = []
    for k, span in enumerate(spans):
        # Text above the first title (a page without a title line) opens the first article.
        start = 0 if k == 0 else span.title
        sections = _sections(blocks, start, span)
        if any(s.paragraphs for s in sections):
            articles.append((blocks[span.title].text, sections, _title_date(blocks, span.title)))
    if len(articles) > 1:
        # On a page of several articles a date above the first title, parted from it by
        # page chrome, is the page's header date, not its first entry's.
        title, sections, _ = articles[0]
        first = blocks[spans[0].title]
        articles[0] = (title, sections, first.date_after or _adjacent_date(first))
    return articles


def _title_date(blocks: list[Block], title: int) -> datetime | None:
    """A title's publication date: the byline or date line under it, else a date line
    above it (the listing style that puts the date over the headline)."""
    block = blocks[title]
    return block.date_after or block.date_before


def _adjacent_date(block: Block) -> datetime | None:
    return block.date_before if block.date_before_adjacent else None


def _sections(blocks: list[Block], start: int, span: _Span) -> list[Section]:
    sections: list[Section] = []
    heading = ""
    paragraphs: list[str] = []
    for i in range(start, span.end):
        if i == span.title:
            continue
        block = blocks[i]
        if block.candidate and i > span.title:
            if paragraphs or heading:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = heading_text(block.text), []
        else:
            paragraphs.append(block.text)
    if paragraphs or heading:
        sections.append(Section(heading, tuple(paragraphs)))
    return [s for s in sections if s.paragraphs or s.heading]


def _market_tag_leads(blocks: list[Block], candidates: list[int]) -> dict[int, bool]:
    """For each market-tagged candidate: do two or more other headings follow it before the
    next market-tagged line?  Only then can it be an article's title."""
    leads: dict[int, bool] = {}
    for pos, i in enumerate(candidates):
        if not _MARKET_TAG.match(blocks[i].text):
            continue
        following = 0
        for j in candidates[pos + 1 :]:
            if _MARKET_TAG.match(blocks[j].text):
                break
            following += 1
        leads[i] = following >= 2
    return leads


class _PageGrams:
    """The bigram counts of a page's blocks, their weights and the windows after headings,
    computed on first use: most pages (one article, whose heading-like lines the style
    cues settle) never compare two texts, and then never count a bigram."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self._lists: list[list[str]] = []
        self._counts: list[Counter[str]] = []
        self._idf_squared: dict[str, float] = {}
        self._windows: dict[int, Counter[str]] = {}

    def _count(self) -> None:
        if self._lists or not self.blocks:
            return
        self._lists = [_gram_list(b.text) for b in self.blocks]
        self._counts = list(map(Counter, self._lists))
        # Document frequencies: every block's distinct keys counted in one pass.
        doc_freq = Counter(chain.from_iterable(self._counts))
        n = len(self.blocks)
        # A key's weight depends on its document frequency only: one log per frequency.
        by_df = {df: (math.log((1 + n) / (1 + df)) + 1.0) ** 2 for df in set(doc_freq.values())}
        # Each frequency is replaced by its weight in place (no second table of the page's
        # ~14,000 keys): setting the value of a key already there neither resizes nor
        # reorders the dict, so its key and value views read on in step.
        dict.update(doc_freq, zip(doc_freq, map(by_df.__getitem__, doc_freq.values()), strict=True))
        self._idf_squared = cast(dict[str, float], doc_freq)

    def idf_squared(self) -> dict[str, float]:
        self._count()
        return self._idf_squared

    def counts(self, i: int) -> Counter[str]:
        self._count()
        return self._counts[i]

    def window_after(self, i: int) -> Counter[str]:
        """The bigrams of the text after block ``i``: its paragraphs up to 600 characters.

        Counting the chained gram lists gives the same counts, keys in the same order, as
        adding each paragraph's Counter in turn.  The first paragraph's Counter is already
        there: the window starts as its copy (one C-level dict copy) and counts only the
        paragraphs after it (a fifth of the bench's 268,000 window grams were counted twice).
        Heading-like lines in a row share it.
        """
        self._count()
        blocks, n = self.blocks, len(self.blocks)
        start = next((j for j in range(i + 1, n) if not blocks[j].candidate), n)
        if start not in self._windows:
            window: Counter[str] = Counter()
            if start < n:
                window.update(self._counts[start])  # an empty Counter copies it whole
                taken = len(blocks[start].text)
                rest = []
                for j in range(start + 1, n):
                    if taken >= 600:
                        break
                    if blocks[j].candidate:
                        continue
                    rest.append(self._lists[j])
                    taken += len(blocks[j].text)
                window.update(chain.from_iterable(rest))
            self._windows[start] = window
        return self._windows[start]


class _PageBag(WeightedBag):
    """A bag of a page's blocks, given by index: their counts are looked up only when a
    comparison needs them (see :class:`_PageGrams`)."""

    def __init__(self, page: _PageGrams) -> None:
        super().__init__({})
        self.page = page
        self.pending_blocks: list[int] = []

    def add_block(self, i: int) -> None:
        self.pending_blocks.append(i)

    def _flush(self) -> None:
        if self.pending_blocks:
            self.idf_squared = self.page.idf_squared()
            self.pending.extend(map(self.page.counts, self.pending_blocks))
            self.pending_blocks.clear()
        super()._flush()


def _propose_titles(blocks: list[Block]) -> list[_Span]:
    """First pass: read in order, scoring each heading-like line as a possible title."""
    n = len(blocks)
    page = _PageGrams(blocks)
    candidates = [i for i, b in enumerate(blocks) if b.candidate]
    next_candidate = {i: blocks[j].text for i, j in itertools.pairwise(candidates)}
    leads = _market_tag_leads(blocks, candidates)

    spans: list[_Span] = []
    bag = _PageBag(page)
    context = ArticleSoFar(bag=bag)
    for i, block in enumerate(blocks):
        if not block.candidate:
            bag.add_block(i)
            context.paragraphs += 1
            context.chars += len(block.text)
            if _CONCLUSION_OPENER.match(block.text):
                context.concluded = True
            continue
        if not spans:
            spans.append(_Span(i, n, math.inf))
            bag.add_block(i)
            continue

        def similarity(i: int = i, context: ArticleSoFar = context) -> float | None:
            if context.chars < 200:
                return None
            window = page.window_after(i)
            return context.bag.cosine(window) if window else None

        score = title_score(
            block.text,
            context,
            similarity=similarity,
            next_candidate=next_candidate.get(i),
            threshold=TITLE_THRESHOLD,
            market_tag_leads=leads.get(i, True),
            meta_after=block.meta_after,
            byline_after=block.byline_after,
            end_before=block.end_before,
            read_more_before=block.read_more_before,
        )
        if score >= TITLE_THRESHOLD:
            spans[-1].end = i
            spans.append(_Span(i, n, score))
            bag = _PageBag(page)
            context = ArticleSoFar(bag=bag)
            bag.add_block(i)
        else:
            bag.add_block(i)
            context.add_heading(block.text)
            context.concluded = bool(_CONCLUSION_HEADING.match(block.text))
    return spans


@dataclass
class _Shape:
    """What a span holds: headings, text, and how its last section reads."""

    headings: list[str]
    chars: int
    concluded: bool

    @classmethod
    def of(cls, blocks: list[Block], title: int, end: int) -> _Shape:
        headings: list[str] = []
        chars = 0
        concluded = False
        for block in blocks[title + 1 : end]:
            if block.candidate:
                headings.append(block.text)
                concluded = bool(_FINAL_HEADING.match(block.text))
            else:
                chars += len(block.text)
                concluded = concluded or bool(_CONCLUSION_OPENER.match(block.text))
        return cls(headings, chars, concluded)


def _normal(heading: str) -> str:
    return _NOT_WORD.sub("", heading).lower()


def _strong_evidence(blocks: list[Block], title: int, before: _Shape, after: _Shape) -> bool:
    """Evidence that on its own says "a new article starts at ``title``"."""
    line = blocks[title].text
    if blocks[title].byline_after or before.concluded:
        return True
    if blocks[title].end_before:
        return True
    if _MARKET_TAG.match(line) and not is_heading_style(line):
        return True  # only proposed when it heads sub-headings of its own
    if {_normal(h) for h in before.headings} & {_normal(h) for h in after.headings}:
        return True  # one article never repeats a heading
    enumerated = [h for h in before.headings if ENUMERATOR.match(h)]
    return (
        not ENUMERATOR.match(line)
        and len(enumerated) >= 2
        and 3 * len(enumerated) >= 2 * len(before.headings)
        and bool(after.headings)
        and _restarts_enumeration(after.headings[0])
    )


def _whole_article(block: Block, shape: _Shape) -> bool:
    """A split must leave a whole article: sections of its own, or a byline and some text
    (a listing page's excerpt closed by "read more" may be short too)."""
    if block.byline_after or block.read_more_before:
        return shape.chars >= BYLINED_MIN_CHARS
    return len(shape.headings) >= 2 and shape.chars >= 300


def _confirm_titles(blocks: list[Block], spans: list[_Span]) -> list[_Span]:
    """Second pass: one article is the prior; keep a proposed split only on clear evidence.

    A split is kept when the new article is whole and either its own evidence is strong or
    the page has shown strong evidence at another split (a page of several articles, where
    the lexical shift and the title's style are enough).
    """
    if len(spans) < 2:
        return spans
    verdicts: list[tuple[bool, bool]] = []  # (whole, strong) for spans[1:]
    # Proposed spans follow one another (each ends where the next begins), so the shape
    # before a title is the previous span's own: each span's shape is read once, not twice.
    shapes = [_Shape.of(blocks, span.title, span.end) for span in spans]
    for prev, span, shape, after in zip(spans, spans[1:], shapes, shapes[1:], strict=False):
        before = shape if prev.end == span.title else _Shape.of(blocks, prev.title, span.title)
        least = BYLINED_MIN_CHARS if blocks[prev.title].byline_after else 150
        whole = _whole_article(blocks[span.title], after) and before.chars >= least
        verdicts.append((whole, _strong_evidence(blocks, span.title, before, after)))
    several = any(whole and strong for whole, strong in verdicts)
    kept = [spans[0]]
    for span, (whole, strong) in zip(spans[1:], verdicts, strict=True):
        if whole and (strong or several):
            kept[-1].end = span.title
            kept.append(span)
        else:
            kept[-1].end = span.end
    return kept


def parse_page_dump(text: str, source: str) -> list[Article]:
    return [
        Article(
            title=title,
            sections=tuple(sections),
            source=source,
            source_kind="text",
            published=published,
        )
        for title, sections, published in segment_dated_articles(text)
    ]
