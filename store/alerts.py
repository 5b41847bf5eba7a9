"""The alert ledger: which article each chat was alerted about, exactly once.

A sweep matches the articles stored after the *watermark* and, in one transaction,
writes a *pending* row per (chat, article) and moves the watermark past them: an
article is matched once, whatever crashes.  Sending turns a row *sent* (with its
message id) right after Telegram accepted it, so a crash between the two repeats only
the message in flight.  Rows over the hourly cap become *folded* (left to the
briefing, optionally counted in one pending "and N more" note, ``article_id`` NULL);
rows whose chat turned alerts off, unfollowed, or left become *dropped*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from store.meta import get_meta

PENDING, SENT, FOLDED, DROPPED = "pending", "sent", "folded", "dropped"
MORE = "more"
"""``kind`` of an "and N more" note."""
WATERMARK_KEY = "alerts_watermark"


@dataclass(frozen=True)
class Alert:
    id: int
    chat_id: int
    article_id: int | None
    kind: str
    """'company', 'keyword' or 'more'."""
    key: str | None
    label: str | None
    """The follow's label as the chat sees it (None once the chat unfollowed)."""
    sentence: str | None
    folded: int
    """For a 'more' note: how many alerts it stands for."""
    state: str
    title: str | None
    url: str | None


@dataclass(frozen=True)
class Match:
    chat_id: int
    article_id: int
    kind: str
    key: str
    sentence: str


def watermark(db: Database) -> int | None:
    value = get_meta(db, WATERMARK_KEY)
    return int(value) if value is not None else None


def _set_watermark(db: Database, value: int) -> None:
    db["meta"].upsert({"key": WATERMARK_KEY, "value": str(value)}, pk="key")


def start_watermark(db: Database, value: int) -> None:
    """First sweep ever: the articles already stored are history, not news."""
    with db.atomic():
        if watermark(db) is None:
            _set_watermark(db, value)


def record_matches(db: Database, matches: Iterable[Match], new_watermark: int, at: str) -> int:
    """Plan the alerts of a batch of new articles and move the watermark, atomically.

    A chat already alerted (or folded) about an article is never planned again.
    """
    rows = [
        {
            "chat_id": m.chat_id,
            "article_id": m.article_id,
            "kind": m.kind,
            "key": m.key,
            "sentence": m.sentence,
            "folded": 0,
            "state": PENDING,
            "created_at": at,
        }
        for m in matches
    ]
    with db.atomic():
        before = db["alerts"].count
        if rows:
            db["alerts"].insert_all(rows, ignore=True, batch_size=500)
        _set_watermark(db, new_watermark)
        return db["alerts"].count - before


def pending_chats(db: Database) -> list[int]:
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT chat_id FROM alerts WHERE state = ? ORDER BY chat_id", [PENDING]
        )
    ]


def pending(db: Database, chat_id: int) -> list[Alert]:
    """The chat's pending alerts in the order planned (a note after what it follows)."""
    rows = db.query(
        "SELECT al.*, f.label AS follow_label, a.title, a.url FROM alerts al "
        "LEFT JOIN follows f ON f.chat_id = al.chat_id AND f.kind = al.kind AND f.key = al.key "
        "LEFT JOIN articles a ON a.id = al.article_id "
        "WHERE al.chat_id = ? AND al.state = ? ORDER BY al.id",
        [chat_id, PENDING],
    )
    return [
        Alert(
            id=r["id"],
            chat_id=r["chat_id"],
            article_id=r["article_id"],
            kind=r["kind"],
            key=r["key"],
            label=r["follow_label"],
            sentence=r["sentence"],
            folded=r["folded"] or 0,
            state=r["state"],
            title=r["title"],
            url=r["url"],
        )
        for r in rows
    ]


def sent_since(db: Database, chat_id: int, since: str) -> int:
    """Alert messages (notes included) the chat got at or after ``since`` (ISO, UTC)."""
    return db["alerts"].count_where(
        "chat_id = ? AND state = ? AND sent_at >= ?", [chat_id, SENT, since]
    )


def mark_sent(db: Database, alert_id: int, message_id: int, at: str) -> None:
    with db.atomic():
        db.execute(
            "UPDATE alerts SET state = ?, sent_at = ?, message_id = ? WHERE id = ? AND state = ?",
            [SENT, at, message_id, alert_id, PENDING],
        )


def mark(db: Database, alert_ids: Sequence[int], state: str, error: str | None = None) -> None:
    """Fold or drop alerts that will not be sent."""
    if not alert_ids:
        return
    with db.atomic():
        marks = ",".join("?" * len(alert_ids))
        db.execute(
            f"UPDATE alerts SET state = ?, error = ? WHERE id IN ({marks}) AND state = ?",
            [state, error, *alert_ids, PENDING],
        )


def fold(db: Database, chat_id: int, alert_ids: Sequence[int], at: str, note: bool) -> None:
    """Alerts over the hourly cap are left to the briefing; ``note`` plans one
    "and N more" message for them, in the same transaction."""
    with db.atomic():
        mark(db, alert_ids, FOLDED, "hourly cap")
        if note and alert_ids:
            db["alerts"].insert(
                {
                    "chat_id": chat_id,
                    "article_id": None,
                    "kind": MORE,
                    "folded": len(alert_ids),
                    "state": PENDING,
                    "created_at": at,
                }
            )


def alerted_article_ids(db: Database, chat_id: int) -> set[int]:
    """Articles the chat already got an alert for (its briefing marks them)."""
    return {
        r[0]
        for r in db.execute(
            "SELECT article_id FROM alerts WHERE chat_id = ? AND state = ? "
            "AND article_id IS NOT NULL",
            [chat_id, SENT],
        )
    }


def counts(db: Database) -> dict[str, int]:
    return {r[0]: r[1] for r in db.execute("SELECT state, COUNT(*) FROM alerts GROUP BY state")}
