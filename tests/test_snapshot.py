"""The company directory kept in the store is the directory the data files build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digests.companies import Company, CompanyDirectory
from digests.directory_sources import build_directory
from digests.lexicon import build_lexicon
from digests.snapshot import directory_from_state, directory_state
from store import open_db
from store.reference import (
    DIRECTORY_KEY,
    DIRECTORY_SOURCE_KEY,
    ingest_lexicon,
    learned_companies,
    query_lexicon,
)
from tests.directory_views import directory_indexes

LEARNED = [
    Company("name:晶研創新", "晶研創新", ("晶研",), "7854", "TW", source="learned"),
    Company("TWSE:2412", "中華電", ("中華電信股份",), "2412", "TWSE", source="twstock"),
]


def test_state_round_trip_rebuilds_every_index() -> None:
    built = build_directory()
    state = json.loads(json.dumps(directory_state(built), ensure_ascii=False))
    assert directory_indexes(directory_from_state(state)) == directory_indexes(built)


def test_learned_companies_join_as_they_do_when_building() -> None:
    state = directory_state(build_directory())
    assert directory_indexes(directory_from_state(state, LEARNED)) == directory_indexes(
        build_directory(LEARNED)
    )


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


def test_a_new_store_builds_the_directory_once_and_digests_as_build_lexicon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up on a new store: the directory is built once (stored as the snapshot and
    used as it is), and the lexicon ingest digests with has the same indexes, ambiguity
    marks and words as :func:`build_lexicon`."""
    import store.reference as reference

    builds = []

    def counted_build(*args: object, **kwargs: object) -> CompanyDirectory:
        builds.append(args)
        return build_directory(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reference, "build_directory", counted_build)
    # No directory in the user's cache folder yet (tests/test_directory_cache.py).
    monkeypatch.setattr(reference, "_state_file", lambda _key: tmp_path / "directory.json")
    db = open_db(tmp_path / "new.db")
    try:
        lexicon = ingest_lexicon(db)
        assert len(builds) == 1
        expected = build_lexicon().directory
        assert directory_indexes(lexicon.directory) == directory_indexes(expected)
        assert lexicon.directory.ambiguous == expected.ambiguous
        assert lexicon.directory.weak == expected.weak
        stored = json.loads(
            next(db.query("SELECT value FROM meta WHERE key = ?", [DIRECTORY_KEY]))["value"]
        )
        assert directory_indexes(directory_from_state(stored)) == directory_indexes(
            build_directory()
        )
        assert ingest_lexicon(db).directory.companies == lexicon.directory.companies
        assert len(builds) == 1  # the second start reads the stored copy
    finally:
        db.close()
