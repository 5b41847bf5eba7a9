"""Parsing what readers type for /time and /timezone, and the next delivery instant."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Cities readers name in Chinese or English -> IANA zone.
CITY_ZONES = {
    "台北": "Asia/Taipei",
    "臺北": "Asia/Taipei",
    "台北市": "Asia/Taipei",
    "台灣": "Asia/Taipei",
    "臺灣": "Asia/Taipei",
    "taipei": "Asia/Taipei",
    "taiwan": "Asia/Taipei",
    "高雄": "Asia/Taipei",
    "台中": "Asia/Taipei",
    "香港": "Asia/Hong_Kong",
    "hong kong": "Asia/Hong_Kong",
    "上海": "Asia/Shanghai",
    "北京": "Asia/Shanghai",
    "深圳": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "東京": "Asia/Tokyo",
    "东京": "Asia/Tokyo",
    "大阪": "Asia/Tokyo",
    "首爾": "Asia/Seoul",
    "首尔": "Asia/Seoul",
    "新加坡": "Asia/Singapore",
    "吉隆坡": "Asia/Kuala_Lumpur",
    "曼谷": "Asia/Bangkok",
    "胡志明市": "Asia/Ho_Chi_Minh",
    "雪梨": "Australia/Sydney",
    "悉尼": "Australia/Sydney",
    "墨爾本": "Australia/Melbourne",
    "倫敦": "Europe/London",
    "伦敦": "Europe/London",
    "巴黎": "Europe/Paris",
    "柏林": "Europe/Berlin",
    "法蘭克福": "Europe/Berlin",
    "阿姆斯特丹": "Europe/Amsterdam",
    "紐約": "America/New_York",
    "纽约": "America/New_York",
    "new york": "America/New_York",
    "nyc": "America/New_York",
    "洛杉磯": "America/Los_Angeles",
    "洛杉矶": "America/Los_Angeles",
    "舊金山": "America/Los_Angeles",
    "旧金山": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "矽谷": "America/Los_Angeles",
    "西雅圖": "America/Los_Angeles",
    "芝加哥": "America/Chicago",
    "多倫多": "America/Toronto",
    "溫哥華": "America/Vancouver",
    "杜拜": "Asia/Dubai",
}
_OFFSET_RE = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(00|30|45))?$", re.IGNORECASE)
_HHMM_RE = re.compile(r"^(\d{1,2})\s*[:：.時点點]\s*(\d{2})\s*分?$")


def parse_hhmm(text: str) -> time | None:
    """'08:00', '8:30', '20.15', '８：００' -> time; None when not a valid time of day."""
    folded = unicodedata.normalize("NFKC", text).strip()
    match = _HHMM_RE.match(folded)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


@cache
def _zones_by_lower() -> dict[str, str]:
    zones = {}
    for name in available_timezones():
        zones[name.lower()] = name
        city = name.rsplit("/", 1)[-1].replace("_", " ").lower()
        zones.setdefault(city, name)
    return zones


def parse_timezone(text: str) -> str | None:
    """IANA name, a city (台北, Tokyo, 紐約) or a UTC offset (UTC+8, GMT-5) -> zone name."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return None
    lower = folded.lower()
    if lower in ("utc", "gmt", "z"):
        return "UTC"
    if lower in CITY_ZONES or folded in CITY_ZONES:
        return CITY_ZONES.get(folded) or CITY_ZONES[lower]
    offset = _OFFSET_RE.match(lower)
    if offset:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), offset.group(3)
        if (minutes and minutes != "00") or hours > 14:
            return None  # Etc/GMT zones have whole hours only
        if hours == 0:
            return "UTC"
        # POSIX-style Etc zones invert the sign: UTC+8 is Etc/GMT-8.
        return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    zones = _zones_by_lower()
    name = zones.get(lower) or zones.get(lower.replace(" ", "_"))
    if name:
        try:
            ZoneInfo(name)
        except ZoneInfoNotFoundError:
            return None
        return name
    return None


def describe_zone(name: str) -> str:
    """'Etc/GMT-8' reads backwards to people; show it as 'UTC+8'."""
    match = re.fullmatch(r"Etc/GMT([+-])(\d+)", name)
    if match:
        return f"UTC{'-' if match.group(1) == '+' else '+'}{match.group(2)}"
    return name


def next_delivery(now: datetime, at: time, zone: str) -> datetime:
    """The next instant at local wall-clock time ``at`` in ``zone`` strictly after ``now``.

    Days are stepped in local dates so daylight-saving changes keep the wall-clock
    time (a 08:00 briefing stays at 08:00 local); a time skipped by a spring-forward
    gap resolves per zoneinfo's fold rules.
    """
    tz = ZoneInfo(zone)
    local_now = now.astimezone(tz)
    day = local_now.date()
    for _ in range(3):
        candidate = datetime.combine(day, at, tzinfo=tz)
        if candidate > local_now:
            return candidate
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=tz)


def last_scheduled(now: datetime, at: time, zone: str) -> datetime:
    """The most recent instant at local time ``at`` in ``zone`` that is not after ``now``."""
    tz = ZoneInfo(zone)
    local_now = now.astimezone(tz)
    today = datetime.combine(local_now.date(), at, tzinfo=tz)
    if today <= local_now:
        return today
    return datetime.combine(local_now.date() - timedelta(days=1), at, tzinfo=tz)


def due_date(now: datetime, at: time, zone: str, grace: timedelta | None = None) -> date | None:
    """The local date whose briefing is due at ``now``, if any.

    Without ``grace``: today's, once today's delivery time has passed.  With it (the
    catch-up after downtime): the most recent scheduled briefing, today's or
    yesterday's, if it is not older than ``grace``.
    """
    scheduled = last_scheduled(now, at, zone)
    if grace is None:
        local_today = now.astimezone(ZoneInfo(zone)).date()
        return scheduled.date() if scheduled.date() == local_today else None
    return scheduled.date() if now - scheduled <= grace else None
