"""HTML to sections: headings start sections, paragraphs and list items fill them.

A heading is an ``<h2>``–``<h6>`` or a paragraph that is bold and nothing else
(``<p><strong>營收年增35%</strong></p>``): many Chinese outlets mark their section heads
that way.  Boilerplate (promotions, bylines, disclaimers, related-article lists) is dropped
with the same rules as plain-text pages, whether it comes as a paragraph or a heading.
Used by HTML pages (trafilatura's tree) and feed entries (HTML fragments) alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html

from digests import regexcache
from digests.models import Section
from digests.sources.boilerplate import classify, clean_paragraph
from digests.sources.qa import is_qa_line

_HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = {"p", "li", "blockquote", "pre", "td", "dd", "figcaption"}
_BOLD_TAGS = {"b", "strong"}
MAX_BOLD_HEADING_CHARS = 64
"""A bold paragraph longer than this is emphasised prose, not a heading."""
_SENTENCE_END = regexcache.compile(r"[。；;!！]\s*$|[。；;]\S")


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sections_from_blocks(blocks: list[tuple[str, str]], title: str) -> tuple[Section, ...]:
    """Group (kind, text) blocks, kind 'head' or 'para', into sections in order.

    Boilerplate blocks are dropped first; a paragraph's leading inline byline
    (（中央社記者…電）) is trimmed.  A Q&A-labelled heading (a bold 問：…) is text.
    """
    blocks = [(kind, text) for kind, text in blocks if text]
    kinds = classify([text for _, text in blocks])
    sections: list[Section] = []
    heading = ""
    paragraphs: list[str] = []
    for (kind, text), boilerplate in zip(blocks, kinds, strict=True):
        if boilerplate is not None:
            continue
        if kind == "head" and is_qa_line(text):
            kind = "para"  # a question is the answer's context, not a section
        if kind == "head":
            if not sections and not paragraphs and not heading and text == title:
                continue  # the page's own <h1> repeated inside the content
            if paragraphs or heading:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = text, []
        else:
            text = clean_paragraph(text)
            if text:
                paragraphs.append(text)
    if paragraphs or heading:
        sections.append(Section(heading, tuple(paragraphs)))
    return tuple(s for s in sections if s.paragraphs)


def is_heading_text(text: str) -> bool:
    """Whether bold-only text reads as a heading: short, no sentence inside or at its end."""
    return 0 < len(text) <= MAX_BOLD_HEADING_CHARS and not _SENTENCE_END.search(text)


def fragment_blocks(fragment: str) -> list[tuple[str, str]]:
    """Blocks of an HTML fragment (feed content): headings and paragraph-like elements."""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    for bad in root.xpath("//script|//style|//nav|//footer|//aside"):
        bad.drop_tree()
    blocks: list[tuple[str, str]] = []
    read: set[etree._Element] = set()  # data tables read as rows
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if any(parent in read for parent in el.iterancestors()):
            continue
        if tag == "table":
            rows = [
                [clean_text(c.text_content()) for c in tr if str(c.tag).lower() in ("td", "th")]
                for tr in el.iter("tr")
            ]
            lines = table_lines(rows)
            if lines:
                read.add(el)
                blocks.extend(("para", line) for line in lines)
        elif tag in _HEADING_TAGS or tag == "h1":
            blocks.append(("head", clean_text(el.text_content())))
        elif tag in _BLOCK_TAGS and not _inside_block(el):
            text = clean_text(el.text_content())
            bold_head = tag == "p" and _bold_only_html(el) and is_heading_text(text)
            blocks.append(("head" if bold_head else "para", text))
    if not blocks:
        text = clean_text(root.text_content())
        if text:
            blocks.append(("para", text))
    return blocks


def trafilatura_blocks(doc: etree._Element) -> list[tuple[str, str]]:
    """(kind, text) blocks of trafilatura's XML (``include_formatting=True``).

    ``<head>`` is a heading; so is a ``<p>`` whose only text is inside ``<hi rend="#b">``.
    """
    blocks: list[tuple[str, str]] = []
    main = doc.find("main")
    for el in (main if main is not None else doc).iter("head", "p", "item", "quote", "table"):
        parent = el.getparent()
        if el.tag == "p" and parent is not None and parent.tag in ("item", "quote"):
            continue
        if next(el.iterancestors("table"), None) is not None:
            continue  # read with its table
        if el.tag == "table":
            rows = [
                [clean_text("".join(c.itertext())) for c in r.iter("cell")] for r in el.iter("row")
            ]
            blocks.extend(("para", row) for row in table_lines(rows))
            continue
        text = clean_text("".join(el.itertext()))
        if el.tag == "head" or (el.tag == "p" and _bold_only_xml(el) and is_heading_text(text)):
            blocks.append(("head", text))
        else:
            blocks.append(("para", text))
    return blocks


MAX_TABLE_CELL_CHARS = 40


def table_lines(rows: list[list[str]]) -> list[str]:
    """A data table's rows as lines of cells joined by spaces, header first, as PDF tables
    are read (``公司 代號 營收(億元)`` over ``欣興 3037 1,248``), so a row is told as a row and
    labelled by its header; a table of long cells lays out a page, not data, and is left
    out as before tables were read (an empty cell reads ``-``)."""
    rows = [row for row in rows if any(row)]
    if len(rows) < 2 or any(len(row) < 2 for row in rows):
        return []
    if any(len(cell) > MAX_TABLE_CELL_CHARS for row in rows for cell in row):
        return []
    return [" ".join(cell.replace(" ", "") or "-" for cell in row) for row in rows]


def _bold_only_html(el: etree._Element) -> bool:
    """<p><strong>…</strong></p> or <p><b>…</b></p>: every character sits inside bold."""
    return _bold_only(el, lambda child: str(child.tag).lower() in _BOLD_TAGS)


def _bold_only_xml(el: etree._Element) -> bool:
    return _bold_only(el, lambda child: child.tag == "hi" and "#b" in (child.get("rend") or ""))


def _bold_only(el: etree._Element, is_bold: Callable[[etree._Element], bool]) -> bool:
    if (el.text or "").strip():
        return False
    children = [c for c in el if isinstance(c.tag, str) and str(c.tag).lower() != "br"]
    if not children:
        return False
    for child in el:
        if (child.tail or "").strip():
            return False
    return all(is_bold(child) for child in children)


def _inside_block(el: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and parent.tag.lower() in _BLOCK_TAGS:
            return True
        parent = parent.getparent()
    return False
