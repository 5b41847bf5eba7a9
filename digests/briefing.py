"""Briefing composition: which articles, and which section digests of each, a chat sees.

A briefing opens with the chat's follows (:func:`compose_follows`: articles naming a
followed company, then articles using a followed keyword), then its topics; the
caller leaves the follow section's articles out of the topic candidates, so no
article appears twice.

Pure: the store hands over candidate articles with their sections and topic scores;
this module decides the order, the grouping by topic and the digests most relevant
to the chat's topics.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from digests.follows import COMPANY, FollowWindow


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
    ingested_at: str | None = None
    """When the store first took it in: the date shown when the article gives none."""


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
    ingested_at: str | None = None


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
                article.ingested_at,
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


# --- the follow section -----------------------------------------------------------


@dataclass(frozen=True)
class FollowHit:
    kind: str
    """'company' or 'keyword'."""
    label: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class FollowItem:
    """An article in the briefing's follow section, with what it says about each follow."""

    article_id: int
    title: str
    url: str | None
    published: str | None
    hits: tuple[FollowHit, ...]
    alerted: bool
    """The chat already had an instant alert for it: shown as a marked title only."""


def compose_follows(
    window: FollowWindow,
    follows: Sequence[tuple[str, str, str]],
    received: Set[int],
    alerted: Set[int],
    limit: int,
) -> list[FollowItem]:
    """The follow section: new articles naming a followed company (newest first), then
    new articles using a followed keyword; each article once, with all its hits.

    ``follows`` are (kind, key, label); ``received`` is the delivery ledger (what the
    chat already had in a briefing), ``alerted`` what it had as an instant alert.
    """
    found: dict[int, list[tuple[str, str, str]]] = {}
    by_company: set[int] = set()
    for kind, key, label in follows:
        for article_id, _ in window.hits(kind, key):
            if article_id in received:
                continue
            found.setdefault(article_id, []).append((kind, key, label))
            if kind == COMPANY:
                by_company.add(article_id)
    rank = window.rank
    order = sorted(found, key=lambda a: (a not in by_company, rank[a]))[:limit]
    return [_item(window, a, tuple(found[a]), a in alerted) for a in order]


def _item(
    window: FollowWindow, article_id: int, follows: tuple[tuple[str, str, str], ...], alerted: bool
) -> FollowItem:
    """One article's entry; memoised on the window, since many chats share follows."""
    memo = window.memo
    cache_key = (article_id, follows, alerted)
    item = memo.get(cache_key)
    if item is None:
        hits: list[FollowHit] = []
        for kind, key, label in sorted(follows, key=lambda f: f[0] != COMPANY):
            if not any(h.label == label for h in hits):
                hits.append(FollowHit(kind, label, window.sentences(kind, key, article_id)))
        article = window.articles[article_id]
        item = FollowItem(
            article_id,
            article.title,
            article.url,
            article.published,
            tuple(_no_repeats(hits)),
            alerted,
        )
        memo[cache_key] = item
    return item


def _no_repeats(hits: list[FollowHit]) -> list[FollowHit]:
    """A sentence naming two follows is shown once, under the first."""
    shown: set[str] = set()
    kept = []
    for hit in hits:
        fresh = tuple(s for s in hit.sentences if s not in shown)
        shown.update(fresh)
        kept.append(FollowHit(hit.kind, hit.label, fresh))
    return kept
