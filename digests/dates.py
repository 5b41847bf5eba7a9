"""Publication dates in the forms pages, bylines and feeds print them, always zone-aware.

Machine values (ISO 8601, RFC 822 from feeds and ``<meta>`` tags) and the dates people
write (``2025-03-14``, ``2025/03/14 10:30``, ``2025年3月14日 上午10:30``, ``Mar 14, 2025``,
``14 March 2025``, ``星期三, 24 12 月, 2025``, ROC years ``114/03/14``) all become aware
datetimes.  A value without a zone is Taiwan time: the outlets this bot reads publish in it,
and guessing UTC would move an evening article to the next morning.

Ambiguity is refused rather than guessed: ``03/04/2025`` could be March or April, so it
gives no date, and a month without a day (``2025年12月``) is not a publication date either.
A wrong date shown as "published on" misleads more than no date.
"""

from __future__ import annotations

import functools
import re
import time
import warnings
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from digests import regexcache

TAIPEI = ZoneInfo("Asia/Taipei")
"""The zone of a date written without one."""

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100
ROC_OFFSET = 1911
"""Minguo (ROC) years: 114 is 2025."""

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_MONTH_NAME = r"(?<![A-Za-z])(?P<mname>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = (
    r"(?:\s*(?:[(（](?:星期|週|周|禮拜|礼拜)?[一二三四五六日天][)）]"
    r"|(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]))?"
)
"""A weekday after the date: 週一, 星期三, （六）, (週五)."""
_ENGLISH_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:\s*,?\s*(?:T|at\s+)?\s*(?P<half>上午|下午|早上|中午|晚上|凌晨)?\s*"
    r"(?P<hour>\d{1,2})\s*[:：]\s*(?P<minute>\d{2})(?:\s*[:：]\s*(?P<second>\d{2}))?(?:\.\d+)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?P<zone>Z(?![A-Za-z])|(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|\+\d{2}:?\d{2}"
    r"|(?:GMT|UTC)(?![A-Za-z]))?)?"
)
"""An optional time after a date: 10:30, 上午10:30, 10:30 PM, 10:30:00+08:00, 14:05 GMT+8.
A bare negative offset is not read as a zone: 10:30-12:00 is more often a time range."""

_DATE_FORMS = (
    # 2025-03-14, 2025/3/14, 2025.03.14, 2025年3月14日, 2025 年 3 月 14 日
    r"(?<![\d.])(?P<year>\d{4})\s*(?P<sep>[-/.年])\s*(?P<month>\d{1,2})\s*[-/.月]\s*"
    r"(?P<day>\d{1,2})(?:\s*日)?(?![\d.])",
    # ROC years: 民國114年3月14日, 114/03/14, 114.3.14
    r"(?<![\d.])(?:民國|民国)?\s*(?P<roc>1[0-4]\d|[89]\d(?=\s*年))\s*[/.年]\s*"
    r"(?P<month>\d{1,2})\s*[/.月]\s*(?P<day>\d{1,2})(?:\s*日)?(?![\d.])",
    # WordPress themes' "j n 月, Y": 24 12 月, 2025
    r"(?<![\d.])(?P<day>\d{1,2})\s+(?P<month>\d{1,2})\s*月\s*,?\s*(?P<year>\d{4})(?!\d)",
    # Mar 14, 2025 / March 14th 2025 / Fri, Mar 14, 2025
    _ENGLISH_WEEKDAY
    + _MONTH_NAME
    + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})(?!\d)",
    # 14 Mar 2025 / 14 March, 2025
    r"(?<![\d.])"
    + _ENGLISH_WEEKDAY
    + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+"
    + _MONTH_NAME
    + r",?\s+(?P<year>\d{4})(?!\d)",
    # 14/03/2025 or 03/14/2025: only when the day is unmistakable (over 12)
    r"(?<![\d.])(?P<first>\d{1,2})\s*(?P<dsep>[-/.])\s*(?P<second_n>\d{1,2})\s*(?P=dsep)\s*"
    r"(?P<year>\d{4})(?!\d)",
)
"""The written date forms (the first one in a line wins, whichever form it has)."""


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on first use: a reader that never meets a date line never pays for them
    (5.6 ms in a fresh process; from the kept engine code of :mod:`digests.regexcache`
    after the first run)."""
    return tuple(regexcache.compile(p + _WEEKDAY + _TIME, re.IGNORECASE) for p in _DATE_FORMS)


_ISO_DATE = regexcache.compile(r"^\s*\d{4}-\d{2}-\d{2}")
_RFC822 = regexcache.compile(
    r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"\s*(?:[+-]\d{4}|[A-Za-z]{1,5})?$"
)
"""Feeds' dates (Fri, 14 Mar 2025 10:30:00 +0800), named zones (EST, GMT) included."""


def parse_datetime(value: str | None, zone: tzinfo = TAIPEI) -> datetime | None:
    """A machine or written date in ``value`` (the whole value); ``zone`` when it gives none.

    ISO 8601 and RFC 822 first (``<meta>``, JSON-LD, feeds), then written forms.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None = None
    if _ISO_DATE.match(text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00", 1))
        except ValueError:
            parsed = None
    if parsed is None and _RFC822.match(text) and not re.search(r"[AaPp]\.?[Mm]\.?$", text):
        from email.utils import parsedate_to_datetime  # imported when needed: start-up time

        try:
            parsed = parsedate_to_datetime(text)  # RFC 822: Fri, 14 Mar 2025 10:30:00 +0800
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        return find_date(text, zone)
    return _checked(parsed if parsed.tzinfo else parsed.replace(tzinfo=zone))


def find_date(text: str, zone: tzinfo = TAIPEI) -> datetime | None:
    """The publication date (with its time when given) written in ``text``: the earliest
    full date there.

    For byline and date lines: ``記者王小明／台北 2025/03/14 10:30``, ``Posted on March 14,
    2025 by Ann``, ``發布於 2026年3月9日``.  A line holding two dates pairs publication with an
    update (``2026/11/12 18:05（最後更新 2026/11/13 08:00）``, ``更新 … ｜ 發布 …``), in
    either order: an article is updated after it is published, so the earliest is the
    publication.  None when no unambiguous full date is there.
    """
    found = all_dates(text, zone)
    return min(found) if found else None


def all_dates(text: str, zone: tzinfo = TAIPEI) -> list[datetime]:
    """Every unambiguous full date written in ``text``, in the order written (one per
    place: the form that reads the longest span there wins)."""
    spans: list[tuple[int, int, datetime]] = []
    for pattern in _patterns():
        for match in pattern.finditer(text):
            when = _from_match(match, zone)
            if when is not None:
                spans.append((match.start(), -match.end(), when))
    kept: list[tuple[int, datetime]] = []
    end = -1
    for start, neg_end, when in sorted(spans, key=lambda s: (s[0], s[1])):
        if start >= end:
            kept.append((start, when))
            end = -neg_end
    return [when for _, when in kept]


def _from_match(match: re.Match[str], zone: tzinfo) -> datetime | None:
    parts = match.groupdict()
    year = int(parts["roc"]) + ROC_OFFSET if parts.get("roc") else int(parts["year"])
    if parts.get("mname"):
        month = _MONTHS[parts["mname"][:3].lower()]
    elif parts.get("first"):
        first, second = int(parts["first"]), int(parts["second_n"])
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            day, month = second, first
        else:
            return None  # 03/04/2025: March or April?
        parts = {**parts, "day": str(day)}
    else:
        month = int(parts["month"])
    if parts.get("sep") == "年" and not re.search(r"\d\s*日|月\s*\d", match.group(0)):
        return None  # 2025年1-3月 is a quarter, not 3 January
    hour, minute, second_value = _clock(parts)
    try:
        local = datetime(year, month, int(parts["day"]), hour, minute, second_value)
    except (TypeError, ValueError):
        return None
    return _checked(local.replace(tzinfo=_zone(parts.get("zone"), zone)))


def _clock(parts: dict[str, str | None]) -> tuple[int, int, int]:
    if parts.get("hour") is None:
        return 0, 0, 0
    hour = int(parts["hour"] or 0)
    minute = int(parts["minute"] or 0)
    second = int(parts["second"] or 0)
    half = (parts.get("half") or "").strip()
    ampm = (parts.get("ampm") or "").lower().replace(".", "")
    afternoon = half in ("下午", "晚上") or ampm == "pm"
    if afternoon and hour < 12:
        hour += 12
    elif (ampm == "am" or half in ("上午", "早上", "凌晨")) and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return 0, 0, 0
    return hour, minute, second


def _zone(value: str | None, default: tzinfo) -> tzinfo:
    if not value:
        return default
    text = value.strip().upper().replace(" ", "")
    if text in ("Z", "GMT", "UTC"):
        return UTC
    match = re.search(r"([+-])(\d{1,2}):?(\d{2})?$", text)
    if not match:
        return default
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return default
    sign = 1 if match.group(1) == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _checked(value: datetime) -> datetime | None:
    """Only years a publication date can have (a figure such as 1100/12/31 is not one)."""
    return value if EARLIEST_YEAR <= value.year <= LATEST_YEAR else None


def parse_loose(value: str | None, zone: tzinfo = TAIPEI) -> datetime | None:
    """Last resort for machine values in odd shapes (``2025-03-14 10:30:00.0``): dateutil,
    but only over a value holding a full date, since dateutil fills a missing day or month
    from today."""
    exact = parse_datetime(value, zone)
    if exact is not None or not value or len(re.findall(r"\d+", value)) < 3:
        return exact
    from dateutil import parser as dateutil_parser  # imported when needed: start-up time

    try:
        with warnings.catch_warnings():
            # An unknown zone name (CET) leaves the time naive: taken as Taiwan time below.
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            parsed = dateutil_parser.parse(value.strip())
    except (ValueError, OverflowError, TypeError):
        return None
    return _checked(parsed if parsed.tzinfo else parsed.replace(tzinfo=zone))


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser normalises dates to UTC struct_time."""
    if value is None:
        return None
    try:
        return _checked(datetime(*value[:6], tzinfo=UTC))
    except (TypeError, ValueError):
        return None


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def local_date(value: str | None, zone: tzinfo | None = None) -> str:
    """``YYYY-MM-DD`` of a stored ISO timestamp: in ``zone`` when given, else in the
    timestamp's own zone (a publication date is the publisher's local date); a naive value
    is UTC, as the store writes its own timestamps."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value[:10]
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if zone is not None:
        parsed = parsed.astimezone(zone)
    return parsed.date().isoformat()
