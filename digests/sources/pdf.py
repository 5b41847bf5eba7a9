"""Read a PDF report into an article: its text layer, laid out as a reader sees it.

Entry point for ``parse_raw`` (``briefbot ingest report.pdf``) and for the bot's
on-demand digests (a document a reader sends): :func:`read_pdf`.

Text comes from pdfminer.six (MIT, pure Python; chosen over pypdf and PyMuPDF, see the
README's "PDF reports"): it decodes CID fonts through their CMaps, including the
non-embedded Adobe-CNS1 fonts Taiwanese reports use, and gives every character's font,
size and position, which is what headings, columns and tables are read from
(:mod:`digests.sources.pdflayout`).  When the PDF sets no heading apart by type, the
page-dump splitter's textual cues (一、, 【…】, short unpunctuated lines) find them.

No OCR: a scan has no text layer and gets a clear refusal.  Every refusal is a
SourceError with a one-line reason and a ``code`` the bot can say in the reader's
language: ``pdf_no_text``, ``pdf_encrypted``, ``pdf_unreadable``.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from digests.models import Article, Section
from digests.sources.boilerplate import drop_boilerplate
from digests.sources.errors import SourceError
from digests.sources.pdflayout import Layout, Page, TextLine, build_layout, is_bold_font
from digests.sources.sniff import has_sentences

NO_TEXT_REASON = "PDF without a text layer (a scan?): nothing to digest, and no OCR is done"
UNDECODABLE_REASON = (
    "PDF whose fonts map its text to no characters (no Unicode map): nothing to digest"
)
ENCRYPTED_REASON = "password-protected PDF: cannot be read"
MAX_PAGES = 300
"""Pages read at most: a report is far shorter; a 20 MB scan-free PDF this long is a book."""
TIME_BUDGET = 60.0
"""Seconds of parsing before giving up (a pathological file), checked between pages."""
MIN_TEXT_CHARS = 20

_CID_RE = re.compile(r"\(cid:\d+\)")
_PDF_DATE_RE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz+\-])(\d{2})?'?(\d{2})?'?)?"
)
_JUNK_TITLE_RE = re.compile(
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
    (no text layer), an encrypted file without the empty password, a damaged file.
    """
    pages, info = _extract(data)
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
    return [
        Article(
            title=title,
            sections=tuple(sections),
            source=name,
            source_kind="pdf",
            url=url,
            published=_pdf_date(info.get("CreationDate")),
        )
    ]


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


def _extract(data: bytes) -> tuple[list[Page], dict[str, Any]]:
    """Pages of positioned lines and the document's info dictionary, via pdfminer.six."""
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    # pdfminer logs every oddity of a damaged file as a warning; what matters reaches
    # the user as the SourceError, so its chatter stays out of the CLI's output.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        info = _info(document)
        pages = list(_pages(document))
    except SourceError:
        raise
    except PDFPasswordIncorrect:
        raise SourceError(ENCRYPTED_REASON, code="pdf_encrypted") from None
    except Exception as exc:  # hostile or damaged input breaks parsers in many ways
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise SourceError(f"unreadable PDF: {reason}", code="pdf_unreadable") from None
    return pages, info


def _pages(document: Any) -> Iterator[Page]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True, boxes_flow=None))
    interpreter = PDFPageInterpreter(resources, device)
    started = time.monotonic()
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        if number > MAX_PAGES:
            break
        if time.monotonic() - started > TIME_BUDGET:
            raise SourceError(
                f"PDF too slow to read: stopped after {number - 1} pages",
                code="pdf_unreadable",
            )
        interpreter.process_page(page)
        layout = device.get_result()
        area = layout.width * layout.height
        lines = tuple(_lines(layout, number, layout.x0, layout.y0, area))
        yield Page(number, layout.width, layout.height, lines, _glyphs(layout))


def _glyphs(container: Any) -> int:
    from pdfminer.layout import LTChar

    count = 0
    for item in container:
        if isinstance(item, LTChar):
            count += 1
        elif hasattr(item, "__iter__"):
            count += _glyphs(item)
    return count


def _lines(
    container: Any, page: int, dx: float, dy: float, area: float, chart: bool = False
) -> Iterator[TextLine]:
    """Every horizontal text run under ``container``, in page coordinates from 0.

    pdfminer joins characters into a line across gaps up to two characters wide, which
    puts the two columns of a page, or a table's cells, into one line; such a line is
    cut here wherever the gap between two characters is wider than one character, so
    the layout sees columns and cells as they stand.

    Text inside a figure smaller than half the page is a chart's (axis ticks, legends,
    labels): only its lines that read as sentences (a caption) are kept.  A figure the
    size of the page is how some producers wrap all of a page's text, and is read whole.
    """
    from pdfminer.layout import LTChar, LTFigure, LTTextLineHorizontal

    for item in container:
        if isinstance(item, LTTextLineHorizontal):
            if chart and not has_sentences(item.get_text()):
                continue
            run: list[Any] = []
            for char in item:
                if run and isinstance(char, LTChar):
                    last = next((c for c in reversed(run) if isinstance(c, LTChar)), None)
                    if last is not None and char.x0 - last.x1 > 0.9 * max(char.size, 1.0):
                        yield from _run_line(run, page, dx, dy)
                        run = []
                run.append(char)
            yield from _run_line(run, page, dx, dy)
        elif hasattr(item, "__iter__") and not isinstance(item, LTChar):
            small = isinstance(item, LTFigure) and item.width * item.height < 0.5 * area
            yield from _lines(item, page, dx, dy, area, chart or small)


def _run_line(run: list[Any], page: int, dx: float, dy: float) -> Iterator[TextLine]:
    from pdfminer.layout import LTChar

    chars = [c for c in run if isinstance(c, LTChar)]
    text = _CID_RE.sub("", "".join(c.get_text() for c in run)).strip()
    if not chars or not text:
        return
    sizes: Counter[float] = Counter()
    bold = 0
    for char in chars:
        sizes[round(char.size * 2) / 2] += 1
        bold += is_bold_font(char.fontname)
    yield TextLine(
        page=page,
        x0=min(c.x0 for c in chars) - dx,
        y0=min(c.y0 for c in chars) - dy,
        x1=max(c.x1 for c in chars) - dx,
        y1=max(c.y1 for c in chars) - dy,
        text=text,
        size=sizes.most_common(1)[0][0],
        bold=bold > len(chars) / 2,
    )


def _info(document: Any) -> dict[str, Any]:
    """The document information dictionary, values decoded to text where they are text."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    info: dict[str, Any] = {}
    for entry in document.info or []:
        for key, value in (resolve1(entry) or {}).items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str):
                info[str(key)] = value.replace("\x00", "").strip()
    return info


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
