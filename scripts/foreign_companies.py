"""Generate ``digests/data/foreign_companies.csv`` from pytickersymbols' index tables.

pytickersymbols (MIT, maintained on PyPI) ships the constituents of the major US, European
and Japanese indices (S&P 500/600/100, NASDAQ 100, Dow Jones, Nikkei 225, DAX, FTSE 100,
Euro Stoxx 50, ...) with their names and Yahoo/Google ticker symbols, offline.  The bot
does not need the package at run time: this script turns its data into a small CSV that
ships with the project, so ``(NVDA-US)``, ``(Micron Technology)`` or ``(8035-JP)`` resolve
without a network and without the package's own dependencies.

    pip install "briefbot[data]"        # pytickersymbols
    python scripts/foreign_companies.py  # rewrites digests/data/foreign_companies.csv

Columns: ``ticker, market, names, country`` where ``names`` joins every spelling the
indices use with ``|``.  Markets follow ``companies.toml``: NASDAQ, NYSE, US (a US listing
whose exchange the data does not say), TSE (Tokyo), XETRA, Euronext, LSE, SIX, BME, OMXH,
OMXS, MIL.  A company listed both at home and in New York is keyed by its US listing, the
way Taiwanese writers cite it (``ASML-US``).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "digests" / "data" / "foreign_companies.csv"

_YAHOO_SUFFIX = {
    "T": "TSE",
    "DE": "XETRA",
    "AS": "Euronext",
    "PA": "Euronext",
    "BR": "Euronext",
    "LS": "Euronext",
    "L": "LSE",
    "SW": "SIX",
    "MC": "BME",
    "HE": "OMXH",
    "ST": "OMXS",
    "MI": "MIL",
}
_US_INDICES = {"S&P 500", "S&P 600", "S&P 100", "NASDAQ 100", "DOW JONES"}


def _listing(us_listed: bool, company: dict) -> tuple[str, str] | None:
    """(market, ticker) of one index entry: the US listing when there is one."""
    symbol = (company.get("symbol") or "").strip()
    if not symbol:
        return None
    if us_listed:
        # Only for constituents of US indices: the data gives some European companies a
        # New York symbol that belongs to someone else (Stabilus -> NYSE:STM).
        googles = [s.get("google") or "" for s in company.get("symbols", [])]
        for prefix in ("NASDAQ", "NYSE"):
            for google in googles:
                if google.startswith(prefix + ":"):
                    return prefix, google.split(":", 1)[1]
    base, _, suffix = symbol.rpartition(".")
    if base and suffix in _YAHOO_SUFFIX:
        return _YAHOO_SUFFIX[suffix], base
    if us_listed:
        return "US", symbol.replace(".", "-")  # BRK.B -> BRK-B
    return None


def rows() -> list[tuple[str, str, str, str]]:
    from pytickersymbols.indices_data import INDICES

    found: dict[tuple[str, str], dict] = {}
    in_us = {c["name"] for i, t in INDICES.items() if i in _US_INDICES for c in t["companies"]}
    for index, table in INDICES.items():
        for company in table["companies"]:
            listing = _listing(index in _US_INDICES or company["name"] in in_us, company)
            name = " ".join(str(company.get("name") or "").split())
            if listing is None or not name:
                continue
            entry = found.setdefault(listing, {"names": [], "country": ""})
            if name not in entry["names"]:
                entry["names"].append(name)
            country = company.get("country") or ""
            if country and "," not in country and not entry["country"]:
                entry["country"] = country
    # The same company reached through an index with and without the exchange prefix.
    for (market, ticker), entry in list(found.items()):
        if market == "US" and any((m, ticker) in found for m in ("NASDAQ", "NYSE")):
            exchange = next(m for m in ("NASDAQ", "NYSE") if (m, ticker) in found)
            for name in entry["names"]:
                if name not in found[(exchange, ticker)]["names"]:
                    found[(exchange, ticker)]["names"].append(name)
            del found[(market, ticker)]
    # One company, one row: a name listed in New York and at home keeps the US row.
    rank = {"NASDAQ": 0, "NYSE": 0, "US": 1}
    owner: dict[str, tuple[str, str]] = {}
    for listing in sorted(found, key=lambda lt: (rank.get(lt[0], 2), lt)):
        for name in found[listing]["names"]:
            owner.setdefault(name, listing)
    return sorted(
        (ticker.replace(".", "-"), market, "|".join(e["names"]), e["country"])
        for (market, ticker), e in found.items()
        if all(owner[n] == (market, ticker) for n in e["names"])
        and (market in rank or "." not in ticker)
    )


def main() -> None:
    try:
        data = rows()
    except ImportError:
        sys.exit("pytickersymbols is not installed: pip install 'briefbot[data]'")
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("ticker", "market", "names", "country"))
        writer.writerows(data)
    print(f"{len(data)} companies -> {OUT}")


if __name__ == "__main__":
    main()
