"""Syncing the company directory skips reading back rows it has just written, and stores
the same rows as the sync that compared every company with the table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from digests.companies import Company
from store import open_db
from store.reference import _refresh_companies, save_companies


def _rows(db) -> list[tuple]:
    return db.conn.execute(
        "SELECT id, key, name, ticker, market, industry, source FROM companies ORDER BY id"
    ).fetchall()


def _sync_as_before(db, companies: list[Company]) -> None:
    """The sync before: insert, then compare every company with the stored rows."""
    save_companies(db, companies)
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
