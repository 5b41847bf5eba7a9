"""Ticker citations in running text, in the forms Taiwanese outlets print them.

``鴻海（2317-TW）``, ``(2317.TW)``, ``(6488-TWO)``, ``信驊 ( 5274 )``, ``(NVDA-US)``,
``(NASDAQ: NVDA)``, ``(8035-JP)``, a ticker before the name in lists
(``2330 台積電``) and a code glued after the name (``台積電2330``).  This module only
finds the citations and the words beside them; deciding which company they cite (and
whether a bare number is a ticker or a year) is the caller's job, with the directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from digests import regexcache

SUFFIX_FAMILY = {
    "TW": "tw",
    "TWO": "tw",
    "TT": "tw",
    "US": "us",
    "O": "us",
    "N": "us",
    "JP": "jp",
    "T": "jp",
    "HK": "hk",
    "KR": "kr",
    "KS": "kr",
    "CN": "cn",
    "SS": "cn",
    "SH": "cn",
    "SZ": "cn",
    "DE": "de",
    "GR": "de",
    "FR": "eu",
    "PA": "eu",
    "NL": "eu",
    "AS": "eu",
    "UK": "uk",
    "L": "uk",
    "LN": "uk",
    "CH": "ch",
    "SW": "ch",
    "AU": "au",
    "AX": "au",
}
"""Written market suffix -> the directory's market family."""

EXCHANGE_FAMILY = {
    "TWSE": "tw",
    "TPEX": "tw",
    "TWO": "tw",
    "上市": "tw",
    "上櫃": "tw",
    "興櫃": "tw",
    "台股": "tw",
    "NASDAQ": "us",
    "NYSE": "us",
    "AMEX": "us",
    "NYSEAMERICAN": "us",
    "OTC": "us",
    "美股": "us",
    "TSE": "jp",
    "TYO": "jp",
    "HKEX": "hk",
    "SEHK": "hk",
    "港股": "hk",
    "KRX": "kr",
    "SSE": "cn",
    "SZSE": "cn",
}

_SUFFIXES = "|".join(sorted(SUFFIX_FAMILY, key=len, reverse=True))
_EXCHANGES = "|".join(sorted(EXCHANGE_FAMILY, key=len, reverse=True))
_CODE = r"\d{4,6}[A-Z]?|[A-Z][A-Z0-9]{0,5}(?:[.-][A-B])?"

PAREN_TICKER = regexcache.compile(
    r"[（(]\s*"
    r"(?:(?:股票代號|股票代碼|股號|代號|代碼)\s*[:：]?\s*)?"
    rf"(?:(?P<ex>{_EXCHANGES})\s*[:：]?\s*)?"
    rf"(?P<code>{_CODE})"
    rf"(?:\s*[-.]\s*(?P<sfx>{_SUFFIXES}))?"
    r"\s*[)）]"
)
"""A ticker alone in parentheses, with an optional exchange prefix or market suffix."""

CODE_BEFORE_NAME = regexcache.compile(
    r"(?<![\w.,，%])(?P<code>\d{4,6})(?:[-.](?P<sfx>TWO|TW))?[ \t\u3000]*"
    r"(?![年月日季週周億亿萬万元股張张檔档倍點点瓦度秒分時时個个家人名位次天])"
    r"(?P<name>[\u3400-\u9fff][\u3400-\u9fffA-Za-z0-9]{0,11}(?:[-－]KY)?)"
)
"""``2330 台積電`` in lists and bullets: a Taiwan code, then the name."""

NAME_BEFORE_CODE = regexcache.compile(
    r"(?P<name>[\u3400-\u9fff]{2,12}(?:[-－]?KY)?)[ \t\u3000]?"
    r"(?P<code>\d{4,6})(?![\d.,%])"
)
"""``台積電2330``: the name, then its Taiwan code without parentheses."""

KY_NAME = regexcache.compile(r"(?P<name>[\u3400-\u9fff]{2,12})\s*[*＊]?\s*[-－]?\s*KY(?![A-Za-z])")
"""``譜瑞-KY``, ``譜瑞KY``: foreign-registered Taiwan listings keep the KY marker."""

_LINE_START = regexcache.compile(
    r"(?:^|\n)[ \t\u3000]*(?:[-*•‧・●○■□◆◇▶►★☆✓✔]|\d{1,2}[.、)）])?[ \t\u3000]*$"
)
_LEAD_IN = regexcache.compile(r"[\u3400-\u9fff]{1,14}$|[A-Za-z][A-Za-z0-9&.,' -]{0,40}$")
_PAREN_GAP = regexcache.compile(r"\s*(?:[*＊]?\s*[-－]?\s*KY創?|[-－]創|[*＊])?\s*$")


ETF_CODE = regexcache.compile(
    r"(?<![\w/:\-－])(?<!\d[.,])(?P<code>00\d{2,4}(?:[A-Z](?![A-Za-z]))?)"
    r"(?![\d%正反]|[.,]\d)",
    re.ASCII,
)
"""A Taiwan ETF code standing alone (``買0050``, ``00878``, ``(00919)``, ``00679B``).

Only ETF codes start with 00, and no year, price or amount is written with two
leading zeros, so such a code needs no name beside it.  ASCII word boundaries: a code
right after Chinese text (定期定額00878) counts, one inside a number (10050, 0.0050,
02-2700-0050) does not, nor ``0050正2`` (the leveraged fund, another code)."""


def etf_codes(text: str) -> Iterator[tuple[str, int, int]]:
    """Every stand-alone ETF code in ``text``: (code, start, end)."""
    if "00" not in text:
        return
    for m in ETF_CODE.finditer(text):
        yield m.group("code"), m.start(), m.end()


class TickerRef(NamedTuple):
    """A ticker citation in a text.  A named tuple rather than a frozen dataclass: an
    article makes a few dozen (most never resolve to a company), and a frozen
    dataclass sets each of its eight fields through ``object.__setattr__``."""

    code: str
    family: str | None
    """Market family named by a suffix or exchange prefix (``tw``, ``us``...), if any."""
    explicit: bool
    """A suffix or exchange prefix was written: the number is surely a ticker."""
    name: str
    """The words right beside the ticker (before it, or after it for code-first lists)."""
    form: str
    """``paren``, ``code_first`` or ``name_first``."""
    line_start: bool
    """The citation opens its line (after any bullet): a stock-pick list."""
    start: int
    end: int


_DIGIT_RUN = regexcache.compile(r"\d\d\d\d+")
"""A run of four digits or more: ``\\d{4,}`` written out, the same matches found several
times faster (``re`` then scans for a digit instead of trying its repeat at every
character).  Every form below that prints a code without parentheses starts at one."""


def codes_before_names(
    text: str, runs: list[re.Match[str]] | None = None
) -> Iterator[re.Match[str]]:
    """:data:`CODE_BEFORE_NAME`'s matches, found faster.

    The pattern opens with a look-behind, tried at every character.  Its code starts a
    run of four digits or more (a digit before it is a word character, which the
    look-behind refuses), and a digit run inside one of its matches follows a word
    character too, so trying the pattern at the start of each such run finds every
    match, once and in order.  (A look-behind sees the text before where ``match``
    starts.)  ``runs``: :data:`_DIGIT_RUN`'s matches in ``text``, when the caller has them.
    """
    for run in _DIGIT_RUN.finditer(text) if runs is None else runs:
        m = CODE_BEFORE_NAME.match(text, run.start())
        if m is not None:
            yield m


def ticker_refs(text: str, names: bool = True) -> Iterator[TickerRef]:
    """Every ticker citation in ``text``, with the run of name-like text beside it.

    ``names=False`` leaves a parenthesised ticker's ``name`` empty, for a caller that
    reads it (:func:`with_name`) only for the few citations that resolve to a company:
    nine in ten never do (``(AI)``, ``(2024)``), and :func:`lead_in` was a third of
    the time this took."""
    for m in PAREN_TICKER.finditer(text):
        ex, sfx = m.group("ex"), m.group("sfx")
        family = SUFFIX_FAMILY.get(sfx or "") or EXCHANGE_FAMILY.get((ex or "").upper())
        family = family or EXCHANGE_FAMILY.get(ex or "")
        yield TickerRef(
            m.group("code"),
            family,
            bool(family),
            lead_in(text, m.start()) if names else "",
            "paren",
            False,
            m.start(),
            m.end(),
        )
    # The forms below print a code of four digits or more: both read the same runs.
    runs = list(_DIGIT_RUN.finditer(text))
    if not runs:
        return
    for m in codes_before_names(text, runs):
        yield TickerRef(
            m.group("code"),
            "tw",
            bool(m.group("sfx")),
            m.group("name"),
            "code_first",
            _LINE_START.search(text, 0, m.start()) is not None,
            m.start(),
            m.end(),
        )
    for name, code, start, end in names_before_codes(text, runs):
        yield TickerRef(code, "tw", False, name, "name_first", False, start, end)


def with_name(ref: TickerRef, text: str) -> TickerRef:
    """``ref``, found by ``ticker_refs(text, names=False)``, as ``ticker_refs(text)`` gives
    it: a parenthesised ticker's name is the lead-in before its parenthesis (where the
    match starts); the other forms already carry theirs."""
    return ref._replace(name=lead_in(text, ref.start)) if ref.form == "paren" else ref


_NAME_BEFORE = regexcache.compile(r"[\u3400-\u9fff]{1,12}\Z")


def names_before_codes(
    text: str, runs: list[re.Match[str]] | None = None
) -> Iterator[tuple[str, str, int, int]]:
    """:data:`NAME_BEFORE_CODE`'s matches (name, code, start, end), found faster.

    The pattern tries up to eleven name lengths at every Chinese character.  A match
    ends a run of two or more Chinese characters (the name is the run's last 12 at
    most), then has an optional KY marker, one optional space and the code.  So the
    codes are found first (an article has far fewer than it has runs) and read back
    from: the space, the marker, two Chinese characters.  A code the pattern takes
    starts a run of digits: one starting inside a run has a digit before it, where
    neither a space, a marker nor a Chinese character is.  At a run's start the code
    (``\\d{4,6}(?![\\d.,%])``) is the whole run, when it has four to six digits and
    is not followed by ``.``, ``,`` or ``%`` (a digit cannot follow a whole run): so
    the codes are read from :data:`_DIGIT_RUN`'s matches (``runs``, when the caller
    has them), those of seven digits or more and those followed by those marks
    passed over.
    """
    size = len(text)
    for code in _DIGIT_RUN.finditer(text) if runs is None else runs:
        end, after = code.span()
        if after - end > 6 or (after < size and text[after] in ".,%"):
            continue
        if end > 0 and text[end - 1] in " \t\u3000":
            end -= 1
        ky_at = end
        if text.endswith("KY", 0, end):
            ky_at = end - 2
            if ky_at > 0 and text[ky_at - 1] in "-－":
                ky_at -= 1
        if (
            ky_at < 2
            or not ("\u3400" <= text[ky_at - 1] <= "\u9fff")
            or not ("\u3400" <= text[ky_at - 2] <= "\u9fff")
        ):
            continue
        name = _NAME_BEFORE.search(text, max(0, ky_at - 12), ky_at)
        start = name.start()  # type: ignore[union-attr]  # two Chinese characters end there
        yield text[start:end], code.group(), start, after  # name and marker


def lead_in(text: str, end: int) -> str:
    """The Chinese (or Latin) run that ends right before ``end``, markers dropped.

    ``晶片廠譜瑞-KY ( 4966 )`` -> ``晶片廠譜瑞``; ``CoreWeave(CRWV-US)`` -> ``CoreWeave``.

    What :data:`_PAREN_GAP` and :data:`_LEAD_IN` find, searched from where a match can
    start rather than from every one of the 48 characters.  Every character of a gap
    match is a space, ``*＊-－``, ``K``, ``Y`` or ``創`` and the match runs to the end, so
    it starts inside the longest tail of such characters (read in one match on the
    reversed text).  Before the gap the text ends with no space (a space there would
    start an earlier gap match), so a lead-in ends at the end: a Chinese one in the
    last 14 characters, a Latin one in the last 41; the leftmost of the two is the
    leftmost match of the pattern, and both hold the same text from there on.
    """
    before = text[max(0, end - 48) : end]
    tail = _GAP_TAIL.match(before[::-1])
    gap = _PAREN_GAP.search(before, len(before) - tail.end())  # type: ignore[union-attr]
    before = before[: gap.start()] if gap else before
    size = len(before)
    zh = _ZH_END.search(before, max(0, size - 14))
    latin = _LATIN_END.search(before, max(0, size - 41))
    if zh is not None and (latin is None or zh.start() < latin.start()):
        return zh.group().strip()
    return latin.group().strip() if latin is not None else ""


_GAP_TAIL = regexcache.compile(r"[\s*＊\-－KY創]*")
"""The characters a :data:`_PAREN_GAP` match is made of (matched on reversed text)."""
_ZH_END = regexcache.compile(r"[\u3400-\u9fff]{1,14}$")
_LATIN_END = regexcache.compile(r"[A-Za-z][A-Za-z0-9&.,' -]{0,40}$")
"""The two alternatives of :data:`_LEAD_IN`, each searched where it can start."""
