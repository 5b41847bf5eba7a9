"""Time zones and delivery times as readers say them: 台北時間 (UTC+8), 明天 08:00.

IANA ids (Asia/Taipei, Etc/GMT-8) are storage, not something to show a reader.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.timeparse import describe_zone, has_daylight_saving, utc_offset_text
from bot.core.zonedata import ZONE_NAMES_ZH

_WEEKDAYS_ZH = "一二三四五六日"


def _city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone: str, lang: str, now: datetime | None = None) -> str:
    """'台北時間 (UTC+8)', 'New York time (UTC-5)'; a bare offset is just 'UTC+8'."""
    now = now or datetime.now(UTC)
    if zone == "UTC" or zone.startswith("Etc/"):
        return describe_zone(zone)
    offset = utc_offset_text(zone, now)
    if lang == "en":
        return f"{_city(zone)} time ({offset})"
    name = ZONE_NAMES_ZH.get(zone)
    return f"{name}時間 ({offset})" if name else f"{_city(zone)} ({offset})"


def follows_dst(zone: str, now: datetime | None = None) -> bool:
    return has_daylight_saving(zone, (now or datetime.now(UTC)).year)


def when_text(at: datetime, lang: str, now: datetime | None = None) -> str:
    """A coming instant in its own zone: '今天 08:00', '明天 08:00', '12月24日（三）08:00'."""
    now = (now or datetime.now(UTC)).astimezone(at.tzinfo)
    days = (at.date() - now.date()).days
    clock = f"{at:%H:%M}"
    if lang == "en":
        if days == 0:
            return f"today {clock}"
        if days == 1:
            return f"tomorrow {clock}"
        return f"{at:%a} {at.day} {at:%b} {clock}"
    if days == 0:
        return f"今天 {clock}"
    if days == 1:
        return f"明天 {clock}"
    return f"{at.month}月{at.day}日（{_WEEKDAYS_ZH[at.weekday()]}）{clock}"
