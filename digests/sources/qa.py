"""Question-and-answer labels (問：, 答：, Q：, A1., 【問】): interviews and earnings calls.

A question is the context of the answer under it, not the name of a section: readers keep
labelled lines as text of the current section whatever their markup (a bold ``<p>``, an
``<h3>`` or a short line of a page dump), so a question and its answer are digested together.
"""

from __future__ import annotations

import re

from digests import regexcache

_LABEL = r"(?:問|问|答|提問|提问|追問|追问|回答|Q|A|Ｑ|Ａ)"
_QA_LINE = regexcache.compile(
    rf"^(?:[(（【\[〔]{_LABEL}[)）】\]〕]\s*[:：.．、]?|{_LABEL}\s*[:：.．、])", re.IGNORECASE
)
_NUMBERED_QA = regexcache.compile(r"^([QAＱＡ])\s*\d{1,2}\s*[:：.．、]\s*\S", re.IGNORECASE)
"""Q1. / A1：: numbered questions, told from a quarter (Q3：毛利率回升) by what follows."""


def is_qa_line(text: str) -> bool:
    """Whether ``text`` opens with a question or answer label."""
    text = text.strip()
    if _QA_LINE.match(text):
        return True
    numbered = _NUMBERED_QA.match(text)
    if not numbered:
        return False
    if numbered.group(1).upper() in "QＱ":
        return "？" in text or "?" in text
    return len(text) > 24 or text.endswith("。")
