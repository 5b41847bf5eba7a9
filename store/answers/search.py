"""Ranked full-text search over titles, headings, section text and digests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from digests.answers import (
    fts_query,
    highlight,
    query_terms,
)
from digests.normalize import clean_query


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    url: str | None
    heading: str
    snippet: str


@dataclass
class SearchAnswer:
    query: str
    results: list[SearchHit]


# --- search --------------------------------------------------------------------

SEARCH_WINDOW = 400
"""Newest matching sections considered for ranking (FTS walks rowids newest first)."""


def search_answer(db: Database, query: str, limit: int = 10) -> SearchAnswer:
    """Ranked full-text hits over titles, headings, text and digests, with snippets."""
    query = clean_query(query)
    terms = query_terms(query)
    if not terms:
        return SearchAnswer(query, [])
    match = fts_query(terms)
    newest = list(
        db.query(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
            [match, SEARCH_WINDOW],
        )
    )
    if not newest:
        return SearchAnswer(query, [])
    floor_rowid = newest[-1]["rowid"]
    rows = list(
        db.query(
            """
            SELECT f.article_id, f.section_id, s.heading, s.text, a.title, a.url
            FROM (
                SELECT article_id, section_id,
                       bm25(search_index, 6.0, 3.0, 1.0, 2.0) AS score
                FROM search_index
                WHERE search_index MATCH ? AND rowid >= ?
                ORDER BY score LIMIT ?
            ) f
            JOIN sections s ON s.id = f.section_id
            JOIN articles a ON a.id = f.article_id
            ORDER BY f.score
            """,
            [match, floor_rowid, limit * 3],
        )
    )
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for r in rows:
        if r["section_id"] in seen:
            continue
        seen.add(r["section_id"])
        snippet = (
            highlight(r["text"], terms)
            or highlight(r["heading"], terms)
            or highlight(r["title"], terms)
            or r["text"][:90]
        )
        hits.append(SearchHit(r["article_id"], r["title"], r["url"], r["heading"], snippet))
        if len(hits) >= limit:
            break
    return SearchAnswer(query, hits)
