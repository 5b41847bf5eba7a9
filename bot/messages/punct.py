"""Punctuation where Chinese and Latin text meet: full-width in Chinese interface text,
no ASCII space after 。，, one mark (not two) where a heading meets its digest.

Interface strings are written by many hands, often on a keyboard that types ASCII
``:,()?!``; ``fullwidth`` fixes them where the neighbouring text is Chinese and leaves
commands, times and placeholders (``/time 07:30``, ``{count}/{max}``) as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from digests import regexcache

_NON_ASCII = r"[^\x00-\x7f]"
_PAREN = regexcache.compile(r"\(([^()\n]*)\)")
_AFTER_CJK = {
    ":": "：",
    ",": "，",
    ";": "；",
    "!": "！",
    "?": "？",
}
_MARK_AFTER_CJK = regexcache.compile(rf"(?<={_NON_ASCII}|[）」』])[ \t]*([:,;!?])(?![\w/]*://)")
_COMMA_BEFORE_CJK = regexcache.compile(rf",[ \t]*(?={_NON_ASCII})")
_SPACE_AFTER_FULL_STOP = regexcache.compile(r"(?<=[。，；：！？、])[ \t]+(?=\S)")
_CJK = regexcache.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ENDS_WITH_MARK = regexcache.compile(r"[:：。！？!?；;，,、…]$")


@lru_cache(maxsize=4096)
def fullwidth(template: str) -> str:
    """Chinese interface text with full-width ``：，；！？（）`` beside Chinese characters.

    A parenthesis pair becomes full-width when it holds Chinese or follows it; a mark
    when the character before it is Chinese or a full-width closing mark, or (a comma)
    when Chinese follows.  ``HH:MM``, ``/time 7:30``, URLs and ``{placeholders}`` keep
    ASCII, and a string with no Chinese at all is returned as it is.
    """
    if not _CJK.search(template):
        return template

    def paren(match: re.Match[str]) -> str:
        before = template[match.start() - 1] if match.start() else ""
        inner = match.group(1)
        if _CJK.search(inner) or (before and not before.isascii()):
            return f"（{inner}）"
        return match.group(0)

    out = _PAREN.sub(paren, template)
    out = _MARK_AFTER_CJK.sub(lambda m: _AFTER_CJK[m.group(1)], out)
    out = _COMMA_BEFORE_CJK.sub("，", out)
    return _SPACE_AFTER_FULL_STOP.sub("", out)


def join_sentences(sentences: Iterable[str]) -> str:
    """Sentences run on as one paragraph: nothing between Chinese ones (a full stop
    already ends them), one space after a Latin one."""
    out = ""
    for sentence in sentences:
        sentence = _SPACE_AFTER_FULL_STOP.sub("", sentence.strip())
        if not sentence:
            continue
        if out and _needs_space(out):
            out += " "
        out += sentence
    return out


def _needs_space(text: str) -> bool:
    """After Latin text a space; after Chinese (its own marks, or ASCII ones typed in
    Chinese text such as 新高!) none."""
    last = text[-1]
    if not last.isascii():
        return not _ENDS_WITH_MARK.search(text)
    return not (last in "!?.;:," and len(text) > 1 and not text[-2].isascii())


def heading_lead(heading: str) -> str:
    """What to print between an inline heading and its text: '：' after a Chinese heading,
    ': ' after a Latin one, nothing more when the heading already ends in a mark (…嗎？)."""
    heading = heading.rstrip()
    if not heading:
        return ""
    chinese = bool(_CJK.search(heading))
    if _ENDS_WITH_MARK.search(heading):
        return "" if chinese else " "
    return "：" if chinese else ": "
