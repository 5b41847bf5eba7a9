"""Reference data in the database: topics and the company directory.

The taxonomy and the directory live in data files and packages; they are copied into
SQLite (when they change) so that queries can join on them and the database explains
itself in Datasette.  Aliases learned from articles live only here.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from digests import companies as companies_module
from digests import directory_sources, snapshot
from digests.cachedir import cache_dir, write_cache_file
from digests.companies import Company, CompanyDirectory
from digests.directory_sources import build_directory
from digests.lexicon import Lexicon, lexicon_for_queries
from digests.snapshot import directory_from_state, directory_state, reference_source_key
from digests.textproc import load_segmenter

VERSION_KEY = "reference_version"
DIRECTORY_KEY = "company_directory"
"""The built company directory (JSON, reference companies only), for quick start-up."""
DIRECTORY_SOURCE_KEY = "company_directory_source"


def _version(lexicon: Lexicon) -> str:
    """A hash of the reference data the tables hold: the JSON of each topic, then of each
    listed or curated company by key, hashed as one text (the same digest as one update
    per row: a hash reads the concatenation), each row encoded by the encoder
    ``json.dumps`` uses with its default arguments."""
    encode = json.JSONEncoder().encode
    rows = [encode([t.id, t.name, t.aliases]) for t in lexicon.taxonomy.topics]
    rows += [
        encode([c.key, c.name, c.aliases, c.ticker, c.industry])
        for c in sorted(lexicon.directory.companies.values(), key=attrgetter("key"))
        if c.source != "learned"
    ]
    return hashlib.sha256("".join(rows).encode()).hexdigest()


MadeOf = tuple[str, list[Company]]
"""What a lexicon's directory was made of: the snapshot's JSON text, then the learned
companies added to it in order (:func:`directory_from_state`)."""

_VERSION_MEMO = "reference-version.json"
_MEMO_ENTRIES = 8
"""Versions kept in the memo file: a few stores (the bot's, a test's) each find theirs."""


def _version_of(lexicon: Lexicon, made_of: MadeOf | None) -> str:
    """:func:`_version` of a lexicon just made from ``made_of`` and the taxonomy, kept in
    the cache folder under a hash of everything it is computed from.

    Encoding and hashing the 4,000 reference companies costs 6 ms of every ingest
    process, to compare with the version the store already holds.  The memo's key
    hashes the snapshot text, the learned companies (every field, in order), the
    topics' rows and the code that turns them into the directory and the version
    (this module, ``digests.companies``, ``digests.directory_sources``,
    ``digests.snapshot``): the same key means the
    same inputs to :func:`_version`, so a kept version is what it would compute (1 ms
    to hash instead).  Without ``made_of`` (a directory built from the data files, or
    changed since), or when the folder cannot be read, it is computed.
    """
    if made_of is None:
        return _version(lexicon)
    try:
        key = _memo_key(lexicon, made_of)
        path = cache_dir() / _VERSION_MEMO
    except OSError:
        return _version(lexicon)
    memo = _read_memo(path)
    kept = memo.get(key)
    if isinstance(kept, str) and len(kept) == 64:
        return kept
    version = _version(lexicon)
    memo.pop(key, None)
    memo[key] = version
    recent = dict(list(memo.items())[-_MEMO_ENTRIES:])
    write_cache_file(path, json.dumps(recent).encode(), _VERSION_MEMO)
    return version


def _memo_key(lexicon: Lexicon, made_of: MadeOf) -> str:
    state_text, learned = made_of
    digest = hashlib.sha256(b"1|")
    made_by = (companies_module, directory_sources, snapshot)
    for module in (Path(__file__), *(Path(str(m.__file__)) for m in made_by)):
        digest.update(module.read_bytes())
    topics = [[t.id, t.name, list(t.aliases)] for t in lexicon.taxonomy.topics]
    digest.update(json.dumps(topics, ensure_ascii=False).encode())
    digest.update(repr(learned).encode())
    digest.update(b"\x00")
    digest.update(state_text.encode())
    return digest.hexdigest()


def _read_memo(path: Path) -> dict[str, object]:
    try:
        memo = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def sync_reference(db: Database, lexicon: Lexicon) -> None:
    """Upsert topics and listed/curated companies when the data files changed.

    One transaction with the stored directory (:func:`_save_snapshot`): a store never
    keeps a current directory beside reference tables that missed the same change.
    """
    _sync_reference(db, lexicon, None)


def _sync_reference(db: Database, lexicon: Lexicon, made_of: MadeOf | None) -> None:
    with db.atomic():
        _save_snapshot(db)
        _sync_tables(db, lexicon, made_of)


def _sync_tables(db: Database, lexicon: Lexicon, made_of: MadeOf | None = None) -> None:
    version = _version_of(lexicon, made_of)
    if _meta(db, VERSION_KEY) == version:
        return
    with db.atomic():
        db["topics"].upsert_all(
            (
                {
                    "id": t.id,
                    "name": t.name,
                    "aliases": json.dumps(list(t.aliases), ensure_ascii=False),
                }
                for t in lexicon.taxonomy.topics
            ),
            pk="id",
        )
        reference = [c for c in lexicon.directory.companies.values() if c.source != "learned"]
        inserted = save_companies(db, reference)
        _refresh_companies(db, [c for c in reference if c.key not in inserted])
        db["meta"].upsert({"key": VERSION_KEY, "value": version}, pk="key")


def _meta(db: Database, key: str) -> str | None:
    rows = list(db.query("SELECT value FROM meta WHERE key = ?", [key]))
    return rows[0]["value"] if rows else None


def _save_snapshot(db: Database, source_key: str | None = None) -> None:
    """Keep the built directory beside the reference tables, rebuilt when its sources change."""
    source_key = source_key or reference_source_key()
    if _meta(db, DIRECTORY_SOURCE_KEY) == source_key:
        return
    _store_snapshot(db, _state_text(directory_state(build_directory())), source_key)


def _state_text(state: dict[str, Any]) -> str:
    return json.dumps(state, ensure_ascii=False)


def _store_snapshot(db: Database, state_text: str, source_key: str) -> None:
    """Each row written once (an UPSERT): sqlite-utils' ``upsert`` inserts (or ignores)
    and then updates, which writes the 0.6 MB directory twice."""
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(DIRECTORY_KEY, state_text), (DIRECTORY_SOURCE_KEY, source_key)],
        )


def _state_file(source_key: str) -> Path:
    return cache_dir() / f"directory-{source_key[:16]}.json"


def _cached_state(source_key: str) -> tuple[str, CompanyDirectory] | None:
    """The directory a new store would build, from the user's cache folder.

    A new store has no snapshot of its own, and building the directory is most of what
    a first command on it costs (0.08 s of 0.7 s, plus 0.015 s to serialise it); the
    file holds exactly the JSON text the store keeps (the same ``state``), named by the
    same :func:`reference_source_key`, so it is as current as a store's own copy.  It is
    JSON, not pickle: an unreadable file is rebuilt, never trusted.
    """
    try:
        text = _read_text(_state_file(source_key))
        return text, directory_from_state(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_text(path: Path) -> str:
    """``path.read_text(encoding="utf-8")``, without its newline translation pass: a
    third of the cost for the 0.65 MB directory file (1.3 ms instead of 4.4).  JSON as
    written here holds no carriage return; one that does is translated as ``read_text``
    translates it (universal newlines), so the text is the same in every case."""
    text = path.read_bytes().decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _keep_state(source_key: str, text: str) -> None:
    """Keep the built directory for the next new store (older builds' files go)."""
    write_cache_file(_state_file(source_key), text.encode("utf-8"), "directory-*.json")


def query_lexicon(db: Database) -> Lexicon:
    """The lexicon for answering questions, from the store when its copy is current.

    Loading the stored directory takes a few milliseconds and needs no segmenter;
    otherwise (a new store, new data files) it is built and stored as ingest does.
    """
    return _current_lexicon(db)[0]


def _current_lexicon(db: Database) -> tuple[Lexicon, bool, MadeOf | None]:
    """:func:`query_lexicon`, whether it just synced the reference tables, and what its
    directory was made of (None: built from the data files).

    A new store (or new data files) builds the directory once, or takes the same
    state from the user's cache folder (:func:`_cached_state`): its state is stored as
    the snapshot, then the store's learned companies join it, exactly as
    :func:`directory_from_state` would add them to that snapshot (the same directory as
    ``build_directory(learned)``; ``tests/test_snapshot.py``).  Ambiguity marks and the
    segmenter's words wait for the segmenter (:func:`lexicon_for_queries`), so building
    the directory never loads jieba, and ingest loads it once.
    """
    source_key = reference_source_key()
    learned = learned_companies(db)
    if _meta(db, DIRECTORY_SOURCE_KEY) == source_key:
        state = _meta(db, DIRECTORY_KEY)
        if state is not None:
            try:
                directory = directory_from_state(json.loads(state), learned)
            except (ValueError, KeyError, TypeError):
                pass  # an unreadable copy is rebuilt below
            else:
                return lexicon_for_queries(directory), False, (state, learned)
    cached = _cached_state(source_key)
    made_of: MadeOf | None = None
    if cached is not None:
        state_text, directory = cached
        made_of = (state_text, learned)
    else:
        directory = build_directory()
        state_text = _state_text(directory_state(directory))
        _keep_state(source_key, state_text)
    for company in learned:
        directory.add(company)
    lexicon = lexicon_for_queries(directory)
    with db.atomic():
        _store_snapshot(db, state_text, source_key)
        _sync_tables(db, lexicon, made_of)
    return lexicon, True, made_of


def reference_lexicon(db: Database) -> Lexicon:
    """The lexicon for digesting, with the reference tables synced, before the segmenter
    is loaded: it is taught this lexicon's words (and its ambiguity marks are set) when
    it loads, so ingest loads it only once an article needs digesting (a re-ingest of
    unchanged files never does).  Whoever digests in worker processes loads it first
    (:func:`digests.textproc.load_segmenter`), so that the workers share it.

    The same words, ambiguity marks and directory as :func:`build_lexicon` gives,
    without rebuilding the directory from its data files (nor twice for a new store).
    """
    lexicon, synced, made_of = _current_lexicon(db)
    if not synced:
        _sync_reference(db, lexicon, made_of)
    return lexicon


def ingest_lexicon(db: Database) -> Lexicon:
    """:func:`reference_lexicon` with the segmenter loaded and taught now (before any
    worker process is forked)."""
    lexicon = reference_lexicon(db)
    load_segmenter()
    return lexicon


def save_companies(
    db: Database, companies: list[Company], alias_source: str = ""
) -> frozenset[str]:
    """Insert companies that are new (by key) and every alias not stored yet.

    Plain ``executemany`` of the same rows, in the same order, as sqlite-utils'
    ``insert_all`` wrote (it checks every value; these are built here from typed fields),
    and only the ids of these companies are read back: ingest calls this for every
    article that taught an alias, and the directory holds thousands of companies.

    Returns the keys inserted now whose company the list holds once: their rows hold that
    company's fields as given, so :func:`_refresh_companies` has nothing to compare for
    them (a new store's whole directory: 15 ms of a first ingest spent reading back every
    row just written).  A key listed twice is left out: the row holds the last company
    of that key, and the refresh may still rewrite it from an earlier one, as it did.
    """
    if not companies:
        return frozenset()
    keys = {c.key for c in companies}
    with db.atomic():
        existing = company_ids(db, keys)
        by_key = {c.key: c for c in companies if c.key not in existing}
        new_rows = [
            (c.key, c.name, c.ticker, c.market, c.industry, c.source) for c in by_key.values()
        ]
        if new_rows:
            db.conn.executemany(
                "INSERT INTO [companies] ([key], [name], [ticker], [market], [industry], "
                "[source]) VALUES (?, ?, ?, ?, ?, ?)",
                new_rows,
            )
            existing = company_ids(db, keys)
        db.conn.executemany(
            "INSERT OR IGNORE INTO [company_aliases] ([company_id], [alias], [source]) "
            "VALUES (?, ?, ?)",
            [
                (existing[c.key], alias, alias_source or c.source)
                for c in companies
                for alias in c.aliases
                if alias != c.name
            ],
        )
    if len(by_key) == len(companies):  # every key new and listed once (a new store)
        return frozenset(by_key)
    listed = Counter(c.key for c in companies)
    return frozenset(key for key in by_key if listed[key] == 1)


_KEYS_PER_QUERY = 500
"""Below SQLite's default limit of 999 bound parameters per statement."""


def company_ids(db: Database, keys: set[str]) -> dict[str, int]:
    """Stored company ids by key, for ``keys`` only: a few (an article's mentions) looked
    up by key, in one statement under SQLite's bound-parameter limit; more (a directory
    sync's thousands) read in one pass over the table (keys are unique), a third of the
    cost of looking them up 500 at a time."""
    if not keys:
        return {}
    if len(keys) > _KEYS_PER_QUERY:
        return {
            key: row_id
            for key, row_id in db.conn.execute("SELECT key, id FROM companies")
            if key in keys
        }
    placeholders = ",".join("?" * len(keys))
    return dict(
        db.conn.execute(
            f"SELECT key, id FROM companies WHERE key IN ({placeholders})", sorted(keys)
        ).fetchall()
    )


def _refresh_companies(db: Database, companies: list[Company]) -> None:
    """Bring stored reference rows up to date (a cleaned name, a new industry): rows
    keep their id, so mentions stay attached."""
    if not companies:
        return  # nothing to compare: the table is not read
    stored = {
        key: (row_id, fields)
        for row_id, key, *fields in db.conn.execute(
            "SELECT id, key, name, ticker, market, industry, source FROM companies"
        )
    }
    for c in companies:
        row = stored.get(c.key)
        if row is None:
            continue
        row_id, fields = row
        if fields != [c.name, c.ticker, c.market, c.industry, c.source]:
            fresh = {
                "name": c.name,
                "ticker": c.ticker,
                "market": c.market,
                "industry": c.industry,
                "source": c.source,
            }
            db["companies"].update(row_id, fresh)


def company_id(db: Database, key: str) -> int | None:
    rows = list(db.query("SELECT id FROM companies WHERE key = ?", [key]))
    return rows[0]["id"] if rows else None


def learned_companies(db: Database) -> list[Company]:
    """Companies and aliases learned from articles, to extend the directory."""
    learned: dict[str, Company] = {}
    for row in db.query(
        """
        SELECT c.key, c.name, c.ticker, c.market, c.source, a.alias
        FROM company_aliases a JOIN companies c ON c.id = a.company_id
        WHERE a.source = 'learned'
        UNION ALL
        SELECT c.key, c.name, c.ticker, c.market, c.source, NULL
        FROM companies c WHERE c.source = 'learned'
        """
    ):
        current = learned.get(row["key"])
        aliases = (*(current.aliases if current else ()), *([row["alias"]] if row["alias"] else []))
        learned[row["key"]] = Company(
            key=row["key"],
            name=row["name"],
            aliases=aliases,
            ticker=row["ticker"],
            market=row["market"],
            source=row["source"],
        )
    return list(learned.values())
