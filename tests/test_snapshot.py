"""The company directory kept in the store is the directory the data files build."""

from __future__ import annotations

import json
from pathlib import Path

from digests.companies import Company, CompanyDirectory, build_directory
from digests.lexicon import build_lexicon
from digests.snapshot import directory_from_state, directory_state
from store import open_db
from store.reference import (
    DIRECTORY_KEY,
    DIRECTORY_SOURCE_KEY,
    learned_companies,
    query_lexicon,
)

LEARNED = [
    Company("name:晶研創新", "晶研創新", ("晶研",), "7854", "TW", source="learned"),
    Company("TWSE:2412", "中華電", ("中華電信股份",), "2412", "TWSE", source="twstock"),
]


def _indexes(directory: CompanyDirectory) -> dict[str, object]:
    return {
        "companies": directory.companies,
        "by_alias": directory.by_alias,
        "by_ticker": directory.by_ticker,
        "phrases": directory.phrases,
        "exact_case": directory.exact_case,
        "mixed": directory.mixed,
    }


def test_state_round_trip_rebuilds_every_index() -> None:
    built = build_directory()
    state = json.loads(json.dumps(directory_state(built), ensure_ascii=False))
    assert _indexes(directory_from_state(state)) == _indexes(built)


def test_learned_companies_join_as_they_do_when_building() -> None:
    state = directory_state(build_directory())
    assert _indexes(directory_from_state(state, LEARNED)) == _indexes(build_directory(LEARNED))


def test_query_lexicon_reads_the_stored_copy_and_rebuilds_a_stale_one(store_copy: Path) -> None:
    db = open_db(store_copy)
    try:
        stored = query_lexicon(db).directory
        assert stored.companies == build_lexicon(learned_companies(db)).directory.companies
        db["meta"].upsert({"key": DIRECTORY_SOURCE_KEY, "value": "stale"}, pk="key")
        db["meta"].upsert({"key": DIRECTORY_KEY, "value": "{not json"}, pk="key")
        rebuilt = query_lexicon(db).directory
        assert rebuilt.companies == stored.companies
        key = next(db.query("SELECT value FROM meta WHERE key = ?", [DIRECTORY_SOURCE_KEY]))
        assert key["value"] != "stale"  # the copy was written again
    finally:
        db.close()
