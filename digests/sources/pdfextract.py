"""Extract a PDF's positioned text lines with pdfminer.six: the part that runs in a child.

:mod:`digests.sources.pdf` hands the bytes to :func:`extract` in a child process
(:mod:`digests.sources.isolate`): pdfminer inflates every stream it reads, so a crafted
file that decompresses to gigabytes, or one that keeps the interpreter busy, is stopped
there (memory cap, hard deadline) instead of in the bot's own process.  What comes back
is plain data: :class:`~digests.sources.pdflayout.Page` objects of positioned lines, the
document's info dictionary and its page count; the layout rules run in the caller.

pdfminer is imported at module level on purpose: the child server preloads this module
once, so each PDF's child starts with pdfminer already imported.
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar, LTFigure, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

from digests import regexcache
from digests.sources.errors import SourceError
from digests.sources.pdflayout import Page, TextLine, is_bold_font
from digests.sources.sniff import has_sentences

ENCRYPTED_REASON = "password-protected PDF: cannot be read"
MAX_TEXT_CHARS = 5_000_000
"""Characters of text at most (a 300-page report has about a million): beyond, the file
is built to flood the reader, and its text is not sent back."""
MAX_COUNTED_PAGES = 100_000
"""Pages counted past the reading cap, for the warning; a page tree longer is refused."""

_CID_RE = regexcache.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class Extracted:
    """What the child sends back: pages read, the info dictionary, the page count."""

    pages: list[Page]
    info: dict[str, Any]
    page_count: int


def extract(data: bytes, max_pages: int, budget: float) -> Extracted:
    """Pages (at most ``max_pages``) of positioned lines, the info dictionary and the
    document's page count; SourceError with a one-line reason when unreadable.

    ``budget``: seconds of page processing before giving up between two pages (the
    caller's hard deadline kills a child stuck inside one page).
    """
    # pdfminer logs every oddity of a damaged file as a warning; what matters reaches
    # the user as the SourceError, so its chatter stays out of the CLI's output.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        info = _info(document)
        resources = PDFResourceManager(caching=True)
        device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True, boxes_flow=None))
        interpreter = PDFPageInterpreter(resources, device)
        pages: list[Page] = []
        count = 0
        chars = 0
        started = time.monotonic()
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            count = number
            if number > max_pages:
                if number >= MAX_COUNTED_PAGES:
                    break
                continue  # counted, not read: the caller warns about the rest
            if time.monotonic() - started > budget:
                raise SourceError(
                    f"PDF too slow to read: stopped after {number - 1} pages",
                    code="pdf_too_slow",
                )
            pages.append(_read_page(interpreter, device, page, number))
            chars += sum(len(line.text) for line in pages[-1].lines)
            if chars > MAX_TEXT_CHARS:
                raise SourceError(
                    f"PDF with too much text (over {MAX_TEXT_CHARS:,} characters)",
                    code="pdf_too_large",
                )
    except (SourceError, MemoryError):
        raise
    except PDFPasswordIncorrect:
        raise SourceError(ENCRYPTED_REASON, code="pdf_encrypted") from None
    except Exception as exc:  # hostile or damaged input breaks parsers in many ways
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise SourceError(f"unreadable PDF: {reason}", code="pdf_unreadable") from None
    return Extracted(pages, info, count)


def _read_page(interpreter: Any, device: Any, page: Any, number: int) -> Page:
    interpreter.process_page(page)
    layout = device.get_result()
    area = layout.width * layout.height
    lines = tuple(_lines(layout, number, layout.x0, layout.y0, area))
    return Page(number, layout.width, layout.height, lines, _glyphs(layout))


def _glyphs(container: Any) -> int:
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
    info: dict[str, Any] = {}
    for entry in document.info or []:
        for key, value in (resolve1(entry) or {}).items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str):
                info[str(key)] = value.replace("\x00", "").strip()
    return info
