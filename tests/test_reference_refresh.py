"""Syncing the company directory skips reading back rows it has just written, and stores
the same rows as the sync that compared every company with the table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from digests.companies import Company
from store import open_db
from store.reference import _refresh_companies, company_ids, save_companies


def _rows(db) -> list[tuple]:
    return db.conn.execute(
        "SELECT id, key, name, ticker, market, industry, source FROM companies ORDER BY id"
    ).fetchall()


def _save_companies_before(db, companies: list[Company]) -> None:
    """store.reference.save_companies as it was (frozen here): ids looked up by key."""
    with db.atomic():
        existing = company_ids(db, {c.key for c in companies})
        new_rows = [
            (c.key, c.name, c.ticker, c.market, c.industry, c.source)
            for c in {c.key: c for c in companies if c.key not in existing}.values()
        ]
        if new_rows:
            db.conn.executemany(
                "INSERT INTO [companies] ([key], [name], [ticker], [market], [industry], "
                "[source]) VALUES (?, ?, ?, ?, ?, ?)",
                new_rows,
            )
            existing = company_ids(db, {c.key for c in companies})
        db.conn.executemany(
            "INSERT OR IGNORE INTO [company_aliases] ([company_id], [alias], [source]) "
            "VALUES (?, ?, ?)",
            [
                (existing[c.key], alias, c.source)
                for c in companies
                for alias in c.aliases
                if alias != c.name
            ],
        )


def _sync_as_before(db, companies: list[Company]) -> None:
    """The sync before: insert, then compare every company with the stored rows."""
    _save_companies_before(db, companies)
    _refresh_companies(db, companies)


def _sync_now(db, companies: list[Company]) -> None:
    inserted = save_companies(db, companies)
    _refresh_companies(db, [c for c in companies if c.key not in inserted])


def _companies() -> list[Company]:
    a = Company(key="TWSE:2330", name="台積電", aliases=("TSMC",), ticker="2330", market="TWSE")
    b = Company(key="name:甲公司", name="甲公司", industry="半導體業", source="twstock")
    return [a, b]


def test_new_keys_listed_once_are_not_read_back(tmp_path: Path) -> None:
    db = open_db(tmp_path / "a.db")
    companies = _companies()
    assert save_companies(db, companies) == frozenset({"TWSE:2330", "name:甲公司"})
    # a second save inserts nothing: every row is compared again by the refresh
    assert save_companies(db, companies) == frozenset()


def test_same_rows_as_comparing_every_company(tmp_path: Path) -> None:
    a, b = _companies()
    changed = replace(a, name="台灣積體電路", industry="半導體業")
    cases = [
        [[a, b]],  # a new store
        [[a, b], [changed, b]],  # a data file changed a stored company
        [[a, changed, b]],  # a key listed twice with different fields
        [[a], [changed, a, b]],
    ]
    for n, syncs in enumerate(cases):
        before = open_db(tmp_path / f"before{n}.db")
        now = open_db(tmp_path / f"now{n}.db")
        for companies in syncs:
            _sync_as_before(before, companies)
            _sync_now(now, companies)
        assert _rows(now) == _rows(before), syncs


def _aliases(db) -> list[tuple]:
    return db.conn.execute(
        "SELECT company_id, alias, source FROM company_aliases ORDER BY company_id, alias"
    ).fetchall()


def test_a_new_store_sync_stores_what_the_key_lookups_stored(tmp_path: Path) -> None:
    """Thousands of companies into an empty table skip the lookups by key: same rows."""
    many = [
        Company(
            key=f"name:公司{i}", name=f"公司{i}", aliases=(f"別名{i}", f"公司{i}"), ticker=str(i)
        )
        for i in range(1200, 0, -1)
    ]
    twice = [*many, replace(many[5], name="改名")]  # a key listed twice
    changed = [replace(c, industry="半導體業") for c in many[:700]]
    cases = [[many], [twice], [twice, many[:700]], [many, changed], [many[:10], twice]]
    for n, syncs in enumerate(cases):
        before = open_db(tmp_path / f"before{n}.db")
        now = open_db(tmp_path / f"now{n}.db")
        for companies in syncs:
            _sync_as_before(before, companies)
            _sync_now(now, companies)
        assert _rows(now) == _rows(before), n
        assert _aliases(now) == _aliases(before), n


def test_the_reference_version_is_the_hash_it_was() -> None:
    """store.reference._version, frozen here as it was: one update per row."""
    import hashlib
    import json

    from digests.lexicon import build_lexicon
    from store.reference import _version

    def version_before(lexicon) -> str:
        digest = hashlib.sha256()
        for topic in lexicon.taxonomy.topics:
            digest.update(json.dumps([topic.id, topic.name, topic.aliases]).encode())
        for company in sorted(lexicon.directory.companies.values(), key=lambda c: c.key):
            if company.source != "learned":
                fields = [
                    company.key,
                    company.name,
                    company.aliases,
                    company.ticker,
                    company.industry,
                ]
                digest.update(json.dumps(fields).encode())
        return digest.hexdigest()

    lexicon = build_lexicon()  # not the shared default: companies are added below
    assert _version(lexicon) == version_before(lexicon)
    lexicon.directory.add(Company(key="name:晶研創新", name="晶研創新", source="learned"))
    lexicon.directory.add(Company(key='name:\u00e9"', name='é"\n', aliases=("\ud7ff",)))
    assert _version(lexicon) == version_before(lexicon)
