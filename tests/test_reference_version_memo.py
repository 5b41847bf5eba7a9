"""store.reference: the reference version kept in the cache folder is the one computed.

An ingest compares the version of the reference data with the store's own; the memo
must give exactly what ``_version`` computes for the same snapshot, learned companies
and topics, and compute it whenever any of them differs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import store.reference as reference
from digests.companies import Company
from store import open_db
from store.reference import VERSION_KEY, _meta, reference_lexicon, save_companies


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = reference._version

    def counted(lexicon):  # type: ignore[no-untyped-def]
        calls.append(version := real(lexicon))
        return version

    monkeypatch.setattr(reference, "_version", counted)
    return calls


def test_kept_version_is_the_computed_one(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_db(tmp_path / "a.db")
    lexicon = reference_lexicon(first)  # builds (or reads) the directory, computes
    computed = reference._version(lexicon)
    assert _meta(first, VERSION_KEY) == computed
    calls = _counting(monkeypatch)
    for name in ("b.db", "c.db"):  # new stores from the kept directory
        db = open_db(tmp_path / name)
        reference_lexicon(db)
        assert _meta(db, VERSION_KEY) == computed
    reference_lexicon(first)  # an existing store: compared, nothing to sync
    assert calls == [computed]  # once (the first store built its directory), then kept
    assert (cache / "reference-version.json").exists()


def test_learned_companies_change_the_key(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_db(tmp_path / "a.db")
    reference_lexicon(db)
    reference_lexicon(db)
    tsmc = next(c for c in reference_lexicon(db).directory.companies.values() if c.ticker == "2330")
    calls = _counting(monkeypatch)
    learned = [
        Company("name:晶研", "晶研", ("晶研科技",), source="learned"),
        Company(tsmc.key, tsmc.name, ("台積公司X",), tsmc.ticker, tsmc.market, source=tsmc.source),
    ]
    for company in learned:  # what an article that teaches them stores
        save_companies(db, [company], alias_source="learned")
        lexicon = reference_lexicon(db)
        assert len(calls) == 1  # a new key: computed
        assert _meta(db, VERSION_KEY) == calls[-1] == reference._version(lexicon)
        calls.clear()
        reference_lexicon(db)
        assert calls == []  # the same inputs again: kept
        calls.clear()


@pytest.mark.parametrize("content", [b"", b"[1]", b"not json", None])
def test_a_damaged_memo_is_computed_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | None
) -> None:
    expected = reference._version(reference_lexicon(open_db(tmp_path / "a.db")))  # builds
    reference_lexicon(open_db(tmp_path / "b.db"))  # from the kept directory: memo written
    memo = cache / "reference-version.json"
    assert memo.exists()
    if content is None:  # the right keys, values that are not versions
        content = json.dumps(dict.fromkeys(json.loads(memo.read_bytes()), 5)).encode()
    memo.write_bytes(content)
    calls = _counting(monkeypatch)
    db = open_db(tmp_path / "c.db")
    reference_lexicon(db)
    assert calls == [expected] and _meta(db, VERSION_KEY) == expected
