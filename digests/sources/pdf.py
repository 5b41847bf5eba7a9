"""Read a PDF report into an article: its text layer, laid out as a reader sees it.

Entry point for ``parse_raw`` (``briefbot ingest report.pdf``) and for the bot's
on-demand digests (a document a reader sends): :func:`read_pdf`.

Text comes from pdfminer.six (MIT, pure Python; chosen over pypdf and PyMuPDF, see the
README's "PDF reports"): it decodes CID fonts through their CMaps, including the
non-embedded Adobe-CNS1 fonts Taiwanese reports use, and gives every character's font,
size and position, which is what headings, columns and tables are read from
(:mod:`digests.sources.pdflayout`).  When the PDF sets no heading apart by type, the
page-dump splitter's textual cues (一、, 【…】, short unpunctuated lines) find them.

pdfminer runs in a child process (:mod:`digests.sources.pdfextract` through
:mod:`digests.sources.isolate`), capped at 1 GB and killed at the time limit: a PDF bomb
or a pathological file costs the caller nothing but the refusal.  The layout rules run
here, on the positioned lines the child sends back.

No OCR: a scan has no text layer and gets a clear refusal.  Every refusal is a
SourceError with a one-line reason and a ``code`` the bot can say in the reader's
language: ``pdf_no_text``, ``pdf_encrypted``, ``pdf_unreadable``, ``pdf_too_large``
(over the memory cap or the text cap), ``pdf_too_slow``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from digests import regexcache
from digests.models import Article, Section
from digests.sources.boilerplate import drop_boilerplate
from digests.sources.errors import SourceError
from digests.sources.isolate import MEMORY_LIMIT
from digests.sources.pdflayout import Layout, Page, build_layout

NO_TEXT_REASON = "PDF without a text layer (a scan?): nothing to digest, and no OCR is done"
UNDECODABLE_REASON = (
    "PDF whose fonts map its text to no characters (no Unicode map): nothing to digest"
)
TOO_LARGE_REASON = (
    f"PDF too large to read: over {MEMORY_LIMIT >> 20} MB when decompressed (a PDF bomb?)"
)
MAX_PAGES = 300
"""Pages read at most: a report is far shorter; a 20 MB scan-free PDF this long is a book.
The pages after it are not read, and the source's line says so (a warning)."""
TIME_BUDGET = 60.0
"""Seconds of parsing before giving up (a pathological file): checked between pages in
the child, and the child is killed at this plus :data:`HARD_GRACE` whatever it does."""
HARD_GRACE = 2.0
MIN_TEXT_CHARS = 20
EXTRACTOR = "digests.sources.pdfextract"
"""The module that runs pdfminer, in the child process only."""

_PDF_DATE_RE = regexcache.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz+\-])(\d{2})?'?(\d{2})?'?)?"
)
_JUNK_TITLE_RE = regexcache.compile(
    r"^(?:untitled|無標題|未命名|microsoft (?:word|powerpoint|excel)\b|powerpoint 簡報|"
    r"簡報標題|document\d*|slide \d+)|\.(?:docx?|pptx?|xlsx?|pdf|indd|txt)$",
    re.IGNORECASE,
)


def read_pdf(data: bytes, name: str, url: str | None = None) -> list[Article]:
    """The article in a PDF's bytes; raise SourceError with a one-line reason.

    ``name`` is what the source is called (a path, a document's file name), ``url`` where
    it came from, if anywhere.  The article's title is the first page's largest line,
    else the document's metadata title when it reads like one; headings come from font
    size and weight; running headers, footers, page numbers and repeated disclaimers
    are dropped; table rows become lines of cells joined by spaces.  Refused: a scan
    (no text layer), an encrypted file without the empty password, a damaged file, one
    that decompresses past the memory cap or takes too long to read.
    """
    return read_pdf_source(data, name, url)[0]


def read_pdf_source(
    data: bytes, name: str, url: str | None = None
) -> tuple[list[Article], tuple[str, ...]]:
    """:func:`read_pdf` and the warnings for the source's line (pages not read)."""
    pages, info, page_count = _extract(data)
    warnings = ()
    if page_count > MAX_PAGES:
        warnings = (f"only the first {MAX_PAGES} of {page_count:,} pages read",)
    chars = sum(len(line.text.strip()) for page in pages for line in page.lines)
    if chars < MIN_TEXT_CHARS:
        if sum(page.glyphs for page in pages) >= 2 * MIN_TEXT_CHARS:
            raise SourceError(UNDECODABLE_REASON, code="pdf_no_text")
        raise SourceError(NO_TEXT_REASON, code="pdf_no_text")
    layout = build_layout(pages)
    meta_title = _metadata_title(info)
    title, sections = _sections(layout, meta_title)
    if not sections:
        raise SourceError(NO_TEXT_REASON, code="pdf_no_text")
    article = Article(
        title=title,
        sections=tuple(sections),
        source=name,
        source_kind="pdf",
        url=url,
        published=_pdf_date(info.get("CreationDate")),
    )
    return [article], warnings


def _sections(layout: Layout, meta_title: str | None) -> tuple[str, list[Section]]:
    """Title and sections: from the typography, else from the text's own heading cues."""
    title = layout.title or meta_title or ""
    if layout.headings_from_type:
        sections = []
        for heading, paragraphs in layout.sections:
            kept = drop_boilerplate(paragraphs)
            if kept:  # a heading over nothing but boilerplate (免責聲明…) goes with it
                sections.append(Section(heading, tuple(kept)))
        return title, sections
    from digests.sources.pagedump import segment_articles

    lines = [title] if title else []
    for heading, paragraphs in layout.sections:
        lines += [heading, *paragraphs] if heading else paragraphs
    found = segment_articles("\n".join(lines))
    if not found:
        return title, []
    first_title, first = found[0]
    sections = list(first)
    for later_title, later in found[1:]:
        # One document is one article: what the page-dump rules took for another
        # article's title heads its intro (or stands alone, and goes, over no text).
        later = list(later)
        if later and not later[0].heading:
            later[0] = Section(later_title, later[0].paragraphs)
        sections += later
    return title or first_title, [s for s in sections if s.paragraphs]


def _extract(data: bytes) -> tuple[list[Page], dict[str, Any], int]:
    """Pages of positioned lines (at most :data:`MAX_PAGES`), the document's info
    dictionary and its page count, read in a child process capped at
    :data:`MEMORY_LIMIT` and killed at :data:`TIME_BUDGET` (:mod:`digests.sources.isolate`).
    """
    from digests.sources.isolate import Exhausted, run_limited

    try:
        extracted = run_limited(
            f"{EXTRACTOR}:extract",
            (data, MAX_PAGES, TIME_BUDGET),
            timeout=TIME_BUDGET + HARD_GRACE,
            memory=MEMORY_LIMIT,
        )
    except Exhausted as exc:
        if exc.kind == "time":
            raise SourceError(
                f"PDF too slow to read: stopped after {TIME_BUDGET:g} s", code="pdf_too_slow"
            ) from None
        if exc.kind == "memory":
            raise SourceError(TOO_LARGE_REASON, code="pdf_too_large") from None
        raise SourceError(
            "unreadable PDF: its reader stopped (out of memory or crashed)", code="pdf_too_large"
        ) from None
    return extracted.pages, extracted.info, extracted.page_count


def _metadata_title(info: dict[str, Any]) -> str | None:
    """The Title entry when it reads like a title, not a file name or a template's."""
    title = str(info.get("Title") or "").strip()
    if len(title) < 4 or _JUNK_TITLE_RE.search(title):
        return None
    return title


def _pdf_date(value: Any) -> datetime | None:
    """``D:20261125093000+08'00'`` as an aware datetime (UTC when no offset is given)."""
    if not isinstance(value, str):
        return None
    match = _PDF_DATE_RE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    tz = UTC
    if sign in ("+", "-"):
        offset = timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
        tz = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
