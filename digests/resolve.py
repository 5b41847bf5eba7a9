"""Resolve what a reader typed to a company or a topic, or suggest what they meant.

Order: exact (canonical name, alias, ticker, in any script or width or case), then
a unique prefix (台積 -> 台積電), then fuzzy matching for suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from digests.companies import Company, CompanyDirectory
from digests.normalize import name_key
from digests.taxonomy import Taxonomy, Topic

SUGGESTIONS = 5
MIN_SIMILARITY = 65
"""rapidfuzz WRatio below this is noise (日立 vs 立益物流 scores 60): better no suggestion."""
NEAR_BEST = 10
"""Only suggestions within this many points of the best one: a clear typo gets one answer."""
_SOURCE_ORDER = {"curated": 0, "twstock": 1, "foreign": 2, "learned": 3}


T = TypeVar("T")


@dataclass
class Resolution(Generic[T]):
    match: T | None
    suggestions: list[str] = field(default_factory=list)


def resolve_company(directory: CompanyDirectory, query: str) -> Resolution[Company]:
    if not query.strip():
        return Resolution(None)
    exact = directory.lookup(query)
    if exact is not None:
        return Resolution(exact)
    key = name_key(query)
    if len(key) >= 2:
        starts = {
            k for alias, keys in directory.by_alias.items() if alias.startswith(key) for k in keys
        }
        ranked = sorted(
            (directory.companies[k] for k in starts),
            key=lambda c: (_SOURCE_ORDER.get(c.source, 4), len(c.name), c.key),
        )
        if len(ranked) == 1 or (
            ranked
            and _SOURCE_ORDER.get(ranked[0].source) == 0
            and sum(c.source == "curated" for c in ranked) == 1
        ):
            return Resolution(ranked[0])
        if ranked:
            return Resolution(None, _unique_names(c.name for c in ranked))
    choices = {alias: next(iter(keys)) for alias, keys in directory.by_alias.items()}
    found = process.extract(key, list(choices), scorer=fuzz.WRatio, limit=SUGGESTIONS * 3)
    names = (directory.companies[choices[alias]].name for alias in _close(found))
    return Resolution(None, _unique_names(names))


def resolve_topic(taxonomy: Taxonomy, query: str) -> Resolution[Topic]:
    if not query.strip():
        return Resolution(None)
    exact = taxonomy.lookup(query)
    if exact is not None:
        return Resolution(exact)
    key = name_key(query)
    labels = taxonomy.labels()
    starts = {t.id: t for label, t in labels.items() if len(key) >= 2 and key in label}
    if len(starts) == 1:
        return Resolution(next(iter(starts.values())))
    if starts:
        return Resolution(None, _unique_names(t.name for t in starts.values()))
    found = process.extract(key, list(labels), scorer=fuzz.WRatio, limit=SUGGESTIONS * 3)
    return Resolution(None, _unique_names(labels[label].name for label in _close(found)))


def _close(found: list[tuple[str, float, object]]) -> list[str]:
    """The candidates similar enough to offer, best first (none when nothing is close)."""
    if not found:
        return []
    best = max(score for _, score, _ in found)
    floor = max(MIN_SIMILARITY, best - NEAR_BEST)
    return [choice for choice, score, _ in found if score >= floor]


def _unique_names(names: object) -> list[str]:
    return list(dict.fromkeys(names))[:SUGGESTIONS]  # type: ignore[call-overload]
