"""Timezone-aware date parsing for the many formats pages and feeds use."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from dateutil import parser as dateutil_parser


def parse_datetime(value: str | None) -> datetime | None:
    """Parse ``value``; naive results are taken as UTC so every datetime is aware."""
    if not value:
        return None
    try:
        parsed = dateutil_parser.parse(value.strip())
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser normalises dates to UTC struct_time."""
    if value is None:
        return None
    return datetime(*value[:6], tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
