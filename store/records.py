"""Typed views of stored rows, the only shape in which data leaves the store."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoredSection:
    heading: str
    digest: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class StoredArticle:
    id: int
    title: str
    url: str | None
    published: str | None
    source: str
    source_kind: str
    section_count: int
    summary: tuple[str, ...]
    keywords: tuple[str, ...]
    key_figures: tuple[str, ...]
    ingested_at: str
    updated_at: str


@dataclass(frozen=True)
class ArticleDetail:
    article: StoredArticle
    sections: tuple[StoredSection, ...]

    def figures_not_shown(self, limit: int = 5) -> list[str]:
        """Key-figure sentences that neither the summary nor a section digest already shows,
        so that one message never says the same sentence twice."""
        shown = set(self.article.summary)
        for section in self.sections:
            shown.update(section.digest)
        return [s for s in self.article.key_figures if s not in shown][:limit]


@dataclass(frozen=True)
class SaveResult:
    article_id: int
    status: str
    """'new', 'updated' or 'unchanged'."""
    sections: int


@dataclass(frozen=True)
class IngestionRecord:
    id: int
    source: str
    kind: str | None
    status: str
    error: str | None
    articles: int
    started_at: str
    finished_at: str | None
    warnings: str | None = None
