"""Digest on demand end to end (issue 12): the real Application against the loopback Bot API.

Links are served by a loopback HTTP server (``BRIEFBOT_ALLOW_PRIVATE_URLS=1`` from the
``http_server`` fixture); documents travel through the emulator's getFile and file
endpoint.  Every text here is original, written for these tests.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.loopback import Call, FakeChat, FakeUser
from bot.loopback.files import MAX_DOWNLOAD_BYTES
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.summarize import digest_article
from store import open_db
from store.articles import save_article
from store.reference import sync_reference
from tests.bot_harness import (
    PROGRESS,
    BotHarness,
    answer_after,
    buttons,
    edited_texts,
    say_and_answer,
    texts,
)
from tests.conftest import LoopbackServer

ALICE = FakeUser(id=601, first_name="Alice", username="alice", language_code="zh-hant")
BOB = FakeUser(id=602, first_name="Bob", username="bob", language_code="zh-hant")
OPERATOR = FakeUser(id=990, first_name="Op", username="op", language_code="zh-hant")
ALICE_CHAT = FakeChat(ALICE.id)
BOB_CHAT = FakeChat(BOB.id)
OPERATOR_CHAT = FakeChat(OPERATOR.id)
GROUP = FakeChat(id=-100888, type="supergroup", title="散熱研究群")

ARTICLE_HTML = """<!doctype html>
<html lang="zh-Hant"><head><meta charset="utf-8">
<title>液冷散熱的下一步</title><meta property="og:title" content="液冷散熱的下一步"></head>
<body><article><h1>液冷散熱的下一步</h1>
<p>散熱大廠奇鋐(3017)今年液冷板出貨量預估年增80%,水冷散熱營收占比可望突破三成,
法人估計明年每股盈餘可達25元。</p>
<h2>伺服器液冷滲透率</h2>
<p>隨著高功耗晶片普及,伺服器液冷滲透率明年將從15%提升到30%,奇鋐與雙鴻(3324)同步受惠,
機櫃級液冷方案的單價約為氣冷的五倍。</p>
<p>供應鏈指出,冷卻液分配單元的交期已拉長到20週,顯示需求仍大於供給。</p>
<h2>風險</h2>
<p>若雲端業者放緩資本支出,液冷訂單可能遞延;此外,新進業者加入將壓縮毛利率約2個百分點。</p>
</article></body></html>
"""

PASTED = (
    "儲能櫃出貨展望\n"
    "台達電(2308)表示,明年儲能系統營收將倍增,大型案場的訂單能見度已達六個月,"
    "毛利率可望維持在三成以上。公司同時擴建電池管理系統產線,預計第三季量產。\n"
    "電網業者擴大採購儲能設備,業界估計2030年全球儲能建置規模將達到500GWh,"
    "年複合成長率超過25%。法人建議投資人留意具備系統整合能力的業者,"
    "並注意電芯價格下滑對營收的影響。整體而言,儲能需求仍處於成長初期,"
    "相關供應鏈明年營運可望逐季走高。"
)


def _shared_article() -> Article:
    paragraphs = (
        "半導體設備廠商表示,先進封裝產能擴充帶動設備需求,明年營收可望成長兩成。",
        "法人指出,設備交期仍長,訂單能見度延伸到明年下半年。",
    )
    return Article("先進封裝設備需求", (Section("", paragraphs),), "test", "text")


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ondemand") / "base.db"
    db = open_db(path)
    sync_reference(db, default_lexicon())
    save_article(db, digest_article(_shared_article(), default_lexicon()))
    db.close()
    return path


def _harness(base_db: Path, tmp_path: Path, **env: str) -> BotHarness:
    db = tmp_path / "bot.db"
    db.write_bytes(base_db.read_bytes())
    return BotHarness(db, admins=[OPERATOR.id], env=env)


@pytest.fixture
def bot(base_db: Path, tmp_path: Path) -> Iterator[BotHarness]:
    with _harness(base_db, tmp_path) as harness:
        yield harness


@pytest.fixture
def site(http_server: LoopbackServer) -> LoopbackServer:
    http_server.routes["/cooling.html"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        ARTICLE_HTML.encode(),
    )
    http_server.routes["/to-metadata"] = (
        302,
        {"Location": "http://169.254.169.254/latest/meta-data/"},
        b"",
    )
    return http_server


def _everything(calls: list[Call]) -> str:
    return "\n".join(texts(calls) + edited_texts(calls))


# --- private chats ---------------------------------------------------------------------


def test_link_is_digested_privately_with_progress(bot: BotHarness, site: LoopbackServer) -> None:
    calls = say_and_answer(bot, ALICE_CHAT, ALICE, f"這篇寫得不錯 {site.url('/cooling.html')}")
    actions = [c.params.get("action") for c in calls if c.method == "sendChatAction"]
    assert actions == ["typing"]
    assert texts(calls)[0] == PROGRESS
    [answer] = edited_texts(calls)
    assert "液冷散熱的下一步" in answer
    assert "伺服器液冷滲透率" in answer  # a section digest under its heading
    assert "🔒" in answer
    edit = next(c for c in calls if c.method == "editMessageText")
    assert ("奇鋐", "c:奇鋐") in buttons(edit)
    assert not any(data.startswith("lib:") for _, data in buttons(edit))  # not an operator

    # Alice's own /search, /company and /latest find it; Bob's do not; nor does /brief.
    assert "液冷散熱的下一步" in _everything(bot.send(ALICE_CHAT, ALICE, "/search 液冷"))
    assert "液冷散熱的下一步" not in _everything(bot.send(BOB_CHAT, BOB, "/search 液冷"))
    assert "液冷散熱的下一步" in _everything(bot.send(ALICE_CHAT, ALICE, "/company 奇鋐"))
    assert "液冷散熱的下一步" not in _everything(bot.send(BOB_CHAT, BOB, "/company 奇鋐"))
    assert "液冷散熱的下一步" not in _everything(bot.send(ALICE_CHAT, ALICE, "/brief"))
    assert "先進封裝設備需求" in _everything(bot.send(ALICE_CHAT, ALICE, "/brief"))
    article_id = bot.article_id("液冷散熱的下一步")
    assert "液冷散熱的下一步" in _everything(bot.send(ALICE_CHAT, ALICE, f"/article {article_id}"))
    assert "液冷散熱的下一步" not in _everything(bot.send(BOB_CHAT, BOB, f"/article {article_id}"))

    # The company button answers /company in Alice's chat, with her article.
    message_id = edit.result["message_id"]
    pressed = bot.press(ALICE_CHAT, ALICE, message_id, "c:奇鋐")
    assert "液冷散熱的下一步" in _everything(pressed)


def _feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>第{n}則產業快訊</title><link>https://example.com/news/{n}</link>"
        f"<description>電子零組件廠第{n}季營收年增{10 + n}%,毛利率回升到{20 + n}%。"
        f"法人預估下一季出貨量將持續成長,訂單能見度約{n + 2}個月。</description></item>"
        for n in range(1, items + 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>快訊</title><link>https://example.com/</link>{entries}</channel></rss>"
    ).encode()


def test_feed_link_answers_three_and_lists_the_rest(bot: BotHarness, site: LoopbackServer) -> None:
    site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, _feed(5))
    calls = say_and_answer(bot, ALICE_CHAT, ALICE, site.url("/feed.xml"))
    answers = edited_texts(calls) + [t for t in texts(calls) if "產業快訊" in t]
    assert len(answers) == 3
    assert any("另外整理了 2 篇" in t and re.search(r"/a\d+", t) for t in texts(calls))


def test_pasted_text_is_digested_and_short_text_stays_a_lookup(bot: BotHarness) -> None:
    calls = say_and_answer(bot, ALICE_CHAT, ALICE, PASTED)
    [answer] = edited_texts(calls)
    assert "儲能櫃出貨展望" in answer and "500GWh" in answer
    short = bot.send(ALICE_CHAT, ALICE, "台達電")
    assert PROGRESS not in texts(short)
    assert any("台達電" in t for t in texts(short))


def test_answers_in_the_reader_language(bot: BotHarness) -> None:
    mainland = FakeUser(id=603, first_name="Lin", language_code="zh-hans")
    calls = say_and_answer(bot, FakeChat(mainland.id), mainland, PASTED)
    assert texts(calls)[0] == "⏳ 处理中…"
    assert "只有这个聊天看得到" in edited_texts(calls)[0]
    english = FakeUser(id=604, first_name="Eve", language_code="en")
    mark = len(bot.api.calls)
    bot.api.send_document(FakeChat(english.id), english, b"PK\x03\x04", "deck.docx", None)
    [refusal] = texts(answer_after(bot, mark))
    assert refusal.startswith("⚠️ Only PDF, HTML or text files")


def test_text_document_is_downloaded_and_digested(bot: BotHarness) -> None:
    mark = len(bot.api.calls)
    bot.api.send_document(ALICE_CHAT, ALICE, PASTED.encode(), "儲能筆記.txt", "text/plain")
    calls = answer_after(bot, mark)
    assert [c.params.get("action") for c in calls if c.method == "sendChatAction"] == [
        "upload_document"
    ]
    assert [c.method for c in calls if c.method == "getFile"] == ["getFile"]
    assert len(bot.api.downloads()) == 1
    assert "儲能櫃出貨展望" in edited_texts(calls)[0]


def test_oversize_document_is_refused_before_download(bot: BotHarness) -> None:
    mark = len(bot.api.calls)
    data = b"x" * (MAX_DOWNLOAD_BYTES + 1)
    bot.api.send_document(ALICE_CHAT, ALICE, data, "huge.pdf")
    calls = answer_after(bot, mark)
    [refusal] = texts(calls)
    assert "20 MB" in refusal
    assert not bot.api.calls_of("getFile") and bot.api.downloads() == []


def test_other_files_are_refused_with_a_reason(bot: BotHarness) -> None:
    mark = len(bot.api.calls)
    bot.api.send_document(ALICE_CHAT, ALICE, b"\x89PNG\r\n\x1a\n", "chart.png", "image/png")
    [refusal] = texts(answer_after(bot, mark))
    assert "chart.png" in refusal and bot.api.downloads() == []


def test_private_address_refused_without_the_switch(
    bot: BotHarness, site: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRIEFBOT_ALLOW_PRIVATE_URLS")
    calls = say_and_answer(bot, ALICE_CHAT, ALICE, site.url("/cooling.html"))
    [answer] = edited_texts(calls)
    # The reader gets the localized reason only: the address and the English detail are
    # for the logs ("… (refused: 127.0.0.1 resolves to a loopback address (127.0.0.1))").
    assert "私人網路" in answer and "refused" not in answer and "loopback" not in answer
    with pytest.raises(StopIteration):
        bot.article_id("液冷散熱的下一步")


def test_redirect_to_a_private_address_is_refused(
    bot: BotHarness, site: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loopback site plays a public one; its redirect to the cloud metadata address
    # must be refused before connecting.
    from digests.sources import addresses

    monkeypatch.delenv("BRIEFBOT_ALLOW_PRIVATE_URLS")
    real = addresses.address_problem
    monkeypatch.setattr(
        addresses, "address_problem", lambda ip: None if str(ip) == "127.0.0.1" else real(ip)
    )
    [answer] = edited_texts(say_and_answer(bot, ALICE_CHAT, ALICE, site.url("/to-metadata")))
    assert "私人網路" in answer and "169.254.169.254" not in answer and "refused" not in answer


def test_hostile_text_is_cleaned_and_escaped(bot: BotHarness) -> None:
    hostile = PASTED.replace("儲能櫃出貨展望", "儲能櫃出貨展望:R&D\u202e與<供應鏈>")
    calls = say_and_answer(bot, ALICE_CHAT, ALICE, hostile)
    assert all(c.ok for c in calls), [c.describe() for c in calls]
    [answer] = edited_texts(calls)
    assert "\u202e" not in answer and "R&amp;D與&lt;供應鏈&gt;" in answer


# --- operators -------------------------------------------------------------------------


def test_operator_shares_a_digest_with_the_library(bot: BotHarness, site: LoopbackServer) -> None:
    calls = say_and_answer(bot, OPERATOR_CHAT, OPERATOR, site.url("/cooling.html"))
    edit = next(c for c in calls if c.method == "editMessageText")
    [share] = [data for _, data in buttons(edit) if data.startswith("lib:")]
    assert "液冷散熱的下一步" not in _everything(bot.send(BOB_CHAT, BOB, "/search 液冷"))
    pressed = bot.press(OPERATOR_CHAT, OPERATOR, edit.result["message_id"], share)
    assert any("共用文庫" in t for t in texts(pressed))
    assert "液冷散熱的下一步" in _everything(bot.send(BOB_CHAT, BOB, "/search 液冷"))


# --- groups ----------------------------------------------------------------------------


def test_group_digests_only_when_asked(bot: BotHarness, site: LoopbackServer) -> None:
    bot.api.add_chat(GROUP, ALICE)
    mark = len(bot.api.calls)
    posted = bot.api.send_message(GROUP, ALICE, f"大家看 {site.url('/cooling.html')}")
    time.sleep(1.0)
    assert not [c for c in bot.api.calls[mark:] if c.method == "sendMessage"]  # never unasked

    calls = say_and_answer(
        bot, GROUP, BOB, "/digest", reply_to_message_id=posted["message"]["message_id"]
    )
    assert texts(calls)[0] == PROGRESS
    quoted = calls[[c.method for c in calls].index("sendMessage")]
    assert quoted.params.get("reply_parameters")  # the group reply quotes the request
    assert "液冷散熱的下一步" in edited_texts(calls)[0]
    # Kept for the group: its members' /search finds it, a private chat does not.
    assert "液冷散熱的下一步" in _everything(bot.send(GROUP, BOB, "/search 液冷"))
    assert "液冷散熱的下一步" not in _everything(bot.send(BOB_CHAT, BOB, "/search 液冷"))


def test_group_mention_with_link_and_bare_digest(bot: BotHarness, site: LoopbackServer) -> None:
    bot.api.add_chat(GROUP, ALICE)
    calls = say_and_answer(
        bot, GROUP, ALICE, f"@briefbot_test_bot 幫忙整理 {site.url('/cooling.html')}"
    )
    assert "液冷散熱的下一步" in edited_texts(calls)[0]
    usage = bot.send(GROUP, ALICE, "/digest")
    assert any("/digest" in t for t in texts(usage))
    # /digest in reply to the bot's own answer is not a request to digest the answer.
    answer_id = next(c for c in calls if c.method == "editMessageText").result["message_id"]
    again = say_and_answer(bot, GROUP, BOB, "/digest", reply_to_message_id=answer_id)
    assert not edited_texts(again) and any("/digest" in t for t in texts(again))
    direct = say_and_answer(
        bot, GROUP, BOB, f"/digest@briefbot_test_bot {site.url('/cooling.html')}"
    )
    assert "液冷散熱的下一步" in edited_texts(direct)[0]


# --- limits ----------------------------------------------------------------------------


def test_rate_limit_per_user(base_db: Path, tmp_path: Path) -> None:
    with _harness(base_db, tmp_path, BRIEFBOT_USER_DIGESTS_PER_HOUR="1") as bot:
        assert edited_texts(say_and_answer(bot, ALICE_CHAT, ALICE, PASTED))
        calls = say_and_answer(bot, ALICE_CHAT, ALICE, PASTED.replace("六個月", "九個月"))
        [refusal] = texts(calls)
        assert "每小時最多整理 1 份" in refusal
        assert not edited_texts(calls)  # nothing queued
        assert edited_texts(
            say_and_answer(bot, BOB_CHAT, BOB, PASTED)
        )  # another reader is not held up


def test_time_limit_stops_and_stores_nothing(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.telegram_app.handlers import ondemand

    real = ondemand.ingest_source

    def slow(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        time.sleep(1.5)  # a source that takes longer than the limit
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ondemand, "ingest_source", slow)
    with _harness(base_db, tmp_path, BRIEFBOT_DIGEST_TIMEOUT="0.5") as bot:
        [answer] = edited_texts(say_and_answer(bot, ALICE_CHAT, ALICE, PASTED))
        assert "0.5 秒" in answer
        busy = texts(bot.send(ALICE_CHAT, ALICE, PASTED))  # the thread still runs: one at a time
        assert any("還在處理中" in t for t in busy)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the worker thread finishes, then cleans up
            if not bot.api.calls or _busy_done(bot):
                break
            time.sleep(0.2)
        with pytest.raises(StopIteration):
            bot.article_id("儲能櫃出貨展望")


def _busy_done(bot: BotHarness) -> bool:
    from bot.telegram_app.handlers.ondemand import QUOTA_KEY

    quota = bot.app.bot_data.get(QUOTA_KEY)
    return quota is not None and ALICE.id not in quota._running


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_report_and_scan(bot: BotHarness, tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from tests.pdf_factory import HEADER, build_report, build_scan

    report = build_report(tmp_path / "report.pdf", sections=3)
    mark = len(bot.api.calls)
    bot.api.send_document(ALICE_CHAT, ALICE, report.path.read_bytes(), "封裝報告.pdf")
    calls = answer_after(bot, mark)
    assert [c.params.get("action") for c in calls if c.method == "sendChatAction"] == [
        "upload_document"
    ]
    answer = "\n".join(edited_texts(calls) + texts(calls)[1:])
    assert report.title in answer
    assert any(heading in answer for heading in report.headings)
    assert HEADER not in answer  # running headers and footers are dropped

    scan = build_scan(tmp_path / "scan.pdf")
    mark = len(bot.api.calls)
    bot.api.send_document(BOB_CHAT, BOB, scan.read_bytes(), "掃描.pdf")
    [refusal] = edited_texts(answer_after(bot, mark))
    assert "掃描.pdf" in refusal and "文字層" in refusal
    with pytest.raises(StopIteration):
        bot.article_id("掃描.pdf")


def test_english_digest_names_topics_in_english_and_opens_in_one_tap(bot: BotHarness) -> None:
    """QA: an English reader's digest listed its topics in Chinese (儲能與電力、…) and
    pointed to "/article 11", which Telegram taps as a bare /article (a usage message)."""
    english = FakeUser(id=605, first_name="Eve", language_code="en")
    [answer] = edited_texts(say_and_answer(bot, FakeChat(english.id), english, PASTED))
    topics = next(line for line in answer.splitlines() if line.startswith("Topics: "))
    assert not re.search(r"[\u4e00-\u9fff]", topics), topics
    assert "、" not in topics
    assert re.search(r"Only this chat can see this digest: /a\d+$", answer, re.M), answer
