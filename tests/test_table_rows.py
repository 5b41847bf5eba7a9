"""Table rows (欣興 3037 1,248 9.6% 205) are never a digest or summary sentence; their
figures reach the key figures only under the column names.  Fixtures are our own text."""

from __future__ import annotations

import pytest

from digests.answers import Source, pick_points
from digests.figures import label_row, table_rows
from digests.fragments import fragment_reasons, is_table_header, is_table_row, table_cells
from digests.models import DigestedArticle
from digests.sources import parse_raw
from digests.sources.fetch import RawSource
from digests.sources.htmltext import fragment_blocks, sections_from_blocks
from digests.summarize import digest_article

LEAD = (
    "受惠於AI伺服器與高階網通需求回溫，載板廠第三季營收普遍優於預期，"
    "法人看好明年ABF載板供需逐步改善，帶動稼動率與價格同步回升。"
)
AFTER = (
    "從個別公司來看，欣興受惠於高階載板出貨增加，毛利率較上季提升2.1個百分點，"
    "管理層預估第四季營收將持平至小幅成長。",
    "南電則因消費性產品需求疲弱，營收年減3.2%，但公司表示明年上半年新產能開出後，營收可望恢復成長。",
)
CALL = "我們認為載板產業最壞的時間點已過，建議投資人逢低分批布局具技術優勢的欣興，目標價205元。"
HEADER = ("公司", "代號", "營收(億元)", "年增率", "目標價(元)")
ROWS = (
    ("欣興", "3037", "1,248", "9.6%", "205"),
    ("南電", "8046", "560", "-3.2%", "310"),
    ("景碩", "3189", "310", "12.1%", "128"),
)
LABELLED = [
    "欣興（3037）：營收 1,248億元、年增率 9.6%、目標價 205元",
    "南電（8046）：營收 560億元、年增率 -3.2%、目標價 310元",
    "景碩（3189）：營收 310億元、年增率 12.1%、目標價 128元",
]

PAGE_DUMP = "\n".join(
    [
        "載板雙雄第三季營運點評",
        "記者林大同／台北報導",
        LEAD,
        "各公司第三季營運數據整理如下：",
        " ".join(HEADER),
        *(" ".join(row) for row in ROWS),
        *AFTER,
        "評價與建議",
        CALL,
    ]
)

_CELLS = "".join(f"<th>{c}</th>" for c in HEADER)
_BODY = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ROWS)
TABLE_HTML = f"<table><thead><tr>{_CELLS}</tr></thead><tbody>{_BODY}</tbody></table>"
ARTICLE_HTML = (
    f"<h1>載板雙雄第三季營運點評</h1><p>{LEAD}</p><p>各公司第三季營運數據整理如下：</p>"
    f"{TABLE_HTML}<p>{AFTER[0]}</p><p>{AFTER[1]}</p><h2>評價與建議</h2><p>{CALL}</p>"
)
PAGE_HTML = (
    "<html><head><title>載板雙雄第三季營運點評</title>"
    '<meta property="og:title" content="載板雙雄第三季營運點評"></head>'
    f'<body><nav><a href="/">首頁</a></nav><article>{ARTICLE_HTML}</article>'
    "<footer>版權所有</footer></body></html>"
)


def _shown(digested: DigestedArticle) -> list[str]:
    return [*digested.summary, *(s for sec in digested.sections for s in sec.digest)]


def _check(digested: DigestedArticle) -> None:
    shown = _shown(digested)
    assert shown
    for sentence in shown:
        lines = sentence.split("\n")
        assert not any(is_table_row(line) or is_table_header(line) for line in lines), sentence
    rows = [" ".join(row) for row in ROWS]
    assert not any(row in figure for figure in digested.key_figures for row in rows)
    assert [f for f in digested.key_figures if "年增率" in f] == LABELLED


@pytest.mark.parametrize(
    ("name", "data"),
    [("table.txt", PAGE_DUMP.encode()), ("table.html", PAGE_HTML.encode())],
    ids=["page-dump", "html"],
)
def test_table_rows_stay_in_the_text_but_never_in_digests(name: str, data: bytes) -> None:
    [article] = parse_raw(RawSource(name, data)).articles
    paragraphs = [p for s in article.sections for p in s.paragraphs]
    # The table is kept whole, header first, as lines of cells (not headings).
    start = paragraphs.index(" ".join(HEADER))
    assert paragraphs[start + 1 : start + 4] == [" ".join(row) for row in ROWS]
    assert all(s.heading not in {" ".join(row) for row in ROWS} for s in article.sections)
    _check(digest_article(article))


def test_feed_entry_table_rows_are_rows_not_cells() -> None:
    sections = sections_from_blocks(fragment_blocks(ARTICLE_HTML), "載板雙雄第三季營運點評")
    paragraphs = [p for s in sections for p in s.paragraphs]
    assert " ".join(HEADER) in paragraphs and " ".join(ROWS[0]) in paragraphs
    assert "3037" not in paragraphs  # never one cell a paragraph


def test_layout_table_of_long_cells_is_not_read_as_rows() -> None:
    long_cell = LEAD
    html = f"<table><tr><td>{long_cell}</td><td>{AFTER[0]}</td></tr></table>"
    blocks = fragment_blocks(html)
    assert ("para", long_cell) in blocks  # the cells stay paragraphs of text


def test_a_row_without_its_header_never_reaches_the_key_figures() -> None:
    text = "\n".join(["台股載板族群整理", LEAD, *(" ".join(row) for row in ROWS), *AFTER])
    [article] = parse_raw(RawSource("no-header.txt", text.encode())).articles
    digested = digest_article(article)
    assert not any("3037" in f or "1,248" in f for f in digested.key_figures)
    assert not any(is_table_row(s) for s in _shown(digested))


@pytest.mark.parametrize(
    "line",
    [
        "欣興 3037 1,248 9.6% 205",
        "南電 8046 560 -3.2% 310",
        "營收 5,120 6,120 7,050",
        "EPS(元) 12.5 15.2 18.1",
        "| 欣興 | 3037 | 1,248 | 9.6% |",
        "毛利率\t24.3%\t25.1%\t26.0%",
        "奇鋐 3017 - 45.8% 980",
    ],
)
def test_rows(line: str) -> None:
    assert is_table_row(line)
    assert "a table row, meaningless without its header" in fragment_reasons(line)


@pytest.mark.parametrize(
    "line",
    [
        "台積電 2330 今日收盤價 980 元",  # two figures among five cells: a line of text
        "收盤價 980 元，本益比 18 倍",  # punctuated by the writer
        "承銷價：52元",  # labels itself
        "營收年增35%，毛利率創新高",
        "2330 台積電",
        "TSMC raised its 2026 capex guidance to US$42bn",
        "公司第三季營收達新台幣1,620億元，季增8.5%，毛利率回升至24.3%。",
    ],
)
def test_not_rows(line: str) -> None:
    assert not is_table_row(line)


def test_headers() -> None:
    assert is_table_header("公司 代號 營收(億元) 年增率 目標價(元)")
    assert is_table_header("(億元) 2024 2025F 2026F")
    assert not is_table_header("欣興 3037 1,248 9.6% 205")
    assert not is_table_header("TSMC raised its capex guidance again")
    assert not is_table_header("營收年增35%，毛利率創新高")


def test_labels_follow_the_header() -> None:
    header = table_cells("公司 代號 營收(億元) 年增率 目標價(元)")
    assert label_row(header, table_cells("欣興 3037 1,248 9.6% 205")) == LABELLED[0]
    assert label_row(header, table_cells("欣興 1,248 9.6%")) is None  # cells do not align
    # Periods across, items down: the corner's unit goes with every value.
    found = table_rows(
        ["(億元) 2024 2025F 2026F", "營收 5,120 6,120 7,050", "EPS(元) 12.5 15.2 18.1"]
    )
    assert found == [
        (1, "營收：2024 5,120億元、2025F 6,120億元、2026F 7,050億元"),
        (2, "EPS：2024 12.5元、2025F 15.2元、2026F 18.1元"),
    ]
    # A header one cell short names the value columns only; an empty cell is skipped.
    assert table_rows(["2024 2025F 2026F", "毛利率 24.3% - 26.0%"]) == [
        (1, "毛利率：2024 24.3%、2026F 26.0%")
    ]
    assert table_rows(["市場看好載板復甦", "欣興 3037 1,248 9.6% 205"]) == []


def test_company_answers_never_quote_a_row() -> None:
    source = Source(1, "載板雙雄第三季營運點評", None)
    points = pick_points([(" ".join(ROWS[0]), source), (AFTER[0], source)])
    assert [p.sentence for p in points] == [AFTER[0]]
