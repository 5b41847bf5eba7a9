"""Sectors as readers name them: topics, exchange industries, then the words themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from digests.answers import count_terms, term_pattern, term_sentences
from digests.companies import Company
from digests.industries import build_industries
from digests.lexicon import Lexicon, default_lexicon
from digests.sector_query import (
    compound_parts,
    literal_terms,
    parse_sector_query,
    strip_sector_suffix,
)
from store.answers import SectorAnswer, sector_answer
from tests.sector_devset import build_store, evaluate


@pytest.fixture(scope="module")
def devset(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Database, Lexicon, dict[int, str]]]:
    db, lexicon, stems = build_store(tmp_path_factory.mktemp("sectors") / "devset.db")
    yield db, lexicon, stems
    db.close()


def _ask(devset, query: str) -> tuple[SectorAnswer, list[str]]:
    db, lexicon, stems = devset
    answer = sector_answer(db, lexicon, query)
    return answer, [stems[a.id] for a in answer.articles]


# --- the development set -----------------------------------------------------------


def test_readers_words_find_the_article_they_describe(devset) -> None:
    outcomes = evaluate(*devset)
    misses = [(o.query, o.expected, o.found) for o in outcomes if not o.hit]
    assert sum(o.hit for o in outcomes) / len(outcomes) >= 0.9, misses


def test_the_described_article_comes_first(devset) -> None:
    outcomes = evaluate(*devset)
    wrong_top = [(o.query, o.expected, o.found[:2]) for o in outcomes if not o.top]
    assert sum(o.top for o in outcomes) / len(outcomes) >= 0.9, wrong_top


@pytest.mark.parametrize("query", ["稀土", "咖啡", "電動車"])
def test_known_topic_without_articles_lists_nothing_unrelated(devset, query: str) -> None:
    answer, found = _ask(devset, query)
    assert answer.found and answer.matched == "topic"
    assert found == []


def test_nothing_matches_gives_only_close_suggestions(devset) -> None:
    answer, found = _ask(devset, "量子電腦")
    assert not answer.found and answer.matched is None
    assert found == [] and answer.suggestions == []  # nothing is close: no noise
    answer, found = _ask(devset, "半道體")  # a typo of a topic name
    assert answer.found or answer.suggestions == ["半導體"]


# --- how the query was understood ------------------------------------------------


def test_topic_and_industry_both_count(devset) -> None:
    answer, found = _ask(devset, "電信")
    assert answer.matched == "topic" and answer.topic is not None
    assert answer.topic.id == "telecom"
    assert answer.industry == "通信網路業"
    assert found[0] == "telecom"
    assert answer.articles[0].industries[0] == "通信網路業"
    assert {"中華電", "台灣大"} <= set(answer.companies)


def test_summary_cites_only_the_articles_near_the_top(devset) -> None:
    db, lexicon, stems = devset
    answer = sector_answer(db, lexicon, "光通訊")
    assert stems[answer.articles[0].id] == "optical"
    assert len(answer.articles) > 1  # the telecom article is listed, further down
    assert {stems[p.source.article_id] for p in answer.summary} == {"optical"}


def test_industry_alone_finds_articles_about_its_companies(devset) -> None:
    # No topic covers 油電燃氣業; the stock-pick list names 台汽電(8926), filed under it.
    answer, found = _ask(devset, "油電燃氣業")
    assert answer.matched == "industry" and answer.topic is None
    assert answer.industry == "油電燃氣業" and answer.label == "油電燃氣業"
    assert found == ["security_picks"]
    assert any("台汽電" in p.sentence for p in answer.summary)


@pytest.mark.parametrize(
    ("query", "stem"), [("跨境電商", "crossborder"), ("保全", "security_picks")]
)
def test_free_text_summary_is_built_from_sentences_using_the_words(
    devset, query: str, stem: str
) -> None:
    answer, found = _ask(devset, query)
    assert answer.matched == "text" and answer.topic is None and answer.industry is None
    assert found[0] == stem
    assert answer.summary
    assert all(query in p.sentence for p in answer.summary)
    assert answer.articles[0].digest


def test_free_text_ranks_the_article_about_it_above_passing_mentions(devset) -> None:
    # 防禦 is in the stock-pick list's title and a heading; two others use it once.
    _, found = _ask(devset, "防禦股")
    assert found[0] == "security_picks"
    assert set(found) >= {"medical_devices", "telecom"}


def test_every_word_must_appear(devset) -> None:
    _, found = _ask(devset, "載客率 鋼鐵")
    assert found == []
    _, found = _ask(devset, "載客率 北美")
    assert found == ["airlines"]


@pytest.mark.parametrize("query", ["驅動IC", "驱动ic", "Wi-Fi 7", "SAF", "小額包裹"])
def test_words_found_whatever_the_segmentation_or_script(devset, query: str) -> None:
    answer, found = _ask(devset, query)
    assert answer.matched == "text" and found


# --- pure parts --------------------------------------------------------------------


def test_term_pattern_ignores_spacing_and_respects_latin_words() -> None:
    assert count_terms("硅 光子 技术 , 硅光子", [term_pattern("硅光子")]) == [2]
    assert count_terms("supply   chain 的 AI 伺服器", [term_pattern("ai")]) == [1]
    assert count_terms("Wi - Fi 7 晶片", [term_pattern("wi-fi7")]) == [1]
    assert count_terms("70%", [term_pattern("7")]) == [0]


def test_term_sentences_keep_the_original_script() -> None:
    text = "跨境電商面臨考驗。關稅成本增加。台灣的跨境电商賣家有機會。"
    assert term_sentences(text, [term_pattern("跨境电商")]) == [
        "跨境電商面臨考驗。",
        "台灣的跨境电商賣家有機會。",
    ]


@pytest.mark.parametrize(
    ("typed", "short"),
    [("航空股", "航空"), ("半导体业", "半导体"), ("光通讯族群", "光通讯"), ("新股", "新股"),
     ("steel stocks", "steel")],
)  # fmt: skip
def test_strip_sector_suffix(typed: str, short: str) -> None:
    assert strip_sector_suffix(typed) == short


def test_literal_terms_drop_single_characters() -> None:
    assert literal_terms("载客率 北美") == ("载客率", "北美")
    assert literal_terms("钢 铁矿砂") == ("铁矿砂",)


def test_industries_by_exchange_name_short_name_and_readers_words() -> None:
    companies = [
        Company("TWSE:1", "甲", industry="通信網路業"),
        Company("TWSE:2", "乙", industry="鋼鐵工業"),
        Company("TWSE:3", "丙", industry="其他業"),
    ]
    industries = build_industries(companies, {"通信網路業": ["電信"], "航運業": ["航空"]})
    assert industries.resolve("通信網路業") == "通信網路業"
    assert industries.resolve("通信网路") == "通信網路業"
    assert industries.resolve("电信") == "通信網路業"
    assert industries.resolve("鋼鐵") == "鋼鐵工業"
    assert industries.resolve("航空") is None  # no company carries 航運業 here
    assert industries.resolve("其他") is None and industries.resolve("其他業") is None
    assert industries.members["鋼鐵工業"] == ("TWSE:2",)


def test_listed_companies_carry_their_exchange_industry() -> None:
    lexicon = default_lexicon()
    industries = build_industries(lexicon.directory.companies.values())
    assert "TWSE:2412" in industries.members["通信網路業"]  # 中華電
    for word, industry in [("電信", "通信網路業"), ("金融", "金融保險業"), ("醫材", "生技醫療業"),
                           ("航運", "航運業"), ("半導體", "半導體業"), ("營建", "建材營造業")]:  # fmt: skip
        assert industries.resolve(word) == industry, word


@pytest.mark.parametrize(
    ("query", "topic_id", "industry"),
    [
        ("航空股", "travel", "航運業"),
        ("IC設計", "semiconductors", "半導體業"),
        ("新股申購", "ipo", None),
        ("油電燃氣", None, "油電燃氣業"),
        ("矽光子", "optical", None),  # a technology, not a whole industry
        ("生質燃料", None, None),
    ],
)
def test_parse_sector_query(query: str, topic_id: str | None, industry: str | None) -> None:
    lexicon = default_lexicon()
    parsed = parse_sector_query(
        lexicon.taxonomy, build_industries(lexicon.directory.companies.values()), query
    )
    assert (parsed.topic.id if parsed.topic else None) == topic_id
    assert parsed.industry == industry
    assert parsed.terms


def test_devset_fixtures_are_ours() -> None:
    # Every article the development set names exists (and nothing else is asked of them).
    from tests.sector_devset import DEVSET, queries

    stems = {p.stem for p in Path(DEVSET).glob("*.txt")}
    assert {stem for _, stem in queries()} <= stems


def test_new_topics_classify_their_articles(devset) -> None:
    from store.answers import article_tags

    db, _, stems = devset
    tags = article_tags(db, list(stems)).items()
    main = {stems[i]: topics[0] for i, (topics, _) in tags if topics}  # 紡織 has no topic
    assert main["airlines"] == "travel"
    assert main["ipo"] == "ipo"
    assert main["machine_tools"] == "machinery"
    assert main["optical"] == "optical"
    assert main["property"] == "construction"
    assert main["steel"] == "steel"
    assert main["telecom"] == "telecom"


# --- round 2: compound words, narrow words, every exchange industry ---------------


@pytest.mark.parametrize(
    ("word", "parts"),
    [("半导体设备", ("半导体", "设备")), ("电源供应器", ("电源", "供应器")),
     ("矽晶圆", ()), ("ic设计", ()), ("steel", ())],
)  # fmt: skip
def test_compound_parts(word: str, parts: tuple[str, ...]) -> None:
    assert compound_parts(word) == parts


@pytest.mark.parametrize(
    ("query", "topic_id", "narrow"),
    [("IC設計", "semiconductors", True), ("半導體設備", "semiconductors", True),
     ("矽晶圓", "semiconductors", True), ("半導體", "semiconductors", False),
     ("航空", "travel", False), ("電信", "telecom", False), ("散熱模組", "cooling", True)],
)  # fmt: skip
def test_narrow_words_are_told_from_the_topic_name(query: str, topic_id: str, narrow: bool) -> None:
    lexicon = default_lexicon()
    industries = build_industries(lexicon.directory.companies.values())
    parsed = parse_sector_query(lexicon.taxonomy, industries, query)
    assert parsed.topic is not None and parsed.topic.id == topic_id
    assert parsed.narrow is narrow


def test_exchange_names_drop_their_suffix_whole() -> None:
    lexicon = default_lexicon()
    industries = build_industries(lexicon.directory.companies.values())
    parsed = parse_sector_query(lexicon.taxonomy, industries, "食品工業")
    assert parsed.industry == "食品工業" and parsed.terms == ("食品",)


def test_every_exchange_industry_is_reachable_by_its_names() -> None:
    lexicon = default_lexicon()
    industries = build_industries(lexicon.directory.companies.values())
    for industry in industries.members:
        if industry == "其他業":
            continue
        short = industry.removesuffix("業").removesuffix("工")
        assert industries.resolve(industry) == industry, industry
        assert industries.resolve(short) == industry, short


@pytest.mark.parametrize(
    ("word", "industry"),
    [("食品", "食品工業"), ("紡織", "紡織纖維"), ("製鞋", "運動休閒"), ("自行車", "運動休閒"),
     ("水泥", "水泥工業"), ("玻璃", "玻璃陶瓷"), ("造紙", "造紙工業"), ("橡膠", "橡膠工業"),
     ("化工", "化學工業"), ("產險", "金融保險業"), ("電子代工", "其他電子業"),
     ("其他電子", "其他電子業"), ("機殼", "電腦及週邊設備業"), ("太陽能", "綠能環保"),
     ("汽車零組件", "汽車工業"), ("矽晶圓", "半導體業"), ("電線電纜", "電器電纜")],
)  # fmt: skip
def test_readers_words_for_exchange_industries(word: str, industry: str) -> None:
    lexicon = default_lexicon()
    industries = build_industries(lexicon.directory.companies.values())
    assert industries.resolve(word) == industry


def test_narrow_word_ranks_its_articles_before_the_broad_topic(devset) -> None:
    # Six semiconductor articles; only one is about IC design, one more uses 晶圓代工 in
    # a heading.  The broad name still ranks by how much each says about 半導體.
    answer, found = _ask(devset, "IC設計")
    assert found[0] == "ic_design"
    assert {p.source.article_id for p in answer.summary} == {answer.articles[0].id}
    assert all("IC設計" in p.sentence for p in answer.summary)
    _, found = _ask(devset, "晶圓代工")
    assert found[:2] == ["foundry", "ic_design"]
    _, found = _ask(devset, "半導體")
    assert len(found) == 5 and "foundry" in found[:2]


def test_compound_word_falls_back_to_its_parts_in_one_sentence(devset) -> None:
    # The equipment report never writes 半導體設備; the machine-tool column does, in
    # passing.  Both come before the rest of the semiconductor topic.
    answer, found = _ask(devset, "半導體設備")
    assert found[:2] == ["semi_equipment", "machine_tools"]
    assert all(p.source.article_id == answer.articles[0].id for p in answer.summary)
    # No taxonomy knows 散熱訂單: its parts share a sentence in one article only.
    answer, found = _ask(devset, "散熱訂單")
    assert answer.matched == "text" and found == ["chassis_cooling"]
    assert all("散熱" in p.sentence and "訂單" in p.sentence for p in answer.summary)


def test_words_inside_longer_tokens_are_found(devset) -> None:
    # 食品業者 and 傳產股 are single tokens to the segmenter.
    _, found = _ask(devset, "食品")
    assert found[0] == "food"
    answer, found = _ask(devset, "傳產")
    assert answer.matched == "text" and found == ["traditional"]
    _, found = _ask(devset, "晶圓代工廠")  # a maker's suffix, like 航空股's
    assert found[0] == "foundry"


@pytest.mark.parametrize("query", ["矽晶圓", "硅晶圆", "矽晶圆"])
def test_both_spellings_of_silicon(devset, query: str) -> None:
    _, found = _ask(devset, query)
    assert found[0] == "semi_materials"
