"""RSS 2.0 / Atom feeds via feedparser: every entry becomes an article."""

from __future__ import annotations

from xml.sax import SAXException

import feedparser

from digests.dates import from_struct_time, parse_datetime
from digests.models import Article, Section
from digests.sources.errors import SourceError
from digests.sources.htmltext import clean_text, fragment_blocks, sections_from_blocks


def parse_feed(text: str, source: str) -> list[Article]:
    parsed = feedparser.parse(text)
    reason = getattr(parsed, "bozo_exception", None) if parsed.bozo else None
    # feedparser's lenient fallback salvages entries from malformed XML; a feed that
    # is not well-formed is reported as broken rather than half-read in silence.
    if isinstance(reason, SAXException) or (parsed.bozo and not parsed.entries):
        detail = str(reason).splitlines()[0] if reason else "not well-formed"
        raise SourceError(f"broken feed XML: {detail}")
    if not parsed.entries:
        raise SourceError("feed has no entries")
    articles = []
    for entry in parsed.entries:
        article = _entry_article(entry, source)
        if article is not None:
            articles.append(article)
    if not articles:
        raise SourceError("feed entries have no text")
    return articles


def _entry_article(entry: feedparser.FeedParserDict, source: str) -> Article | None:
    title = clean_text(entry.get("title", ""))
    html = ""
    contents = entry.get("content") or []
    if contents:
        # Prefer the richest body: content:encoded / atom:content over the summary.
        html = max((c.get("value", "") for c in contents), key=len)
    if not clean_text(html):
        html = entry.get("summary", "") or entry.get("description", "")
    sections = sections_from_blocks(fragment_blocks(html), title) if html else ()
    if not sections:
        if not title:
            return None
        sections = (Section("", (title,)),)
    # Keep the publisher's own UTC offset when the raw date parses; feedparser's
    # struct_time is normalised to UTC and loses it.
    published = (
        parse_datetime(entry.get("published"))
        or parse_datetime(entry.get("updated"))
        or from_struct_time(entry.get("published_parsed") or entry.get("updated_parsed"))
    )
    link = entry.get("link") or None
    return Article(
        title=title or sections[0].paragraphs[0][:60],
        sections=sections,
        source=source,
        source_kind="feed",
        url=link,
        published=published,
    )
