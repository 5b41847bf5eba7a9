"""What every answer shares: how far back it reads, and chunked ``IN`` lists."""

from __future__ import annotations

RECENT_ARTICLES = 200
"""How many of a company's or topic's newest articles feed summaries and rankings."""


def chunks(items: list[int], size: int) -> list[list[int]]:
    """``items`` in pieces small enough for one ``IN (...)`` (SQLite caps bound variables)."""
    return [items[i : i + size] for i in range(0, len(items), size)]
