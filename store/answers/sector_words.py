"""Finding a sector query's words in the stored text, whatever the segmentation.

The search index holds jieba tokens, so a word may be split (驅動IC → 驱动 + IC) or sit
inside a longer token (保全 in 保全業); these helpers build the FTS alternatives and count
the words in the candidate sections' own text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlite_utils import Database

from digests import regexcache
from digests.answers import (
    fts_query,
    query_terms,
    term_pattern,
    text_evidence,
)

TITLE_WINDOW = 40
"""Newest rows holding the words in a title or heading, weighed even when older."""
PARTS_FALLBACK = 3
"""Fewer articles than this hold a compound word as written: its parts are looked for too."""
PART_SHARE = 0.75
"""Parts of a compound in one sentence (半導體…設備) count this share of the word itself:
nearly the word, written out, but a sentence may join them by chance."""
LOOSE_SHARE = 0.2
"""Parts merely in the same section (or title) count this share of one body mention."""
_SENTENCE_END = regexcache.compile(r"[。！？；!?;\n]")


@dataclass
class Word:
    """A reader's word, its compound parts, and the patterns that find them (built once)."""

    term: str
    parts: tuple[str, ...]
    pattern: re.Pattern[str] = field(init=False)
    part_patterns: list[re.Pattern[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.pattern = variant_pattern(self.term)
        self.part_patterns = [variant_pattern(p) for p in self.parts]


@dataclass
class Counts:
    """One word in one article: as written, and its parts together, by place."""

    literal: list[int] = field(default_factory=lambda: [0, 0, 0])  # title, headings, body
    together: list[int] = field(default_factory=lambda: [0, 0, 0])
    loose: bool = False
    sections: dict[int, float] = field(default_factory=dict)

    @property
    def literal_total(self) -> int:
        return sum(self.literal)

    def weight(self) -> float:
        """As written, plus the parts together in other sentences; else parts apart."""
        if self.literal_total or sum(self.together):
            return text_evidence(*self.literal) + PART_SHARE * text_evidence(*self.together)
        return LOOSE_SHARE * text_evidence(0, 0, 1) if self.loose else 0.0

    def add(self, other: Counts) -> None:
        for mine, theirs in ((self.literal, other.literal), (self.together, other.together)):
            mine[1] += theirs[1]
            mine[2] += theirs[2]
        self.literal[0] = max(self.literal[0], other.literal[0])
        self.together[0] = max(self.together[0], other.together[0])
        self.loose = self.loose or other.loose
        for section_id, weight in other.sections.items():
            self.sections[section_id] = self.sections.get(section_id, 0.0) + weight


def count_words(rows: dict[int, dict], words: list[Word]) -> dict[int, list[Counts]]:
    """Per article and word: occurrences as written, and of its parts in one sentence."""
    found: dict[int, list[Counts]] = {}
    titles_done: set[int] = set()
    for r in rows.values():
        article_id = r["article_id"]
        per_word = found.setdefault(article_id, [Counts() for _ in words])
        first = article_id not in titles_done
        titles_done.add(article_id)
        for word, counts in zip(words, per_word, strict=True):
            places = (r["title"] if first else "", r["heading"], r["body"])
            lit = [len(word.pattern.findall(text)) if text else 0 for text in places]
            together = [0, 0, 0]
            present: set[int] = set()
            if word.parts:
                pats = word.part_patterns
                for i, text in enumerate((r["title"], r["heading"], r["body"])):
                    if not text:
                        continue
                    here = {k for k, p in enumerate(pats) if p.search(text)}
                    present |= here
                    if (i == 0 and not first) or len(here) < len(pats):
                        continue
                    together[i] = sum(
                        all(p.search(sentence) for p in pats)
                        and not word.pattern.search(sentence)  # counted as written
                        for sentence in _SENTENCE_END.split(text)
                    )
            counts.add(Counts(lit, together, len(present) == len(word.parts) > 0))
            weight = text_evidence(0, lit[1], lit[2]) or PART_SHARE * text_evidence(
                0, together[1], together[2]
            )
            section_id = r["section_id"]
            if weight and section_id is not None:
                counts.sections[section_id] = counts.sections.get(section_id, 0.0) + weight
    return found


def candidate_rows(db: Database, match: str, window: int) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    find_candidates(db, match, window, rows)
    return rows


def find_candidates(db: Database, match: str, window: int, rows: dict[int, dict]) -> bool:
    """Index rows holding ``match``: in a title or heading (older too), then anywhere.

    Returns whether a window was filled (more rows exist than were read).
    """
    full = False
    for expression, limit in ((f"{{title heading}} : ({match})", TITLE_WINDOW), (match, window)):
        found_rows = list(
            db.query(
                "SELECT rowid, article_id, section_id, title, heading, body "
                "FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
                [expression, limit],
            )
        )
        full = full or len(found_rows) == limit
        for r in found_rows:
            rows.setdefault(r["rowid"], r)
    return full


def fts_word(word: Word, prefix: bool) -> str:
    """FTS5 ways a word or, for a compound, its parts together may sit in the index.

    With ``prefix`` a part may also start a longer token (散熱 in 散熱模組).
    """
    whole = fts_alternatives(word.term)
    if not word.parts:
        return whole

    def part(p: str) -> str:
        options = fts_alternatives(p)
        return f"{options} OR ({fts_alternatives(p, prefix=True)})" if prefix else options

    together = " AND ".join(f"({part(p)})" for p in word.parts)
    return f"({whole}) OR ({together})"


_VARIANTS = {"矽": "硅", "硅": "矽"}
"""Characters written both ways in Simplified text (OpenCC keeps Taiwan's 矽)."""


def variant_pattern(term: str) -> re.Pattern[str]:
    """``term_pattern`` that also accepts the other spelling of 矽/硅."""
    pattern = term_pattern(term)
    if not any(c in term for c in _VARIANTS):
        return pattern
    source = re.sub("[矽硅]", "[矽硅]", pattern.pattern)
    return re.compile(source, pattern.flags)


def _spellings(word: str) -> list[str]:
    if not any(c in word for c in _VARIANTS):
        return [word]
    return list(dict.fromkeys([word, *("".join(_VARIANTS.get(c, c) for c in word),)]))


def fts_alternatives(term: str, prefix: bool = False) -> str:
    """FTS5 ways a normalised word may sit in the index.

    Its jieba tokens; its runs of one script (驅動IC is often 驱动 + IC in text); one
    token; or, with ``prefix``, the start of a longer token.  Counting afterwards keeps
    only the real occurrences.  Both spellings of 矽/硅 are tried.
    """
    options: list[str] = []
    for spelling in _spellings(term):
        whole = "".join(spelling.split())
        if prefix:
            options.append(fts_query([whole]) + "*")
            continue
        options += [
            fts_query(tokens) for tokens in (query_terms(spelling), _script_runs(whole), [whole])
        ]
    return " OR ".join(f"({o})" for o in dict.fromkeys(options))


def _script_runs(word: str) -> list[str]:
    return re.findall(r"[a-z0-9]+|[^a-z0-9]+", word)
