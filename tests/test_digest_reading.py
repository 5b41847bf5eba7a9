"""Digests a reader can take as they stand: nothing said twice, no sentence that misleads.

Issue 14: an article's summary and its section digests complement each other (no
summary sentence again in a digest, no sentence twice in one article); a sentence
naming a company or a figure beats a generic one; no sentence about the article
itself (本文將深入剖析…) or stock phrase (…機遇與挑戰); a sentence opening with
這/其/它們 only right after the sentence it points to; list items only with their
lead-in; keywords without filler.  The fixtures are original text written in the
styles the bot meets: a news report, an analyst column, a blog post and a weekly
round-up.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from digests.keywords import is_keyword
from digests.models import Article, Section
from digests.salience import is_anaphoric, is_aside, is_marked_item, is_meta, is_platitude
from digests.sources import load
from digests.summarize import digest_article, digest_section
from digests.textproc import to_simplified
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import digest_quality

NEWS = Article(
    title="晶岳科技第三季獲利創高，法說會上修全年出貨",
    sections=(
        Section(
            "",
            (
                "記者林怡君／新竹報導",
                "記憶體控制晶片廠晶岳科技(6712)今(6)日召開法說會，第三季營收48.2億元，季增21%，"
                "稅後純益7.9億元，每股純益3.15元，雙創單季新高。",
                "該公司表示，資料中心客戶拉貨強勁，第四季出貨可望再季增一成。"
                "這也讓晶岳把全年營收成長目標由25%上修至32%。",
            ),
        ),
        Section(
            "產能與資本支出",
            (
                "晶岳指出，新竹二廠將在明年第二季量產，月產能由8萬片提升至12萬片。"
                "其資本支出明年預估為35億元，較今年增加四成，資金來源以自有資金為主。"
                "財務長表示，明年毛利率可望維持在45%以上。",
            ),
        ),
    ),
    source="<news>",
    source_kind="text",
)

COLUMN = Article(
    title="ERP軟體的在地冠軍：誰能接住跨境電商的訂單？",
    sections=(
        Section(
            "",
            (
                "本文將從市場規模、在地廠商與投資觀察三個角度深入剖析這個產業的機遇與挑戰。"
                "跨境電商賣家同時經營多個平台，訂單、庫存與金流的整合需求快速升溫。"
                "研調機構估計，亞太地區中小企業ERP市場規模明年將達到62億美元，年增14%。",
            ),
        ),
        Section(
            "台灣廠商：製造業基因",
            (
                "台灣市場則以鼎新電腦(5403)與凌群(2453)為代表，深耕製造業的進銷存與生產排程。"
                "它們深刻理解本地企業的財稅法規與物流習慣。"
                "它們的產品設計仍圍繞著本地供應鏈。"
                "對於台灣的投資者而言，這場變革意味著巨大的機遇與挑戰。",
            ),
        ),
        Section(
            "投資觀察",
            (
                "我們認為，能把AI廣告投放與庫存預測整合進同一套系統的廠商，明年營收成長可望優於同業。"
                "這類廠商的訂閱收入占比已超過四成，獲利能見度較高。",
            ),
        ),
    ),
    source="<column>",
    source_kind="text",
)

BLOG = Article(
    title="我的存股清單：三檔電信股怎麼挑",
    sections=(
        Section(
            "",
            (
                "今天就用三個角度來聊聊電信股。",
                "讓我們來看看。",
                "電信三雄今年的現金殖利率大約落在4%到4.6%之間，明顯低於金融股。",
            ),
        ),
        Section(
            "我的篩選條件",
            (
                "我的篩選條件有三個：",
                "1. 近五年配息不中斷，配發率維持在九成以上",
                "2. 本益比低於25倍，而且五年平均殖利率高於4%",
                "3. 每月營收年增率連續六個月為正，今年以來年增最高達到8.6%",
                "三檔之中，我最看好中華電(2412)，5G用戶滲透率仍在提升。",
            ),
        ),
    ),
    source="<blog>",
    source_kind="text",
)

ROUND_UP = Article(
    title="週報：台股量縮整理，外資連三週賣超",
    sections=(
        Section(
            "大盤",
            (
                "加權指數本週下跌286點，收在22,415點，週成交量萎縮至1.6兆元。"
                "這是指數連續第二週收黑。"
                "美股四大指數本週漲跌互見，費城半導體指數下跌1.8%。",
            ),
        ),
        Section(
            "法人籌碼",
            (
                "三大法人本週動作分歧：",
                "・外資：全週賣超612億元，主要調節台積電與聯發科",
                "・投信：逆勢買超95億元，連續第八週買超",
                "・自營商：小幅賣超12億元",
                "就融資來看，上市融資餘額增加至3,120億元，散戶追價意願升溫。",
            ),
        ),
    ),
    source="<round-up>",
    source_kind="text",
)

STYLES = {"news": NEWS, "column": COLUMN, "blog": BLOG, "round-up": ROUND_UP}


def _shown(article: Article) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    digested = digest_article(article)
    return list(digested.summary), [(s.text, s.digest) for s in digested.sections]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_summary_and_digests_never_repeat_a_sentence(style: str) -> None:
    summary, sections = _shown(STYLES[style])
    assert summary
    digests = [s for _, digest in sections for s in digest]
    assert not set(summary) & set(digests), "a summary sentence is shown again in a digest"
    rendered = summary + digests
    assert len(rendered) == len(set(rendered))


@pytest.mark.parametrize("style", sorted(STYLES))
def test_no_meta_dangling_or_lone_items(style: str) -> None:
    """The benchmark's reading checks, on every outlet style."""
    summary, sections = _shown(STYLES[style])
    body = "\n".join(text for text, _ in sections)
    counts = digest_quality.check_shown(body, summary, headed=False)
    for text, digest in sections:
        counts.add(digest_quality.check_shown(text, digest))
    assert (counts.meta, counts.dangling, counts.lone_items) == (0, 0, 0), counts.examples


def test_company_sentence_beats_the_pronoun_sentences() -> None:
    """鼎新/凌群 are named once; the "它們…" sentences after it never replace it."""
    _, sections = _shown(COLUMN)
    digest = dict(sections)[COLUMN.sections[1].text]
    assert any("鼎新電腦" in s for s in digest), digest
    for s in digest:
        if s.startswith("它們"):
            before = COLUMN.sections[1].text.split(s)[0]
            assert any(before.endswith(other) for other in digest), (s, digest)


def test_stock_phrase_and_article_talk_are_never_shown() -> None:
    summary, sections = _shown(COLUMN)
    shown = summary + [s for _, digest in sections for s in digest]
    assert not any("本文將" in s or "機遇與挑戰" in s for s in shown), shown
    summary, sections = _shown(BLOG)
    shown = summary + [s for _, digest in sections for s in digest]
    assert not any(s in ("今天就用三個角度來聊聊電信股。", "讓我們來看看。") for s in shown)


def test_numbered_item_only_after_the_one_before() -> None:
    """Item 3 has the largest figure, but alone it would be a lone "3. …"."""
    text = "\n".join(BLOG.sections[1].paragraphs)
    digest = digest_section("", text)
    items = [s for s in digest if is_marked_item(s)]
    for item in items:
        number = int(item.lstrip()[0])
        assert number == 1 or any(f"{number - 1}. " in s for s in digest), digest


def test_pointing_sentence_comes_with_its_referent() -> None:
    text = (
        "法人指出，散熱模組廠奇鋐(3017)與雙鴻(3324)的液冷營收比重明年可望突破三成。"
        "它們也正擴建越南與泰國產能，以因應客戶分散生產基地的要求。"
        "這波轉型讓散熱產業從過去的配角，變成伺服器供應鏈中議價能力最強的一環。"
        "不過，液冷接頭與快拆件仍仰賴美系供應商，毛利率仍有壓力。"
    )
    digest = digest_section("散熱", text)
    for s in digest:
        if is_anaphoric(s):
            previous = text.split(s)[0]
            assert any(previous.endswith(other) for other in digest), (s, digest)


@pytest.mark.parametrize(
    ("sentence", "meta"),
    [
        (
            "本文將深入剖析這盤正在重塑的資產管理大棋局，拆解其核心驅動力，並比較美國、日本與台灣市場。",
            True,
        ),
        ("以下從三個角度說明。", True),
        ("讓我們來看看。", True),
        ("對於台灣的投資者而言，這場變革意味著巨大的機遇與挑戰。", True),
        ("這場變局中蘊含著風險，更潛藏著機遇。", True),
        ("以下是本週外資買超前五名：", False),
        ("公司預估明年營收年增15%，機會與挑戰並存。", False),
        ("我們認為機會大於風險，維持買進評等。", False),
        ("接下來市場將關注聯準會的利率決策，法人分析資金可能流向高股息族群。", False),
        ("今天就用三個角度來聊聊電信股。", True),
    ],
)
def test_meta_sentences(sentence: str, meta: bool) -> None:
    assert is_meta(sentence) is meta


def test_platitude_needs_the_paired_words() -> None:
    assert is_platitude("這是挑戰與機會並存的一年。")
    assert not is_platitude("外資本週買超台積電，帶動指數上漲。")


@pytest.mark.parametrize(
    ("sentence", "subject", "expected"),
    [
        ("它們深刻理解本地企業的需求。", False, True),
        ("其資本支出明年預估為35億元。", False, True),
        ("這意味著資料中心將吃掉一成電力。", False, True),
        ("該公司表示，第四季出貨可望再季增一成。", False, True),
        ("此舉打開了外資的大門。", False, True),
        ("後者的毛利率較高。", False, True),
        ("其實市場早有預期。", False, False),
        ("此外，投信買超95億元。", False, False),
        ("其他廠商也跟進漲價。", False, False),
        ("其中我們最推薦的是中華電。", True, False),
        ("其中八成以上是中小型企業。", False, True),
        ("這一次，晶岳第三季營收季增21%。", True, False),
    ],
)
def test_pointing_sentences(sentence: str, subject: bool, expected: bool) -> None:
    assert is_anaphoric(sentence, subject) is expected


def test_list_items_and_asides() -> None:
    assert is_marked_item("2. 本益比低於25倍")
    assert is_marked_item("・外資：全週賣超612億元")
    assert not is_marked_item("承銷價：52元")
    assert not is_marked_item("篩選結果如下：\n1. 中華電")
    assert is_aside("原因在於電芯製造高度集中在中國。")
    assert not is_aside("真正的機會在系統整合。")


@pytest.mark.parametrize("word", ["這場", "一杯", "產品", "全球", "億美元", "在於", "第一", "這片"])
def test_filler_is_never_a_keyword(word: str) -> None:
    assert not is_keyword(to_simplified(word))


@pytest.mark.parametrize("word", ["稀土", "儲能", "半導體", "數位", "併購", "3d", "erp", "毛利率"])
def test_content_words_stay_keywords(word: str) -> None:
    assert is_keyword(to_simplified(word))


@pytest.mark.parametrize("style", sorted(STYLES))
def test_article_keywords_have_no_filler(style: str) -> None:
    digested = digest_article(STYLES[style])
    assert digested.keywords
    filler = {"這場", "一杯", "產品", "全球", "億美元", "在於", "這是", "三個"}
    assert not filler & set(digested.keywords), digested.keywords
    for section in digested.sections:
        assert not filler & set(section.keywords), section.keywords


def test_sample_page_says_nothing_twice(corpus_path: Path) -> None:
    """The issue's count: 30 of 30 summary sentences reappeared in digests; now none."""
    counts = digest_quality.article_counts(load(str(corpus_path)).articles)
    assert counts.summary_sentences >= 20
    assert counts.repeated_in_digests == 0
    assert counts.repeated_in_article == 0
    shown = counts.shown
    assert (shown.meta, shown.dangling, shown.lone_items) == (0, 0, 0), shown.examples
    assert shown.companies_kept >= 0.7 * shown.sections_with_companies


def test_sector_view_never_repeats_a_key_point_as_an_article_line() -> None:
    """/sector quotes key points, then each article's summary: a sentence appears once."""
    from bot.messages.views import sector
    from digests.answers import Point, Source
    from store.answers.sector import SectorAnswer, SectorArticle

    said = "晶岳第三季稅後純益7.9億元，每股純益3.15元，雙創單季新高。"
    other = "新竹二廠將在明年第二季量產，月產能由8萬片提升至12萬片。"
    article = SectorArticle(7, "晶岳法說會", None, None, [said, other], [said], 1.0)
    answer = SectorAnswer("記憶體", None, summary=[Point(said, Source(7, "晶岳法說會", None))])
    answer.articles = [article]
    answer.matched = "text"
    message = sector(answer, "zh-TW")
    assert message.count("雙創單季新高") == 1
    assert "月產能由8萬片提升至12萬片" in message


# --- QUALITY2: lists whose lead-in ends in 。 and blog talk about the talk -------------

BRIEFING = Article(
    title="宏碩電子法說會：三大成長動能撐起明年營運",
    sections=(
        Section(
            "",
            (
                "電源管理晶片廠宏碩電子(6799)昨(12)日舉行法說會，第三季營收36.5億元，季增12%。",
                "公司提出三項成長動能。",
                "1. 資料中心：伺服器電源模組明年出貨量可望倍增，營收占比提升至35%。",
                "2. 車用：今年營收占比將提升至18%，電動車客戶的新平台明年上半年量產。",
                "3. 工控：歐洲客戶庫存去化告一段落，第四季訂單回升兩成。",
            ),
        ),
        Section(
            "風險",
            (
                "法人提醒投資人留意幾項風險。",
                "①匯率：新台幣每升值1%，毛利率減少0.4個百分點。",
                "②客戶集中：前三大客戶占營收比重達55%。",
                "（三）中國同業殺價搶市，低階產品價格已下跌一成。",
            ),
        ),
        Section(
            "法人看法",
            (
                "法人對宏碩明年的看法可分為三點。首先，資料中心營收占比將從25%提升到35%。"
                "其次，車用營收明年可望年增15%，為第二成長引擎。最後，公司現金殖利率約4.5%，下檔有限。",
            ),
        ),
    ),
    source="<briefing>",
    source_kind="text",
)


@pytest.mark.parametrize(
    ("sentence", "item"),
    [
        ("①匯率：新台幣每升值1%，毛利率減少0.4個百分點。", True),
        ("（二）歐洲車市需求疲弱。", True),
        ("其次，車用營收明年可望年增15%。", True),
        ("最後，公司現金殖利率約4.5%。", True),
        ("第二，外資連續四日買超。", True),
        ("最後一個交易日外資賣超120億元。", False),
        ("其次是車用，占比18%。", True),
    ],
)
def test_more_list_markers(sentence: str, item: bool) -> None:
    assert is_marked_item(sentence) is item


def test_list_after_a_lead_in_ending_in_a_full_stop() -> None:
    """公司提出三項成長動能。 is one unit with "1. …"; no item, no ordinal step and no key
    figure is shown without what introduces it, and the lead-in never alone."""
    digested = digest_article(BRIEFING)
    body = "\n".join(s.text for s in digested.sections)
    counts = digest_quality.check_shown(body, list(digested.summary), headed=False)
    for section in digested.sections:
        counts.add(digest_quality.check_shown(section.text, section.digest))
    assert (counts.meta, counts.dangling, counts.lone_items) == (0, 0, 0), counts.examples
    shown = [*digested.summary, *(s for sec in digested.sections for s in sec.digest)]
    assert "公司提出三項成長動能。" not in shown
    for figure in digested.key_figures:
        assert not is_marked_item(figure), digested.key_figures
    assert not any(s.startswith(("車用營收", "公司現金殖利率")) for s in digested.key_figures)


@pytest.mark.parametrize(
    ("sentence", "meta"),
    [
        ("讓我們來看看這幾檔ETF的差別。", True),
        ("接下來我們就一起來拆解成分股的篩選方式。", True),
        ("這篇文章想和大家聊聊高股息ETF的選股邏輯。", True),
        ("先說結論：", True),
        ("話不多說，直接進入正題。", True),
        ("本篇重點整理如下", True),
        ("在進入正題之前，先簡單介紹一下高股息ETF。", True),
        ("最後，我們來總結一下。", True),
        ("你可能會問，配息高就一定好嗎？", True),
        ("先說結論：\n在進入正題之前，先簡單介紹一下高股息ETF。", True),
        ("先說結論：我認為高股息ETF仍值得長抱。", False),
        ("先說結論：\n高股息ETF仍值得長抱。", False),
        ("以下為法人預估下週的三大焦點：台積電法說會與美國CPI，CPI預估年增2.9%。", False),
        ("外資不多說，直接賣超台積電。", False),
        ("公司高層對此並未多說。", False),
    ],
)
def test_blog_talk_about_the_talk(sentence: str, meta: bool) -> None:
    assert is_meta(sentence) is meta
