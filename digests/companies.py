"""Company directory, mention finding and alias learning.

The directory (:class:`CompanyDirectory`) holds Taiwan-listed stocks, a curated table
of the companies Taiwanese writers name, index constituents abroad
(:mod:`digests.directory_sources` reads and joins them) and aliases learned from
articles (``台積電(2330)``, ``中華電信(2412-TW)``, ``萊納斯稀土公司(Lynas Rare Earths)``).

Exchange short names carry markers that writers drop (``國巨*``, ``譜瑞-KY``,
``嘉雨思-創``): the directory names a listed company without them and keeps the
other spellings as aliases.

Mentions are matched on jieba tokens, never on raw substrings, so a short name
inside another word does not count.  Names that are also everyday words (統一,
全家, 大同, 南亞) only count next to their ticker or when the article also names the
company unambiguously; so do short names whose edge forms a word with the text
beside them (新產 in 新產能) and Latin names that are the acronyms of terms (GIS).

Latin names are indexed with and without diacritics (Ørsted = Orsted); names with
inner punctuation (Shin-Etsu, II-VI) also match as phrases; curated names that are
English words (Coherent, Grab) are listed as ``exact`` and count only as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, islice
from typing import NamedTuple, TypeVar

from digests import regexcache
from digests.normalize import name_key

T = TypeVar("T")

AMBIGUOUS_WORD_FREQ = 30
"""A name jieba already knows this often as a general word is ambiguous."""

COMMON_WORD_FREQ = 2000
"""Curated names need corroboration only when they are this common as words."""


def is_etf(company: Company) -> bool:
    """A Taiwan-listed ETF: their codes, and only theirs, start with 00 (0050, 00878,
    00679B), so no extra field is needed.  ETFs have no exchange industry."""
    return company.market in ("TWSE", "TPEx") and (company.ticker or "").startswith("00")


MARKET_FAMILY = {
    "TWSE": "tw",
    "TPEx": "tw",
    "TW": "tw",
    "NASDAQ": "us",
    "NYSE": "us",
    "US": "us",
    "OTC": "us",
    "AMEX": "us",
    "TSE": "jp",
    "HKEX": "hk",
    "KRX": "kr",
    "SSE": "cn",
    "SZSE": "cn",
    "XETRA": "de",
    "Euronext": "eu",
    "LSE": "uk",
    "SIX": "ch",
    "ASX": "au",
    "BME": "es",
    "OMXH": "fi",
    "OMXS": "se",
    "MIL": "it",
    "CN": "cn",
    "OMXC": "dk",
    "SGX": "sg",
    "NSE": "in",
}
"""Market -> the country family a written suffix names (``-TW``, ``-US``, ``-JP``)."""

_BARE_TICKER_FAMILIES = frozenset({"tw", "us"})
"""Families whose tickers are cited without a suffix (``(2330)``, ``(NVDA)``)."""


@dataclass(frozen=True)
class Company:
    key: str
    """Stable identity: ``TWSE:2330``, ``NASDAQ:NVDA`` or ``name:<canonical>``."""
    name: str
    aliases: tuple[str, ...] = ()
    ticker: str | None = None
    market: str | None = None
    industry: str | None = None
    """Exchange industry (twstock ``group``, e.g. 半導體業) for Taiwan-listed stocks."""
    source: str = "curated"
    """curated | twstock | foreign (index constituents) | learned."""
    exact: tuple[str, ...] = ()
    """Latin names that are also English words (Coherent, Grab): they count only
    as written, capitalised, never in lower case inside a sentence."""


@dataclass(frozen=True)
class LearnedAlias:
    alias: str
    company: Company
    """An existing company, or a new one (source 'learned') the article introduced."""


class _Marks(NamedTuple):
    """What :meth:`CompanyDirectory.mark_ambiguous` worked from and made."""

    kind: type
    """The type of the word counts it was given."""
    companies: dict[str, Company]
    by_alias: dict[str, set[str]]
    alias_count: int
    ambiguous: set[str]
    curated: set[str]
    """The curated companies' names, keyed (grown by :meth:`CompanyDirectory.add`)."""
    short: set[str]
    """Aliases of one or two characters, none Latin alone."""


@dataclass
class CompanyDirectory:
    companies: dict[str, Company] = field(default_factory=dict)
    by_alias: dict[str, set[str]] = field(default_factory=dict)
    """Normalised alias -> company keys."""
    by_ticker: dict[str, str] = field(default_factory=dict)
    """``2330``/``nvda`` (Taiwan and US tickers, cited bare) and ``jp:8035``-style keys."""
    ambiguous: set[str] = field(default_factory=set)
    """Aliases that are everyday words: they need the company named plainly elsewhere."""
    weak: set[str] = field(default_factory=set)
    """Two-character exchange short names: they need a ticker or a peer company nearby."""
    phrases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """First word of a multi-word Latin alias -> (alias, company key); see phrase_pattern."""
    exact_case: dict[str, set[str]] = field(default_factory=dict)
    """Short all-caps aliases (AMD, SAP) that must appear in that exact case."""
    mixed: dict[str, set[str]] = field(default_factory=dict)
    """Aliases mixing Latin and Chinese (三星SDI, LG化學, SK海力士) -> company keys: the
    segmenter cuts them at the script change, so they are found in the text itself."""
    generation: int = field(default=0, init=False, repr=False, compare=False)
    """Bumped by every :meth:`add` and :meth:`mark_ambiguous` (the only ways the indexes
    above change once built): what :meth:`derived` values are checked against."""
    _derived: dict[str, tuple[int, object]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _marks: _Marks | None = field(default=None, init=False, repr=False, compare=False)
    """What :meth:`mark_ambiguous` last worked from and made, kept current by :meth:`add`."""

    def derived(self, name: str, build: Callable[[CompanyDirectory, T | None], T]) -> T:
        """``build(self, previous)``, computed once per :attr:`generation` and kept
        under ``name``; ``previous`` is what it built for an earlier generation (or
        ``None``), for tables that can grow rather than be built again.

        The mention finder's lookup tables (every alias prefix, the mixed-script names
        by their Latin word) cost a few milliseconds to build and are read for every
        sentence of every article, while the directory changes only when an article
        teaches it a name: a few times per hundred articles."""
        generation = self.generation  # read first: a change while building invalidates
        cached = self._derived.get(name)
        if cached is not None and cached[0] == generation:
            return cached[1]  # type: ignore[return-value]
        previous = cached[1] if cached is not None else None
        value = build(self, previous)  # type: ignore[arg-type]
        self._derived[name] = (generation, value)
        return value

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
                tuple(dict.fromkeys((*primary.exact, *other.exact))),
            )
        self.companies[company.key] = company
        if self._marks is not None and company.source == "curated":
            self._marks.curated.update(
                name_key(label) for label in (company.name, *company.aliases)
            )
        for label in (company.name, *company.aliases):
            exact = label in company.exact
            self._index_alias(label, company.key, company.source, exact)
            folded = fold_latin(label)
            if folded != label:
                # Ørsted, Nestlé: also as writers type them without the marks.
                self._index_alias(folded, company.key, company.source, exact)
        if company.ticker:
            ticker = name_key(company.ticker)
            family = MARKET_FAMILY.get(company.market or "", "")
            if family:
                self.by_ticker.setdefault(f"{family}:{ticker}", company.key)
            if family in _BARE_TICKER_FAMILIES or (
                company.source == "curated" and not ticker.isdigit() and not family
            ):
                self.by_ticker.setdefault(ticker, company.key)
        self.generation += 1

    def _index_alias(
        self, label: str, key: str, source: str = "curated", exact: bool = False
    ) -> None:
        norm = name_key(label)
        if len(norm) < 2:
            return
        if exact and norm.isascii() and " " not in norm:
            self.by_alias.setdefault(norm, set()).add(key)
            self.exact_case.setdefault(norm, set()).add(label)
            return
        if source == "foreign" and norm.isascii():
            if norm in self.by_alias or norm.upper() in FOREIGN_NAME_STOPWORDS:
                return  # someone curated this spelling already, or it is an everyday word
            if " " not in norm:
                # One Latin word from index data ("Target", "Visa"): only as written.
                self.by_alias.setdefault(norm, set()).add(key)
                self.exact_case.setdefault(norm, set()).add(label)
                return
        if " " in norm and norm.isascii():
            first = norm.split(" ", 1)[0]
            self.phrases.setdefault(first, []).append((label, key))
            return
        if norm.isascii() and _INNER_PUNCT.search(norm):
            # Shin-Etsu, II-VI: the segmenter cuts at the mark, so match as a phrase
            # keyed by the first word too (AT&T, which it keeps whole, still by token).
            first = _NOT_ALNUM.split(norm, maxsplit=1)[0]
            if first:
                self.phrases.setdefault(first, []).append((label, key))
        self.by_alias.setdefault(norm, set()).add(key)
        if _MIXED_SCRIPT.search(norm) and not norm.endswith("ky"):
            self.mixed.setdefault(norm, set()).add(key)
        if norm.isascii() and label.isupper() and len(label) <= 4:
            self.exact_case.setdefault(norm, set()).add(label)

    def mark_ambiguous(self, known_words: dict[str, int]) -> None:
        """Aliases that are also common words need corroboration to count.

        Exchange short names (統一, 全家, 南亞) are ambiguous once jieba knows them as
        words at all; curated names only when they are very common words (蘋果).

        Asked again after a few aliases were learned (``Lexicon.learn``, a few times per
        hundred articles), it reads only what changed (1.8 ms per call when every alias
        and curated name was read again).  The curated names are kept up to date by
        :meth:`add` (a company stays curated and keeps every name it had, so they only
        grow), the short names grow by the new aliases, and when ``known_words`` says
        its counts never rise (``never_rises``: jieba's general counts, which teaching
        a word only sets to 0) only the new aliases and those ambiguous before are
        looked up: every other alias was below its threshold and still is, since a
        threshold only rises (a name only becomes curated).
        """
        by_alias = self.by_alias
        marks = self._marks
        candidates: Iterable[str] = by_alias
        if (
            marks is None
            or marks.companies is not self.companies
            or marks.by_alias is not by_alias
            or marks.alias_count > len(by_alias)
        ):
            curated = {
                name_key(label)
                for c in self.companies.values()
                if c.source == "curated"
                for label in (c.name, *c.aliases)
            }
            short = {alias for alias in by_alias if len(alias) <= 2 and not alias.isascii()}
        else:
            curated, short = marks.curated, marks.short
            new = list(islice(by_alias, marks.alias_count, None))
            short.update(alias for alias in new if len(alias) <= 2 and not alias.isascii())
            if (
                getattr(known_words, "never_rises", False)
                and marks.kind is type(known_words)
                and marks.ambiguous is self.ambiguous
            ):
                candidates = chain(self.ambiguous, new)
        self.ambiguous = {
            alias
            for alias in candidates
            if not alias.isascii()
            and known_words.get(alias, 0)
            >= (COMMON_WORD_FREQ if alias in curated else AMBIGUOUS_WORD_FREQ)
        }
        self.weak = short - curated - self.ambiguous
        self._marks = _Marks(
            type(known_words),
            self.companies,
            by_alias,
            len(by_alias),
            self.ambiguous,
            curated,
            short,
        )
        self.generation += 1

    @property
    def vocabulary(self) -> set[str]:
        """Chinese aliases, to teach the segmenter (ambiguous ones left as jieba has them)."""
        return {a for a in self.by_alias if not a.isascii() and a not in self.ambiguous}

    def get(self, key: str) -> Company | None:
        return self.companies.get(key)

    def by_code(self, ticker: str, family: str | None = None) -> Company | None:
        """A company by ticker: bare (``2330``, ``NVDA``) or within a family (``jp``)."""
        code = name_key(ticker)
        key = self.by_ticker.get(f"{family}:{code}" if family else code)
        return self.companies.get(key) if key else None

    def names(self, key: str) -> tuple[str, ...]:
        """Every name a company is known by (canonical first)."""
        company = self.companies.get(key)
        return (company.name, *company.aliases) if company else ()

    def lookup(self, query: str, tickers: bool = True) -> Company | None:
        """Exact resolution: canonical name, alias, then ticker (any script or case)."""
        norm = name_key(query)
        keys = self.by_alias.get(norm) or self.by_alias.get(fold_latin(norm))
        if keys:
            return self.companies[preferred(keys, self.companies)]
        # A phrase is indexed by its first word, so only prefixes of the query's first run
        # can key one that matches it whole: a few dict probes instead of a scan of them all.
        head = norm.split(" ", 1)[0]
        # Phrases are keyed by ASCII words: only prefixes of the head's ASCII start can
        # key one (a Chinese name has none, and skips the probes).
        head = head[: _ASCII_START.match(head).end()]  # type: ignore[union-attr]
        written = query.strip()
        for end in range(len(head), 0, -1):  # longest first; the prefixes are all distinct
            for label, key in self.phrases.get(head[:end], ()):
                if phrase_pattern(label).fullmatch(written):
                    return self.companies[key]
        return self.by_code(norm) if tickers else None


FOREIGN_NAME_STOPWORDS = frozenset(
    "TARGET BLOCK BALL GAP MATCH PUBLIC GENERAL PROGRESSIVE SOUTHERN UNIVERSAL GLOBAL EQUITY "
    "QUEST INSIGHT CORE VISION NEXT FIRST UNITED NATIONAL AMERICAN INTERNATIONAL DOMINION "
    "ESSENTIAL CAPITAL PRINCIPAL STATE ALLIANCE TRAVELERS ENTERPRISE MASTER AVANTOR "
    "NEWS CITY BOX POOL ALIGN GATES ZEBRA SAGE NOBLE HUB ENACT DIGI DELTA LUMEN BD".split()
)
"""Index-data names that are also plain English words: never matched alone."""


_ASCII_START = regexcache.compile(r"[\x00-\x7f]*")
_MIXED_SCRIPT = regexcache.compile(r"[a-z][\u3400-\u9fff]|[\u3400-\u9fff][a-z]")
_NOT_ALNUM = regexcache.compile(r"[^a-z0-9]+")
_INNER_PUNCT = regexcache.compile(r"[a-z0-9][-.&'+][a-z0-9]")

_LATIN_FOLD = str.maketrans(
    {"Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Ł": "L",
     "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th"}
)  # fmt: skip


ACCENTED_LATIN = regexcache.compile("[\u00c0-\u024f]")
"""A Latin letter with diacritics (Ø, é): what :func:`fold_latin` folds, and what a name
written with one needs (digests.mentions)."""


def fold_latin(text: str) -> str:
    """Latin letters without diacritics (Ørsted -> Orsted, Nestlé -> Nestle); other
    scripts untouched.  Writers and feeds drop the marks as often as they keep them,
    and the segmenter cuts a word at the first letter it does not know."""
    if text.isascii() or ACCENTED_LATIN.search(text) is None:
        return text
    out = []
    for ch in text.translate(_LATIN_FOLD):
        if "\u00c0" <= ch <= "\u024f":
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii()) or ch
        out.append(ch)
    return "".join(out)


@cache
def phrase_pattern(label: str) -> re.Pattern[str]:
    """A multi-word Latin name as a whole-word, any-case, any-spacing pattern.

    A hyphen inside a name may also be written as a space or left out (Shin-Etsu,
    Shin Etsu).  Compiled on first use: the directory holds a few thousand such names
    and an article meets a handful, so compiling them all up front would dominate
    start-up.
    """
    words = r"\s+".join(re.escape(w).replace(r"\-", r"[-\s]?") for w in label.split())
    # Kept between runs (regexcache.compile_data): a fresh ingest compiled ~35 of these,
    # 8 ms, for the same names each time.
    return regexcache.compile_data(rf"(?<![A-Za-z]){words}(?![A-Za-z])", re.IGNORECASE)


def preferred(keys: set[str], companies: dict[str, Company]) -> str:
    """Among companies sharing an alias, curated beats listed beats learned."""
    order = {"curated": 0, "twstock": 1, "foreign": 2, "learned": 3}
    return min(keys, key=lambda k: (order.get(companies[k].source, 3), k))


# --- loading -------------------------------------------------------------------
