"""From a PDF's positioned text lines to a report's title, headings and paragraphs.

A PDF has no paragraphs, headings or reading order: only glyphs at positions in fonts.
What readers see as structure is typography, and that is what this module reads:

- **reading order**: lines top to bottom; a page set in two columns (a gutter no body
  line crosses, with paragraph-wide lines on both sides) is read left column first,
  with full-width lines (a title, a wide table) breaking the flow;
- **page furniture**: running headers and footers, page numbers and a disclaimer printed
  on every page are the same line (numbers aside) on most pages, so a line repeated on
  at least half the pages is dropped wherever it stands, and page-number lines in the top
  or bottom margin are dropped even on a one-page document;
- **tables**: cells on one baseline are one row, read left to right and joined by spaces,
  each row its own line, instead of one cell per line;
- **headings**: a line set clearly larger than the body text, or in a bold face (a
  ``Bold``/``Heavy``/``Black`` font name, or Word's ``,Bold`` synthesised bold) while the
  body is not, and short and unpunctuated; consecutive heading lines of one style are one
  heading (a title wrapped over two lines);
- **paragraphs**: wrapped lines are joined back (no space between CJK characters) until
  extra spacing, an indent, a list marker, or a short line that ends a sentence.

Pure functions over plain data (``TextLine``), so it is tested without a PDF library.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise

from digests import regexcache

HEADING_SIZE_RATIO = 1.15
"""A line this much larger than the body text (and at least 1 pt larger) is a heading."""
REPEATED_SHARE = 0.5
"""A line on at least this share of the pages (and two or more) is page furniture."""
MARGIN_BAND = 0.12
"""Top and bottom share of the page where running headers, footers and numbers live."""
MAX_HEADING_CHARS = 60
IN_PLACE = 3.0
"""Points a repeated line may move and still be furniture: a template prints it in the
same place on every page, while a sentence a report happens to repeat lands wherever the
text flow puts it, and so is kept."""

_BOLD_FONT_RE = regexcache.compile(
    r"bold|heavy|black|semibold|demi|,b\b|-b\b|w[6-9]\b", re.IGNORECASE
)
_DIGITS_RE = regexcache.compile(r"\d+")
_SPACE_RE = regexcache.compile(r"\s+")
_PAGE_NUMBER_RE = regexcache.compile(
    r"^(?:第#頁(?:[,，/／]?共#頁)?|#(?:/|／|of)#|[-–—]#[-–—]|(?:page|p\.?)#(?:(?:/|of)#)?|#|[(（]#[)）])$",
    re.IGNORECASE,
)
_SENTENCE_END_RE = regexcache.compile(r"[。！？!?；;：:」』）)]$")
_LIST_MARK_RE = regexcache.compile(
    r"^(?:[•●○■□◆◇▪▶►‧・\-–—*]\s*|\d{1,2}\s*[.、)）](?![\d%])|[(（]\s*\d{1,2}\s*[)）]|"
    r"[一二三四五六七八九十]+\s*[、.]|[(（][一二三四五六七八九十]+[)）])"
)
_LABEL_RE = regexcache.compile(r"^[^\s，,。：:]{1,8}[：:]\s*\S")
_ASCII_WORD_END_RE = regexcache.compile(r"[A-Za-z0-9,.;:%)]$")
_ASCII_WORD_START_RE = regexcache.compile(r"^[A-Za-z0-9(]")


@dataclass(frozen=True)
class TextLine:
    """One line of text as laid out on a page (PDF points, y grows upwards)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    """The font size most of the line's characters are set in."""
    bold: bool = False
    cells: int = 1
    """How many separate runs on one baseline were joined into this line (a table row)."""
    left: float = 0.0
    right: float = 0.0
    """The edges of the text column the line stands in (set by ``reading_order``): a
    line ending well short of ``right`` ends its paragraph."""
    top: float = 0.0
    bottom: float = 0.0
    """The column's highest and lowest text: a paragraph flows on into the next column
    only from the foot of one to the head of the other."""

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]
    glyphs: int = 0
    """Characters drawn, decodable or not: text that maps to no character (a font
    without a Unicode map) is not a scan, and is told apart in the refusal."""


@dataclass
class Layout:
    """What a PDF's text says: its title line (if any) and (heading, paragraphs) sections."""

    title: str = ""
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    headings_from_type: bool = False
    """Headings came from font size or weight (else the text's own cues must be used)."""
    dropped: int = 0
    """Lines dropped as page furniture (headers, footers, numbers, repeated disclaimers)."""


def is_bold_font(fontname: str) -> bool:
    """Bold by its name: ``…-Bold``, ``,Bold`` (Word's synthesised bold), Heavy, W7…"""
    return bool(_BOLD_FONT_RE.search(fontname.split("+", 1)[-1]))


def _key(text: str) -> str:
    """A line with numbers and spacing ignored: page 3's footer equals page 4's."""
    return _DIGITS_RE.sub("#", _SPACE_RE.sub("", text))


def drop_furniture(pages: list[Page]) -> tuple[list[Page], int]:
    """Pages without running headers, footers, page numbers and repeated disclaimers."""
    where: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for page in pages:
        for line in page.lines:
            where[_key(line.text)].append((page.number, line.middle))
    usual = {key: statistics.median(y for _, y in places) for key, places in where.items()}
    seen = {
        key: len({page for page, y in places if abs(y - usual[key]) <= IN_PLACE})
        for key, places in where.items()
    }
    # In the margins two pages make a running header; in the body, where a sentence
    # may recur by chance, a short document needs it on every page.
    body_threshold = len(pages) if len(pages) <= 3 else max(2.0, REPEATED_SHARE * len(pages))
    margin_threshold = min(body_threshold, max(2.0, 0.3 * len(pages)))
    kept_pages = []
    dropped = 0
    for page in pages:
        kept = []
        for line in page.lines:
            key = _key(line.text)
            in_margin = (
                line.y0 > page.height * (1 - MARGIN_BAND) or line.y1 < page.height * MARGIN_BAND
            )
            threshold = margin_threshold if in_margin else body_threshold
            in_place = abs(line.middle - usual[key]) <= IN_PLACE
            repeated = len(pages) >= 2 and in_place and seen[key] >= threshold
            if repeated or (in_margin and _is_page_number(line, page, len(pages))):
                dropped += 1
            else:
                kept.append(line)
        kept_pages.append(replace(page, lines=tuple(kept)))
    return kept_pages, dropped


def _is_page_number(line: TextLine, page: Page, pages: int) -> bool:
    """A page number: its pattern, alone on its baseline (not a table's cell), and, when
    a bare number, one a document of this length could print (not a figure)."""
    text = line.text.strip()
    if not _PAGE_NUMBER_RE.match(_key(text)):
        return False
    if text.isdigit() and int(text) > 2 * pages + 20:
        return False
    return not any(other is not line and _same_baseline(other, line) for other in page.lines)


def _gutter(page: Page) -> float | None:
    """The x of the gutter between two columns, or None for a page set in one column.

    Two columns (or a sidebar beside the text, as on a broker report's first page with
    its rating and stock data) need a vertical strip that at most a few lines cross (a
    title, a wide table), lines wholly on each side, and paragraph-wide lines on at least
    one side; a table's narrow cells on both sides never make columns.
    """
    lines = [line for line in page.lines if len(line.text.strip()) > 1]
    if len(lines) < 8:
        return None
    best: tuple[int, float] | None = None
    x = page.width * 0.15
    while x <= page.width * 0.85:
        crossing = sum(1 for line in lines if line.x0 < x < line.x1)
        if best is None or crossing < best[0]:
            best = (crossing, x)
        x += 2.0
    if best is None or best[0] > 0.2 * len(lines):
        return None
    gutter = best[1]
    wide = 0.25 * page.width
    left = [line.x1 - line.x0 for line in lines if line.x1 <= gutter]
    right = [line.x1 - line.x0 for line in lines if line.x0 >= gutter]
    if min(len(left), len(right)) < 3:
        return None
    paragraphs = max(sum(w >= wide for w in left), sum(w >= wide for w in right))
    return gutter if paragraphs >= 4 else None


def _same_baseline(a: TextLine, b: TextLine) -> bool:
    tolerance = 0.35 * min(a.height, b.height) if min(a.height, b.height) > 0 else 1.0
    return abs(a.middle - b.middle) <= tolerance


def _rows(lines: list[TextLine], width: float) -> list[TextLine]:
    """Lines on one baseline joined left to right (a table row), top to bottom.

    A line of paragraph width (over a third of the page) is text, never a cell: a
    margin note level with it stays a line of its own.
    """
    ordered = sorted(lines, key=lambda line: (-line.middle, line.x0))
    rows: list[list[TextLine]] = []
    for line in ordered:
        if rows and _same_baseline(rows[-1][0], line):
            rows[-1].append(line)
        else:
            rows.append([line])
    merged = []
    for row in rows:
        row.sort(key=lambda line: line.x0)
        if len(row) == 1 or any(line.x1 - line.x0 > width / 3 for line in row):
            merged.extend(row)
            continue
        size = Counter(line.size for line in row).most_common(1)[0][0]
        merged.append(
            TextLine(
                page=row[0].page,
                x0=row[0].x0,
                y0=min(line.y0 for line in row),
                x1=max(line.x1 for line in row),
                y1=max(line.y1 for line in row),
                text=" ".join(line.text.strip() for line in row),
                size=size,
                bold=all(line.bold for line in row),
                cells=sum(line.cells for line in row),
            )
        )
    return merged


def _column(lines: list[TextLine], width: float) -> list[TextLine]:
    """One column's lines as rows, each told the column's edges."""
    rows = _rows(lines, width)
    text = [row for row in rows if row.cells == 1] or rows
    if not text:
        return []
    left, right = min(row.x0 for row in text), max(row.x1 for row in text)
    top, bottom = max(row.y1 for row in rows), min(row.y0 for row in rows)
    return [replace(row, left=left, right=right, top=top, bottom=bottom) for row in rows]


def reading_order(page: Page) -> list[TextLine]:
    """The page's lines as a reader reads them: rows merged, columns one after the other."""
    gutter = _gutter(page)
    if gutter is None:
        return _column(list(page.lines), page.width)
    ordered: list[TextLine] = []
    left: list[TextLine] = []
    right: list[TextLine] = []
    for line in sorted(page.lines, key=lambda line: -line.y1):
        if line.x0 < gutter < line.x1:  # full width: ends the column run above it
            ordered += _column(left, page.width) + _column(right, page.width)
            left, right = [], []
            ordered += _column([line], page.width)
        elif line.x1 <= gutter:
            left.append(line)
        else:
            right.append(line)
    return ordered + _column(left, page.width) + _column(right, page.width)


def body_size(lines: Iterable[TextLine]) -> float:
    """The size most characters are set in: the body text's."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _heading_kind(line: TextLine, size: float, body_bold: bool) -> tuple[float, bool] | None:
    """The heading style (size, bold) of ``line``, or None when it is body text."""
    text = line.text.strip()
    if line.cells > 1 or not text or len(text) > MAX_HEADING_CHARS:
        return None
    if not re.search(r"[^\W\d_]", text):  # numbers and signs alone: a figure, a label
        return None
    larger = line.size >= max(size * HEADING_SIZE_RATIO, size + 1.0)
    bolder = line.bold and not body_bold and line.size >= size * 0.95
    if larger or (bolder and not re.search(r"[。！？!?；;，,]$", text) and len(text) <= 40):
        return (round(line.size, 1), line.bold)
    return None


def _join(previous: str, following: str) -> str:
    """Rejoin a wrapped line: no space in CJK text, one between Latin words."""
    if previous.endswith("-") and following[:1].islower():
        return previous[:-1] + following
    if _ASCII_WORD_END_RE.search(previous) and _ASCII_WORD_START_RE.match(following):
        return f"{previous} {following}"
    return previous + following


def _line_gap(lines: list[TextLine], size: float) -> float:
    """The usual space between two lines of body text: most body lines follow another
    line of their paragraph, so the median gap is the leading's, whatever it is."""
    gaps = [
        above.y0 - below.y1
        for above, below in pairwise(lines)
        if above.page == below.page
        and abs(above.size - size) < 0.25
        and abs(below.size - size) < 0.25
        and above.cells == below.cells == 1
        and -0.5 * size < above.y0 - below.y1 < 3 * size
    ]
    return statistics.median(gaps) if gaps else 0.3 * size


def _starts_paragraph(previous: TextLine, line: TextLine, size: float, leading: float) -> bool:
    """Does ``line`` open a new paragraph rather than continue ``previous``'s?

    Extra space over the usual line gap, an indent, a list marker, a table row, or a
    short line that ends a sentence before it; across a page break, only the sentence.
    """
    text, before = line.text.strip(), previous.text.strip()
    if line.cells > 1 or previous.cells > 1 or _LIST_MARK_RE.match(text):
        return True
    if line.page != previous.page:
        return bool(_SENTENCE_END_RE.search(before))  # a paragraph runs over the page break
    if _LABEL_RE.match(text):  # 目標價：1,200元 — a data line, not a wrapped one
        return True
    if (line.left, line.top) != (previous.left, previous.top):  # another column
        # Text flows on from the foot of one column to the head of the next when both
        # are alike in width and the first reaches as low: a sidebar does neither.
        widths = (previous.right - previous.left, line.right - line.left)
        flows = (
            previous.y0 - previous.bottom < size
            and line.top - line.y1 < size
            and min(widths) > 0.7 * max(widths)
            and previous.bottom <= line.bottom + 2 * size
        )
        return not flows or bool(_SENTENCE_END_RE.search(before))
    gap = previous.y0 - line.y1
    wide = leading + 0.4 * size
    if gap > wide or gap < -size:  # extra spacing, or a jump back up
        return gap > wide or bool(_SENTENCE_END_RE.search(before))
    if line.x0 > line.left + 1.5 * size and line.right - line.left > 10 * size:
        return True  # an indented first line (in a column wider than a few characters)
    short = previous.x1 < previous.right - 2 * size
    return short and bool(_SENTENCE_END_RE.search(before))


def build_layout(pages: list[Page]) -> Layout:
    """Title, sections and paragraphs of a document's pages (see the module's docstring)."""
    pages, dropped = drop_furniture(pages)
    lines = [line for page in pages for line in reading_order(page)]
    lines = [line for line in lines if line.text.strip()]
    layout = Layout(dropped=dropped)
    if not lines:
        return layout
    size = body_size(lines)
    body_weight = Counter[bool]()
    for line in lines:
        if abs(line.size - size) < 0.25:
            body_weight[line.bold] += len(line.text)
    body_bold = body_weight[True] > body_weight[False]
    kinds = [_heading_kind(line, size, body_bold) for line in lines]
    layout.headings_from_type = any(kinds)
    title_at = _title_line(lines, kinds, size)
    masthead = _masthead(lines, pages, title_at, size)
    leading = _line_gap(lines, size)
    layout.dropped += len(masthead)
    heading = ""
    paragraphs: list[str] = []
    previous: TextLine | None = None
    previous_kind: tuple[float, bool] | None = None
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        text = line.text.strip()
        same_heading = (
            kind is not None
            and kind == previous_kind
            and previous is not None
            and line.page == previous.page
            and previous.y0 - line.y1 < line.height
        )
        if index in masthead:
            continue
        if index in title_at:
            layout.title = _join(layout.title, text) if layout.title else text
        elif kind is not None:
            if same_heading and not paragraphs:
                heading = _join(heading, text)
            else:
                if paragraphs or heading:
                    layout.sections.append((heading, paragraphs))
                heading, paragraphs = text, []
        elif (
            paragraphs
            and previous is not None
            and previous_kind is None
            and (index - 1) not in title_at
            and not _starts_paragraph(previous, line, size, leading)
        ):
            paragraphs[-1] = _join(paragraphs[-1], text)
        else:
            paragraphs.append(text)
        previous, previous_kind = line, kind
    if paragraphs or heading:
        layout.sections.append((heading, paragraphs))
    return layout


def _masthead(
    lines: list[TextLine], pages: list[Page], title_at: set[int], size: float
) -> set[int]:
    """Small print that repetition cannot reveal: lines set smaller than the body above
    the title (a broker's masthead, a date strip), and on a one-page document the small
    lines in the top and bottom margins (its running header and footer)."""
    small = {i for i, line in enumerate(lines) if line.size < size - 0.25}
    found = {i for i in small if title_at and i < min(title_at)}
    if len(pages) == 1:
        height = pages[0].height
        found |= {
            i
            for i in small
            if lines[i].y0 > height * (1 - MARGIN_BAND) or lines[i].y1 < height * MARGIN_BAND
        }
    return found


def _title_line(
    lines: list[TextLine], kinds: list[tuple[float, bool] | None], size: float
) -> set[int]:
    """The line(s) of the first page set largest: the title, when larger than the body."""
    first_page = lines[0].page
    on_first = [i for i, line in enumerate(lines) if line.page == first_page]
    largest = max(lines[i].size for i in on_first)
    if largest < max(size * HEADING_SIZE_RATIO, size + 1.0):
        return set()
    start = next(i for i in on_first if lines[i].size == largest and kinds[i] is not None)
    chosen = {start}
    for i in range(start + 1, len(lines)):
        line, above = lines[i], lines[i - 1]
        if kinds[i] != kinds[start] or line.page != first_page:
            break
        if above.y0 - line.y1 > line.height:
            break
        chosen.add(i)
    return chosen
