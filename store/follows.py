"""Follows: the companies and keywords a chat watches, its alert settings, and the
articles matching reads.

Every change to follows or to a chat's alert switch bumps ``follows_version`` in
``meta`` within the same transaction, so the running bot can tell with one read
whether its in-memory index of follows is still current.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from digests.follows import MatchArticle
from store.articles import now_iso
from store.meta import get_meta

MAX_FOLLOWS = 50
VERSION_KEY = "follows_version"
ADDED, EXISTS, FULL = "added", "exists", "full"
SHARED = "a.owner_chat IS NULL"
"""Articles in the shared library: a reader's own on-demand articles are never matched."""


@dataclass(frozen=True)
class Follow:
    id: int
    chat_id: int
    kind: str
    """'company' or 'keyword'."""
    key: str
    """Company directory key, or the normalised keyword."""
    label: str
    """What the reader sees: the company's name, or the keyword as typed."""
    created_at: str


def _follow(row: dict) -> Follow:
    return Follow(
        row["id"], row["chat_id"], row["kind"], row["key"], row["label"], row["created_at"]
    )


def _bump(db: Database) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE "
        "SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        [VERSION_KEY],
    )


def follows_version(db: Database) -> int:
    return int(get_meta(db, VERSION_KEY) or 0)


def touch(db: Database) -> None:
    """Follows changed hands (a group's chat id changed): indexes built on them are stale."""
    _bump(db)


def add_follow(db: Database, chat_id: int, kind: str, key: str, label: str) -> str:
    """'added', 'exists' (already followed) or 'full' (MAX_FOLLOWS reached)."""
    with db.atomic():
        if db["follows"].count_where("chat_id = ? AND kind = ? AND key = ?", [chat_id, kind, key]):
            return EXISTS
        if db["follows"].count_where("chat_id = ?", [chat_id]) >= MAX_FOLLOWS:
            return FULL
        db["follows"].insert(
            {
                "chat_id": chat_id,
                "kind": kind,
                "key": key,
                "label": label,
                "created_at": now_iso(),
            }
        )
        _bump(db)
        return ADDED


def remove_follow(db: Database, chat_id: int, kind: str, key: str) -> Follow | None:
    """Remove one follow; the removed follow, or None when the chat did not have it."""
    with db.atomic():
        rows = list(
            db.query(
                "SELECT * FROM follows WHERE chat_id = ? AND kind = ? AND key = ?",
                [chat_id, kind, key],
            )
        )
        if not rows:
            return None
        db.execute("DELETE FROM follows WHERE id = ?", [rows[0]["id"]])
        _bump(db)
        return _follow(rows[0])


def remove_follow_id(db: Database, chat_id: int, follow_id: int) -> Follow | None:
    """A remove button: by id, and only the pressing chat's own follow."""
    with db.atomic():
        rows = list(
            db.query("SELECT * FROM follows WHERE id = ? AND chat_id = ?", [follow_id, chat_id])
        )
        if not rows:
            return None
        db.execute("DELETE FROM follows WHERE id = ?", [follow_id])
        _bump(db)
        return _follow(rows[0])


def list_follows(db: Database, chat_id: int) -> list[Follow]:
    """Companies first, then keywords, each in the order they were followed."""
    return [
        _follow(r)
        for r in db.query(
            "SELECT * FROM follows WHERE chat_id = ? ORDER BY kind = 'keyword', created_at, id",
            [chat_id],
        )
    ]


def chat_follow_keys(db: Database, chat_id: int) -> list[tuple[str, str, str]]:
    """(kind, key, label) of a chat's follows: what composing its briefing needs."""
    return [
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT kind, key, label FROM follows WHERE chat_id = ? ORDER BY kind = 'keyword', id",
            [chat_id],
        ).fetchall()
    ]


def alerting_follows(db: Database) -> Iterator[tuple[int, str, str]]:
    """(chat id, kind, key) of every follow of a chat that wants alerts.

    Chats that blocked the bot are included: whether a chat is reachable changes
    without touching the follows version (a chat that writes again is active again),
    so an index built without them would leave them out after they came back.  The
    sender drops what it matched for a chat that is still unreachable."""
    cursor = db.execute(
        "SELECT f.chat_id, f.kind, f.key FROM follows f JOIN chats c ON c.id = f.chat_id "
        "WHERE c.alerts = 1"
    )
    yield from cursor


def all_follows(db: Database) -> Iterator[tuple[int, str, str]]:
    """(chat id, kind, key) of every follow (the fan-out benchmark's full index)."""
    yield from db.execute("SELECT chat_id, kind, key FROM follows")


def _set(db: Database, chat_id: int, **fields: object) -> None:
    with db.atomic():
        db["chats"].update(chat_id, {**fields, "updated_at": now_iso()})
        _bump(db)


def set_alerts(db: Database, chat_id: int, on: bool) -> None:
    _set(db, chat_id, alerts=int(on))


def set_quiet(db: Database, chat_id: int, window: str | None) -> None:
    """'HH:MM-HH:MM' in the chat's zone, or None for no quiet hours."""
    _set(db, chat_id, quiet=window)


def set_days(db: Database, chat_id: int, days: str) -> None:
    """'all' or 'weekdays'."""
    _set(db, chat_id, days=days)


# --- articles as matching reads them ----------------------------------------------


def _companies(db: Database, article_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = {}
    if not article_ids:
        return found
    marks = ",".join("?" * len(article_ids))
    for r in db.execute(
        "SELECT m.article_id, c.key, m.sentence FROM mentions m "
        f"JOIN companies c ON c.id = m.company_id WHERE m.article_id IN ({marks}) ORDER BY m.id",
        list(article_ids),
    ):
        sentences = found.setdefault(r[0], {}).setdefault(r[1], [])
        if r[2] and r[2] not in sentences:
            sentences.append(r[2])
    return found


def _texts(db: Database, article_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not article_ids:
        return found
    marks = ",".join("?" * len(article_ids))
    for r in db.execute(
        f"SELECT article_id, text FROM sections WHERE article_id IN ({marks}) "
        "ORDER BY article_id, position",
        list(article_ids),
    ):
        found.setdefault(r[0], []).append(r[1] or "")
    return found


def match_articles(db: Database, rows: Sequence[dict]) -> list[MatchArticle]:
    ids = [r["id"] for r in rows]
    companies = _companies(db, ids)
    texts = _texts(db, ids)
    return [
        MatchArticle(
            id=r["id"],
            title=r["title"],
            texts=tuple(texts.get(r["id"], ())),
            companies={k: tuple(v) for k, v in companies.get(r["id"], {}).items()},
            url=r["url"],
            published=r["published"],
        )
        for r in rows
    ]


def recent_articles(db: Database, limit: int) -> list[MatchArticle]:
    """The newest ``limit`` shared articles, newest first: the briefing's follow window."""
    rows = list(
        db.query(
            f"SELECT a.id, a.title, a.url, a.published FROM articles a WHERE {SHARED} "
            "ORDER BY COALESCE(a.published, a.ingested_at) DESC, a.id DESC LIMIT ?",
            [limit],
        )
    )
    return match_articles(db, rows)


def articles_after(db: Database, after_id: int, limit: int) -> list[MatchArticle]:
    """Shared articles stored after ``after_id`` (oldest first): what alerts look at."""
    rows = list(
        db.query(
            f"SELECT a.id, a.title, a.url, a.published FROM articles a WHERE {SHARED} "
            "AND a.id > ? ORDER BY a.id LIMIT ?",
            [after_id, limit],
        )
    )
    return match_articles(db, rows)


def newest_article_id(db: Database) -> int:
    """The newest shared article: alerts start after it.  A reader's own article is left
    out, since deleting it (``/stop``) would let the next shared article reuse its id."""
    return next(db.query(f"SELECT COALESCE(MAX(a.id), 0) AS n FROM articles a WHERE {SHARED}"))["n"]
