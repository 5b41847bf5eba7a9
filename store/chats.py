"""Chats (private or group subscribers), their settings and topic subscriptions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from store.articles import delete_owned_articles, now_iso


@dataclass(frozen=True)
class ChatSettings:
    id: int
    type: str
    title: str | None
    language: str | None
    """Reply language chosen with /lang; None means 'from the user's Telegram language'."""
    timezone: str | None
    brief_time: str | None
    paused: bool
    active: bool
    topics: tuple[str, ...]
    enrolled: bool = False
    """The chat asked for daily briefings (/start, picking topics, /resume)."""
    alerts: bool = False
    """Instant alerts for followed companies and keywords (/alerts on)."""
    quiet: str | None = None
    """'HH:MM-HH:MM' in the chat's zone: alerts held until it ends (/quiet)."""
    days: str = "all"
    """'all' or 'weekdays': which local days get the daily briefing (/days)."""

    @property
    def receives_briefings(self) -> bool:
        """Whether daily briefings go to this chat.

        Reading commands never enrol a chat, so a chat that only asked a question (or wrote
        after /stop) is never pushed to; a group is pushed to only once its admins picked
        topics, since an all-topics push would be noise in a shared chat.
        """
        if not (self.active and self.enrolled) or self.paused:
            return False
        return self.type == "private" or bool(self.topics)


@dataclass(frozen=True)
class Stats:
    articles: int
    chats: int
    active_chats: int
    subscriptions: int
    last_ingest: str | None
    last_ingest_status: str | None
    ingest_errors: int


def register_chat(db: Database, chat_id: int, chat_type: str, title: str | None) -> ChatSettings:
    """Create the chat on first contact; a chat that writes again becomes active again."""
    stamp = now_iso()
    with db.atomic():
        if db["chats"].count_where("id = ?", [chat_id]):
            db.execute(
                "UPDATE chats SET type = ?, title = ?, active = 1, updated_at = ? WHERE id = ?",
                [chat_type, title, stamp, chat_id],
            )
        else:
            db["chats"].insert(
                {
                    "id": chat_id,
                    "type": chat_type,
                    "title": title,
                    "paused": 0,
                    "active": 1,
                    "intro_sent": 0,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
    chat = get_chat(db, chat_id)
    assert chat is not None
    return chat


def get_chat(db: Database, chat_id: int) -> ChatSettings | None:
    # Plain cursors, not db.query: a delivery pass reads 100,000 chats this way.
    # One query, the topics folded in: a delivery pass reads 100,000 chats, and a second
    # query per chat cost about a tenth of reading them.  Topic ids are slugs
    # ([a-z0-9_]), so a comma never occurs inside one.
    cursor = db.execute(
        "SELECT *, (SELECT group_concat(topic_id, ',') FROM (SELECT topic_id FROM "
        "subscriptions WHERE chat_id = chats.id ORDER BY created_at, topic_id)) "
        "AS topic_list FROM chats WHERE id = ?",
        [chat_id],
    )
    found = cursor.fetchone()
    if found is None:
        return None
    row = dict(zip((d[0] for d in cursor.description), found, strict=True))
    topics = tuple(row["topic_list"].split(",")) if row["topic_list"] else ()
    return ChatSettings(
        id=row["id"],
        type=row["type"],
        title=row["title"],
        language=row["language"],
        timezone=row["timezone"],
        brief_time=row["brief_time"],
        paused=bool(row["paused"]),
        active=bool(row["active"]),
        topics=topics,
        enrolled=bool(row["enrolled"]),
        alerts=bool(row.get("alerts")),
        quiet=row.get("quiet"),
        days=row.get("days") or "all",
    )


def _update(db: Database, chat_id: int, **fields: object) -> None:
    with db.atomic():
        db["chats"].update(chat_id, {**fields, "updated_at": now_iso()})


def set_language(db: Database, chat_id: int, language: str | None) -> None:
    _update(db, chat_id, language=language)


def set_timezone(db: Database, chat_id: int, timezone: str) -> None:
    _update(db, chat_id, timezone=timezone)


def set_brief_time(db: Database, chat_id: int, brief_time: str) -> None:
    _update(db, chat_id, brief_time=brief_time)


def set_paused(db: Database, chat_id: int, paused: bool) -> None:
    _update(db, chat_id, paused=int(paused))


def set_active(db: Database, chat_id: int, active: bool) -> None:
    _update(db, chat_id, active=int(active))


def enrol(db: Database, chat_id: int) -> None:
    """The chat asked for daily briefings."""
    _update(db, chat_id, enrolled=1)


def subscribe(db: Database, chat_id: int, topic_id: str) -> bool:
    """Subscribe; False when the chat already had the topic."""
    with db.atomic():
        if db["subscriptions"].count_where("chat_id = ? AND topic_id = ?", [chat_id, topic_id]):
            return False
        db["subscriptions"].insert(
            {"chat_id": chat_id, "topic_id": topic_id, "created_at": now_iso()}
        )
        # Picking a topic is asking for briefings on it.
        db.execute("UPDATE chats SET enrolled = 1 WHERE id = ?", [chat_id])
        return True


def unsubscribe(db: Database, chat_id: int, topic_id: str) -> bool:
    """Unsubscribe; False when the chat did not have the topic."""
    with db.atomic():
        cursor = db.execute(
            "DELETE FROM subscriptions WHERE chat_id = ? AND topic_id = ?", [chat_id, topic_id]
        )
        return cursor.rowcount > 0


def toggle(db: Database, chat_id: int, topic_id: str) -> bool:
    """Flip a subscription; returns whether the chat is now subscribed."""
    with db.atomic():
        if unsubscribe(db, chat_id, topic_id):
            return False
        subscribe(db, chat_id, topic_id)
        return True


def mark_intro_sent(db: Database, chat_id: int) -> bool:
    """True the first time only: a group hears the bot introduce itself once."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE chats SET intro_sent = 1, updated_at = ? WHERE id = ? AND intro_sent = 0",
            [now_iso(), chat_id],
        )
        return cursor.rowcount > 0


def delete_chat(db: Database, chat_id: int) -> None:
    """Forget everything stored about a chat (/stop)."""
    with db.atomic():
        db.execute("DELETE FROM subscriptions WHERE chat_id = ?", [chat_id])
        db.execute("DELETE FROM follows WHERE chat_id = ?", [chat_id])
        db.execute("DELETE FROM alerts WHERE chat_id = ?", [chat_id])
        db.execute("DELETE FROM delivered_articles WHERE chat_id = ?", [chat_id])
        db.execute("DELETE FROM deliveries WHERE chat_id = ?", [chat_id])
        delete_owned_articles(db, chat_id)  # what the chat had digested for itself
        db.execute("DELETE FROM chats WHERE id = ?", [chat_id])


def stats(db: Database) -> Stats:
    last = list(db.query("SELECT finished_at, status FROM ingestions ORDER BY id DESC LIMIT 1"))
    return Stats(
        articles=db["articles"].count,
        chats=db["chats"].count,
        active_chats=db["chats"].count_where("active = 1"),
        subscriptions=db["subscriptions"].count,
        last_ingest=last[0]["finished_at"] if last else None,
        last_ingest_status=last[0]["status"] if last else None,
        ingest_errors=db["ingestions"].count_where("status = 'error'"),
    )
