"""HTML article pages: main content via trafilatura, metadata from the page's own tags."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from digests import regexcache
from digests.dates import all_dates, find_date, parse_loose
from digests.models import Article
from digests.sources.boilerplate import Kind, kind_of
from digests.sources.byline import BYLINE_MAX, is_byline, is_date_line
from digests.sources.errors import SourceError
from digests.sources.htmltext import (
    clean_text,
    fragment_blocks,
    sections_from_blocks,
    trafilatura_blocks,
)
from digests.sources.sniff import NO_TEXT_REASON, has_sentences

_XML_DECLARATION_RE = regexcache.compile(r"^\s*<\?xml[^>]*\?>")
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
    # XHTML's <?xml encoding="…"?> means nothing in decoded text, and lxml refuses it there.
    text = _XML_DECLARATION_RE.sub("", text, count=1)
    try:
        tree = lxml_html.fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"unreadable HTML: {exc}") from None
    doc = _extract(text, url)
    if doc is not None and not any(kind != "head" for kind, _ in _blocks(doc)):
        # A page laid out with tables: with tables on, trafilatura may return only the
        # layout table, whose long cells the table reader leaves out as not data; the
        # page's prose comes back with tables off.
        prose = _extract(text, url, tables=False)
        doc = prose if prose is not None else doc
    if doc is not None:
        blocks = _blocks(doc)
    elif tree.tag != "html" and has_sentences(clean_text(tree.text_content())):
        # A bare fragment (a saved <div> or <article>): trafilatura judges whole pages
        # and finds too little here, but there is no page chrome to remove either.
        blocks = fragment_blocks(text)
    else:
        raise SourceError(_no_article_reason(tree))
    meta = doc if doc is not None else etree.Element("doc")
    title = _title(tree) or clean_text(meta.get("title") or "")
    if not title:
        heads = [t for k, t in blocks if k == "head"]
        title = heads[0] if heads else ""
    sections = sections_from_blocks(blocks, title)
    if not sections:
        raise SourceError("no article text found in HTML page")
    canonical = _canonical(tree) or meta.get("url") or url
    # The page's own markup first, then its visible byline; trafilatura's date (htmldate)
    # may be guessed from a bare year (© 2026 becomes 2026-01-01), so it comes last and
    # only when the page or its URL writes that full date.
    published = (
        _published(tree) or _visible_date(tree) or _corroborated(meta.get("date"), tree, url)
    )
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


def _extract(text: str, url: str | None, tables: bool = True) -> etree._Element | None:
    """trafilatura's main content as its XML tree, or None when it finds none."""
    try:
        extracted = _trafilatura_xml(text, url, tables)
    except Exception as exc:  # the library's own bugs on hostile input: one line, no traceback
        raise SourceError(f"the page reader failed on this page ({type(exc).__name__})") from None
    if not extracted:
        return None
    try:
        return etree.fromstring(extracted.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None


def _trafilatura_xml(text: str, url: str | None, tables: bool) -> str | None:
    return trafilatura.extract(
        text,
        url=url,
        output_format="xml",
        include_formatting=True,
        include_comments=False,
        include_tables=tables,  # data tables become rows (htmltext.table_lines)
        with_metadata=True,
        favor_recall=True,
    )


def _blocks(doc: etree._Element) -> list[tuple[str, str]]:
    """(kind, text) blocks of trafilatura's tree: headings (h2–h6, bold-only paragraphs)
    and paragraph-like elements."""
    return trafilatura_blocks(doc)


def _no_article_reason(tree: lxml_html.HtmlElement) -> str:
    """Tell a page with no visible text at all from a page whose text is all chrome."""
    for bad in tree.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    if not clean_text(tree.text_content()):
        return NO_TEXT_REASON
    return "no article text found in HTML page"


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
    """The publication date the page declares: ``<meta>`` (article:published_time and
    kin), JSON-LD ``datePublished``, then the first ``<time datetime>`` (or its text)."""
    for value in (_meta(tree, *_DATE_META), *_json_ld_dates(tree)):
        parsed = parse_loose(value)
        if parsed is not None:
            return parsed
    for element in tree.xpath("//time")[:3]:
        parsed = parse_loose(element.get("datetime")) or find_date(element.text_content())
        if parsed is not None:
            return parsed
    return None


_VISIBLE_TAGS = "p|div|span|time|small|address|li|header|footer|section|em|strong"
_VISIBLE_MAX = 80
"""Elements looked at for a byline: the first after the ``<h1>`` (the byline's place)."""
_VISIBLE_ABOVE = 6
"""Elements just above the ``<h1>`` (a theme that prints the date over the headline)."""


def _visible_date(tree: lxml_html.HtmlElement) -> datetime | None:
    """The date of the article's own byline or date line as the page shows it
    (``Posted on November 3, 2026 by …``, ``2026.11.16 ｜ 投資觀點 ｜ 文／王小明``): the first
    short element after the ``<h1>``, else just above it, that is a byline or a line of
    dates.  A weekday-led date (星期三, 19 11 月, 2026) is a site top bar's "today" unless it
    touches the ``<h1>`` (on a page without one it is never the article's)."""
    tags = " or ".join(f"self::{t}" for t in _VISIBLE_TAGS.split("|"))
    headline = tree.xpath("//h1")
    if not headline:
        for element in tree.xpath(f"//body//*[{tags}]")[:_VISIBLE_MAX]:
            text = clean_text(element.text_content())
            if _dated_line(text) and kind_of(text) is not Kind.CHROME:
                return find_date(text)
        return None
    after = tree.xpath(f"//h1[1]/following::*[{tags}]")[:_VISIBLE_MAX]
    above = tree.xpath(f"//h1[1]/preceding::*[{tags}]")[-_VISIBLE_ABOVE:][::-1]
    texts_after = _texts(headline[0].xpath("following::text()")[:_VISIBLE_MAX])
    texts_above = _texts(headline[0].xpath("preceding::text()")[-_VISIBLE_MAX:])
    for element, touching in (
        *((e, texts_after[:1]) for e in after),
        *((e, texts_above[-1:]) for e in above),
    ):
        text = clean_text(element.text_content())
        if not _dated_line(text) or (kind_of(text) is Kind.CHROME and touching != [text]):
            continue
        return find_date(text)
    return None


def _dated_line(text: str) -> bool:
    """A byline or a line of dates, holding a full date."""
    return (
        0 < len(text) <= BYLINE_MAX
        and (is_byline(text) or is_date_line(text))
        and find_date(text) is not None
    )


def _texts(nodes: list[str]) -> list[str]:
    return [t for t in (clean_text(n) for n in nodes) if t]


def _corroborated(
    value: str | None, tree: lxml_html.HtmlElement, url: str | None
) -> datetime | None:
    """trafilatura's date when the page's text or URL writes that full date: a date with
    no day is no date, and a filled-in month or day must never be shown as published."""
    parsed = parse_loose(value)
    if parsed is None:
        return None
    day = parsed.date()
    url_date = re.compile(rf"{day.year}[-/_.]?0?{day.month}[-/_.]?0?{day.day}(?!\d)")
    if url and url_date.search(url):
        return parsed
    text = clean_text(" ".join(tree.xpath("//body//text()")))
    return parsed if any(d.date() == day for d in all_dates(text)) else None


_JSON_LD_KEYS = ("datePublished", "dateCreated")


def _json_ld_dates(tree: lxml_html.HtmlElement) -> Iterator[str]:
    """``datePublished`` (else ``dateCreated``) of the JSON-LD objects on the page, in
    order, looking inside ``@graph`` lists; unreadable blocks are skipped."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        found: dict[str, str] = {}
        while stack and len(found) < len(_JSON_LD_KEYS):
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                for key in _JSON_LD_KEYS:
                    value = item.get(key)
                    if isinstance(value, str) and key not in found:
                        found[key] = value
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
        yield from (found[k] for k in _JSON_LD_KEYS if k in found)
