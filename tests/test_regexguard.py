"""A first-character lookahead changes no match, and is added only when certain."""

from __future__ import annotations

import re

from digests.regexguard import guarded
from digests.salience import CALL_PATTERN, THESIS_RE

TEXTS = [
    "我們認為明年營收可望成長兩成，首選晶研。",
    "如果你重視配息，中華電仍是比較適合的選擇。",
    "資金大約七成放在高股息，保留約三成現金。",
    "投顧將評等由中立調升為買進，目標價128元。",
    "營收年增12%，毛利率38.6%。",
    "",
    "逢低分批布局",
]


def test_same_matches_as_the_plain_pattern() -> None:
    plain = re.compile(CALL_PATTERN)
    fast = guarded(plain)
    assert fast.pattern.startswith("(?=[")
    for text in TEXTS:
        a, b = plain.search(text), fast.search(text)
        assert (a and a.span()) == (b and b.span())
        assert plain.findall(text) == fast.findall(text)
    assert THESIS_RE.pattern.startswith("(?=[")  # the salience rule is guarded


def test_left_alone_when_unsure_or_already_fast() -> None:
    for pattern in (
        re.compile(r"^記者\S+"),  # an anchor
        re.compile(r"(?:subscribe|訂閱)", re.IGNORECASE),  # Latin letters have other cases
        re.compile(r"[^。]{0,3}(?:看好|首選)"),  # may start with anything
        re.compile(
            r"看好|首選|推薦"
        ),  # every alternative starts with a literal: re skips by itself
        re.compile(r"\d+元"),
    ):
        assert guarded(pattern) is pattern


def test_case_free_characters_under_ignorecase() -> None:
    pattern = re.compile(
        r"(?:加入|按讚)(?:LINE|YouTube)|(?:訂閱|追蹤)[^。]{0,4}頻道", re.IGNORECASE
    )
    fast = guarded(pattern)
    assert fast is not pattern
    for text in ("歡迎加入line好友", "記得訂閱我們的頻道", "加入YOUTUBE", "沒有"):
        assert bool(pattern.search(text)) == bool(fast.search(text))
