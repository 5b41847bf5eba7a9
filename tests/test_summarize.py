"""Digest rules: whole sentences, document order, budget, figures kept, no repeats."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.figures import find_figures
from digests.fragments import MIN_CLAUSE, fragment_reasons, is_fragment
from digests.models import Article, Section
from digests.salience import (
    is_call,
    is_flow,
    is_global_colour,
    is_history,
    is_management_outlook,
    is_meta,
)
from digests.sources.pagedump import parse_page_dump
from digests.summarize import (
    SECTION_BUDGET,
    SUMMARY_BUDGET,
    digest_article,
    digest_section,
    trim_connective,
)
from digests.textproc import OVERLONG_SENTENCE, sentences, to_simplified
from tests.conftest import ROOT

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
        shown = list(digested.summary)
        for section, raw in zip(digested.sections, article.sections, strict=True):
            # A section may have no digest of its own when the summary already says what
            # it says, or all it holds is a stock phrase (機遇與挑戰…); never more than 3.
            assert len(section.digest) <= 3
            if len(section.digest) > 1:
                assert sum(len(s) for s in section.digest) <= SECTION_BUDGET
            for sentence in section.digest:
                assert sentence in raw.text
            shown.extend(section.digest)
        assert len(shown) == len(set(shown)), "a sentence is said twice"
        assert sum(bool(s.digest) for s in digested.sections) >= len(digested.sections) - 1


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_section_has_empty_digest(text: str) -> None:
    assert digest_section("空", text) == []


# --- whole sentences: no clause cut at ；, no bare lead-in, no stub -----------------

NEWS = (
    "記者陳冠宇／新竹報導\n"
    "晶片設計廠嘉芯半導體(6781)今(14)日公布第三季財報，稅後純益9.6億元，季增33%，"
    "每股純益4.12元，優於市場預期。\n"
    "嘉芯表示，車用與工控客戶庫存去化告一段落，訂單回溫，第三季毛利率回升至47.5%。"
    "公司也指出，新產品線的研發費用將在第四季增加，營業費用率可能小幅上升。"
    "嘉芯今日股價上漲2.4%，收在318元，外資連續五日買超。"
)
COLUMN = (
    "每次談到工具機，很多人的第一印象還停留在景氣循環股。"
    "這個印象不能說錯，但這兩年產業的樣貌已經悄悄改變。"
    "過去接單看的是汽機車與消費電子，如今半導體設備與航太零件的比重越來越高。"
    "以旭鋒精機為例，半導體相關訂單占比已由三年前的8%提升至27%，在手訂單可見度延伸到明年第三季。"
    "我認為，這樣的轉型值得給予比過去更高的評價。"
)
PICKS = (
    "年底作帳行情將至，我們從獲利成長與評價兩個角度篩選出三檔標的，名單如下：\n"
    "1. 嘉芯半導體(6781)：明年每股盈餘預估成長25%，目標價380元\n"
    "2. 旭鋒精機(4593)：半導體訂單占比持續提升，目標價96元\n"
    "3. 漢霖材料(1788)：新產能開出，明年營收預估年增18%\n"
    "三檔之中，我們首選嘉芯半導體，評價仍低於同業平均。"
)


def test_semicolon_joins_clauses_of_one_sentence() -> None:
    text = "嘉芯第三季營收年增12%，毛利率回升至35%；同業則因匯損，獲利季減8%。市場看法分歧。"
    assert sentences(text) == [
        "嘉芯第三季營收年增12%，毛利率回升至35%；同業則因匯損，獲利季減8%。",
        "市場看法分歧。",
    ]


def test_overlong_sentence_is_cut_at_semicolons_into_whole_clauses_only() -> None:
    first = (
        "在全球主要經濟體同時推動能源轉型、資料中心用電需求因生成式AI而爆發、各國電網老化亟需更新的"
        "三重壓力下，變壓器、開關設備與儲能系統的訂單能見度已經延伸到2028年以後，"
        "國內外業者也紛紛宣布擴產計畫；"
    )
    second = (
        "重電族群的營收在過去兩年成長超過80%，毛利率也從兩成提升到三成以上，成為台股中少數兼具"
        "成長性與訂單能見度的族群，本益比也一路重新評價到二十倍以上。"
    )
    assert len(first + second) > OVERLONG_SENTENCE
    pieces = sentences(first + second)
    assert pieces == [first, second]
    assert not any(is_fragment(p) for p in pieces)
    # A short clause is never cut off, even from an over-long sentence.
    short = "訂單滿載；" + second + second
    assert sentences(short)[0].startswith("訂單滿載；")
    assert all(len(p) >= MIN_CLAUSE for p in sentences(short))


def test_lead_in_is_shown_only_with_what_it_introduces() -> None:
    digest = digest_section("年底精選", PICKS)
    assert digest
    for sentence in digest:
        assert not sentence.endswith(("：", ":")), sentence
        if "名單如下：" in sentence:
            assert "嘉芯半導體(6781)" in sentence
        assert sentence in PICKS


def test_list_of_picks_keeps_the_stated_choice() -> None:
    assert "我們首選嘉芯半導體" in "".join(digest_section("年底精選", PICKS))


@pytest.mark.parametrize(
    "sentence",
    [
        "其實是「工業味精」。",
        "此外，也有業者開始評估半固態電池。",
        "當然，是否降息仍要看通膨。",
        "例如：",
    ],
)
def test_trim_connective_never_leaves_a_stub(sentence: str) -> None:
    trimmed = trim_connective(sentence)
    assert trimmed == sentence or not is_fragment(trimmed)
    assert not trimmed.startswith(("是「", "也", "：")), trimmed


def test_trim_connective_still_trims_when_the_rest_stands_alone() -> None:
    assert (
        trim_connective("也因此，兩大超商每逢節日就推出寄杯優惠。")
        == "兩大超商每逢節日就推出寄杯優惠。"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("是「新時代的石油」。", "starts with a particle or connective remnant"),
        ("，而且毛利率回升。", "starts with punctuation"),
        ("上調理由有三：", "lead-in ending in a colon without what it introduces"),
        ("它不是石油，卻被譽為新時代的石油；", "clause cut at a semicolon"),
        ("董事長表示：「明年營收將成長兩成。", "unbalanced quotes or brackets"),
        ("記者陳冠宇／新竹報導", "byline"),
        ("第三季營運回顧", "a label, not a statement"),
        ("好。", "too short to state anything"),
    ],
)
def test_fragment_detector_flags(text: str, reason: str) -> None:
    assert reason in fragment_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "嘉芯第三季營收年增12%，毛利率回升至35%；同業則因匯損，獲利季減8%。",
        "董事長表示：「明年營收將成長兩成。」",
        "的確，市場已經提前反映利多。",
        "是否降息，市場看法仍然分歧。",
        "2. 旭鋒精機(4593)：半導體訂單占比持續提升，目標價96元",
    ],
)
def test_fragment_detector_accepts_whole_sentences(text: str) -> None:
    assert fragment_reasons(text) == []


def test_news_lead_is_kept_and_byline_dropped() -> None:
    digest = digest_section("", NEWS)
    assert any("每股純益4.12元" in s for s in digest)
    assert not any(s.startswith("記者") for s in digest)


def test_column_keeps_the_buried_figure_and_the_view() -> None:
    digest = "".join(digest_section("", COLUMN))
    assert "提升至27%" in digest
    assert "我認為" in digest


def _eval_sections() -> list[tuple[str, str]]:
    import json

    found = []
    for path in sorted((ROOT / "bench" / "eval").glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")):
            found += [(sec["heading"], sec["text"]) for sec in article["sections"]]
    return found


def test_eval_set_digests_have_no_fragments() -> None:
    flagged = [
        (s, fragment_reasons(s))
        for heading, text in _eval_sections()
        for s in digest_section(heading, text)
        if is_fragment(s)
    ]
    assert not flagged


def test_seed_page_digests_have_no_fragments(corpus_path: Path) -> None:
    flagged = []
    for article in parse_page_dump(corpus_path.read_text(encoding="utf-8"), "seed"):
        digested = digest_article(article)
        shown = [*digested.summary, *(s for sec in digested.sections for s in sec.digest)]
        flagged += [(s, fragment_reasons(s)) for s in shown if is_fragment(s)]
    assert not flagged


RUN_ON_COLUMN = (
    "對於經歷過上一輪記憶體狂潮的投資人來說，「缺貨」這兩個字總是特別敏感，當年報價在短短"
    "一年內漲了好幾倍，龍頭廠的股價從一百多元一路漲到五百元以上，不少人在高點追進後套牢多年，"
    "一直到今天都還沒有解套，因此每當市場再度傳出缺貨消息，大家的反應都是既期待又怕受傷害，"
    "而這種心情也讓相關個股的股價在每一次消息面出現時都大起大落，成交量也隨之暴增。"
    "我們給予買進評等，目標價186元。"
    "主要風險為終端需求不如預期。"
)
NEWS_RUN_ON = (
    "網通晶片廠鈺瀚科技(6533)昨(13)日召開董事會通過第三季財報，在Wi-Fi 7晶片出貨放量、"
    "產品組合持續優化以及新台幣匯率相對穩定的帶動下，第三季合併營收達48.3億元，季增11%、"
    "年增26%，毛利率49.4%，稅後純益9.2億元，每股純益5.12元，營收、獲利與每股純益皆創下"
    "歷年同期新高，前三季每股純益累計13.35元。"
    "公司表示將持續投入研發。"
    "今日股價小漲。"
)


def test_run_on_context_is_not_shown_instead_of_the_call() -> None:
    """A sentence over the whole budget is shown alone only when nothing shorter says more."""
    assert len(sentences(RUN_ON_COLUMN)[0]) > SECTION_BUDGET
    digest = digest_section("", RUN_ON_COLUMN)
    assert "目標價186元" in "".join(digest)
    assert sum(map(len, digest)) <= SECTION_BUDGET


def test_news_lead_over_the_budget_is_still_shown_alone() -> None:
    assert len(sentences(NEWS_RUN_ON)[0]) > SECTION_BUDGET
    assert digest_section("", NEWS_RUN_ON) == [sentences(NEWS_RUN_ON)[0]]


OUTLOOK = (
    "回顧過去五年，這家公司的毛利率從45%一路滑落到31%，股價也從高點的320元腰斬到150元左右，"
    "市場一度認為它已經失去競爭力。"
    "本季毛利率為33.5%，較上季增加0.6個百分點，但仍低於美系與日系同業平均的38%，"
    "主因新產線仍處於學習曲線的初期。"
    "營業費用率則因研發人員擴編與新總部租金而升至14%，為近三年新高，"
    "主要反映新總部的一次性裝修與搬遷支出。"
    "財務長在會中表示，隨著新產線良率改善與高階產品比重提升，"
    "明年下半年毛利率可望回到40%，重新追上同業的水準。"
)


def test_management_outlook_outranks_background_figures() -> None:
    digest = "".join(digest_section("毛利率", OUTLOOK))
    assert "可望回到40%" in digest
    assert "回顧過去五年" not in digest


def test_promotion_or_disclaimer_inside_a_paragraph_is_never_shown() -> None:
    """Readers drop whole boilerplate lines; one left inside a paragraph is still skipped."""
    text = (
        "這家公司本季營收年增35%，每股盈餘2.8元，創同期新高。"
        "歡迎加入我們的LINE官方帳號，第一時間收到最新研究報告！"
        "本文僅供參考，不構成任何投資建議，投資人應自行承擔風險。"
    )
    digest = digest_section("", text)
    assert digest
    assert not any("LINE" in s or "投資建議" in s for s in digest)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("回顧過去三年，公司營收一度年減12%。", True),
        ("過去十年，台灣房價大約漲了三倍。", True),
        ("十年前手機鏡頭殺價競爭最激烈。", True),
        ("本季營收年增35%，創同期新高。", False),
        ("過去一週外資賣超218億元。", False),
    ],
)
def test_history_sentences_are_recognised(text: str, expected: bool) -> None:
    assert is_history(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("財務長表示，明年上半年毛利率可望回到75%附近。", True),
        ("公司管理層表示，預計2027年可達成單年度損益兩平。", True),
        ("董事長在會中預估第四季營收將季增一成。", True),
        ("公司表示，營收成長主要受惠於新產品出貨。", False),
        ("法人預估明年營收年增兩成。", False),
    ],
)
def test_management_outlook_is_recognised(text: str, expected: bool) -> None:
    assert is_management_outlook(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("這篇就用四個面向來拆解。", True),
        ("本文將從成本與定價兩端說明這波漲價能走多遠。", True),
        ("以下分兩點說明。", True),
        ("我們先來看看通路端的庫存。", True),
        ("這篇不談線型，只談獲利。", True),
        ("以下為本週外資賣超前三名：\n1. 鴻海", False),
        ("這次法說會說明了擴產計畫。", False),
        ("我們認為下半年的拉貨力道會優於預期。", False),
        ("本季營收季增12%，優於公司財測。", False),
    ],
)
def test_meta_sentences_are_recognised(text: str, expected: bool) -> None:
    assert is_meta(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我們首選日月光投控，目標價上調至210元。", True),
        ("我們把力成列為族群中較佳的選擇。", True),
        ("京元電是我目前唯一維持「買進」看法的個股。", True),
        ("配置上以金融股為主、傳產股為輔。", True),
        ("資金約六成放在高股息ETF，另外保留約兩成現金。", True),
        ("等財報公布後再逢低分批布局。", True),
        ("如果你在意的是波動，電信股仍是比較適合的選擇。", True),
        ("法人將其評等由中立調升為買進。", True),
        ("業者資金約三成用於擴產。", False),
        ("外資持股比率約72%。", False),
        ("公司營收年增三成。", False),
    ],
)
def test_calls_are_recognised(text: str, expected: bool) -> None:
    assert is_call(text) is expected


@pytest.mark.parametrize(
    ("text", "present", "expected"),
    [
        ("2016年前後公司切入車用市場，當時毛利率不到兩成。", 2025, True),
        ("2019年與2023年的兩次庫存修正中，股價都曾腰斬。", 2025, True),
        ("2023年，市場擔心需求；2024年上半年，營收果然年減一成。", 2025, True),
        ("2021年公司一度考慮出售該部門。", 2021, True),
        ("晶圓代工三雄過去五年的資本支出都倍增。", None, True),
        ("2027到2029年才是新廠產能開出的高峰。", 2025, False),
        ("2025年全年營收年增31%，創新高。", 2025, False),
        ("儲能事業最快在2028年轉虧為盈。", 2025, False),
    ],
)
def test_dated_history_is_recognised(text: str, present: int | None, expected: bool) -> None:
    assert is_history(text, present) is expected


def test_round_up_flows_and_colour_are_recognised() -> None:
    assert is_flow("外資本週買超約740億元，集中在半導體。")
    assert is_global_colour("道瓊指數週漲1.2%，日經225指數下跌0.8%，國際油價回落。")
    assert not is_global_colour("受美股帶動，加權指數本週上漲210點。")


def test_meta_sentence_is_never_chosen() -> None:
    text = (
        "這篇想從通路庫存的角度，把短期雜音與長期趨勢分開來看。"
        "筆電品牌廠第三季的通路庫存已降到約七週，接近正常水準。"
        "品牌廠預估第四季出貨可望季增一成，商用機種換機需求是主因。"
    )
    digest = digest_section("", text)
    assert digest
    assert not any(is_meta(s) for s in digest)
    assert any("第四季出貨可望季增一成" in s for s in digest)


def test_the_call_beats_history_and_valuation_colour() -> None:
    text = (
        "網通族群過去五年的營收成長率大多落在個位數，2020年遠距需求帶動的那波行情之後，"
        "多數個股的股價花了將近兩年才回到原來的高點，投資人的耐心也被磨得差不多了。"
        "目前智邦、啟碁與中磊的本益比分別約為28倍、15倍與12倍，殖利率則介於3%到5%之間，"
        "外資目標價的分歧也不小。"
        "如果你看重的是資料中心的成長性，智邦仍是族群中比較適合的選擇。"
    )
    digest = digest_section("", text)
    assert any("智邦仍是族群中比較適合的選擇" in s for s in digest), digest


def test_dated_history_yields_to_the_outlook() -> None:
    text = (
        "2017年公司在泰國設廠時，正逢當地電力不穩，良率長期在七成上下徘徊，虧損一路延續到2019年。"
        "2022年與2023年的兩次客戶砍單中，泰國廠的稼動率都曾跌破五成，單季虧損一度擴大到3億元。"
        "總經理表示，泰國二廠明年第二季投產後，海外產能占比可望從兩成提升到四成。"
    )
    digest = digest_section("", text)
    assert any("海外產能占比可望從兩成提升到四成" in s for s in digest), digest


def test_short_aside_is_never_selected() -> None:
    """業界看法分歧。 (7 characters) says nothing alone, wherever it stands."""
    assert is_fragment("市場看法分歧。")
    assert digest_section("", "市場看法分歧。") == []
    text = (
        "市場看法分歧。"
        "美系外資認為車用晶片庫存已經見底，預估明年車用營收可望年增兩成。"
        "日系券商則認為歐洲車市疲弱，建議等待更明確的拉貨訊號。"
    )
    digest = digest_section("", text)
    assert digest
    assert all(len(s) >= 8 for s in digest)
    assert not any(s.startswith("市場看法分歧") for s in digest)


def test_round_up_keeps_the_institutional_flow() -> None:
    text = (
        "美股本週漲跌互見，標普500指數週漲0.8%，那斯達克指數週漲1.5%，費城半導體指數上漲2.9%，"
        "日經225指數週跌1.1%，韓國綜合指數上漲0.6%，歐洲斯托克600指數小幅收高，"
        "香港恆生指數週跌2.4%，國際油價回落到每桶74美元附近。"
        "台股加權指數本週上漲233點，收在23,104點，週漲幅1.0%。"
        "外資本週買超約690億元，投信小幅賣超約15億元。"
    )
    digest = digest_section("", text)
    assert any("外資本週買超約690億元" in s for s in digest), digest
    assert any("收在23,104點" in s for s in digest), digest
    assert not any(s.startswith("美股本週") for s in digest), digest
