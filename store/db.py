"""Open the database: WAL mode, foreign keys on, pending migrations applied."""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from store.migrations import migrations

DEFAULT_DB = "briefbot.db"


def resolve_db_path(cli_value: str | None) -> str:
    """``--db`` wins, then ``BRIEFBOT_DB``, then ``./briefbot.db``."""
    return cli_value or os.environ.get("BRIEFBOT_DB") or DEFAULT_DB


def open_db(path: str | Path) -> Database:
    db = Database(str(path))
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    if str(path) != ":memory:":
        db.enable_wal()
    migrations.apply(db)
    return db
