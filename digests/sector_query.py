"""What a reader typed for ``/sector``: a topic, an exchange industry, and words to find.

Readers name sectors their own way (半導體, IC設計, 航空股, 電信, 新股申購, 矽光子).
Resolution, each step only when the earlier ones found nothing: a topic by exact name
or alias; an exchange industry by name or reader's word (``digests.industries``); both
again with a sector suffix dropped (航空股 -> 航空, 半導體業 -> 半導體); a topic whose
label contains the query, when exactly one does.  A topic and an industry may both
match (電信 is a topic and 通信網路業).  The literal words are always kept, so articles
that discuss them answer too, whatever the taxonomy knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from digests.industries import Industries
from digests.normalize import name_key
from digests.resolve import resolve_topic
from digests.taxonomy import Taxonomy, Topic

_SECTOR_SUFFIXES = (
    "概念股", "类股", "族群", "产业", "行业", "板块", "股", "业",
    " stocks", " stock", " shares", " sector", " industry",
)  # fmt: skip
"""Simplified, lower-case endings a reader adds to a sector's name (航空股, 半導體業)."""


@dataclass(frozen=True)
class SectorQuery:
    query: str
    topic: Topic | None
    industry: str | None
    terms: tuple[str, ...]
    """Normalised words to find in articles (Simplified, lower case); all must appear."""
    suggestions: tuple[str, ...] = ()
    """Topic names a reader may have meant, when neither a topic nor an industry matched."""


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
    return SectorQuery(query, topic, industry, literal_terms(short), suggestions)
