"""What every answer shares: how far back it reads, and chunked ``IN`` lists."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

RECENT_ARTICLES = 200
"""How many of a company's or topic's newest articles feed summaries and rankings."""


def chunks(items: list[int], size: int) -> list[list[int]]:
    """``items`` in pieces small enough for one ``IN (...)`` (SQLite caps bound variables)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def visible(alias: str = "a") -> str:
    """The SQL condition that an article (table alias ``alias``) is one a chat may read.

    Shared articles (``owner_chat`` NULL) are everyone's; an article a reader had digested
    is only theirs.  Bind the viewing chat's id (``None``: the shared library only, as the
    command line, briefings and alerts read it).
    """
    return f"({alias}.owner_chat IS NULL OR {alias}.owner_chat = ?)"


def hidden_ids(db: Database, article_ids: Iterable[int], viewer: int | None) -> set[int]:
    """Which of ``article_ids`` the viewing chat may not read (other readers' articles).

    For answers that gather evidence from indexes without touching ``articles``: one
    primary-key lookup per candidate, then the hidden ones are dropped before ranking.
    """
    hidden: set[int] = set()
    for chunk in chunks(sorted(set(article_ids)), 500):
        marks = ",".join("?" * len(chunk))
        hidden.update(
            r["id"]
            for r in db.query(
                f"SELECT id FROM articles WHERE id IN ({marks}) "
                "AND owner_chat IS NOT NULL AND owner_chat IS NOT ?",
                [*chunk, viewer],
            )
        )
    return hidden


def section_texts(db: Database, article_ids: Iterable[int]) -> dict[int, list[str]]:
    """The section texts of ``article_ids``, in document order: where a key point that
    points back (它們…) or a lone list item finds the sentence or lead-in it needs."""
    texts: dict[int, list[str]] = {}
    for chunk in chunks(sorted(set(article_ids)), 500):
        marks = ",".join("?" * len(chunk))
        for r in db.query(
            f"SELECT article_id, text FROM sections WHERE article_id IN ({marks}) "
            "ORDER BY article_id, position",
            chunk,
        ):
            texts.setdefault(r["article_id"], []).append(r["text"])
    return texts
