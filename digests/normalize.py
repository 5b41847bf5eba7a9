"""Query and name normalisation: one key for every way a reader may type a name.

Full-width and half-width forms, letter case, Traditional and Simplified script all
collapse to the same key, so 台积电, 台積電 and ＴＳＭＣ/tsmc meet in one lookup.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from digests import regexcache
from digests.textproc import to_simplified

_SPACES = regexcache.compile(r"\s+")
_STRIP = " \t\r\n\"'「」『』“”‘’()（）[]【】<>《》.,，。:：;；!！?？、/\\|"


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """NFKC (full→half width), Simplified script, lower case, inner spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).strip(_STRIP)
    folded = _SPACES.sub(" ", folded)
    return to_simplified(folded).casefold()


def clean_query(text: str) -> str:
    """The query as typed, tidied for display: NFKC and trimmed, script kept."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
