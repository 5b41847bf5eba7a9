"""sqlite-utils' own patterns, built from the code kept between runs.

``sqlite_utils.db`` compiles, at import, a verbose case-insensitive pattern for
``CREATE VIRTUAL TABLE`` statements whose class ``[A-Za-z_\\u0080-\\uffff]`` under
IGNORECASE takes CPython's pattern compiler 8.5 ms of every process that opens a store,
for a pattern it uses only when it reads a virtual table's schema.  :func:`prime` puts
the same pattern, built by :func:`digests.regexcache.compile` (equal to
``re.compile``'s), where ``re.compile`` looks first, so the import finds it there.
Nothing is swapped or patched: ``re.compile`` is called as ever and returns a pattern
equal to the one it would compile.  The source below is sqlite-utils' own, character
for character (``tests/test_store_startup.py`` checks it against the installed
version); if a new version changes it, the primed entry is simply never asked for.
"""

from __future__ import annotations

import re

from digests import regexcache

VIRTUAL_TABLE_SOURCE = r"""
^ # Start of string
\s*CREATE\s+VIRTUAL\s+TABLE\s+ # CREATE VIRTUAL TABLE
(
    '(?P<squoted_table>[^']*(?:''[^']*)*)' | # single quoted name
    "(?P<dquoted_table>[^"]*(?:""[^"]*)*)" | # double quoted name
    `(?P<backtick_table>[^`]+)`            | # `backtick` quoted name
    \[(?P<squarequoted_table>[^\]]+)\]     | # [...] quoted name
    (?P<identifier>                          # SQLite non-quoted identifier
        [A-Za-z_\u0080-\uffff]  # \u0080-\uffff = "any character larger than u007f"
        [A-Za-z_\u0080-\uffff0-9\$]* # zero-or-more alphanemuric or $
    )
)
\s+(IF\s+NOT\s+EXISTS\s+)?      # IF NOT EXISTS (optional)
USING\s+(?P<using>\w+)          # for example USING FTS5
"""
VIRTUAL_TABLE_FLAGS = re.VERBOSE | re.IGNORECASE


def prime() -> None:
    """Make sqlite-utils' import find its slowest pattern compiled (see the module doc)."""
    regexcache.prime(VIRTUAL_TABLE_SOURCE, VIRTUAL_TABLE_FLAGS)
