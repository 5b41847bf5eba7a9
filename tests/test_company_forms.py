"""Companies from real data: every ticker form, cleaned exchange names, learned variants,
foreign companies, and the safeguards against years, prices and everyday words."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from digests.aliases import learn_aliases
from digests.analysis import analyze
from digests.companies import is_etf
from digests.directory_sources import clean_listed_name, foreign_companies, twstock_companies
from digests.lexicon import build_lexicon
from digests.mentions import find_mentions
from digests.models import Article, Section
from digests.summarize import digest_article
from digests.tickers import ticker_refs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lexicon():
    """A lexicon of its own: these tests learn aliases and must not leak them."""
    return build_lexicon()


def _keys(text: str, lexicon) -> set[str]:
    """Companies found the way an ingest finds them (learning first, then mentions)."""
    paragraphs = tuple(p for p in text.split("\n") if p.strip())
    digested = digest_article(Article("", (Section("", paragraphs),), "t", "text"), lexicon)
    return {m.company_key for m in digested.mentions}


def _plain_keys(text: str, lexicon) -> set[str]:
    """Mentions without learning anything from the text."""
    article = Article("", (Section("", (text,)),), "t", "text")
    return {m.company_key for m in find_mentions(analyze(article), lexicon.directory)}


@pytest.mark.parametrize(
    ("raw", "name", "alias"),
    [
        ("國巨*", "國巨", "國巨*"),
        ("譜瑞-KY", "譜瑞-KY", "譜瑞"),
        ("矽力*-KY", "矽力-KY", "矽力"),
        ("嘉雨思-創", "嘉雨思", "嘉雨思-創"),
        ("錼創科技-KY創", "錼創科技-KY", "錼創科技"),
    ],
)
def test_exchange_names_are_cleaned(raw: str, name: str, alias: str) -> None:
    cleaned, aliases = clean_listed_name(raw)
    assert cleaned == name
    assert alias in aliases
    assert clean_listed_name("群創") == ("群創", ())  # a name ending in 創 is no marker


def test_every_twstock_stock_table_with_industry() -> None:
    companies = {c.ticker: c for c in twstock_companies()}
    assert companies["2330"].market == "TWSE"
    assert companies["6488"].market == "TPEx"
    assert companies["6921"].name == "嘉雨思"  # innovation board (創新板)
    assert all(c.industry for c in companies.values() if not is_etf(c))
    assert companies["2330"].industry == "半導體業"
    # ETFs are securities readers hold and ask about, without an exchange industry.
    assert companies["0050"].name == "元大台灣50" and companies["0050"].industry is None
    assert is_etf(companies["00878"]) and not is_etf(companies["2330"])


def test_listed_companies_keep_industry_after_curation(lexicon) -> None:
    tsmc = lexicon.directory.by_code("2330")
    assert tsmc.name == "台積電" and tsmc.industry == "半導體業"
    assert lexicon.directory.by_code("2412").industry == "通信網路業"


@pytest.mark.parametrize(
    ("text", "code", "family", "explicit"),
    [
        ("鴻海（2317-TW）", "2317", "tw", True),
        ("鴻海(2317.TW)", "2317", "tw", True),
        ("環球晶(6488-TWO)", "6488", "tw", True),
        ("信驊 ( 5274 )", "5274", None, False),
        ("輝達(NVDA-US)", "NVDA", "us", True),
        ("應材(AMAT.US)", "AMAT", "us", True),
        ("超微(NASDAQ: AMD)", "AMD", "us", True),
        ("東京威力科創(8035-JP)", "8035", "jp", True),
        ("波克夏(BRK-B-US)", "BRK-B", "us", True),
    ],
)
def test_ticker_forms(text: str, code: str, family: str | None, explicit: bool) -> None:
    [ref] = [r for r in ticker_refs(text) if r.form == "paren"]
    assert (ref.code, ref.family, ref.explicit) == (code, family, explicit)


def test_ticker_forms_find_companies(lexicon) -> None:
    directory = lexicon.directory
    text = (
        "鴻海（2317-TW）、環球晶(6488.TWO)與信驊 ( 5274 ) 同步走強,"
        "美股輝達(NVDA-US)、超微(NASDAQ: AMD)與東京威力科創(8035-JP)也上漲。"
    )
    keys = _plain_keys(text, lexicon)
    for code in ("2317", "6488", "5274"):
        assert directory.by_code(code).key in keys
    assert {"NASDAQ:NVDA", "NASDAQ:AMD", "TSE:8035"} <= keys


def test_code_before_and_after_the_name(lexicon) -> None:
    keys = _plain_keys("精選名單:\n2330 台積電:製程領先\n看好聯發科2454後市", lexicon)
    assert {"TWSE:2330", "TWSE:2454"} <= keys


@pytest.mark.parametrize(
    "text",
    [
        "去年(2024)全球伺服器出貨成長,明年(2027)可望續增。",
        "這檔股票收盤價為2330元,成交量約2025張。",
        "設備功耗突破 1000 瓦的水準,約 1300 億人民幣的市場。",
        "業界希望統一規格,大同小異的方案很多,全家人一起出遊。",
        "客戶關係管理(CRM)與生產流程規劃(MRP)都是企業軟體。",
    ],
)
def test_years_prices_and_words_are_no_companies(lexicon, text: str) -> None:
    assert not _keys(text, lexicon)
    assert not learn_aliases(text, lexicon.directory)


def test_name_written_with_ticker_teaches_alias(lexicon) -> None:
    directory = lexicon.directory
    text = "電信業者台灣大電信(3045-TW)與代工廠英業達電腦 ( 2356 ) 公布營收。"
    learned = {(i.alias, i.company.key) for i in learn_aliases(text, directory)}
    assert learned == {("台灣大電信", "TWSE:3045"), ("英業達電腦", "TWSE:2356")}
    # A name sharing nothing with the ticker's company is not taken for it.
    assert not learn_aliases("電信業者宏泰電信(2412-TW)公布營收。", directory)


def test_unknown_ticker_with_a_name_is_a_company(lexicon) -> None:
    keys = _keys(
        "新股晶研創新（7854）將掛牌,興櫃的鼎峰精密(6980-TWO)轉上市,核能新創奧克洛(OKLO-US)大漲。",
        lexicon,
    )
    directory = lexicon.directory
    assert {"TW:7854", "TW:6980", "US:OKLO"} <= keys
    assert directory.lookup("晶研創新").key == "TW:7854"
    assert directory.lookup("奧克洛").ticker == "OKLO"
    assert directory.by_code("7854").name == "晶研創新"


def test_full_names_and_markers(lexicon) -> None:
    keys = _keys("中華電信與台灣大哥大公布營收,被動元件龍頭國巨與華碩走強,譜瑞-KY亦受惠。", lexicon)
    assert {"TWSE:2412", "TWSE:3045", "TWSE:2327", "TPEx:4966"} <= keys


def test_compound_names_pick_the_right_company(lexicon) -> None:
    keys = _plain_keys("南亞科技與華邦電子記憶體報價上揚,台塑集團則調整產能。", lexicon)
    assert "TWSE:2408" in keys  # 南亞科 + 科技, not 南亞
    assert "TWSE:1303" not in keys
    assert "TWSE:1301" in keys


def test_foreign_companies_by_english_or_chinese_name(lexicon) -> None:
    keys = _keys(
        "美光(Micron Technology)上修財測,邁威爾(Marvell)與科林研發(Lam Research)同步上漲,"
        "日本的味之素(Ajinomoto)也受關注。德儀、英飛凌與恩智浦則示警。",
        lexicon,
    )
    assert {"NASDAQ:MU", "NASDAQ:MRVL", "NASDAQ:LRCX", "NASDAQ:TXN", "XETRA:IFX"} <= keys
    assert {"NASDAQ:NXPI", "TSE:2802"} <= keys


def test_foreign_index_data_is_generated_and_loaded() -> None:
    companies = {c.key: c for c in foreign_companies()}
    assert len(companies) > 1000
    assert "Micron Technology" in (companies["NASDAQ:MU"].name, *companies["NASDAQ:MU"].aliases)
    assert "TSE:8035" in companies
    # A short form shared by several companies is dropped (Mitsubishi ...).
    assert all("Mitsubishi" not in c.aliases for c in companies.values())


def test_development_passages_recall_and_precision(lexicon) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from company_eval import evaluate, totals
    finally:
        sys.path.pop(0)
    figures = totals(evaluate(lexicon=build_lexicon()))
    assert figures["recall"] >= 0.9
    assert figures["precision"] >= 0.9


def test_reference_sync_refreshes_stored_companies(lexicon, tmp_path) -> None:
    from store.db import open_db
    from store.reference import VERSION_KEY, sync_reference

    db = open_db(tmp_path / "ref.db")
    sync_reference(db, lexicon)
    [row] = db.query("SELECT id, name, industry FROM companies WHERE key = 'TWSE:2327'")
    assert (row["name"], row["industry"]) == ("國巨", "電子零組件業")
    # A database written before names were cleaned: the row is fixed in place.
    db.execute("UPDATE companies SET name = '國巨*', industry = NULL WHERE id = ?", [row["id"]])
    db.execute("UPDATE meta SET value = 'old' WHERE key = ?", [VERSION_KEY])
    sync_reference(db, lexicon)
    [fixed] = db.query("SELECT id, name, industry FROM companies WHERE key = 'TWSE:2327'")
    assert fixed == {"id": row["id"], "name": "國巨", "industry": "電子零組件業"}


# --- round 2: word boundaries, acronyms, foreign names as Taiwanese writers use them ---


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("台積電(2330)擴充新產能，設備商弘塑(3131)受惠。", "TWSE:2850"),  # 新產 in 新產能
        ("台積電持續投資，超微型化的感測元件需求看增。", "NASDAQ:AMD"),  # 超微 in 超微型
        ("台積電與日月光投控採用先進光罩技術。", "TPEx:3362"),  # 先進光 in 先進光罩
        ("電線電纜大廠華新麗華與台積電合作。", "TWSE:9944"),  # 新麗 in 華新麗華
        ("台積電表示，營業成本因折舊增加而墊高。", "TWSE:6456"),  # 業成 in 營業成本
        ("長榮航(2618)今年開闢多條新航線。", "SGX:C6L"),  # 新航 in 新航線
    ],
)
def test_short_names_cut_out_of_longer_words(lexicon, text: str, absent: str) -> None:
    assert absent not in _keys(text, lexicon)


def test_short_names_count_beside_a_solid_word_or_when_named_plainly(lexicon) -> None:
    assert "TWSE:3231" in _keys("緯創新高，鴻海也表態。", lexicon)  # 緯創 + 新高, not 創新
    assert "TWSE:1605" in _keys("電線電纜大廠華新麗華公布營收。", lexicon)
    # 聯電 + 力拚 reads like 電力 alone; an article that names 聯電 plainly keeps it.
    assert "TWSE:2303" not in _keys("聯電力拚成熟製程。", lexicon)
    text = "聯電(2303)公布上月營收。\n聯電力拚成熟製程。"
    digested = digest_article(
        Article("", (Section("", tuple(text.split("\n"))),), "t", "text"), lexicon
    )
    sentences = {m.sentence for m in digested.mentions if m.company_key == "TWSE:2303"}
    assert "聯電力拚成熟製程。" in sentences


def test_acronym_names_need_company_context(lexicon) -> None:
    terms = (
        "地方政府導入GIS圖資平台，電動車的PTC加熱器與AES加密晶片升級，BD團隊洽談ODM合作，"
        "MSCI季度調整即將生效，台積電(2330-TW)受惠。"
    )
    assert _keys(terms, lexicon) == {"TWSE:2330"}
    assert not learn_aliases("地理資訊系統(GIS)與共同封裝光學(CPO)", lexicon.directory)
    named = "觸控廠業成-KY(6456)公布營收。\nGIS表示，車用顯示器將是明年主力。"
    digested = digest_article(
        Article("", (Section("", tuple(named.split("\n"))),), "t", "text"), lexicon
    )
    assert {m.sentence for m in digested.mentions if m.company_key == "TWSE:6456"} == {
        "觸控廠業成-KY(6456)公布營收。",
        "GIS表示，車用顯示器將是明年主力。",
    }


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("光通訊族群中Coherent表現最強。", "NYSE:COHR"),
        ("韓國電商酷澎擴大在台布局。", "NYSE:CPNG"),
        ("Coupang宣布擴建物流倉。", "NYSE:CPNG"),
        ("丹麥開發商沃旭能源暫緩美國案場。", "OMXC:ORSTED"),
        ("市場關注Ørsted的增資計畫。", "OMXC:ORSTED"),
        ("市場關注Orsted的增資計畫。", "OMXC:ORSTED"),
        ("Lumentum與Credo同步創高。", "NASDAQ:LITE"),
        ("高速傳輸晶片的Astera Labs走強。", "NASDAQ:ALAB"),
        ("光模組龍頭中際旭創出貨放量。", "SZSE:300308"),
        ("代工大廠天弘與捷普擴產。", "NYSE:CLS"),
        ("蝦皮的母公司冬海集團轉虧為盈。", "NYSE:SE"),
        ("快時尚平台希音準備上市。", "name:希音"),
        ("國泰航空擴充機隊。", "HKEX:0293"),
        ("日本的全日空受惠觀光客回流。", "TSE:9202"),
        ("醫材大廠美敦力上修財測。", "NYSE:MDT"),
        ("手術機器人龍頭直覺手術裝機量成長。", "NASDAQ:ISRG"),
        ("莫德納調整疫苗產能。", "NASDAQ:MRNA"),
        ("貨櫃航商赫伯羅德與快桅結盟。", "XETRA:HLAG"),
        ("信越化學、Shin-Etsu與Shin Etsu是同一家。", "TSE:4063"),
        ("雀巢(Nestlé)宣布裁員。", "SIX:NESN"),
    ],
)
def test_foreign_companies_by_the_names_writers_use(lexicon, text: str, key: str) -> None:
    assert key in _plain_keys(text, lexicon)


def test_cathay_pacific_is_not_cathay_financial(lexicon) -> None:
    keys = _plain_keys("國泰航空與國泰金同步公布營運數字。", lexicon)
    assert {"HKEX:0293", "TWSE:2882"} <= keys
    assert "HKEX:0293" not in _plain_keys("國泰金控公布獲利。", lexicon)


def test_english_words_that_are_names_count_only_as_written(lexicon) -> None:
    assert "NYSE:COHR" not in _plain_keys("coherent光學模組的滲透率還低。", lexicon)
    assert "NASDAQ:GRAB" in _plain_keys("東南亞叫車平台Grab營收成長。", lexicon)
    assert "NASDAQ:GRAB" not in _plain_keys("這檔股票是grab and go的題材。", lexicon)


def test_a_longer_latin_name_wins_over_the_word_inside_it(lexicon) -> None:
    keys = _plain_keys("電網設備由GE Vernova與Siemens Energy分食。", lexicon)
    assert {"NYSE:GEV", "XETRA:ENR"} <= keys
    assert not keys & {"NYSE:GE", "XETRA:SIE"}


def test_names_learned_with_diacritics_and_company_punctuation(lexicon) -> None:
    directory = lexicon.directory
    learned = {
        (i.alias, i.company.key)
        for i in learn_aliases(
            "法國美妝集團歐萊雅(L'Oréal)、瑞士的羅技(Logitech International S.A.)與"
            "丹麥酵素大廠諾維信(Novozymes A/S)簽約。",
            directory,
        )
    }
    assert ("歐萊雅", "Euronext:OR") in learned
    assert ("羅技", "SIX:LOGN") in learned
    assert ("諾維信", "name:諾維信") in learned
    assert directory.lookup("Nestle").key == directory.lookup("Nestlé").key == "SIX:NESN"


def test_names_mixing_latin_and_chinese(lexicon) -> None:
    keys = _plain_keys("韓國的三星SDI與LG化學調整電池產能，SK海力士擴產。", lexicon)
    assert {"KRX:006400", "KRX:051910", "KRX:000660"} <= keys
    assert "KRX:005930" not in keys  # 三星 inside 三星SDI is not Samsung Electronics


def test_term_acronym_in_parentheses_is_no_ticker(lexicon) -> None:
    # NuScale trades as SMR, which is also the small modular reactor.
    assert not _keys("小型模組化反應爐(SMR)是核能新趨勢。", lexicon)
    assert "NYSE:SMR" in _keys("核能新創NuScale(SMR-US)股價大漲。", lexicon)


@pytest.mark.parametrize(
    "text",
    [
        "晶華半導體今年營收成長三成，預計明年擴廠。",  # 晶華 (2707) is a hotel group
        "台積電與晶華半導體合作開發新製程。",
        "晶華電子與晶華生技皆未上市。",
    ],
)
def test_a_short_name_with_an_industry_its_company_is_not_in_is_another_company(
    lexicon, text: str
) -> None:
    assert "TWSE:2707" not in _keys(text, lexicon)


def test_a_short_name_with_its_own_industry_word_is_still_the_company(lexicon) -> None:
    assert {"TWSE:1504", "TWSE:2408"} <= _keys("東元電機與南亞科技同步調漲報價。", lexicon)
    assert {"TWSE:2344", "TWSE:2618"} <= _keys("華邦電子與長榮航空公布營收。", lexicon)
    assert "TWSE:2707" in _keys("晶華集團旗下酒店住房率回升，晶華(2707)股價走高。", lexicon)
    # A printed ticker still says which company is meant.
    assert "TWSE:2707" in _keys("晶華(2707)公布營收，晶華半導體則是另一家公司。", lexicon)
