"""What a reader typed for ``/sector``: a topic, an exchange industry, and words to find.

Readers name sectors their own way (半導體, IC設計, 航空股, 電信, 新股申購, 矽光子).
Resolution, each step only when the earlier ones found nothing: a topic by exact name
or alias; an exchange industry by name or reader's word (``digests.industries``); both
again with a sector suffix dropped (航空股 -> 航空, 半導體業 -> 半導體); a topic whose
label contains the query, when exactly one does.  A topic and an industry may both
match (電信 is a topic and 通信網路業).  The literal words are always kept, so articles
that discuss them answer too, whatever the taxonomy knows.

Two refinements came from readers' sub-sector words (issue 10):

* A word *narrower* than what it resolved to (IC設計 or 矽晶圓 are aliases of 半導體,
  自行車 a reader's word for 運動休閒) is flagged, so the articles that use the word
  rank before the rest of the broad topic: the reader asked for the sub-sector.
* A compound word (半導體設備, 電源供應器, 散熱模組) is often not written as one block:
  an article says 半導體前段製程設備.  Its *parts* (半導體 + 設備) are kept, so when
  the whole word is rare, articles using the parts together can still answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from digests import regexcache
from digests.industries import Industries
from digests.normalize import name_key
from digests.resolve import resolve_topic
from digests.taxonomy import Taxonomy, Topic
from digests.textproc import general_word_freq, segment

_SECTOR_SUFFIXES = (
    "概念股", "类股", "族群", "产业", "行业", "板块", "供应链", "股", "工业", "业者", "业",
    "厂商", "大厂", "厂",
    " stocks", " stock", " shares", " sector", " industry", " makers", " maker",
)  # fmt: skip
"""Simplified, lower-case endings a reader adds to a sector's name (航空股, 半導體業,
晶圓代工廠, 設備業者); at least two characters must remain (電廠 stays whole)."""


@dataclass(frozen=True)
class SectorQuery:
    query: str
    topic: Topic | None
    industry: str | None
    terms: tuple[str, ...]
    """Normalised words to find in articles (Simplified, lower case); all must appear."""
    suggestions: tuple[str, ...] = ()
    """Topic names a reader may have meant, when neither a topic nor an industry matched."""
    narrow: bool = False
    """The words name less than the topic or industry they resolved to (IC設計 in 半導體):
    articles using them come first."""
    parts: tuple[tuple[str, ...], ...] = ()
    """Per term, the words it is compounded of (半导体设备 -> 半导体, 设备), or ()."""


def strip_sector_suffix(key: str) -> str:
    """``航空股`` -> ``航空``; the key itself when no suffix, or too little would remain."""
    for suffix in _SECTOR_SUFFIXES:
        short = key.removesuffix(suffix).strip()
        if short != key and len(short) >= 2:
            return short
    return key


def literal_terms(key: str) -> tuple[str, ...]:
    """Space-separated words of a normalised query, single characters dropped (too vague)."""
    return tuple(dict.fromkeys(w for w in key.split() if len(w) >= 2))


_NOT_WORD = regexcache.compile(r"\W|_")


def compound_parts(term: str, known: frozenset[str] | set[str] = frozenset()) -> tuple[str, ...]:
    """The words a Chinese compound is made of, each of two characters or more, or ().

    Its jieba tokens when it segments into several (电源供应器 -> 电源, 供应器); else
    the split into two known words, the longer head first (半导体设备 -> 半导体, 设备).
    Single characters carry too little to search for (矽晶圆 has no parts), and Latin
    words are left whole (IC设计 is found as written).
    """
    word = "".join(term.split())
    if len(word) < 4 or word.isascii():
        return ()
    tokens = [t for t in segment(word) if not _NOT_WORD.fullmatch(t)]
    if len(tokens) >= 2:
        parts = tuple(dict.fromkeys(t for t in tokens if len(t) >= 2 and not t.isascii()))
        return parts if len(parts) >= 2 and "".join(tokens) == word else ()

    def is_word(w: str) -> bool:
        return w in known or general_word_freq(w) > 0 or segment(w) == [w]

    for cut in range(len(word) - 2, 1, -1):
        head, tail = word[:cut], word[cut:]
        if not head.isascii() and not tail.isascii() and is_word(head) and is_word(tail):
            return (head, tail)
    return ()


def _narrower(key: str, short: str, topic: Topic | None, industry: str | None) -> bool:
    """Whether the reader's word says less than the topic or industry it resolved to.

    A word inside the topic's or industry's own name (半導體, 航空 in 觀光與航空,
    紡織 in 紡織纖維) names the whole of it; any other alias (IC設計, 封測, 自行車)
    names a part, which the reader wants first.
    """
    if topic is None and industry is None:
        return False
    names = [name_key(industry)] if industry else []
    if topic is not None:
        names += [name_key(topic.name), name_key(topic.id)]
    return not any(form in name for name in names for form in (key, short))


def parse_sector_query(taxonomy: Taxonomy, industries: Industries, query: str) -> SectorQuery:
    key = name_key(query)
    if not key:
        return SectorQuery(query, None, None, ())
    short = strip_sector_suffix(key)
    forms = (key, short) if short != key else (key,)
    topic = next((t for f in forms if (t := taxonomy.lookup(f)) is not None), None)
    industry = next((i for f in forms if (i := industries.resolve(f)) is not None), None)
    suggestions: tuple[str, ...] = ()
    if topic is None and industry is None:
        found = resolve_topic(taxonomy, short)
        topic, suggestions = found.match, tuple(found.suggestions)
    narrow = _narrower(key, short, topic, industry)
    terms = literal_terms(short)
    vocabulary = taxonomy.vocabulary
    parts = tuple(compound_parts(t, vocabulary) for t in terms)
    return SectorQuery(
        query, topic, industry, terms, suggestions, narrow, parts if any(parts) else ()
    )
