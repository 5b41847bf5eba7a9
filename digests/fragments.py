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

from digests import regexcache

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
_FINAL_OR_SEMI = _FINAL + _SEMI_END

# Function words that cannot open a sentence: what is left when the head of a
# sentence was cut off or a connective trimmed too eagerly (其實是… -> 是…).
_REMNANT_RE = regexcache.compile(
    r"^(?:的(?![確确])|了(?![解])|嗎|吗|呢|吧|啊|呀|"
    r"是(?!否)|也(?!許|许)|並(?!非|不|無|无)|并(?!非|不|无)|且|則|则|卻|却|"
    r"而是|而已|等等)"
)
_BYLINE_RE = regexcache.compile(
    r"^[【\[(（]?\s*[^，,。]{0,8}(?:記者|记者|編譯|编译|撰文|文\s*[／/]|圖\s*[／/]|图\s*[／/])"
    r"[^。！？!?]{0,40}$"
)
_REMNANT_OR_BYLINE_RE = regexcache.compile(f"(?:{_REMNANT_RE.pattern})|(?:{_BYLINE_RE.pattern})")
"""Either rule, in one match: both are anchored at the start (``match`` fails for both
exactly when it fails for this one)."""
_WORD_CHAR_RE = regexcache.compile(r"[\w\u3400-\u9fff]")
_NON_WORD_CHAR_RE = regexcache.compile(r"[^\w\u3400-\u9fff]")
"""Its complement: a sentence has few of these, so counting them is the cheap way to
count word characters (every character is one or the other)."""
_FIGURE_RE = regexcache.compile(r"\d")


def _word_chars(text: str) -> int:
    """How many characters of ``text`` match :data:`_WORD_CHAR_RE`."""
    return len(text) - len(_NON_WORD_CHAR_RE.findall(text))


_SIX_WORD_CHARS = regexcache.compile(r"(?:[^\w\u3400-\u9fff]*[\w\u3400-\u9fff]){6}")
"""Matches (at the start) exactly when ``_word_chars(text) >= 6``: it reads up to the
sixth word character, where counting them all reads the whole sentence.  Its two
classes are each other's complement, so it never backtracks."""


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
    words = _word_chars(text)
    if words < 6:
        reasons.append("too short to state anything")
    elif _BYLINE_RE.match(text):
        reasons.append("byline")
    elif last not in _FINAL + _SEMI_END and words <= 15 and not _FIGURE_RE.search(text):
        reasons.append("a label, not a statement")
    if not reasons and len(text) < MIN_SENTENCE:
        reasons.append("too short to state anything")
    if _has_table_line(text):
        reasons.append("a table row, meaningless without its header")
    return reasons


def is_fragment(sentence: str) -> bool:
    """``bool(fragment_reasons(sentence))``, cheapest tests first, stopping at the first
    reason: the pipeline asks this of every sentence and needs no reasons."""
    text = sentence.strip()
    if not text or len(text) < MIN_SENTENCE:
        # fragment_reasons gives "too short" below MIN_SENTENCE when it found no other reason
        return True
    if text[0] in _LEAD_PUNCT or text[-1] in _COLON_END or text[-1] in _CLAUSE_END:
        return True
    last = text.rstrip("」』）)】》〉”’ ")[-1:] or text[-1]
    if last in _SEMI_END and len(text) < MIN_CLAUSE:
        return True
    # Six letters, digits or CJK characters opening the text (most sentences; it has at
    # least MIN_SENTENCE characters here) are six word characters: _SIX_WORD_CHARS's
    # class holds every str.isalnum character (\w is those and _), so it would match.
    if _REMNANT_OR_BYLINE_RE.match(text) or not (text[:6].isalnum() or _SIX_WORD_CHARS.match(text)):
        return True
    # Most sentences end in 。: only the others need their word characters counted.
    if last not in _FINAL_OR_SEMI and _word_chars(text) <= 15 and not _FIGURE_RE.search(text):
        return True
    if not balanced(text):
        return True
    # One line ending in clause or sentence punctuation is punctuated: no table line
    return ("\n" in text or text[-1] not in _ROW_PUNCT_CHARS) and _has_table_line(text)


def _has_table_line(text: str) -> bool:
    """A line of ``text`` is a table row or header (most sentences are punctuated)."""
    if "\n" not in text:  # one line: most sentences
        return not punctuated(text) and (is_table_row(text) or is_table_header(text))
    return any(
        not punctuated(line) and (is_table_row(line) or is_table_header(line))
        for line in text.split("\n")
    )


_OPENERS = {pair[0]: pair[1] for pair in _PAIRS}
_CLOSERS = frozenset(pair[1] for pair in _PAIRS)
_BRACKET_RE = regexcache.compile("[" + re.escape("".join(_PAIRS)) + "]")
"""The quotes and brackets of :data:`_PAIRS`: only they move the stack in :func:`balanced`."""


def balanced(text: str) -> bool:
    """Every opened quote or bracket is closed, in order, and none closes unopened."""
    stack: list[str] = []
    for ch in _BRACKET_RE.findall(text):  # the other characters are skipped anyway
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in _CLOSERS:
            if not stack or stack[-1] != ch:
                return False
            stack.pop()
    return not stack


# --- table rows ---------------------------------------------------------------------
#
# A table row (欣興 3037 1,248 9.6% 205) is dense in figures, so coverage and salience
# would pick it; without its header it says nothing.  PDF tables, HTML tables and tables
# pasted into page dumps all arrive as one line of cells joined by spaces, so the row is
# told by its shape: several short cells, most of them numbers, and no clause or
# sentence punctuation.  A "label：value" line (承銷價：52元) labels itself and is no row.

_CELL_SPLIT_RE = regexcache.compile(r"\s*[|｜\t]\s*|\s+")
_NUMBER_CELL_RE = regexcache.compile(
    r"^[(（]?[-+−–▲▼△▽]?(?:US\$|NT\$|\$|¥|€)?\d[\d,]*(?:\.\d+)?[)）]?"
    r"(?:%|％|x|X|倍|元|億|亿|萬|万|兆|百萬|千|bps|pp|點|张|張)?[)）]?$"
)
_EMPTY_CELL_RE = regexcache.compile(r"^(?:-|–|—|－|N/?A|n\.?a\.?|NM|nm|\*)$")
_PERIOD_CELL_RE = regexcache.compile(
    r"^(?:(?:19|20)\d\d(?:[A-Z]|年|年度)?|[1-4]Q\d\d[A-Z]?|\d{2,4}Q[1-4][A-Z]?|Q[1-4]|"
    r"[12]H\d\d[A-Z]?|\d{2,3}年(?:度|第?[一二三四1-4]季|[1-4]Q)?|\d{1,2}月)$"
)
"""Years and periods (2025F, 3Q25, 2025Q3, 1H26, 114年): a header's column names."""
ROW_PUNCT = "，。；：！？、:;!?"
"""Clause and sentence punctuation: a line holding any is prose, not a table row (none
is special inside a regex character class)."""
_ROW_PUNCT_RE = regexcache.compile(f"[{ROW_PUNCT}]")
_ROW_PUNCT_CHARS = frozenset(ROW_PUNCT)
MAX_CELL_CHARS = 14


def punctuated(line: str) -> bool:
    """Clause or sentence punctuation: neither a table row nor a header has any (both
    reject such a line first), so prose lines skip both checks at once."""
    # most sentences end in one (。): no scan needed
    return line[-1:] in _ROW_PUNCT_CHARS or _ROW_PUNCT_RE.search(line) is not None


def table_cells(line: str) -> list[str]:
    """The cells of one table line: split at spaces, tabs and bars (| 欣興 | 3037 |)."""
    return [cell for cell in _CELL_SPLIT_RE.split(line.strip().strip("|｜")) if cell]


def is_number_cell(cell: str) -> bool:
    """A value cell: a number with its sign, unit or % (9.6%, -3.2%, (1,200), 18.5x)."""
    return bool(_NUMBER_CELL_RE.match(cell)) and not _PERIOD_CELL_RE.match(cell)


def _is_empty_cell(cell: str) -> bool:
    return bool(_EMPTY_CELL_RE.match(cell))


def is_table_row(line: str) -> bool:
    """A row of a table: three or more short cells, at least two and half of them values,
    no clause or sentence punctuation.  ``營收 5,120 6,120 7,050`` and ``欣興 3037 1,248
    9.6% 205`` are rows; ``台積電 2330 今日收盤價 980 元`` (two values of five cells) is
    not, nor is anything a writer punctuated."""
    text = line.strip()
    if not text or _ROW_PUNCT_RE.search(text) or len(text) > 200:
        return False
    cells = table_cells(text)
    if len(cells) < 3 or any(len(c) > MAX_CELL_CHARS for c in cells):
        return False
    values = sum(1 for c in cells if is_number_cell(c) or _is_empty_cell(c))
    numbers = sum(1 for c in cells if is_number_cell(c))
    return numbers >= 2 and 2 * values >= len(cells)


def is_table_header(line: str) -> bool:
    """A table's header: three or more short cells of column names (公司 代號 營收(億元)
    年增率) or periods (2024 2025F 2026F), none a value, no punctuation but brackets."""
    text = line.strip()
    if not text or _ROW_PUNCT_RE.search(text) or len(text) > 160:
        return False
    cells = table_cells(text)
    if len(cells) < 3 or any(len(c) > MAX_CELL_CHARS or is_number_cell(c) for c in cells):
        return False
    # A spaced-out English sentence is no header: column names are CJK, or periods.
    named = sum(1 for c in cells if re.search(r"[\u3400-\u9fff]", c) or _PERIOD_CELL_RE.match(c))
    return 2 * named >= len(cells)
