"""Reference data in the database: topics and the company directory.

The taxonomy and the directory live in data files and packages; they are copied into
SQLite (when they change) so that queries can join on them and the database explains
itself in Datasette.  Aliases learned from articles live only here.
"""

from __future__ import annotations

import hashlib
import json

from sqlite_utils import Database

from digests.companies import Company, build_directory
from digests.lexicon import Lexicon, build_lexicon, lexicon_for_queries
from digests.snapshot import directory_from_state, directory_state, reference_source_key
from digests.textproc import load_segmenter

VERSION_KEY = "reference_version"
DIRECTORY_KEY = "company_directory"
"""The built company directory (JSON, reference companies only), for quick start-up."""
DIRECTORY_SOURCE_KEY = "company_directory_source"


def _version(lexicon: Lexicon) -> str:
    digest = hashlib.sha256()
    for topic in lexicon.taxonomy.topics:
        digest.update(json.dumps([topic.id, topic.name, topic.aliases]).encode())
    for company in sorted(lexicon.directory.companies.values(), key=lambda c: c.key):
        if company.source != "learned":
            fields = [company.key, company.name, company.aliases, company.ticker, company.industry]
            digest.update(json.dumps(fields).encode())
    return digest.hexdigest()


def sync_reference(db: Database, lexicon: Lexicon) -> None:
    """Upsert topics and listed/curated companies when the data files changed."""
    _save_snapshot(db)
    version = _version(lexicon)
    rows = list(db.query("SELECT value FROM meta WHERE key = ?", [VERSION_KEY]))
    if rows and rows[0]["value"] == version:
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
        save_companies(db, reference)
        _refresh_companies(db, reference)
        db["meta"].upsert({"key": VERSION_KEY, "value": version}, pk="key")


def _meta(db: Database, key: str) -> str | None:
    rows = list(db.query("SELECT value FROM meta WHERE key = ?", [key]))
    return rows[0]["value"] if rows else None


def _save_snapshot(db: Database, source_key: str | None = None) -> None:
    """Keep the built directory beside the reference tables, rebuilt when its sources change."""
    source_key = source_key or reference_source_key()
    if _meta(db, DIRECTORY_SOURCE_KEY) == source_key:
        return
    state = json.dumps(directory_state(build_directory()), ensure_ascii=False)
    with db.atomic():
        db["meta"].upsert({"key": DIRECTORY_KEY, "value": state}, pk="key")
        db["meta"].upsert({"key": DIRECTORY_SOURCE_KEY, "value": source_key}, pk="key")


def query_lexicon(db: Database) -> Lexicon:
    """The lexicon for answering questions, from the store when its copy is current.

    Loading the stored directory takes a few milliseconds and needs no segmenter;
    otherwise (a new store, new data files) it is built and stored as ingest does.
    """
    source_key = reference_source_key()
    if _meta(db, DIRECTORY_SOURCE_KEY) == source_key:
        state = _meta(db, DIRECTORY_KEY)
        if state is not None:
            try:
                directory = directory_from_state(json.loads(state), learned_companies(db))
            except (ValueError, KeyError, TypeError):
                pass  # an unreadable copy is rebuilt below
            else:
                return lexicon_for_queries(directory)
    lexicon = build_lexicon(learned_companies(db))
    db["meta"].delete_where("key = ?", [DIRECTORY_SOURCE_KEY])
    sync_reference(db, lexicon)
    return lexicon


def ingest_lexicon(db: Database) -> Lexicon:
    """The lexicon for digesting: :func:`query_lexicon` with the segmenter loaded and
    taught now (before any worker process is forked), and the reference tables synced.

    The same words, ambiguity marks and directory as :func:`build_lexicon` gives,
    without rebuilding the directory from its data files.
    """
    lexicon = query_lexicon(db)
    load_segmenter()
    sync_reference(db, lexicon)
    return lexicon


def save_companies(db: Database, companies: list[Company], alias_source: str = "") -> None:
    """Insert companies that are new (by key) and every alias not stored yet."""
    with db.atomic():
        existing = {r["key"]: r["id"] for r in db.query("SELECT key, id FROM companies")}
        new_rows = [
            {
                "key": c.key,
                "name": c.name,
                "ticker": c.ticker,
                "market": c.market,
                "industry": c.industry,
                "source": c.source,
            }
            for c in {c.key: c for c in companies if c.key not in existing}.values()
        ]
        if new_rows:
            db["companies"].insert_all(new_rows)
            existing = {r["key"]: r["id"] for r in db.query("SELECT key, id FROM companies")}
        db["company_aliases"].insert_all(
            (
                {
                    "company_id": existing[c.key],
                    "alias": alias,
                    "source": alias_source or c.source,
                }
                for c in companies
                for alias in c.aliases
                if alias != c.name
            ),
            ignore=True,
        )


def _refresh_companies(db: Database, companies: list[Company]) -> None:
    """Bring stored reference rows up to date (a cleaned name, a new industry): rows
    keep their id, so mentions stay attached."""
    stored = {
        r["key"]: r
        for r in db.query("SELECT id, key, name, ticker, market, industry, source FROM companies")
    }
    for c in companies:
        row = stored.get(c.key)
        if row is None:
            continue
        fresh = {
            "name": c.name,
            "ticker": c.ticker,
            "market": c.market,
            "industry": c.industry,
            "source": c.source,
        }
        if any(row[k] != v for k, v in fresh.items()):
            db["companies"].update(row["id"], fresh)


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
