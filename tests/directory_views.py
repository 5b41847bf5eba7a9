"""What a company directory holds, as one comparable value, for tests that rebuild one.

A directory restored from a snapshot, a cache file or a fresh build must answer every
lookup the same way; comparing all of its indexes at once says so in one assertion.
"""

from __future__ import annotations

from digests.companies import CompanyDirectory


def directory_indexes(directory: CompanyDirectory) -> dict[str, object]:
    return {
        "companies": directory.companies,
        "by_alias": directory.by_alias,
        "by_ticker": directory.by_ticker,
        "phrases": directory.phrases,
        "exact_case": directory.exact_case,
        "mixed": directory.mixed,
    }
