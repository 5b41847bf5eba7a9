"""digests.regexcache: a pattern built from kept code is exactly re.compile's pattern."""

from __future__ import annotations

import marshal
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digests import regexcache

ROOT = Path(__file__).resolve().parent.parent

SOURCES = [
    (r"(?P<year>\d{4})\s*年(?:(?P<month>\d{1,2})月)?", 0),
    (r"(?=[我看])(?:我們認為|看好|看淡)", 0),
    (r"^\s*(?:1\s*[.、)）](?!\d)|[（(][1一][)）])", re.MULTILINE),
    (r"\bnvidia\b|輝達", re.IGNORECASE),
    (r"[\u3400-\u9fff]{2,}|[A-Za-z]{2,}", 0),
    (r"(a)(b)?(?(2)c|d)", 0),
]
TEXTS = ["2024年3月營收", "我們認為看好", "1. 第一\n(一) 第二", "NVIDIA 與輝達", "ab abc ad", ""]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder and no entries loaded in this process."""
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regexcache._PATTERNS, "entries", None)
    monkeypatch.setattr(regexcache._PATTERNS, "added", 0)
    monkeypatch.setattr(regexcache.atexit, "register", lambda fn: None)
    return tmp_path


def _reload(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process holds, as a new process would."""
    monkeypatch.setattr(regexcache._PATTERNS, "entries", None)
    monkeypatch.setattr(regexcache._PATTERNS, "added", 0)


def test_kept_patterns_equal_compiled_ones_and_match_alike(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = [regexcache.compile(source, flags) for source, flags in SOURCES]
    regexcache._PATTERNS.save()
    (kept,) = fresh_cache.glob("regex-*.marshal")
    assert len(marshal.loads(kept.read_bytes())) == len(SOURCES)
    _reload(monkeypatch)
    again = [regexcache.compile(source, flags) for source, flags in SOURCES]
    assert regexcache._PATTERNS.added == 0  # every one came from the file
    for (source, flags), one, two in zip(SOURCES, first, again, strict=True):
        plain = re.compile(source, flags)
        assert one == plain and two == plain  # equality compares source, flags and code
        assert (two.groups, two.groupindex, two.flags) == (
            plain.groups,
            plain.groupindex,
            plain.flags,
        )
        for text in TEXTS:
            assert [m.span() for m in two.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ]
            assert [m.groups() for m in two.finditer(text)] == [
                m.groups() for m in plain.finditer(text)
            ]


def test_unreadable_or_foreign_files_only_cost_the_compile(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, flags = SOURCES[0]
    regexcache.compile(source, flags)
    path = regexcache._PATTERNS.path()
    for content in (b"", b"not marshal", marshal.dumps(["a list"])):
        path.write_bytes(content)
        _reload(monkeypatch)
        assert regexcache.compile(source, flags) == re.compile(source, flags)


def test_an_entry_the_engine_rejects_falls_back_to_re_compile(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, flags = SOURCES[1]
    entry = regexcache._entry(source, flags)
    assert entry is not None
    final_flags, code, groups, groupindex, indexgroup = entry
    broken = (final_flags, code[:3], groups, groupindex, indexgroup)  # truncated code
    regexcache._PATTERNS.path().parent.mkdir(parents=True, exist_ok=True)
    regexcache._PATTERNS.path().write_bytes(marshal.dumps({(source, flags): broken}))
    _reload(monkeypatch)
    assert regexcache.compile(source, flags) == re.compile(source, flags)


def test_bytes_patterns_are_compiled_by_re_and_not_kept(fresh_cache: Path) -> None:
    assert regexcache.compile(b"bytes") == re.compile(b"bytes")  # type: ignore[arg-type]
    assert not regexcache._PATTERNS.entries


def test_every_pattern_our_modules_keep_is_what_re_compile_builds(tmp_path: Path) -> None:
    """Import everything that compiles patterns at import, in a fresh interpreter with an
    empty cache, then again reading the file it wrote: every kept entry rebuilds a pattern
    equal to re.compile's, and the second run compiles nothing new."""
    code = (
        "import re, sys, pkgutil, importlib\n"
        "from digests import regexcache\n"
        "import bot.cli.main, bot.ingest.orchestrate, store\n"
        "import digests, digests.sources\n"
        "for pkg in (digests, digests.sources):\n"
        "    for mod in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(mod.name)\n"
        "entries = regexcache._PATTERNS.load()\n"
        "assert entries, 'nothing kept'\n"
        "code = {k: e for k, e in entries.items() if len(k) == 2}\n"
        "for (source, flags), entry in code.items():\n"
        "    assert regexcache._build(source, entry) == re.compile(source, flags), source\n"
        "print(len(code), len(entries) - len(code), regexcache._PATTERNS.added)\n"
    )
    env = {"BRIEFBOT_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), "PATH": ""}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    kept_first, derived_first, added_first = map(int, runs[0].stdout.split())
    kept_second, derived_second, added_second = map(int, runs[1].stdout.split())
    assert added_first == kept_first + derived_first and kept_first > 150
    assert derived_first > 20  # digests.regexguard's prefilters
    assert (kept_second, derived_second, added_second) == (kept_first, derived_first, 0)


def test_derived_values_are_kept_per_source_flags_and_code(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def compute(value: object) -> object:
        calls.append("computed")
        return value

    def is_str(value: object) -> bool:
        return isinstance(value, str)

    assert regexcache.derived("k:v1", "a|b", 0, lambda: compute("ab"), is_str) == "ab"
    regexcache._PATTERNS.save()
    _reload(monkeypatch)
    calls.clear()
    assert regexcache.derived("k:v1", "a|b", 0, lambda: compute("x"), is_str) == "ab"
    assert calls == []  # read back, not computed
    # another code version, other flags, another source: each computed afresh
    assert regexcache.derived("k:v2", "a|b", 0, lambda: compute("v2"), is_str) == "v2"
    assert regexcache.derived("k:v1", "a|b", re.I, lambda: compute("i"), is_str) == "i"
    assert regexcache.derived("k:v1", "a|c", 0, lambda: compute("c"), is_str) == "c"
    assert len(calls) == 3
    # no code version: never kept
    assert regexcache.derived("", "a|d", 0, lambda: compute("d"), is_str) == "d"
    assert not any(len(key) == 3 and key[2] == "" for key in regexcache._PATTERNS.load())
    # a pattern's own code is not mistaken for a derived value, nor the reverse
    assert regexcache.compile("a|b") == re.compile("a|b")


def test_a_damaged_derived_value_is_computed_afresh(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regexcache._PATTERNS.path().parent.mkdir(parents=True, exist_ok=True)
    regexcache._PATTERNS.path().write_bytes(
        marshal.dumps({("a|b", 0, "k:v1"): ["not", "a", "str"]})
    )
    _reload(monkeypatch)
    value = regexcache.derived("k:v1", "a|b", 0, lambda: "ab", lambda v: isinstance(v, str))
    assert value == "ab"
    assert regexcache._PATTERNS.load()[("a|b", 0, "k:v1")] == "ab"  # replaced, written at exit
