"""The delivery ledger: what each chat was sent, per local date, exactly once.

A briefing is *planned* (its article ids and rendered pieces stored) before anything
is sent, each piece's message id is recorded as it goes out, and the row becomes
*sent* in the same transaction that records the articles it carried.  A pass that
dies in the middle leaves a planned row that the next pass resumes from the first
unsent piece: only the piece in flight at the crash can be sent twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from store import follows
from store.articles import move_owned_articles, now_iso

PLANNED, SENT, EMPTY, FAILED = "planned", "sent", "empty", "failed"


@dataclass(frozen=True)
class Delivery:
    id: int
    chat_id: int
    local_date: str
    status: str
    article_ids: tuple[int, ...]
    pieces: tuple[str, ...]
    parts_sent: int
    message_ids: tuple[int, ...]
    attempts: int
    error: str | None


def _delivery(row: dict) -> Delivery:
    return Delivery(
        id=row["id"],
        chat_id=row["chat_id"],
        local_date=row["local_date"],
        status=row["status"],
        article_ids=tuple(json.loads(row["article_ids"] or "[]")),
        pieces=tuple(json.loads(row["pieces"] or "[]")),
        parts_sent=row["parts_sent"] or 0,
        message_ids=tuple(json.loads(row["message_ids"] or "[]")),
        attempts=row["attempts"] or 0,
        error=row["error"],
    )


def get_delivery(db: Database, chat_id: int, local_date: str) -> Delivery | None:
    rows = list(
        db.query(
            "SELECT * FROM deliveries WHERE chat_id = ? AND local_date = ?", [chat_id, local_date]
        )
    )
    return _delivery(rows[0]) if rows else None


def delivered_article_ids(db: Database, chat_id: int) -> set[int]:
    sql = "SELECT article_id FROM delivered_articles WHERE chat_id = ?"
    return {r[0] for r in db.execute(sql, [chat_id])}


def plan(
    db: Database, chat_id: int, local_date: str, article_ids: list[int], pieces: list[str]
) -> Delivery | None:
    """Record the briefing about to be sent; None if this chat's date is already taken."""
    status = PLANNED if pieces else EMPTY
    with db.atomic():
        if get_delivery(db, chat_id, local_date) is not None:
            return None
        db["deliveries"].insert(
            {
                "chat_id": chat_id,
                "local_date": local_date,
                "status": status,
                "article_ids": json.dumps(article_ids),
                "pieces": json.dumps(pieces, ensure_ascii=False),
                "parts_sent": 0,
                "message_ids": "[]",
                "attempts": 0,
                "planned_at": now_iso(),
            }
        )
    return get_delivery(db, chat_id, local_date)


def record_part(db: Database, delivery_id: int, message_id: int) -> None:
    """One more piece is out: remember its message id and where to resume."""
    with db.atomic():
        row = next(db.query("SELECT message_ids FROM deliveries WHERE id = ?", [delivery_id]))
        ids = [*json.loads(row["message_ids"] or "[]"), message_id]
        db.execute(
            "UPDATE deliveries SET parts_sent = ?, message_ids = ? WHERE id = ?",
            [len(ids), json.dumps(ids), delivery_id],
        )


def mark_sent(db: Database, delivery: Delivery) -> None:
    with db.atomic():
        db.execute(
            "UPDATE deliveries SET status = ?, sent_at = ?, error = NULL WHERE id = ?",
            [SENT, now_iso(), delivery.id],
        )
        db["delivered_articles"].insert_all(
            (
                {"chat_id": delivery.chat_id, "article_id": a, "delivery_id": delivery.id}
                for a in delivery.article_ids
            ),
            ignore=True,
        )


def mark_attempt(db: Database, delivery_id: int, error: str, final: bool) -> None:
    """A pass could not finish: count it; ``final`` gives up on this briefing."""
    with db.atomic():
        db.execute(
            "UPDATE deliveries SET attempts = attempts + 1, error = ?, status = ? WHERE id = ?",
            [error[:500], FAILED if final else PLANNED, delivery_id],
        )


def migrate_chat(db: Database, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move everything to the new chat id.

    The new chat row is created first and the old one deleted last, so foreign keys
    hold at every step.
    """
    with db.atomic():
        if not db["chats"].count_where("id = ?", [new_id]):
            db.execute(
                "INSERT INTO chats (id, type, title, language, timezone, brief_time, paused, "
                "active, intro_sent, enrolled, alerts, quiet, days, created_at, updated_at) "
                "SELECT ?, 'supergroup', title, language, timezone, brief_time, paused, active, "
                "intro_sent, enrolled, alerts, quiet, days, created_at, ? FROM chats WHERE id = ?",
                [new_id, now_iso(), old_id],
            )
        for table in ("subscriptions", "deliveries", "delivered_articles", "follows", "alerts"):
            db.execute(
                f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", [new_id, old_id]
            )
            db.execute(f"DELETE FROM {table} WHERE chat_id = ?", [old_id])
        move_owned_articles(db, old_id, new_id)
        db.execute("DELETE FROM chats WHERE id = ?", [old_id])
        follows.touch(db)  # the alert index must match the new id from now on


def last_delivery(db: Database) -> str | None:
    rows = list(db.query("SELECT MAX(sent_at) AS at FROM deliveries WHERE status = ?", [SENT]))
    return rows[0]["at"] if rows else None


def delivery_failures(db: Database) -> int:
    return db["deliveries"].count_where("status = ?", [FAILED])


def deliverable_chats(db: Database) -> list[int]:
    """Chats that get scheduled briefings (``ChatSettings.receives_briefings`` in SQL):
    active, enrolled, not paused, and private or with topics picked by the group's admins.
    ``tests/test_store.py`` checks every combination against the property."""
    return [
        r["id"]
        for r in db.query(
            "SELECT id FROM chats WHERE active = 1 AND paused = 0 AND enrolled = 1 "
            "AND (type = 'private' OR EXISTS (SELECT 1 FROM subscriptions s "
            "WHERE s.chat_id = chats.id))"
        )
    ]
