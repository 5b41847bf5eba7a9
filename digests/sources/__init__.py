"""Read sources (files, directories, URLs) into articles, detecting the kind from content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from digests import regexcache
from digests.models import Article
from digests.sanitize import clean_article, clean_line, clean_text
from digests.sources.decoding import decode
from digests.sources.errors import SourceError
from digests.sources.fetch import RawSource, fetch_url, is_url, read_file
from digests.sources.pagedump import parse_page_dump
from digests.sources.sniff import (
    CSV_REASON,
    JSON_REASON,
    NO_SENTENCES_REASON,
    binary_reason,
    detect_kind,
    has_sentences,
    is_pdf,
)

__all__ = ["Loaded", "SourceError", "detect_kind", "expand", "load", "parse_raw"]


class Loaded(tuple[str, list[Article]]):
    """What one source gave: ``(kind, articles)``, plus ``.warnings`` for the source's line.

    A tuple, so ``kind, articles = load(source)`` and ``load(source)[0]`` keep working as
    before warnings existed; read ``.warnings`` to report them (e.g. a feed read leniently).
    """

    warnings: tuple[str, ...]

    def __new__(cls, kind: str, articles: list[Article], warnings: tuple[str, ...] = ()) -> Loaded:
        self = super().__new__(cls, (kind, articles))
        self.warnings = warnings
        return self

    @property
    def kind(self) -> str:
        return self[0]

    @property
    def articles(self) -> list[Article]:
        return self[1]


_OTHER_SCHEME_RE = regexcache.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,15}://")
"""ftp://, file://, s3://…: a URL we do not fetch, rather than a missing file."""


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


def parse_raw(raw: RawSource) -> Loaded:
    """Detect the kind of ``raw`` and read its articles; raise SourceError when there are none.

    Anything that is not an article (JSON, CSV, an image, XML without entries, markup
    or text without sentences, a PDF without a text layer) is refused with a one-line
    reason rather than stored as a junk article.
    """
    if is_pdf(raw.data):
        # pdfminer is imported only for PDFs, like feedparser and trafilatura below.
        from digests.sources.pdf import read_pdf_source

        pdf_articles, pdf_warnings = read_pdf_source(raw.data, raw.name, raw.url)
        read = [a for a in map(clean_article, pdf_articles) if a]
        if not read:
            raise SourceError("no articles found in pdf source")
        return Loaded("pdf", read, pdf_warnings)
    reason = binary_reason(raw.data)
    if reason:
        raise SourceError(reason)
    text = clean_text(decode(raw.data, raw.charset))
    kind = detect_kind(text)
    warnings: list[str] = []
    # feedparser and trafilatura are imported only when needed: they cost start-up
    # time that a plain-text ingest should not pay.
    if kind in ("feed", "xml"):
        from digests.sources.feed import parse_feed

        read = parse_feed(text, raw.name, raw.url, known=kind == "feed")
        kind, articles, warnings = "feed", read.articles, read.warnings
    elif kind == "html":
        from digests.sources.html_page import parse_html_page

        articles = parse_html_page(text, raw.name, raw.url)
    elif kind == "image":
        raise SourceError("image file (SVG)")
    elif kind == "json":
        raise SourceError(JSON_REASON)
    elif kind == "csv":
        raise SourceError(CSV_REASON)
    elif not has_sentences(text):
        raise SourceError(NO_SENTENCES_REASON)
    else:
        articles = parse_page_dump(text, raw.name)
    articles = [a for a in map(clean_article, articles) if a is not None]
    if not articles:
        raise SourceError(f"no articles found in {kind} source")
    return Loaded(kind, articles, tuple(clean_line(w) for w in warnings))


def load(source: str) -> Loaded:
    """Read one source and return its kind, articles and warnings; raise SourceError if bad."""
    if is_url(source):
        raw = fetch_url(source)
    elif _OTHER_SCHEME_RE.match(source):
        scheme = source.split(":", 1)[0]
        raise SourceError(f"{scheme}: URLs are not supported (only http and https)")
    else:
        path = Path(source)
        if path.is_dir():
            raise SourceError("empty directory")
        raw = read_file(path)
    return parse_raw(raw)
