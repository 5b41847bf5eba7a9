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
"""

from __future__ import annotations

import re

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
    punctuation, digits and ASCII symbols (not letters, which have other cases, nor
    full-width Latin letters)."""
    code = ord(ch)
    if code < 128:
        return not ch.isalpha()
    return code >= 0x2E80 and not (0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A)


def _first(items: list[tuple[object, object]], ignorecase: bool) -> set[str] | None:
    """Every character a match of ``items`` may start with, or None when unsure."""
    if not items:
        return None
    op, av = items[0]
    chars: set[str] = set()
    if op is _c.LITERAL:
        chars.add(chr(av))  # type: ignore[arg-type]
    elif op is _c.IN:
        for inner_op, inner in av:  # type: ignore[attr-defined]
            if inner_op is _c.LITERAL:
                chars.add(chr(inner))
            elif inner_op is _c.RANGE and inner[1] - inner[0] <= _MAX_RANGE:
                chars.update(chr(c) for c in range(inner[0], inner[1] + 1))
            else:
                return None
    elif op is _c.BRANCH:
        for alternative in av[1]:  # type: ignore[index]
            found = _first(alternative.data, ignorecase)
            if found is None:
                return None
            chars |= found
        return chars
    elif op is _c.SUBPATTERN:
        _, add_flags, del_flags, inner = av  # type: ignore[misc]
        if add_flags & re.IGNORECASE:
            ignorecase = True
        elif del_flags & re.IGNORECASE:
            ignorecase = False
        return _first(inner.data, ignorecase)
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


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a lookahead on its possible first characters, when they are certain."""
    try:
        data = _p.parse(pattern.pattern, pattern.flags).data
        ignorecase = bool(pattern.flags & re.IGNORECASE)
        if _scans_fast(data, ignorecase):
            return pattern
        chars = _first(data, ignorecase)
        if not chars:
            return pattern
        head = "".join(re.escape(ch) for ch in sorted(chars))
        return re.compile(f"(?=[{head}])(?:{pattern.pattern})", pattern.flags)
    except (re.error, AttributeError, TypeError, IndexError, ValueError):
        return pattern
