"""Company, sector and search answers through the command line, as readers use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

COFFEE = """\
星巴克與瑞幸的咖啡價格戰,誰會先撐不住?

中國咖啡市場的價格戰愈演愈烈,瑞幸咖啡把一杯咖啡的價格壓到9.9元人民幣,門市數已超過2萬家。星巴克(SBUX)則堅持不降價,同店銷售下滑8%。

門市擴張:下沉市場的爭奪

瑞幸在三四線城市的門市數一年增加了五成,咖啡連鎖品牌紛紛加盟展店,現磨咖啡的滲透率快速提升。庫迪咖啡也跟進低價策略,單店虧損擴大。

供應鏈:雲南咖啡豆的崛起

雲南咖啡豆的採購量三年成長兩倍,咖啡連鎖業者藉此降低成本,星巴克也開始採購雲南咖啡豆。
"""

CHIPS = """\
台積電的先進封裝擴產,設備廠接單到2027年

台積電(2330)宣布擴大CoWoS先進封裝產能,月產能預計2026年達到9萬片,比今年增加六成。晶圓代工龍頭的擴產帶動設備與材料供應鏈。

設備商:濕製程與檢測受惠

先進封裝需要大量濕製程與檢測設備,國內設備商的接單能見度已延伸到2027年,半導體設備的毛利率也同步提升。TSMC的供應鏈在地化比例持續上升。

評價:本益比已不便宜

半導體設備股的本益比普遍超過30倍,投資人應留意先進封裝產能開出後的價格壓力,以及晶圓代工景氣的循環。
"""


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    sources = []
    for name, text in (("coffee.txt", COFFEE), ("chips.txt", CHIPS)):
        sources.append(tmp_path / name)
        sources[-1].write_text(text, encoding="utf-8")
    db = tmp_path / "answers.db"
    assert main(["--db", str(db), "ingest", *map(str, sources)]) == 0
    capsys.readouterr()
    return db


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_articles_json_has_topics_and_companies(store: Path, capsys) -> None:
    _, rows = _json(capsys, "--db", str(store), "articles", "--json")
    by_title = {r["title"][:3]: r for r in rows}
    coffee, chips = by_title["星巴克"], by_title["台積電"]
    assert coffee["topics"][0] == "consumer"
    assert {"星巴克", "瑞幸", "庫迪"} <= set(coffee["companies"])
    assert chips["topics"][0] == "semiconductors"
    assert chips["companies"] == ["台積電"]


@pytest.mark.parametrize("query", ["台積電", "2330", "TSMC", "台积电", "台積"])
def test_company_any_way_of_naming_it(store: Path, capsys, query: str) -> None:
    code, answer = _json(capsys, "--db", str(store), "company", query, "--json")
    assert code == 0
    assert answer["company"]["name"] == "台積電"
    assert answer["company"]["ticker"] == "2330"
    assert [m["title"][:3] for m in answer["mentions"]] == ["台積電"]
    assert any("9萬片" in s for s in answer["summary"])
    assert answer["topics"][0] == "semiconductors"


def test_company_mentions_only_articles_naming_it(store: Path, capsys) -> None:
    _, answer = _json(capsys, "--db", str(store), "company", "星巴克", "--json")
    assert [m["title"][:3] for m in answer["mentions"]] == ["星巴克"]
    sentences = answer["mentions"][0]["sentences"]
    assert all("星巴克" in s for s in sentences)


def test_company_not_found(store: Path, capsys) -> None:
    code, answer = _json(capsys, "--db", str(store), "company", "星巴", "克克克", "--json")
    assert code == 3
    assert answer["company"] is None
    assert answer["suggestions"]


def test_sector(store: Path, capsys) -> None:
    code, answer = _json(capsys, "--db", str(store), "sector", "咖啡", "--json")
    assert code == 0
    assert answer["topic"] == {"id": "consumer", "name": "消費與餐飲"}
    assert answer["articles"][0]["title"].startswith("星巴克")
    assert answer["articles"][0]["digest"]
    assert "瑞幸" in answer["companies"]
    assert answer["summary"]


def test_sector_not_found(store: Path, capsys) -> None:
    code, answer = _json(capsys, "--db", str(store), "sector", "zzqqxx", "--json")
    assert code == 3
    assert answer["topic"] is None
    assert answer["matched"] is None
    assert answer["articles"] == []
    assert answer["suggestions"] == []  # nothing similar: no noise, the text offers search
    code, answer = _json(capsys, "--db", str(store), "sector", "半道體", "--json")
    assert code == 0 or answer["suggestions"] == ["半導體"]


def test_sector_json_says_how_the_query_was_understood(store: Path, capsys) -> None:
    code, answer = _json(capsys, "--db", str(store), "sector", "半導體", "--json")
    assert code == 0
    assert answer["matched"] == "topic"
    assert answer["industry"] == "半導體業"
    assert answer["articles"][0]["title"].startswith("台積電")
    assert answer["articles"][0]["industries"] == ["半導體業"]


@pytest.mark.parametrize("query", ["雲南咖啡豆", "云南咖啡豆"])
def test_sector_by_words_no_topic_names(store: Path, capsys, query: str) -> None:
    code, answer = _json(capsys, "--db", str(store), "sector", query, "--json")
    assert code == 0
    assert answer["topic"] is None and answer["matched"] == "text"
    assert [a["title"][:3] for a in answer["articles"]] == ["星巴克"]
    assert answer["summary"] and all("雲南咖啡豆" in s for s in answer["summary"])
    assert answer["summary_sources"][0]["title"].startswith("星巴克")


def test_sector_text_output_for_words(store: Path, capsys) -> None:
    assert main(["--db", str(store), "sector", "濕製程"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("濕製程 (text)")
    assert "台積電" in out


def test_topics_json(store: Path, capsys) -> None:
    _, topics = _json(capsys, "--db", str(store), "topics", "--json")
    by_id = {t["id"]: t for t in topics}
    assert by_id["consumer"]["articles"] == 1
    assert by_id["semiconductors"]["articles"] == 1
    assert set(topics[0]) == {"id", "name", "aliases", "articles"}


@pytest.mark.parametrize("query", ["先進封裝", "先进封装"])
def test_search_in_either_script(store: Path, capsys, query: str) -> None:
    _, answer = _json(capsys, "--db", str(store), "search", query, "--json")
    assert answer["results"]
    hit = answer["results"][0]
    assert set(hit) >= {"article_id", "title", "heading", "snippet"}
    assert "【先進封裝】" in hit["snippet"]  # highlighted in the original script


def test_search_no_match(store: Path, capsys) -> None:
    code, answer = _json(capsys, "--db", str(store), "search", "量子電腦", "--json")
    assert code == 0
    assert answer["results"] == []


def test_seed_page_company_equivalence(corpus_path: Path, tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "seed.db")
    assert main(["--db", db, "ingest", str(corpus_path)]) == 0
    capsys.readouterr()
    found = []
    for query in ("台積電", "2330", "TSMC", "台积电"):
        code, answer = _json(capsys, "--db", db, "company", query, "--json")
        assert code == 0
        found.append(sorted(m["article_id"] for m in answer["mentions"]))
    assert found[0] and all(ids == found[0] for ids in found)
