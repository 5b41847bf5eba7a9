"""Time zones and delivery times as readers say them: 台北時間 (UTC+8), 明天 08:00.

IANA ids (Asia/Taipei, Etc/GMT-8) are storage, not something to show a reader.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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
    """An instant in its own zone: '今天 08:00', '明天 08:00', '昨天 08:00',
    '12月24日（三）08:00'; another year than now's is named ('2025年12月24日 08:00')."""
    now = (now or datetime.now(UTC)).astimezone(at.tzinfo)
    days = (at.date() - now.date()).days
    clock = f"{at:%H:%M}"
    if lang == "en":
        if days in _DAYS_EN:
            return f"{_DAYS_EN[days]} {clock}"
        if at.year != now.year:
            return f"{at.day} {at:%b} {at.year} {clock}"
        return f"{at:%a} {at.day} {at:%b} {clock}"
    if days in _DAYS_ZH:
        return f"{_DAYS_ZH[days]} {clock}"
    if at.year != now.year:
        return f"{at.year}年{at.month}月{at.day}日 {clock}"
    return f"{at.month}月{at.day}日（{_WEEKDAYS_ZH[at.weekday()]}）{clock}"


_DAYS_EN = {-1: "yesterday", 0: "today", 1: "tomorrow"}
_DAYS_ZH = {-1: "昨天", 0: "今天", 1: "明天"}


def stamp_text(stamp: str, zone: str, lang: str, now: datetime | None = None) -> str:
    """A stored ISO timestamp (UTC) as the chat reads times: '昨天 21:05' in its zone.
    A stamp that does not parse is shown as stored rather than dropped."""
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if at.tzinfo is None:  # the store writes UTC; an old naive stamp is UTC too
        at = at.replace(tzinfo=UTC)
    return when_text(at.astimezone(ZoneInfo(zone)), lang, now)
