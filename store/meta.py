"""Small persistent settings the program generates itself (e.g. the webhook secret)."""

from __future__ import annotations

import secrets

from sqlite_utils import Database

WEBHOOK_SECRET = "webhook_secret"


def get_meta(db: Database, key: str) -> str | None:
    rows = list(db.query("SELECT value FROM meta WHERE key = ?", [key]))
    return rows[0]["value"] if rows else None


def webhook_secret(db: Database) -> str:
    """The persisted webhook secret, generated on first use (Telegram allows [A-Za-z0-9_-])."""
    with db.atomic():
        existing = get_meta(db, WEBHOOK_SECRET)
        if existing:
            return existing
        value = secrets.token_urlsafe(32)
        db["meta"].upsert({"key": WEBHOOK_SECRET, "value": value}, pk="key")
        return value
