"""Digest rules: whole sentences, document order, budget, figures kept, no repeats."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.figures import find_figures
from digests.models import Article, Section
from digests.sources.pagedump import parse_page_dump
from digests.summarize import (
    SECTION_BUDGET,
    SUMMARY_BUDGET,
    digest_article,
    digest_section,
    trim_connective,
)
from digests.textproc import sentences, to_simplified

SECTION = (
    "固態電池被視為下一代動力電池的主流技術,但量產時程一再延後。"
    "業界普遍認為,電解質材料的成本與良率是兩大瓶頸。"
    "根據研調機構統計,2024年全球固態電池出貨量僅約2GWh,預估2030年將成長至150GWh,年複合成長率超過100%。"
    "其中,日本車廠持有的相關專利數量約佔全球的四成。"
    "不過,固態電池的製造設備與現有鋰電池產線差異很大,既有廠商需要重新投資。"
    "此外,電池廠也在評估半固態電池作為過渡方案,部分車款已開始採用。"
)
ECHO = (
    "台積電宣布擴大先進封裝產能,預計2026年CoWoS月產能達到9萬片。"
    "台積電宣布擴大先進封裝產能,預計2026年CoWoS月產能將達9萬片。"
    "法人認為此舉有助於鞏固其在AI晶片供應鏈的地位。"
)


def _article(*sections: tuple[str, str], title: str = "固態電池的量產競賽") -> Article:
    return Article(
        title=title,
        sections=tuple(Section(h, (t,)) for h, t in sections),
        source="test",
        source_kind="text",
    )


def test_digest_is_whole_sentences_in_order_within_budget() -> None:
    digest = digest_section("量產時程與市場規模", SECTION)
    originals = sentences(SECTION)
    assert 1 <= len(digest) <= 3
    positions = []
    for sentence in digest:
        match = [i for i, o in enumerate(originals) if o.endswith(sentence)]
        assert match, f"not a whole sentence of the section: {sentence}"
        positions.append(match[0])
    assert positions == sorted(positions)
    assert sum(len(s) for s in digest) <= SECTION_BUDGET


def test_digest_keeps_key_figures() -> None:
    digest = "".join(digest_section("量產時程與市場規模", SECTION))
    assert "150GWh" in digest
    assert "2GWh" in digest


def test_digest_has_no_repeated_claims() -> None:
    digest = digest_section("先進封裝", ECHO)
    assert sum("CoWoS月產能" in s for s in digest) == 1


def test_single_long_sentence_is_allowed_alone() -> None:
    long_sentence = (
        "在全球主要經濟體同時推動能源轉型、資料中心用電需求因生成式AI而爆發、"
        "各國電網老化亟需更新的三重壓力下,變壓器、開關設備與儲能系統的訂單能見度已經延伸到"
        "2028年以後,重電族群的營收在過去兩年成長超過80%,毛利率也從兩成提升到三成以上,"
        "成為台股中少數兼具成長性與訂單能見度的族群,也讓相關個股的本益比從過去的十倍左右"
        "一路重新評價到二十倍以上的水準。"
    )
    assert len(long_sentence) > SECTION_BUDGET
    assert digest_section("重電", long_sentence + "好。") == [long_sentence]


def test_leading_connective_is_trimmed_only_at_start() -> None:
    assert trim_connective("此外,電池廠也在評估半固態電池。") == "電池廠也在評估半固態電池。"
    assert trim_connective("電池廠此外也在評估。") == "電池廠此外也在評估。"


def test_article_summary_keywords_and_figures() -> None:
    digested = digest_article(
        _article(
            ("", "固態電池是電動車產業最受矚目的新技術。" + SECTION),
            ("投資觀察", "投資人應關注材料供應商,硫化物電解質的價格在兩年內下跌了40%。"),
        )
    )
    assert 1 <= len(digested.summary) <= 3
    assert sum(len(s) for s in digested.summary) <= SUMMARY_BUDGET
    assert 3 <= len(digested.keywords) <= 8
    assert "固態電池" in digested.keywords
    assert any("150GWh" in f for f in digested.key_figures)
    for section in digested.sections:
        assert 1 <= len(section.keywords) <= 8


def test_keywords_are_in_original_script() -> None:
    digested = digest_article(_article(("", SECTION)))
    for keyword in digested.keywords:
        assert keyword in digested.article.title + SECTION


def test_figures_carry_units() -> None:
    found = {
        f.text: f.weight
        for f in find_figures("儲量約1.3億噸,其中4400萬噸,佔比約34%,於2024年發布。")
    }
    assert found["約1.3億噸"] == 1.0
    assert found["約34%"] == 1.0
    assert found["2024"] < 1.0


def test_t2s_keeps_length_for_alignment() -> None:
    text = "臺灣積體電路製造公司於乾燥的冬天發佈了著名的財報。"
    assert len(to_simplified(text)) == len(text)


def test_seed_page_digests(corpus_path: Path) -> None:
    articles = parse_page_dump(corpus_path.read_text(encoding="utf-8"), "seed")
    for article in articles:
        digested = digest_article(article)
        assert 1 <= len(digested.summary) <= 3
        assert 3 <= len(digested.keywords) <= 8
        assert digested.key_figures
        for section, raw in zip(digested.sections, article.sections, strict=True):
            assert 1 <= len(section.digest) <= 3
            if len(section.digest) > 1:
                assert sum(len(s) for s in section.digest) <= SECTION_BUDGET
            for sentence in section.digest:
                assert sentence in raw.text


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_section_has_empty_digest(text: str) -> None:
    assert digest_section("空", text) == []
