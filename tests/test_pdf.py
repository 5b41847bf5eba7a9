"""PDF reports: generated in a temporary folder (reportlab, CID fonts), never copied."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.sources import SourceError, load, parse_raw
from digests.sources.fetch import RawSource
from digests.sources.pdf import _metadata_title, _pdf_date, read_pdf
from digests.sources.pdflayout import Page, TextLine, build_layout, drop_furniture

pytest.importorskip("reportlab", reason="reportlab (test extra) generates the test PDFs")

from tests.pdf_factory import (  # after the importorskip
    DISCLAIMER,
    HEADER,
    TABLE,
    build_report,
    build_scan,
)


def _paragraphs(article) -> list[str]:  # type: ignore[no-untyped-def]
    return [p for s in article.sections for p in s.paragraphs]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.mark.parametrize("two_columns", [False, True], ids=["one-column", "two-columns"])
def test_report_reads_as_a_reader_sees_it(report_dir: Path, two_columns: bool) -> None:
    path = report_dir / f"report-{two_columns}.pdf"
    report = build_report(path, two_columns=two_columns)
    [article] = read_pdf(path.read_bytes(), str(path))
    assert article.source_kind == "pdf"
    assert article.title == report.title  # the first page's largest line, both lines
    assert [s.heading for s in article.sections] == report.headings
    paragraphs = _paragraphs(article)
    # Every paragraph whole (wrapped lines joined, no space inside CJK), in order.
    positions = [paragraphs.index(p) for p in report.paragraphs]
    assert positions == sorted(positions)
    # Running header, footer, page numbers and the repeated disclaimer are gone.
    text = "\n".join([article.title, *paragraphs, *(s.heading for s in article.sections)])
    assert HEADER not in text
    assert DISCLAIMER not in text
    assert "頁" not in text  # 第 N 頁: the only 頁 in these reports
    # The table is lines of cells, one row a line, not one cell a line.
    for row in TABLE:
        assert " ".join(row) in paragraphs
    assert "3711" not in paragraphs


def test_paragraphs_whole_whatever_the_line_spacing(report_dir: Path) -> None:
    """Chinese reports are often set with generous leading (1.8 here): the paragraph
    break is extra space over the document's own line gap, not a fixed amount."""
    path = report_dir / "airy.pdf"
    report = build_report(path, leading=19, table=False)
    [article] = read_pdf(path.read_bytes(), "airy.pdf")
    assert _paragraphs(article) == report.paragraphs


def test_long_report_keeps_every_heading_and_drops_every_page_number(report_dir: Path) -> None:
    path = report_dir / "long.pdf"
    report = build_report(path, sections=24)
    assert report.pages >= 6
    [article] = read_pdf(path.read_bytes(), "long.pdf")
    assert [s.heading for s in article.sections] == report.headings
    text = "\n".join(_paragraphs(article))
    assert "第 " not in text and "頁" not in text
    assert "寶島證券投資顧問" not in text


def test_plain_pdf_falls_back_to_the_texts_own_heading_cues(report_dir: Path) -> None:
    """No heading set apart by type: 一、… and short lines still make sections; the
    metadata title names the article."""
    path = report_dir / "plain.pdf"
    build_report(path, plain=True, metadata_title="先進封裝供應鏈季報")
    [article] = read_pdf(path.read_bytes(), "plain.pdf")
    assert article.title == "先進封裝供應鏈季報"
    headings = [s.heading for s in article.sections]
    assert "一、產業概況" in headings and "三、短期風險" in headings


def test_scan_without_text_layer_is_refused_clearly(report_dir: Path) -> None:
    path = build_scan(report_dir / "scan.pdf")
    with pytest.raises(SourceError, match="without a text layer") as caught:
        read_pdf(path.read_bytes(), "scan.pdf")
    assert caught.value.code == "pdf_no_text"
    assert "\n" not in str(caught.value)


def test_encrypted_pdf_is_refused(report_dir: Path) -> None:
    path = report_dir / "locked.pdf"
    build_report(path, password="secret")
    with pytest.raises(SourceError, match="password-protected") as caught:
        read_pdf(path.read_bytes(), "locked.pdf")
    assert caught.value.code == "pdf_encrypted"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"%PDF-1.5\n" + bytes(range(256)) * 8,
    ],
    ids=["header-only", "no-root", "garbage"],
)
def test_damaged_pdf_is_one_line_error(data: bytes) -> None:
    with pytest.raises(SourceError, match="unreadable PDF") as caught:
        parse_raw(RawSource("bad.pdf", data))
    assert caught.value.code == "pdf_unreadable"
    assert "\n" not in str(caught.value)


def test_truncated_pdf_is_refused(report_dir: Path) -> None:
    path = report_dir / "whole.pdf"
    build_report(path)
    with pytest.raises(SourceError, match="PDF"):
        parse_raw(RawSource("cut.pdf", path.read_bytes()[:2000]))


def test_ingest_reads_pdf_files_by_content(report_dir: Path) -> None:
    path = report_dir / "named-like-text.txt"  # the kind comes from the bytes, not the name
    build_report(path, sections=3)
    loaded = load(str(path))
    assert loaded.kind == "pdf"
    assert loaded.articles[0].title.startswith("先進封裝")


def test_metadata_title_only_when_it_reads_like_one() -> None:
    assert _metadata_title({"Title": "2026年第四季半導體產業展望"}) == "2026年第四季半導體產業展望"
    for junk in (
        "Microsoft Word - 1125報告.docx",
        "untitled",
        "PowerPoint 簡報",
        "abc",
        "report.pdf",
    ):
        assert _metadata_title({"Title": junk}) is None
    assert _metadata_title({}) is None


def test_pdf_dates_are_timezone_aware() -> None:
    taipei = _pdf_date("D:20261125093000+08'00'")
    assert taipei is not None and taipei.utcoffset() is not None
    assert taipei.isoformat() == "2026-11-25T09:30:00+08:00"
    assert _pdf_date("D:20261125").isoformat() == "2026-11-25T00:00:00+00:00"  # type: ignore[union-attr]
    assert _pdf_date("D:20261399") is None
    assert _pdf_date(None) is None


# --- Layout rules on plain data (no PDF library) ------------------------------------------


def _line(
    page: int, y: float, text: str, x0: float = 50, x1: float = 500, size: float = 10
) -> TextLine:
    return TextLine(page=page, x0=x0, y0=y, x1=x1, y1=y + size, text=text, size=size)


def _pages(bodies: list[list[TextLine]], furniture: bool = True) -> list[Page]:
    pages = []
    for number, body in enumerate(bodies, start=1):
        lines = list(body)
        if furniture:
            lines.append(_line(number, 810, "某某投顧 每週產業觀察", size=8))
            lines.append(_line(number, 30, f"- {number} -", x0=290, x1=310, size=8))
        pages.append(Page(number, 595, 842, tuple(lines)))
    return pages


def test_furniture_is_what_repeats_in_place_on_most_pages() -> None:
    words = ["記憶體", "面板", "航運", "金融", "電信"]
    bodies = [
        [
            _line(n, 700, f"{words[n - 1]}族群的正文。"),
            _line(n, 100, "投資一定有風險，基金投資有賺有賠。"),
        ]
        for n in range(1, 6)
    ]
    bodies[2].append(
        _line(3, 400, "投資一定有風險，基金投資有賺有賠。")
    )  # quoted in the text: elsewhere
    kept, dropped = drop_furniture(_pages(bodies))
    texts = [line.text for page in kept for line in page.lines]
    assert "某某投顧 每週產業觀察" not in texts
    assert not any(t.startswith("- ") for t in texts)
    assert texts.count("投資一定有風險，基金投資有賺有賠。") == 1  # only the one in the text
    assert dropped == 5 * 3


def test_single_page_keeps_body_but_drops_page_number() -> None:
    kept, _ = drop_furniture(_pages([[_line(1, 700, "單頁報告的正文內容。")]]))
    texts = [line.text for line in kept[0].lines]
    assert "單頁報告的正文內容。" in texts and "- 1 -" not in texts


def test_a_sentence_repeated_at_different_heights_is_not_furniture() -> None:
    bodies = [
        [_line(1, 700, "重點整理"), _line(1, 680, "本季毛利率創新高。")],
        [_line(2, 500, "重點整理")],
    ]
    kept, _ = drop_furniture(_pages(bodies, furniture=False))
    assert sum(line.text == "重點整理" for page in kept for line in page.lines) == 2


def test_table_cells_on_one_baseline_become_one_row() -> None:
    cells = [("台積電", 50, 100), ("2330", 150, 180), ("1,200", 250, 290), ("25.1%", 350, 390)]
    lines = [_line(1, 600 - dy, text, x0, x1) for dy in (0, 20) for text, x0, x1 in cells]
    layout = build_layout([Page(1, 595, 842, tuple(lines))])
    assert layout.sections[0][1] == ["台積電 2330 1,200 25.1%", "台積電 2330 1,200 25.1%"]


def test_headings_from_size_and_bold_face() -> None:
    lines = [
        _line(1, 760, "年度展望", size=20),
        _line(1, 730, "營運概況", size=14),
        _line(1, 710, "本季營收創新高，毛利率回升至三成，優於公司財測，法人看好明年成長動能延續。"),
        _line(1, 696, "產品組合改善，高階產品比重提升。", x1=300),
        TextLine(1, 50, 660, 120, 670, "風險因素", 10, bold=True),
        _line(1, 640, "匯率波動與客戶庫存調整仍是短期變數。", x1=300),
    ]
    layout = build_layout([Page(1, 595, 842, tuple(lines))])
    assert layout.title == "年度展望"
    assert [h for h, _ in layout.sections] == ["營運概況", "風險因素"]
    assert layout.sections[0][1] == [
        "本季營收創新高，毛利率回升至三成，優於公司財測，法人看好明年成長動能延續。產品組合改善，高階產品比重提升。"
    ]


def test_chart_labels_dropped_caption_kept(report_dir: Path) -> None:
    """Text in a chart (a figure smaller than the page) is kept only where it reads as a
    sentence; a table that lands near the page foot keeps its numbers."""
    from tests.pdf_factory import CHART_CAPTION, CHART_LABELS

    path = report_dir / "chart.pdf"
    build_report(path, chart=True)
    [article] = read_pdf(path.read_bytes(), "chart.pdf")
    paragraphs = _paragraphs(article)
    assert CHART_CAPTION in paragraphs
    assert not set(CHART_LABELS) & set(paragraphs)
    assert not any(p.startswith("2024") for p in paragraphs)  # the axis ticks
    for row in TABLE:
        assert " ".join(row) in paragraphs


def test_pdf_linked_by_url(report_dir: Path, http_server) -> None:  # type: ignore[no-untyped-def]
    path = report_dir / "linked.pdf"
    report = build_report(path, sections=2, table=False)
    http_server.routes["/r.pdf"] = (200, {"Content-Type": "application/pdf"}, path.read_bytes())
    loaded = load(http_server.url("/r.pdf"))
    assert loaded.kind == "pdf"
    [article] = loaded.articles
    assert article.url == http_server.url("/r.pdf")
    assert [s.heading for s in article.sections] == report.headings


def test_wrapped_latin_lines_keep_their_spaces() -> None:
    lines = [
        _line(1, 700, "Revenue grew 35% year on"),
        _line(1, 686, "year, beating guidance; margins should hold up in the"),
        _line(1, 672, "fourth quarter.", x1=150),
    ]
    layout = build_layout([Page(1, 595, 842, tuple(lines))])
    assert layout.sections[0][1] == [
        "Revenue grew 35% year on year, beating guidance; margins should hold up in the fourth quarter."
    ]


def test_text_that_decodes_to_nothing_is_told_apart_from_a_scan(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Glyphs drawn but no character behind them (a font without a Unicode map)."""
    import digests.sources.pdf as pdf

    monkeypatch.setattr(pdf, "_extract", lambda data: ([Page(1, 595, 842, (), glyphs=800)], {}, 1))
    with pytest.raises(SourceError, match="no Unicode map") as caught:
        read_pdf(b"%PDF-1.7", "cid.pdf")
    assert caught.value.code == "pdf_no_text"


def test_sidebar_beside_the_text_is_read_apart() -> None:
    """A broker report's first page: rating and stock data in a narrow left column, the
    analysis beside it on the same baselines; neither is merged into the other."""
    side = ["投資評等：買進", "目標價：1,200元", "收盤價：1,050元", "市值：新台幣2.1兆元"]
    main = [
        "受惠於雲端業者擴大資本支出，公司第三季營收年增三成，毛利率",
        "回升至四成二，優於市場預期；管理層預估第四季營收將再成長一",
        "成，主因高階產品出貨放量。我們調升明年每股盈餘預估至五十二",
        "元，維持買進評等，目標價一千二百元，相當於明年本益比二十三",
        "倍。",
    ]
    lines = [_line(1, 700 - 14 * i, text, x0=40, x1=150) for i, text in enumerate(side)]
    lines += [
        _line(1, 700 - 14 * i, text, x0=180, x1=560 if i < 4 else 200)
        for i, text in enumerate(main)
    ]
    layout = build_layout([Page(1, 595, 842, tuple(lines))])
    paragraphs = layout.sections[0][1]
    assert "".join(main) in paragraphs
    assert not any(s in p and p != s for p in paragraphs for s in side)
    assert paragraphs.index("".join(main)) > paragraphs.index(side[0])  # the sidebar first


# --- hostile PDFs: parsed in a child process with a memory cap and a hard deadline ---


def test_decompression_bomb_is_refused_without_the_process_growing(report_dir: Path) -> None:
    """2 GB of zeros behind a 2 MB Flate stream: the child hits its 1 GB cap, the
    reader says so in one line, and this process's peak memory does not move."""
    import resource

    from tests.pdf_factory import build_bomb

    data = build_bomb(report_dir / "bomb.pdf", gigabytes=2).read_bytes()
    assert len(data) < 3_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(SourceError, match="too large") as caught:
        parse_raw(RawSource("bomb.pdf", data))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert caught.value.code == "pdf_too_large"
    assert "\n" not in str(caught.value)
    assert grown_kb < 100_000  # KB on Linux: nothing like the 2 GB the stream holds


def test_child_is_killed_at_its_time_limit() -> None:
    import time

    from digests.sources.isolate import Exhausted, run_limited

    started = time.monotonic()
    with pytest.raises(Exhausted) as caught:
        run_limited("time:sleep", (60,), timeout=1.0)
    assert caught.value.kind == "time"
    assert time.monotonic() - started < 15


def test_child_memory_is_capped() -> None:
    from digests.sources.isolate import Exhausted, run_limited

    with pytest.raises(Exhausted) as caught:
        run_limited("builtins:bytearray", (2 << 30,), timeout=30, memory=256 << 20)
    assert caught.value.kind == "memory"
    assert run_limited("builtins:len", ("abc",), timeout=30) == 3  # answers come back


def test_slow_pdf_is_one_line_error(monkeypatch: pytest.MonkeyPatch, report_dir: Path) -> None:
    import digests.sources.pdf as pdf

    path = build_report(report_dir / "slow.pdf", sections=3).path
    monkeypatch.setattr(pdf, "TIME_BUDGET", 0.0)
    monkeypatch.setattr(pdf, "HARD_GRACE", 0.01)  # killed before it can answer
    with pytest.raises(SourceError, match="too slow") as caught:
        read_pdf(path.read_bytes(), "slow.pdf")
    assert caught.value.code == "pdf_too_slow"


def test_pages_over_the_cap_are_a_warning_not_a_silent_cut(
    monkeypatch: pytest.MonkeyPatch, report_dir: Path
) -> None:
    import digests.sources.pdf as pdf

    report = build_report(report_dir / "pages.pdf", sections=9)
    assert report.pages > 2
    data = report.path.read_bytes()
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    loaded = parse_raw(RawSource("pages.pdf", data))
    [warning] = loaded.warnings
    assert warning == f"only the first 2 of {report.pages} pages read"
    monkeypatch.setattr(pdf, "MAX_PAGES", 300)
    whole = parse_raw(RawSource("pages.pdf", data))
    assert whole.warnings == ()
    assert len(loaded.articles[0].sections) < len(whole.articles[0].sections)


# --- table rows: never a digest sentence; figures only under their column names ------


def test_table_rows_never_digest_and_are_labelled_in_key_figures(report_dir: Path) -> None:
    from digests.fragments import is_table_row
    from digests.summarize import digest_article

    path = report_dir / "table.pdf"
    build_report(path, sections=3)
    [article] = read_pdf(path.read_bytes(), "table.pdf")
    digested = digest_article(article)
    shown = [*digested.summary, *(s for sec in digested.sections for s in sec.digest)]
    assert shown and not any(is_table_row(line) for s in shown for line in s.split("\n"))
    assert not any(" ".join(row) in shown for row in TABLE)
    assert not any(" ".join(row) in digested.key_figures for row in TABLE)
    labelled = [f for f in digested.key_figures if "年增率" in f]
    assert labelled, digested.key_figures
    # At most three rows, each under its column names (the header's unit on the value).
    assert labelled == [
        f"{name}（{code}）：2025營收 {revenue}億元、年增率 {growth}、目標價 {target}元"
        for name, code, revenue, growth, target in TABLE[1:4]
    ]
