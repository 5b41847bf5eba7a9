"""Page-dump segmentation: titles vs headings on dumps of different styles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from digests.sources.lines import is_heading_style, strip_boilerplate
from digests.sources.pagedump import parse_page_dump
from digests.sources.qa import is_qa_line
from tests.conftest import PAGEDUMPS

DUMPS = ["dump_a", "dump_b", "dump_c"]

# SHA-256 prefixes of the seed page's ten titles, in order: checks the split without
# copying the corpus text into the repository.
SEED_TITLE_HASHES = [
    "476b745462737392",
    "7f433a2d4008e14b",
    "2799284beff06c53",
    "e32d466e2c336e27",
    "45679aa64611effe",
    "9f552418eac6b5f7",
    "2032eec392885dbe",
    "1f5af47633b375d5",
    "fd081e0ed531f78a",
    "74003d7715b4d28d",
]


@pytest.mark.parametrize("name", DUMPS)
def test_dump_titles_headings_and_boilerplate(fixtures: Path, name: str) -> None:
    text = (PAGEDUMPS / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((PAGEDUMPS / f"{name}.expected.json").read_text())
    articles = parse_page_dump(text, name)
    assert [a.title for a in articles] == [e["title"] for e in expected["articles"]]
    for article, want in zip(articles, expected["articles"], strict=True):
        assert [s.heading for s in article.sections if s.heading] == want["headings"]
        assert all(s.paragraphs for s in article.sections)
    everything = "\n".join(
        line for a in articles for s in a.sections for line in (s.heading, *s.paragraphs)
    )
    for line in expected["boilerplate"]:
        assert line not in everything.splitlines()


def test_list_items_stay_in_their_section(fixtures: Path) -> None:
    text = (PAGEDUMPS / "dump_a.txt").read_text(encoding="utf-8")
    articles = parse_page_dump(text, "dump_a")
    paragraphs = [p for a in articles for s in a.sections for p in s.paragraphs]
    bullets = [p for p in paragraphs if p.startswith(("•", "1.", "2.", "3."))]
    assert bullets, "fixture has numbered and bulleted lines"
    headings = {s.heading for a in articles for s in a.sections}
    assert not any(h.startswith(("•", "1.", "2.")) for h in headings)


def test_boilerplate_lines_are_dropped() -> None:
    lines = ["星期三, 24 12 月, 2025", "spot_img", "博客 頁面 62", "首頁 > 產業分析", "真正的內容"]
    assert strip_boilerplate(lines) == ["真正的內容"]


def test_text_without_headings_is_one_article() -> None:
    text = "這是一篇沒有任何標題的短文,只有一段文字而已。第二句話說明更多細節。\n\n另一段文字。"
    [article] = parse_page_dump(text, "plain")
    assert article.title.startswith("這是一篇沒有任何標題的短文")
    assert len(article.sections) == 1


def test_seed_page_has_ten_articles_and_no_boilerplate(corpus_path: Path) -> None:
    text = corpus_path.read_text(encoding="utf-8")
    articles = parse_page_dump(text, str(corpus_path))
    assert len(articles) == 10
    hashes = [hashlib.sha256(a.title.encode()).hexdigest()[:16] for a in articles]
    assert hashes == SEED_TITLE_HASHES
    boilerplate = [line.strip() for line in text.splitlines()[:3]]
    for article in articles:
        lines = {article.title} | {
            line for s in article.sections for line in (s.heading, *s.paragraphs)
        }
        assert not lines & set(boilerplate)
        assert all("spot_img" not in line for line in lines)
        assert len(article.sections) >= 3
    # Every paragraph of the page (after the boilerplate) lands in exactly one article.
    body_lines = [ln.strip() for ln in text.splitlines()[3:] if ln.strip()]
    kept = [
        line
        for a in articles
        for line in (a.title, *(x for s in a.sections for x in (s.heading, *s.paragraphs)))
        if line
    ]
    assert kept == body_lines


@pytest.mark.parametrize(
    ("line", "style"),
    [
        ("〈目前持股與比重〉", True),
        ("【本週焦點個股】", True),
        ("※ 觀察一：合約價連三季上漲", True),
        ("一、總體環境", True),
        ("(二)高收益債", True),
        ("1、全球PC出貨量僅年增3%", True),
        ("2330 台積電", True),
        ("鴻海 (2317-TW)", True),
        ("問：未來三年最大的挑戰是什麼？", False),
        ("2026年全球債市展望", False),
        ("營收年增35%，毛利率創新高", False),
        ("台股:先進封裝產能再擴三成,設備族群的行情走到哪一段了?", False),
    ],
)
def test_heading_styles(line: str, style: bool) -> None:
    assert is_heading_style(line) is style


def _section(heading: str, topic: str) -> str:
    sentence = (
        f"{topic}的需求持續成長，業者表示訂單能見度已經延伸到明年第三季，產能利用率維持高檔。"
    )
    return f"{heading}\n\n{sentence}{sentence}\n\n"


def test_market_tag_series_is_one_round_up() -> None:
    """Market-tagged lines with only paragraphs between them are one round-up's sections."""
    text = "盤後快報：外資回補，指數收紅\n\n" + "".join(
        _section(h, t)
        for h, t in [
            ("美股：科技股反彈", "雲端"),
            ("台股：外資回補", "半導體"),
            ("日股：出口股走強", "汽車"),
        ]
    )
    [article] = parse_page_dump(text, "roundup")
    assert [s.heading for s in article.sections if s.heading] == [
        "美股：科技股反彈",
        "台股：外資回補",
        "日股：出口股走強",
    ]


def test_masthead_above_the_first_title_is_dropped() -> None:
    intro = "每到年底，高股息ETF的成分股調整總是引起存股族熱烈討論，今年的調整金額更是創下新高。"
    text = f"阿明的筆記\n\n高股息ETF的換股邏輯與填息速度觀察\n\n{intro}\n\n" + _section(
        "填息", "高股息"
    )
    [article] = parse_page_dump(text, "blog")
    assert article.title == "高股息ETF的換股邏輯與填息速度觀察"


_P1 = "台股盤中電子權值股普遍走強，加權指數一度上漲超過兩百點，成交量同步放大至四千億元。"
_P2 = "法人表示，外資連續三個交易日買超，主要集中在半導體與網通族群，短線多方氣勢轉強。"
_P3 = "不過，市場仍在觀望美國公布的通膨數據，若數據高於預期，指數可能再度回測月線支撐。"


def test_listing_without_blank_lines_splits_at_each_byline() -> None:
    """Title / byline or date+desk / one short paragraph, nothing between: three articles."""
    text = "\n".join(
        [
            "台積電法說會報喜！全年美元營收成長上看三成",
            "2025/04/17 財經新報編輯部",
            _P1,
            _P2,
            "鴻海3月營收創同期新高，AI伺服器出貨倍增",
            "鉅亨網記者王小明 台北",
            "2025-04-05 14:20",
            _P2,
            "美債殖利率走揚 壽險股承壓？",
            "記者陳大同、李小芬／台北報導",
            _P3,
            _P1,
        ]
    )
    articles = parse_page_dump(text, "listing")
    assert [a.title for a in articles] == [
        "台積電法說會報喜！全年美元營收成長上看三成",
        "鴻海3月營收創同期新高，AI伺服器出貨倍增",
        "美債殖利率走揚 壽險股承壓？",
    ]
    assert all(not s.heading for a in articles for s in a.sections)


def test_questions_stay_with_their_answers() -> None:
    text = "\n".join(
        [
            "穎崴法說會：高階測試座需求強勁",
            _P1 + _P2,
            "法說會問答",
            "Q1：今年資本支出規劃？",
            "A1：今年資本支出約30億元，主要用於高雄新廠。",
            "【問】客戶集中度？",
            "【答】前五大客戶占比約七成，但正在開發新客戶。",
        ]
    )
    [article] = parse_page_dump(text, "qa")
    assert [s.heading for s in article.sections] == ["", "法說會問答"]
    assert article.sections[1].paragraphs[0] == "Q1：今年資本支出規劃？"
    assert len(article.sections[1].paragraphs) == 4


@pytest.mark.parametrize(
    ("line", "qa"),
    [
        ("問：未來三年最大的挑戰是什麼？", True),
        ("答：人才。", True),
        ("Q：今年的資本支出？", True),
        ("Q1. 毛利率展望？", True),
        ("A1：維持在50%以上。", True),
        ("【問】客戶集中度？", True),
        ("Q3：毛利率回升", False),  # a quarter, not a question
        ("A股：滬指收高", False),
        ("問題在於庫存", False),
    ],
)
def test_question_labels(line: str, qa: bool) -> None:
    assert is_qa_line(line) is qa


def test_last_numbered_heading_keeps_its_section() -> None:
    """Numbered headings with short texts, the last one closed by a related-articles list."""
    heads = ["1. 看追蹤的指數", "2. 看費用率", "3. 看規模與流動性", "4. 看折溢價", "5. 看配息來源"]
    texts = [
        "指數決定報酬來源。",
        "費用率越低越好。",
        "規模太小可能下市。",
        "溢價高時別追。",
        "配息不等於報酬。",
    ]
    body = [line for pair in zip(heads, texts, strict=True) for line in pair]
    text = "\n".join(["新手買ETF前必看的五件事", _P1 + _P2, *body, "延伸閱讀", "債券ETF入門"])
    [article] = parse_page_dump(text, "numbered")
    assert [s.heading for s in article.sections if s.heading] == heads
    assert article.sections[-1].paragraphs == ("配息不等於報酬。",)


def test_numbered_lines_in_a_row_stay_a_list() -> None:
    items = ["1. 外資賣超420億元", "2. 投信買超85億元", "3. 自營商賣超15億元"]
    text = "\n".join(["三大法人本週動向整理", _P1 + _P2, *items, _P3 + _P1])
    [article] = parse_page_dump(text, "list")
    assert [s.heading for s in article.sections if s.heading] == []
    assert set(items) <= set(article.sections[0].paragraphs)


def test_figure_rows_under_tickers_are_text() -> None:
    text = "\n".join(
        [
            "法人精選三檔：高息與成長兼具",
            _P1 + _P2,
            "2412 中華電",
            "收盤價 125 元｜殖利率 3.8%",
            _P3 + _P1,
            "2881 富邦金",
            "目標價：95元",
            _P2 + _P3,
            "6806 森崴能源",
            "2024年EPS 3.2元",
            _P1 + _P3,
        ]
    )
    [article] = parse_page_dump(text, "picks")
    assert [s.heading for s in article.sections if s.heading] == [
        "2412 中華電",
        "2881 富邦金",
        "6806 森崴能源",
    ]
    assert article.sections[1].paragraphs[0] == "收盤價 125 元｜殖利率 3.8%"


def test_two_character_heading_over_a_paragraph() -> None:
    """風險, 展望: short last headings keep their section (a stray short word does not)."""
    text = "\n".join(
        ["光通訊廠第三季營收創高", _P1 + _P2, "營運動能", _P2 + _P3, "風險", _P3 + _P1]
    )
    [article] = parse_page_dump(text, "short")
    assert [s.heading for s in article.sections if s.heading] == ["營運動能", "風險"]


def test_keyed_lines_in_a_row_are_a_list() -> None:
    items = [
        "組裝：廣達、緯創、緯穎，其中緯穎明年每股盈餘預估成長38%",
        "散熱：奇鋐、雙鴻，受惠液冷滲透率由今年的10%提升至明年的30%",
        "電源：台達電、光寶科，高瓦數電源為主要動能",
    ]
    text = "\n".join(["AI伺服器供應鏈一覽", _P1 + _P2, *items, _P3, "風險提醒", _P2 + _P1])
    [article] = parse_page_dump(text, "keyed")
    assert [s.heading for s in article.sections if s.heading] == ["風險提醒"]
    assert set(items) <= set(article.sections[0].paragraphs)


def test_ticker_keyed_figure_row_is_text() -> None:
    row = "華磊光電(6990)：承銷價55元，參考市價61元，價差約11%"
    text = "\n".join(["新股抽籤一覽", _P1 + _P2, "本週抽籤", _P3, row, _P1, "值得抽嗎", _P2 + _P3])
    [article] = parse_page_dump(text, "ipo")
    assert [s.heading for s in article.sections if s.heading] == ["本週抽籤", "值得抽嗎"]
    assert row in article.sections[1].paragraphs


def test_listing_splits_at_name_and_reading_time_bylines() -> None:
    """Posts that each open with a title and a byline in a blog's own form are split."""
    para = (
        "這是一段足夠長的文章內容，說明作者的投資想法與持股調整的理由，"
        "也提到未來的觀察重點與風險，讓讀者可以自行判斷。"
    )
    text = "\n".join(
        [
            "存股第五年的換股心得",
            "林小樹 · 6 min read",
            para,
            para,
            "月配息ETF值得長抱嗎",
            "2026-02-24 by 林小樹",
            para,
            "過年紅包怎麼分配",
            "小樹的理財日記 ｜ 2026/02/17",
            para,
        ]
    )
    articles = parse_page_dump(text, "t")
    assert [a.title for a in articles] == [
        "存股第五年的換股心得",
        "月配息ETF值得長抱嗎",
        "過年紅包怎麼分配",
    ]
    assert all(not s.heading for a in articles for s in a.sections)


def test_arrow_led_line_is_never_a_heading() -> None:
    para = "這是一段足夠長的文章內容，說明公司的營運狀況與產業趨勢，並提到法人的看法與預估數字。"
    text = "\n".join(["標題：電源廠擴產", para, "→ 泰國新廠明年量產", para, para])
    (article,) = parse_page_dump(text, "t")
    assert [s.heading for s in article.sections if s.heading] == []


def test_block_marked_headings_and_marked_lists() -> None:
    """■/● before a short line above a paragraph heads a section; a run of marked lines is a list."""
    text = (
        "面板雙虎展望轉趨保守\n記者王大明／台北報導\n"
        "面板報價在第三季出現反轉，電視面板價格連續兩個月下跌，市場對第四季的看法轉趨保守。\n"
        "■ 報價走勢\n根據市調機構統計，32吋電視面板九月均價較八月下跌約2美元，跌幅較市場預期擴大。\n"
        "● 稼動率調整\n面板廠為了因應需求下滑，已陸續調降第四季稼動率，以減少庫存壓力與跌價損失。\n"
        "■ 投資建議\n我們對群創維持中立評等，目標價調整為18元，建議等待報價止穩再布局。\n"
    )
    [article] = parse_page_dump(text, "notes.txt")
    assert [s.heading for s in article.sections] == ["", "報價走勢", "稼動率調整", "投資建議"]
    picks = (
        "三檔觀察名單\n今天盤後我們整理了三檔觀察名單，提供讀者參考，以下為重點整理與簡單說明。\n"
        "■ 2330 台積電：先進製程需求強\n■ 2317 鴻海：AI伺服器出貨\n■ 2454 聯發科：手機晶片回溫\n"
        "以上三檔都是法人近期持續買超的個股，短線若拉回可以留意，但仍要控制持股比重。\n"
    )
    [listing] = parse_page_dump(picks, "picks.txt")
    assert [s.heading for s in listing.sections] == [""]
