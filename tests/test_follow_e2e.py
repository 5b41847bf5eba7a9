"""Follows and alerts end to end: the real Application long polling the loopback Bot API.

Also a SIGKILL in the middle of an alert burst: ``briefbot run`` killed with -9 and
started again delivers every alert, repeating at most the one in flight.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.loopback import FakeChat, FakeUser, LoopbackBotAPI
from bot.messages.keyboards import more_ids
from bot.messages.render import article_command, visible_length
from bot.messages.views import BRIEF_PIECE_LIMIT
from digests.follows import COMPANY, KEYWORD, keyword_key
from digests.lexicon import default_lexicon
from store import alerts, chats, deliveries, follows, open_db
from tests.bot_harness import BotHarness, buttons, texts
from tests.conftest import ROOT
from tests.follow_fixtures import COMPANY_TEXT, KEYWORD_TEXT, add_article, tsmc_key

ANN = FakeUser(id=811, first_name="Ann", language_code="zh-hant")
ANN_CHAT = FakeChat(id=811)
ENG = FakeUser(id=812, first_name="Eve", language_code="en")
CN = FakeUser(id=813, first_name="Li", language_code="zh-cn")
ADMIN = FakeUser(id=814, first_name="Ad", language_code="zh-hant")
MEMBER = FakeUser(id=815, first_name="Mem", language_code="zh-hant")
GROUP = FakeChat(id=-100818, type="supergroup", title="投資社")
OPERATOR = FakeUser(id=919, first_name="Op", language_code="zh-hant")

PAGE = (
    "<html><head><title>先進封裝擴產</title></head><body><article>"
    "<h1>先進封裝擴產,設備鏈接單看到年底</h1>"
    f"<p>{COMPANY_TEXT}</p>"
    "<p>多家設備業者表示,濕製程與檢測設備的訂單能見度已經延伸到明年第二季。</p>"
    "</article></body></html>"
).encode()


@pytest.fixture
def bot(store_copy: Path) -> Iterator[BotHarness]:
    with BotHarness(store_copy, admins=[OPERATOR.id]) as harness:
        yield harness


def said(calls) -> list[str]:  # type: ignore[no-untyped-def]
    """Replies with Chinese full-width punctuation folded (：， → :,) for plain assertions."""
    return [unicodedata.normalize("NFKC", t) for t in texts(calls)]


def _one(calls):  # type: ignore[no-untyped-def]
    return next(c for c in calls if c.method == "sendMessage" and c.ok)


def test_follow_unfollow_following_and_settings(bot: BotHarness) -> None:
    assert said(bot.send(ANN_CHAT, ANN, "/follow"))[0].startswith("用法:/follow")
    assert "已追蹤公司「台積電」" in said(bot.send(ANN_CHAT, ANN, "/follow 2330"))[0]
    assert "已經在追蹤" in said(bot.send(ANN_CHAT, ANN, "/follow TSMC"))[0]
    followed = said(bot.send(ANN_CHAT, ANN, "/follow 矽光子"))[0]
    assert "已追蹤關鍵字「矽光子」" in followed and "/alerts on" in followed
    # Several companies match: buttons, plus following the words as a keyword.
    pick = _one(bot.send(ANN_CHAT, ANN, "/follow 國泰"))
    data = [d for _, d in buttons(pick)]
    assert "fk:國泰" in data and len([d for d in data if d.startswith("fc:")]) >= 2
    company = next(d for label, d in buttons(pick) if label == "國泰金")
    chosen = said(bot.press(ANN_CHAT, ANN, pick.result["message_id"], company))
    assert any("已追蹤公司「國泰金」" in t for t in chosen)
    listing = _one(bot.send(ANN_CHAT, ANN, "/following"))
    assert "追蹤清單" in said([listing])[0] and "(3/50)" in said([listing])[0]
    removes = [d for _, d in buttons(listing)]
    assert len(removes) == 3 and all(d.startswith("uf:") for d in removes)
    cathay = next(d for label, d in buttons(listing) if "國泰金" in label)
    edited = bot.press(ANN_CHAT, ANN, listing.result["message_id"], cathay)
    assert [c.method for c in edited if c.ok] == ["answerCallbackQuery", "editMessageText"]
    redrawn = unicodedata.normalize("NFKC", edited[-1].params["text"])
    assert "國泰金" not in redrawn and "(2/50)" in redrawn
    assert "已取消追蹤「矽光子」" in said(bot.send(ANN_CHAT, ANN, "/unfollow 硅光子"))[0]
    assert "你沒有追蹤" in said(bot.send(ANN_CHAT, ANN, "/unfollow 玻璃基板"))[0]
    assert "用法" in said(bot.send(ANN_CHAT, ANN, "/alerts maybe"))[0]
    assert "已開啟即時提醒" in said(bot.send(ANN_CHAT, ANN, "/alerts on"))[0]
    assert "不是有效的時段" in said(bot.send(ANN_CHAT, ANN, "/quiet 25:00-07:00"))[0]
    assert "22:00–07:00" in said(bot.send(ANN_CHAT, ANN, "/quiet 22:00-07:00"))[0]
    assert "用法" in said(bot.send(ANN_CHAT, ANN, "/days sometimes"))[0]
    weekdays = said(bot.send(ANN_CHAT, ANN, "/days weekdays"))[0]
    assert "週一到週五" in weekdays
    next_at = bot.services.next_delivery_at(bot.chat(ANN_CHAT.id))
    assert next_at.weekday() < 5 and f"{next_at:%H:%M}" in weekdays
    settings = said(bot.send(ANN_CHAT, ANN, "/mytopics"))[0]
    for expected in ("🏢台積電", "即時提醒:開啟", "勿擾時段:22:00–07:00", "週一到週五"):
        assert expected in settings, expected
    chat = bot.chat(ANN_CHAT.id)
    assert chat.alerts and chat.quiet == "22:00-07:00" and chat.days == "weekdays"
    help_text = said(bot.send(ANN_CHAT, ANN, "/help"))[0]
    for command in ("/follow", "/unfollow", "/following", "/alerts", "/quiet", "/days"):
        assert command in help_text
    menus = [c for c in bot.api.calls_of("setMyCommands")]
    assert all(
        {"follow", "alerts", "quiet", "days"} <= {m["command"] for m in c.params["commands"]}
        for c in menus
    )


def test_usage_lines_in_every_language(bot: BotHarness) -> None:
    english = said(bot.send(FakeChat(id=ENG.id), ENG, "/quiet"))[0]
    assert english.startswith("Usage: /quiet HH:MM-HH:MM")
    assert said(bot.send(FakeChat(id=ENG.id), ENG, "/days"))[0].startswith("Usage: /days")
    simplified = said(bot.send(FakeChat(id=CN.id), CN, "/follow"))[0]
    assert simplified.startswith("用法:/follow 公司或关键字")
    assert "/alerts on" in said(bot.send(FakeChat(id=CN.id), CN, "/alerts"))[0]


def test_group_follows_are_for_admins(bot: BotHarness) -> None:
    bot.add_to_group(GROUP, ADMIN)
    bot.api.set_member_status(GROUP.id, ADMIN.id, "administrator")
    bot.api.set_member_status(GROUP.id, MEMBER.id, "member")
    for command in ("/follow 台積電", "/alerts on", "/quiet off", "/days weekdays"):
        assert "只有群組管理員" in said(bot.send(GROUP, MEMBER, command))[0], command
    assert bot.chat(GROUP.id).days == "all" and not bot.chat(GROUP.id).alerts
    assert "已追蹤公司「台積電」" in said(bot.send(GROUP, ADMIN, "/follow 台積電"))[0]
    listing = _one(bot.send(GROUP, MEMBER, "/following"))  # reading is for everyone
    [(_, remove)] = buttons(listing)
    refused = bot.press(GROUP, MEMBER, listing.result["message_id"], remove)
    assert refused[0].method == "answerCallbackQuery" and refused[0].params.get("show_alert")
    assert len(_follows(bot, GROUP.id)) == 1


def _follows(bot: BotHarness, chat_id: int) -> list:
    db = open_db(bot.db_path)
    try:
        return follows.list_follows(db, chat_id)
    finally:
        db.close()


def test_operator_ingest_alerts_followers_at_once(bot: BotHarness, http_server) -> None:
    bot.send(ANN_CHAT, ANN, "/follow 台積電")
    bot.send(ANN_CHAT, ANN, "/alerts on")
    http_server.routes["/news"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
    op_chat = FakeChat(id=OPERATOR.id)
    before = len(bot.api.calls_of("sendMessage", ANN_CHAT.id))
    bot.send(op_chat, OPERATOR, f"/ingest {http_server.url('/news')}")
    alert = bot.api.wait_for("sendMessage", chat_id=ANN_CHAT.id, count=before + 1, timeout=20)[-1]
    assert "台積電" in alert.params["text"] and "擴大先進封裝產能" in alert.params["text"]
    [(_label, read)] = buttons(alert)
    assert read.startswith("fa:")
    digest = said(bot.press(ANN_CHAT, ANN, alert.result["message_id"], read))
    assert any("先進封裝擴產" in t for t in digest)


def test_weekday_job_skips_the_weekend_across_dst(bot: BotHarness) -> None:
    bot.send(ANN_CHAT, ANN, "/start")
    bot.send(ANN_CHAT, ANN, "/timezone 紐約")
    bot.send(ANN_CHAT, ANN, "/days weekdays")

    async def trigger():  # type: ignore[no-untyped-def]
        [job] = bot.app.job_queue.get_jobs_by_name(f"brief:{ANN_CHAT.id}")
        return job.job.trigger

    cron = bot._run(trigger())
    friday = datetime(2025, 3, 7, 13, 30, tzinfo=UTC)  # after 08:00 EST on Friday
    fire = cron.get_next_fire_time(None, friday)
    local = fire.astimezone(ZoneInfo("America/New_York"))
    # Saturday and Sunday (the spring-forward day) are skipped: Monday 08:00 EDT.
    assert (local.date().isoformat(), local.hour) == ("2025-03-10", 8)
    assert fire.astimezone(UTC).hour == 12


# --- SIGKILL during an alert burst ------------------------------------------------------


def _burst_store(db_path: Path, api: LoopbackBotAPI, n: int) -> None:
    """``n`` chats with alerts on follow 台積電; one new article names it."""
    db = open_db(db_path)
    key = tsmc_key()
    with db.atomic():
        for i in range(n):
            chat_id = 6000 + i
            chats.register_chat(db, chat_id, "private", None)
            follows.add_follow(db, chat_id, COMPANY, key, "台積電")
            follows.add_follow(db, chat_id, KEYWORD, keyword_key("封裝"), "封裝")
            follows.set_alerts(db, chat_id, True)
            api.add_chat(FakeChat(id=chat_id), FakeUser(id=chat_id))
    alerts.start_watermark(db, follows.newest_article_id(db))
    add_article(db, 900, COMPANY_TEXT)
    db.close()


def test_sigkill_mid_alert_burst_loses_nothing(store_copy: Path) -> None:
    chats_n = 150
    with LoopbackBotAPI() as api:
        _burst_store(store_copy, api, chats_n)
        api.delay("sendMessage", 0.02, times=100_000)
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.base_url,
            "BRIEFBOT_DB": str(store_copy),
            "BRIEFBOT_SEND_RATE": "300",
            "BRIEFBOT_GRACE_HOURS": "0",
        }
        command = [sys.executable, "-m", "bot.cli", "run"]
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            api.wait_for("sendMessage", count=40, timeout=90)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
        killed_at = len(api.calls_of("sendMessage"))
        assert killed_at < chats_n, "the burst finished before the kill; slow it down"
        restarted = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            api.wait_for("sendMessage", count=chats_n, timeout=120)
            time.sleep(1.5)  # a repeat, if any, would show up now
            received: dict[int, int] = {}
            for call in api.calls_of("sendMessage"):
                if call.ok:
                    received[call.chat_id] = received.get(call.chat_id, 0) + 1
        finally:
            restarted.send_signal(signal.SIGTERM)
            _, stderr = restarted.communicate(timeout=30)
    assert set(received) == {6000 + i for i in range(chats_n)}
    doubled = [chat for chat, count in received.items() if count > 1]
    assert len(doubled) <= 1, doubled
    assert "Traceback" not in stderr.decode()
    db = open_db(store_copy)
    assert alerts.counts(db) == {"sent": chats_n}
    db.close()
    assert default_lexicon()  # the lexicon the article was digested with


def test_articles_from_briefbot_ingest_are_alerted_by_the_running_bot(
    bot: BotHarness, tmp_path: Path
) -> None:
    """``briefbot ingest`` in another process tells the bot nothing: the sweep finds the
    articles stored after its watermark (it runs every minute; here it is run at once)."""
    from bot.core.services import ALERTS_NOW

    bot.send(ANN_CHAT, ANN, "/follow 玻璃基板")
    bot.send(ANN_CHAT, ANN, "/alerts on")
    page = tmp_path / "glass.txt"
    page.write_text(
        "玻璃基板接棒,封裝材料的下一場競賽\n\n"
        "業界預估玻璃基板最快在2027年進入量產,載板廠與設備商已開始送樣驗證。\n\n"
        "法人指出,相關材料的毛利率可望高於傳統有機載板,但良率仍是最大的挑戰。\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(bot.db_path), "ingest", str(page)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    before = len(bot.api.calls_of("sendMessage", ANN_CHAT.id))
    bot._run(bot.app.bot_data[ALERTS_NOW]())
    alert = bot.api.wait_for("sendMessage", chat_id=ANN_CHAT.id, count=before + 1, timeout=20)[-1]
    assert "玻璃基板" in alert.params["text"] and "送樣驗證" in alert.params["text"]


# --- /brief opens with the follow section ------------------------------------------------


def _command_count(text: str, article_id: int) -> int:
    """How often the article's one-tap command appears (``/a12`` is not ``/a123``)."""
    return len(re.findall(rf"{re.escape(article_command(article_id))}(?!\d)", text))


def test_brief_on_demand_opens_with_follows_once_each_phone_sized(bot: BotHarness) -> None:
    bot.send(ANN_CHAT, ANN, "/follow 台積電")
    bot.send(ANN_CHAT, ANN, "/follow 矽光子")
    db = open_db(bot.db_path)
    company_id = add_article(db, 700, COMPANY_TEXT)
    keyword_id = add_article(db, 701, KEYWORD_TEXT)
    db.close()
    calls = [c for c in bot.send(ANN_CHAT, ANN, "/brief") if c.method == "sendMessage" and c.ok]
    pieces = [str(c.params["text"]) for c in calls]
    whole = "\n\n".join(pieces)
    assert pieces[0].startswith("<b>🔔 你追蹤的公司與關鍵字</b>")
    # The topics follow the follows (no topics picked: all of them), each article once.
    assert "📰" in whole and whole.index("你追蹤的") < whole.index("📰")
    for article_id in (company_id, keyword_id):
        assert _command_count(whole, article_id) == 1, article_id
    follow_part = whole.split("<b>📰")[0]
    assert follow_part.index(article_command(company_id)) < follow_part.index(
        article_command(keyword_id)
    )
    assert "擴大先進封裝產能" in follow_part and "試產訂單" in follow_part
    assert all(visible_length(p) <= BRIEF_PIECE_LIMIT for p in pieces)
    # The follow section has its own "more" button; the last one expands everything.
    labelled = buttons(calls[-1])
    assert labelled and all(not buttons(c) for c in calls[:-1])
    ids = [more_ids(data) or [] for _, data in labelled]
    assert ids[0] == [company_id, keyword_id] and "追蹤" in labelled[0][0]
    assert {company_id, keyword_id} <= set(ids[-1])
    # Asking never touches the ledger: the next push still carries both articles.
    db = open_db(bot.db_path)
    assert not deliveries.delivered_article_ids(db, ANN_CHAT.id)
    db.close()
    assert _command_count("\n".join(texts(bot.send(ANN_CHAT, ANN, "/brief"))), company_id) == 1


def test_brief_on_demand_follow_section_in_every_language(bot: BotHarness) -> None:
    eve = FakeChat(id=ENG.id)
    plain = texts(bot.send(eve, ENG, "/brief"))
    assert plain and not any("What you follow" in t for t in plain)
    bot.send(eve, ENG, "/follow TSMC")
    db = open_db(bot.db_path)
    company_id = add_article(db, 710, COMPANY_TEXT)
    db.close()
    answer = texts(bot.send(eve, ENG, "/brief"))
    assert answer[0].startswith("<b>🔔 What you follow</b>")
    assert _command_count("\n\n".join(answer), company_id) == 1
    li = FakeChat(id=CN.id)
    bot.send(li, CN, "/follow 台积电")
    simplified = texts(bot.send(li, CN, "/brief"))
    assert simplified[0].startswith("<b>🔔 你追踪的公司与关键字</b>")
    assert "扩大先进封装产能" in simplified[0]


# --- feed polling -> alert sweep ------------------------------------------------------

FEED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
    "<title>測試產業快訊</title><link>https://example.com/wire</link>"
    "<description>自行撰寫的測試訊息</description>"
    "<item><title>封裝產能再擴張,設備廠訂單排到年底</title>"
    "<link>https://example.com/wire/packaging-1</link><guid>wire-packaging-1</guid>"
    "<pubDate>Mon, 02 Jun 2025 09:00:00 +0800</pubDate>"
    f"<content:encoded><![CDATA[<p>{COMPANY_TEXT}</p>"
    "<p>設備業者指出,濕製程與量測設備的交期已拉長到六個月以上。</p>]]></content:encoded>"
    "</item></channel></rss>"
).encode()


def test_feed_poll_job_alerts_a_follower_exactly_once(store_copy: Path, http_server) -> None:
    """The feeds job polls a feed (conditional GET), stores its new entry, and the sweep
    that follows the poll alerts the chat following the company the entry names: once."""
    http_server.routes["/wire.xml"] = (
        200,
        {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": '"wire-1"'},
        FEED,
    )
    db = open_db(store_copy)
    chats.register_chat(db, ANN_CHAT.id, "private", None)
    follows.add_follow(db, ANN_CHAT.id, COMPANY, tsmc_key(), "台積電")
    follows.set_alerts(db, ANN_CHAT.id, True)
    db.close()
    env = {"BRIEFBOT_FEEDS": http_server.url("/wire.xml")}
    with BotHarness(store_copy, env=env) as harness:
        harness.api.add_chat(ANN_CHAT, ANN)
        # The job's first poll comes a few seconds after start-up.
        [alert] = harness.api.wait_for("sendMessage", chat_id=ANN_CHAT.id, count=1, timeout=30)
        assert "台積電" in alert.params["text"] and "封裝產能再擴張" in alert.params["text"]
        assert "擴大先進封裝產能" in alert.params["text"]
        [job] = harness.app.job_queue.get_jobs_by_name("feeds")
        harness._run(job.run(harness.app))  # polled again: the same entry, nothing new
        time.sleep(0.5)
        sent = [c for c in harness.api.calls_of("sendMessage", ANN_CHAT.id) if c.ok]
    assert len(sent) == 1
    db = open_db(store_copy)
    assert alerts.counts(db) == {"sent": 1}
    [feed] = db.query("SELECT articles, etag FROM feeds")
    db.close()
    assert feed == {"articles": 1, "etag": '"wire-1"'}


# --- the 51st follow; /help and the menus in every language ----------------------------

FOLLOW_COMMANDS = ("follow", "unfollow", "following", "alerts", "quiet", "days")


def test_the_51st_follow_gets_the_limit_message(bot: BotHarness) -> None:
    bot.send(ANN_CHAT, ANN, "/follow 矽光子")
    db = open_db(bot.db_path)
    for n in range(follows.MAX_FOLLOWS - 1):
        assert follows.add_follow(db, ANN_CHAT.id, KEYWORD, f"測試詞{n}", f"測試詞{n}") == "added"
    db.close()
    full = said(bot.send(ANN_CHAT, ANN, "/follow 台積電"))[0]
    assert "最多只能追蹤 50 項" in full and "/unfollow" in full
    assert "已經在追蹤" in said(bot.send(ANN_CHAT, ANN, "/follow 矽光子"))[0]
    # A company picked from buttons meets the same limit.
    pick = _one(bot.send(ANN_CHAT, ANN, "/follow 國泰"))
    company = next(d for label, d in buttons(pick) if label == "國泰金")
    assert any(
        "最多只能追蹤 50 項" in t
        for t in said(bot.press(ANN_CHAT, ANN, pick.result["message_id"], company))
    )
    bot.send(ANN_CHAT, ANN, "/lang en")  # the limit message in English too
    assert "at most 50" in said(bot.send(ANN_CHAT, ANN, "/follow CPO"))[0]
    assert len(_follows(bot, ANN_CHAT.id)) == follows.MAX_FOLLOWS
    # Removing one makes room again.
    bot.send(ANN_CHAT, ANN, "/unfollow 測試詞0")
    assert "TSMC" in said(bot.send(ANN_CHAT, ANN, "/follow 台積電"))[0]


@pytest.mark.parametrize(
    ("user", "expected"),
    [(ANN, "追蹤公司或關鍵字"), (ENG, "follow a company or keyword"), (CN, "追踪公司或关键字")],
)
def test_help_lists_the_follow_commands_in_every_language(
    bot: BotHarness, user: FakeUser, expected: str
) -> None:
    help_text = said(bot.send(FakeChat(id=user.id), user, "/help"))[0]
    assert expected in help_text
    for command in FOLLOW_COMMANDS:
        assert re.search(rf"/{command}\b", help_text), command


def test_menus_list_the_follow_commands(bot: BotHarness) -> None:
    menus = bot.api.calls_of("setMyCommands")
    assert {c.params.get("language_code") for c in menus} == {None, "en"}
    for call in menus:
        listed = {m["command"]: m["description"] for m in call.params["commands"]}
        assert set(FOLLOW_COMMANDS) <= set(listed), call.params
        english = call.params.get("language_code") == "en"
        assert listed["follow"].startswith("follow a company") == english
