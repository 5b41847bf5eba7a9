"""Key figures: numbers that carry units (%, 萬噸, 億, 兆, GWh, 美元 …).

Readers of investment analysis look for magnitudes; a digest that drops them
drops the point.  Years and list numbers are numbers too, but weigh far less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digests import regexcache

_CN_DIGITS = "零〇一二兩两三四五六七八九十百千"
_NUM_AFTER = "萬万億亿兆倍成%％"
"""What a number in Chinese numerals needs right after it (三成, 十億, 兩倍)."""
_NUM = rf"(?:\d[\d,，]*(?:\.\d+)?|[{_CN_DIGITS}]{{1,6}}(?=[{_NUM_AFTER}]))"

_MAGNITUDE = "萬億兆万亿千百"
_VALUE_UNITS = (
    "%|％|個百分點|个百分点|百分點|百分点|倍|成|"
    "GWh|MWh|TWh|kWh|GW|MW|kW|KW|W|nm|奈米|纳米|吋|英寸|"
    "噸|吨|公噸|公吨|公斤|公里|平方公尺|平方米|坪|桶|瓦|度|"
    "美元|美金|元|人民幣|人民币|台幣|台币|新台幣|新台币|歐元|欧元|日圓|日元|日圆|港元|港幣|"
    "家|座|間|间|店|杯|輛|辆|台|顆|颗|片|人|名|戶|户|件|套|檔|档|支|款|項|项|個|个|種|种"
)
_QUALIFIERS = "約|约|逾|超過|超过|近|達|达|高達|高达|僅|仅|突破|不到|超|將近|将近"
_CURRENCIES = ("US$", "NT$", "$", "¥", "€")
# A figure starts with its qualifier, its currency or its number: a lookahead on those
# first characters lets ``re`` skip every other position of the text at once (three
# times faster on article text, same matches; see digests.regexguard).
_STARTS = sorted({q[0] for q in _QUALIFIERS.split("|")} | {c[0] for c in _CURRENCIES})
FIGURE_RE = regexcache.compile(
    rf"(?=[\d{_CN_DIGITS}{re.escape(''.join(_STARTS))}])"
    rf"(?:{_QUALIFIERS})?(?:{'|'.join(map(re.escape, _CURRENCIES))})?"
    rf"{_NUM}\s*(?:[{_MAGNITUDE}]+)?\s*(?:{_VALUE_UNITS})?"
)
NUMBER_HINT_RE = regexcache.compile(rf"[\d{_CN_DIGITS}](?:(?<=\d)|[{_NUM_AFTER}])")
"""What every match of :data:`FIGURE_RE` holds: its number part (:data:`_NUM`, never
optional) is a digit, or Chinese numerals whose last one is followed by one of
:data:`_NUM_AFTER`.  A text without either has no figure, and nearly two thirds of
the sentences that hold a numeral hold neither (一些, 十分, 千萬別…).  Read as
``\\d|[零…千][萬…％]``: one character class first (a digit, or a numeral then a
required unit) lets ``re`` scan for it in its fast loop, twice as fast as the
alternation."""
_YEAR_RE = regexcache.compile(r"^(?:19|20)\d\d(?:年)?$")
_DAY_RE = regexcache.compile(r"\d{1,2}月|\d{1,2}日")


@dataclass(frozen=True)
class Figure:
    text: str
    weight: float
    """1.0 for magnitudes with units, 0.3 for bare years, 0.5 for other bare numbers."""


def find_figures(text: str) -> list[Figure]:
    """Numbers in ``text`` with their unit, weighted by how much they tell.

    Every match holds a digit or a Chinese numeral: its number part (:data:`_NUM`) is not
    optional, is never stripped (no whitespace in it), and ``\\d`` matches only decimal
    digits, which ``str.isdigit`` accepts; so every match is a figure, unchecked.
    :data:`FIGURE_RE` has no capturing group, so ``findall`` gives the whole matches.
    """
    return [Figure(raw, _weight(raw)) for raw in map(str.strip, FIGURE_RE.findall(text))]


def _weight(raw: str) -> float:
    core = raw.lstrip("約约逾超過过近達达高僅仅突破不到將将")
    if _YEAR_RE.match(core) or _DAY_RE.fullmatch(core):
        return 0.3
    if core[-1:].isdigit():
        # A bare number: a list index or a model number, rarely a headline figure.
        return 0.4 if "." in core or len(core) >= 3 else 0.2
    if not any(ch.isdigit() for ch in core):
        return 0.6  # Chinese-numeral magnitude like 三成 or 十倍
    return 1.0


def figure_weight(text: str) -> float:
    return sum(f.weight for f in find_figures(text))


def has_value_figure(text: str) -> bool:
    return any(f.weight >= 1.0 for f in find_figures(text))


# --- table rows: figures only under their column names ------------------------------

_TICKER_HEADER_RE = regexcache.compile(
    r"代號|代号|代碼|代码|股號|股号|ticker|code|symbol", re.IGNORECASE
)
_HEADER_UNIT_RE = regexcache.compile(r"\s*[(（](?:單位[:：]?\s*)?([^()（）]{1,6})[)）]\s*$")
MAX_TABLE_ROWS = 3
"""Rows a key-figures block shows at most: the table's point is in the text around it."""


def label_row(header: list[str], cells: list[str]) -> str | None:
    """A table row as figures under their column names, or None when they do not align.

    ``公司 代號 營收(億元) 年增率`` over ``欣興 3037 1,248 9.6%`` gives ``欣興（3037）：營收
    1,248億元、年增率 9.6%``; a header one cell short names the value columns only
    (``2024 2025F`` over ``營收 5,120 6,120``).  The first cell is the row's name.
    """
    from digests.fragments import is_number_cell

    if len(header) == len(cells):
        names = header[1:]
        corner = _HEADER_UNIT_RE.search(header[0])  # (億元) above the row names
        shared = corner.group(1) if corner and not header[0][: corner.start()] else None
    elif len(header) == len(cells) - 1:
        names, shared = header, None
    else:
        return None
    key = cells[0]
    own = _HEADER_UNIT_RE.search(key)  # EPS(元): the row's own unit
    if own and key[: own.start()]:
        key, shared = key[: own.start()], own.group(1)
    pairs = []
    for name, value in zip(names, cells[1:], strict=True):
        if _TICKER_HEADER_RE.search(name) and re.fullmatch(r"\d{4,6}[A-Z]?", value):
            key += f"（{value}）"
            continue
        unit = _HEADER_UNIT_RE.search(name)
        if unit and name[: unit.start()]:
            name = name[: unit.start()]
        suffix = unit.group(1) if unit and name else shared
        if suffix and is_number_cell(value) and value[-1:].isdigit():
            value += suffix
        if not re.search(r"\d|[\u3400-\u9fffA-Za-z]", value):
            continue  # an empty cell (-, —)
        pairs.append(f"{name} {value}")
    if not pairs:
        return None
    return f"{key}：{'、'.join(pairs)}"


def table_rows(lines: list[str]) -> list[tuple[int, str]]:
    """(index, labelled row) for each table row in ``lines`` whose header is known.

    ``lines`` are consecutive lines of one section (its heading first, when it may be a
    table's header): a row's header is the header line above its run of rows.  A row
    without one is left out: its figures mean nothing without the column names.
    """
    from digests.fragments import is_table_header, is_table_row, punctuated, table_cells

    found: list[tuple[int, str]] = []
    header: list[str] | None = None
    for index, line in enumerate(lines):
        if punctuated(line):  # prose: neither a row nor a header
            header = None
        elif is_table_row(line):
            labelled = label_row(header, table_cells(line)) if header else None
            if labelled:
                found.append((index, labelled))
        else:
            header = table_cells(line) if is_table_header(line) else None
    return found
