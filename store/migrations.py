"""Schema history.  Append new migrations; never edit one that has shipped."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("briefbot")


@migrations()
def m001_articles_sections_ingestions(db: Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "fingerprint": str,
            "title": str,
            "url": str,
            "published": str,
            "source": str,
            "source_kind": str,
            "content_hash": str,
            "summary": str,
            "keywords": str,
            "key_figures": str,
            "section_count": int,
            "ingested_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"fingerprint", "title", "source", "source_kind", "content_hash"},
    )
    db["articles"].create_index(["fingerprint"], unique=True)
    db["articles"].create_index(["url"])
    db["articles"].create_index(["published"])
    db["sections"].create(
        {
            "id": int,
            "article_id": int,
            "position": int,
            "heading": str,
            "text": str,
            "digest": str,
            "keywords": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "position", "heading", "text"},
    )
    db["sections"].create_index(["article_id", "position"], unique=True)
    db["ingestions"].create(
        {
            "id": int,
            "source": str,
            "kind": str,
            "status": str,
            "error": str,
            "articles": int,
            "new": int,
            "updated": int,
            "unchanged": int,
            "sections": int,
            "started_at": str,
            "finished_at": str,
            "duration_ms": int,
        },
        pk="id",
        not_null={"source", "status", "started_at"},
    )
    db["ingestions"].create_index(["started_at"])
    # Full-text search over jieba-segmented Simplified text: one row per section,
    # words separated by spaces so FTS5's unicode61 tokenizer sees Chinese words.
    db.execute(
        """
        CREATE VIRTUAL TABLE search_index USING fts5(
            title, heading, body, digest,
            article_id UNINDEXED, section_id UNINDEXED,
            tokenize = 'unicode61 remove_diacritics 2'
        )
        """
    )


@migrations()
def m002_topics_companies_mentions(db: Database) -> None:
    db["topics"].create({"id": str, "name": str, "aliases": str}, pk="id")
    db["article_topics"].create(
        {"article_id": int, "topic_id": str, "score": float, "rank": int},
        pk=("article_id", "topic_id"),
        foreign_keys=[("article_id", "articles", "id"), ("topic_id", "topics", "id")],
    )
    db["article_topics"].create_index(["topic_id", "article_id"])
    db["section_topics"].create(
        {"section_id": int, "topic_id": str, "score": float},
        pk=("section_id", "topic_id"),
        foreign_keys=[("section_id", "sections", "id"), ("topic_id", "topics", "id")],
    )
    db["section_topics"].create_index(["topic_id", "score"])
    db["companies"].create(
        {
            "id": int,
            "key": str,
            "name": str,
            "ticker": str,
            "market": str,
            "industry": str,
            "source": str,
        },
        pk="id",
        not_null={"key", "name", "source"},
    )
    db["companies"].create_index(["key"], unique=True)
    db["company_aliases"].create(
        {"company_id": int, "alias": str, "source": str},
        pk=("company_id", "alias"),
        foreign_keys=[("company_id", "companies", "id")],
    )
    db["mentions"].create(
        {
            "id": int,
            "article_id": int,
            "section_id": int,
            "company_id": int,
            "sentence": str,
        },
        pk="id",
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("section_id", "sections", "id"),
            ("company_id", "companies", "id"),
        ],
    )
    db["mentions"].create_index(["company_id", "article_id"])
    db["mentions"].create_index(["article_id"])
    db["meta"].create({"key": str, "value": str}, pk="key")


@migrations()
def m003_chats_subscriptions(db: Database) -> None:
    db["chats"].create(
        {
            "id": int,
            "type": str,
            "title": str,
            "language": str,
            "timezone": str,
            "brief_time": str,
            "paused": int,
            "active": int,
            "intro_sent": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"type", "created_at"},
        defaults={"paused": 0, "active": 1, "intro_sent": 0},
    )
    db["subscriptions"].create(
        {"chat_id": int, "topic_id": str, "created_at": str},
        pk=("chat_id", "topic_id"),
        foreign_keys=[("chat_id", "chats", "id"), ("topic_id", "topics", "id")],
    )
    db["subscriptions"].create_index(["topic_id"])


@migrations()
def m004_deliveries_feeds(db: Database) -> None:
    # One row per (chat, local date): planned -> sent (or empty / failed), so a crash,
    # a restart or a second `deliver` never sends a briefing twice or skips one.
    db["deliveries"].create(
        {
            "id": int,
            "chat_id": int,
            "local_date": str,
            "status": str,
            "article_ids": str,
            "pieces": str,
            "parts_sent": int,
            "message_ids": str,
            "attempts": int,
            "error": str,
            "planned_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={"chat_id", "local_date", "status", "planned_at"},
        defaults={"parts_sent": 0, "attempts": 0},
    )
    db["deliveries"].create_index(["chat_id", "local_date"], unique=True)
    db["deliveries"].create_index(["status"])
    # Which articles each chat has received, so a briefing never repeats one.
    db["delivered_articles"].create(
        {"chat_id": int, "article_id": int, "delivery_id": int},
        pk=("chat_id", "article_id"),
    )
    db["feeds"].create(
        {
            "id": int,
            "url": str,
            "origin": str,
            "etag": str,
            "last_modified": str,
            "last_checked": str,
            "last_success": str,
            "last_error": str,
            "articles": int,
            "added_at": str,
        },
        pk="id",
        not_null={"url", "origin", "added_at"},
        defaults={"articles": 0},
    )
    db["feeds"].create_index(["url"], unique=True)


@migrations()
def m005_ingestion_warnings(db: Database) -> None:
    """A source read with reservations (a feed salvaged from ill-formed XML) says so."""
    db["ingestions"].add_column("warnings", str)


@migrations()
def m006_chat_enrolment(db: Database) -> None:
    """A chat receives daily briefings only once it asked for them (/start, topics, /resume).

    Chats that existed before this migration were already receiving briefings, so they
    stay enrolled; chats created from now on start unenrolled.
    """
    db["chats"].add_column("enrolled", int, not_null_default=0)
    db.execute("UPDATE chats SET enrolled = 1")


@migrations()
def m007_follows_alerts(db: Database) -> None:
    """Follows (companies and keywords), the alert ledger, and per-chat alert settings.

    ``alerts`` holds one row per message an alert sweep decided to send: an article for a
    chat (``article_id`` set, unique per chat) or an "and N more" note (``article_id``
    NULL).  A row is written *pending* before the send and becomes *sent* after it, so a
    crash repeats at most the message in flight; articles folded into a note or left to
    the briefing are *folded*, so they are never alerted later either.
    """
    db["follows"].create(
        {
            "id": int,
            "chat_id": int,
            "kind": str,
            "key": str,
            "label": str,
            "created_at": str,
        },
        pk="id",
        not_null={"chat_id", "kind", "key", "label", "created_at"},
    )
    db["follows"].create_index(["chat_id", "kind", "key"], unique=True)
    db["follows"].create_index(["kind", "key"])
    db["alerts"].create(
        {
            "id": int,
            "chat_id": int,
            "article_id": int,
            "kind": str,
            "key": str,
            "label": str,
            "sentence": str,
            "folded": int,
            "state": str,
            "created_at": str,
            "sent_at": str,
            "message_id": int,
            "error": str,
        },
        pk="id",
        not_null={"chat_id", "kind", "state", "created_at"},
        defaults={"folded": 0},
    )
    db["alerts"].create_index(["chat_id", "article_id"], unique=True)
    db["alerts"].create_index(["state", "chat_id"])
    db["alerts"].create_index(["chat_id", "sent_at"])
    db["chats"].add_column("alerts", int, not_null_default=0)
    db["chats"].add_column("quiet", str)
    db["chats"].add_column("days", str, not_null_default="all")


@migrations()
def m008_article_owner(db: Database) -> None:
    """What a reader sends the bot is kept for their chat only (issue 12).

    ``owner_chat`` NULL is the shared library (ingest, feeds, operators); a chat id marks
    an article a reader had digested on demand: only that chat's reads see it, and
    briefings and alerts never carry it, so nobody can push text into everyone's feed.
    """
    db["articles"].add_column("owner_chat", int)
    db["articles"].create_index(["owner_chat"])
