"""Scheduled delivery: ledger, exactly-once, faults, time zones, the deliver command."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest

from bot.core.timeparse import due_date, next_delivery
from bot.delivery.pacing import Pacer
from bot.loopback import FakeChat, FakeUser, LoopbackBotAPI
from bot.messages import views
from store import chats, deliveries, open_db
from tests.conftest import ROOT
from tests.delivery_harness import loopback_deliverer, loopback_settings, short_sleep

MORNING = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)  # 09:30 in Taipei, after 08:00


@pytest.fixture
def db_path(store_copy: Path) -> Path:
    return store_copy


def _chat(db, api: LoopbackBotAPI, chat_id: int, topics=(), kind: str = "private", **settings):  # type: ignore[no-untyped-def]
    chats.register_chat(db, chat_id, kind, f"chat {chat_id}")
    chats.enrol(db, chat_id)  # as /start does
    for topic in topics:
        chats.subscribe(db, chat_id, topic)
    if "brief_time" in settings:
        chats.set_brief_time(db, chat_id, settings["brief_time"])
    if "timezone" in settings:
        chats.set_timezone(db, chat_id, settings["timezone"])
    api.add_chat(
        FakeChat(id=chat_id, type=kind, title=None if kind == "private" else "g"),
        FakeUser(id=abs(chat_id)),
    )


async def _pass(api: LoopbackBotAPI, db_path: Path, now: datetime, grace=None, sleep=None):  # type: ignore[no-untyped-def]
    async with loopback_deliverer(api, db_path, sleep=sleep or short_sleep) as deliverer:
        return await deliverer.deliver_pass(now, grace)


def deliver(api, db_path, now, grace=None, sleep=None):  # type: ignore[no-untyped-def]
    return asyncio.run(_pass(api, db_path, now, grace, sleep))


# --- time zones ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # New York springs forward on 2025-03-09: 08:00 local moves from 13:00 to 12:00 UTC.
        (
            "America/New_York",
            datetime(2025, 3, 8, 14, tzinfo=UTC),
            datetime(2025, 3, 9, 12, tzinfo=UTC),
        ),
        # London falls back on 2025-10-26: 08:00 local moves from 07:00 to 08:00 UTC.
        (
            "Europe/London",
            datetime(2025, 10, 25, 9, tzinfo=UTC),
            datetime(2025, 10, 26, 8, tzinfo=UTC),
        ),
    ],
)
def test_next_delivery_keeps_wall_clock_across_dst(
    zone: str, before: datetime, after: datetime
) -> None:
    assert next_delivery(before, clock(8, 0), zone) == after
    assert next_delivery(before, clock(8, 0), zone).astimezone(UTC) == after


def test_jobqueue_trigger_follows_dst() -> None:
    """The daily job's cron trigger fires at 08:00 local on both sides of the change."""
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger

    zone = ZoneInfo("America/New_York")
    trigger = CronTrigger(hour=8, minute=0, second=0, timezone=zone)
    first = trigger.get_next_fire_time(None, datetime(2025, 3, 8, 7, tzinfo=zone))
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert (first.hour, second.hour) == (8, 8)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=23)  # 23-hour day


def test_due_date_rules() -> None:
    at = clock(8, 0)
    assert due_date(datetime(2025, 6, 2, 1, tzinfo=UTC), at, "Asia/Taipei") == date(2025, 6, 2)
    assert due_date(datetime(2025, 6, 1, 23, tzinfo=UTC), at, "Asia/Taipei") is None  # 07:00
    # Catch-up: yesterday's 23:00 briefing is still due at 01:00 within a 6-hour grace…
    late = datetime(2025, 6, 1, 17, tzinfo=UTC)  # 01:00 on 2 June in Taipei
    assert due_date(late, clock(23, 0), "Asia/Taipei", timedelta(hours=6)) == date(2025, 6, 1)
    # …but not after it.
    assert (
        due_date(late + timedelta(hours=6), clock(23, 0), "Asia/Taipei", timedelta(hours=6)) is None
    )


# --- the ledger ------------------------------------------------------------------


def test_exactly_once_and_no_repeated_articles(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    _chat(db, api, 11, topics=("finance",))
    _chat(db, api, 12)  # no topics: every topic
    db.close()
    first = deliver(api, db_path, MORNING)
    assert (first.sent, first.failed) == (2, 0)
    again = deliver(api, db_path, MORNING + timedelta(minutes=5))
    assert (again.sent, again.skipped) == (0, 2)
    assert len(api.calls_of("sendMessage", chat_id=11)) == 1
    db = open_db(db_path)
    first_day = deliveries.get_delivery(db, 12, "2025-06-02").article_ids
    assert len(first_day) == 8  # BRIEFBOT_BRIEF_MAX, newest first
    db.close()
    # The next day carries only what the chat has not received yet.
    next_day = deliver(api, db_path, MORNING + timedelta(days=1))
    assert (next_day.sent, next_day.empty) == (1, 1)  # chat 12 gets the rest; 11 has nothing new
    db = open_db(db_path)
    second_day = deliveries.get_delivery(db, 12, "2025-06-03").article_ids
    assert second_day and not set(second_day) & set(first_day)
    assert deliveries.get_delivery(db, 11, "2025-06-03").status == deliveries.EMPTY
    db.close()
    third_day = deliver(api, db_path, MORNING + timedelta(days=2))
    assert (third_day.sent, third_day.empty) == (0, 2)


def test_not_due_before_the_chosen_time(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    _chat(db, api, 21, brief_time="18:30")
    _chat(db, api, 22, timezone="America/New_York")  # 08:00 there is 12:00 UTC in June
    db.close()
    early = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)  # 18:00 in Taipei, 06:00 in New York
    result = deliver(api, db_path, early)
    assert (result.sent, result.skipped) == (0, 2)
    assert deliver(api, db_path, datetime(2025, 6, 2, 12, 1, tzinfo=UTC)).sent == 2


def test_paused_chats_get_nothing(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    _chat(db, api, 31)
    chats.set_paused(db, 31, True)
    db.close()
    assert deliver(api, db_path, MORNING).sent == 0
    assert not api.calls_of("sendMessage")


def test_long_briefing_is_split_and_counts_once(
    api: LoopbackBotAPI, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Briefings are one line per article: a small message budget makes this one several.
    monkeypatch.setattr(views, "BRIEF_PIECE_LIMIT", 300)
    db = open_db(db_path)
    _chat(db, api, 41)
    db.close()
    env = os.environ.copy()
    settings_max = 40
    os.environ["BRIEFBOT_BRIEF_MAX"] = str(settings_max)
    try:
        result = deliver(api, db_path, MORNING)
    finally:
        os.environ.clear()
        os.environ.update(env)
    assert result.sent == 1
    db = open_db(db_path)
    delivery = deliveries.get_delivery(db, 41, "2025-06-02")
    assert delivery.status == deliveries.SENT
    assert len(delivery.pieces) >= 2
    assert len(delivery.message_ids) == len(delivery.pieces) == len(api.calls_of("sendMessage", 41))


# --- Telegram faults -------------------------------------------------------------


def test_retry_after_is_honoured_and_delivered(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    _chat(db, api, 51)
    db.close()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    api.fail(
        "sendMessage",
        chat_id=51,
        error_code=429,
        description="Too Many Requests: retry after 3",
        retry_after=3,
    )
    result = deliver(api, db_path, MORNING, sleep=sleep)
    assert result.sent == 1
    assert 3.0 in waits
    calls = api.calls_of("sendMessage", chat_id=51)
    assert [c.ok for c in calls] == [False, True]


@pytest.mark.parametrize(
    ("code", "description"),
    [(403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found")],
)
def test_unreachable_chat_becomes_inactive(
    api: LoopbackBotAPI, db_path: Path, code: int, description: str
) -> None:
    db = open_db(db_path)
    _chat(db, api, 61)
    db.close()
    api.fail("sendMessage", chat_id=61, error_code=code, description=description, times=5)
    result = deliver(api, db_path, MORNING)
    assert (result.failed, result.inactive, result.pending) == (0, 1, 0)
    assert result.line() == "sent 0, skipped 0, failed 0, inactive 1"
    db = open_db(db_path)
    chat = chats.get_chat(db, 61)
    assert chat is not None and not chat.active  # kept, not deleted
    assert deliveries.get_delivery(db, 61, "2025-06-02").status == deliveries.FAILED
    # No further sends to it…
    assert deliver(api, db_path, MORNING + timedelta(days=1)).sent == 0
    # …until the user writes again.
    chats.register_chat(db, 61, "private", "back")
    assert chats.get_chat(db, 61).active


def test_migrated_group_is_moved_and_resent(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    _chat(db, api, -71, topics=("finance",), kind="group")
    db.close()
    api.add_chat(FakeChat(id=-10071, type="supergroup", title="g"), FakeUser(id=71))
    api.fail(
        "sendMessage",
        chat_id=-71,
        error_code=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-10071,
    )
    result = deliver(api, db_path, MORNING)
    assert result.sent == 1
    assert api.calls_of("sendMessage", chat_id=-10071)[-1].ok
    db = open_db(db_path)
    assert chats.get_chat(db, -71) is None
    moved = chats.get_chat(db, -10071)
    assert moved is not None and moved.topics == ("finance",)
    assert deliveries.get_delivery(db, -10071, "2025-06-02").status == deliveries.SENT


def test_server_errors_retried_then_left_for_next_pass(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    _chat(db, api, 81)
    _chat(db, api, 82)
    db.close()
    api.fail("sendMessage", chat_id=81, error_code=502, description="Bad Gateway", times=2)
    api.fail("sendMessage", chat_id=82, error_code=502, description="Bad Gateway", times=50)
    result = deliver(api, db_path, MORNING)
    assert (result.sent, result.failed, result.pending) == (1, 1, 1)
    db = open_db(db_path)
    assert deliveries.get_delivery(db, 82, "2025-06-02").status == deliveries.PLANNED
    api.clear_faults()
    assert deliver(api, db_path, MORNING + timedelta(minutes=10)).sent == 1
    assert sum(c.ok for c in api.calls_of("sendMessage", chat_id=82)) == 1


def test_slow_replies_time_out_and_are_retried(api: LoopbackBotAPI, db_path: Path) -> None:
    """A reply slower than the read time-out raises TimedOut; the retry delivers it."""
    from telegram.request import HTTPXRequest

    db = open_db(db_path)
    _chat(db, api, 91)
    db.close()
    api.delay("sendMessage", 1.5, chat_id=91, times=1)

    async def run():  # type: ignore[no-untyped-def]
        request = HTTPXRequest(read_timeout=0.5, connect_timeout=2.0)
        async with loopback_deliverer(api, db_path, sleep=asyncio.sleep, request=request) as d:
            return await d.deliver_pass(MORNING)

    result = asyncio.run(run())
    assert result.sent == 1
    calls = api.calls_of("sendMessage", chat_id=91)
    assert len(calls) == 2  # the timed-out attempt reached the API too


# --- the deliver command ---------------------------------------------------------


def _env(api: LoopbackBotAPI, db_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.base_url,
        "BRIEFBOT_DB": str(db_path),
        **extra,
    }


def test_deliver_command_is_idempotent(api: LoopbackBotAPI, db_path: Path) -> None:
    db = open_db(db_path)
    for i in range(3):
        _chat(db, api, 100 + i)
    db.close()
    command = [sys.executable, "-m", "bot.cli", "deliver", "--at", "2025-06-02T09:30:00+08:00"]
    first = subprocess.run(
        command, env=_env(api, db_path), capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == "sent 3, skipped 0, failed 0"
    second = subprocess.run(
        command, env=_env(api, db_path), capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert second.stdout.strip().splitlines()[-1] == "sent 0, skipped 3, failed 0"
    assert "Traceback" not in first.stderr + second.stderr
    assert api.token not in first.stderr + second.stderr


def test_sigkill_mid_broadcast_loses_nothing(api: LoopbackBotAPI, db_path: Path) -> None:
    """Kill -9 a broadcast to 300 chats; the next pass delivers the rest exactly once."""
    db = open_db(db_path)
    with db.atomic():
        for i in range(300):
            chats.register_chat(db, 5000 + i, "private", None)
            chats.enrol(db, 5000 + i)
    db.close()
    for i in range(300):
        api.add_chat(FakeChat(id=5000 + i), FakeUser(id=5000 + i))
    api.delay("sendMessage", 0.01, times=10_000)
    command = [sys.executable, "-m", "bot.cli", "deliver", "--at", "2025-06-02T09:30:00+08:00"]
    env = _env(api, db_path, BRIEFBOT_SEND_RATE="300")
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    api.wait_for("sendMessage", count=80, timeout=60)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    killed_at = len(api.calls_of("sendMessage"))
    assert killed_at < 300, "the broadcast finished before the kill; slow it down"
    finish = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finish.returncode == 0, finish.stderr
    received: dict[int, int] = {}
    for call in api.calls_of("sendMessage"):
        if call.ok:
            received[call.chat_id] = received.get(call.chat_id, 0) + 1
    assert set(received) == {5000 + i for i in range(300)}
    doubled = [chat for chat, count in received.items() if count > 1]
    assert len(doubled) <= 1, doubled
    time.sleep(0)  # keep the emulator alive until here


def test_broadcast_pacing_stays_within_flood_limits(api: LoopbackBotAPI, db_path: Path) -> None:
    """Real pacing (25 messages/s, 1/s per chat) against Telegram's limits: no 429 at all."""
    db = open_db(db_path)
    for i in range(40):
        _chat(db, api, 3000 + i)
    db.close()
    api.enforce_flood_limits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20)
    production = Pacer(per_second=loopback_settings(api, db_path).send_rate)

    async def broadcast():  # type: ignore[no-untyped-def]
        async with loopback_deliverer(api, db_path, pacer=production, sleep=asyncio.sleep) as d:
            return await d.deliver_pass(MORNING)

    started = time.monotonic()
    result = asyncio.run(broadcast())
    elapsed = time.monotonic() - started
    assert result.sent == 40
    assert api.flood_refusals == 0
    assert elapsed >= 39 / 25 * 0.9  # paced, not a burst


def test_multi_message_briefings_do_not_stall_the_broadcast(
    api: LoopbackBotAPI, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a chat waits its turn for the next piece, other chats are served."""
    monkeypatch.setenv("BRIEFBOT_BRIEF_MAX", "40")
    monkeypatch.setattr(views, "BRIEF_PIECE_LIMIT", 300)  # several messages per briefing
    db = open_db(db_path)
    for chat_id in (71, 72, 73):
        _chat(db, api, chat_id)
    db.close()
    settings = loopback_settings(api, db_path, BRIEFBOT_BRIEF_MAX="40")
    pacer = Pacer(per_second=100.0, per_chat_interval=0.4)

    async def broadcast():  # type: ignore[no-untyped-def]
        async with loopback_deliverer(
            api, db_path, settings=settings, pacer=pacer, sleep=asyncio.sleep
        ) as deliverer:
            return await deliverer.deliver_pass(MORNING)

    result = asyncio.run(broadcast())
    assert result.sent == 3
    order = [c.chat_id for c in api.calls_of("sendMessage") if c.ok]
    assert len(order) > 3  # several pieces each
    assert order[:3] == [71, 72, 73]  # every chat's first piece before anyone's second
    db = open_db(db_path)
    for chat_id in (71, 72, 73):
        delivery = deliveries.get_delivery(db, chat_id, "2025-06-02")
        assert delivery.status == deliveries.SENT
        assert len(delivery.message_ids) == len(delivery.pieces) == order.count(chat_id)


# --- who is pushed to ------------------------------------------------------------


def test_stop_sticks_and_questions_enrol_nobody(db_path: Path) -> None:
    """After /stop, read-only commands never bring the daily push back; only /start does.

    A group is pushed to only once an admin has picked topics.
    """
    from tests.bot_harness import BotHarness, buttons

    alice = FakeUser(id=701, first_name="Alice", language_code="zh-hant")
    bob = FakeUser(id=702, first_name="Bob", language_code="zh-hant")
    carol = FakeUser(id=703, first_name="Carol", language_code="zh-hant")
    alice_chat, bob_chat, carol_chat = (FakeChat(id=u.id) for u in (alice, bob, carol))
    group = FakeChat(id=-100701, type="supergroup", title="研究社")
    with BotHarness(db_path) as bot:
        bot.send(alice_chat, alice, "/start")
        assert bot.chat(alice.id).receives_briefings
        [confirm] = [c for c in bot.send(alice_chat, alice, "/stop") if c.method == "sendMessage"]
        yes = next(d for _, d in buttons(confirm) if d.endswith("yes"))
        bot.press(alice_chat, alice, confirm.result["message_id"], yes)
        bot.send(alice_chat, alice, "/help")
        bot.send(alice_chat, alice, "/company 台積電")
        assert not bot.chat(alice.id).receives_briefings
        assert not bot.app.job_queue.get_jobs_by_name(f"brief:{alice.id}")

        bot.send(bob_chat, bob, "/start")  # the control: a chat that asked for briefings
        bot.send(carol_chat, carol, "/latest")  # only asked a question

        bot.add_to_group(group, alice)
        bot.api.set_member_status(group.id, alice.id, "administrator")
        bot.send(group, alice, "/start")
        bot.send(group, alice, "/brief")
        assert not bot.chat(group.id).receives_briefings

        assert deliver(bot.api, db_path, MORNING).sent == 1
        assert _briefed(db_path) == {bob.id}

        bot.send(group, alice, "/subscribe 半導體")
        assert bot.chat(group.id).receives_briefings
        assert deliver(bot.api, db_path, MORNING).sent == 1
        assert _briefed(db_path) == {bob.id, group.id}

        bot.send(alice_chat, alice, "/start")
        assert bot.chat(alice.id).receives_briefings


def _briefed(db_path: Path) -> set[int]:
    """Chats with a briefing in the ledger for the morning of ``MORNING``."""
    db = open_db(db_path)
    try:
        ids = [701, 702, 703, -100701]
        return {i for i in ids if deliveries.get_delivery(db, i, "2025-06-02") is not None}
    finally:
        db.close()


def test_deliver_command_exit_code_reflects_pending_sends_only(
    api: LoopbackBotAPI, db_path: Path
) -> None:
    """A blocked chat is an outcome (exit 0, counted as inactive); a 5xx left pending is not."""
    db = open_db(db_path)
    for chat_id in (111, 112):
        _chat(db, api, chat_id)
    db.close()
    api.fail(
        "sendMessage",
        chat_id=112,
        error_code=403,
        description="Forbidden: bot was blocked by the user",
        times=5,
    )
    command = [sys.executable, "-m", "bot.cli", "deliver", "--at", "2025-06-02T09:30:00+08:00"]
    blocked = subprocess.run(
        command, env=_env(api, db_path), capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert blocked.returncode == 0, blocked.stderr
    assert blocked.stdout.strip().splitlines()[-1] == "sent 1, skipped 0, failed 0, inactive 1"

    db = open_db(db_path)
    _chat(db, api, 113)
    db.close()
    api.fail("sendMessage", chat_id=113, error_code=502, description="Bad Gateway", times=50)
    pending = subprocess.run(
        command, env=_env(api, db_path), capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert pending.returncode == 1
    assert pending.stdout.strip().splitlines()[-1] == "sent 0, skipped 1, failed 1"
