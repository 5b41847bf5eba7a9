"""Polish round: what the first-user walkthrough (issues 11, 12, 14) left unfixed.

Each test is one finding, end to end against the loopback Bot API where a reader sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.loopback import FakeChat, FakeUser
from store import open_db
from tests.bot_harness import BotHarness, texts
from tests.follow_fixtures import COMPANY_TEXT, add_article

ANN = FakeUser(id=881, first_name="Ann", language_code="zh-hant")
EVE = FakeUser(id=882, first_name="Eve", language_code="en")
LI = FakeUser(id=883, first_name="Li", language_code="zh-cn")
OPERATOR = FakeUser(id=889, first_name="Op", language_code="zh-hant")


@pytest.fixture
def bot(store_copy: Path) -> Iterator[BotHarness]:
    with BotHarness(store_copy, admins=[OPERATOR.id]) as harness:
        yield harness


def _last(bot: BotHarness, user: FakeUser, words: str) -> str:
    return texts(bot.send(FakeChat(user.id), user, words))[-1]


def _add(bot: BotHarness, n: int, body: str) -> int:
    db = open_db(bot.db_path)
    try:
        return add_article(db, n, body)
    finally:
        db.close()


# --- 1. follow labels in the reader's language ------------------------------------------


def test_follow_section_names_the_company_in_the_readers_language(bot: BotHarness) -> None:
    """English: the briefing's follow section said "🏢台積電：…" although /following says TSMC."""
    bot.send(FakeChat(EVE.id), EVE, "/follow 台積電")
    bot.send(FakeChat(LI.id), LI, "/follow 台积电")
    _add(bot, 720, COMPANY_TEXT)
    english = "\n".join(texts(bot.send(FakeChat(EVE.id), EVE, "/brief")))
    assert "🏢<b>TSMC</b>" in english and "🏢<b>台積電</b>" not in english, english
    simplified = "\n".join(texts(bot.send(FakeChat(LI.id), LI, "/brief")))
    assert "🏢<b>台积电</b>" in simplified, simplified


def test_alert_names_the_company_in_the_readers_language() -> None:
    from bot.messages.follow_views import alert, follow_item
    from digests.briefing import FollowHit, FollowItem
    from store.alerts import Alert

    note = Alert(1, 1, 1, "company", "k", "台積電", "標題", 0, "pending", "台積電擴產。", None)
    markup, _ = alert(note, "en")
    assert "TSMC" in markup and "台積電</b>" not in markup, markup
    assert "<b>台積電</b>" in alert(note, "zh-TW")[0]
    keyword = Alert(1, 1, 1, "keyword", "k", "台積電", "標題", 0, "pending", "", None)
    assert "台積電" in alert(keyword, "en")[0]  # a keyword is what the reader typed
    seen = FollowItem(1, "標題", None, None, (FollowHit("company", "台積電", ()),), True)
    assert "🏢TSMC" in follow_item(seen, "en")


# --- 3. refusals say the reason, the logs keep the detail --------------------------------


@pytest.mark.parametrize(
    ("code", "error", "lang", "said"),
    [
        (
            "dns",
            "cannot resolve host nowhere.example: [Errno -2] Name or service not known",
            "zh-TW",
            "找不到這個網域",
        ),
        (
            "private_address",
            "refused: 127.0.0.1 resolves to a loopback address (127.0.0.1)",
            "en",
            "the link points to an internal or private address",
        ),
    ],
)
def test_digest_refusal_is_one_localized_line(
    code: str, error: str, lang: str, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.ingest.orchestrate import SourceResult
    from bot.telegram_app.handlers.ondemand import _reason

    with caplog.at_level("INFO"):
        reason = _reason(SourceResult("x", error=error, error_code=code), lang)
    assert reason == said
    assert error in caplog.text  # the detail is for the operator's logs
    unknown = _reason(SourceResult("x", error="odd failure", error_code="new_kind"), lang)
    assert unknown == "odd failure"  # no words for it yet: the detail beats silence


# --- 4. operators: say what is wrong, times as the chat reads them ------------------------


@pytest.mark.parametrize(
    ("user", "bad_scheme", "no_such", "empty"),
    [
        (
            OPERATOR,
            "只能訂閱 http 或 https 網址",
            "沒有第 9 個訂閱來源（目前共 1 個）",
            "沒有訂閱來源可移除",
        ),
        (
            EVE,
            "Only http and https feeds",
            "There is no feed number 9 (1 feed now)",
            "no feeds to remove",
        ),
    ],
)
def test_feeds_add_and_remove_say_what_is_wrong(
    store_copy: Path, user: FakeUser, bad_scheme: str, no_such: str, empty: str
) -> None:
    with BotHarness(store_copy, admins=[user.id]) as bot:
        assert empty in _last(bot, user, "/feeds remove 1")
        refused = _last(bot, user, "/feeds add ftp://x")
        assert bad_scheme in refused and "ftp://x" in refused, refused
        assert "/feeds add" in _last(bot, user, "/feeds add")
        bot.send(FakeChat(user.id), user, "/feeds add https://example.com/rss")
        assert no_such in _last(bot, user, "/feeds remove 9")
        assert "/feeds remove" in _last(bot, user, "/feeds remove x")  # not a number: usage


def test_stats_shows_times_in_the_chats_zone(bot: BotHarness) -> None:
    """/stats printed "最近一次匯入：2026-12-03T09:12:44.123+00:00（ok）"."""
    from datetime import UTC, datetime

    from bot.messages.zones import when_text
    from store.ingestions import log_ingestion

    # Noon UTC is 21:00 in Tokyo, the same day: the reply says 今天 or 昨天 21:00.
    stamp = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    db = open_db(bot.db_path)
    log_ingestion(
        db,
        source="x",
        kind="text",
        status="ok",
        error=None,
        articles=1,
        new=1,
        updated=0,
        unchanged=0,
        sections=1,
        started_at=stamp.isoformat(),
        finished_at=stamp.isoformat(),
        duration_ms=5,
    )
    db.close()
    bot.send(FakeChat(OPERATOR.id), OPERATOR, "/timezone Asia/Tokyo")
    stats = _last(bot, OPERATOR, "/stats")
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", stats), stats
    assert "21:00（成功）" in stats and "ok" not in stats, stats
    assert "最近一次推送：尚無" in stats
    from zoneinfo import ZoneInfo

    assert when_text(stamp.astimezone(ZoneInfo("Asia/Tokyo")), "zh-TW") in stats


# --- 5. the expanded briefing: a heading never runs into its digest ----------------------


@pytest.mark.parametrize("lang", ["zh-TW", "zh-CN", "en"])
def test_expanded_briefing_puts_section_headings_on_their_own_line(lang: str) -> None:
    """ "📖 展開全部摘要" showed "<i>誰受惠於先進封裝?</i>AI加速器…" on one line."""
    from bot.messages import views
    from bot.messages.i18n import localize
    from digests.briefing import Briefing, BriefItem
    from digests.lexicon import default_lexicon

    heading, digest = "誰受惠於先進封裝?", "AI加速器需求帶動基板與測試設備訂單。"
    item = BriefItem(
        article_id=1,
        title="封裝產能觀察",
        url=None,
        published=None,
        summary=("法人看好明年設備訂單。",),
        digests=((heading, (digest,)),),
        topic_id="semiconductors",
        ingested_at="2026-12-03T01:00:00+00:00",
    )
    full = localize(
        views.briefing_full(Briefing([item], ["semiconductors"]), default_lexicon().taxonomy, lang),
        lang,
    )
    lines = full.splitlines()
    heading_line = next(
        i for i, line in enumerate(lines) if "先進封裝" in line or "先进封装" in line
    )
    assert lines[heading_line].endswith("</i>"), lines[heading_line]
    assert "AI加速器" in lines[heading_line + 1]


def test_expand_all_button_shows_headings_apart_from_digests(bot: BotHarness) -> None:
    from tests.bot_harness import buttons, sent

    [message] = sent(bot.send(FakeChat(ANN.id), ANN, "/brief"))
    more = [data for _, data in buttons(message) if data.startswith("m:")]
    expanded = texts(bot.press(FakeChat(ANN.id), ANN, message.result["message_id"], more[-1]))
    lines = "\n".join(expanded).splitlines()
    italic = [line for line in lines if line.startswith("<i>")]
    assert all(line.endswith("</i>") for line in italic), italic
    dates = [line for line in italic if "收錄於" in line or "發布於" in line]
    assert len(italic) > len(dates)  # section headings, not only the date labels


# --- 6. a query of function words only gets a hint, not the whole library -----------------


@pytest.mark.parametrize(("user", "hint"), [(ANN, "太常見"), (EVE, "too common"), (LI, "太常见")])
def test_search_for_a_stopword_alone_gets_a_hint(
    bot: BotHarness, user: FakeUser, hint: str
) -> None:
    """/search 的 listed all ten articles."""
    for query in ("/search 的", "/search 的 是", "/search 「的」"):
        calls = bot.send(FakeChat(user.id), user, query)
        [reply] = texts(calls)
        assert hint in reply and "/a" not in reply, reply
    assert "/a" in "\n".join(texts(bot.send(FakeChat(user.id), user, "/search 的 封裝")))


def test_plain_text_stopword_is_not_a_search(bot: BotHarness) -> None:
    [reply] = texts(bot.send(FakeChat(ANN.id), ANN, "的"))
    assert "/a" not in reply, reply


def test_cli_search_for_a_stopword_alone_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(["--db", "/nonexistent/briefbot.db", "search", "的"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "too common" in err


def test_content_words_however_short_still_search() -> None:
    from digests.search_query import too_common

    assert all(too_common(q) for q in ("的", "的 是", "the", "在 OR 的", "「的」"))
    assert not any(too_common(q) for q in ("鋼", "2330", "AI", "的 台積電", "台積電"))
