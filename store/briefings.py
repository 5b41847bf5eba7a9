"""Candidate articles for briefings: newest articles on a chat's topics."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlite_utils import Database

from digests.briefing import CandidateArticle, CandidateSection


def candidate_articles(
    db: Database,
    topic_ids: Sequence[str],
    limit: int,
    exclude: Sequence[int] = (),
) -> list[CandidateArticle]:
    """Newest articles listed under any of ``topic_ids`` (all articles when empty)."""
    params: list[object] = []
    # Only the shared library: what a reader had digested for themselves is never pushed.
    where = ["a.owner_chat IS NULL"]
    if topic_ids:
        marks = ",".join("?" * len(topic_ids))
        where.append(f"a.id IN (SELECT article_id FROM article_topics WHERE topic_id IN ({marks}))")
        params.extend(topic_ids)
    if exclude:
        marks = ",".join("?" * len(exclude))
        where.append(f"a.id NOT IN ({marks})")
        params.extend(exclude)
    sql = (
        "SELECT a.id, a.title, a.url, a.published, a.ingested_at, a.summary FROM articles a"
        + " WHERE "
        + " AND ".join(where)
        + " ORDER BY COALESCE(a.published, a.ingested_at) DESC, a.id DESC LIMIT ?"
    )
    rows = list(db.query(sql, [*params, limit]))
    return [_candidate(db, row) for row in rows]


def candidates_by_ids(
    db: Database, article_ids: Sequence[int], viewer: int | None = None
) -> list[CandidateArticle]:
    """The articles ``article_ids`` names, in that order, that chat ``viewer`` may read
    (unknown ids left out): what a briefing's "more" button expands, long after the
    briefing was composed."""
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    rows = {
        row["id"]: row
        for row in db.query(
            "SELECT a.id, a.title, a.url, a.published, a.ingested_at, a.summary FROM articles a"
            f" WHERE a.id IN ({marks}) AND (a.owner_chat IS NULL OR a.owner_chat = ?)",
            [*article_ids, viewer],
        )
    }
    return [_candidate(db, rows[i]) for i in dict.fromkeys(article_ids) if i in rows]


def _candidate(db: Database, row: dict) -> CandidateArticle:
    topics = tuple(
        r["topic_id"]
        for r in db.query(
            "SELECT topic_id FROM article_topics WHERE article_id = ? ORDER BY rank", [row["id"]]
        )
    )
    sections = []
    scores: dict[int, dict[str, float]] = {}
    for r in db.query(
        "SELECT st.section_id, st.topic_id, st.score FROM section_topics st "
        "JOIN sections s ON s.id = st.section_id WHERE s.article_id = ?",
        [row["id"]],
    ):
        scores.setdefault(r["section_id"], {})[r["topic_id"]] = r["score"]
    for r in db.query(
        "SELECT id, heading, digest FROM sections WHERE article_id = ? ORDER BY position",
        [row["id"]],
    ):
        sections.append(
            CandidateSection(
                r["heading"], tuple(json.loads(r["digest"] or "[]")), scores.get(r["id"], {})
            )
        )
    return CandidateArticle(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        published=row["published"],
        summary=tuple(json.loads(row["summary"] or "[]")),
        topics=topics,
        sections=tuple(sections),
        ingested_at=row.get("ingested_at"),
    )
