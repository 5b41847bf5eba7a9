"""Page-dump segmentation: titles vs headings on dumps of different styles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from digests.sources.pagedump import parse_page_dump, strip_boilerplate
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
