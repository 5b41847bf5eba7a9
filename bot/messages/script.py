"""Simplified Chinese for mainland readers: phrase-level, Taiwan-to-mainland conversion.

Analysis runs on a character-aligned t2s copy (``digests.textproc``); readers get OpenCC's
``tw2sp`` profile instead, which also swaps Taiwanese words for mainland ones (軟體 ->
软件, 伺服器 -> 服务器, 隨著 -> 随着) and so reads as written for them, not transliterated.

The conversion is not idempotent (the Simplified output 程序 is itself a Taiwanese word
that tw2sp turns into 进程), so it must run exactly once, on the finished message:
``i18n.localize`` does that at the point a reply is sent, and nothing before it.
"""

from __future__ import annotations

from functools import cache

import opencc

PROTECTED = {
    # Taiwan's 簡報 is a slide deck; ours is a briefing, which mainland readers also call 简报.
    "簡報": "简报",
}


@cache
def _tw2sp() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


def to_mainland(text: str) -> str:
    """Traditional (Taiwan) text -> Simplified with mainland vocabulary."""
    for taiwan, mainland in PROTECTED.items():
        text = text.replace(taiwan, mainland)
    return _tw2sp().convert(text)
