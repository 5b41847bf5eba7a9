"""Is a piece of text a whole sentence a reader can take on its own?

A digest shows sentences out of their context, so each must stand alone.  The
typical ways extraction breaks that: a clause cut at ；, a lead-in ending in ：
shown without what it introduces, a stub left after trimming a connective
(是「…」。), quotes or brackets opened and never closed, and labels that are no
statement at all (bylines, headings caught in the body).  The checks are cheap
string tests so the pipeline itself can use them (trimming, selection) and the
tests and the evaluation script can count fragments with the same rules.
"""

from __future__ import annotations

import re

MIN_CLAUSE = 40
"""A piece ending in ；/; shorter than this is a clause cut from its sentence.

The splitter only separates the clauses of over-long sentences and only into pieces
at least this long (:func:`digests.textproc.split_sentences`), so anything shorter
ending in ； was cut by something else."""

MIN_SENTENCE = 8
"""Shorter than this (業界看法分歧。 is 7) is an aside, never a statement a digest can show."""

_PAIRS = ("「」", "『』", "（）", "()", "“”", "【】", "《》", "〈〉")
_LEAD_PUNCT = "，,、；;：:。．.！!？?」』）)】》〉”’"
_CLAUSE_END = "，,、"
_COLON_END = "：:"
_SEMI_END = "；;"
_FINAL = "。！？!?.…"

# Function words that cannot open a sentence: what is left when the head of a
# sentence was cut off or a connective trimmed too eagerly (其實是… -> 是…).
_REMNANT_RE = re.compile(
    r"^(?:的(?![確确])|了(?![解])|嗎|吗|呢|吧|啊|呀|"
    r"是(?!否)|也(?!許|许)|並(?!非|不|無|无)|并(?!非|不|无)|且|則|则|卻|却|"
    r"而是|而已|等等)"
)
_BYLINE_RE = re.compile(
    r"^[【\[(（]?\s*[^，,。]{0,8}(?:記者|记者|編譯|编译|撰文|文\s*[／/]|圖\s*[／/]|图\s*[／/])"
    r"[^。！？!?]{0,40}$"
)
_WORD_CHAR_RE = re.compile(r"[\w\u3400-\u9fff]")
_FIGURE_RE = re.compile(r"\d")


def fragment_reasons(sentence: str) -> list[str]:
    """Why ``sentence`` cannot stand alone; empty when it is a whole sentence."""
    text = sentence.strip()
    if not text:
        return ["empty"]
    reasons: list[str] = []
    if text[0] in _LEAD_PUNCT:
        reasons.append("starts with punctuation")
    elif _REMNANT_RE.match(text):
        reasons.append("starts with a particle or connective remnant")
    last = text.rstrip("」』）)】》〉”’ ")[-1:] or text[-1]
    if text[-1] in _COLON_END:
        reasons.append("lead-in ending in a colon without what it introduces")
    elif text[-1] in _CLAUSE_END:
        reasons.append("ends mid-sentence")
    elif last in _SEMI_END and len(text) < MIN_CLAUSE:
        reasons.append("clause cut at a semicolon")
    if not balanced(text):
        reasons.append("unbalanced quotes or brackets")
    words = len(_WORD_CHAR_RE.findall(text))
    if words < 6:
        reasons.append("too short to state anything")
    elif _BYLINE_RE.match(text):
        reasons.append("byline")
    elif last not in _FINAL + _SEMI_END and words <= 15 and not _FIGURE_RE.search(text):
        reasons.append("a label, not a statement")
    if not reasons and len(text) < MIN_SENTENCE:
        reasons.append("too short to state anything")
    return reasons


def is_fragment(sentence: str) -> bool:
    return bool(fragment_reasons(sentence))


def balanced(text: str) -> bool:
    """Every opened quote or bracket is closed, in order, and none closes unopened."""
    openers = {pair[0]: pair[1] for pair in _PAIRS}
    closers = {pair[1] for pair in _PAIRS}
    stack: list[str] = []
    for ch in text:
        if ch in openers:
            stack.append(openers[ch])
        elif ch in closers:
            if not stack or stack[-1] != ch:
                return False
            stack.pop()
    return not stack
