"""Currency names used as the unit of an amount: "營收達新台幣120億元" is about revenue.

Taiwanese reports state every amount with its currency ("新台幣120億元",
"約人民幣3000億元", "投資50億日圓"), so counted as a topic word, 新台幣 tags every
earnings report as macro and currency news.  A currency is news when it moves or is
traded ("新台幣升值", "新台幣匯率", "日圓走弱", "1美元兌30元新台幣"): those uses stay.

The rule is positional and works on the segmenter's Simplified tokens: a currency name
followed by a number (optionally after a qualifier such as 約/達/逾), or preceded by a
magnitude (億/萬/兆, "3000億日圓"), is the amount's unit.  An exchange rate never carries
a magnitude, and a currency that moves is followed by a verb, not a number.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from digests import regexcache

CURRENCIES = frozenset(
    {"新台币", "台币", "美元", "人民币", "日圆", "日元", "欧元", "港币", "韩元", "英镑"}
)
"""Simplified tokens (the index's script) of the currencies outlets price amounts in."""

_QUALIFIERS = frozenset(
    {
        "约",
        "达",
        "逾",
        "近",
        "共",
        "约达",
        "高达",
        "超过",
        "超",
        "仅",
        "不到",
        "至少",
        "合计",
        "总计",
        "上看",
        "将近",
        "为",
        "约为",
        "达到",
    }
)
"""Words between a currency and its amount: 新台幣約120億元, 新台幣逾百億元."""

_NUMBER = regexcache.compile(
    r"[\d.,，]*\d[\d.,，]*[%％]?|[零〇一二两三四五六七八九十百千万亿兆数几]+(?:多)?[亿万兆元]*"
)
"""120, 1.2, 1,250, 一百二十, 百亿元, 数十亿元."""
_MAGNITUDE = regexcache.compile(r".*[亿万兆]")
"""A token ending an amount: 亿, 百万, 120亿 (the next word is then its unit)."""


def amount_unit_positions(words: Sequence[str]) -> list[int]:
    """Indices of currency tokens in ``words`` that are an amount's unit."""
    if CURRENCIES.isdisjoint(words):  # the common case, checked in C
        return []
    units = []
    for i, word in enumerate(words):
        if word not in CURRENCIES:
            continue
        if _before_number(words, i) or _after_magnitude(words, i):
            units.append(i)
    return units


def amount_units_in(text: str, words: Sequence[str], starts: Sequence[int]) -> list[int]:
    """:func:`amount_unit_positions` of ``words``, the tokens of ``text`` starting at
    ``starts`` (a segmentation: each token is ``text`` sliced at its start).

    A currency token is a currency name in ``text`` at the token's start, so the
    currency tokens are found by looking for each name in the text (``str.find``, in C,
    a few names an article) and checking the token that starts there, instead of
    testing every token (about 2,600 an article).
    """
    found = []
    for name in CURRENCIES:
        at = text.find(name)
        while at >= 0:
            i = bisect_left(starts, at)
            if i < len(words) and starts[i] == at and words[i] == name:
                found.append(i)
            at = text.find(name, at + 1)
    found.sort()
    return [i for i in found if _before_number(words, i) or _after_magnitude(words, i)]


def _next_word(words: Sequence[str], i: int) -> int:
    """The index of the first token after ``i`` that is not blank (len(words) if none)."""
    i += 1
    while i < len(words) and not words[i].strip():
        i += 1
    return i


def _before_number(words: Sequence[str], i: int) -> bool:
    j = _next_word(words, i)
    if j < len(words) and words[j] in _QUALIFIERS:
        j = _next_word(words, j)
    return j < len(words) and _NUMBER.fullmatch(words[j]) is not None


def _after_magnitude(words: Sequence[str], i: int) -> bool:
    j = i - 1
    while j >= 0 and not words[j].strip():
        j -= 1
    return j >= 0 and _MAGNITUDE.fullmatch(words[j]) is not None
