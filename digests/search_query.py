"""Search queries as readers type them, and the sentence that answers one.

A query is words (every word required), ``OR`` between alternatives and quoted
phrases whose words must stand together: ``矽光子 OR CPO``, ``"先進封裝" 台積電``.
Quotes may be ASCII, curly or the corner brackets Chinese text uses (「先進封裝」).

The index holds jieba tokens of the Simplified text, so every word is segmented the
same way before it becomes an FTS5 expression.  Snippets are whole sentences of the
matching section: a reader judges a hit by the sentence that uses the words, never by
the article's title repeated back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digests import regexcache
from digests.answers import marked_window, query_terms, term_pattern
from digests.normalize import clean_query
from digests.textproc import split_sentences, stopwords, to_simplified

SNIPPET_CHARS = 140
"""A longer sentence is cut to a window around its first match."""

_QUOTED = regexcache.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')
_OR = frozenset({"OR", "|", "｜"})
_OWN_BRACKETS = str.maketrans("【】", "〖〗")
_QUOTE_CHARS = regexcache.compile(r"[\"“”「」『』]")


@dataclass(frozen=True)
class Clause:
    """One alternative of a query: every part must occur in the same section."""

    parts: tuple[tuple[str, ...], ...]
    """Token sequences: one token is a word, several are a phrase (adjacent tokens)."""


@dataclass(frozen=True)
class SearchQuery:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def empty(self) -> bool:
        return not self.clauses

    @property
    def too_common(self) -> bool:
        """Nothing but function words (的, 是, the): every article uses them, so the
        answer would be the whole library in index order, not a search.  A reader gets a
        hint instead.  Content words, however short (鋼, 2330, AI), still search."""
        common = stopwords()
        tokens = [t for c in self.clauses for p in c.parts for t in p]
        return bool(tokens) and all(t.lower() in common for t in tokens)

    def fts(self) -> str:
        """The FTS5 MATCH expression: parts ANDed, clauses ORed."""
        groups = [" AND ".join(_fts_phrase(p) for p in c.parts) for c in self.clauses]
        if len(groups) == 1:
            return groups[0]
        return " OR ".join(f"({g})" for g in groups)

    def patterns(self) -> list[re.Pattern[str]]:
        """Every word and phrase as found in Simplified text (any spacing inside)."""
        seen = dict.fromkeys("".join(p) for c in self.clauses for p in c.parts)
        return [term_pattern(needle) for needle in seen if needle.strip()]


def _fts_phrase(tokens: Sequence[str]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


def too_common(text: str) -> bool:
    """A query as typed is only function words (see :attr:`SearchQuery.too_common`)."""
    return parse_query(clean_query(text)).too_common


def parse_query(text: str) -> SearchQuery:
    """Words, ``OR`` (also ``|``) between alternatives, quoted phrases.

    Unquoted text is segmented into words that must all occur; a quoted phrase keeps
    its words in order and together.  An unmatched quote mark is ignored.
    """
    pieces: list[tuple[str, bool]] = []  # (text, quoted)
    pos = 0
    for m in _QUOTED.finditer(text):
        pieces.append((text[pos : m.start()], False))
        pieces.append((next(g for g in m.groups() if g is not None), True))
        pos = m.end()
    pieces.append((text[pos:], False))
    clauses: list[Clause] = []
    current: list[tuple[str, ...]] = []

    def close() -> None:
        if current:
            clauses.append(Clause(tuple(dict.fromkeys(current))))
            current.clear()

    for piece, quoted in pieces:
        if quoted:
            tokens = tuple(query_terms(piece))
            if tokens:
                current.append(tokens)
            continue
        for word in _QUOTE_CHARS.sub(" ", piece).split():
            if word in _OR:
                close()
            else:
                current.extend((t,) for t in query_terms(word))
    close()
    return SearchQuery(text, tuple(dict.fromkeys(clauses)))


@dataclass(frozen=True)
class Snippet:
    text: str
    """The sentence, matches marked 【like this】 (cut around the first one if long)."""
    matched: int
    """How many of the query's words and phrases it uses."""


def best_sentence(
    text: str,
    digest: Sequence[str],
    patterns: Sequence[re.Pattern[str]],
    enough: int | None = None,
) -> Snippet | None:
    """The sentence of a section that uses most of the query's words.

    Ties go to a sentence of the section's digest (the section's point, already
    chosen to stand alone), then to the earlier one.  The digest is read first: when
    one of its sentences uses ``enough`` of the words (default all), the section's
    full text is not converted and split at all.  None when no sentence uses any.
    """
    if not patterns:
        return None
    enough = len(patterns) if enough is None else enough
    best: tuple[int, bool, int] | None = None
    chosen = chosen_plain = ""

    def consider(sentence: str, plain: str, in_digest: bool, position: int) -> None:
        nonlocal best, chosen, chosen_plain
        matched = sum(1 for p in patterns if p.search(plain)) if sentence else 0
        key = (matched, in_digest, -position)
        if matched and (best is None or key > best):
            best, chosen, chosen_plain = key, sentence, plain.strip()

    digest = [s.strip() for s in digest if s.strip()]
    for position, sentence in enumerate(digest):
        consider(sentence, to_simplified(sentence), True, position)
    if best is None or best[0] < enough:
        simplified = to_simplified(text)  # character-aligned: one conversion for all spans
        if any(p.search(simplified) for p in patterns):
            in_digest = set(digest)
            for position, (a, b) in enumerate(split_sentences(text)):
                sentence = text[a:b].strip()
                consider(sentence, simplified[a:b], sentence in in_digest, position)
    if best is None:
        return None
    return Snippet(mark(chosen, patterns, simplified=chosen_plain), best[0])


def mark(
    sentence: str,
    patterns: Sequence[re.Pattern[str]],
    width: int = SNIPPET_CHARS,
    simplified: str | None = None,
) -> str:
    """``sentence`` with every match marked 【like this】, cut to ``width`` around the first.

    Matching runs on the Simplified copy, which is character-aligned with the
    original, so a query in either script marks the original wording.
    """
    if simplified is None or len(simplified) != len(sentence):
        simplified = to_simplified(sentence)
    spans = sorted(
        m.span() for p in patterns for m in p.finditer(simplified) if m.end() > m.start()
    )
    lo, hi = 0, len(sentence)
    if spans and len(sentence) > width:
        lo = max(0, min(spans[0][0] - width // 4, len(sentence) - width))
        hi = min(len(sentence), lo + width)
    merged: list[tuple[int, int]] = []
    for start, end in spans:  # 資本 + 支出 read as one mark: 【資本支出】
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    # The text's own lenticular brackets (【獨家】) would read as marks, and renderers
    # turn marks into tags: they become the white ones, same width, same meaning.
    sentence = sentence.translate(_OWN_BRACKETS)
    return marked_window(sentence, merged, lo, hi).strip()
