"""The loopback Bot API emulator: HTTP contract, Telegram's rules, and a real PTB Application."""

from __future__ import annotations

import asyncio
import threading
import time
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
from telegram.error import BadRequest
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.loopback import (
    ANONYMOUS_ADMIN,
    FakeUser,
    HtmlParseError,
    LoopbackBotAPI,
    parse_html,
    utf16_len,
)
from tests.loopback.support import _HTTP, GROUP, PRIVATE, USER, call, error_of, keyboard

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
