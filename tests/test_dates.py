"""Publication dates (issue 14): written and machine forms, every kind of source, zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digests.dates import TAIPEI, find_date, local_date, parse_datetime
from digests.sources import load
from digests.sources.feed import parse_feed
from digests.sources.html_page import parse_html_page
from digests.sources.pagedump import parse_page_dump
from tests.conftest import FIXTURES, PAGEDUMPS

PLUS_8 = timezone(timedelta(hours=8))


def _at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, tz: object = TAIPEI) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2025-03-14", _at(2025, 3, 14)),
        ("2025/03/14 10:30", _at(2025, 3, 14, 10, 30)),
        ("2025.3.4", _at(2025, 3, 4)),
        ("2025年3月14日", _at(2025, 3, 14)),
        ("2025 年 3 月 14 日 下午 3:05", _at(2025, 3, 14, 15, 5)),
        ("2025年3月21日 週五 上午10:32", _at(2025, 3, 21, 10, 32)),
        ("Mar 14, 2025", _at(2025, 3, 14)),
        ("March 3rd, 2025 at 10:30 pm", _at(2025, 3, 3, 22, 30)),
        ("Friday, 14 March 2025", _at(2025, 3, 14)),
        ("星期三, 24 12 月, 2025", _at(2025, 12, 24)),
        ("114/03/16", _at(2025, 3, 16)),
        ("民國114年3月14日", _at(2025, 3, 14)),
        ("14/03/2025", _at(2025, 3, 14)),
        ("2025-03-14 14:05 GMT+8", _at(2025, 3, 14, 14, 5, PLUS_8)),
        ("2025-03-14 06:05 UTC", _at(2025, 3, 14, 6, 5, UTC)),
        # Bylines: the date among names, desks and labels.
        ("財經快報記者王怡婷 台北 2026/03/18 14:30", _at(2026, 3, 18, 14, 30)),
        ("Posted on 2026/02/17 by 小岑", _at(2026, 2, 17)),
        ("穩健投顧 研究員 周以恆｜2026年3月9日", _at(2026, 3, 9)),
        ("更新時間 2025-03-21 10:32", _at(2025, 3, 21, 10, 32)),
    ],
)
def test_written_dates(line: str, expected: datetime) -> None:
    found = find_date(line)
    assert found == expected and found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "line",
    [
        "03/04/2025",  # March or April: refused rather than guessed
        "永新投顧研究部　2025年12月",  # a month is not a publication date
        "2026年展望：營收拚雙位數成長",
        "去年(2024)營收1,100億元",
        "2025/13/40",
        "1100/12/31",
        "",
    ],
)
def test_no_date_is_invented(line: str) -> None:
    assert find_date(line) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14T10:30:00+08:00", _at(2025, 3, 14, 10, 30, PLUS_8)),
        ("2025-03-14T02:30:00Z", _at(2025, 3, 14, 2, 30, UTC)),
        ("2025-03-14T10:30:00", _at(2025, 3, 14, 10, 30)),  # no zone: Taiwan time
        ("2025-03-14", _at(2025, 3, 14)),
        ("Fri, 14 Mar 2025 10:30:00 +0800", _at(2025, 3, 14, 10, 30, PLUS_8)),
        ("Fri, 14 Mar 2025 02:30:00 GMT", _at(2025, 3, 14, 2, 30, UTC)),
        ("2025年3月14日", _at(2025, 3, 14)),
    ],
)
def test_machine_values(value: str, expected: datetime) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected and parsed.utcoffset() == expected.utcoffset()


def test_local_dates_for_display() -> None:
    assert local_date("2025-03-14T00:30:00+08:00") == "2025-03-14"  # the publisher's day
    assert local_date("2026-12-03T23:30:00+00:00", TAIPEI) == "2026-12-04"
    assert local_date(None) == ""


# --- page dumps -----------------------------------------------------------------

BODY = (
    "資料中心的電力需求持續攀升，電網業者今年的資本支出計畫普遍上修，變壓器與開關設備的交期也跟著拉長。\n\n"
    "業者表示，訂單能見度已經看到後年，新接訂單的價格條件也比前一輪更好，毛利率可望逐季改善。\n\n"
    "展望\n\n"
    "法人認為，只要交期維持在一年以上，相關供應商的營收成長就有支撐，但原物料價格仍是變數。\n"
)


def _one(text: str) -> datetime | None:
    [article] = parse_page_dump(text, "t")
    return article.published


def test_page_dump_date_under_the_title() -> None:
    assert _one("重電設備交期拉長 供應商接單到後年\n2025-03-14 10:30\n\n" + BODY) == _at(
        2025, 3, 14, 10, 30
    )


def test_page_dump_byline_under_the_title() -> None:
    text = "重電設備交期拉長 供應商接單到後年\n記者王小明／台北報導\n2025年3月14日\n\n" + BODY
    assert _one(text) == _at(2025, 3, 14)


def test_page_dump_date_over_the_title() -> None:
    assert _one("Mar 14, 2025\n重電設備交期拉長 供應商接單到後年\n\n" + BODY) == _at(2025, 3, 14)


def test_page_dump_without_a_date() -> None:
    assert _one("重電設備交期拉長 供應商接單到後年\n\n" + BODY) is None


def test_site_top_bar_date_is_not_a_publication_date() -> None:
    """A weekday-led date over the masthead is the day the page was viewed (site chrome)."""
    text = (
        "星期三, 24 12 月, 2025\nspot_img\n博客 頁面 3\n重電設備交期拉長 供應商接單到後年\n\n"
        + BODY
    )
    assert _one(text) is None
    # Directly above the title it is the title's date.
    assert _one("星期三, 24 12 月, 2025\n重電設備交期拉長 供應商接單到後年\n\n" + BODY) == _at(
        2025, 12, 24
    )


def test_single_article_page_header_date() -> None:
    """One article under a page header holding a plain date: the header dates it."""
    text = "首頁 > 產業分析\n2025-03-14\n分享 | 留言\n重電設備交期拉長 供應商接單到後年\n\n" + BODY
    assert _one(text) == _at(2025, 3, 14)


def test_date_before_an_article_end_is_not_the_next_articles() -> None:
    first = "重電設備交期拉長 供應商接單到後年\n2025-03-10\n\n" + BODY + "\n" + BODY
    second = (
        "儲能案場併網加速 系統整合商營收看增\n記者林小華／台北報導\n\n"
        "台電公布的併網排程顯示，今年下半年將有超過一百五十萬瓩的儲能案場完成併網，系統整合商的"
        "出貨高峰可望落在第四季。\n\n電池芯報價較去年同期下跌近三成，整合商的毛利率因此回升，"
        "但案場融資條件轉趨保守，中小型業者的接案速度明顯放緩。\n"
    )
    text = f"{first}\n2025-03-11\n延伸閱讀\n▶ 變壓器缺貨潮延續\n▶ 電網韌性計畫上路\n\n{second}"
    dates = [a.published for a in parse_page_dump(text, "t")]
    assert dates == [_at(2025, 3, 10), None]


def test_listing_dates_stay_with_their_articles() -> None:
    text = (FIXTURES / "dev_articles" / "multi_06_listing_datedesk.txt").read_text("utf-8")
    dates = [a.published for a in parse_page_dump(text, "listing")]
    assert dates == [_at(2025, 3, 21), _at(2025, 3, 20, 14, 5), _at(2025, 3, 19)]
    text = (FIXTURES / "dev_articles" / "multi_08_blog_listing_dates.txt").read_text("utf-8")
    dates = [a.published for a in parse_page_dump(text, "listing")]
    assert dates == [_at(2026, 3, 2), _at(2026, 2, 24), _at(2026, 2, 17)]


def test_listing_page_header_date_is_the_pages_not_the_first_entrys() -> None:
    text = (PAGEDUMPS / "dump_b.txt").read_text("utf-8")
    assert [a.published for a in parse_page_dump(text, "dump_b")] == [None] * 3


def test_seed_page_dates(corpus_path: Path) -> None:
    """The sample page's only date is its top bar's (the day it was viewed): no article of
    the listing is dated by it."""
    articles = parse_page_dump(corpus_path.read_text("utf-8"), "seed")
    assert len(articles) == 10 and all(a.published is None for a in articles)


# --- HTML -----------------------------------------------------------------------

PARAGRAPHS = "".join(f"<p>{s}</p>" for s in BODY.replace("展望\n\n", "").split("\n\n") if s.strip())


def _html(head: str = "", body_extra: str = "") -> str:
    return (
        f"<html><head><title>重電設備交期拉長</title>{head}</head><body><article>"
        f"<h1>重電設備交期拉長 供應商接單到後年</h1>{body_extra}{PARAGRAPHS}"
        "</article></body></html>"
    )


def _html_date(page: str) -> datetime | None:
    [article] = parse_html_page(page, "t.html")
    return article.published


def test_html_meta_published_time() -> None:
    head = '<meta property="article:published_time" content="2025-03-14T10:30:00+08:00">'
    assert _html_date(_html(head)) == _at(2025, 3, 14, 10, 30, PLUS_8)


def test_html_json_ld_date_published() -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished": "2025-03-14T10:30:00",'
        ' "dateModified": "2025-03-20T08:00:00"}]}</script>'
    )
    assert _html_date(_html(ld)) == _at(2025, 3, 14, 10, 30)  # no zone: Taiwan time


def test_html_time_element() -> None:
    time_tag = '<p class="meta"><time datetime="2025-03-14">2025年3月14日</time></p>'
    assert _html_date(_html(body_extra=time_tag)) == _at(2025, 3, 14)
    text_only = '<p class="meta"><time>2025年3月14日 下午2:00</time></p>'
    assert _html_date(_html(body_extra=text_only)) == _at(2025, 3, 14, 14, 0)


def test_html_fixture_keeps_its_zone(fixtures: Path) -> None:
    _, [article] = load(str(fixtures / "html" / "article.html"))
    assert article.published == datetime.fromisoformat("2025-06-18T09:30:00+08:00")


# --- feeds ----------------------------------------------------------------------


def _feed(date_tags: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>重電設備交期拉長</title><link>https://example.com/a</link>"
        f"{date_tags}<description>{BODY.splitlines()[0]}</description></item>"
        "</channel></rss>"
    )


def test_feed_dates() -> None:
    [article] = parse_feed(
        _feed("<pubDate>Fri, 14 Mar 2025 10:30:00 +0800</pubDate>"), "f"
    ).articles
    assert article.published == _at(2025, 3, 14, 10, 30, PLUS_8)
    atom_updated = (
        "<atom:updated xmlns:atom='http://www.w3.org/2005/Atom'>2025-03-15T09:00:00Z</atom:updated>"
    )
    [article] = parse_feed(_feed(atom_updated), "f").articles
    assert article.published == _at(2025, 3, 15, 9, 0, UTC)
    [article] = parse_feed(_feed("<pubDate>2025-03-14 10:30</pubDate>"), "f").articles
    assert article.published == _at(2025, 3, 14, 10, 30)  # no zone: Taiwan time
    [article] = parse_feed(_feed(""), "f").articles
    assert article.published is None


def test_stored_publication_date_is_iso_with_zone(tmp_path: Path) -> None:
    from digests.lexicon import default_lexicon
    from digests.summarize import digest_article
    from store import open_db
    from store.articles import get_article, save_article
    from store.reference import sync_reference

    [article] = parse_page_dump(
        "重電設備交期拉長 供應商接單到後年\n2025/03/14 10:30\n\n" + BODY, "t"
    )
    db = open_db(tmp_path / "d.db")
    sync_reference(db, default_lexicon())
    saved = save_article(db, digest_article(article, default_lexicon()))
    detail = get_article(db, saved.article_id)
    db.close()
    assert detail is not None and detail.article.published == "2025-03-14T10:30:00+08:00"


def test_reingest_learns_the_date_of_unchanged_text(tmp_path: Path) -> None:
    """A store filled before dates were read gets them when the same text comes again."""
    from dataclasses import replace

    from digests.lexicon import default_lexicon
    from digests.summarize import digest_article
    from store import open_db
    from store.articles import get_article, save_article
    from store.reference import sync_reference

    [article] = parse_page_dump(
        "重電設備交期拉長 供應商接單到後年\n2025/03/14 10:30\n\n" + BODY, "t"
    )
    lexicon = default_lexicon()
    db = open_db(tmp_path / "d.db")
    sync_reference(db, lexicon)
    first = save_article(db, digest_article(replace(article, published=None), lexicon))
    again = save_article(db, digest_article(article, lexicon))
    detail = get_article(db, first.article_id)
    db.close()
    assert again.status == "unchanged" and again.article_id == first.article_id
    assert detail is not None and detail.article.published == "2025-03-14T10:30:00+08:00"


# --- READING2: date lines beside desks, updates, weekdays; no invented month or day ----

DATE_LINES = [
    ("2026.11.16 ｜ 投資觀點 ｜ 文／王小明", _at(2026, 11, 16)),
    ("發布日期：2026/11/20 ｜ 產業研究部", _at(2026, 11, 20)),
    ("更新時間：2026-11-21 09:30", _at(2026, 11, 21, 9, 30)),
    ("2026/11/12 18:05（最後更新 2026/11/13 08:00）", _at(2026, 11, 12, 18, 5)),
    ("最後更新 2026/11/13 08:00｜發布 2026/11/12 18:05", _at(2026, 11, 12, 18, 5)),
    ("2026.11.28（六）", _at(2026, 11, 28)),
    ("2026年11月30日 週一 上午10:12", _at(2026, 11, 30, 10, 12)),
    ("Posted on November 3, 2026 by Ann Lee", _at(2026, 11, 3)),
    ("星期三, 19 11 月, 2026", _at(2026, 11, 19)),
    ("2026/11/20 ｜ 閱讀時間約 5 分鐘", _at(2026, 11, 20)),
    ("2026年11月16日 ‧ 投資觀點專欄 ‧ 文／王小明", _at(2026, 11, 16)),
    ("2026/11/12（四）18:05", _at(2026, 11, 12, 18, 5)),
    ("發布時間：2026/11/20 10:00 | 最後更新：2026/11/21 08:00", _at(2026, 11, 20, 10, 0)),
    ("By Ann Lee | November 3, 2026", _at(2026, 11, 3)),
]


@pytest.mark.parametrize(("line", "expected"), DATE_LINES)
@pytest.mark.parametrize("place", ["under", "over"])
def test_date_lines_date_the_article_and_are_no_text(
    line: str, expected: datetime, place: str
) -> None:
    """Publication (never the update) is read, and the line is neither a heading nor text."""
    title = "車用晶片庫存回到常態 二線廠接單轉強"
    text = f"{title}\n{line}\n\n{BODY}" if place == "under" else f"{line}\n{title}\n\n{BODY}"
    [article] = parse_page_dump(text, "t")
    assert article.title == title and article.published == expected
    shown = [s.heading for s in article.sections] + [
        p for s in article.sections for p in s.paragraphs
    ]
    assert not any(line in s or s in line for s in shown if s)


def test_wordpress_top_bar_over_the_masthead_still_dates_nothing() -> None:
    text = (
        "理財小站\n星期三, 19 11 月, 2026\nspot_img\n車用晶片庫存回到常態 二線廠接單轉強\n\n" + BODY
    )
    assert _one(text) is None


def _html_byline(byline: str, footer: str = "<footer>© 2026 理財小站</footer>") -> str:
    return (
        "<html><head><title>t</title></head><body><header>理財小站</header><article>"
        f"<h1>車用晶片庫存回到常態 二線廠接單轉強</h1>{byline}{PARAGRAPHS}{PARAGRAPHS}"
        f"</article>{footer}</body></html>"
    )


@pytest.mark.parametrize(("line", "expected"), DATE_LINES)
def test_html_visible_byline_dates_the_page(line: str, expected: datetime) -> None:
    [article] = parse_html_page(_html_byline(f'<div class="meta">{line}</div>'), "t.html")
    assert article.published == expected
    assert all(line not in p for s in article.sections for p in s.paragraphs)


def test_html_year_only_is_no_date() -> None:
    """A copyright year is not a publication date: no month or day is ever filled in."""
    assert _html_date(_html_byline("")) is None
    assert _html_date(_html_byline("<p>2026年11月</p>")) is None


def _page(article_html: str) -> str:
    return (
        "<html><head><title>t</title></head><body><article>"
        f"{article_html}{PARAGRAPHS}{PARAGRAPHS}</article><footer>© 2026</footer></body></html>"
    )


def test_html_byline_above_the_headline_or_without_one() -> None:
    byline = '<div class="meta">Posted on November 3, 2026 by Ann Lee</div>'
    assert _html_date(_page(byline + "<h1>車用晶片庫存回到常態</h1>")) == _at(2026, 11, 3)
    assert _html_date(_page(byline + "<h2>車用晶片庫存回到常態</h2>")) == _at(2026, 11, 3)


def test_html_wordpress_date_only_when_it_touches_the_headline() -> None:
    wp = "<div><span>星期三, 19 11 月, 2026</span></div>"
    assert _html_date(_page(wp + "<h1>車用晶片庫存回到常態</h1>")) == _at(2026, 11, 19)
    assert _html_date(_page("<h1>車用晶片庫存回到常態</h1>" + wp)) == _at(2026, 11, 19)
    # A top bar parted from the headline by navigation is the day the page was viewed.
    assert _html_date(_page(wp + "<nav>首頁 | 財經</nav><h1>車用晶片庫存回到常態</h1>")) is None
    assert _html_date(_page(wp + "<h2>車用晶片庫存回到常態</h2>")) is None


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("投資觀點 ｜ 文／王小明", True),
        ("撰文：王小明｜編輯：李大華", True),
        ("投資觀點專欄 ｜ 文／王小明", True),
        ("分析師觀點", False),  # a heading: no credit
        ("作者介紹", False),
        ("文／台股盤後重點整理", False),  # a subject, not a person
    ],
)
def test_undated_credit_lines_are_bylines(line: str, credit: bool) -> None:
    from digests.sources.byline import is_credit_line

    assert is_credit_line(line) is credit
    [article] = parse_page_dump(f"車用晶片庫存回到常態 二線廠接單轉強\n{line}\n\n{BODY}", "t")
    shown = [s.heading for s in article.sections] + [
        p for s in article.sections for p in s.paragraphs
    ]
    if credit:
        assert line not in shown
