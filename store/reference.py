"""Reference data in the database: topics and the company directory.

The taxonomy and the directory live in data files and packages; they are copied into
SQLite (when they change) so that queries can join on them and the database explains
itself in Datasette.  Aliases learned from articles live only here.
"""

from __future__ import annotations

import hashlib
import json

from sqlite_utils import Database

from digests.companies import Company
from digests.lexicon import Lexicon

VERSION_KEY = "reference_version"


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
