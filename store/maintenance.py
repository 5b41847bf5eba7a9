"""Operations on the database file itself: health, integrity, schema state, backups.

They live here rather than in the operations commands so that every statement the
program runs against SQLite (PRAGMAs included) sits in :mod:`store`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

StoreError = sqlite3.Error
"""What a failing database operation raises, for callers that must not import sqlite3."""


@dataclass(frozen=True)
class SchemaState:
    applied: tuple[str, ...]
    pending: tuple[str, ...]


@dataclass(frozen=True)
class BackupResult:
    integrity: str
    """``PRAGMA integrity_check`` of the copy: ``ok`` or SQLite's first complaint."""
    pages: int
    articles: int
    """Articles in the copy, so an operator sees at a glance that it holds the library."""


def ping(db: Database) -> None:
    """Raise if the database cannot answer a trivial query (health probes)."""
    db.execute("SELECT 1").fetchone()


def optimize(db: Database) -> None:
    """Keep the query planner's statistics current; a cheap no-op when little changed."""
    db.execute("PRAGMA optimize")


def integrity_check(path: str | Path) -> str:
    """``ok`` or SQLite's first complaint; the file is opened read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def schema_state(path: str | Path) -> SchemaState:
    """Which migrations the file has and which it still lacks (nothing is applied)."""
    from store.migrations import migrations

    db = Database(str(path))
    try:
        return SchemaState(
            applied=tuple(m.name for m in migrations.applied(db)),
            pending=tuple(m.name for m in migrations.pending(db)),
        )
    finally:
        db.close()


def take_write_lock(path: str | Path, timeout: float = 5.0) -> None:
    """Take and release SQLite's write lock: proves the file is writable right now."""
    conn = sqlite3.connect(str(path), timeout=timeout)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def backup(source: str | Path, target: str | Path) -> BackupResult:
    """Copy ``source`` to ``target`` with SQLite's online backup API and check the copy.

    The backup API copies a consistent snapshot while other connections keep writing,
    which a file copy cannot promise under WAL.
    """
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(target))
        try:
            with dst:
                src.backup(dst, pages=1024)
            integrity = dst.execute("PRAGMA integrity_check").fetchone()[0]
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
            has_articles = dst.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'"
            ).fetchone()
            articles = (
                dst.execute("SELECT COUNT(*) FROM articles").fetchone()[0] if has_articles else 0
            )
        finally:
            dst.close()
    finally:
        src.close()
    return BackupResult(integrity, pages, articles)
