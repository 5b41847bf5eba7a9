"""A new store takes the built company directory from the user's cache folder.

The cached file must give the store the very snapshot text and directory a build
would, and a missing or unreadable file must fall back to building it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import store.reference as reference
from digests.companies import CompanyDirectory
from store import open_db
from store.reference import DIRECTORY_KEY, query_lexicon
from tests.directory_views import directory_indexes


def _snapshot(path: Path) -> str:
    db = open_db(path)
    try:
        return next(db.query("SELECT value FROM meta WHERE key = ?", [DIRECTORY_KEY]))["value"]
    finally:
        db.close()


def test_new_store_uses_cached_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    built = query_lexicon(open_db(tmp_path / "a.db"))
    assert list((tmp_path / "cache").glob("directory-*.json"))

    def no_build(*_: object, **__: object) -> CompanyDirectory:
        raise AssertionError("the cached directory should have been used")

    monkeypatch.setattr(reference, "build_directory", no_build)
    cached = query_lexicon(open_db(tmp_path / "b.db"))
    assert directory_indexes(cached.directory) == directory_indexes(built.directory)
    assert _snapshot(tmp_path / "b.db") == _snapshot(tmp_path / "a.db")


def test_unreadable_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    built = query_lexicon(open_db(tmp_path / "a.db"))
    (cache_file,) = (tmp_path / "cache").glob("directory-*.json")
    cache_file.write_text("{not json", encoding="utf-8")
    rebuilt = query_lexicon(open_db(tmp_path / "b.db"))
    assert directory_indexes(rebuilt.directory) == directory_indexes(built.directory)
    assert _snapshot(tmp_path / "b.db") == _snapshot(tmp_path / "a.db")
    assert cache_file.read_text(encoding="utf-8") == _snapshot(tmp_path / "a.db")


@pytest.mark.parametrize(
    "content",
    [
        '{"a": "台積電"}',
        '{"a":\r\n "b"}\r\n',
        "\r\r\n\n\r",
        "x\ry\u2028z\x85w",  # only \r and \r\n are newlines to read_text's decoder
        "",
    ],
)
def test_read_text_is_path_read_text(tmp_path: Path, content: str) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content.encode("utf-8"))
    assert reference._read_text(path) == path.read_text(encoding="utf-8")


def test_read_text_fails_as_read_text_does(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ValueError):
        reference._read_text(path)
    with pytest.raises(OSError):
        reference._read_text(tmp_path / "missing.json")
