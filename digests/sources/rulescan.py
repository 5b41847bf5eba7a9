"""Cheaper scans for the line rules of boilerplate and bylines, with exactly the same matches.

Every sentence of every article meets the boilerplate rules (``preparation.prepare`` asks
``is_boilerplate`` of each), and almost none of them is boilerplate, so what costs is
saying "no".  Python's ``re`` skips positions by their first character only when every
alternative of a pattern opens with a plain, caseless character; otherwise a ``search``
tries every alternative at every position of the line.  Three ways round that, each
keeping the matches of the rules as they are:

- :func:`at_start`: rules that all begin with ``^`` are used with ``match``; they cannot
  match anywhere else, so ``match`` finds a match exactly when ``search`` would;
- :func:`led_by`: a pattern behind a lookahead on the characters its matches can start
  with (zero-width, so every match starts and ends where it did);
- :func:`any_of`: words one of which every match of a rule contains, tested first.

``tests/test_rulescan.py`` derives the anchors and first characters from the patterns
themselves and compares each rule with its plain ``search`` on many lines.
"""

from __future__ import annotations

import re

from digests import regexcache


def at_start(*patterns: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One pattern for rules that all start with ``^``, to be used with ``match``."""
    return regexcache.compile("|".join(f"(?:{p})" for p in patterns), flags)


def led_by(first: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` behind a lookahead on ``first``, the body of a character class holding
    every character a match can start with (``\\d`` included; under the same flags, so a
    case-insensitive letter admits its other cases as the pattern's own letters do)."""
    return regexcache.compile(f"(?=[{first}])(?:{pattern})", flags)


def any_of(*literals: str) -> re.Pattern[str]:
    """A search for any of ``literals`` (plain, case-sensitive), a cheap first test: all
    alternatives open with a plain character, so ``re`` skips the positions that cannot."""
    return regexcache.compile("|".join(map(re.escape, literals)))
