"""Read sources (files, directories, URLs) into articles, detecting the kind from content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from digests.models import Article
from digests.sources.decoding import decode
from digests.sources.errors import SourceError
from digests.sources.fetch import RawSource, fetch_url, is_url, read_file
from digests.sources.pagedump import parse_page_dump

__all__ = ["SourceError", "detect_kind", "expand", "load", "parse_raw"]

_FEED_RE = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|article)[\s>]", re.IGNORECASE)


def expand(sources: list[str]) -> Iterator[str]:
    """Directories become every (non-hidden) file in them, recursively, in sorted order."""
    for source in sources:
        path = Path(source)
        if not is_url(source) and path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                yield source  # reported as an empty directory by load()
            for file in files:
                yield str(file)
        else:
            yield source


def detect_kind(text: str) -> str:
    """'feed', 'html' or 'text', from the content itself rather than the file name."""
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    if head.startswith("<?xml") or _FEED_RE.search(head):
        if _FEED_RE.search(text[:8192]):
            return "feed"
        if _HTML_RE.search(head):
            return "html"
        return "feed"  # XML that is no known feed: the feed reader explains why
    if head.startswith("<") and _HTML_RE.search(text[:8192]):
        return "html"
    if _HTML_RE.search(head) and re.search(r"</(?:p|div|body|html)>", text[:65536], re.I):
        return "html"
    return "text"


def parse_raw(raw: RawSource) -> tuple[str, list[Article]]:
    text = decode(raw.data, raw.charset)
    kind = detect_kind(text)
    # feedparser and trafilatura are imported only when needed: they cost start-up
    # time that a plain-text ingest should not pay.
    if kind == "feed":
        from digests.sources.feed import parse_feed

        articles = parse_feed(text, raw.name)
    elif kind == "html":
        from digests.sources.html_page import parse_html_page

        articles = parse_html_page(text, raw.name, raw.url)
    else:
        articles = parse_page_dump(text, raw.name)
    if not articles:
        raise SourceError(f"no articles found in {kind} source")
    return kind, articles


def load(source: str) -> tuple[str, list[Article]]:
    """Read one source and return its kind and articles; raise SourceError if bad."""
    if is_url(source):
        raw = fetch_url(source)
    else:
        path = Path(source)
        if path.is_dir():
            raise SourceError("empty directory")
        raw = read_file(path)
    return parse_raw(raw)
