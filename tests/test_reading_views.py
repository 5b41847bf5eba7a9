"""Briefings that fit a phone, one-tap article commands, "more" buttons, date labels."""

from __future__ import annotations

import re

import pytest

from bot.messages import views
from bot.messages.i18n import localize
from bot.messages.keyboards import fits, more_data, more_ids, more_keyboard
from bot.messages.render import article_command, split_html, visible_length
from digests.briefing import Briefing, BriefItem
from digests.lexicon import default_lexicon

TAXONOMY = default_lexicon().taxonomy
TOPICS = ("semiconductors", "energy_storage", "shipping")
TITLE = "先進封裝產能再擴三成，設備族群的行情走到哪一段了？法人看法分歧的三個理由"  # 37 chars
SUMMARY = (
    "法人預估明年先進封裝產能年增三成，設備廠訂單能見度已看到下半年，毛利率可望維持在四成以上。",
    "不過客戶集中度偏高，一旦主要客戶調整資本支出，設備族群的營收波動將大於市場預期。",
)


def _item(i: int, published: str | None = "2025-03-14T09:00:00+08:00") -> BriefItem:
    return BriefItem(
        article_id=1000 + i,
        title=f"{TITLE}{i}",
        url=f"https://example.com/news/{1000 + i}?utm_source=feed&utm_medium=rss",
        published=published,
        summary=SUMMARY,
        digests=(("產能與訂單", SUMMARY),),
        topic_id=TOPICS[i % len(TOPICS)],
        ingested_at="2026-12-03T01:00:00+00:00",
    )


def _briefing(count: int = 8, **kwargs: object) -> Briefing:
    return Briefing([_item(i, **kwargs) for i in range(count)], TOPICS)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh-TW", "zh-CN", "en"])
def test_eight_articles_fit_one_phone_message(lang: str) -> None:
    brief = _briefing()
    markup = localize(views.briefing(brief, TAXONOMY, lang), lang)
    assert visible_length(markup) < 1500
    assert split_html(markup, views.BRIEF_PIECE_LIMIT) == [markup]
    # Title, then one line per article (under its topic's heading), each opening in one tap.
    lines = [ln for ln in markup.splitlines() if ln.startswith("▪️")]
    assert len(lines) == 8
    assert all(re.search(r" /a\d+$", line) for line in lines)
    assert {int(n) for n in re.findall(r"/a(\d+)", markup)} == {i.article_id for i in brief.items}
    assert "<code>" not in markup and "/article" not in markup
    # The digests are not in the short message.
    assert SUMMARY[0] not in markup


def test_full_digest_is_the_long_form() -> None:
    brief = _briefing()
    full = views.briefing_full(brief, TAXONOMY, "zh-TW")
    assert SUMMARY[0] in full and "發布於 2025-03-14" in full
    assert visible_length(full) > 3 * visible_length(views.briefing(brief, TAXONOMY, "zh-TW"))
    assert {int(n) for n in re.findall(r"/a(\d+)", full)} == {i.article_id for i in brief.items}


def test_groups_are_topics_in_order_of_their_newest_item() -> None:
    groups = views.briefing_groups(_briefing(), TAXONOMY, "zh-TW")
    assert [len(items) for _, items in groups] == [3, 3, 2]
    assert groups[0][0] == TAXONOMY.by_id["semiconductors"].name
    assert views.briefing_groups(_briefing(), TAXONOMY, "en")[0][0] != groups[0][0]


def test_more_buttons_expand_a_group_or_everything() -> None:
    brief = _briefing()
    buttons = views.briefing_more(brief, TAXONOMY, "zh-TW")
    assert [ids for _, ids in buttons] == [
        [1000, 1003, 1006],
        [1001, 1004, 1007],
        [1002, 1005],
        [i.article_id for i in brief.items],
    ]
    assert "展開" in buttons[-1][0]
    keyboard = more_keyboard(buttons)
    assert keyboard is not None
    rows = keyboard.inline_keyboard
    assert [len(r) for r in rows] == [2, 1, 1]  # groups two to a row, then the whole digest
    for row in rows:
        for button in row:
            assert fits(button.callback_data)
            assert more_ids(button.callback_data) in [ids for _, ids in buttons]


def test_one_group_has_only_the_whole_digest_button() -> None:
    brief = Briefing([_item(0), _item(3)], TOPICS)
    assert [ids for _, ids in views.briefing_more(brief, TAXONOMY, "zh-TW")] == [[1000, 1003]]


def test_more_data_round_trip_and_limits() -> None:
    ids = [1, 35, 36, 999_999, 1_679_615]
    assert more_ids(more_data(ids)) == ids
    assert fits(more_data([1_679_615] * 8))  # eight ids up to 36**4 - 1 fit in 64 bytes
    assert more_ids("m:") is None and more_ids("m:!!") is None
    assert more_keyboard([("all", list(range(10**6, 10**6 + 40)))]) is None  # never oversized


def test_date_span_says_how_old_the_articles_are() -> None:
    brief = Briefing(
        [
            _item(0, published="2025-03-01T08:00:00+08:00"),
            _item(1, published="2025-03-14T08:00:00+08:00"),
        ],
        TOPICS,
    )
    markup = views.briefing(brief, TAXONOMY, "zh-TW")
    assert "今日" not in markup and "最新簡報" in markup
    assert "發布於 2025-03-01 – 2025-03-14" in markup
    assert "03-14" in markup.split("</i>", 1)[1]  # each line's day, when they differ
    undated = views.briefing(_briefing(2, published=None), TAXONOMY, "en")
    assert "Collected 2026-12-03" in undated


def test_date_labels() -> None:
    assert views.date_label("2025-03-14T23:30:00+08:00", None, "zh-TW") == "發布於 2025-03-14"
    assert views.date_label(None, "2026-12-03T17:00:00+00:00", "zh-TW") == "收錄於 2026-12-04"
    assert views.date_label(None, "2026-12-03T01:00:00+00:00", "en") == "Collected 2026-12-03"
    assert views.date_label(None, None, "en") == ""


def test_article_command_is_tappable() -> None:
    assert article_command(12) == "/a12"
    assert re.fullmatch(r"/[a-z0-9_]{1,32}", article_command(10**9))


def test_forty_articles_are_several_phone_sized_messages() -> None:
    markup = views.briefing(_briefing(40), TAXONOMY, "zh-TW")
    pieces = split_html(markup, views.BRIEF_PIECE_LIMIT)
    assert len(pieces) >= 2
    assert all(visible_length(p) <= views.BRIEF_PIECE_LIMIT for p in pieces)
