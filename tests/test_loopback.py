"""The loopback Bot API emulator: HTTP contract, Telegram's rules, and a real PTB Application."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    ChatFullInfo,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    Message,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.loopback import (
    ANONYMOUS_ADMIN,
    FakeChat,
    FakeUser,
    HtmlParseError,
    LoopbackBotAPI,
    parse_html,
    utf16_len,
)

USER = FakeUser(1001, "Ann", "ann")
PRIVATE = FakeChat(USER.id)
GROUP = FakeChat(-100500, "supergroup", "產業研究")


_HTTP = httpx.Client(timeout=10)  # one client: building one per request costs ~10 ms


@pytest.fixture(scope="module", autouse=True)
def _close_http_client() -> Iterator[None]:
    yield
    _HTTP.close()


def _our_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("loopback-bot-api")]


@pytest.fixture
def api() -> Iterator[LoopbackBotAPI]:
    emulator = LoopbackBotAPI()
    emulator.start()
    emulator.add_chat(PRIVATE, USER)
    emulator.add_chat(GROUP)
    try:
        yield emulator
    finally:
        emulator.stop()
        assert not _our_threads(), "the emulator left threads behind"


def call(api: LoopbackBotAPI, method: str, *, form: bool = False, **params: Any) -> httpx.Response:
    """POST like a client would: JSON body, or PTB-style form body with JSON-encoded values."""
    url = f"{api.base_url}{api.token}/{method}"
    if form:
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        return _HTTP.post(url, data=data)
    return _HTTP.post(url, json=params)


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return str(body["description"])


def keyboard(*data: str) -> dict[str, Any]:
    return {
        "inline_keyboard": [[{"text": f"b{i}", "callback_data": d} for i, d in enumerate(data)]]
    }


# ---- HTTP contract ---------------------------------------------------------------------------


def test_get_me_unknown_method_and_wrong_token(api: LoopbackBotAPI) -> None:
    me = call(api, "getMe").json()
    assert me["ok"] is True
    assert me["result"]["username"] == "briefbot_test_bot"
    assert telegram.User.de_json(me["result"], None).is_bot

    missing = call(api, "sendPigeon", chat_id=PRIVATE.id)
    assert missing.status_code == 404
    assert error_of(missing) == "Not Found: method not found"

    wrong = _HTTP.post(f"{api.base_url}999:NOPE/getMe")
    assert wrong.status_code == 401
    assert error_of(wrong) == "Unauthorized"

    # Method names are case-insensitive on Telegram; failed calls are recorded too.
    assert call(api, "getme").json()["ok"] is True
    assert [c.method for c in api.calls] == ["getMe", "sendPigeon", "getMe", "getMe"]
    assert [c.ok for c in api.calls] == [True, False, False, True]


def test_emulator_bugs_answer_500_instead_of_hanging_up(
    api: LoopbackBotAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(params: dict[str, Any]) -> object:
        raise KeyError("oops")

    monkeypatch.setitem(api._methods, "getme", ("getMe", broken))
    response = call(api, "getMe")
    assert response.status_code == 500
    assert "loopback emulator bug" in error_of(response)
    assert "KeyError" in capsys.readouterr().err
    assert api.calls[-1].error is not None


def test_send_message_returns_a_message_ptb_accepts(api: LoopbackBotAPI) -> None:
    user_message = api.send_message(PRIVATE, USER, "hello")["message"]
    response = call(
        api,
        "sendMessage",
        form=True,
        chat_id=PRIVATE.id,
        text="<b>早安</b> &lt;2330&gt; 👍 <i>x</i>",
        parse_mode="HTML",
        reply_markup=keyboard("t:semis"),
        reply_parameters={"message_id": user_message["message_id"]},
    )
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["text"] == "早安 <2330> 👍 x"
    assert result["from"]["id"] == api.bot_id
    # UTF-16 offsets: 👍 counts as two code units.
    assert result["entities"] == [
        {"offset": 0, "length": 2, "type": "bold"},
        {"offset": 13, "length": 1, "type": "italic"},
    ]
    message = Message.de_json(result, None)
    assert message.reply_to_message is not None
    assert message.reply_to_message.text == "hello"
    assert message.reply_markup is not None
    assert message.message_id == user_message["message_id"] + 1  # per-chat counter is shared

    call_ = api.calls_of("sendMessage", chat_id=PRIVATE.id)[0]
    assert call_.params["chat_id"] == PRIVATE.id  # form strings decoded back to JSON types
    assert call_.params["reply_markup"] == keyboard("t:semis")
    assert api.last_bot_message(PRIVATE.id)["text"] == "早安 <2330> 👍 x"


def test_multipart_bodies_are_decoded(api: LoopbackBotAPI) -> None:
    url = f"{api.base_url}{api.token}/sendMessage"
    response = _HTTP.post(
        url,
        data={"chat_id": str(PRIVATE.id), "text": "with a file"},
        files={"document": ("a.txt", b"abc")},
    )
    assert response.json()["result"]["text"] == "with a file"
    assert api.calls[-1].params["document"] == {"filename": "a.txt", "size": 3}


def test_unknown_chat_is_rejected(api: LoopbackBotAPI) -> None:
    response = call(api, "sendMessage", chat_id=424242, text="hi")
    assert response.status_code == 400
    assert error_of(response) == "Bad Request: chat not found"


def test_message_length_counts_utf16_after_parsing(api: LoopbackBotAPI) -> None:
    fits = "<b>" + "字" * 4096 + "</b>"
    assert call(api, "sendMessage", chat_id=PRIVATE.id, text=fits, parse_mode="HTML").json()["ok"]

    too_long = call(api, "sendMessage", chat_id=PRIVATE.id, text="字" * 4097)
    assert error_of(too_long) == "Bad Request: message is too long"
    # 2049 emoji are 2049 Python characters but 4098 UTF-16 code units.
    emoji = call(api, "sendMessage", chat_id=PRIVATE.id, text="👍" * 2049)
    assert error_of(emoji) == "Bad Request: message is too long"


@pytest.mark.parametrize("text", ["", "   \n", "<b> </b>"])
def test_empty_text_is_rejected(api: LoopbackBotAPI, text: str) -> None:
    response = call(api, "sendMessage", chat_id=PRIVATE.id, text=text, parse_mode="HTML")
    assert error_of(response) == "Bad Request: message text is empty"


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("台積電 AT&T", 'unescaped "&" at byte offset 12'),
        ("&nbsp;", 'unescaped "&" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_malformed_html_is_rejected(api: LoopbackBotAPI, markup: str, detail: str) -> None:
    response = call(api, "sendMessage", chat_id=PRIVATE.id, text=markup, parse_mode="HTML")
    assert response.status_code == 400
    description = error_of(response)
    assert description.startswith("Bad Request: can't parse entities: ")
    assert detail in description


def test_html_parser_supports_telegram_tags() -> None:
    text, entities = parse_html(
        '<a href="https://x.example/?a=1&amp;b=2">連結</a> '
        '<pre><code class="language-python">print(1)</code></pre>'
        "<blockquote expandable>引用</blockquote><tg-spoiler>雷</tg-spoiler>"
        '<span class="tg-spoiler">s</span><u>u</u><s>s</s><code>c</code>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>&#34;&#x4E2D;'
    )
    assert text == '連結 print(1)引用雷susc👍"中'
    assert entities == [
        {"offset": 0, "length": 2, "type": "text_link", "url": "https://x.example/?a=1&b=2"},
        {"offset": 3, "length": 8, "type": "pre", "language": "python"},  # code merged into pre
        {"offset": 11, "length": 2, "type": "expandable_blockquote"},
        {"offset": 13, "length": 1, "type": "spoiler"},
        {"offset": 14, "length": 1, "type": "spoiler"},
        {"offset": 15, "length": 1, "type": "underline"},
        {"offset": 16, "length": 1, "type": "strikethrough"},
        {"offset": 17, "length": 1, "type": "code"},
        {
            "offset": 18,
            "length": 2,
            "type": "custom_emoji",
            "custom_emoji_id": "5368324170671202286",
        },
    ]
    # `</>` closes the innermost tag, and a bare `>` is fine, as on Telegram.
    assert parse_html("<b>x</> > y") == ("x > y", [{"offset": 0, "length": 1, "type": "bold"}])
    assert utf16_len("👍a") == 3
    with pytest.raises(HtmlParseError, match="surrogate"):
        parse_html("&#xD800;")


def test_text_is_trimmed_like_telegram(api: LoopbackBotAPI) -> None:
    result = call(
        api, "sendMessage", chat_id=PRIVATE.id, text="\n <b> x </b>\n\n", parse_mode="HTML"
    ).json()["result"]
    assert result["text"] == "x"
    assert result["entities"] == [{"offset": 0, "length": 1, "type": "bold"}]


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "b", "callback_data": "x" * 65}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "b", "callback_data": "股" * 22}, "Bad Request: BUTTON_DATA_INVALID"),  # 66 bytes
        ({"text": "b", "callback_data": ""}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "", "callback_data": "x"}, "Bad Request: BUTTON_TEXT_INVALID"),
        ({"text": "b", "url": "ftp://x"}, "Bad Request: BUTTON_URL_INVALID"),
        (
            {"text": "b"},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
    ],
)
def test_inline_keyboard_rules(
    api: LoopbackBotAPI, button: dict[str, str], description: str
) -> None:
    markup = {"inline_keyboard": [[button]]}
    response = call(
        api, "sendMessage", form=True, chat_id=PRIVATE.id, text="x", reply_markup=markup
    )
    assert error_of(response) == description


def test_callback_data_limit_is_64_utf8_bytes(api: LoopbackBotAPI) -> None:
    response = call(
        api, "sendMessage", chat_id=PRIVATE.id, text="x", reply_markup=keyboard("股" * 21 + "x")
    )
    assert response.json()["ok"] is True  # 63 + 1 = 64 bytes


def test_edits_not_modified_not_found_and_keyboard_removal(api: LoopbackBotAPI) -> None:
    sent = call(
        api,
        "sendMessage",
        chat_id=PRIVATE.id,
        text="<b>a</b>",
        parse_mode="HTML",
        reply_markup=keyboard("k"),
    ).json()["result"]
    mid = sent["message_id"]

    same = call(
        api,
        "editMessageText",
        chat_id=PRIVATE.id,
        message_id=mid,
        text="<b>a</b>",
        parse_mode="HTML",
        reply_markup=keyboard("k"),
    )
    assert error_of(same).startswith("Bad Request: message is not modified: ")
    # Same text but the bold is gone: a different message for Telegram.
    plain = call(
        api,
        "editMessageText",
        chat_id=PRIVATE.id,
        message_id=mid,
        text="a",
        reply_markup=keyboard("k"),
    )
    assert plain.json()["ok"] is True

    missing = call(api, "editMessageText", chat_id=PRIVATE.id, message_id=999, text="x")
    assert error_of(missing) == "Bad Request: message to edit not found"

    # An edit without reply_markup drops the inline keyboard, as Telegram does.
    edited = call(api, "editMessageText", chat_id=PRIVATE.id, message_id=mid, text="b").json()[
        "result"
    ]
    assert "reply_markup" not in edited
    assert "reply_markup" not in api.last_bot_message(PRIVATE.id)

    markup = call(
        api,
        "editMessageReplyMarkup",
        chat_id=PRIVATE.id,
        message_id=mid,
        reply_markup=keyboard("z"),
    )
    assert markup.json()["result"]["reply_markup"] == keyboard("z")
    again = call(
        api,
        "editMessageReplyMarkup",
        chat_id=PRIVATE.id,
        message_id=mid,
        reply_markup=keyboard("z"),
    )
    assert error_of(again).startswith("Bad Request: message is not modified")

    [current] = api.bot_messages(PRIVATE.id)
    assert current["text"] == "b" and current["reply_markup"] == keyboard("z")

    user_message = api.send_message(PRIVATE, USER, "mine")["message"]
    foreign = call(
        api, "editMessageText", chat_id=PRIVATE.id, message_id=user_message["message_id"], text="x"
    )
    assert error_of(foreign) == "Bad Request: message can't be edited"


def test_answer_callback_query(api: LoopbackBotAPI) -> None:
    mid = call(
        api, "sendMessage", chat_id=PRIVATE.id, text="pick", reply_markup=keyboard("a", "b")
    ).json()["result"]["message_id"]
    update = api.press_button(PRIVATE, USER, mid, "b")
    query = Update.de_json(update, None).callback_query
    assert query is not None and query.data == "b"
    assert query.message is not None and query.message.reply_markup is not None
    with pytest.raises(ValueError, match="no button"):
        api.press_button(PRIVATE, USER, mid, "zzz")

    too_long = call(api, "answerCallbackQuery", callback_query_id=query.id, text="x" * 201)
    assert error_of(too_long) == "Bad Request: MESSAGE_TOO_LONG"
    assert call(api, "answerCallbackQuery", callback_query_id=query.id, text="ok").json()["ok"]
    twice = call(api, "answerCallbackQuery", callback_query_id=query.id)
    assert "query is too old" in error_of(twice)


# ---- getUpdates ------------------------------------------------------------------------------


def test_long_poll_returns_as_soon_as_an_update_arrives(api: LoopbackBotAPI) -> None:
    timer = threading.Timer(0.2, lambda: api.send_message(PRIVATE, USER, "/start"))
    timer.start()
    started = time.monotonic()
    updates = call(api, "getUpdates", timeout=5).json()["result"]
    elapsed = time.monotonic() - started
    timer.join()
    assert 0.1 < elapsed < 2
    assert [u["message"]["text"] for u in updates] == ["/start"]

    empty_started = time.monotonic()
    assert call(api, "getUpdates", timeout=0.3).json()["result"] == [updates[0]]  # unconfirmed
    assert time.monotonic() - empty_started < 0.2  # pending updates answer immediately


def test_offset_confirms_updates(api: LoopbackBotAPI) -> None:
    first = api.send_message(PRIVATE, USER, "1")
    second = api.send_message(PRIVATE, USER, "2")
    assert second["update_id"] == first["update_id"] + 1
    assert len(call(api, "getUpdates", form=True, offset=0).json()["result"]) == 2
    rest = call(api, "getUpdates", form=True, offset=first["update_id"] + 1).json()["result"]
    assert [u["update_id"] for u in rest] == [second["update_id"]]
    assert call(api, "getUpdates", offset=second["update_id"] + 1).json()["result"] == []
    assert api.pending_updates() == []

    for text in "abc":
        api.send_message(PRIVATE, USER, text)
    last = call(api, "getUpdates", offset=-1).json()["result"]
    assert [u["message"]["text"] for u in last] == ["c"]
    assert len(call(api, "getUpdates", limit=5).json()["result"]) == 1


def test_a_second_poller_terminates_the_first(api: LoopbackBotAPI) -> None:
    outcome: dict[str, httpx.Response] = {}
    first = threading.Thread(
        target=lambda: outcome.update(first=call(api, "getUpdates", timeout=3))
    )
    first.start()
    time.sleep(0.2)  # let the first poll start waiting
    call(api, "getUpdates", timeout=0)
    first.join(timeout=5)
    assert outcome["first"].status_code == 409
    assert error_of(outcome["first"]).startswith("Conflict: terminated by other getUpdates request")


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


# ---- chats, members, commands ----------------------------------------------------------------


def test_chat_members_de_json_in_ptb(api: LoopbackBotAPI) -> None:
    expected = {
        "creator": ChatMemberOwner,
        "administrator": ChatMemberAdministrator,
        "member": ChatMemberMember,
        "restricted": ChatMemberRestricted,
        "left": ChatMemberLeft,
        "kicked": ChatMemberBanned,
    }
    for offset, status in enumerate(expected):
        api.set_member_status(GROUP.id, 2000 + offset, status)
    for offset, (status, cls) in enumerate(expected.items()):
        result = call(api, "getChatMember", chat_id=GROUP.id, user_id=2000 + offset).json()[
            "result"
        ]
        member = ChatMember.de_json(result, None)
        assert type(member) is cls, status
        assert member.status == status
    # Unknown members, and everyone in a private chat, are plain members.
    assert (
        call(api, "getChatMember", chat_id=GROUP.id, user_id=9).json()["result"]["status"]
        == "member"
    )
    assert call(api, "getChatMember", chat_id=PRIVATE.id, user_id=USER.id).json()["result"] == {
        "status": "member",
        "user": USER.to_dict(),
    }

    admins = call(api, "getChatAdministrators", chat_id=GROUP.id).json()["result"]
    assert [a["status"] for a in admins] == ["creator", "administrator"]
    assert all(ChatMember.de_json(a, None) for a in admins)
    private_admins = call(api, "getChatAdministrators", chat_id=PRIVATE.id)
    assert (
        error_of(private_admins) == "Bad Request: there are no administrators in the private chat"
    )

    for chat in (GROUP, PRIVATE):
        full = ChatFullInfo.de_json(call(api, "getChat", chat_id=chat.id).json()["result"], None)
        assert full.id == chat.id
    assert (
        ChatFullInfo.de_json(call(api, "getChat", chat_id=GROUP.id).json()["result"], None).title
        == "產業研究"
    )

    assert call(api, "sendChatAction", chat_id=GROUP.id, action="typing").json()["result"] is True
    assert error_of(call(api, "sendChatAction", chat_id=GROUP.id, action="dancing")).startswith(
        "Bad Request"
    )
    assert call(api, "leaveChat", chat_id=GROUP.id).json()["result"] is True
    gone = call(api, "sendMessage", chat_id=GROUP.id, text="x")
    assert gone.status_code == 403
    assert error_of(gone) == "Forbidden: bot is not a member of the supergroup chat"


def test_injected_updates_de_json_in_ptb(api: LoopbackBotAPI) -> None:
    admin = FakeUser(7, "Boss", "boss", language_code="en")
    added = api.add_bot_to_group(GROUP, admin, status="administrator")
    member_update = Update.de_json(added, None).my_chat_member
    assert member_update is not None
    assert member_update.old_chat_member.status == "left"
    assert isinstance(member_update.new_chat_member, ChatMemberAdministrator)
    assert call(api, "getChatMember", chat_id=GROUP.id, user_id=api.bot_id).json()["result"][
        "status"
    ] == ("administrator")

    command = api.send_message(GROUP, admin, "/digest@briefbot_test_bot 半導體")
    message = Update.de_json(command, None).message
    assert message is not None
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/digest@briefbot_test_bot")
    assert message.chat.title == "產業研究"

    anonymous = api.send_message(GROUP, None, "/stop", sender_chat=GROUP)["message"]
    assert anonymous["sender_chat"]["id"] == GROUP.id
    assert anonymous["from"] == ANONYMOUS_ADMIN
    parsed = Message.de_json(anonymous, None)
    assert parsed.sender_chat is not None and parsed.from_user is not None

    reply = api.send_message(
        GROUP, admin, "回覆", reply_to_message_id=command["message"]["message_id"]
    )
    replied = Update.de_json(reply, None).message
    assert replied is not None and replied.reply_to_message is not None
    assert replied.reply_to_message.text == "/digest@briefbot_test_bot 半導體"
    assert not api.send_message(GROUP, admin, "no command").get("message", {}).get("entities")


def test_commands_are_stored_per_scope_and_language(api: LoopbackBotAPI) -> None:
    async def scenario() -> None:
        async with telegram.Bot(api.token, base_url=api.base_url) as bot:
            await bot.set_my_commands([BotCommand("start", "開始"), BotCommand("digest", "摘要")])
            await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
            await bot.set_my_commands(
                [BotCommand("stop", "停止")], scope=BotCommandScopeChat(GROUP.id)
            )
            assert [c.command for c in await bot.get_my_commands()] == ["start", "digest"]
            en = await bot.get_my_commands(language_code="en")
            assert [c.description for c in en] == ["Start"]
            scoped = await bot.get_my_commands(scope=BotCommandScopeChat(GROUP.id))
            assert [c.command for c in scoped] == ["stop"]
            with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
                await bot.set_my_commands([BotCommand("Digest", "x")])
            with pytest.raises(BadRequest, match=r"(?i)invalid language code"):
                await bot.set_my_commands([BotCommand("start", "x")], language_code="zh-hant")
            await bot.delete_my_commands(language_code="en")
            assert await bot.get_my_commands(language_code="en") == ()

    asyncio.run(scenario())
    assert [c["command"] for c in api.commands()] == ["start", "digest"]
    assert api.commands(language_code="en") == []


# ---- a real python-telegram-bot Application --------------------------------------------------


def test_ptb_application_round_trip(api: LoopbackBotAPI) -> None:
    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("<b>pong</b>", parse_mode="HTML")

    async def scenario() -> None:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        app.add_handler(CommandHandler("ping", ping))
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            api.send_message(PRIVATE, USER, "/ping")
            api.send_message(GROUP, USER, "/ping@someone_else_bot")  # not for us: ignored
            api.send_message(GROUP, USER, "/ping@briefbot_test_bot")
            await asyncio.to_thread(api.wait_for, "sendMessage", count=2, timeout=5)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    threads_before = set(threading.enumerate())
    started = time.monotonic()
    asyncio.run(scenario())
    assert time.monotonic() - started < 4
    leftover = [t for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    assert [t.name for t in leftover if not t.name.startswith("loopback-bot-api")] == []

    sent = api.calls_of("sendMessage")
    assert [c.ok for c in sent] == [True, True]
    assert {c.chat_id for c in sent} == {PRIVATE.id, GROUP.id}
    for chat in (PRIVATE, GROUP):
        reply = api.last_bot_message(chat.id)
        assert reply["text"] == "pong"
        assert reply["entities"] == [{"offset": 0, "length": 4, "type": "bold"}]
    # PTB quotes the command only in groups (reply_text's default do_quote).
    assert api.last_bot_message(GROUP.id)["reply_to_message"]["text"] == "/ping@briefbot_test_bot"
    assert "reply_to_message" not in api.last_bot_message(PRIVATE.id)
    # The updater confirmed everything it fetched, and no poll failed on the way out.
    assert api.pending_updates() == []
    assert all(c.ok for c in api.calls_of("getUpdates"))
    assert api.calls_of("getMe") and api.calls_of("deleteWebhook")
