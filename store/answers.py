"""Company, sector and search answers: SQL here, composition in :mod:`digests.answers`.

Shared by the command line and the Telegram commands.  Every query reads a bounded
number of rows through an index, so answers stay fast on a large store.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from digests.answers import (
    ArticleMentions,
    Point,
    Source,
    fts_query,
    highlight,
    pick_points,
    query_terms,
)
from digests.companies import Company
from digests.lexicon import Lexicon
from digests.normalize import clean_query
from digests.resolve import resolve_company, resolve_topic
from digests.taxonomy import Topic

RECENT_ARTICLES = 200
"""How many of a company's or topic's newest articles feed summaries and rankings."""


@dataclass
class CompanyAnswer:
    query: str
    company: Company | None
    summary: list[Point] = field(default_factory=list)
    mentions: list[ArticleMentions] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass
class SectorArticle:
    id: int
    title: str
    url: str | None
    published: str | None
    summary: list[str]
    digest: list[str]
    relevance: float


@dataclass
class SectorAnswer:
    query: str
    topic: Topic | None
    summary: list[Point] = field(default_factory=list)
    articles: list[SectorArticle] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


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


@dataclass(frozen=True)
class TopicCount:
    topic: Topic
    articles: int


# --- companies -----------------------------------------------------------------


def company_answer(
    db: Database, lexicon: Lexicon, query: str, max_articles: int | None = None
) -> CompanyAnswer:
    """What the store says about a company; every article naming it unless limited."""
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
            "SELECT DISTINCT article_id FROM mentions WHERE company_id = ? "
            "ORDER BY article_id DESC" + (" LIMIT ?" if max_articles else ""),
            [company_id, max_articles] if max_articles else [company_id],
        )
    ]
    if not article_ids:
        return answer
    by_article: dict[int, ArticleMentions] = {}
    for chunk in _chunks(article_ids, 500):
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
    answer.summary = pick_points(
        (s, Source(m.article_id, m.title, m.url))
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


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- sectors -------------------------------------------------------------------


def sector_answer(db: Database, lexicon: Lexicon, query: str, limit: int = 5) -> SectorAnswer:
    """The topic's most relevant recent articles, its key digests and companies."""
    query = clean_query(query)
    found = resolve_topic(lexicon.taxonomy, query)
    if found.match is None:
        return SectorAnswer(query, None, suggestions=found.suggestions)
    topic = found.match
    answer = SectorAnswer(query, topic)
    rows = list(
        db.query(
            """
            SELECT t.article_id, t.score, t.rank, a.title, a.url, a.published,
                   a.ingested_at, a.summary
            FROM article_topics t JOIN articles a ON a.id = t.article_id
            WHERE t.topic_id = ?
            ORDER BY t.article_id DESC LIMIT ?
            """,
            [topic.id, RECENT_ARTICLES],
        )
    )
    if not rows:
        return answer
    now = datetime.now(UTC)
    ranked = sorted(rows, key=lambda r: -_relevance(r, now))[:limit]
    for r in ranked:
        digest = _topical_digest(db, r["article_id"], topic.id)
        answer.articles.append(
            SectorArticle(
                r["article_id"],
                r["title"],
                r["url"],
                r["published"],
                json.loads(r["summary"] or "[]"),
                digest,
                round(_relevance(r, now), 3),
            )
        )
    answer.summary = pick_points(
        (s, Source(a.id, a.title, a.url)) for a in answer.articles for s in a.digest
    )
    answer.companies = _companies_of(db, [r["article_id"] for r in rows])
    return answer


def _relevance(row: dict, now: datetime) -> float:
    """Topic evidence, main topic favoured, halved for every 30 days of age."""
    when = row["published"] or row["ingested_at"]
    try:
        age_days = max(0.0, (now - datetime.fromisoformat(when)).total_seconds() / 86400)
    except (TypeError, ValueError):
        age_days = 0.0
    main = 1.5 if row["rank"] == 0 else 1.0
    return math.log1p(row["score"]) * main * 0.5 ** (age_days / 30)


def _topical_digest(db: Database, article_id: int, topic_id: str, sections: int = 2) -> list[str]:
    # CROSS JOIN fixes the join order: start from the article's few sections.  Left to
    # choose without statistics, SQLite walks the topic's whole section index instead.
    rows = list(
        db.query(
            """
            SELECT s.digest FROM sections s
            CROSS JOIN section_topics st ON st.section_id = s.id AND st.topic_id = ?
            WHERE s.article_id = ?
            ORDER BY st.score DESC, s.position LIMIT ?
            """,
            [topic_id, article_id, sections],
        )
    )
    if not rows:
        rows = list(
            db.query(
                "SELECT digest FROM sections WHERE article_id = ? ORDER BY position LIMIT 1",
                [article_id],
            )
        )
    return [s for r in rows for s in json.loads(r["digest"] or "[]")]


def _companies_of(db: Database, article_ids: list[int], limit: int = 8) -> list[str]:
    marks = ",".join("?" * len(article_ids))
    return [
        r["name"]
        for r in db.query(
            f"""
            SELECT c.name, COUNT(DISTINCT m.article_id) AS n
            FROM mentions m JOIN companies c ON c.id = m.company_id
            WHERE m.article_id IN ({marks})
            GROUP BY c.id ORDER BY n DESC, c.name LIMIT ?
            """,
            [*article_ids, limit],
        )
    ]


def topic_counts(db: Database, lexicon: Lexicon) -> list[TopicCount]:
    """Every topic with the number of articles it is listed for."""
    counts = {
        r["topic_id"]: r["n"]
        for r in db.query("SELECT topic_id, COUNT(*) AS n FROM article_topics GROUP BY topic_id")
    }
    return [TopicCount(t, counts.get(t.id, 0)) for t in lexicon.taxonomy.topics]


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


# --- article listing extras ----------------------------------------------------


def article_tags(db: Database, article_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Topic ids (main first) and company names for each article."""
    tags: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in article_ids}
    for chunk in _chunks(article_ids, 500):
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
