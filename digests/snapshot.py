"""The company directory as plain data, so a store can keep it and a command can skip
rebuilding it.

Building the directory reads twstock's code tables, the curated and foreign company
files and normalises every name (OpenCC), about a tenth of a second; a one-shot
command (``briefbot company 台積電``) has barely three times that for everything.  The
built indexes are kept as they are, not the companies replayed through
:meth:`CompanyDirectory.add`, because merging depends on the order names arrived in.

:func:`reference_source_key` names what the directory is built from (data files,
the code that builds it, OpenCC), so a stale copy is never used.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import opencc

from digests.companies import Company, CompanyDirectory

SNAPSHOT_FORMAT = 1


def directory_state(directory: CompanyDirectory) -> dict[str, Any]:
    """JSON-ready indexes of a directory (before any ambiguity marks: those need jieba)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "companies": [_company_row(c) for c in directory.companies.values()],
        "by_alias": {a: sorted(keys) for a, keys in directory.by_alias.items()},
        "by_ticker": dict(directory.by_ticker),
        "phrases": {f: [list(p) for p in ps] for f, ps in directory.phrases.items()},
        "exact_case": {a: sorted(v) for a, v in directory.exact_case.items()},
        "mixed": {a: sorted(v) for a, v in directory.mixed.items()},
    }


def _company_row(c: Company) -> list[Any]:
    return [c.key, c.name, list(c.aliases), c.ticker, c.market, c.industry, c.source, list(c.exact)]


def directory_from_state(state: dict[str, Any], extra: Iterable[Company] = ()) -> CompanyDirectory:
    """The directory :func:`directory_state` described, then ``extra`` added in order."""
    if state.get("format") != SNAPSHOT_FORMAT:
        raise ValueError("unknown company directory snapshot format")
    companies = {}
    for key, name, aliases, ticker, market, industry, source, exact in state["companies"]:
        companies[key] = Company(
            key, name, tuple(aliases), ticker, market, industry, source, tuple(exact)
        )
    directory = CompanyDirectory(
        companies=companies,
        by_alias={a: set(keys) for a, keys in state["by_alias"].items()},
        by_ticker=dict(state["by_ticker"]),
        phrases={f: [(label, key) for label, key in ps] for f, ps in state["phrases"].items()},
        exact_case={a: set(v) for a, v in state["exact_case"].items()},
        mixed={a: set(v) for a, v in state["mixed"].items()},
    )
    for company in extra:
        directory.add(company)
    return directory


def _file_id(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return f"{path.name}:-"
    return f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}"


def reference_source_key() -> str:
    """Identity of everything the reference data is built from: a few ``stat`` calls.

    Data files and twstock's code tables by size and modification time, the modules
    that turn them into a directory by content, and the OpenCC version (names are
    keyed in Simplified script).
    """
    digest = hashlib.sha256(f"{SNAPSHOT_FORMAT}".encode())
    data = resources.files("digests") / "data"
    files = [Path(str(data / name)) for name in ("companies.toml", "foreign_companies.csv")]
    files.append(Path(str(data / "topics.toml")))
    spec = importlib.util.find_spec("twstock")
    if spec is not None and spec.submodule_search_locations:
        codes = Path(next(iter(spec.submodule_search_locations))) / "codes"
        files.extend(sorted(codes.glob("*.csv")))
    for path in files:
        digest.update(_file_id(path).encode())
    here = Path(__file__).parent
    for module in (
        "companies.py",
        "directory_sources.py",
        "normalize.py",
        "taxonomy.py",
        "snapshot.py",
    ):
        try:
            digest.update((here / module).read_bytes())
        except OSError:
            digest.update(module.encode())
    digest.update(str(getattr(opencc, "__version__", "")).encode())
    return digest.hexdigest()
