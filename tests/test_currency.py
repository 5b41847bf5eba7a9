"""Currency names as an amount's unit do not make an article currency news (issue 14 QA).

"營收達新台幣120億元" tagged every earnings report 總體經濟與匯率 (新台幣 weighs 2.5 under
macro_fx); "新台幣升值" and "新台幣匯率" still count.  Texts are our own.
"""

from __future__ import annotations

import pytest

from digests.currency import amount_unit_positions
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.summarize import digest_article
from digests.textproc import to_simplified, word_spans


def _units(text: str) -> list[str]:
    words, _ = word_spans(to_simplified(text))
    return [words[i] for i in amount_unit_positions(words)]


@pytest.mark.parametrize(
    "text",
    [
        "營收達新台幣120億元，年增35%",
        "營收約新台幣1.2兆元",
        "新台幣約120億元",
        "新台幣達 120 億元",
        "營收新台幣 8.5 億元",
        "新台幣逾百億元",
        "新台幣一百二十億元",
        "新台幣數十億元",
        "資本支出3000億日圓",
        "投資50億人民幣",
        "營收120億台幣",
        "承銷金額約美元5億元",
    ],
)
def test_a_currency_before_or_after_an_amount_is_its_unit(text: str) -> None:
    assert _units(text), text


@pytest.mark.parametrize(
    "text",
    [
        "新台幣升值至30.2元",
        "美元兌新台幣匯率收30.5",
        "1美元兌30元新台幣",
        "新台幣兌美元收在30.5元",
        "人民幣貶值",
        "日圓走弱",
        "以新台幣計價",
        "台積電本季營收創新高",
    ],
)
def test_a_currency_that_moves_or_is_traded_still_counts(text: str) -> None:
    assert not _units(text), text


EARNINGS = (
    "宏遠精密公布第三季財報，單季營收達新台幣120億元，年增35%，毛利率升至四成二。"
    "前三季累計營收約新台幣310億元，稅後純益新台幣28億元，每股盈餘4.2元。"
    "公司表示，伺服器機殼與散熱模組出貨暢旺，第四季營收可望再創新高。"
)
FX = (
    "新台幣今日強勢升值，終場收在30.1元，匯率創半年新高，外資匯入超過新台幣300億元。"
    "央行總裁表示將維持匯率動態穩定，並留意美元指數與聯準會降息步調對新台幣的影響。"
)


def _topics(title: str, body: str) -> list[str]:
    article = Article(title, (Section("", (body,)),), f"test-{title}", "text")
    return [t.topic_id for t in digest_article(article, default_lexicon()).topics]


def test_an_earnings_report_is_not_currency_news() -> None:
    # Before: ['macro_fx'], from the title's and the body's 新台幣 alone.
    assert "macro_fx" not in _topics("宏遠精密第三季營收達新台幣120億元", EARNINGS)


def test_currency_news_is_still_currency_news() -> None:
    assert _topics("新台幣升值", FX)[0] == "macro_fx"


# --- keywords of an earnings report (QA round): no glued verbs, no generic words --------


def test_earnings_report_keywords_name_things_not_verbs_or_periods() -> None:
    """Keywords of an earnings report were 營收達, 季財報, 歷史 beside the real ones."""
    from digests.keywords import is_keyword

    body = (
        "宏遠精密公布第三季財報，單季營收達新台幣120億元，創歷史新高，毛利率升至四成二。"
        "公司表示，伺服器機殼與散熱模組出貨暢旺，第四季營收可望再創歷史新高。"
        "法人預估，明年獲利達新台幣40億元，月營收將維持在40億元以上。"
    )
    article = Article("宏遠精密第三季財報亮眼", (Section("", (body,)),), "t-earn", "text")
    keywords = digest_article(article, default_lexicon()).keywords
    for filler in ("營收達", "季財報", "歷史", "獲利達", "月營收", "新台幣"):
        assert filler not in keywords, keywords
    assert any(k in keywords for k in ("散熱", "毛利率", "伺服器", "機殼")), keywords
    # Glued verbs and periods go; dictionary words that end the same way stay.
    assert not any(is_keyword(t) for t in ("营收达", "季财报", "获利创", "季营收", "历史"))
    assert all(is_keyword(t) for t in ("营收", "财报", "年报", "雷达", "宏达电", "日月光"))
