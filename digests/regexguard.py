"""Faster searches for long alternations of words, with exactly the same matches.

The salience and boilerplate rules are alternations of dozens of phrases (我們認為|看好|首選…).
Python's ``re`` tries every alternative at every position of the sentence unless all of
them start with a plain character, so one ``search`` over a sentence of 60 characters
costs thousands of failed attempts.  Prefixing the pattern with a lookahead on the
characters any match can start with, ``(?=[我看首…])(?:…)``, makes each position that
cannot start a match cost one set test: about five times faster on article text.

The lookahead is only added when the set is certain: every alternative must start with
a literal character or a small character class (repeated at least once).  Anything else
(an anchor, a negated class, ``\\d``, an optional first part, a case-insensitive Latin
letter) leaves the pattern as it is.  A match found either way starts at the same place
and spans the same text, so ``search``, ``match``, ``sub`` and ``findall`` are unchanged.

:func:`needs` goes further for rules that rarely match: the literals every match of the
rule contains (its verb, its closing word), looked for first in one plain scan, so most
sentences never reach the rule.
"""

from __future__ import annotations

import _sre
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from digests import regexcache

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_MAX_RANGE = 64
"""A character range wider than this ([一-龥]) is not worth a lookahead."""


def _caseless(ch: str) -> bool:
    """A character that matches only itself under IGNORECASE: CJK characters and
    punctuation, digits and ASCII symbols (not letters of any script with cases, Latin,
    full-width Latin or Deseret).  ``re`` compiles exactly these as plain literals."""
    return not _sre.unicode_iscased(ord(ch))


def _char(code: int, ignorecase: bool) -> str | None:
    ch = chr(code)
    return None if ignorecase and not _caseless(ch) else ch


def _class_chars(av: object, ignorecase: bool) -> set[str] | None:
    """Every character a class ``[…]`` matches, or None when unsure: a negated class,
    ``\\d``, a wide range, or a letter with cases under IGNORECASE."""
    chars: set[str] = set()
    for inner_op, inner in av:  # type: ignore[attr-defined]
        if inner_op is _c.LITERAL:
            codes: range | tuple[int, ...] = (inner,)
        elif inner_op is _c.RANGE and inner[1] - inner[0] <= _MAX_RANGE:
            codes = range(inner[0], inner[1] + 1)
        else:  # NEGATE, CATEGORY (\d, \s), a wide range
            return None
        for code in codes:
            ch = _char(code, ignorecase)
            if ch is None:
                return None
            chars.add(ch)
    return chars


def _group(av: object, ignorecase: bool) -> tuple[list[tuple[object, object]], bool]:
    """A group's body, and whether it matches ignoring case (its own flags win)."""
    _, add_flags, del_flags, inner = av  # type: ignore[misc]
    if add_flags & re.IGNORECASE:
        ignorecase = True
    elif del_flags & re.IGNORECASE:
        ignorecase = False
    return inner.data, ignorecase


def _first(items: list[tuple[object, object]], ignorecase: bool) -> set[str] | None:
    """Every character a match of ``items`` may start with, or None when unsure."""
    if not items:
        return None
    op, av = items[0]
    chars: set[str] = set()
    if op is _c.LITERAL:
        chars.add(chr(av))  # type: ignore[arg-type]
    elif op is _c.IN:
        found = _class_chars(av, ignorecase)
        if found is None:
            return None
        chars |= found
    elif op is _c.BRANCH:
        for alternative in av[1]:  # type: ignore[index]
            found = _first(alternative.data, ignorecase)
            if found is None:
                return None
            chars |= found
        return chars
    elif op is _c.SUBPATTERN:
        return _first(*_group(av, ignorecase))
    elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:  # type: ignore[index]
        return _first(av[2].data, ignorecase)  # type: ignore[index]
    else:
        return None
    if ignorecase and not all(_caseless(ch) for ch in chars):
        return None
    return chars


def _scans_fast(data: list[tuple[object, object]], ignorecase: bool) -> bool:
    """Whether ``re`` already skips positions by the first character: the pattern starts
    with a literal or a class, or every alternative starts with a literal."""
    if not data:
        return True
    op, av = data[0]
    if op in (_c.LITERAL, _c.IN):
        return True
    return (
        op is _c.BRANCH
        and not ignorecase
        and all(alt.data and alt.data[0][0] is _c.LITERAL for alt in av[1])  # type: ignore[index]
    )


def _code_id() -> str:
    """This module's source, hashed: what a derived value kept between runs is keyed on
    (:func:`_kept`), so that an edit of any rule below computes every value afresh.
    Empty (nothing kept) when the source cannot be read."""
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    except (OSError, TypeError, NameError):
        return ""


_CODE_ID = _code_id()

_V = TypeVar("_V")


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_str_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_chars_or_none(value: object) -> bool:
    return value is None or (
        isinstance(value, frozenset) and all(isinstance(ch, str) for ch in value)
    )


def _kept(
    kind: str,
    pattern: re.Pattern[str],
    compute: Callable[[], _V],
    valid: Callable[[object], bool],
) -> _V:
    """``compute()``, read from :mod:`digests.regexcache`'s file when this same code
    computed it for this same source and flags before (:func:`regexcache.derived`):
    parsing each rule again (``re._parser`` is pure Python) cost every process 0.02 s."""
    kind = f"regexguard.{kind}:{_CODE_ID}" if _CODE_ID else ""
    return regexcache.derived(kind, pattern.pattern, pattern.flags, compute, valid)


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a lookahead on its possible first characters, when they are certain."""
    source = _kept("guarded", pattern, lambda: _guarded_source(pattern), _is_str_or_none)
    return pattern if source is None else regexcache.compile(source, pattern.flags)


def _guarded_source(pattern: re.Pattern[str]) -> str | None:
    """The source :func:`guarded` compiles, or None when it returns ``pattern`` itself."""
    try:
        data = _p.parse(pattern.pattern, pattern.flags).data
        ignorecase = bool(pattern.flags & re.IGNORECASE)
        if _scans_fast(data, ignorecase):
            return None
        chars = _first(data, ignorecase)
        if not chars:
            return None
        head = "".join(re.escape(ch) for ch in sorted(chars))
        return f"(?=[{head}])(?:{pattern.pattern})"
    except (re.error, AttributeError, TypeError, IndexError, ValueError):
        return None


# --- required literals ----------------------------------------------------------------
#
# A lookahead only skips positions; a rule that matches one sentence in fifty is still
# tried at every position where one of its many first characters stands (以、是、為 are
# everywhere).  Most rules cannot match without some literal of their own (its verb, its
# closing word), and one scan for those literals, a plain alternation that ``re`` runs
# in C, rejects most sentences before the rule runs at all.  :func:`needs` works the
# literals out from the parsed pattern, so they follow every edit of the rule.

_MAX_STRINGS = 32
"""Cap on the strings a run of fixed parts expands to (以(?:為|为)主: two)."""

_Strings = set[str] | None


def _element(op: object, av: object, ignorecase: bool) -> tuple[_Strings, _Strings]:
    """(exact, needed) for one element of a pattern: every string it can match, when
    they are few and certain, and strings of which each of its matches contains one."""
    if op is _c.LITERAL:
        ch = _char(av, ignorecase)  # type: ignore[arg-type]
        return ({ch}, {ch}) if ch else (None, None)
    if op is _c.IN:
        chars = _class_chars(av, ignorecase)
        return (chars, set(chars)) if chars is not None else (None, None)
    if op is _c.SUBPATTERN:
        return _sequence(*_group(av, ignorecase))
    if op is _c.BRANCH:
        results = [_sequence(alt.data, ignorecase) for alt in av[1]]  # type: ignore[index]
        exact: _Strings = set()
        needed: _Strings = set()
        for e, n in results:
            exact = exact | e if exact is not None and e is not None else None
            needed = needed | n if needed is not None and n is not None else None
        if exact is not None and len(exact) > _MAX_STRINGS:
            exact = None
        return exact, needed
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, body = av  # type: ignore[misc]
        e, n = _sequence(body.data, ignorecase)
        if low == high == 1:
            return e, n
        if low == 0 and high == 1:  # optional: 分成? is 分 or 分成
            return (e | {""} if e is not None else None), None
        return None, (n if low >= 1 else None)
    return None, None  # ., \d, [^…], a backreference: anything


def _sequence(items: list[tuple[object, object]], ignorecase: bool) -> tuple[_Strings, _Strings]:
    """(exact, needed) for a sequence.  Runs of fixed parts expand to their strings
    (建[議议] is 建議 or 建议); every run ending at each part is kept, so 來(?:看看|聊聊)
    is found after an optional opening.  The most telling run or part is what a match needs."""
    candidates: list[set[str]] = []
    whole: _Strings = {""}  # every string the sequence so far matches, while certain
    runs: list[set[str]] = []  # runs of fixed parts ending at the current part
    for op, av in items:
        if op in (_c.AT, _c.ASSERT_NOT):
            continue  # zero width: the text around is unchanged
        if op is _c.ASSERT:
            # (?=X), (?<=X): X stands in the text, beside the match
            needed = _sequence(av[1].data, ignorecase)[1]  # type: ignore[index]
            if needed:
                candidates.append(needed)
            continue
        e, n = _element(op, av, ignorecase)
        if n:
            candidates.append(n)
        if e is None or len(e) > _MAX_STRINGS:
            candidates.extend(runs)
            runs, whole = [], None
            continue
        if whole is not None:
            whole = _joined(whole, e)
        longer = []
        for run in runs:
            joined = _joined(run, e)
            if joined is None:
                candidates.append(run)
            else:
                longer.append(joined)
        runs = [*longer, set(e)]
    candidates.extend(runs)
    if whole:
        candidates.append(whole)
    useful = [c for c in candidates if c and "" not in c]
    return whole, max(useful, key=_telling, default=None)


def _joined(heads: set[str], tails: set[str]) -> _Strings:
    """Every head followed by every tail, or None when they are too many."""
    if len(heads) * len(tails) > _MAX_STRINGS:
        return None
    return {a + b for a in heads for b in tails}


def _telling(strings: set[str]) -> tuple[bool, int, int]:
    """How well a set of needed strings rejects text: few strings of two characters or
    more scan fastest and rarely occur (們, 來 alone are everywhere)."""
    shortest = min(map(len, strings))
    return shortest >= 2, -len(strings), shortest


def needs(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """An alternation of literals, one of which stands in every text ``pattern`` matches.

    ``needs(p).search(text) and p.search(text)`` is ``p.search(text)`` for every text,
    at any ``pos``: the literals are taken only from parts every match must contain
    (an optional part, a negated class or ``\\d`` contributes none), and the test looks
    at the whole text.  When no literal is certain the result matches every text.
    """
    return regexcache.compile(_kept("needs", pattern, lambda: _needs_source(pattern), _is_str))


def _needs_source(pattern: re.Pattern[str]) -> str:
    """The source :func:`needs` compiles ("" when no literal is certain)."""
    try:
        data = _p.parse(pattern.pattern, pattern.flags).data
        found = _sequence(data, bool(pattern.flags & re.IGNORECASE))[1]
    except (re.error, AttributeError, TypeError, IndexError, ValueError):
        found = None
    if not found:
        return ""
    # A string holding another needed one adds nothing: 今日 is found wherever 日 is.
    found = {s for s in found if not any(o != s and o in s for o in found)}
    # One branch per first character (的(?:選擇|標的)): where a common character stands,
    # re then tries its strings only, not every string of the rule.
    heads: dict[str, list[str]] = {}
    for s in sorted(found):
        heads.setdefault(s[0], []).append(re.escape(s[1:]))
    return "|".join(
        re.escape(head) + (tails[0] if len(tails) == 1 else f"(?:{'|'.join(tails)})")
        for head, tails in heads.items()
    )


def starts(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match of ``pattern``, anchored at the start (``^``), may open
    with, or None when unsure (see :func:`_first`).  ``text[:1] in starts(p)`` is then
    a test ``p.match(text)`` cannot pass without: one set lookup instead of a call that
    tries each alternative in turn."""
    return _kept("starts", pattern, lambda: _starts(pattern), _is_chars_or_none)


def _starts(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """What :func:`starts` returns, worked out from the parsed pattern."""
    try:
        data = list(_p.parse(pattern.pattern, pattern.flags).data)
        if data and data[0] == (_c.AT, _c.AT_BEGINNING):
            data = data[1:]
        found = _first(data, bool(pattern.flags & re.IGNORECASE))
    except (re.error, AttributeError, TypeError, IndexError, ValueError):
        return None
    return frozenset(found) if found else None


def _words_only(items: list[tuple[object, object]]) -> bool:
    """Whether ``items`` are plain characters, alternatives and groups without flags."""
    for op, av in items:
        if op is _c.BRANCH:
            if not all(_words_only(alt.data) for alt in av[1]):  # type: ignore[index]
                return False
        elif op is _c.SUBPATTERN:
            _, add_flags, del_flags, inner = av  # type: ignore[misc]
            if add_flags or del_flags or not _words_only(inner.data):
                return False
        elif op is not _c.LITERAL:
            return False
    return True


def grouped(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """For an alternation of plain words (營收|营收|每股盈餘…), a search that finds a match
    in exactly the texts ``pattern`` does: :func:`needs` of it, its words grouped by
    first character, which ``re`` tries in one step where a character opens several.
    Only for a truth test (the match found may differ); any other pattern is returned as
    it is."""
    words = _kept("grouped", pattern, lambda: _plain_words(pattern), _is_bool)
    return needs(pattern) if words else pattern


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _plain_words(pattern: re.Pattern[str]) -> bool:
    """Whether :func:`grouped` groups ``pattern``: an alternation of plain words, no flags."""
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
    except re.error:  # pragma: no cover - a compiled pattern parses
        return False
    return not pattern.flags & ~re.UNICODE and _words_only(list(parsed.data))
