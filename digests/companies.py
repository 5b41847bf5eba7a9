"""Company directory, mention finding and alias learning.

The directory joins Taiwan-listed stocks from the ``twstock`` package's code tables
(stocks only: no warrants, ETFs or preferred shares), a curated table of
international and Chinese companies (``digests/data/companies.toml``) and aliases
learned from articles (``台積電(2330)``, ``萊納斯稀土公司(Lynas Rare Earths)``).

Mentions are matched on jieba tokens, never on raw substrings, so a short name
inside another word does not count.  Names that are also everyday words (統一,
全家, 大同, 南亞) only count next to their ticker or when the article also names the
company unambiguously.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from digests.normalize import name_key

AMBIGUOUS_WORD_FREQ = 30
"""A name jieba already knows this often as a general word is ambiguous."""

COMMON_WORD_FREQ = 2000
"""Curated names need corroboration only when they are this common as words."""

_TW_MARKETS = {"上市": "TWSE", "上櫃": "TPEx"}


@dataclass(frozen=True)
class Company:
    key: str
    """Stable identity: ``TWSE:2330``, ``NASDAQ:NVDA`` or ``name:<canonical>``."""
    name: str
    aliases: tuple[str, ...] = ()
    ticker: str | None = None
    market: str | None = None
    industry: str | None = None
    source: str = "curated"


@dataclass(frozen=True)
class LearnedAlias:
    alias: str
    company: Company
    """An existing company, or a new one (source 'learned') the article introduced."""


@dataclass
class CompanyDirectory:
    companies: dict[str, Company] = field(default_factory=dict)
    by_alias: dict[str, set[str]] = field(default_factory=dict)
    """Normalised alias -> company keys."""
    by_ticker: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    """Aliases that are everyday words: they need the company named plainly elsewhere."""
    weak: set[str] = field(default_factory=set)
    """Two-character exchange short names: they need a ticker or a peer company nearby."""
    phrases: dict[str, list[tuple[re.Pattern[str], str]]] = field(default_factory=dict)
    """First word of a multi-word Latin alias -> (pattern, company key)."""
    exact_case: dict[str, set[str]] = field(default_factory=dict)
    """Short all-caps aliases (AMD, SAP) that must appear in that exact case."""

    def add(self, company: Company) -> None:
        existing = self.companies.get(company.key)
        if existing is not None:
            # A curated entry names a listed stock the way readers know it; the
            # exchange's short name stays as an alias.
            primary, other = (
                (company, existing)
                if company.source == "curated" and existing.source != "curated"
                else (existing, company)
            )
            merged = tuple(
                a
                for a in dict.fromkeys((*primary.aliases, other.name, *other.aliases))
                if a != primary.name
            )
            company = Company(
                existing.key,
                primary.name,
                merged,
                primary.ticker or other.ticker,
                primary.market or other.market,
                existing.industry or company.industry,
                primary.source,
            )
        self.companies[company.key] = company
        for label in (company.name, *company.aliases):
            self._index_alias(label, company.key)
        if company.ticker:
            self.by_ticker.setdefault(name_key(company.ticker), company.key)

    def _index_alias(self, label: str, key: str) -> None:
        norm = name_key(label)
        if len(norm) < 2:
            return
        if " " in norm and norm.isascii():
            first = norm.split(" ", 1)[0]
            words = r"\s+".join(re.escape(w) for w in label.split())
            pattern = re.compile(rf"(?<![A-Za-z]){words}(?![A-Za-z])", re.IGNORECASE)
            self.phrases.setdefault(first, []).append((pattern, key))
            return
        self.by_alias.setdefault(norm, set()).add(key)
        if norm.isascii() and label.isupper() and len(label) <= 4:
            self.exact_case.setdefault(norm, set()).add(label)

    def mark_ambiguous(self, known_words: dict[str, int]) -> None:
        """Aliases that are also common words need corroboration to count.

        Exchange short names (統一, 全家, 南亞) are ambiguous once jieba knows them as
        words at all; curated names only when they are very common words (蘋果).
        """
        curated = {
            name_key(label)
            for c in self.companies.values()
            if c.source == "curated"
            for label in (c.name, *c.aliases)
        }
        self.ambiguous = {
            alias
            for alias in self.by_alias
            if not alias.isascii()
            and known_words.get(alias, 0)
            >= (COMMON_WORD_FREQ if alias in curated else AMBIGUOUS_WORD_FREQ)
        }
        self.weak = {
            alias
            for alias in self.by_alias
            if len(alias) <= 2 and not alias.isascii() and alias not in curated
        } - self.ambiguous

    @property
    def vocabulary(self) -> set[str]:
        """Chinese aliases, to teach the segmenter (ambiguous ones left as jieba has them)."""
        return {a for a in self.by_alias if not a.isascii() and a not in self.ambiguous}

    def get(self, key: str) -> Company | None:
        return self.companies.get(key)

    def by_code(self, ticker: str) -> Company | None:
        key = self.by_ticker.get(name_key(ticker))
        return self.companies.get(key) if key else None

    def lookup(self, query: str) -> Company | None:
        """Exact resolution: canonical name, alias, then ticker (any script or case)."""
        norm = name_key(query)
        keys = self.by_alias.get(norm)
        if keys:
            return self.companies[preferred(keys, self.companies)]
        for first, patterns in self.phrases.items():
            if norm.startswith(first):
                for pattern, key in patterns:
                    if pattern.fullmatch(query.strip()):
                        return self.companies[key]
        return self.by_code(norm)


def preferred(keys: set[str], companies: dict[str, Company]) -> str:
    """Among companies sharing an alias, curated beats listed beats learned."""
    order = {"curated": 0, "twstock": 1, "learned": 2}
    return min(keys, key=lambda k: (order.get(companies[k].source, 3), k))


# --- loading -------------------------------------------------------------------


def twstock_companies() -> list[Company]:
    """Taiwan-listed stocks from twstock's bundled code tables (no network)."""
    spec = importlib.util.find_spec("twstock")
    if spec is None or not spec.submodule_search_locations:
        return []
    codes = Path(next(iter(spec.submodule_search_locations))) / "codes"
    companies = []
    for table in ("twse_equities.csv", "tpex_equities.csv"):
        path = codes / table
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
            # Most rows are warrants; test the prefix before paying for CSV parsing.
            stock_lines = (line for line in fh if line.startswith("股票,"))
            for values in csv.reader(stock_lines):
                row = dict(zip(header, values, strict=False))
                market = _TW_MARKETS.get(row.get("market", ""), "TWSE")
                name = row["name"].strip()
                short = re.sub(r"[-\s]*(?:KY|DR)$", "", name)
                aliases = (short,) if short != name else ()
                companies.append(
                    Company(
                        key=f"{market}:{row['code']}",
                        name=name,
                        aliases=aliases,
                        ticker=row["code"],
                        market=market,
                        industry=row.get("group") or None,
                        source="twstock",
                    )
                )
    return companies


def parse_curated(text: str) -> list[Company]:
    companies = []
    for raw in tomllib.loads(text).get("company", []):
        ticker = raw.get("ticker") or None
        market = raw.get("market") or None
        key = f"{market}:{ticker}" if ticker and market else f"name:{raw['name']}"
        companies.append(
            Company(
                key=key,
                name=str(raw["name"]),
                aliases=tuple(str(a) for a in raw.get("aliases", [])),
                ticker=ticker,
                market=market,
                industry=raw.get("industry"),
                source="curated",
            )
        )
    return companies


@cache
def curated_companies() -> tuple[Company, ...]:
    path = resources.files("digests") / "data" / "companies.toml"
    return tuple(parse_curated(path.read_text(encoding="utf-8")))


def build_directory(
    extra: Iterable[Company] = (),
    known_words: dict[str, int] | None = None,
) -> CompanyDirectory:
    """Listed stocks, then curated entries (merged by ticker), then ``extra``."""
    directory = CompanyDirectory()
    for company in twstock_companies():
        directory.add(company)
    for company in curated_companies():
        directory.add(company)
    for company in extra:
        directory.add(company)
    if known_words is not None:
        directory.mark_ambiguous(known_words)
    return directory
