"""Page-dump segmentation: titles vs headings on dumps of different styles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from digests.sources.pagedump import is_heading_style, parse_page_dump, strip_boilerplate
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
        ("問：未來三年最大的挑戰是什麼？", True),
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
