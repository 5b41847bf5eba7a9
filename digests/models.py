"""Typed objects that flow through the pipeline.

Source readers produce :class:`Article` (raw text split into :class:`Section`);
the summarizer turns each into a :class:`DigestedArticle` that the store persists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Section:
    """A heading and the paragraphs under it; the intro has an empty heading."""

    heading: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Article:
    """One article as read from a source, before any analysis."""

    title: str
    sections: tuple[Section, ...]
    source: str
    source_kind: str
    url: str | None = None
    published: datetime | None = None

    @property
    def body(self) -> str:
        return "\n".join(s.text for s in self.sections)


@dataclass(frozen=True)
class TopicScore:
    topic_id: str
    score: float


@dataclass(frozen=True)
class CompanyMention:
    company_key: str
    section: int
    """Index of the section, or -1 for the title."""
    sentence: str


@dataclass(frozen=True)
class SectionDigest:
    heading: str
    text: str
    digest: tuple[str, ...]
    keywords: tuple[str, ...]
    topics: tuple[TopicScore, ...] = ()
    tokens: tuple[str, ...] = field(default=(), repr=False)
    """Simplified-script jieba tokens of the text, kept for the search index."""
    heading_tokens: tuple[str, ...] = field(default=(), repr=False)
    digest_tokens: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class DigestedArticle:
    """An article with its summary, keywords, key figures and section digests."""

    article: Article
    summary: tuple[str, ...]
    keywords: tuple[str, ...]
    key_figures: tuple[str, ...]
    sections: tuple[SectionDigest, ...]
    content_hash: str
    title_tokens: tuple[str, ...] = field(default=(), repr=False)
    topics: tuple[TopicScore, ...] = ()
    """Main topic first."""
    mentions: tuple[CompanyMention, ...] = ()
    learned_companies: tuple[object, ...] = ()
    """Companies/aliases the article taught (``digests.companies.Company``)."""
