"""What the articles say about a company: its mentions, summary and topics."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from digests.answers import (
    ArticleMentions,
    Point,
    Source,
    in_context,
    pick_points,
    stands_alone,
)
from digests.companies import Company
from digests.lexicon import Lexicon
from digests.normalize import clean_query
from digests.resolve import resolve_company
from store.answers.common import RECENT_ARTICLES, chunks, section_texts, visible


@dataclass
class CompanyAnswer:
    query: str
    company: Company | None
    summary: list[Point] = field(default_factory=list)
    mentions: list[ArticleMentions] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


# --- companies -----------------------------------------------------------------


def company_answer(
    db: Database,
    lexicon: Lexicon,
    query: str,
    max_articles: int | None = None,
    viewer: int | None = None,
) -> CompanyAnswer:
    """What the store says about a company; every article naming it unless limited.

    ``viewer`` is the asking chat: it sees the shared library and its own articles.
    """
    query = clean_query(query)
    found = resolve_company(lexicon.directory, query)
    if found.match is None:
        return CompanyAnswer(query, None, suggestions=found.suggestions)
    company = found.match
    answer = CompanyAnswer(query, company, aliases=_aliases(db, company))
    rows = list(db.query("SELECT id FROM companies WHERE key = ?", [company.key]))
    if not rows:
        return answer
    company_id = rows[0]["id"]
    article_ids = [
        r["article_id"]
        for r in db.query(
            "SELECT DISTINCT m.article_id FROM mentions m JOIN articles a ON a.id = m.article_id "
            f"WHERE m.company_id = ? AND {visible()} "
            "ORDER BY m.article_id DESC" + (" LIMIT ?" if max_articles else ""),
            [company_id, viewer, max_articles] if max_articles else [company_id, viewer],
        )
    ]
    if not article_ids:
        return answer
    by_article: dict[int, ArticleMentions] = {}
    for chunk in chunks(article_ids, 500):
        marks = ",".join("?" * len(chunk))
        for r in db.query(
            f"""
            SELECT m.article_id, a.title, a.url, a.published, a.ingested_at, m.sentence
            FROM mentions m JOIN articles a ON a.id = m.article_id
            WHERE m.company_id = ? AND m.article_id IN ({marks})
            ORDER BY m.id
            """,
            [company_id, *chunk],
        ):
            item = by_article.setdefault(
                r["article_id"],
                ArticleMentions(r["article_id"], r["title"], r["url"], r["published"]),
            )
            if r["sentence"] not in item.sentences:
                item.sentences.append(r["sentence"])
    answer.mentions = sorted(
        by_article.values(), key=lambda m: (m.published or "", m.article_id), reverse=True
    )
    recent = answer.mentions[:RECENT_ARTICLES]
    # A sentence that points back (它們…) or a lone list item is shown with what it needs.
    texts = section_texts(
        db, [m.article_id for m in recent if not all(map(stands_alone, m.sentences))]
    )
    answer.summary = pick_points(
        (in_context(s, texts.get(m.article_id, ())), Source(m.article_id, m.title, m.url))
        for m in recent
        for s in m.sentences
        if s != m.title  # a headline mention says nothing the citation does not
    )
    answer.topics = _topics_of(db, [m.article_id for m in recent])
    return answer


def _aliases(db: Database, company: Company) -> list[str]:
    learned = [
        r["alias"]
        for r in db.query(
            "SELECT a.alias FROM company_aliases a JOIN companies c ON c.id = a.company_id "
            "WHERE c.key = ? AND a.source = 'learned'",
            [company.key],
        )
    ]
    return list(dict.fromkeys(a for a in (*company.aliases, *learned) if a != company.name))


def _topics_of(db: Database, article_ids: list[int]) -> list[str]:
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    return [
        r["topic_id"]
        for r in db.query(
            f"SELECT topic_id, COUNT(*) AS n, SUM(rank = 0) AS main FROM article_topics "
            f"WHERE article_id IN ({marks}) GROUP BY topic_id ORDER BY main DESC, n DESC",
            article_ids,
        )
    ]
