"""Article, section and search-index writes and reads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlite_utils import Database

from digests.dates import iso
from digests.models import DigestedArticle
from digests.summarize import fingerprint
from store.records import ArticleDetail, SaveResult, StoredArticle, StoredSection
from store.reference import save_companies


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def unchanged_article_id(db: Database, key: str, content_hash: str) -> int | None:
    """The id of a stored article with this fingerprint and content, if any.

    Lets a re-ingest skip digesting articles that have not changed.
    """
    rows = list(
        db.query(
            "SELECT id FROM articles WHERE fingerprint = ? AND content_hash = ?",
            [key, content_hash],
        )
    )
    return rows[0]["id"] if rows else None


def save_article(db: Database, digested: DigestedArticle) -> SaveResult:
    """Insert or update one article with its sections and search rows, atomically."""
    art = digested.article
    key = fingerprint(art)
    with db.atomic():
        existing = list(
            db.query("SELECT id, content_hash FROM articles WHERE fingerprint = ?", [key])
        )
        if existing and existing[0]["content_hash"] == digested.content_hash:
            return SaveResult(existing[0]["id"], "unchanged", len(digested.sections))
        stamp = now_iso()
        row = {
            "fingerprint": key,
            "title": art.title,
            "url": art.url,
            "published": iso(art.published),
            "source": art.source,
            "source_kind": art.source_kind,
            "content_hash": digested.content_hash,
            "summary": _json(digested.summary),
            "keywords": _json(digested.keywords),
            "key_figures": _json(digested.key_figures),
            "section_count": len(digested.sections),
            "updated_at": stamp,
        }
        if existing:
            article_id = existing[0]["id"]
            db["articles"].update(article_id, row)
            _delete_children(db, article_id)
            status = "updated"
        else:
            row["ingested_at"] = stamp
            article_id = db["articles"].insert(row).last_pk
            status = "new"
        _insert_sections(db, article_id, digested)
    return SaveResult(article_id, status, len(digested.sections))


def _delete_children(db: Database, article_id: int) -> None:
    db.execute("DELETE FROM search_index WHERE article_id = ?", [article_id])
    db.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
    db.execute("DELETE FROM article_topics WHERE article_id = ?", [article_id])
    db.execute(
        "DELETE FROM section_topics WHERE section_id IN "
        "(SELECT id FROM sections WHERE article_id = ?)",
        [article_id],
    )
    db.execute("DELETE FROM sections WHERE article_id = ?", [article_id])


def _insert_sections(db: Database, article_id: int, digested: DigestedArticle) -> None:
    title_seg = " ".join(digested.title_tokens)
    section_rows = []
    for position, sec in enumerate(digested.sections):
        section_rows.append(
            {
                "article_id": article_id,
                "position": position,
                "heading": sec.heading,
                "text": sec.text,
                "digest": _json(sec.digest),
                "keywords": _json(sec.keywords),
            }
        )
    db["sections"].insert_all(section_rows)
    ids = [
        r["id"]
        for r in db.query(
            "SELECT id FROM sections WHERE article_id = ? ORDER BY position", [article_id]
        )
    ]
    search_rows = []
    for section_id, sec in zip(ids, digested.sections, strict=True):
        search_rows.append(
            {
                "title": title_seg,
                "heading": " ".join(sec.heading_tokens),
                "body": " ".join(sec.tokens),
                "digest": " ".join(sec.digest_tokens),
                "article_id": article_id,
                "section_id": section_id,
            }
        )
    db["search_index"].insert_all(search_rows)
    _insert_topics(db, article_id, ids, digested)
    _insert_mentions(db, article_id, ids, digested)


def _insert_topics(
    db: Database, article_id: int, section_ids: list[int], digested: DigestedArticle
) -> None:
    db["article_topics"].insert_all(
        {"article_id": article_id, "topic_id": t.topic_id, "score": t.score, "rank": rank}
        for rank, t in enumerate(digested.topics)
    )
    db["section_topics"].insert_all(
        {"section_id": section_id, "topic_id": t.topic_id, "score": t.score}
        for section_id, sec in zip(section_ids, digested.sections, strict=True)
        for t in sec.topics
    )


def _insert_mentions(
    db: Database, article_id: int, section_ids: list[int], digested: DigestedArticle
) -> None:
    if digested.learned_companies:
        save_companies(db, list(digested.learned_companies), alias_source="learned")
    keys = {m.company_key for m in digested.mentions}
    if not keys:
        return
    placeholders = ",".join("?" * len(keys))
    ids = {
        r["key"]: r["id"]
        for r in db.query(
            f"SELECT key, id FROM companies WHERE key IN ({placeholders})", list(keys)
        )
    }
    db["mentions"].insert_all(
        {
            "article_id": article_id,
            "section_id": section_ids[m.section] if m.section >= 0 else None,
            "company_id": ids[m.company_key],
            "sentence": m.sentence,
        }
        for m in digested.mentions
        if m.company_key in ids
    )


def _json(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(json.loads(value)) if value else ()


def _article(row: dict) -> StoredArticle:
    return StoredArticle(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        published=row["published"],
        source=row["source"],
        source_kind=row["source_kind"],
        section_count=row["section_count"] or 0,
        summary=_list(row["summary"]),
        keywords=_list(row["keywords"]),
        key_figures=_list(row["key_figures"]),
        ingested_at=row["ingested_at"],
        updated_at=row["updated_at"],
    )


def list_articles(db: Database, limit: int | None = None) -> list[StoredArticle]:
    """Newest first: by published date when known, else by ingestion order."""
    sql = "SELECT * FROM articles ORDER BY COALESCE(published, ingested_at) DESC, id DESC" + (
        " LIMIT ?" if limit else ""
    )
    return [_article(r) for r in db.query(sql, [limit] if limit else [])]


def get_article(db: Database, article_id: int) -> ArticleDetail | None:
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not rows:
        return None
    sections = tuple(
        StoredSection(r["heading"], _list(r["digest"]), _list(r["keywords"]))
        for r in db.query(
            "SELECT heading, digest, keywords FROM sections WHERE article_id = ? ORDER BY position",
            [article_id],
        )
    )
    return ArticleDetail(_article(rows[0]), sections)


def count_articles(db: Database) -> int:
    return db["articles"].count


def library_version(db: Database) -> int:
    """A number that changes whenever an article is added or removed.

    Delivery keys its composition cache on it, so one cheap read per pass tells whether
    briefings composed earlier can still be reused.
    """
    row = next(db.query("SELECT MAX(id) AS newest, COUNT(*) AS n FROM articles"))
    return (row["newest"] or 0) * 1_000_003 + row["n"]
