"""store.sqlite_patterns: sqlite-utils' import finds its slowest pattern already built,
equal to what it compiles, and the copy of its source is still sqlite-utils' own."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from digests import regexcache
from store import sqlite_patterns

ROOT = Path(__file__).resolve().parent.parent


def test_the_copied_source_is_sqlite_utils_own() -> None:
    import sqlite_utils.db

    kept = sqlite_utils.db._virtual_table_using_re
    assert kept.pattern == sqlite_patterns.VIRTUAL_TABLE_SOURCE
    assert kept.flags == re.compile("", sqlite_patterns.VIRTUAL_TABLE_FLAGS).flags
    assert kept == re.compile(
        sqlite_patterns.VIRTUAL_TABLE_SOURCE, sqlite_patterns.VIRTUAL_TABLE_FLAGS
    )


def test_the_import_takes_the_primed_pattern_and_matches_alike(tmp_path: Path) -> None:
    code = (
        "import re\n"
        "from store import sqlite_patterns as s\n"
        "import sqlite_utils.db as d\n"
        "key = (str, s.VIRTUAL_TABLE_SOURCE, int(s.VIRTUAL_TABLE_FLAGS))\n"
        "print(d._virtual_table_using_re is re._cache.get(key))\n"
    )
    env = {"BRIEFBOT_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), "PATH": ""}
    for _ in range(2):  # an empty cache folder, then the file the first run wrote
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["True"]
    plain = re.compile(sqlite_patterns.VIRTUAL_TABLE_SOURCE, sqlite_patterns.VIRTUAL_TABLE_FLAGS)
    built = regexcache.compile(
        sqlite_patterns.VIRTUAL_TABLE_SOURCE, sqlite_patterns.VIRTUAL_TABLE_FLAGS
    )
    for sql in (
        "CREATE VIRTUAL TABLE search_index USING fts5(a, b)",
        "  create virtual table if not exists [x y] using FTS4(a)",
        'CREATE VIRTUAL TABLE "t""q" USING rtree(id)',
        "CREATE VIRTUAL TABLE 表格 USING fts5(a)",
        "CREATE TABLE t (a)",
    ):
        a, b = plain.match(sql), built.match(sql)
        assert (a and a.groupdict()) == (b and b.groupdict())


def test_prime_leaves_an_existing_entry_and_skips_debug_flags() -> None:
    source = "(?:primed)+ test"
    regexcache.prime(source, 0)
    key = (str, source, 0)
    first = re._cache[key]  # type: ignore[attr-defined]
    regexcache.prime(source, 0)
    assert re._cache[key] is first  # type: ignore[attr-defined]
    assert re.compile(source) is first
    regexcache.prime(source, re.DEBUG)
    assert (str, source, int(re.DEBUG)) not in re._cache  # type: ignore[attr-defined]
