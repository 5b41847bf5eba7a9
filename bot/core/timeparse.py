"""Parsing what readers type for /time and /timezone, and the next delivery instant."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core.zonedata import (
    ABBREVIATIONS,
    AMBIGUOUS_ABBREVIATIONS,
    CITY_ZONES,
    FIXED_OFFSET_ZONES,
)
from digests import regexcache

_HHMM_RE = regexcache.compile(r"^(\d{1,2})\s*[:：.時点點]\s*(\d{2})\s*分?$")


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


# --- time of day, as people type it ----------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER = regexcache.compile(r"[零〇一二兩两三四五六七八九十]+")

# Words for the part of the day, and which half of the clock they put an hour in.
_MORNING = ("上午", "早上", "早晨", "清晨", "凌晨", "半夜", "午夜", "早", "am", "a.m.", "a.m")
_NOON = ("中午",)
_EVENING = (
    "下午",
    "午後",
    "午后",
    "傍晚",
    "晚上",
    "晚間",
    "晚间",
    "夜間",
    "夜间",
    "夜晚",
    "夜裡",
    "夜里",
    "晚",
    "pm",
    "p.m.",
    "p.m",
)
_PERIOD = regexcache.compile(
    "^(?P<pre>" + "|".join(map(re.escape, _MORNING + _NOON + _EVENING)) + ")?\\s*(?P<core>.+?)\\s*"
    "(?P<post>am|a\\.m\\.?|pm|p\\.m\\.?|上午|下午|晚上|早上)?$"
)
_CLOCK_FORMS = (
    re.compile(r"^(?P<h>\d{1,2})\s*[:.h]\s*(?P<m>\d{2})$"),  # 7:30, 07.30, 7h30
    re.compile(r"^(?P<h>\d{1,2})\s*[點点時时]\s*(?P<m>\d{1,2})\s*分?$"),  # 7點30分, 7點05
    re.compile(
        r"^(?P<h>\d{1,2})\s*[點点時时:]\s*(?P<half>半|1刻|3刻)$"
    ),  # 7點半, 7點一刻 (numerals already digits)
    re.compile(r"^(?P<h>\d{1,2})\s*(?:[點点時时]\s*(?:整|鐘|钟)?|o'?clock)?$"),  # 7點, 7, 7點整
    re.compile(r"^(?P<h>\d{2})(?P<m>\d{2})$"),  # 0730
    re.compile(r"^(?P<h>\d)(?P<m>\d{2})$"),  # 730
)
_HALVES = {"半": 30, "1刻": 15, "3刻": 45}


def _chinese_number(match: re.Match[str]) -> str:
    """七 -> 7, 十五 -> 15, 二十三 -> 23, 四十五 -> 45 (what a clock needs, 0-59)."""
    word = match.group(0)
    if "十" not in word:
        return "".join(str(_CN_DIGITS[c]) for c in word)
    tens, _, ones = word.partition("十")
    value = (_CN_DIGITS.get(tens[-1], 1) if tens else 1) * 10
    return str(value + (_CN_DIGITS.get(ones[0], 0) if ones else 0))


def parse_time(text: str) -> time | None:
    """A time of day as people write it -> time; None when it is not one.

    Accepts 24-hour forms (``07:30``, ``0730``, ``7.30``, ``19``), Chinese ones (``7點``,
    ``7點半``, ``下午3點``, ``晚上9點15分``, ``七點半``) and 12-hour ones (``3pm``,
    ``9:15 PM``, ``12am``).  A part of the day moves the hour into its half of the clock
    (下午3點 is 15:00, 晚上12點 is midnight, 中午1點 is 13:00); an hour that already
    says which half (下午15點) is kept; one that contradicts it (上午15點) is refused.
    """
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    folded = _CN_NUMBER.sub(_chinese_number, folded).replace("：", ":")
    match = _PERIOD.match(folded)
    if not match:
        return None
    core = match.group("core")
    periods = [p for p in (match.group("pre"), match.group("post")) if p]
    if len(periods) > 1:
        return None
    for form in _CLOCK_FORMS:
        clock = form.match(core)
        if clock:
            break
    else:
        return None
    parts = clock.groupdict()
    hour = int(parts["h"])
    minute = _HALVES[parts["half"]] if parts.get("half") else int(parts.get("m") or 0)
    if periods:
        hour = _apply_period(hour, periods[0])
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _apply_period(hour: int, period: str) -> int | None:
    if period in _NOON:
        return hour + 12 if 1 <= hour <= 5 else hour if hour in (11, 12) else None
    if period in _MORNING:
        if hour > 12:
            return None
        return 0 if hour == 12 else hour
    # Evening words: 12 at night is midnight, 12 p.m. is noon.
    if hour > 12:  # 下午15點 says it twice; 13pm is a typo
        return hour if hour <= 23 and not period.startswith("p") else None
    if hour == 12:
        return 12 if period.startswith("p") else 0
    return hour + 12


# --- time zones -----------------------------------------------------------------

NOTE_ABBREVIATION = "abbreviation"
"""An abbreviation read as a place's zone (EST -> America/New_York, with its DST)."""
NOTE_FIXED_OFFSET = "fixed_offset"
"""A bare offset (UTC+8): a fixed zone without daylight saving."""
NOTE_OFFSET_PLACE = "offset_place"
"""An offset no fixed zone has (UTC+5:30), read as the place that keeps it all year."""
REFUSED_AMBIGUOUS = "ambiguous"
"""An abbreviation several places use (CST, IST): refused, with suggestions."""


@dataclass(frozen=True)
class ZoneReading:
    """What a reader's time-zone text means: a zone, or why not, and what to say."""

    zone: str | None
    note: str | None = None
    given: str = ""
    """The abbreviation or offset as the reader wrote it, for the note."""
    suggestions: tuple[str, ...] = ()
    """Zones offered when the text was refused or not understood."""


_OFFSET_RE = regexcache.compile(
    r"^(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?:(?::|\.|h)?(?P<m>\d{2}))?$"
    r"|^(?:utc|gmt)(?P<bare>\d{1,2})$"
)
_EAST_WEST_RE = regexcache.compile(r"^(?P<side>[东西])(?P<h>\d{1,2})区$")
_SUFFIXES = ("标准时间", "时间", "时区", "standard time", "time zone", "timezone", "time", "市")
_UTC_WORDS = frozenset(
    {"utc", "gmt", "z", "zulu", "世界标准", "格林威治", "格林尼治", "协调世界时"}
)


def _name_key(text: str) -> str:
    # Imported when a zone is read, not when settings load: the folding pulls in OpenCC
    # and the segmenter, which a command such as `briefbot --help` never needs.
    from digests.normalize import name_key

    return name_key(text)


@cache
def _city_zones() -> dict[str, str]:
    """Folded city, country and IANA city names -> zone."""
    zones: dict[str, str] = {}
    for name in available_timezones():
        if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/")):
            zones.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").lower(), name)
    zones.update({_name_key(k): v for k, v in CITY_ZONES.items()})
    return zones


@cache
def _iana_names() -> dict[str, str]:
    """Full IANA names, case-folded, except the abbreviation-like legacy ones (EST, MST):
    those are fixed offsets that drift from the place's clock in summer."""
    return {
        n.lower(): n
        for n in available_timezones()
        if n.lower() not in ABBREVIATIONS and n not in ("Factory", "localtime")
    }


def _fold_zone(text: str) -> str:
    key = _name_key(unicodedata.normalize("NFKC", text).strip()).replace("−", "-")
    key = " ".join(key.split())
    for _ in range(2):
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)].strip()
    return key


def _offset_zone(sign: str, hours: int, minutes: int, given: str) -> ZoneReading | None:
    total = (hours * 60 + minutes) * (1 if sign == "+" else -1)
    if total == 0:
        return ZoneReading("UTC")
    if minutes:
        place = FIXED_OFFSET_ZONES.get(total)
        return ZoneReading(place, NOTE_OFFSET_PLACE, given) if place else None
    if not (-12 <= total // 60 <= 14):
        return None
    # POSIX-style Etc zones invert the sign: UTC+8 is Etc/GMT-8.
    return ZoneReading(f"Etc/GMT{'-' if sign == '+' else '+'}{hours}", NOTE_FIXED_OFFSET, given)


def read_timezone(text: str) -> ZoneReading:
    """A zone as people name it: a city or country (台北, Tokyo, 紐約, 台灣), the same with
    時間 (台北時間, Tokyo time), an IANA name, an offset (UTC+8, GMT+8, UTC+5:30, 東八區)
    or an abbreviation (EST, JST, HKT), which maps to the place's real zone so that the
    wall-clock time follows its daylight-saving changes.  Never a fixed offset for a
    place that has summer time: a bare offset is taken as asked and the note says so.
    """
    key = _fold_zone(_CN_NUMBER.sub(_chinese_number, text))
    if not key:
        return ZoneReading(None)
    given = unicodedata.normalize("NFKC", text).strip()
    if key in _UTC_WORDS:
        return ZoneReading("UTC")
    cities = _city_zones()
    if key in cities:
        return ZoneReading(cities[key])
    if key in ABBREVIATIONS:
        return ZoneReading(ABBREVIATIONS[key], NOTE_ABBREVIATION, given.upper())
    if key in AMBIGUOUS_ABBREVIATIONS:
        return ZoneReading(None, REFUSED_AMBIGUOUS, given.upper(), AMBIGUOUS_ABBREVIATIONS[key])
    offset = _OFFSET_RE.match(key.replace(" ", ""))
    if offset:
        if offset.group("bare"):
            found = _offset_zone("+", int(offset.group("bare")), 0, given)
        else:
            hours, minutes = int(offset.group("h")), int(offset.group("m") or 0)
            found = _offset_zone(offset.group("sign"), hours, minutes, given)
        return found or ZoneReading(None)
    east_west = _EAST_WEST_RE.match(key)
    if east_west:
        sign = "+" if east_west.group("side") == "东" else "-"
        return _offset_zone(sign, int(east_west.group("h")), 0, given) or ZoneReading(None)
    name = _iana_names().get(key) or _iana_names().get(key.replace(" ", "_"))
    if name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneReading(None)
        return ZoneReading(name)
    close = difflib.get_close_matches(key, list(cities), n=3, cutoff=0.75)
    return ZoneReading(None, suggestions=tuple(dict.fromkeys(cities[c] for c in close)))


def parse_timezone(text: str) -> str | None:
    """The zone ``text`` names, or None (see ``read_timezone`` for what is accepted)."""
    return read_timezone(text).zone


def describe_zone(name: str) -> str:
    """'Etc/GMT-8' reads backwards to people; show it as 'UTC+8'."""
    match = re.fullmatch(r"Etc/GMT([+-])(\d+)", name)
    if match:
        return f"UTC{'-' if match.group(1) == '+' else '+'}{match.group(2)}"
    return name


def utc_offset_text(zone: str, at: datetime) -> str:
    """'UTC+8', 'UTC-4', 'UTC+5:30': the zone's offset at instant ``at``."""
    offset = at.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def has_daylight_saving(zone: str, year: int) -> bool:
    """Whether the zone's offset changes during ``year``."""
    tz = ZoneInfo(zone)
    offsets = {datetime(year, month, 1, tzinfo=tz).utcoffset() for month in (1, 4, 7, 10)}
    return len(offsets) > 1


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
