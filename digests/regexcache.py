"""Compiled regular expressions kept between runs, as the segmenter's dictionary is.

CPython turns a pattern's source into the regex engine's code in pure Python
(``re._parser`` and ``re._compiler``).  The ~270 patterns our modules define at import cost
every fresh process about 0.1 s of CPU (a one-shot command, each ``briefbot ingest``), to
produce the same code each time.  :func:`compile` keeps that code in :func:`cache_dir`, in a
file named by the exact interpreter build and regex engine version, and builds the pattern
from it with the engine's own constructor, the call ``re.compile`` itself ends with.

A pattern enters the cache only after the pattern built from its code compared equal to
``re.compile``'s own: ``re.Pattern`` equality compares the source, the flags and the whole
compiled code.  So a hit is exactly what ``re.compile`` gives.  Anything unexpected (bytes,
debug flags, another interpreter's internals, an unreadable file) falls back to
``re.compile``, and a missing or read-only cache folder only costs the compile.

Only patterns with a fixed source belong here (module-level constants): the cache keeps
every source it is given, so patterns built from data (company names) use ``re.compile``.

:func:`derived` keeps, in the same file, small values worked out from such a pattern's
parsed source (``digests.regexguard``'s prefilters): parsing the source again in every
process is what they cost, 0.02 s of a fresh process for about thirty patterns.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import marshal
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from digests.cachedir import cache_dir, write_cache_file

try:  # the engine's internals: absent or changed, every call is a plain re.compile
    import _sre
    from re import _compiler, _parser

    _ENGINE = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{sys.maxunicode}"
except (ImportError, AttributeError):  # pragma: no cover - other interpreters
    _ENGINE = ""

_FORMAT = 1
"""Bump when what an entry holds changes."""

_UNCACHED_FLAGS = int(re.DEBUG) | int(getattr(re, "TEMPLATE", 0))
"""Flags ``re.compile`` treats specially (prints, warns): always compiled by it."""

_MAX_ENTRIES = 5000
"""A bound on the file, should a caller ever feed it sources built from data."""

Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""What ``_sre.compile`` takes besides the source: flags, code, groups, group names."""

Key = tuple[str, int] | tuple[str, int, str]
"""(source, flags) for a pattern's code; (source, flags, kind) for a :func:`derived` value."""

_lock = threading.Lock()

_V = TypeVar("_V")


def compile(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, built from code kept between runs when possible."""
    flags = int(flags)
    if not _ENGINE or not isinstance(source, str) or flags & _UNCACHED_FLAGS:
        return re.compile(source, flags)
    entries = _PATTERNS.load()
    entry = entries.get((source, flags))
    if entry is not None:
        try:
            return _build(source, entry)  # type: ignore[arg-type]  # checked by _sre
        except (TypeError, ValueError, RuntimeError):
            pass  # an entry this engine does not take: compile it afresh below
    pattern, fresh = _compiled(source, flags)
    if fresh is not None:
        _PATTERNS.remember((source, flags), fresh)
    return pattern


def _compiled(source: str, flags: int) -> tuple[re.Pattern[str], Entry | None]:
    """``re.compile``'s pattern, and the engine code to keep for it: only code that
    rebuilds a pattern equal to it (source, flags and the whole compiled code)."""
    pattern = re.compile(source, flags)
    fresh = _entry(source, flags)
    if fresh is not None:
        try:
            if _build(source, fresh) == pattern:
                return pattern, fresh
        except (TypeError, ValueError, RuntimeError):
            pass
    return pattern, None


def prime(source: str, flags: int | re.RegexFlag = 0) -> None:
    """Put ``compile(source, flags)`` where ``re.compile`` looks before compiling (its own
    cache, keyed as ``re._compile`` keys it), for a third-party module's pattern with a
    fixed source: its import then gets, from ``re.compile``, a pattern equal to the one
    it would have compiled, built from the kept code.  Only where ``re`` keeps that cache
    as this module knows it (CPython 3.11's ``re._cache`` dict); elsewhere nothing is
    done and the module compiles its pattern itself."""
    flags = int(flags)
    cache = getattr(re, "_cache", None)
    if not _ENGINE or not isinstance(cache, dict) or flags & _UNCACHED_FLAGS:
        return
    key = (str, source, flags)
    if key not in cache:
        cache[key] = compile(source, flags)


def derived(
    kind: str,
    source: str,
    flags: int | re.RegexFlag,
    compute: Callable[[], _V],
    valid: Callable[[object], bool],
) -> _V:
    """``compute()``, a value worked out from the pattern ``source`` with ``flags``, kept
    between runs beside the patterns' code.

    ``kind`` must name the function that computes it and the exact version of that
    function's code (``digests.regexguard`` passes a hash of its own source): a value is
    kept under the very source, flags and code it was computed by, on the same engine
    (the file's name), so a value read back is what ``compute()`` returns.  A value that
    marshal would not give back equal is not kept; one read back that ``valid`` rejects
    (a damaged file) is computed afresh.  Without a ``kind`` (no code version known) or
    without the engine's internals, every call computes.
    """
    flags = int(flags)
    if not _ENGINE or not kind or not isinstance(source, str):
        return compute()
    entries = _PATTERNS.load()
    key = (source, flags, kind)
    if key in entries:
        kept = entries[key]
        if valid(kept):
            return kept  # type: ignore[return-value]  # valid() checked it
    value = compute()
    with contextlib.suppress(ValueError, TypeError, EOFError):
        if marshal.loads(marshal.dumps(value)) == value:
            _PATTERNS.remember(key, value, replace=True)  # over a rejected one
    return value


def _build(source: str, entry: Entry) -> re.Pattern[str]:
    final_flags, code, groups, groupindex, indexgroup = entry
    # _sre.compile keeps what it is given: hand it copies, never the cache's own objects.
    return _sre.compile(source, final_flags, list(code), groups, dict(groupindex), indexgroup)


def _entry(source: str, flags: int) -> Entry | None:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` for ``source``."""
    try:
        parsed = _parser.parse(source, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        return (
            flags | parsed.state.flags,
            code,
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
    except Exception:  # internals we do not own: never fail a compile
        return None


def _read(path: Path) -> dict[Key, object]:
    """The cached entries, or none when the file is missing or not one of ours.

    The file is written by this module into the user's own cache folder (or the image's),
    as trusted as the installed code that reads it, like the segmenter's pickle.
    """
    try:
        # loads() of the bytes read at once: load() on a file reads it piece by piece
        # through the file object, 24 ms instead of 2 for this file.
        loaded = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


class _KeptFile:
    """One marshal file of kept values in :func:`cache_dir`, named by ``prefix`` and the
    engine: read once per process, written once at exit when this process added something
    (merged with what other processes wrote meanwhile, unless that passes ``bound``).

    Atomic replace: concurrent processes each write a whole file; the last one stays.
    """

    def __init__(self, prefix: str, bound: int) -> None:
        self.prefix = prefix
        self.bound = bound
        self.entries: dict[Key, object] | None = None
        self.added = 0

    def path(self) -> Path:
        key = hashlib.sha256(f"{_FORMAT}|{_ENGINE}".encode()).hexdigest()[:16]
        return cache_dir() / f"{self.prefix}-{key}.marshal"

    def load(self) -> dict[Key, object]:
        entries = self.entries
        if entries is not None:
            return entries
        with _lock:
            if self.entries is None:
                self.entries = _read(self.path())
            return self.entries

    def remember(self, key: Key, value: object, replace: bool = False) -> None:
        """Keep ``value`` under ``key`` (while the file is under its bound)."""
        entries = self.load()
        with _lock:
            if len(entries) >= self.bound or (key in entries and not replace):
                return
            entries[key] = value
            if self.added == 0:
                atexit.register(self.save)
            self.added += 1

    def save(self) -> None:
        entries = self.entries
        if not self.added or entries is None:
            return
        path = self.path()
        on_disk = _read(path)  # keep what other processes added meanwhile
        merged = {**on_disk, **entries} if len(on_disk) + len(entries) <= self.bound else entries
        with contextlib.suppress(ValueError):  # marshal: an entry it cannot hold (none so far)
            write_cache_file(path, marshal.dumps(merged), f"{self.prefix}-*.marshal")


_PATTERNS = _KeptFile("regex", _MAX_ENTRIES)
"""Module patterns' engine code, and what :func:`derived` keeps beside it."""


# --- patterns built from reference data ------------------------------------------

_MAX_DATA_ENTRIES = 8000
"""A bound on the data patterns' file: the company directory's names number a few
thousand, and only those articles meet are compiled."""

_NAMES = _KeptFile("names-regex", _MAX_DATA_ENTRIES)
"""Patterns built from reference data, each entry marshalled on its own (see
:func:`compile_data`)."""


def compile_data(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """:func:`compile` for patterns built from reference data that recurs between runs
    (a company name's phrase or word pattern, compiled when an article first meets the
    name): the same checks, kept in a file of their own (``names-regex-*``, at most
    :data:`_MAX_DATA_ENTRIES`) so that they never crowd the module patterns out of
    theirs.  A fresh ``briefbot ingest`` compiled ~70 such patterns, about 11 ms.

    The file holds each entry marshalled on its own: it grows with every name any run
    met (1,700 entries, 2.3 MB, after the test suite), and a process needs a few dozen,
    so only those are decoded (10 us each; reading the whole file decoded took 10 ms,
    the packed one 1.4 ms)."""
    flags = int(flags)
    if not _ENGINE or not isinstance(source, str) or flags & _UNCACHED_FLAGS:
        return re.compile(source, flags)
    packed = _NAMES.load().get((source, flags))
    if isinstance(packed, bytes):
        try:
            return _build(source, marshal.loads(packed))
        except (TypeError, ValueError, RuntimeError, EOFError):
            pass  # an entry this engine does not take: compile it afresh below
    pattern, fresh = _compiled(source, flags)
    if fresh is not None:
        with contextlib.suppress(ValueError):  # code marshal cannot write: not kept
            _NAMES.remember((source, flags), marshal.dumps(fresh))
    return pattern
