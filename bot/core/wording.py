"""English counts that read right: '1 article', '3 articles' (command-line output)."""

from __future__ import annotations

_IRREGULAR = {"company": "companies", "entry": "entries", "is": "are"}


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is exactly one."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {_IRREGULAR.get(noun, noun + 's')}"
