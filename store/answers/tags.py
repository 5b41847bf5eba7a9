"""Per-article tags for listings, and article counts per topic."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from digests.lexicon import Lexicon
from digests.taxonomy import Topic
from store.answers.common import chunks


@dataclass(frozen=True)
class TopicCount:
    topic: Topic
    articles: int


def topic_counts(db: Database, lexicon: Lexicon) -> list[TopicCount]:
    """Every topic with the number of shared articles it is listed for."""
    counts = {
        r["topic_id"]: r["n"]
        for r in db.query(
            "SELECT t.topic_id, COUNT(*) AS n FROM article_topics t "
            "JOIN articles a ON a.id = t.article_id WHERE a.owner_chat IS NULL GROUP BY t.topic_id"
        )
    }
    return [TopicCount(t, counts.get(t.id, 0)) for t in lexicon.taxonomy.topics]


# --- article listing extras ----------------------------------------------------


def article_tags(db: Database, article_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Topic ids (main first) and company names for each article."""
    tags: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in article_ids}
    for chunk in chunks(article_ids, 500):
        marks = ",".join("?" * len(chunk))
        for r in db.query(
            f"SELECT article_id, topic_id FROM article_topics WHERE article_id IN ({marks}) "
            "ORDER BY article_id, rank",
            chunk,
        ):
            tags[r["article_id"]][0].append(r["topic_id"])
        for r in db.query(
            f"""
            SELECT m.article_id, c.name, MIN(m.id) AS first
            FROM mentions m JOIN companies c ON c.id = m.company_id
            WHERE m.article_id IN ({marks})
            GROUP BY m.article_id, c.id ORDER BY m.article_id, first
            """,
            chunk,
        ):
            tags[r["article_id"]][1].append(r["name"])
    return tags
