"""End to end, reading (issue 14): one tap opens an article from every list, briefings fit a
phone with buttons for more, dates are labelled.  The real Application against the loopback
Bot API emulator."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.delivery.pacing import Pacer
from bot.loopback import FakeChat, FakeUser
from bot.messages.render import visible_length
from digests.lexicon import default_lexicon
from store import open_db
from store.reference import sync_reference
from tests.bot_harness import BotHarness, buttons, harness_on_copy, sent, texts
from tests.conftest import FIXTURES, PAGEDUMPS
from tests.delivery_harness import loopback_deliverer

ALICE = FakeUser(id=601, first_name="Alice", username="alice", language_code="zh-hant")
PRIVATE = FakeChat(id=601, type="private")
GROUP = FakeChat(id=-100888, type="supergroup", title="讀書會")
BOT_NAME = "briefbot_test_bot"
ONE_TAP = re.compile(r"(?<![\w/])/a(\d+)\b")

DATED_DUMP = """\
風電塔架廠接單滿到後年 鋼價回落助毛利回升
記者林小華／台北報導
2025年3月14日 上午10:30

離岸風電第三階段區塊開發陸續定案，國內塔架與水下基礎廠商接單能見度已看到後年。業者表示，鋼板價格自去年高點回落約一成五，今年毛利率可望回升兩到三個百分點。

法人指出，塔架廠今年營收有機會年增兩成，但交期與港口吊裝能量仍是瓶頸，下半年出貨節奏值得追蹤。

訂單能見度

多家業者表示，在手訂單已排到後年第二季，新訂單的報價條件比前一輪更好，預付款比重也提高，營運資金壓力減輕。
"""


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.ingest.orchestrate import ingest_all

    folder = tmp_path_factory.mktemp("reading")
    dated = folder / "dated_news.txt"
    dated.write_text(DATED_DUMP, encoding="utf-8")
    path = folder / "base.db"
    db = open_db(path)
    sources = [str(p) for p in sorted(PAGEDUMPS.glob("*.txt"))]
    sources += [str(FIXTURES / "html" / "article.html"), str(FIXTURES / "feeds" / "rss.xml")]
    sources.append(str(dated))
    assert all(r.ok for r in ingest_all(db, sources, workers=1))
    sync_reference(db, default_lexicon())
    db.close()
    return path


@pytest.fixture
def bot(base_db: Path, tmp_path: Path) -> Iterator[BotHarness]:
    with harness_on_copy(base_db, tmp_path) as harness:
        yield harness


def _opened(bot: BotHarness, command: str, chat: FakeChat = PRIVATE) -> str:
    """What tapping ``command`` (/a12) answers."""
    return "\n".join(texts(bot.send(chat, ALICE, command)))


def _assert_one_tap(bot: BotHarness, reply: str, minimum: int = 1) -> list[int]:
    """Every /aN in ``reply`` is tappable (no <code>, no space) and opens its article."""
    assert "/article " not in reply and "<code>/a" not in reply
    ids = [int(i) for i in ONE_TAP.findall(reply)]
    assert len(ids) >= minimum, reply
    opened = _opened(bot, f"/a{ids[0]}")
    assert "找不到編號" not in opened and ("發布於" in opened or "收錄於" in opened)
    return ids


def test_article_opens_in_one_tap_private_and_group(bot: BotHarness) -> None:
    article_id = bot.article_id("風電塔架廠接單滿到後年 鋼價回落助毛利回升")
    reply = _opened(bot, f"/a{article_id}")
    assert "風電塔架廠" in reply and "發布於 2025-03-14" in reply
    bot.add_to_group(GROUP, ALICE)
    # In a group a tapped command carries the bot's name; another bot's is not ours.
    assert "風電塔架廠" in _opened(bot, f"/a{article_id}@{BOT_NAME}", GROUP)
    assert not texts(bot.send(GROUP, ALICE, f"/a{article_id}@some_other_bot"))
    assert "找不到編號" in _opened(bot, "/a99999")
    # /article N still works.
    assert "風電塔架廠" in _opened(bot, f"/article {article_id}")


def test_article_with_an_address_has_a_button_to_the_original(bot: BotHarness) -> None:
    from store.articles import list_articles

    db = open_db(bot.db_path)
    with_url = next(a for a in list_articles(db, 50) if a.url)
    db.close()
    [reply] = sent(bot.send(PRIVATE, ALICE, f"/a{with_url.id}"))
    markup = reply.params.get("reply_markup") or {}
    urls = [b.get("url") for row in markup.get("inline_keyboard", []) for b in row]
    assert with_url.url in urls
    assert f'href="{with_url.url}"' in reply.params["text"]


def test_brief_is_short_with_one_tap_lines_and_more_buttons(bot: BotHarness) -> None:
    calls = bot.send(PRIVATE, ALICE, "/brief")
    [message] = sent(calls)
    body = message.params["text"]
    assert "最新簡報" in body and "今日簡報" not in body
    assert visible_length(body) < 1500
    ids = _assert_one_tap(bot, body, minimum=5)
    assert len(ids) == len(set(ids))
    labels = buttons(message)
    more = [data for _, data in labels if data.startswith("m:")]
    assert more, labels
    # The last button expands the whole briefing: every article with its digest.
    calls = bot.press(PRIVATE, ALICE, message.result["message_id"], more[-1])
    expanded = "\n".join(texts(calls))
    assert "簡報摘要" in expanded
    assert [int(i) for i in ONE_TAP.findall(expanded)] == ids
    assert visible_length(expanded) > visible_length(body)
    if len(more) > 1:  # a group's button expands that group only
        calls = bot.press(PRIVATE, ALICE, message.result["message_id"], more[0])
        group = [int(i) for i in ONE_TAP.findall("\n".join(texts(calls)))]
        assert group and set(group) < set(ids)


def test_stale_or_forged_more_button_is_answered(bot: BotHarness) -> None:
    [message] = sent(bot.send(PRIVATE, ALICE, "/brief"))
    mark = len(bot.api.calls)
    bot.api.press_button(PRIVATE, ALICE, message.result["message_id"], "m:zz.zz", strict=False)
    calls = bot.settle(mark)
    assert all(c.ok for c in calls)
    assert any(c.method == "answerCallbackQuery" for c in calls)


def test_sector_search_latest_and_company_items_open_in_one_tap(bot: BotHarness) -> None:
    _assert_one_tap(bot, "\n".join(texts(bot.send(PRIVATE, ALICE, "/sector 散熱"))))
    _assert_one_tap(bot, "\n".join(texts(bot.send(PRIVATE, ALICE, "/search 投資人"))))
    latest = "\n".join(texts(bot.send(PRIVATE, ALICE, "/latest")))
    _assert_one_tap(bot, latest, minimum=5)
    # Undated articles say when they were collected; dated ones (older) follow on page 2.
    assert "收錄於" in latest and "<i>20" not in latest
    _assert_one_tap(bot, "\n".join(texts(bot.send(PRIVATE, ALICE, "/company 英伟达"))))


def test_pushed_briefing_fits_a_phone_and_expands(bot: BotHarness) -> None:
    bot.send(PRIVATE, ALICE, "/start")  # asks for daily briefings, all topics
    morning = datetime.now(UTC).replace(hour=1, minute=30)  # 09:30 in Taipei, after 08:00

    async def deliver() -> int:
        async with loopback_deliverer(
            bot.api, bot.db_path, pacer=Pacer(per_second=100.0), sleep=asyncio.sleep
        ) as deliverer:
            return (await deliverer.deliver_pass(morning, chat_ids=[PRIVATE.id])).sent

    mark = len(bot.api.calls)
    assert asyncio.run(deliver()) == 1
    pushed = [c for c in sent(bot.api.calls[mark:]) if c.chat_id == PRIVATE.id]
    assert len(pushed) == 1
    body = pushed[0].params["text"]
    assert "最新簡報" in body and visible_length(body) < 1500
    ids = _assert_one_tap(bot, body, minimum=5)
    [(label, data)] = buttons(pushed[0])
    assert "展開" in label and data.startswith("m:")
    expanded = "\n".join(texts(bot.press(PRIVATE, ALICE, pushed[0].result["message_id"], data)))
    assert [int(i) for i in ONE_TAP.findall(expanded)] == ids
