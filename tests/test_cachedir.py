"""digests.cachedir.write_cache_file: whole files, old versions cleared, failures harmless."""

from __future__ import annotations

import os
import time
from pathlib import Path

from digests.cachedir import STALE_AFTER_SECONDS, write_cache_file


def test_writes_whole_file_and_clears_only_stale_files_of_its_family(tmp_path: Path) -> None:
    old = tmp_path / "regex-old.marshal"
    recent = tmp_path / "regex-recent.marshal"
    other = tmp_path / "directory-old.json"
    for path in (old, recent, other):
        path.write_bytes(b"x")
    long_ago = time.time() - STALE_AFTER_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))

    target = tmp_path / "regex-new.marshal"
    assert write_cache_file(target, b"\x00" * 100_000, "regex-*.marshal")

    assert target.read_bytes() == b"\x00" * 100_000
    assert not old.exists()  # another version, unread for over a week
    assert recent.exists() and other.exists()  # in use lately / another cache's file
    assert not list(tmp_path.glob(".regex-*"))  # no temporary file left


def test_a_folder_that_cannot_be_made_costs_only_the_write(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert not write_cache_file(blocker / "regex-x.marshal", b"data", "regex-*.marshal")
