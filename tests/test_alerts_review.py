"""Alerts as a long-running bot sees them: one sender across many sweeps, on a test clock.

``tests/test_alerts.py`` builds a fresh sender per sweep; the bot keeps one for days,
with an index of follows it rebuilds only when the follows version moves.  These tests
keep one sender and change the world between sweeps: a chat that blocked the bot and
came back, a group that became a supergroup, the hourly cap across a clock hour, and
when a message of a slow burst counts as sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.delivery.alerts import AlertSender, SweepResult
from bot.loopback import FakeChat, FakeUser, LoopbackBotAPI
from digests.follows import COMPANY
from store import Database, alerts, chats, deliveries, follows, open_db
from tests.delivery_harness import loopback_deliverer, loopback_settings
from tests.follow_fixtures import COMPANY_TEXT, NOON, add_article, add_chat, tsmc_key

Step = Callable[[Database], None]


def run_sweeps(
    api: LoopbackBotAPI, db_path: Path, steps: list[tuple[datetime, Step]], per_hour: int = 6
) -> list[SweepResult]:
    """One sender for every sweep; each step changes the store, then a sweep runs at its
    instant (the sweep reads through the sender's own connection, as in the bot)."""

    async def go() -> list[SweepResult]:
        settings = loopback_settings(api, db_path, BRIEFBOT_ALERTS_PER_HOUR=str(per_hour))
        async with loopback_deliverer(api, db_path, settings=settings) as deliverer:
            sender = AlertSender(deliverer)
            results = []
            for at, step in steps:
                step(deliverer.db)
                results.append(await sender.sweep(at))
            return results

    return asyncio.run(go())


def nothing(db: Database) -> None:
    pass


def article(n: int) -> Step:
    return lambda db: add_article(db, n, COMPANY_TEXT + f"第{n}則後續報導。")


def sent_to(api: LoopbackBotAPI, chat_id: int) -> int:
    return sum(1 for c in api.calls_of("sendMessage", chat_id) if c.ok)


def test_a_chat_back_after_blocking_the_bot_gets_alerts_again(
    api: LoopbackBotAPI, store_copy: Path
) -> None:
    db = open_db(store_copy)
    add_chat(db, api, 91)
    db.close()

    def blocked(db: Database) -> None:
        chats.set_active(db, 91, False)  # what a Forbidden answer does
        add_article(db, 400, COMPANY_TEXT)

    def back(db: Database) -> None:
        chats.register_chat(db, 91, "private", None)  # the reader wrote again
        add_article(db, 401, COMPANY_TEXT + "重新開始接收。")

    start, while_blocked, after = run_sweeps(
        api,
        store_copy,
        [(NOON, nothing), (NOON + timedelta(minutes=1), blocked), (NOON + timedelta(2), back)],
    )
    assert start.matched == 0
    assert (while_blocked.sent, while_blocked.dropped) == (0, 1)
    assert after.sent == 1 and sent_to(api, 91) == 1


def test_a_group_that_became_a_supergroup_keeps_its_alerts(
    api: LoopbackBotAPI, store_copy: Path
) -> None:
    """The briefing's sender moves the chat (ChatMigrated); the alert sender must follow."""
    db = open_db(store_copy)
    chats.register_chat(db, -300, "group", "投資社")
    follows.add_follow(db, -300, COMPANY, tsmc_key(), "台積電")
    follows.set_alerts(db, -300, True)
    db.close()
    api.add_chat(FakeChat(id=-300, type="group", title="投資社"), FakeUser(id=1))
    api.add_chat(FakeChat(id=-3000, type="supergroup", title="投資社"), FakeUser(id=1))

    def migrated(db: Database) -> None:
        deliveries.migrate_chat(db, -300, -3000)
        add_article(db, 412, COMPANY_TEXT + "升級後的第一則。")

    results = run_sweeps(
        api,
        store_copy,
        [
            (NOON, nothing),
            (NOON + timedelta(minutes=1), article(411)),  # builds the index: chat -300
            (NOON + timedelta(minutes=2), migrated),
        ],
    )
    assert results[1].sent == 1 and sent_to(api, -300) == 1
    assert (results[2].sent, results[2].dropped) == (1, 0)
    assert sent_to(api, -3000) == 1


def test_the_cap_counts_the_last_60_minutes_not_the_clock_hour(
    api: LoopbackBotAPI, store_copy: Path
) -> None:
    db = open_db(store_copy)
    add_chat(db, api, 92)
    db.close()

    def three(db: Database) -> None:
        for n in range(3):
            add_article(db, 420 + n, COMPANY_TEXT + f"第{n}次更新。")

    ten_to_one = NOON + timedelta(minutes=50)  # 12:50 in Taipei
    results = run_sweeps(
        api,
        store_copy,
        [
            (ten_to_one, nothing),
            (ten_to_one, three),
            (ten_to_one + timedelta(minutes=20), article(430)),  # 13:10: a new clock hour
            (ten_to_one + timedelta(minutes=61), article(431)),  # 13:51
        ],
        per_hour=3,
    )
    assert [r.sent for r in results[1:]] == [3, 0, 1]
    assert results[2].folded == 1  # no allowance left at 13:10: left to the briefing
    assert sent_to(api, 92) == 4


def test_an_alert_counts_from_when_it_went_out(api: LoopbackBotAPI, store_copy: Path) -> None:
    """A slow burst: the last message's stamp is later than the sweep's start."""
    db = open_db(store_copy)
    add_chat(db, api, 93)
    db.close()

    def slow(db: Database) -> None:
        for n in range(3):
            add_article(db, 440 + n, COMPANY_TEXT + f"第{n}段。")
        api.delay("sendMessage", 0.6, chat_id=93, times=3)

    run_sweeps(api, store_copy, [(NOON, nothing), (NOON, slow)])
    db = open_db(store_copy)
    stamps = sorted(r["sent_at"] for r in db.query("SELECT sent_at FROM alerts WHERE chat_id = 93"))
    db.close()
    assert len(stamps) == 3 and stamps[0] == NOON.isoformat(timespec="seconds")
    assert stamps[-1] > stamps[0]


def test_alerts_start_after_the_newest_shared_article(store_copy: Path) -> None:
    """A reader's own article (newest) is not where alerts start: after /stop deletes it,
    the next shared article may take its id."""
    db = open_db(store_copy)
    shared = follows.newest_article_id(db)
    db.execute("UPDATE articles SET owner_chat = 77 WHERE id = ?", [shared])
    assert follows.newest_article_id(db) < shared
    alerts.start_watermark(db, follows.newest_article_id(db))
    assert alerts.watermark(db) < shared
    db.close()


def test_a_long_briefing_keeps_its_expand_buttons() -> None:
    """Eight follow articles and eight topic articles with five-digit ids: more than one
    button's 64 bytes, so the ids are spread over buttons rather than the button dropped."""
    from bot.messages.follow_views import more_buttons, whole_buttons
    from bot.messages.keyboards import fits, more_data, more_ids, more_keyboard

    assert whole_buttons([12, 13], "zh-TW") == [("📖 展開全部摘要", [12, 13])]
    ids = [40_000 + 7 * n for n in range(16)]
    buttons = whole_buttons(ids, "en")
    assert len(buttons) >= 2 and [i for _, run in buttons for i in run] == ids
    assert buttons[0][0] == f"📖 Expand articles 1–{len(buttons[0][1])}"
    keyboard = more_keyboard(buttons)
    assert keyboard is not None
    pressed = [more_ids(b.callback_data) for row in keyboard.inline_keyboard for b in row]
    assert [i for run in pressed for i in run or []] == ids
    # /brief: the follow section keeps a button of its own when the whole does not fit.
    topic = [("📖 Expand the whole digest", ids[8:])]
    on_demand = more_buttons(ids[:8], topic, "en")
    assert on_demand[0][1] == ids[:8] and on_demand[-1][1] == ids[8:]
    assert all(fits(more_data(run)) for _, run in on_demand)
