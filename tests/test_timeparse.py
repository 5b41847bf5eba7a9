"""Times and zones as people type them (/time, /timezone), and how they are said back."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.timeparse import (
    NOTE_ABBREVIATION,
    NOTE_FIXED_OFFSET,
    NOTE_OFFSET_PLACE,
    REFUSED_AMBIGUOUS,
    next_delivery,
    parse_time,
    read_timezone,
)
from bot.messages.zones import when_text, zone_label


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("0730", time(7, 30)),
        ("730", time(7, 30)),
        ("７：３０", time(7, 30)),
        ("20.15", time(20, 15)),
        ("7h30", time(7, 30)),
        ("19", time(19, 0)),
        ("7點", time(7, 0)),
        ("7点", time(7, 0)),
        ("7點整", time(7, 0)),
        ("7點半", time(7, 30)),
        ("七點半", time(7, 30)),
        ("8點一刻", time(8, 15)),
        ("7點05分", time(7, 5)),
        ("早上7點", time(7, 0)),
        ("下午3點", time(15, 0)),
        ("下午三點", time(15, 0)),
        ("晚上9點15分", time(21, 15)),
        ("晚上九點十五分", time(21, 15)),
        ("晚上12點", time(0, 0)),
        ("凌晨2點", time(2, 0)),
        ("中午12點", time(12, 0)),
        ("中午1點", time(13, 0)),
        ("下午15點", time(15, 0)),
        ("3pm", time(15, 0)),
        ("3 PM", time(15, 0)),
        ("9:15 PM", time(21, 15)),
        ("9:15 p.m.", time(21, 15)),
        ("7 am", time(7, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
    ],
)
def test_times_people_type(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "abc", "25:00", "2400", "7:75", "上午15點", "13pm", "下午3點 pm", "明天"]
)
def test_not_a_time(typed: str) -> None:
    assert parse_time(typed) is None


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("台北", "Asia/Taipei"),
        ("台北時間", "Asia/Taipei"),
        ("台灣", "Asia/Taipei"),
        ("臺灣時間", "Asia/Taipei"),
        ("Tokyo", "Asia/Tokyo"),
        ("tokyo time", "Asia/Tokyo"),
        ("东京时间", "Asia/Tokyo"),
        ("紐約", "America/New_York"),
        ("New York", "America/New_York"),
        ("Asia/Taipei", "Asia/Taipei"),
        ("asia/hong_kong", "Asia/Hong_Kong"),
        ("Europe/London", "Europe/London"),
        ("UTC", "UTC"),
        ("UTC+0", "UTC"),
    ],
)
def test_places(typed: str, zone: str) -> None:
    reading = read_timezone(typed)
    assert (reading.zone, reading.note) == (zone, None)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("EST", "America/New_York"),
        ("est", "America/New_York"),
        ("EDT", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("JST", "Asia/Tokyo"),
        ("HKT", "Asia/Hong_Kong"),
        ("CET", "Europe/Paris"),
        ("BST", "Europe/London"),
        ("AEST", "Australia/Sydney"),
    ],
)
def test_abbreviations_are_places_with_their_summer_time(typed: str, zone: str) -> None:
    reading = read_timezone(typed)
    assert (reading.zone, reading.note, reading.given) == (zone, NOTE_ABBREVIATION, typed.upper())


def test_est_in_july_keeps_new_yorks_clock() -> None:
    """Never a fixed offset that drifts: 08:00 'EST' in July is 08:00 EDT (UTC-4)."""
    zone = read_timezone("EST").zone
    assert zone is not None
    july = next_delivery(datetime(2026, 7, 1, tzinfo=UTC), time(8), zone)
    january = next_delivery(datetime(2026, 1, 5, tzinfo=UTC), time(8), zone)
    assert july.astimezone(UTC).hour == 12 and january.astimezone(UTC).hour == 13


@pytest.mark.parametrize("typed", ["CST", "IST", "AST"])
def test_ambiguous_abbreviations_are_refused_with_suggestions(typed: str) -> None:
    reading = read_timezone(typed)
    assert reading.zone is None and reading.note == REFUSED_AMBIGUOUS
    assert len(reading.suggestions) >= 2


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("UTC+8", "Etc/GMT-8"),
        ("GMT+8", "Etc/GMT-8"),
        ("utc +8", "Etc/GMT-8"),
        ("+8", "Etc/GMT-8"),
        ("GMT8", "Etc/GMT-8"),
        ("UTC-5", "Etc/GMT+5"),
        ("東八區", "Etc/GMT-8"),
        ("UTC+14", "Etc/GMT-14"),
    ],
)
def test_bare_offsets_are_fixed_and_say_so(typed: str, zone: str) -> None:
    reading = read_timezone(typed)
    assert (reading.zone, reading.note) == (zone, NOTE_FIXED_OFFSET)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("UTC+5:30", "Asia/Kolkata"), ("GMT+0530", "Asia/Kolkata"), ("UTC+5:45", "Asia/Kathmandu")],
)
def test_half_hour_offsets_are_the_place_that_keeps_them(typed: str, zone: str) -> None:
    reading = read_timezone(typed)
    assert (reading.zone, reading.note) == (zone, NOTE_OFFSET_PLACE)
    offsets = {
        datetime(2026, m, 1, tzinfo=UTC).astimezone(ZoneInfo(zone)).utcoffset() for m in (1, 7)
    }
    assert len(offsets) == 1  # the same all year


@pytest.mark.parametrize("typed", ["Mars/Base", "UTC+15", "UTC+5:17", "", "EST5"])
def test_unknown_zones(typed: str) -> None:
    assert read_timezone(typed).zone is None


def test_a_near_miss_gets_a_suggestion() -> None:
    assert read_timezone("Tokio").suggestions == ("Asia/Tokyo",)


def test_zone_labels_are_friendly_and_say_the_offset() -> None:
    winter = datetime(2026, 1, 15, tzinfo=UTC)
    summer = datetime(2026, 7, 15, tzinfo=UTC)
    assert zone_label("Asia/Taipei", "zh-TW", winter) == "台北時間 (UTC+8)"
    assert zone_label("Asia/Taipei", "en", winter) == "Taipei time (UTC+8)"
    assert zone_label("America/New_York", "zh-TW", winter) == "紐約時間 (UTC-5)"
    assert zone_label("America/New_York", "zh-TW", summer) == "紐約時間 (UTC-4)"
    assert zone_label("Asia/Kolkata", "en", winter) == "Kolkata time (UTC+5:30)"
    assert zone_label("Etc/GMT-8", "zh-TW", winter) == "UTC+8"
    assert zone_label("Europe/Lisbon", "zh-TW", winter) == "Lisbon (UTC+0)"


def test_next_delivery_in_words() -> None:
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Taipei
    tz = ZoneInfo("Asia/Taipei")
    assert when_text(datetime(2026, 3, 2, 18, 0, tzinfo=tz), "zh-TW", now) == "今天 18:00"
    assert when_text(datetime(2026, 3, 3, 8, 0, tzinfo=tz), "zh-TW", now) == "明天 08:00"
    assert when_text(datetime(2026, 3, 5, 8, 0, tzinfo=tz), "zh-TW", now) == "3月5日（四）08:00"
    assert when_text(datetime(2026, 3, 3, 8, 0, tzinfo=tz), "en", now) == "tomorrow 08:00"
