"""Article, section and search-index writes and reads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from json.encoder import encode_basestring as _encode_str

from sqlite_utils import Database

from digests.dates import iso
from digests.models import DigestedArticle
from store.records import ArticleDetail, SaveResult, StoredArticle, StoredSection


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def owned_key(key: str, owner_chat: int | None) -> str:
    """The fingerprint an article is stored under: a reader's copy is keyed by their chat.

    Fingerprints are unique, so two readers sending the same link each get their own
    copy, and neither touches the shared library's article of that URL.
    """
    return key if owner_chat is None else f"chat:{owner_chat}:{key}"


def unchanged_article_id(
    db: Database, key: str, content_hash: str, owner_chat: int | None = None
) -> int | None:
    """The id of a stored article with this fingerprint and content, if any.

    Lets a re-ingest skip digesting articles that have not changed.  For a reader
    (``owner_chat``) the shared library's identical article counts as well: they can read
    it already, so it is not copied.
    """
    keys = [key] if owner_chat is None else [owned_key(key, owner_chat), key]
    for candidate in keys:
        # Plain sqlite3: ``db.query`` wraps a read in a savepoint (two more statements)
        # for the sake of statements that turn out not to return rows.
        row = db.conn.execute(
            "SELECT id FROM articles WHERE fingerprint = ? AND content_hash = ?",
            [candidate, content_hash],
        ).fetchone()
        if row:
            return int(row[0])
    return None


def save_article(
    db: Database, digested: DigestedArticle, owner_chat: int | None = None
) -> SaveResult:
    """Insert or update one article with its sections and search rows, atomically.

    ``owner_chat`` keeps the article for that chat only (a reader's digest on demand);
    ``None`` is the shared library.
    """
    # Imported here: the digest pipeline is heavy, and reading articles never needs it.
    from digests.summarize import fingerprint

    art = digested.article
    # A URL-less article's fingerprint is its content hash, which digesting computed
    # (``DigestedArticle.content_hash``): the text is not hashed again.
    key = owned_key(fingerprint(art) if art.url else f"hash:{digested.content_hash}", owner_chat)
    with db.atomic():
        existing = db.conn.execute(
            "SELECT id, content_hash, published FROM articles WHERE fingerprint = ?", [key]
        ).fetchone()
        if existing and existing[1] == digested.content_hash:
            published = iso(art.published)
            if published and existing[2] != published:
                # The same text, now with the publication date the reader found in it.
                db["articles"].update(existing[0], {"published": published})
            return SaveResult(existing[0], "unchanged", len(digested.sections))
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
            "owner_chat": owner_chat,
        }
        if existing:
            article_id = existing[0]
            db["articles"].update(article_id, row)
            _delete_children(db, article_id)
            status = "updated"
        else:
            row["ingested_at"] = stamp
            article_id = _insert_row(db, "articles", row)
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
    sections = digested.sections
    _insert_rows(
        db,
        "sections",
        ("article_id", "position", "heading", "text", "digest", "keywords"),
        [
            (article_id, position, sec.heading, sec.text, _json(sec.digest), _json(sec.keywords))
            for position, sec in enumerate(sections)
        ],
    )
    ids = [
        section_id
        for (section_id,) in db.conn.execute(
            "SELECT id FROM sections WHERE article_id = ? ORDER BY position", [article_id]
        )
    ]
    title_seg = " ".join(digested.title_tokens)
    _insert_rows(
        db,
        "search_index",
        ("title", "heading", "body", "digest", "article_id", "section_id"),
        [
            (
                title_seg,
                " ".join(sec.heading_tokens),
                " ".join(sec.tokens),
                " ".join(sec.digest_tokens),
                article_id,
                section_id,
            )
            for section_id, sec in zip(ids, sections, strict=True)
        ],
    )
    _insert_topics(db, article_id, ids, digested)
    _insert_mentions(db, article_id, ids, digested)


def _insert_topics(
    db: Database, article_id: int, section_ids: list[int], digested: DigestedArticle
) -> None:
    _insert_rows(
        db,
        "article_topics",
        ("article_id", "topic_id", "score", "rank"),
        [(article_id, t.topic_id, t.score, rank) for rank, t in enumerate(digested.topics)],
    )
    _insert_rows(
        db,
        "section_topics",
        ("section_id", "topic_id", "score"),
        [
            (section_id, t.topic_id, t.score)
            for section_id, sec in zip(section_ids, digested.sections, strict=True)
            for t in sec.topics
        ],
    )


def _insert_mentions(
    db: Database, article_id: int, section_ids: list[int], digested: DigestedArticle
) -> None:
    from store.reference import company_ids, save_companies  # the company tables: ingest only

    if digested.learned_companies:
        save_companies(db, list(digested.learned_companies), alias_source="learned")
    keys = {m.company_key for m in digested.mentions}
    if not keys:
        return
    ids = company_ids(db, keys)
    _insert_rows(
        db,
        "mentions",
        ("article_id", "section_id", "company_id", "sentence"),
        [
            (
                article_id,
                section_ids[m.section] if m.section >= 0 else None,
                ids[m.company_key],
                m.sentence,
            )
            for m in digested.mentions
            if m.company_key in ids
        ],
    )


def _insert_rows(
    db: Database, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    """Plain ``INSERT`` of rows given as tuples in ``columns``' order, in one
    ``executemany``.

    sqlite-utils' ``insert_all`` checks and converts every value of every row; these
    rows are built right here from typed fields (str, int, float, None), and an
    article's sections, index rows, topics and mentions are most of what ingest writes.
    Tuples, not dicts: nothing reads a row by name before SQLite does.
    """
    if rows:
        db.conn.executemany(_insert_sql(table, columns), rows)


@cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return (
        f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )


def _insert_row(db: Database, table: str, row: dict[str, object]) -> int:
    """Plain ``INSERT`` of one row; its rowid (the ``INTEGER PRIMARY KEY`` of these
    tables).  What sqlite-utils' ``insert`` writes for such a row, without its checks."""
    sql = (
        f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in row)}) "
        f"VALUES ({', '.join('?' * len(row))})"
    )
    rowid = db.conn.execute(sql, list(row.values())).lastrowid
    assert rowid is not None
    return rowid


_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)`` without building an encoder per call
(an article stores a few dozen JSON lists)."""


def _json(values: Sequence[str]) -> str:
    """``_ENCODE_JSON(list(values))`` for a list of strings, written as its C encoder
    writes one (``[``, each string's JSON, ``", "`` between, ``]``; ``[]`` when empty)
    without making that encoder for every call (2,480 lists per 100 articles: 3.4 ms
    -> 1.7 ms).  Anything but a string is left to the encoder itself."""
    try:
        return "[" + ", ".join(map(_encode_str, values)) + "]"
    except TypeError:
        return _ENCODE_JSON(list(values))


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


def list_articles(
    db: Database, limit: int | None = None, viewer: int | None = None
) -> list[StoredArticle]:
    """Newest first: by published date when known, else by ingestion order.

    The shared library, plus the viewing chat's own articles when ``viewer`` is given.
    """
    sql = (
        "SELECT * FROM articles WHERE (owner_chat IS NULL OR owner_chat = ?) "
        "ORDER BY COALESCE(published, ingested_at) DESC, id DESC" + (" LIMIT ?" if limit else "")
    )
    return [_article(r) for r in db.query(sql, [viewer, limit] if limit else [viewer])]


def get_article(db: Database, article_id: int, viewer: int | None = None) -> ArticleDetail | None:
    """One article with its sections, if the viewing chat may read it (else ``None``)."""
    rows = list(
        db.query(
            "SELECT * FROM articles WHERE id = ? AND (owner_chat IS NULL OR owner_chat = ?)",
            [article_id, viewer],
        )
    )
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


def library_version(db: Database) -> int:
    """A number that changes whenever an article is added or removed.

    Delivery keys its composition cache on it, so one cheap read per pass tells whether
    briefings composed earlier can still be reused.
    """
    row = next(db.query("SELECT MAX(id) AS newest, COUNT(*) AS n FROM articles"))
    return (row["newest"] or 0) * 1_000_003 + row["n"]


def article_owner(db: Database, article_id: int) -> int | None:
    """The chat an article belongs to; ``None`` for the shared library (or no such article)."""
    rows = list(db.query("SELECT owner_chat FROM articles WHERE id = ?", [article_id]))
    return rows[0]["owner_chat"] if rows else None


def share_article(db: Database, article_id: int) -> int | None:
    """Move a reader's article into the shared library (an operator's decision).

    Returns the shared article's id: this one, now shared, or the shared article that
    already had the same identity (then the reader's copy is left as it is).  ``None``
    when there is no such article.
    """
    with db.atomic():
        rows = list(
            db.query("SELECT fingerprint, owner_chat FROM articles WHERE id = ?", [article_id])
        )
        if not rows:
            return None
        owner = rows[0]["owner_chat"]
        if owner is None:
            return article_id
        key = rows[0]["fingerprint"].removeprefix(f"chat:{owner}:")
        shared = list(db.query("SELECT id FROM articles WHERE fingerprint = ?", [key]))
        if shared:
            return int(shared[0]["id"])
        db.execute(
            "UPDATE articles SET owner_chat = NULL, fingerprint = ?, updated_at = ? WHERE id = ?",
            [key, now_iso(), article_id],
        )
    return article_id


def delete_owned_articles(
    db: Database, owner_chat: int, article_ids: Sequence[int] | None = None
) -> int:
    """Delete the articles a chat had digested for itself: all of them (``/stop`` forgets
    the chat), or only ``article_ids`` among them (a digest stopped at its time limit)."""
    with db.atomic():
        ids = [
            r["id"] for r in db.query("SELECT id FROM articles WHERE owner_chat = ?", [owner_chat])
        ]
        if article_ids is not None:
            wanted = set(article_ids)
            ids = [i for i in ids if i in wanted]
        for article_id in ids:
            _delete_children(db, article_id)
            db.execute("DELETE FROM articles WHERE id = ?", [article_id])
    return len(ids)


def move_owned_articles(db: Database, old_chat: int, new_chat: int) -> None:
    """A group upgraded to a supergroup keeps its articles under the new id."""
    rows = list(db.query("SELECT id, fingerprint FROM articles WHERE owner_chat = ?", [old_chat]))
    with db.atomic():
        for r in rows:
            key = r["fingerprint"].removeprefix(f"chat:{old_chat}:")
            db.execute(
                "UPDATE OR IGNORE articles SET owner_chat = ?, fingerprint = ? WHERE id = ?",
                [new_chat, owned_key(key, new_chat), r["id"]],
            )


def newest_article_id(db: Database) -> int:
    """The highest article id so far (0 when empty): articles saved later have higher ids."""
    row = next(db.query("SELECT MAX(id) AS newest FROM articles"))
    return int(row["newest"] or 0)
