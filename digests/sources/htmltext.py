"""HTML to sections: ``<h2>``/``<h3>`` start sections, paragraphs and list items fill them."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from digests.models import Section

_HEADING_TAGS = {"h2", "h3", "h4"}
_BLOCK_TAGS = {"p", "li", "blockquote", "pre", "td", "dd", "figcaption"}


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sections_from_blocks(blocks: list[tuple[str, str]], title: str) -> tuple[Section, ...]:
    """Group (kind, text) blocks, kind 'head' or 'para', into sections in order."""
    sections: list[Section] = []
    heading = ""
    paragraphs: list[str] = []
    for kind, text in blocks:
        if not text:
            continue
        if kind == "head":
            if not sections and not paragraphs and not heading and text == title:
                continue  # the page's own <h1> repeated inside the content
            if paragraphs or heading:
                sections.append(Section(heading, tuple(paragraphs)))
            heading, paragraphs = text, []
        else:
            paragraphs.append(text)
    if paragraphs or heading:
        sections.append(Section(heading, tuple(paragraphs)))
    return tuple(s for s in sections if s.paragraphs)


def fragment_blocks(fragment: str) -> list[tuple[str, str]]:
    """Blocks of an HTML fragment (feed content): headings and paragraph-like elements."""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    for bad in root.xpath("//script|//style|//nav|//footer|//aside"):
        bad.drop_tree()
    blocks: list[tuple[str, str]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in _HEADING_TAGS or tag == "h1":
            blocks.append(("head", clean_text(el.text_content())))
        elif tag in _BLOCK_TAGS and not _inside_block(el):
            blocks.append(("para", clean_text(el.text_content())))
    if not blocks:
        text = clean_text(root.text_content())
        if text:
            blocks.append(("para", text))
    return blocks


def _inside_block(el: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and parent.tag.lower() in _BLOCK_TAGS:
            return True
        parent = parent.getparent()
    return False
