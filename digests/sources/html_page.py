"""HTML article pages: main content via trafilatura, metadata from the page's own tags."""

from __future__ import annotations

from datetime import datetime

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from digests.dates import parse_datetime
from digests.models import Article
from digests.sources.errors import SourceError
from digests.sources.htmltext import clean_text, sections_from_blocks

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
)


def parse_html_page(text: str, source: str, url: str | None = None) -> list[Article]:
    try:
        tree = lxml_html.fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"unreadable HTML: {exc}") from None
    extracted = trafilatura.extract(
        text,
        url=url,
        output_format="xml",
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        favor_recall=True,
    )
    if not extracted:
        raise SourceError("no article text found in HTML page")
    doc = etree.fromstring(extracted.encode("utf-8"))
    title = _title(tree) or clean_text(doc.get("title") or "")
    blocks: list[tuple[str, str]] = []
    main = doc.find("main")
    for el in (main if main is not None else doc).iter("head", "p", "item", "quote"):
        kind = "head" if el.tag == "head" else "para"
        if el.tag == "p" and el.getparent() is not None and el.getparent().tag in ("item", "quote"):
            continue
        blocks.append((kind, clean_text("".join(el.itertext()))))
    if not title:
        heads = [t for k, t in blocks if k == "head"]
        title = heads[0] if heads else ""
    sections = sections_from_blocks(blocks, title)
    if not sections:
        raise SourceError("no article text found in HTML page")
    canonical = _canonical(tree) or doc.get("url") or url
    published = _published(tree) or parse_datetime(doc.get("date"))
    return [
        Article(
            title=title or sections[0].paragraphs[0][:60],
            sections=sections,
            source=source,
            source_kind="html",
            url=canonical,
            published=published,
        )
    ]


def _meta(tree: lxml_html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            values = tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if values and values[0].strip():
                return values[0].strip()
    return None


def _title(tree: lxml_html.HtmlElement) -> str | None:
    og = _meta(tree, "og:title", "twitter:title")
    if og:
        return clean_text(og)
    h1 = tree.xpath("//h1")
    if h1:
        text = clean_text(h1[0].text_content())
        if text:
            return text
    return None


def _canonical(tree: lxml_html.HtmlElement) -> str | None:
    links = tree.xpath("//link[@rel='canonical']/@href")
    if links and links[0].strip().startswith(("http://", "https://")):
        return links[0].strip()
    og = _meta(tree, "og:url")
    return og if og and og.startswith(("http://", "https://")) else None


def _published(tree: lxml_html.HtmlElement) -> datetime | None:
    value = _meta(tree, *_DATE_META)
    if not value:
        times = tree.xpath("//time/@datetime")
        value = times[0] if times else None
    return parse_datetime(value)
