"""Briefing composition: which articles, and which section digests of each, a chat sees.

Pure: the store hands over candidate articles with their sections and topic scores;
this module decides the order, the grouping by topic and the digests most relevant
to the chat's topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CandidateSection:
    heading: str
    digest: tuple[str, ...]
    topic_scores: dict[str, float]


@dataclass(frozen=True)
class CandidateArticle:
    id: int
    title: str
    url: str | None
    published: str | None
    summary: tuple[str, ...]
    topics: tuple[str, ...]
    """Topic ids, main first."""
    sections: tuple[CandidateSection, ...]


@dataclass(frozen=True)
class BriefItem:
    article_id: int
    title: str
    url: str | None
    published: str | None
    summary: tuple[str, ...]
    digests: tuple[tuple[str, tuple[str, ...]], ...]
    """(heading, digest sentences) of the sections most about the chat's topics."""
    topic_id: str | None
    """The chat topic this article is filed under (its best-ranked matching topic)."""


@dataclass
class Briefing:
    items: list[BriefItem] = field(default_factory=list)
    topics: tuple[str, ...] = ()

    def grouped(self) -> list[tuple[str | None, list[BriefItem]]]:
        """Items grouped by topic, groups in the order of their newest item."""
        groups: dict[str | None, list[BriefItem]] = {}
        for item in self.items:
            groups.setdefault(item.topic_id, []).append(item)
        return list(groups.items())


def compose_briefing(
    candidates: Sequence[CandidateArticle],
    chat_topics: Sequence[str],
    limit: int,
    sections_per_article: int = 2,
) -> Briefing:
    """The newest ``limit`` candidates, each with its most on-topic section digests."""
    wanted = set(chat_topics)
    items = []
    for article in candidates[:limit]:
        topic_id = next((t for t in article.topics if not wanted or t in wanted), None)
        items.append(
            BriefItem(
                article.id,
                article.title,
                article.url,
                article.published,
                article.summary,
                _best_sections(article, wanted, sections_per_article, set(article.summary)),
                topic_id,
            )
        )
    return Briefing(items, tuple(chat_topics))


def _best_sections(
    article: CandidateArticle, wanted: set[str], count: int, already_said: set[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The most on-topic sections' digests, minus sentences the summary already gave."""
    scored = []
    for position, section in enumerate(article.sections):
        fresh = tuple(s for s in section.digest if s not in already_said)
        if not fresh:
            continue
        section = CandidateSection(section.heading, fresh, section.topic_scores)
        if wanted:
            relevance = sum(s for t, s in section.topic_scores.items() if t in wanted)
        else:
            relevance = sum(section.topic_scores.values())
        scored.append((-relevance, position, section))
    best = sorted(scored)[:count]
    best.sort(key=lambda item: item[1])  # back to document order
    return tuple((s.heading, s.digest) for _, _, s in best)
