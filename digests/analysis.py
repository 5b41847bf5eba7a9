"""One pass of analysis over an article: simplify once, segment once, split sentences.

Everything downstream (digests, summary, keywords, figures, the search index)
reads from this structure, so the expensive steps run exactly once per article and
the work beyond them stays a small fraction of the OpenCC + jieba floor.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import _count_elements  # type: ignore[attr-defined]
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from operator import attrgetter, methodcaller, mul
from typing import Any

from digests import regexcache
from digests.currency import amount_units_in
from digests.figures import NUMBER_HINT_RE, Figure, find_figures
from digests.models import Article
from digests.salience import is_meta
from digests.textproc import (
    content_terms,
    split_sentences,
    to_simplified,
    word_idf,
    word_idfs,
    word_spans,
)

Terms = dict[str, int]

_DIGIT_RE = NUMBER_HINT_RE
"""What every match of :data:`digests.figures.FIGURE_RE` holds (a digit, or a Chinese
numeral before its unit: its number part is required).  A sentence without one has no
figures, so :func:`find_figures` is not asked."""


@dataclass(slots=True)
class Sentence:
    """One sentence of a section (about 90 per article): slots, as nothing adds attributes."""

    text: str
    """Original script, as readers see it."""
    section: int
    index: int
    """Position of the sentence inside its section."""
    terms: Terms
    figures: list[Figure]
    tokens: list[str] = field(default_factory=list, repr=False)
    """Simplified jieba tokens, for the search index."""


@dataclass
class SectionAnalysis:
    heading: str
    text: str
    heading_terms: Terms = field(default_factory=dict)
    heading_tokens: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    """Simplified tokens of the section text (for the search index)."""

    _counted: list[str] = field(default_factory=list, repr=False, compare=False)
    """Every sentence's terms, one after the other (filled by :func:`analyze`)."""

    @cached_property
    def terms(self) -> Terms:
        """Heading and sentence term counts, in order of first appearance.

        :func:`analyze` keeps the sentences' terms in one list, so this is one count in C
        instead of a merge per sentence: the same counts in the same order, since joining
        sentences (:func:`_join_lead_ins`) adds their counts up.
        """
        total = dict(self.heading_terms)
        if self._counted:
            _count_elements(total, self._counted)
        else:
            for sent in self.sentences:
                _merge(total, sent.terms)
        return total


@dataclass
class ArticleAnalysis:
    article: Article
    title_terms: Terms
    title_tokens: list[str]
    sections: list[SectionAnalysis]
    original: str
    first_seen: Mapping[str, tuple[int, int]]
    """Term -> span of its first occurrence, to show keywords in the original script
    (a :class:`FirstSeen`, worked out per term asked)."""

    def all_sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for s in sec.sentences]

    def surface(self, term: str) -> str:
        span = self.first_seen.get(term)
        return self.original[span[0] : span[1]] if span else term


def idf(term: str) -> float:
    return word_idf(term)


def tf_idf(counts: Terms) -> dict[str, float]:
    """``(1 + log count) * idf`` of each term, in the order of ``counts``.

    Counts are small integers, so ``1 + log count`` is read from :data:`_TF` (the same
    expression, evaluated once at import: the same floats) and the dict is built by
    ``map`` in C rather than a comprehension; a count outside the table (none in an
    article so far, or not an int) takes the formula itself.
    """
    idfs = word_idfs(counts)
    try:
        tfs = list(map(_TF.__getitem__, counts.values()))
    except KeyError:
        log = math.log
        tfs = [1.0 + log(c) for c in counts.values()]
    return dict(zip(counts, map(mul, tfs, idfs), strict=True))


_TF: dict[int, float] = {c: 1.0 + math.log(c) for c in range(1, 512)}


def _merge(total: Terms, more: Terms) -> None:
    for term, count in more.items():
        total[term] = total.get(term, 0) + count


def _chunks(article: Article) -> list[tuple[str, int, str]]:
    """The title, then per section its heading and its paragraphs."""
    chunks: list[tuple[str, int, str]] = [("title", -1, article.title)]
    for si, section in enumerate(article.sections):
        chunks.append(("heading", si, section.heading))
        chunks.extend(("para", si, para) for para in section.paragraphs)
    return chunks


def _join(chunks: list[tuple[str, int, str]]) -> str:
    return "\n".join(text for _, _, text in chunks)


def original_text(article: Article) -> str:
    """The text :func:`analyze` reads (``ArticleAnalysis.original``), without segmenting it:
    what alias learning needs, so a parent process can learn an article's aliases before
    handing the article to a worker (:mod:`digests.parallel`)."""
    return _join(_chunks(article))


def analyze(article: Article) -> ArticleAnalysis:
    """Simplify and segment the whole article in one go and slice it back up.

    Every token (about 2,600 per article) is met in C: :func:`content_terms` reads its
    memo by ``map``, a keyword's first occurrence comes from a dict built when first
    asked (:class:`FirstSeen`); the rest works per sentence (about 90), with slices and
    counts in C.  Currency units are found in the text (:func:`amount_units_in`),
    figures are sought only where a paragraph and then its sentence hold a number's hint.
    """
    chunks = _chunks(article)
    original = _join(chunks)
    simplified = to_simplified(original)
    words, starts = word_spans(simplified)
    terms = content_terms(words)
    for i in amount_units_in(simplified, words, starts):
        terms[i] = None  # 新台幣 in "營收達新台幣120億元" is a unit, not currency news
    first_seen = FirstSeen(terms, starts)

    sections = [SectionAnalysis(s.heading, s.text) for s in article.sections]
    # Offsets of each sentence in ``original``, per section in step with its sentences,
    # to join a lead-in with what follows.
    spans: list[list[tuple[int, int]]] = [[] for _ in sections]
    title_terms: Terms = {}
    title_tokens: list[str] = []
    offset = 0
    digit = _DIGIT_RE.search
    for kind, si, text in chunks:
        lo = bisect_left(starts, offset)
        hi = bisect_left(starts, offset + len(text))
        if kind == "title":
            title_tokens = words[lo:hi]
            title_terms = _count(terms[lo:hi])
        elif kind == "heading":
            sections[si].heading_tokens = words[lo:hi]
            sections[si].heading_terms = _count(terms[lo:hi])
        else:
            section = sections[si]
            section.tokens += words[lo:hi]
            counted = section._counted
            made = section.sentences
            where = spans[si]
            # a sentence's hint is its paragraph's too: none in the paragraph, none to seek
            hinted = digit(text) is not None
            for s_start, s_end in split_sentences(text):
                begin = offset + s_start
                a = bisect_left(starts, begin, lo, hi)
                b = bisect_left(starts, offset + s_end, lo, hi)
                if a > lo and starts[a - 1] + len(words[a - 1]) > begin:
                    a -= 1  # a token straddling the boundary belongs to both
                sentence = text[s_start:s_end]
                sentence_terms = list(filter(None, terms[a:b]))
                counted += sentence_terms
                sentence_counts: Terms = {}
                _count_elements(sentence_counts, sentence_terms)
                made.append(
                    Sentence(
                        sentence,
                        si,
                        len(made),
                        sentence_counts,
                        # no hint, no figure: every figure holds one (its number)
                        find_figures(sentence) if hinted and digit(sentence) else [],
                        words[a:b],
                    )
                )
                where.append((begin, offset + s_end))
        offset += len(text) + 1  # the joining newline
    for section, where in zip(sections, spans, strict=True):
        section.sentences = _join_lead_ins(section.sentences, where, original)
    return ArticleAnalysis(article, title_terms, title_tokens, sections, original, first_seen)


class FirstSeen(Mapping[str, tuple[int, int]]):
    """Each term's span at its first occurrence, in order of first occurrence.

    :func:`digests.summarize.keywords` asks it for about 80 terms an article (eight per
    digest); nothing else reads it.  The first place of each term comes from one dict
    built in C, from the last token back (a term's first occurrence is written last),
    when a term is first asked for: 10 ms per 100 articles against 17.5 ms for the loop
    that filled a dict of spans.  The span's end is its start plus the term's length,
    as a term is its token or its token lower-cased in ASCII (:func:`content_term`): the
    same length.  Iterating gives the terms by their first place (each term has one).
    """

    __slots__ = ("_places", "_starts", "_terms")

    def __init__(self, terms: list[str | None], starts: list[int]) -> None:
        self._terms = terms
        self._starts = starts
        self._places: dict[str | None, int] | None = None

    def _first_places(self) -> dict[str | None, int]:
        places = self._places
        if places is None:
            places = self._places = dict(
                zip(reversed(self._terms), reversed(self._starts), strict=True)
            )
        return places

    def get(self, term: str, default: Any = None) -> Any:
        """The span of ``term``'s first occurrence, ``default`` if it has none (asked
        directly rather than through ``Mapping.get``'s call of ``__getitem__``)."""
        pos = self._first_places().get(term) if term is not None else None  # None: dropped
        return default if pos is None else (pos, pos + len(term))

    def __getitem__(self, term: str) -> tuple[int, int]:
        span = self.get(term)
        if span is None:
            raise KeyError(term)
        return span

    def __iter__(self) -> Iterator[str]:
        places = self._first_places()
        return iter(sorted((t for t in places if t is not None), key=places.__getitem__))

    def __len__(self) -> int:
        places = self._first_places()
        return len(places) - (None in places)


_LEAD_IN_END = ("：", ":")
_ANNOUNCE_RE = regexcache.compile(
    r"(?:[一二兩两三四五六七八九十幾几數数多\d]+\s*(?:項|项|個|个|點|点|大|方面|重點|重点|面向|層面|层面|"
    r"部分|要點|要点|原因|理由|風險|风险|觀察|观察|看法|動能|动能|焦點|焦点|步驟|步骤)|如下|以下幾|以下几)"
    r"[^。！？]{0,12}[。.]$"
)
_FIRST_ITEM_RE = regexcache.compile(
    r"^\s*(?:1\s*[.、)）](?!\d)|[（(][1一][)）]|一[、.]|①|⑴|❶|首先|第一[，,、]|其一[，,、])"
)


def announces_list(text: str, following: str) -> bool:
    """A short sentence announcing a list (公司提出三項成長動能。) right before its first item.

    Like a lead-in ending in ：, it says nothing alone and its items are fragments without
    it, so the two are one unit; the later items then lean on that unit.
    """
    return (
        len(text) <= ANNOUNCE_MAX
        and bool(_ANNOUNCE_RE.search(text))
        and bool(_FIRST_ITEM_RE.match(following))
        # 以下分三點說明… is talk about the talk: never shown, so never a unit's opening
        and not is_meta(text)
    )


ANNOUNCE_MAX = 30


def _join_lead_ins(
    sentences: list[Sentence], spans: list[tuple[int, int]], original: str
) -> list[Sentence]:
    """Make a sentence ending in ： one unit with the sentence it introduces.

    "篩選結果如下：" alone says nothing and the first item under it loses its frame.
    Only the next sentence is joined (the first list item, or the sentence that
    follows): absorbing a whole list would make one unit that fills a digest with
    parallel details and crowds out the sentence that draws the conclusion.  The
    joined text is sliced from the original, line break included, so it stays
    verbatim section text.  A lead-in with nothing after it stays a fragment and
    is never selected.  ``spans`` are the sentences' offsets in ``original``.

    :func:`announces_list` is asked only of a sentence whose next sentence opens like a
    first list item (its ``_FIRST_ITEM_RE.match``, one of its conditions, run over all
    sentences by ``map`` in C): the other sentences' answer is False all the same.
    """
    n = len(sentences)
    texts = list(map(_text, sentences))
    leads = list(map(_ends_lead_in, texts))
    announces = [False] * n
    for i in compress(range(n - 1), map(_FIRST_ITEM_RE.match, texts[1:])):
        announces[i] = announces_list(texts[i], texts[i + 1])
    if not any(leads) and not any(announces):
        return sentences
    out: list[Sentence] = []
    i = 0
    while i < n:
        j = i + 1
        while (leads[j - 1] or announces[j - 1]) and j < n:
            j += 1  # what it introduces (a nested lead-in takes its own)
        out.append(_merge_sentences(sentences, i, j, spans, original, len(out)))
        i = j
    return out


_text = attrgetter("text")
_ends_lead_in = methodcaller("endswith", _LEAD_IN_END)


def _merge_sentences(
    sentences: list[Sentence],
    i: int,
    j: int,
    spans: list[tuple[int, int]],
    original: str,
    index: int,
) -> Sentence:
    """Sentences ``i`` to ``j`` (excluded) as one."""
    first = sentences[i]
    if j == i + 1:
        first.index = index
        return first
    parts = sentences[i:j]
    text = original[spans[i][0] : spans[j - 1][1]]
    terms: Terms = {}
    for part in parts:
        _merge(terms, part.terms)
    return Sentence(
        text,
        first.section,
        index,
        terms,
        find_figures(text) if _DIGIT_RE.search(text) else [],
        [t for part in parts for t in part.tokens],
    )


def _count(terms: list[str | None]) -> Terms:
    """Occurrences of each term (None skipped), in order of first appearance.

    The same dict as ``dict(Counter(filter(None, terms)))``, counted by the helper
    ``Counter`` itself counts with (in C), without building a Counter and copying it.
    """
    counts: Terms = {}
    _count_elements(counts, filter(None, terms))
    return counts
