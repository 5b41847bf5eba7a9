"""Feeds via feedparser (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF …): every entry becomes an article.

Whatever feedparser reads is read: a feed whose XML is ill-formed (an undefined entity,
a stray ``&``, a blank line before ``<?xml``) still has its entries, taken from
feedparser's lenient parser, and the reader gets a warning instead of an error.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from xml.sax import SAXException

import feedparser
from lxml import etree
from lxml import html as lxml_html

from digests.dates import from_struct_time, parse_datetime
from digests.models import Article, Section
from digests.sources.errors import SourceError
from digests.sources.htmltext import clean_text, fragment_blocks, sections_from_blocks
from digests.sources.sniff import NO_TEXT_REASON, XML_REASON, markup_start


@dataclass
class FeedRead:
    """A feed's articles, and what the reader should know about how they were read."""

    articles: list[Article]
    warnings: list[str] = field(default_factory=list)


def parse_feed(text: str, source: str, url: str | None = None, *, known: bool = True) -> FeedRead:
    """Read every entry of the feed in ``text`` (already decoded).

    ``known`` says the root element is a feed's; otherwise the text is XML of another
    kind that feedparser is given a chance to read.
    """
    start = markup_start(text) or 0
    # The text is already decoded: tell feedparser it is UTF-8, which (as an HTTP
    # charset does) overrides the document's own encoding declaration; handing it the
    # str would let it re-decode our UTF-8 with the declared (e.g. Big5) codec.
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url  # resolves relative links
    try:
        parsed = feedparser.parse(
            io.BytesIO(text[start:].encode("utf-8")), response_headers=headers
        )
    except Exception as exc:  # feedparser's own bugs on hostile input (e.g. bad GeoRSS)
        raise SourceError(f"the feed reader failed on this feed ({type(exc).__name__})") from None
    problem = _ill_formed(parsed)
    if not parsed.entries:
        if not known:
            raise SourceError(XML_REASON)
        reason = "feed has no entries"
        raise SourceError(f"{reason} (ill-formed XML, {problem})" if problem else reason)
    result = FeedRead([])
    for entry in parsed.entries:
        article = _entry_article(entry, source)
        if article is not None:
            result.articles.append(article)
    if not result.articles:
        raise SourceError(f"{NO_TEXT_REASON}: no entry of the feed has text")
    if problem:
        result.warnings.append(f"ill-formed feed XML ({problem}); entries read leniently")
    skipped = len(parsed.entries) - len(result.articles)
    if skipped:
        result.warnings.append(f"{skipped} of {len(parsed.entries)} entries without text skipped")
    return result


def _ill_formed(parsed: feedparser.FeedParserDict) -> str | None:
    """feedparser's complaint when the XML itself is broken (not a content-type quibble)."""
    reason = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not isinstance(reason, SAXException):
        return None
    detail = str(reason).splitlines()[0] if str(reason) else "not well-formed"
    located = re.match(r"<unknown>:(\d+):\d+:\s*(.*)", detail)
    return f"line {located[1]}: {located[2]}" if located else detail


def _entry_article(entry: feedparser.FeedParserDict, source: str) -> Article | None:
    title = _plain(entry.get("title", ""), (entry.get("title_detail") or {}).get("type", ""))
    html = ""
    contents = entry.get("content") or []
    if contents:
        # Prefer the richest body: content:encoded / atom:content over the summary.
        html = max((c.get("value", "") for c in contents), key=len)
    if not _html_text(html):
        html = entry.get("summary", "") or entry.get("description", "")
    sections = sections_from_blocks(fragment_blocks(html), title) if html else ()
    if not sections:
        # A body whose text sits outside paragraphs (a bare <div>, text after an <h1>).
        body = _html_text(html)
        if body and body != title:
            sections = (Section("", (body,)),)
        elif title:
            sections = (Section("", (title,)),)
        else:
            return None
    # Keep the publisher's own UTC offset when the raw date parses; feedparser's
    # struct_time is normalised to UTC and loses it.  A date without a zone is Taiwan
    # time (see digests.dates); the publication date before the last update.
    published = (
        parse_datetime(entry.get("published"))
        or from_struct_time(entry.get("published_parsed"))
        or parse_datetime(entry.get("updated"))
        or from_struct_time(entry.get("updated_parsed"))
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


def _plain(value: str, content_type: str) -> str:
    """A title as text: feedparser keeps the markup of titles typed text/html."""
    return _html_text(value) if "html" in content_type else clean_text(value)


def _html_text(fragment: str) -> str:
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return clean_text(fragment)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_text(fragment)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return clean_text(root.text_content())
