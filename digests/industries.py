"""Taiwan's exchange industries (twstock ``group``) under the names readers use.

The exchange files every listed company under one industry (半導體業, 通信網路業,
金融保險業 ...), and ``Company.industry`` carries it.  Readers rarely type those
names: they say 電信, 金融, 醫材.  This turns what they type into an industry, so a
sector question can be answered from the companies an article is about even when no
topic covers the sector (``digests/data/industries.toml`` holds the readers' words).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from digests.companies import Company
from digests.normalize import name_key

_EXCHANGE_SUFFIXES = ("工业", "业")
"""Endings of the exchange's names (Simplified keys) that readers leave out: 鋼鐵工業 -> 鋼鐵."""

_CATCH_ALL = "其他業"
"""The exchange's filing convenience (no sector anyone asks about).  其他電子業 is a
real grouping (contract manufacturers such as 鴻海, casings, equipment makers) and
answers to its name and readers' words (電子代工)."""


@dataclass(frozen=True)
class Industries:
    members: Mapping[str, tuple[str, ...]]
    """Industry -> keys of the companies filed under it."""
    labels: Mapping[str, str]
    """Normalised name or reader's word -> industry."""

    def resolve(self, query: str) -> str | None:
        """The industry a reader means, exactly (any script, width or case), or None."""
        return self.labels.get(name_key(query))


def build_industries(
    companies: Iterable[Company], synonyms: Mapping[str, Sequence[str]] | None = None
) -> Industries:
    """Industries present among ``companies``, named by the exchange and by readers.

    The exchange's own names win over readers' words; a word for an industry no
    company carries is ignored, so an answer never promises an empty industry.
    """
    members: dict[str, list[str]] = {}
    for company in companies:
        if company.industry:
            members.setdefault(company.industry, []).append(company.key)
    labels: dict[str, str] = {}
    for industry in members:
        if industry == _CATCH_ALL:
            continue
        key = name_key(industry)
        labels.setdefault(key, industry)
        for suffix in _EXCHANGE_SUFFIXES:
            short = key.removesuffix(suffix)
            if short != key and len(short) >= 2:
                labels.setdefault(short, industry)
                break
    for industry, words in (load_synonyms() if synonyms is None else synonyms).items():
        if industry in members and industry != _CATCH_ALL:
            for word in words:
                labels.setdefault(name_key(word), industry)
    return Industries({k: tuple(v) for k, v in members.items()}, labels)


@cache
def load_synonyms() -> dict[str, tuple[str, ...]]:
    """Readers' words per industry, from ``digests/data/industries.toml``."""
    path = resources.files("digests") / "data" / "industries.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k): tuple(str(w) for w in v) for k, v in data.get("industries", {}).items()}
