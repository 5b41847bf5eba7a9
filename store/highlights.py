"""What a store is mostly about: the companies its articles name most, its busiest topics.

Used to suggest questions that the store can actually answer (the demo's greeting),
rather than examples that may name nothing in it.  Only the shared library counts: a
reader's own articles never surface in what others are shown.
"""

from __future__ import annotations

from sqlite_utils import Database


def most_named_companies(db: Database, limit: int = 3) -> list[str]:
    """Company names (as stored) by the number of articles naming them, most first."""
    return [
        r["name"]
        for r in db.query(
            "SELECT c.name, COUNT(DISTINCT m.article_id) AS n FROM mentions m "
            "JOIN companies c ON c.id = m.company_id "
            "JOIN articles art ON art.id = m.article_id WHERE art.owner_chat IS NULL "
            "GROUP BY c.id ORDER BY n DESC, c.name LIMIT ?",
            [limit],
        )
    ]


def busiest_topics(db: Database, limit: int = 3) -> list[str]:
    """Topic names by the number of articles whose main topic they are, most first."""
    return [
        r["name"]
        for r in db.query(
            "SELECT t.name, COUNT(*) AS n FROM article_topics a "
            "JOIN topics t ON t.id = a.topic_id "
            "JOIN articles art ON art.id = a.article_id "
            "WHERE a.rank = 0 AND art.owner_chat IS NULL "
            "GROUP BY t.id ORDER BY n DESC, t.name LIMIT ?",
            [limit],
        )
    ]
