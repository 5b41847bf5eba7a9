"""The emulator's fault injection and Telegram's flood limits, as a bot meets them."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import telegram
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from bot.loopback import (
    FakeChat,
    FakeUser,
    LoopbackBotAPI,
)
from tests.loopback.support import GROUP, PRIVATE, USER, call, error_of

# ---- fault injection -------------------------------------------------------------------------


def test_fail_with_retry_after_and_migration(api: LoopbackBotAPI) -> None:
    api.fail(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    flood = call(api, "sendMessage", chat_id=PRIVATE.id, text="x")
    assert flood.status_code == 429
    assert flood.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="x").json()["ok"]  # times=1 used up
    assert (
        api.bot_messages(PRIVATE.id)[-1]["text"] == "x" and len(api.bot_messages(PRIVATE.id)) == 1
    )

    api.fail("sendMessage", chat_id=GROUP.id, times=2, migrate_to_chat_id=-1009)
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="other chat").json()["ok"]
    for _ in range(2):
        moved = call(api, "sendMessage", chat_id=GROUP.id, text="x")
        assert moved.json()["parameters"] == {"migrate_to_chat_id": -1009}
    assert call(api, "sendMessage", chat_id=GROUP.id, text="x").json()["ok"]


# PTB 22's own RetryAfter.__init__ warns that ``retry_after`` will become a timedelta.
@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
def test_ptb_raises_its_own_errors_for_injected_faults(api: LoopbackBotAPI) -> None:
    api.fail(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 5", retry_after=5
    )
    api.fail("sendMessage", migrate_to_chat_id=-100777)
    api.block_bot(USER)

    async def scenario() -> None:
        async with telegram.Bot(api.token, base_url=api.base_url) as bot:
            with pytest.raises(RetryAfter) as flood:
                await bot.send_message(PRIVATE.id, "x")
            assert "Retry in 5 seconds" in str(flood.value)  # PTB 22: int unless PTB_TIMEDELTA
            with pytest.raises(ChatMigrated) as migrated:
                await bot.send_message(PRIVATE.id, "x")
            assert migrated.value.new_chat_id == -100777
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(PRIVATE.id, "x")
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(GROUP.id, "1 < 2", parse_mode="HTML")

    asyncio.run(scenario())


def test_delay_holds_the_answer_but_still_delivers(api: LoopbackBotAPI) -> None:
    api.delay("sendMessage", 0.3, chat_id=PRIVATE.id)
    started = time.monotonic()
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="slow").json()["ok"]
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="fast").json()["ok"]
    assert time.monotonic() - started < 0.3


def test_migrate_chat(api: LoopbackBotAPI) -> None:
    group = FakeChat(-4001, "group", "小群")
    api.send_message(group, USER, "hi")
    new_group = api.migrate_chat(group, -1004001, USER)
    response = call(api, "sendMessage", chat_id=group.id, text="x")
    assert error_of(response) == "Bad Request: group chat was upgraded to a supergroup chat"
    assert response.json()["parameters"] == {"migrate_to_chat_id": -1004001}
    assert call(api, "sendMessage", chat_id=new_group.id, text="x").json()["ok"]
    texts = [u["message"].get("migrate_to_chat_id") for u in api.pending_updates()]
    assert -1004001 in texts


def test_wait_for_times_out_with_a_summary(api: LoopbackBotAPI) -> None:
    call(api, "sendMessage", chat_id=PRIVATE.id, text="<b>", parse_mode="HTML")
    with pytest.raises(TimeoutError) as waited:
        api.wait_for("editMessageText", timeout=0.1)
    assert "sendMessage(chat_id=1001) -> 400 Bad Request: can't parse entities" in str(waited.value)
    assert len(api.wait_for("sendMessage", chat_id=PRIVATE.id)) == 1


# ---- flood limits ---------------------------------------------------------------------------


def private_chats(api: LoopbackBotAPI, count: int, first: int = 5000) -> list[FakeChat]:
    chats = [FakeChat(first + i) for i in range(count)]
    for chat in chats:
        api.add_chat(chat, FakeUser(chat.id))
    return chats


def retry_after_of(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    body = response.json()
    seconds = body["parameters"]["retry_after"]
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }
    return int(seconds)


def test_flood_limits_are_off_by_default(api: LoopbackBotAPI) -> None:
    for i in range(5):
        assert call(api, "sendMessage", chat_id=PRIVATE.id, text=str(i)).json()["ok"]
    assert api.flood_refusals == 0


def test_flood_global_limit_per_second(api: LoopbackBotAPI) -> None:
    chats = private_chats(api, 31)
    api.enforce_flood_limits()
    started = time.monotonic()
    responses = [call(api, "sendMessage", chat_id=chat.id, text="x") for chat in chats]
    assert time.monotonic() - started < 0.9, "the burst was too slow to test a 1-second window"

    refused = [(chat, r) for chat, r in zip(chats, responses, strict=True) if r.status_code != 200]
    assert [chat for chat, _ in refused] == [chats[-1]]  # the 31st send in the second
    assert retry_after_of(refused[0][1]) >= 1
    assert api.flood_refusals == 1
    # Refused like any other error: a failed Call, and no message stored.
    last = api.calls_of("sendMessage", chat_id=chats[-1].id)[-1]
    assert not last.ok and last.error is not None and last.error["error_code"] == 429
    assert api.bot_messages(chats[-1].id) == []
    assert all(len(api.bot_messages(chat.id)) == 1 for chat in chats[:-1])


def test_flood_per_chat_spacing(api: LoopbackBotAPI) -> None:
    api.enforce_flood_limits()
    first = call(api, "sendMessage", chat_id=PRIVATE.id, text="one")
    assert first.json()["ok"]
    # Not limited: chat actions, edits, and sends to another chat.
    for _ in range(3):
        assert call(api, "sendChatAction", chat_id=PRIVATE.id, action="typing").json()["ok"]
    mid = first.json()["result"]["message_id"]
    assert call(api, "editMessageText", chat_id=PRIVATE.id, message_id=mid, text="1").json()["ok"]
    assert call(api, "sendMessage", chat_id=GROUP.id, text="elsewhere").json()["ok"]

    second = call(api, "sendMessage", chat_id=PRIVATE.id, text="two")
    seconds = retry_after_of(second)
    assert seconds == 1
    assert api.flood_refusals == 1
    assert [m["text"] for m in api.bot_messages(PRIVATE.id)] == ["1"]

    time.sleep(seconds)
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="two").json()["ok"]
    assert [m["text"] for m in api.bot_messages(PRIVATE.id)] == ["1", "two"]
    assert api.flood_refusals == 1


def test_flood_per_chat_pacing_at_the_limit_is_accepted(api: LoopbackBotAPI) -> None:
    # 4 per second = one send per 0.25 s; sleeping exactly that long is enough.
    api.enforce_flood_limits(per_chat_per_second=4, retry_after=7)
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="a").json()["ok"]
    assert retry_after_of(call(api, "sendMessage", chat_id=PRIVATE.id, text="b")) == 7
    time.sleep(0.25)
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="b").json()["ok"]
    assert api.flood_refusals == 1


@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
def test_flood_group_limit_per_minute(api: LoopbackBotAPI) -> None:
    small_group = FakeChat(-4002, "group", "小群")
    api.add_chat(small_group)
    # One send per 20 ms per chat; sleeping 20 ms after each send keeps clear of that limit.
    api.enforce_flood_limits(per_chat_per_second=50, per_group_per_minute=3)

    def send(chat: FakeChat, text: str) -> httpx.Response:
        response = call(api, "sendMessage", chat_id=chat.id, text=text)
        time.sleep(0.02)
        return response

    for i in range(3):
        assert send(GROUP, f"g{i}").json()["ok"]
    # The window is a minute long: the 4th waits for the 1st to age out.
    assert retry_after_of(send(GROUP, "g3")) == 60
    # Private chats have no per-minute limit; other groups have their own budget.
    for i in range(4):
        assert send(PRIVATE, f"p{i}").json()["ok"]
        assert send(small_group, f"s{i}").status_code == (429 if i == 3 else 200)

    async def scenario() -> None:
        async with telegram.Bot(api.token, base_url=api.base_url) as bot:
            with pytest.raises(RetryAfter) as flood:
                await bot.send_message(GROUP.id, "g3")
            assert "Retry in 60 seconds" in str(flood.value)

    asyncio.run(scenario())
    assert api.flood_refusals == 3
    assert [m["text"] for m in api.bot_messages(GROUP.id)] == ["g0", "g1", "g2"]


def test_flood_errors_from_validation_and_faults_come_first(api: LoopbackBotAPI) -> None:
    api.enforce_flood_limits()
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="x").json()["ok"]
    unknown = call(api, "sendMessage", chat_id=424242, text="x")
    assert error_of(unknown) == "Bad Request: chat not found"
    api.fail("sendMessage", error_code=429, description="Too Many Requests: retry after 9")
    assert error_of(call(api, "sendMessage", chat_id=PRIVATE.id, text="x")).endswith("after 9")
    assert api.flood_refusals == 0
    # Failed sends take no share of the limits.
    assert call(api, "sendMessage", chat_id=GROUP.id, text="").status_code == 400
    assert call(api, "sendMessage", chat_id=GROUP.id, text="x").json()["ok"]
    with pytest.raises(ValueError, match="per_group_per_minute"):
        api.enforce_flood_limits(per_group_per_minute=0)


def test_disable_flood_limits_restores_normal_behaviour(api: LoopbackBotAPI) -> None:
    api.enforce_flood_limits()
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="1").json()["ok"]
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="2").status_code == 429
    api.disable_flood_limits()
    for text in "345":
        assert call(api, "sendMessage", chat_id=PRIVATE.id, text=text).json()["ok"]
    assert api.flood_refusals == 1  # kept for inspection after disabling
    assert [m["text"] for m in api.bot_messages(PRIVATE.id)] == ["1", "3", "4", "5"]
    api.enforce_flood_limits()  # starts afresh
    assert api.flood_refusals == 0
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text="6").json()["ok"]


def test_flood_paced_client_is_never_refused(api: LoopbackBotAPI) -> None:
    # 25 sends per second, round robin over 30 chats: each chat hears every 1.2 s.
    chats = private_chats(api, 30)
    api.enforce_flood_limits()
    started = time.monotonic()
    sent = 0
    while (due := started + sent / 25) < started + 1.5:
        time.sleep(max(0.0, due - time.monotonic()))
        response = call(api, "sendMessage", chat_id=chats[sent % len(chats)].id, text="tick")
        assert response.status_code == 200, response.text
        sent += 1
    assert sent == 38
    assert api.flood_refusals == 0
    assert all(c.ok for c in api.calls_of("sendMessage"))
