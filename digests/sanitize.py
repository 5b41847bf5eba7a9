"""Strip invisible control characters from text before anyone reads or stores it.

Sources carry characters a reader never sees but a terminal, a Telegram client or a
search index still acts on: C0/C1 control codes (a stray ``\\x1b`` can rewrite a
terminal line), bidirectional overrides and isolates (U+202E makes a title read
backwards and can disguise a link), zero-width spaces and joiners (they split a company
name so that matching fails while it looks identical) and byte-order marks in mid-text.
None of them carries meaning in an article, so they are removed where text enters the
pipeline: the decoded source, and every title, heading and paragraph a reader produces
(feed and HTML entities such as ``&#8238;`` only become characters inside the parsers).
"""

from __future__ import annotations

from dataclasses import replace

from digests import regexcache
from digests.models import Article, Section

# Line breaks in all their spellings become "\n", so no line is glued to the next.
_BREAKS_RE = regexcache.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# C0 and C1 controls except tab and newline; bidi embeddings, overrides, isolates and
# marks (U+202A-202E, U+2066-2069, U+200E/F, U+061C); zero-width space, (non-)joiner,
# word joiner and the BOM / zero-width no-break space.
_INVISIBLE_RE = regexcache.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\u200b-\u200d\u2060\ufeff]"
)
_SPACES_RE = regexcache.compile(r"\s+")


def clean_text(text: str) -> str:
    """Multi-line text without invisible characters; newlines and tabs are kept."""
    return _INVISIBLE_RE.sub("", _BREAKS_RE.sub("\n", text))


def clean_line(text: str) -> str:
    """One line for a title, heading or message: invisible characters gone, spaces collapsed."""
    return _SPACES_RE.sub(" ", clean_text(text)).strip()


def clean_article(article: Article) -> Article | None:
    """The article with clean title, headings and paragraphs; None when no text is left."""
    sections = []
    for section in article.sections:
        paragraphs = tuple(p for p in (clean_text(p).strip() for p in section.paragraphs) if p)
        if paragraphs:
            sections.append(Section(clean_line(section.heading), paragraphs))
    if not sections:
        return None
    title = clean_line(article.title) or clean_line(sections[0].paragraphs[0])[:60]
    url = clean_line(article.url) if article.url else None
    return replace(article, title=title, sections=tuple(sections), url=url or None)
