"""End to end, language and input (issue 14): /time and /timezone as people type them,
/unsubscribe alone, topic keyboards for group admins only, a group's one language,
English and Simplified (mainland wording) replies.  Loopback Bot API, real Application."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.loopback import FakeChat, FakeUser
from digests.models import Article, Section
from digests.textproc import to_simplified
from tests.bot_harness import BotHarness, buttons, harness_on_copy, sent, texts
from tests.conftest import build_store

ANN = FakeUser(id=701, first_name="Ann", language_code="zh-hant")
BEN = FakeUser(id=702, first_name="Ben", language_code="en")
LI = FakeUser(id=703, first_name="Li", language_code="zh-hans")
PRIVATE = FakeChat(id=701, type="private")
GROUP = FakeChat(id=-100888, type="supergroup", title="研究群")

# Composed for these tests: Taiwanese wording that mainland readers write differently.
SERVER_TEXT = (
    "隨著生成式AI普及，台積電與鴻海持續擴充伺服器產能，今年營收預估年增35%。",
    "雲端業者也加快導入企業軟體，資料中心的網路頻寬需求倍增。",
)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    article = Article(
        "伺服器與軟體需求升溫",
        (Section("", SERVER_TEXT), Section("展望", ("法人預估明年伺服器出貨再成長兩成。",))),
        "test",
        "text",
    )
    return build_store(tmp_path_factory.mktemp("lang") / "base.db", [article])


@pytest.fixture
def bot(base_db: Path, tmp_path: Path) -> Iterator[BotHarness]:
    with harness_on_copy(base_db, tmp_path) as harness:
        yield harness


# --- /time and /timezone ---------------------------------------------------------


def test_time_alone_shows_the_current_setting(bot: BotHarness) -> None:
    [reply] = texts(bot.send(PRIVATE, ANN, "/time"))
    assert "08:00" in reply and "台北時間 (UTC+8)" in reply and "下一次推送" in reply
    assert "Asia/Taipei" not in reply
    assert bot.chat(PRIVATE.id).brief_time is None  # nothing changed


def test_time_as_people_type_it(bot: BotHarness) -> None:
    reply = texts(bot.send(PRIVATE, ANN, "/time 下午3點"))[0]
    assert "15:00" in reply and "台北時間 (UTC+8)" in reply
    assert reply.count("UTC+8") == 1  # one friendly zone name, not the IANA id twice
    assert bot.chat(PRIVATE.id).brief_time == "15:00"
    bot.send(PRIVATE, ANN, "/time 0730")
    assert bot.chat(PRIVATE.id).brief_time == "07:30"
    reply = texts(bot.send(PRIVATE, ANN, "/time 9pm Tokyo"))[0]
    chat = bot.chat(PRIVATE.id)
    assert (chat.brief_time, chat.timezone) == ("21:00", "Asia/Tokyo")
    assert "東京時間 (UTC+9)" in reply


def test_timezone_abbreviations_offsets_and_refusals(bot: BotHarness) -> None:
    reply = texts(bot.send(PRIVATE, ANN, "/timezone EST"))[0]
    assert bot.chat(PRIVATE.id).timezone == "America/New_York"
    assert "紐約時間" in reply and "夏令時間" in reply
    reply = texts(bot.send(PRIVATE, ANN, "/timezone CST"))[0]
    assert "好幾個時區" in reply and "台北時間" in reply and "芝加哥時間" in reply
    assert bot.chat(PRIVATE.id).timezone == "America/New_York"  # refused: unchanged
    reply = texts(bot.send(PRIVATE, ANN, "/timezone UTC+5:30"))[0]
    assert bot.chat(PRIVATE.id).timezone == "Asia/Kolkata" and "沒有夏令時間" in reply
    reply = texts(bot.send(PRIVATE, ANN, "/timezone GMT+8"))[0]
    assert bot.chat(PRIVATE.id).timezone == "Etc/GMT-8" and "固定時差" in reply
    bot.send(PRIVATE, ANN, "/timezone 台北時間")
    assert bot.chat(PRIVATE.id).timezone == "Asia/Taipei"
    reply = texts(bot.send(PRIVATE, ANN, "/timezone Tokio"))[0]
    assert "不認得時區" in reply and "東京時間" in reply  # a suggestion
    reply = texts(bot.send(PRIVATE, ANN, "/timezone"))[0]
    assert reply.startswith("用法") and "台北時間 (UTC+8)" in reply


def test_group_members_may_ask_the_time_but_not_change_it(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ANN)
    bot.api.set_member_status(GROUP.id, ANN.id, "administrator")
    bot.api.set_member_status(GROUP.id, BEN.id, "member")
    assert "08:00" in texts(bot.send(GROUP, BEN, "/time"))[0]
    assert "管理員" in texts(bot.send(GROUP, BEN, "/time 9點"))[0]
    assert bot.chat(GROUP.id).brief_time is None
    assert "09:00" in texts(bot.send(GROUP, ANN, "/time 9點"))[0]


# --- /unsubscribe alone, topic keyboards --------------------------------------------


def test_unsubscribe_alone_lists_subscriptions_as_buttons(bot: BotHarness) -> None:
    assert "沒有訂閱" in texts(bot.send(PRIVATE, ANN, "/unsubscribe"))[0]
    bot.send(PRIVATE, ANN, "/subscribe 散熱")
    bot.send(PRIVATE, ANN, "/subscribe 半導體")
    [listing] = sent(bot.send(PRIVATE, ANN, "/unsubscribe"))
    labels = dict(buttons(listing))
    assert set(labels) == {"✖ 散熱", "✖ 半導體"}
    calls = bot.press(PRIVATE, ANN, listing.result["message_id"], labels["✖ 散熱"])
    assert any(c.method == "editMessageReplyMarkup" and c.ok for c in calls)
    assert bot.chat(PRIVATE.id).topics == ("semiconductors",)
    calls = bot.press(PRIVATE, ANN, listing.result["message_id"], labels["✖ 半導體"])
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "沒有訂閱" in edited.params["text"]
    assert bot.chat(PRIVATE.id).topics == ()


def test_topic_keyboards_in_groups_are_for_admins(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ANN)
    bot.api.set_member_status(GROUP.id, ANN.id, "creator")
    bot.api.set_member_status(GROUP.id, BEN.id, "member")
    [member_view] = sent(bot.send(GROUP, BEN, "/topics"))
    assert not buttons(member_view) and "管理員" in member_view.params["text"]
    [member_start] = sent(bot.send(GROUP, BEN, "/start"))
    assert not buttons(member_start) and not bot.chat(GROUP.id).enrolled
    [admin_view] = sent(bot.send(GROUP, ANN, "/topics"))
    assert buttons(admin_view)
    calls = bot.press(GROUP, BEN, admin_view.result["message_id"], "t:cooling")
    alert = next(c for c in calls if c.method == "answerCallbackQuery")
    assert alert.params.get("show_alert") and "管理員" in alert.params["text"]
    assert bot.chat(GROUP.id).topics == ()


# --- languages ----------------------------------------------------------------------


def test_a_group_speaks_the_groups_language(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ANN)
    bot.api.set_member_status(GROUP.id, ANN.id, "administrator")
    # No /lang yet: the default for everyone, whatever their own Telegram language.
    assert "指令一覽" in texts(bot.send(GROUP, BEN, "/help"))[0]
    bot.send(GROUP, ANN, "/lang en")
    assert texts(bot.send(GROUP, ANN, "/help"))[0].startswith("<b>Commands</b>")
    assert texts(bot.send(GROUP, LI, "/help"))[0].startswith("<b>Commands</b>")


def test_english_replies(bot: BotHarness) -> None:
    bot.send(PRIVATE, BEN, "/subscribe cooling")
    settings = texts(bot.send(PRIVATE, BEN, "/mytopics"))[0]
    assert "Language: English" in settings and "Language: en" not in settings
    assert "Thermal management" in settings and "散熱" not in settings
    assert "Taipei time (UTC+8)" in settings
    assert bot.chat(PRIVATE.id).language == "en"  # so the daily briefing is English too
    [start] = sent(bot.send(PRIVATE, BEN, "/start"))
    labels = [label for label, _ in buttons(start)]
    assert "Semiconductors" in labels and "✅ Thermal management" in labels
    company = texts(bot.send(PRIVATE, BEN, "/company 台積電"))[0]
    assert "<b>TSMC</b>" in company and "1 article mentions TSMC" in company
    sector = texts(bot.send(PRIVATE, BEN, "/sector data center"))[0]
    assert "AI &amp; data centers" in sector
    assert "Companies mentioned most: TSMC, Foxconn" in sector  # article text stays as written


def test_simplified_replies_use_mainland_wording(bot: BotHarness) -> None:
    chat = FakeChat(id=LI.id)
    reply = texts(bot.send(chat, LI, "/latest"))[0]
    assert "服务器与软件需求升温" in reply
    article_id = bot.article_id("伺服器與軟體需求升溫")
    article = texts(bot.send(chat, LI, f"/article {article_id}"))[0]
    assert "随着" in article and "服务器" in article and "随著" not in article
    [start] = sent(bot.send(chat, LI, "/start"))
    assert "半导体" in [label for label, _ in buttons(start)]
    assert "简报" in texts(bot.send(chat, LI, "/help"))[0]  # a briefing, not 演示文稿
    for call in sent(bot.api.calls):
        if call.params["chat_id"] == chat.id:
            body = str(call.params["text"])
            assert to_simplified(body) == body, body  # no Traditional left anywhere
