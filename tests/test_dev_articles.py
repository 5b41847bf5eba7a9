"""Splitting by evidence on the development set: one article per single-article file.

``tests/fixtures/dev_articles`` holds original texts in the styles of real outlets (news
reports with bylines and 延伸閱讀 lists, analyst columns with LINE@/YouTube promotions and
免責聲明, IPO reports with ticker-first headings, round-ups with 【…】 heads, 〈…〉 and 1. 2.
blogs, 一、(一) outlines, ※ notes, English section names, Q&A interviews) and a few page
dumps of several articles.  The second batch (single_20…28, multi_05…07) holds the forms an
independent evaluation reported: listings without blank lines split at bylines and date+desk
lines, byline variants, 問/答 and Q/A lines kept as text, numbered headings down to the last,
figure lines under ticker headings, and promotion lines without a named channel.  The
third batch (single_29…31, multi_08…10) holds bylines in free order (outlet 記者 name place
date time, firm 分析師 name｜date, date by name, name · N min read, 發布於 date ／ 作者：name),
blog and newsletter listings split at them, dated and named headings that stay headings, and
related-headline lists under 【延伸閱讀】 or parted from their header by a blank line.  ``expected.json`` gives each file's titles, headings and the
boilerplate lines that must never reach a title or a section.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from digests.sources.boilerplate import classify
from digests.sources.pagedump import parse_page_dump

DEV = Path(__file__).resolve().parent / "fixtures" / "dev_articles"
EXPECTED: dict[str, dict] = json.loads((DEV / "expected.json").read_text(encoding="utf-8"))


def _read(name: str) -> str:
    return (DEV / name).read_text(encoding="utf-8")


def test_dev_set_covers_the_styles() -> None:
    singles = [n for n, e in EXPECTED.items() if len(e["articles"]) == 1]
    multis = [n for n, e in EXPECTED.items() if len(e["articles"]) > 1]
    assert len(singles) >= 12 and len(multis) >= 2
    for name in EXPECTED:
        assert 500 <= len(_read(name)) <= 2500, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_titles_and_headings(name: str) -> None:
    want = EXPECTED[name]["articles"]
    articles = parse_page_dump(_read(name), name)
    assert [a.title for a in articles] == [w["title"] for w in want]
    for article, expected in zip(articles, want, strict=True):
        assert [s.heading for s in article.sections if s.heading] == expected["headings"]
        # A heading without text of its own is a parent heading: a sub-heading follows it.
        sections = article.sections
        assert all(s.paragraphs or nxt.heading for s, nxt in itertools.pairwise(sections))
        assert sections[-1].paragraphs


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_boilerplate_is_never_a_title_or_digested(name: str) -> None:
    articles = parse_page_dump(_read(name), name)
    lines = {a.title for a in articles} | {
        line for a in articles for s in a.sections for line in (s.heading, *s.paragraphs)
    }
    for boilerplate in EXPECTED[name]["boilerplate"]:
        assert boilerplate not in lines
    for marker in ("LINE@", "lin.ee", "免責聲明", "版權所有", "／台北報導", "延伸閱讀", "相關新聞"):
        assert not any(marker in line for line in lines), marker


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_article_line_lands_once_in_order(name: str) -> None:
    """Splitting never loses or reorders text: only boilerplate and a masthead are dropped."""
    text = _read(name)
    raw = [ln.strip() for ln in text.splitlines() if ln.strip()]
    body = [ln for ln, kind in zip(raw, classify(raw), strict=True) if kind is None]
    articles = parse_page_dump(text, name)
    kept = [
        line
        for a in articles
        for line in (a.title, *(x for s in a.sections for x in (s.heading, *s.paragraphs)))
        if line
    ]
    dropped = [line for line in body if line not in kept]
    assert set(dropped) <= set(EXPECTED[name]["boilerplate"])
    assert kept == [line for line in body if line not in dropped]
