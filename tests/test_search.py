"""Search by article: one result per article, its best sentence, counts, paging, OR, phrases.

The articles below are written for these tests: three name 台積電 (one only in its
title), two discuss packaging with and without the phrase 先進封裝 written together.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.loopback import FakeChat, FakeUser
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.search_query import best_sentence, parse_query
from store import open_db
from store.answers import search_answer
from tests.bot_harness import buttons, harness_on_copy, texts
from tests.conftest import build_store

ARTICLES = [
    Article(
        "晶圓代工的下一步：台積電擴產與先進封裝",
        (
            Section(
                "",
                (
                    "晶圓代工龍頭台積電今年資本支出預估達400億美元，其中一成投入先進封裝。"
                    "公司表示，CoWoS產能明年將再倍增，以滿足AI伺服器客戶的需求。",
                ),
            ),
            Section(
                "產能規劃",
                (
                    "南部科學園區的新廠將在明年第二季量產，月產能規劃為三萬片。"
                    "設備商的訂單能見度因此延伸到後年。",
                ),
            ),
            Section(
                "客戶結構",
                (
                    "輝達與超微仍是最大的兩個客戶，合計占營收比重約三成。"
                    "分析師認為，台積電的定價能力在先進製程上依然穩固。",
                ),
            ),
        ),
        "test",
        "text",
    ),
    Article(
        "儲能產業的電池供應鏈觀察",
        (
            Section(
                "",
                (
                    "儲能系統的需求在今年明顯升溫，電池芯價格下跌帶動建置意願。"
                    "國內廠商積極爭取海外電網業者的標案。",
                ),
            ),
            Section(
                "半導體客戶的用電",
                (
                    "台積電等大型用電戶被要求自建儲能設備，以分擔尖峰負載。"
                    "這項規定讓工業用儲能市場一年成長超過五成。",
                ),
            ),
        ),
        "test",
        "text",
    ),
    Article(
        "台積電供應鏈的中小型設備商",
        (
            Section(
                "",
                (
                    "這些設備商多半專注在濕製程與自動化搬運，營收規模在數十億元之間。"
                    "它們的毛利率普遍落在四成上下，明年訂單已排到第三季。",
                ),
            ),
            Section(
                "評價",
                (
                    "以明年預估獲利計算，本益比約在十五到二十倍之間。"
                    "投資人可以留意法說會上對資本支出的最新說法。",
                ),
            ),
        ),
        "test",
        "text",
    ),
    Article(
        "封裝廠的產能排擠效應",
        (
            Section(
                "",
                (
                    "傳統封測廠也想分食先進的封裝訂單，但技術門檻讓多數業者只能觀望。"
                    "矽光子與共同封裝光學被視為下一個戰場。",
                ),
            ),
        ),
        "test",
        "text",
    ),
]


ARTICLES.append(
    Article(
        "伺服器機櫃的新規格",
        (
            Section("", ("新一代機櫃的功耗翻倍，散熱方式跟著改變。",)),
            Section(
                "【觀點】液冷成為標配",
                ("水冷板與分歧管的供應商訂單滿載，明年營收可望成長三成。",),
            ),
        ),
        "test",
        "text",
    )
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("search") / "search.db", ARTICLES)


@pytest.fixture
def db(store_path: Path):  # type: ignore[no-untyped-def]
    default_lexicon()  # the segmenter knows company names, as when the store was built
    database = open_db(store_path)
    yield database
    database.close()


def _titles(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.title for h in answer.results]


# --- the query language ------------------------------------------------------------


def test_query_words_or_and_phrases() -> None:
    plain = parse_query("稀土 出口管制")
    assert len(plain.clauses) == 1 and len(plain.clauses[0].parts) == 2
    assert plain.fts() == '"稀土" AND "出口管制"'
    either = parse_query("矽光子 OR CPO")
    assert len(either.clauses) == 2
    assert " OR " in either.fts() and either.fts().startswith("(")
    quoted = parse_query('"先進封裝" 台積電')
    phrase = quoted.clauses[0].parts[0]
    assert "".join(phrase) == "先进封装"  # Simplified tokens, as the index holds them
    corner = parse_query("「先進封裝」")
    assert "".join(corner.clauses[0].parts[0]) == "先进封装"
    assert parse_query('"先進封裝').clauses  # an unmatched quote mark is ignored
    assert parse_query("OR").empty and parse_query("  ").empty
    assert parse_query("a | b").clauses[1].parts == (("b",),)


def test_best_sentence_prefers_the_sentence_using_most_words() -> None:
    patterns = parse_query("台積電 資本支出").patterns()
    text = "台積電今年營收創高。台積電今年資本支出預估達400億美元。其他廠商觀望。"
    found = best_sentence(text, (), patterns)
    assert found is not None and found.matched >= 2
    assert found.text == "【台積電】今年【資本支出】預估達400億美元。"
    assert best_sentence("沒有相關內容。", (), patterns) is None
    # The text's own 【】 never look like marks (a renderer turns marks into tags).
    own = best_sentence("【獨家】台積電資本支出再上修。", (), patterns)
    assert own is not None and own.text == "〖獨家〗【台積電資本支出】再上修。"


# --- answers -------------------------------------------------------------------------


def test_counting_past_the_cap_extrapolates_over_rowids(tmp_path: Path) -> None:
    """Past COUNT_CAP the matching rows are not counted one by one: the newest ones
    counted tell how densely the word is spread over the rowids, and the rest is
    extrapolated.  A word in every row of a 60-row index, capped at 12, counts 60."""
    import store.answers.search as search_module

    db = open_db(tmp_path / "cap.db")
    with db.conn:
        db.conn.executemany(
            "INSERT INTO search_index (rowid, title, heading, body, digest, article_id,"
            " section_id) VALUES (?, 't', '', '稀土', '', ?, ?)",
            [(i, i, i) for i in range(1, 61)],
        )
    match = parse_query("稀土").fts()
    assert search_module._matching_rows(db, match) == 60  # under the default cap: exact
    cap = search_module.COUNT_CAP
    try:
        search_module.COUNT_CAP = 12
        assert search_module._matching_rows(db, match) == 60
    finally:
        search_module.COUNT_CAP = cap


def test_one_result_per_article_with_the_count(db) -> None:  # type: ignore[no-untyped-def]
    answer = search_answer(db, "台積電")
    ids = [h.article_id for h in answer.results]
    assert len(ids) == len(set(ids)) == 3
    assert answer.total == 3 and not answer.estimated
    for hit in answer.results:
        assert hit.snippet and hit.snippet != hit.title
    by_title = {h.title: h for h in answer.results}
    # The article that uses the word throughout (title and sections) ranks first.
    assert answer.results[0].title == "晶圓代工的下一步：台積電擴產與先進封裝"
    # A section that uses it is quoted, with the words marked.
    storage = by_title["儲能產業的電池供應鏈觀察"]
    assert storage.heading == "半導體客戶的用電" and "【台積電】" in storage.snippet
    # Named only in the title: the article's summary stands in, never the title.
    title_only = by_title["台積電供應鏈的中小型設備商"]
    assert "台積電" not in title_only.snippet and len(title_only.snippet) > 10


def test_a_heading_match_quotes_its_section(db) -> None:  # type: ignore[no-untyped-def]
    [hit] = search_answer(db, "液冷").results
    assert hit.heading == "【觀點】液冷成為標配"
    assert "訂單滿載" in hit.snippet and "【" not in hit.snippet  # its digest, unmarked


def test_paging_by_offset_and_limit(db) -> None:  # type: ignore[no-untyped-def]
    everything = _titles(search_answer(db, "台積電", limit=10))
    first = search_answer(db, "台積電", limit=2)
    rest = search_answer(db, "台積電", limit=2, offset=2)
    assert _titles(first) + _titles(rest) == everything
    assert first.total == rest.total == 3 and rest.offset == 2
    assert search_answer(db, "台積電", limit=2, offset=9).results == []


def test_or_and_quoted_phrases(db) -> None:  # type: ignore[no-untyped-def]
    either = search_answer(db, "矽光子 OR 儲能")
    assert set(_titles(either)) == {"封裝廠的產能排擠效應", "儲能產業的電池供應鏈觀察"}
    # Unquoted, the words may stand apart (先進的封裝); quoted, they must stand together.
    loose = search_answer(db, "先進 封裝")
    assert "封裝廠的產能排擠效應" in _titles(loose)
    phrase = search_answer(db, '"先進封裝"')
    assert _titles(phrase) == ["晶圓代工的下一步：台積電擴產與先進封裝"]
    assert "【先進封裝】" in phrase.results[0].snippet
    assert _titles(search_answer(db, "「先進封裝」")) == _titles(phrase)
    assert search_answer(db, "量子糾纏").total == 0


# --- command line --------------------------------------------------------------------


def test_cli_search_pages_and_counts(capsys, store_path: Path) -> None:  # type: ignore[no-untyped-def]
    code = main(["--db", str(store_path), "search", "台積電", "--limit", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("3 articles match '台積電'; showing 1-1")
    assert "more: --offset 1" in out
    code = main(["--db", str(store_path), "search", "台積電", "--json", "--offset", "1"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["total"] == 3 and data["offset"] == 1
    assert len(data["results"]) == 2
    assert set(data["results"][0]) == {"article_id", "title", "url", "heading", "snippet"}


@pytest.mark.parametrize("flag", [["--limit", "0"], ["--limit", "-2"], ["--offset", "-1"]])
def test_cli_search_rejects_impossible_paging(capsys, store_path: Path, flag: list[str]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(store_path), "search", "台積電", *flag])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


# --- the bot ---------------------------------------------------------------------------

READER = FakeUser(id=601, first_name="Reader", username="reader", language_code="zh-hant")
CHAT = FakeChat(id=601, type="private")


def test_bot_search_says_how_many_articles_and_pages(store_path: Path, tmp_path: Path) -> None:
    with harness_on_copy(store_path, tmp_path) as bot:
        [reply] = [c for c in bot.send(CHAT, READER, "/search 台積電") if c.method == "sendMessage"]
        body = reply.params["text"]
        assert "共 3 篇文章" in body
        assert body.count("▪️") == 3  # one item per article
        assert "<b>台積電</b>" in body  # the match is marked in the quoted sentence
        nothing = texts(bot.send(CHAT, READER, "/search 量子糾纏"))
        assert nothing and "OR" in nothing[0]  # the syntax hint comes with "nothing found"
        plain = texts(bot.send(CHAT, READER, "矽光子 OR 儲能"))
        assert plain and "共 2 篇文章" in plain[0]
        assert not buttons(reply)  # three results fit on one page


def test_sample_page_search_finds_every_article_naming_the_company(
    corpus_path: Path, tmp_path: Path
) -> None:
    """The sample page names 台積電 in three articles: three results, each quoting it."""
    from bot.ingest.orchestrate import ingest_all

    path = tmp_path / "sample.db"
    database = open_db(path)
    try:
        assert all(r.ok for r in ingest_all(database, [str(corpus_path)], workers=1))
        answer = search_answer(database, "台積電")
        ids = [h.article_id for h in answer.results]
        assert len(ids) == len(set(ids)) >= 3 and answer.total == len(ids)
        assert all("【台積電】" in h.snippet for h in answer.results)
        assert all(h.snippet != h.title for h in answer.results)
    finally:
        database.close()
