"""Alerts and the briefing's follow section against the loopback Bot API, on a test clock.

Every sweep and pass is given its instant, so the hourly cap, quiet hours and weekday
schedules are checked across hours, weekends and a daylight-saving change without
waiting for any of them.
"""

from __future__ import annotations

import asyncio
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.alerts import AlertSender, in_quiet_hours
from bot.loopback import LoopbackBotAPI
from bot.messages.render import article_command
from store import alerts, chats, open_db
from tests.delivery_harness import loopback_deliverer, loopback_settings
from tests.follow_fixtures import (
    COMPANY_TEXT,
    KEYWORD_TEXT,
    NOON,
    TSMC,
    add_article,
    add_chat,
)

PLAIN_TEXT = "央行理監事會決議維持利率不變,並表示將持續觀察通膨走勢與房市信用管制成效。"


@pytest.fixture
def db_path(store_copy: Path) -> Path:
    return store_copy


async def _run(api, db_path, now, per_hour, what):  # type: ignore[no-untyped-def]
    settings = loopback_settings(api, db_path, BRIEFBOT_ALERTS_PER_HOUR=str(per_hour))
    async with loopback_deliverer(api, db_path, settings=settings) as deliverer:
        if what == "sweep":
            return await AlertSender(deliverer, clock=lambda: now).sweep()
        return await deliverer.deliver_pass(now)


def sweep(api, db_path, now, per_hour=6):  # type: ignore[no-untyped-def]
    return asyncio.run(_run(api, db_path, now, per_hour, "sweep"))


def deliver(api, db_path, now):  # type: ignore[no-untyped-def]
    return asyncio.run(_run(api, db_path, now, 6, "deliver"))


def sent_texts(api: LoopbackBotAPI, chat_id: int) -> list[str]:
    """Messages sent, Chinese full-width punctuation folded (：， → :,) for plain assertions."""
    return [
        unicodedata.normalize("NFKC", c.params["text"])
        for c in api.calls_of("sendMessage", chat_id)
        if c.ok
    ]


def test_alerts_exactly_once_with_sentence_and_button(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    add_chat(db, api, 21)
    add_chat(db, api, 22, alerts_on=False)
    db.close()
    assert sweep(api, db_path, NOON).matched == 0  # the first sweep: stored articles are history
    db = open_db(db_path)
    company_id = add_article(db, 1, COMPANY_TEXT)
    keyword_id = add_article(db, 2, KEYWORD_TEXT)
    add_article(db, 3, PLAIN_TEXT)
    db.close()
    result = sweep(api, db_path, NOON)
    assert (result.matched, result.sent) == (2, 2)
    calls = [c for c in api.calls_of("sendMessage", 21) if c.ok]
    first, second = (c.params["text"] for c in calls)
    assert TSMC in first and "測試新聞第1則" in first and "擴大先進封裝產能" in first
    assert "矽光子" in second and "試產訂單" in second
    markup = calls[0].params["reply_markup"]["inline_keyboard"]
    assert markup[0][0]["callback_data"] == f"fa:{company_id}"
    assert calls[1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
        f"fa:{keyword_id}"
    )
    assert not api.calls_of("sendMessage", 22)  # alerts off
    assert sweep(api, db_path, NOON + timedelta(minutes=1)).sent == 0  # never twice
    assert len(sent_texts(api, 21)) == 2


def test_hourly_cap_folds_the_rest_into_one_note(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    add_chat(db, api, 31)
    db.close()
    sweep(api, db_path, NOON)
    db = open_db(db_path)
    for n in range(5):
        add_article(db, 10 + n, COMPANY_TEXT + f"第{n}次報導。")
    db.close()
    result = sweep(api, db_path, NOON, per_hour=3)
    assert (result.sent, result.folded) == (3, 3)  # two alerts and the note
    texts = sent_texts(api, 31)
    assert len(texts) == 3 and "還有 3 篇" in texts[-1]
    db = open_db(db_path)
    add_article(db, 20, COMPANY_TEXT + "再度報導。")
    db.close()
    later = sweep(api, db_path, NOON + timedelta(minutes=20), per_hour=3)
    assert (later.sent, later.folded) == (0, 1)  # no allowance left: left to the briefing
    db = open_db(db_path)
    add_article(db, 21, COMPANY_TEXT + "第三度報導。")
    db.close()
    assert sweep(api, db_path, NOON + timedelta(minutes=61), per_hour=3).sent == 1
    db = open_db(db_path)
    assert alerts.counts(db) == {"sent": 4, "folded": 4}
    db.close()


def test_quiet_hours_hold_alerts_until_they_end(api: LoopbackBotAPI, db_path: Path) -> None:
    late = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)  # 23:00 in Taipei
    assert in_quiet_hours("22:00-07:00", "Asia/Taipei", late)
    assert not in_quiet_hours("22:00-07:00", "Asia/Taipei", late + timedelta(hours=8, minutes=30))
    assert in_quiet_hours("12:00-13:00", "Asia/Taipei", NOON)
    db = open_db(db_path)
    add_chat(db, api, 41, quiet="22:00-07:00")
    db.close()
    sweep(api, db_path, late)
    db = open_db(db_path)
    add_article(db, 30, COMPANY_TEXT)
    db.close()
    assert sweep(api, db_path, late).held == 1
    assert sweep(api, db_path, late + timedelta(hours=7)).held == 1  # 06:00
    assert not api.calls_of("sendMessage", 41)
    assert sweep(api, db_path, late + timedelta(hours=8, minutes=5)).sent == 1  # 07:05
    assert len(sent_texts(api, 41)) == 1


def test_briefing_opens_with_follows_marks_alerted_and_never_repeats(
    api: LoopbackBotAPI, db_path: Path
) -> None:
    db = open_db(db_path)
    add_chat(db, api, 51)
    db.close()
    sweep(api, db_path, NOON - timedelta(days=1))
    db = open_db(db_path)
    company_id = add_article(db, 60, COMPANY_TEXT)
    keyword_id = add_article(db, 61, KEYWORD_TEXT)
    db.close()
    sweep(api, db_path, NOON - timedelta(days=1))  # both alerted
    db = open_db(db_path)
    fresh_id = add_article(db, 62, COMPANY_TEXT + "這是隔天的新消息。")
    db.close()
    result = deliver(api, db_path, NOON)
    assert result.sent == 1
    briefing = "\n".join(sent_texts(api, 51)[2:])
    assert briefing.startswith("<b>🔔 你追蹤的公司與關鍵字</b>")
    for article_id in (company_id, keyword_id, fresh_id):
        assert briefing.count(f"{article_command(article_id)}\n") == 1, article_id
    follow_part = briefing.split("\n\n<b>📰")[0]
    fresh, keyword = article_command(fresh_id), article_command(keyword_id)
    assert follow_part.index(fresh) < follow_part.index(keyword)
    assert follow_part.count("已即時提醒") == 2  # the two alerted articles, marked
    # The sentence naming the company, not only the article's summary.
    assert "台積電</b>:台積電(2330)今日宣布擴大先進封裝產能" in follow_part
    assert deliver(api, db_path, NOON + timedelta(days=1)).sent == 1
    next_day = sent_texts(api, 51)[-1]
    assert "你追蹤的公司與關鍵字" not in next_day  # nothing new on the follows


def test_weekdays_skip_the_local_weekend_across_dst(api: LoopbackBotAPI, db_path: Path) -> None:
    """New York springs forward on Sunday 2025-03-09: 08:00 local is 13:00 UTC before, 12:00 after."""
    db = open_db(db_path)
    add_chat(db, api, 71, days="weekdays", timezone="America/New_York")
    add_chat(db, api, 72, timezone="America/New_York")
    chats.set_brief_time(db, 71, "08:00")
    chats.set_brief_time(db, 72, "08:00")
    db.close()
    friday = datetime(2025, 3, 7, 13, 30, tzinfo=UTC)  # 08:30 EST
    saturday = datetime(2025, 3, 8, 13, 30, tzinfo=UTC)
    sunday = datetime(2025, 3, 9, 12, 30, tzinfo=UTC)  # 08:30 EDT
    monday = datetime(2025, 3, 10, 12, 30, tzinfo=UTC)
    for when in (friday, saturday, sunday, monday):
        deliver(api, db_path, when)
    db = open_db(db_path)
    dates = {
        chat: sorted(
            r["local_date"]
            for r in db.query("SELECT local_date FROM deliveries WHERE chat_id = ?", [chat])
        )
        for chat in (71, 72)
    }
    db.close()
    assert dates[71] == ["2025-03-07", "2025-03-10"]  # Friday, then Monday
    assert dates[72] == ["2025-03-07", "2025-03-08", "2025-03-09", "2025-03-10"]
    assert sent_texts(api, 71)
