"""Feeds polled for new articles: from BRIEFBOT_FEEDS and from operators' /feeds add."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from store.articles import now_iso


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    origin: str
    etag: str | None
    last_modified: str | None
    last_checked: str | None
    last_success: str | None
    last_error: str | None
    articles: int


def _feed(row: dict) -> Feed:
    return Feed(
        row["id"],
        row["url"],
        row["origin"],
        row["etag"],
        row["last_modified"],
        row["last_checked"],
        row["last_success"],
        row["last_error"],
        row["articles"] or 0,
    )


def list_feeds(db: Database) -> list[Feed]:
    return [_feed(r) for r in db.query("SELECT * FROM feeds ORDER BY id")]


def add_feed(db: Database, url: str, origin: str) -> bool:
    """False when the feed is already polled."""
    with db.atomic():
        if db["feeds"].count_where("url = ?", [url]):
            return False
        db["feeds"].insert({"url": url, "origin": origin, "articles": 0, "added_at": now_iso()})
        return True


def remove_feed(db: Database, feed_id: int) -> bool:
    with db.atomic():
        return db.execute("DELETE FROM feeds WHERE id = ?", [feed_id]).rowcount > 0


def record_check(
    db: Database,
    feed_id: int,
    *,
    ok: bool,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    new_articles: int = 0,
) -> None:
    stamp = now_iso()
    with db.atomic():
        if ok:
            db.execute(
                "UPDATE feeds SET last_checked = ?, last_success = ?, last_error = NULL, "
                "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), "
                "articles = articles + ? WHERE id = ?",
                [stamp, stamp, etag, last_modified, new_articles, feed_id],
            )
        else:
            db.execute(
                "UPDATE feeds SET last_checked = ?, last_error = ? WHERE id = ?",
                [stamp, (error or "failed")[:300], feed_id],
            )


def failing_feeds(db: Database) -> int:
    return db["feeds"].count_where("last_error IS NOT NULL")
