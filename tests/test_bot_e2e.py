"""End to end: the real Application, long polling the loopback Bot API emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.loopback import FakeChat, FakeUser
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.summarize import digest_article
from store import open_db
from store.articles import save_article
from store.reference import sync_reference
from tests.bot_harness import BotHarness, buttons, harness_on_copy, sent, texts
from tests.conftest import FIXTURES, PAGEDUMPS

ALICE = FakeUser(id=501, first_name="Alice", username="alice", language_code="zh-hant")
BOB = FakeUser(id=502, first_name="Bob", username="bob", language_code="zh-hant")
OPERATOR = FakeUser(id=900, first_name="Op", username="op", language_code="zh-hant")
PRIVATE = FakeChat(id=501, type="private")
GROUP = FakeChat(id=-100777, type="supergroup", title="投資<研究>社")


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.ingest.orchestrate import ingest_all

    path = tmp_path_factory.mktemp("bot") / "base.db"
    db = open_db(path)
    sources = [str(p) for p in sorted(PAGEDUMPS.glob("*.txt"))]
    sources += [str(FIXTURES / "html" / "article.html"), str(FIXTURES / "feeds" / "rss.xml")]
    assert all(r.ok for r in ingest_all(db, sources, workers=1))
    sync_reference(db, default_lexicon())
    # One very long article, to force replies over Telegram's 4096-character limit.
    # Each section states its own figure: digests never repeat a sentence already shown.
    paragraph = "長篇測試段落:資料中心用電量持續成長,儲能系統的建置規模預估在2030年達到{}GWh。"
    long_article = Article(
        "超長的儲能產業分析",
        tuple(Section(f"第{i}節:儲能與電網", (paragraph.format(500 + i) * 3,)) for i in range(150)),
        "test",
        "text",
    )
    save_article(db, digest_article(long_article, default_lexicon()))
    db.close()
    return path


@pytest.fixture
def bot(base_db: Path, tmp_path: Path) -> Iterator[BotHarness]:
    with harness_on_copy(base_db, tmp_path, admins=[OPERATOR.id]) as harness:
        yield harness


# --- private chats -------------------------------------------------------------


def test_start_registers_chat_and_shows_topic_keyboard(bot: BotHarness) -> None:
    calls = bot.send(PRIVATE, ALICE, "/start")
    [welcome] = sent(calls)
    assert "briefbot" in welcome.params["text"]
    data = [d for _, d in buttons(welcome)]
    assert "t:energy_storage" in data
    assert all(len(d.encode()) <= 64 for d in data)
    assert bot.chat(PRIVATE.id) is not None


def test_command_menus_registered(bot: BotHarness) -> None:
    scopes = {
        (str(c.params.get("scope")), c.params.get("language_code"))
        for c in bot.api.calls_of("setMyCommands")
    }
    assert len(scopes) == 4  # private and group scopes, default and English
    assert any(lang == "en" for _, lang in scopes)


def test_deep_link_subscribes(bot: BotHarness) -> None:
    calls = bot.send(PRIVATE, ALICE, "/start topic_cooling")
    assert any("散熱" in t for t in texts(calls))
    assert bot.chat(PRIVATE.id).topics == ("cooling",)


def test_deep_link_with_unknown_topic_says_so(bot: BotHarness) -> None:
    replies = texts(bot.send(PRIVATE, ALICE, "/start topic_colling"))
    assert any("找不到主題「colling」" in t for t in replies)
    assert bot.chat(PRIVATE.id).topics == ()


def test_topic_toggle_edits_keyboard_in_place(bot: BotHarness) -> None:
    [shown] = sent(bot.send(PRIVATE, ALICE, "/topics"))
    message_id = shown.result["message_id"]
    calls = bot.press(PRIVATE, ALICE, message_id, "t:semiconductors")
    assert [c.method for c in calls if c.ok] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    edited = calls[-1]
    assert ("✅ 半導體", "t:semiconductors") in buttons(edited)
    assert bot.chat(PRIVATE.id).topics == ("semiconductors",)
    calls = bot.press(PRIVATE, ALICE, message_id, "t:semiconductors")
    assert ("半導體", "t:semiconductors") in buttons(calls[-1])
    assert bot.chat(PRIVATE.id).topics == ()


def test_subscribe_unsubscribe_and_settings(bot: BotHarness) -> None:
    assert "已訂閱" in texts(bot.send(PRIVATE, ALICE, "/subscribe 储能"))[0]
    assert "已經訂閱" in texts(bot.send(PRIVATE, ALICE, "/subscribe energy storage"))[0]
    settings = texts(bot.send(PRIVATE, ALICE, "/mytopics"))[0]
    assert "儲能與電力" in settings and "08:00" in settings and "台北時間 (UTC+8)" in settings
    assert "已取消訂閱" in texts(bot.send(PRIVATE, ALICE, "/unsubscribe 儲能"))[0]
    assert bot.chat(PRIVATE.id).topics == ()


def test_unknown_topic_offers_suggestion_buttons(bot: BotHarness) -> None:
    [reply] = sent(bot.send(PRIVATE, ALICE, "/subscribe 半導"))
    if "已訂閱" in reply.params["text"]:  # a unique prefix resolves directly
        return
    options = buttons(reply)
    assert options and all(d.startswith("s:") for _, d in options)
    calls = bot.press(PRIVATE, ALICE, reply.result["message_id"], options[0][1])
    assert any("已訂閱" in t for t in texts(calls))


def test_unknown_topic_suggestions(bot: BotHarness) -> None:
    [reply] = sent(bot.send(PRIVATE, ALICE, "/subscribe 咖啡電池"))
    assert "找不到主題" in reply.params["text"]
    assert buttons(reply)


def test_time_and_timezone(bot: BotHarness) -> None:
    reply = texts(bot.send(PRIVATE, ALICE, "/time 07:30"))[0]
    assert "07:30" in reply and "下一次推送" in reply
    assert "看不懂時間" in texts(bot.send(PRIVATE, ALICE, "/time 25:61"))[0]
    reply = texts(bot.send(PRIVATE, ALICE, "/timezone 東京"))[0]
    assert "東京時間 (UTC+9)" in reply and "Asia/Tokyo" not in reply
    assert "不認得時區" in texts(bot.send(PRIVATE, ALICE, "/timezone Mars/Base"))[0]
    assert "UTC+8" in texts(bot.send(PRIVATE, ALICE, "/timezone UTC+8"))[0]
    chat = bot.chat(PRIVATE.id)
    assert (chat.brief_time, chat.timezone) == ("07:30", "Etc/GMT-8")


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("/subscribe", "/subscribe"),
        ("/timezone", "/timezone"),
        ("/company", "/company"),
        ("/sector", "/sector"),
        ("/search", "/search"),
        ("/article", "/article"),
        ("/lang", "/lang"),
    ],
)
def test_missing_arguments_explain_usage(bot: BotHarness, command: str, usage: str) -> None:
    [reply] = texts(bot.send(PRIVATE, ALICE, command))
    assert reply.startswith("用法") and usage in reply


def test_brief_latest_and_article(bot: BotHarness) -> None:
    bot.send(PRIVATE, ALICE, "/subscribe 航運")
    brief = "\n".join(texts(bot.send(PRIVATE, ALICE, "/brief")))
    assert "最新簡報" in brief and "貨櫃航運" in brief
    latest = sent(bot.send(PRIVATE, ALICE, "/latest"))[0]
    assert "最新文章" in latest.params["text"]
    red_sea = bot.article_id("紅海航線恢復在即,貨櫃航運的高股息神話還能延續嗎?")
    article = "\n".join(texts(bot.send(PRIVATE, ALICE, f"/article {red_sea}")))
    assert "紅海" in article
    assert "找不到編號" in texts(bot.send(PRIVATE, ALICE, "/article 99999"))[0]


def test_long_reply_is_split_under_the_limit(bot: BotHarness) -> None:
    article_id = bot.article_id("超長的儲能產業分析")
    calls = bot.send(PRIVATE, ALICE, f"/article {article_id}")
    pieces = sent(calls)
    assert len(pieces) >= 2
    assert all(c.ok for c in calls)  # the emulator enforces 4096 chars and valid HTML


def test_search_paginates_with_buttons(bot: BotHarness) -> None:
    [first] = sent(bot.send(PRIVATE, ALICE, "/search 投資人"))
    labels = buttons(first)
    assert any(label == "▶" for label, _ in labels)
    forward = next(d for label, d in labels if label == "▶")
    calls = bot.press(PRIVATE, ALICE, first.result["message_id"], forward)
    edit = next(c for c in calls if c.method == "editMessageText")
    assert edit.ok and "2/" in edit.params["text"]
    assert any(label == "◀" for label, _ in buttons(edit))


def test_company_and_sector(bot: BotHarness) -> None:
    reply = "\n".join(texts(bot.send(PRIVATE, ALICE, "/company 英伟达")))
    assert "輝達" in reply and "NVIDIA新平台放量" in reply
    reply = "\n".join(texts(bot.send(PRIVATE, ALICE, "/sector 散熱")))
    assert "散熱" in reply and "浸沒式" in reply
    # Not a topic or an industry: the reader's own word finds the article that uses it.
    reply = "\n".join(texts(bot.send(PRIVATE, ALICE, "/sector 快接頭")))
    assert "NVIDIA新平台放量" in reply and "快接頭" in reply
    [unknown] = sent(bot.send(PRIVATE, ALICE, "/company Nvidai"))
    assert "找不到公司" in unknown.params["text"]
    suggestion = buttons(unknown)
    assert suggestion and suggestion[0][1].startswith("c:")
    calls = bot.press(PRIVATE, ALICE, unknown.result["message_id"], suggestion[0][1])
    assert any(c.method == "sendMessage" and c.ok for c in calls)


def test_plain_text_is_a_lookup(bot: BotHarness) -> None:
    """No command: a company, else a sector, else a search, else a hint; never silence."""
    company = "\n".join(texts(bot.send(PRIVATE, ALICE, "英伟达")))
    assert "輝達" in company and "NVIDIA新平台放量" in company
    sector = "\n".join(texts(bot.send(PRIVATE, ALICE, "散熱")))
    assert "浸沒式" in sector
    words = "\n".join(texts(bot.send(PRIVATE, ALICE, "快接頭")))
    assert "NVIDIA新平台放量" in words
    nothing = texts(bot.send(PRIVATE, ALICE, "zzqx"))
    assert nothing and "找不到「zzqx」" in nothing[0]
    long_text = texts(bot.send(PRIVATE, ALICE, "今天天氣很好" * 20))
    assert long_text and "/help" in long_text[0]


def test_unknown_names_offer_search_not_noise(bot: BotHarness) -> None:
    [reply] = sent(bot.send(PRIVATE, ALICE, "/company zzqx"))
    assert "/search zzqx" in reply.params["text"] and not buttons(reply)
    [reply] = sent(bot.send(PRIVATE, ALICE, "/sector zzqx"))
    assert "/search zzqx" in reply.params["text"] and not buttons(reply)


def test_plain_text_in_groups_is_ignored(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ALICE)
    assert not texts(bot.send(GROUP, ALICE, "台積電"))


def test_hostile_input_is_escaped(bot: BotHarness) -> None:
    calls = bot.send(PRIVATE, ALICE, "/company <script>alert('x')</script> & <b>")
    [reply] = sent(calls)
    assert "<script>" in reply.result["text"]  # shown literally to the user
    assert all(c.ok for c in calls)
    calls = bot.send(PRIVATE, ALICE, "/search </b><i>&amp")
    assert all(c.ok for c in calls) and sent(calls)


def test_invisible_characters_never_reach_a_reply(bot: BotHarness) -> None:
    """A right-to-left override or a zero-width space in a query is not echoed back."""
    calls = bot.send(PRIVATE, ALICE, "/company Nv\u200bid\u202eai\x1b[2J")
    [reply] = sent(calls)
    text = reply.result["text"]
    assert all(c.ok for c in calls)
    assert not any(ch in text for ch in "\u200b\u202e\x1b")


def test_pause_resume_stop(bot: BotHarness) -> None:
    assert "已暫停" in texts(bot.send(PRIVATE, ALICE, "/pause"))[0]
    assert "本來就是暫停" in texts(bot.send(PRIVATE, ALICE, "/pause"))[0]
    assert "已恢復" in texts(bot.send(PRIVATE, ALICE, "/resume"))[0]
    [confirm] = sent(bot.send(PRIVATE, ALICE, "/stop"))
    no = next(d for _, d in buttons(confirm) if d.endswith("no"))
    bot.press(PRIVATE, ALICE, confirm.result["message_id"], no)
    assert bot.chat(PRIVATE.id) is not None
    [confirm] = sent(bot.send(PRIVATE, ALICE, "/stop"))
    yes = next(d for _, d in buttons(confirm) if d.endswith("yes"))
    calls = bot.press(PRIVATE, ALICE, confirm.result["message_id"], yes)
    assert any(c.method == "editMessageText" and c.ok for c in calls)
    assert bot.chat(PRIVATE.id) is None


def test_languages(bot: BotHarness) -> None:
    assert "English" in texts(bot.send(PRIVATE, ALICE, "/lang en"))[0]
    assert texts(bot.send(PRIVATE, ALICE, "/help"))[0].startswith("<b>Commands</b>")
    simplified = FakeUser(id=601, first_name="Li", language_code="zh-hans")
    chat = FakeChat(id=601)
    reply = texts(bot.send(chat, simplified, "/help"))[0]
    assert "指令一览" in reply  # Simplified script via OpenCC


def test_help_lists_every_command(bot: BotHarness) -> None:
    reply = texts(bot.send(PRIVATE, ALICE, "/help"))[0]
    for command in ("/brief", "/company", "/sector", "/search", "/topics", "/time", "/stop"):
        assert command in reply
    assert "/ingest" not in reply
    assert "/ingest" in texts(bot.send(FakeChat(id=OPERATOR.id), OPERATOR, "/help"))[0]
    usage = texts(bot.send(FakeChat(id=OPERATOR.id), OPERATOR, "/ingest"))[0]
    assert usage.startswith("用法") and "/ingest" in usage


def test_operator_commands(bot: BotHarness, http_server) -> None:
    refusal = texts(bot.send(PRIVATE, ALICE, "/stats"))[0]
    assert "營運者" in refusal and f"<code>{ALICE.id}</code>" in refusal  # the id to configure
    bot.add_to_group(GROUP, ALICE)
    in_group = texts(bot.send(GROUP, ALICE, "/stats"))[0]
    assert "營運者" in in_group and str(ALICE.id) not in in_group  # never shown to a group
    op_chat = FakeChat(id=OPERATOR.id)
    stats = texts(bot.send(op_chat, OPERATOR, "/stats"))[0]
    assert "文章" in stats
    http_server.routes["/a"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        (FIXTURES / "html" / "article.html").read_bytes(),
    )
    calls = bot.send(op_chat, OPERATOR, f"/ingest {http_server.url('/a')}")
    done = texts(calls) + texts(bot.settle(len(bot.api.calls) - 1, quiet=1.0))
    assert any("匯入完成" in t for t in done)


def test_failed_reply_gets_an_apology_not_a_traceback(bot: BotHarness) -> None:
    bot.send(PRIVATE, ALICE, "/start")
    bot.api.fail(
        "sendMessage",
        chat_id=PRIVATE.id,
        times=1,
        error_code=500,
        description="Internal Server Error",
    )
    calls = bot.send(PRIVATE, ALICE, "/help")
    apology = texts(calls)
    assert apology and "抱歉" in apology[-1]
    assert not any("Traceback" in t for t in apology)


# --- groups --------------------------------------------------------------------


def test_group_intro_once(bot: BotHarness) -> None:
    mark = len(bot.api.calls)
    bot.api.add_bot_to_group(GROUP, ALICE)
    intro = texts(bot.settle(mark))
    assert len(intro) == 1 and "大家好" in intro[0]
    bot.api.remove_bot_from_group(GROUP, ALICE, status="left")
    mark = len(bot.api.calls)
    bot.api.add_bot_to_group(GROUP, ALICE)
    bot.send(GROUP, ALICE, "/help")
    assert sum("大家好" in t for t in texts(bot.api.calls[mark:])) == 0


def test_group_settings_admins_only(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ALICE)
    bot.api.set_member_status(GROUP.id, ALICE.id, "administrator")
    bot.api.set_member_status(GROUP.id, BOB.id, "member")
    refusal = sent(bot.send(GROUP, BOB, "/time 09:00"))[0]
    assert "只有群組管理員" in refusal.params["text"]
    assert bot.chat(GROUP.id).brief_time is None
    ok = sent(bot.send(GROUP, ALICE, "/time 09:00"))[0]
    assert "09:00" in ok.params["text"]
    assert ok.params["reply_parameters"]["message_id"]  # quotes the request in groups
    # Read-only commands work for everyone.
    assert "指令" in texts(bot.send(GROUP, BOB, "/help"))[0]
    assert texts(bot.send(GROUP, BOB, "/brief"))


def test_group_anonymous_admin_and_addressed_commands(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ALICE)
    calls = bot.send(GROUP, None, "/time@briefbot_test_bot 06:45", sender_chat=GROUP)
    assert "06:45" in texts(calls)[0]
    assert not bot.api.calls_of("getChatMember")  # anonymous admins need no lookup
    mark = len(bot.api.calls)
    bot.api.send_message(GROUP, ALICE, "/time@some_other_bot 05:00")
    bot.send(GROUP, ALICE, "/help@briefbot_test_bot")
    assert bot.chat(GROUP.id).brief_time == "06:45"
    assert len(texts(bot.api.calls[mark:])) == 1


def test_group_toggle_refused_for_members(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ALICE)
    bot.api.set_member_status(GROUP.id, ALICE.id, "creator")
    [keyboard] = sent(bot.send(GROUP, ALICE, "/topics"))
    calls = bot.press(GROUP, BOB, keyboard.result["message_id"], "t:cooling")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert answer.params.get("show_alert") and "管理員" in answer.params["text"]
    assert not any(c.method == "editMessageReplyMarkup" for c in calls)
    assert bot.chat(GROUP.id).topics == ()
    calls = bot.press(GROUP, ALICE, keyboard.result["message_id"], "t:cooling")
    assert any(c.method == "editMessageReplyMarkup" and c.ok for c in calls)
    assert bot.chat(GROUP.id).topics == ("cooling",)


def test_mytopics_says_when_today_had_nothing_new(bot: BotHarness) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from store import deliveries

    bot.send(PRIVATE, ALICE, "/start")
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Taipei")).date().isoformat()
    db = open_db(bot.db_path)
    deliveries.plan(db, PRIVATE.id, today, [], [])  # a day with nothing new
    db.close()
    assert "今天沒有符合主題的新文章" in texts(bot.send(PRIVATE, ALICE, "/mytopics"))[0]
