"""Jobs on the JobQueue, the start-up catch-up, feed polling, replies during broadcasts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.feeds import poll_all_feeds
from bot.loopback import FakeChat, FakeUser
from store import chats, open_db
from store.feeds import add_feed, list_feeds
from tests.bot_harness import BotHarness, texts
from tests.conftest import FIXTURES

ANN = FakeUser(id=701, first_name="Ann", language_code="zh-hant")
ANN_CHAT = FakeChat(id=701)
OPERATOR = FakeUser(id=909, first_name="Op", language_code="zh-hant")


@pytest.fixture
def db_path(store_copy: Path) -> Path:
    return store_copy


@pytest.fixture
def bot(db_path: Path) -> Iterator[BotHarness]:
    with BotHarness(db_path, admins=[OPERATOR.id]) as harness:
        yield harness


def _job(bot: BotHarness, chat_id: int):  # type: ignore[no-untyped-def]
    async def find():  # type: ignore[no-untyped-def]
        return [
            (job.next_t, job.job.trigger)
            for job in bot.app.job_queue.get_jobs_by_name(f"brief:{chat_id}")
        ]

    return bot._run(find())


def test_jobs_follow_the_chat_settings(bot: BotHarness) -> None:
    bot.send(ANN_CHAT, ANN, "/start")
    [(next_t, _)] = _job(bot, ANN_CHAT.id)
    local = next_t.astimezone(ZoneInfo("Asia/Taipei"))
    assert (local.hour, local.minute) == (8, 0)
    bot.send(ANN_CHAT, ANN, "/time 07:15")
    [(next_t, _)] = _job(bot, ANN_CHAT.id)
    assert next_t.astimezone(ZoneInfo("Asia/Taipei")).strftime("%H:%M") == "07:15"
    bot.send(ANN_CHAT, ANN, "/timezone 紐約")
    [(next_t, trigger)] = _job(bot, ANN_CHAT.id)
    assert str(trigger.timezone) == "America/New_York"
    assert next_t.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "07:15"
    bot.send(ANN_CHAT, ANN, "/pause")
    assert _job(bot, ANN_CHAT.id) == []
    bot.send(ANN_CHAT, ANN, "/resume")
    assert len(_job(bot, ANN_CHAT.id)) == 1


def _due_an_hour_ago(db_path: Path, chat_id: int) -> None:
    local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Taipei")) - timedelta(hours=1)
    db = open_db(db_path)
    chats.register_chat(db, chat_id, "private", None)
    chats.enrol(db, chat_id)
    chats.set_brief_time(db, chat_id, local.strftime("%H:%M"))
    db.close()


def test_jobs_rebuilt_and_missed_briefing_caught_up_once(db_path: Path) -> None:
    _due_an_hour_ago(db_path, ANN_CHAT.id)
    with BotHarness(db_path, env={"BRIEFBOT_GRACE_HOURS": "6"}) as bot:
        bot.api.add_chat(ANN_CHAT, ANN)
        assert len(_job(bot, ANN_CHAT.id)) == 1  # rebuilt from the database
        bot.api.wait_for("sendMessage", chat_id=ANN_CHAT.id, timeout=15)
        time.sleep(0.5)
        first = [c for c in bot.api.calls_of("sendMessage", ANN_CHAT.id) if c.ok]
        assert first and "最新簡報" in first[0].params["text"]
    with BotHarness(db_path, env={"BRIEFBOT_GRACE_HOURS": "6"}) as bot:
        bot.api.add_chat(ANN_CHAT, ANN)
        time.sleep(2.5)  # the catch-up runs a second after start
        assert not bot.api.calls_of("sendMessage", ANN_CHAT.id)


def test_no_catch_up_outside_the_grace_window(db_path: Path) -> None:
    _due_an_hour_ago(db_path, ANN_CHAT.id)
    with BotHarness(db_path, env={"BRIEFBOT_GRACE_HOURS": "0.5"}) as bot:
        bot.api.add_chat(ANN_CHAT, ANN)
        time.sleep(2.5)
        assert not bot.api.calls_of("sendMessage", ANN_CHAT.id)


def test_broadcast_never_starves_interactive_replies(db_path: Path) -> None:
    db = open_db(db_path)
    local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Taipei")) - timedelta(minutes=30)
    for i in range(12):
        chats.register_chat(db, 8000 + i, "private", None)
        chats.enrol(db, 8000 + i)
        chats.set_brief_time(db, 8000 + i, local.strftime("%H:%M"))
    db.close()
    with BotHarness(db_path, env={"BRIEFBOT_GRACE_HOURS": "6", "BRIEFBOT_SEND_RATE": "4"}) as bot:
        for i in range(12):
            bot.api.add_chat(FakeChat(id=8000 + i), FakeUser(id=8000 + i))
        bot.api.wait_for("sendMessage", chat_id=8000, timeout=15)  # the broadcast is under way
        asked = time.monotonic()
        bot.api.send_message(ANN_CHAT, ANN, "/help")
        [reply] = bot.api.wait_for("sendMessage", chat_id=ANN_CHAT.id, timeout=10)
        answered = time.monotonic() - asked
        assert reply.ok and "指令" in reply.params["text"]
        assert answered < 1.0  # not queued behind the remaining ~2.5 s of broadcast
        still_broadcasting = len([c for c in bot.api.calls_of("sendMessage") if c.chat_id >= 8000])
        assert still_broadcasting < 12


# --- feeds -----------------------------------------------------------------------


def test_feed_polling_conditional_get_and_isolated_failures(db_path: Path, http_server) -> None:
    rss = (FIXTURES / "feeds" / "rss.xml").read_bytes()
    seen_headers: list[dict[str, str]] = []

    def feed(headers: dict[str, str]):  # type: ignore[no-untyped-def]
        seen_headers.append(headers)
        if headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, rss

    http_server.routes["/feed.xml"] = feed
    db = open_db(db_path)
    add_feed(db, http_server.url("/missing.xml"), origin="env")
    add_feed(db, http_server.url("/feed.xml"), origin="operator")
    db.close()
    first = poll_all_feeds(str(db_path))
    assert "error: HTTP 404" in first[0]
    assert first[1].endswith("3 new, 0 updated, 0 unchanged")
    second = poll_all_feeds(str(db_path))
    assert second[1].endswith("not modified")
    assert seen_headers[-1].get("If-None-Match") == '"v1"'
    db = open_db(db_path)
    broken, good = list_feeds(db)
    assert broken.last_error and not broken.last_success
    assert good.last_success and good.last_error is None and good.articles == 3
    db.close()


def test_feeds_command(bot: BotHarness) -> None:
    op = FakeChat(id=OPERATOR.id)
    assert "沒有訂閱來源" in texts(bot.send(op, OPERATOR, "/feeds"))[0]
    assert "已加入" in texts(bot.send(op, OPERATOR, "/feeds add https://example.com/rss"))[0]
    assert "已經在" in texts(bot.send(op, OPERATOR, "/feeds add https://example.com/rss"))[0]
    listing = texts(bot.send(op, OPERATOR, "/feeds"))[0]
    assert "1. https://example.com/rss" in listing
    assert "沒有第 9 個訂閱來源" in texts(bot.send(op, OPERATOR, "/feeds remove 9"))[0]
    assert "已移除" in texts(bot.send(op, OPERATOR, "/feeds remove 1"))[0]
    assert "營運者" in texts(bot.send(ANN_CHAT, ANN, "/feeds"))[0]
