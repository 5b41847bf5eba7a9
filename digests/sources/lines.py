"""Page-dump lines into blocks: which lines may be headings, which are text whatever they look like.

A heading candidate is a short line without end punctuation above text.  Some short lines
are text anyway: Q&A-labelled lines (問：…？ / 答：…, Q1.), rows of label-and-figure fields
(承銷價：52元, 收盤價 980 元，本益比 18 倍), the figures line under a ticker-first heading and
lists of "key：…" lines.  Numbered lines (1. 2. … 5.) are judged as a sequence: each with
text under it, they are headings down to the last one; following each other, a list.
Boilerplate is dropped first, and the byline, date and end-of-article marks it leaves
behind are kept on the blocks for :mod:`digests.sources.pagedump` to weigh titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from digests import regexcache
from digests.dates import find_date
from digests.fragments import is_table_header, is_table_row
from digests.sources.boilerplate import (
    Kind,
    classify,
    drop_boilerplate,
    is_dateline,
    is_read_more,
)
from digests.sources.qa import is_qa_line

MAX_HEADING_CHARS = 64

ENUMERATOR = regexcache.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．)]|"
    r"第[一二三四五六七八九十\d]+\s*(?:階段|阶段|部分|章|節|节|步|點|点|個|个|層|层)|"
    r"(?:戰場|战场|步驟|步骤|階段|阶段|關鍵|关键|趨勢|趋势|策略|挑戰|挑战)[一二三四五六七八九十\d]+|"
    r"(?:part|step|chapter)\s*\d+)",
    re.IGNORECASE,
)
_MARKS = "■□◆◇●▌▍▋▶►"
_HEADING_MARK = regexcache.compile(rf"^[{_MARKS}]\s*\S")
"""Block marks that writers also put before section headings (not -, *, •, ·: list dashes)."""
_HEADING_MARK_PREFIX = regexcache.compile(rf"^[{_MARKS}]\s*")
BLOCK_MARK_TEXT = 30
"""A marked line heads a section only above a paragraph at least this long."""
BLOCK_MARK_HEADING = 24
"""…and only when it is short itself: a long marked line is a bullet point."""
_BULLET = regexcache.compile(r"^[•·・‧●○◆◇▪▫■□►▶▷▸‣➤➜➔→⇒✓✔*\-–—]\s*")
_BRACKETED = regexcache.compile(r"^(?:[〈【《〔［\[「]|※)")
_TICKER_FIRST = regexcache.compile(
    r"^(?:\d{4,6}[A-Z]?(?:[.\-](?:TW|TWO))?\s*(?!年|月|日|季|元|萬|万|億|亿|張|张|股|家|人|名|年度)"
    r"[\u3400-\u9fff]|[\u3400-\u9fffA-Za-z&.\-]{2,12}\s*[（(]\s*\d{4,6}[A-Z]?"
    r"(?:\s*[-.]\s*(?:TW|TWO|TT))?\s*[)）])"
)
_NUMBERED = regexcache.compile(r"^(\d+)\s*[.．)]")
"""Also the test for a "1. xxx" line: ``^\\d+\\s*[.．)]`` with a group, matching the same lines."""
_SHORT_HAN = regexcache.compile(r"[\u3400-\u9fff]{2,3}")
_DIGIT = regexcache.compile(r"\d")
_COLON = regexcache.compile(r"[:：]")
_FIGURE_FIELD = regexcache.compile(
    r"[\u3400-\u9fffA-Za-z]{1,6}\s*[:：]?\s*(?:約|约|逾|近)?\s*\d[\d,./:～~\-]*\s*"
    r"(?:%|％|倍|元|萬|万|億|亿|張|张|股|美元|萬元|億元|百萬|次)?"
)
_TICKER_KEY = regexcache.compile(
    r"^(?:\d{4,6}[A-Z]?\s*[\u3400-\u9fffA-Za-z\-]{2,10}|[\u3400-\u9fffA-Za-z\-]{2,10}\s*[（(]\s*"
    r"\d{4,6}[A-Z]?(?:\s*[-.]\s*(?:TW|TWO))?\s*[)）])\s*[:：]\s*"
)
"""A stock named before a colon (華磊光電(6990)：, 3661 世芯-KY：): the key of a data row."""
_FIELD_SEPARATORS = regexcache.compile(r"\s*[，,、;；|｜]\s*|\s{2,}")
_KEY_VALUE = regexcache.compile(r"^[^\s:：，,。]{1,8}[:：]\s*\S")
_SENTENCE_END = "。;；"
_TRAILING_PUNCT = "。;；,，、:："

SHORT_HEAD_TEXT = 40
"""A heading of two or three characters needs a paragraph at least this long under it."""
KEYED_LIST_MIN = 3
"""This many "key：…" lines in a row, with no text between them, are a list, not headings."""


@dataclass
class Block:
    text: str
    candidate: bool
    meta_after: bool = False
    """A byline or date line stood right under this line: the mark of a title."""
    byline_after: bool = False
    """Of those, a byline (記者…報導, 文／…): the stronger mark, dates also head updates."""
    end_before: bool = False
    """An end-of-article block (promotion, disclaimer, link list, "read more") preceded it."""
    read_more_before: bool = False
    """A "read more" link preceded it: a listing page's excerpt ended there."""
    date_after: datetime | None = None
    """The date of a byline or date line right under this line (a title's publication date)."""
    date_before: datetime | None = None
    """The date of a date line above this line, with only boilerplate between them."""
    date_before_adjacent: bool = False
    """That date line stood directly above this line, no other line between them."""


def heading_text(line: str) -> str:
    """A heading as readers see it: without the block mark (■ 營收展望 -> 營收展望)."""
    return _HEADING_MARK_PREFIX.sub("", line) or line


def strip_boilerplate(lines: list[str]) -> list[str]:
    """Drop site chrome, bylines, promotions and link lists (see ``boilerplate``)."""
    return drop_boilerplate(lines)


def is_heading_style(line: str) -> bool:
    """Styles only section headings use: enumerators, brackets, ※, tickers first.

    Q&A labels (問：, Q1.) are not among them: a question is text (see ``digests.sources.qa``).
    """
    return bool(ENUMERATOR.match(line) or _BRACKETED.match(line) or _TICKER_FIRST.match(line))


def _is_heading_candidate(line: str, next_line: str | None) -> bool:
    if next_line is None or len(line) > MAX_HEADING_CHARS or len(line) < 2:
        return False
    if (
        len(line) < 4
        and not _BRACKETED.match(line)
        and not line.isascii()
        and not _short_heading(line, next_line)
    ):
        return False
    if line[-1] in _TRAILING_PUNCT or any(ch in line[:-1] for ch in _SENTENCE_END):
        return False
    if _HEADING_MARK.match(line):
        # ■ 營收展望 above a paragraph is how many broker notes and newsletters head a
        # section; a run of marked lines, or one with only a short line under it, is a list.
        return (
            len(line) <= BLOCK_MARK_HEADING
            and len(next_line) >= BLOCK_MARK_TEXT
            and not _BULLET.match(next_line)
            and not line.count("。")
        )
    if line.count("。") or _BULLET.match(line) or is_qa_line(line):
        return False
    if _NUMBERED.match(line):
        # "1. xxx" is a list item unless it stands alone above a paragraph.
        return len(next_line) >= 60 and not _NUMBERED.match(next_line)
    return True


def _short_heading(line: str, next_line: str) -> bool:
    """A two- or three-character line (風險, 展望, 美股) heads a section only when a paragraph
    follows it; otherwise it is a stray word (a name, 完)."""
    return bool(_SHORT_HAN.fullmatch(line)) and len(next_line) >= SHORT_HEAD_TEXT


def _is_data_line(line: str) -> bool:
    """A short "key: figure" line (承銷價：52元): one row of a data list, never a heading."""
    return (
        len(line) <= 30
        and bool(_KEY_VALUE.match(line))
        and bool(_DIGIT.search(line))
        and not is_heading_style(line)
    )


def _is_figure_row(line: str) -> bool:
    """Label-and-figure fields and nothing else, keyed by a colon (承銷價：52元, 華磊光電(6990)：
    承銷價55元，參考市價61元): a row of a data list, text whatever its length.

    A heading with a figure says something about it (營收年增35%，毛利率創新高); a row only
    lists figures.  Rows without a colon (收盤價 980 元，本益比 18 倍) are told by their place,
    under a ticker-first heading (see ``split_blocks``).
    """
    if len(line) > 60 or not _COLON.search(line):
        return False
    keyed = _TICKER_KEY.match(line)
    rest = line[keyed.end() :] if keyed else line
    if not rest or (not keyed and is_heading_style(line)):
        return False
    fields = [f for f in _FIELD_SEPARATORS.split(rest) if f]
    return bool(fields) and all(_FIGURE_FIELD.fullmatch(f) for f in fields)


def _in_table(lines: list[str], i: int) -> bool:
    """A table's row (欣興 3037 1,248 9.6% 205) or its header above a row: text, so the
    table stays whole, header first, for the key figures to label its cells."""
    if is_table_row(lines[i]):
        return True
    return is_table_header(lines[i]) and i + 1 < len(lines) and is_table_row(lines[i + 1])


def _numbered_headings(lines: list[str], candidate: list[bool]) -> None:
    """Mark "1. …" lines as headings when they number sections rather than list items.

    One such line above a long paragraph is a heading on its own; then the numbered lines of
    its sequence (2., 3. … up to the last) that each have text of their own under them are
    headings too, however short their text or wherever the article ends.  Three or more in a
    row, each with text under it, number sections even when every text is short; numbered
    lines that follow each other directly are a list, its last item included (a paragraph
    after a list does not make the last item a heading).
    """
    numbered = [
        (i, int(m.group(1)))
        for i, line in enumerate(lines)
        if (m := _NUMBERED.match(line)) and len(line) <= MAX_HEADING_CHARS
    ]
    run: list[int] = []
    previous = 0

    def close(run: list[int]) -> None:
        if len(run) < 2:
            return
        if any(i + 1 < len(lines) and _NUMBERED.match(lines[i + 1]) for i in run):
            for i in run:  # items following each other: a list, even its last item
                candidate[i] = False
        elif len(run) >= 3 or any(candidate[i] for i in run):
            for i in run:
                candidate[i] = i + 1 < len(lines) and not _ends_sentence(lines[i])

    for i, number in numbered:
        if run and number != previous + 1:
            close(run)
            run = []
        run.append(i)
        previous = number
    if run:
        close(run)


def _keyed_lists(lines: list[str], candidate: list[bool]) -> None:
    """Lines of one "key：…" form in a row (組裝：廣達、緯創…, 散熱：奇鋐、雙鴻…) are a list.

    A heading has text of its own under it; three or more "key：" lines that follow each
    other directly are items of one list, however heading-like each looks on its own (two
    may be a title and its first heading, 盤後快報：… above 美股：…).
    """
    keyed = [
        i > 0 and candidate[i] and bool(_KEY_VALUE.match(line)) and not is_heading_style(line)
        for i, line in enumerate(lines)
    ]
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and keyed[j]:
            j += 1
        if j - i >= KEYED_LIST_MIN:
            for k in range(i, j):
                candidate[k] = False
        i = j + 1


def _ends_sentence(line: str) -> bool:
    return line[-1] in _TRAILING_PUNCT or any(ch in line[:-1] for ch in _SENTENCE_END)


def split_blocks(text: str) -> list[Block]:
    raw = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    raw = [ln for ln in raw if ln]
    kinds = classify(raw)
    lines: list[str] = []
    meta_after: list[bool] = []
    byline_after: list[bool] = []
    end_before: list[bool] = []
    read_more_before: list[bool] = []
    dates_after: list[datetime | None] = []
    dates_before: list[tuple[datetime | None, bool]] = []
    pending_end = pending_more = False
    pending_date: tuple[datetime | None, bool] = (None, False)
    pending_is_chrome = False
    previous_kept = False
    for index, (line, kind) in enumerate(zip(raw, kinds, strict=True)):
        if kind is None:
            previous_kept = True
            lines.append(line)
            meta_after.append(False)
            byline_after.append(False)
            end_before.append(pending_end)
            read_more_before.append(pending_more)
            dates_after.append(None)
            dates_before.append(pending_date)
            pending_end = pending_more = False
            pending_date = (None, False)
            continue
        if kind is Kind.META and lines and not _after_paragraph(lines):
            meta_after[-1] = True
            byline_after[-1] = byline_after[-1] or not is_dateline(line)
            dates_after[-1] = dates_after[-1] or _line_date(line)
            continue
        # Boilerplate between two kept lines: a date line here may date the line below.
        # A weekday-led date is classed as chrome: the "today" of a site's top bar, the
        # day the page was viewed; it dates the line below only from directly above it.
        # A date before an end-of-article block (read more, related links) dated the
        # article that ended there.
        date = _line_date(line) if kind is not Kind.END else None
        if (
            date is not None
            and kind is Kind.CHROME
            and lines
            and previous_kept
            and not _after_paragraph(lines)
            and kinds[index + 1 : index + 2] != [Kind.CHROME]
        ):
            # Between a title and its text, a weekday-led date is the article's own date
            # line (a top bar's stands over the masthead, with chrome around it).
            dates_after[-1] = dates_after[-1] or date
            previous_kept = False
            continue
        previous_kept = False
        if date is not None:
            pending_date = (date, True)
            pending_is_chrome = kind is Kind.CHROME
        elif pending_is_chrome or kind is Kind.END:
            pending_date = (None, False)
        else:
            pending_date = (pending_date[0], False)
        if kind is Kind.END:
            pending_end = True
            pending_more = pending_more or is_read_more(line)
    candidates = [
        _is_heading_candidate(line, lines[i + 1] if i + 1 < len(lines) else None)
        for i, line in enumerate(lines)
    ]
    _numbered_headings(lines, candidates)
    _keyed_lists(lines, candidates)
    for i, line in enumerate(lines):
        if not candidates[i]:
            continue
        if i and _HEADING_MARK.match(line) and _BULLET.match(lines[i - 1]):
            candidates[i] = False  # the last item of a marked list, not a heading
        elif _is_figure_row(line) or _in_table(lines, i):
            candidates[i] = False
        elif _is_data_line(line):
            neighbours = (lines[i - 1] if i else None, lines[i + 1] if i + 1 < len(lines) else None)
            candidates[i] = not any(n is not None and _is_data_line(n) for n in neighbours)
        elif i and _TICKER_FIRST.match(lines[i - 1]) and candidates[i - 1]:
            # The figures line under a ticker-first heading (收盤價 980 元，本益比 18 倍).
            candidates[i] = not (_DIGIT.search(line) and not is_heading_style(line))
    blocks = []
    for i, line in enumerate(lines):
        blocks.append(
            Block(
                line,
                candidates[i],
                meta_after=meta_after[i],
                byline_after=byline_after[i],
                end_before=end_before[i],
                read_more_before=read_more_before[i],
                date_after=dates_after[i],
                date_before=dates_before[i][0],
                date_before_adjacent=dates_before[i][1],
            )
        )
    return _drop_masthead(blocks)


def _line_date(line: str) -> datetime | None:
    """The date a byline or date line gives (not a prose line that mentions one)."""
    return find_date(line) if len(line) <= MAX_HEADING_CHARS else None


def _after_paragraph(lines: list[str]) -> bool:
    """Whether the last kept line is prose (a byline under prose marks no title)."""
    last = lines[-1]
    return len(last) > MAX_HEADING_CHARS or last[-1] in _SENTENCE_END + "。"


def _drop_masthead(blocks: list[Block]) -> list[Block]:
    """Drop a site or column name standing above the first title (阿哲的投資筆記).

    Only a short line directly above a longer title-like line qualifies; a line carrying a
    byline is the title itself, and a heading-style line below (〈前言〉) is a heading.
    """
    while (
        len(blocks) >= 3
        and blocks[0].candidate
        and blocks[1].candidate
        and not blocks[0].meta_after
        and not blocks[2].candidate
        and len(blocks[0].text) <= 16
        and len(blocks[1].text) >= len(blocks[0].text) + 4
        and not is_heading_style(blocks[1].text)
    ):
        if blocks[0].date_before is not None and blocks[1].date_before is None:
            # A date above the masthead still stands above the title, one line removed.
            blocks[1] = replace(blocks[1], date_before=blocks[0].date_before)
        blocks = blocks[1:]
    return blocks
