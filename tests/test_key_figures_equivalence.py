""":func:`digests.summarize.key_figures` picks exactly what it picked before it skipped
the table-row checks of lines that cannot be rows (issue 13: speed with identical output).

``_reference_key_figures`` and ``_reference_labelled_rows`` are the code it replaced,
frozen as it was.  Both run on the fixture articles and on generated articles full of
tables (rows with and without their header, rows inside prose, punctuation and digits
in every place), with and without prepared sentences, and must give the same figures.
The pre-filter itself must accept every line :func:`is_table_row` accepts.
"""

from __future__ import annotations

import random

from digests.analysis import ArticleAnalysis, analyze
from digests.figures import MAX_TABLE_ROWS, find_figures, table_rows
from digests.fragments import is_table_row
from digests.models import Article, Section
from digests.preparation import prepare
from digests.selection import Prepared
from digests.sources import load
from digests.summarize import _labelled_rows, _may_hold_row, key_figures
from tests.conftest import FIXTURES, PAGEDUMPS


def _reference_key_figures(
    analysis: ArticleAnalysis, prepared: dict[int, Prepared] | None = None, limit: int = 8
) -> tuple[str, ...]:
    sentences = analysis.all_sentences()
    if prepared is not None:
        sentences = [
            s
            for s in sentences
            if prepared[id(s)].quality > 0.0
            and not prepared[id(s)].anaphor
            and not prepared[id(s)].item
        ]
    sentences = [s for s in sentences if not any(map(is_table_row, s.text.split("\n")))]
    candidates = [
        (s.section, s.index, prepared[id(s)].text if prepared is not None else s.text, s.figures)
        for s in sentences
    ]
    rows = [
        (section, index, text, find_figures(text))
        for section, index, text in _reference_labelled_rows(analysis)
    ]
    rows = sorted(rows, key=lambda r: -sum(f.weight for f in r[3]))[:MAX_TABLE_ROWS]
    rich = [c for c in candidates + rows if any(f.weight >= 1.0 for f in c[3])]
    ranked = sorted(rich, key=lambda c: -sum(f.weight for f in c[3]))[:limit]
    ordered = sorted(ranked, key=lambda c: (c[0], c[1]))
    return tuple(dict.fromkeys(c[2] for c in ordered))


def _reference_labelled_rows(analysis: ArticleAnalysis) -> list[tuple[int, int, str]]:
    found = []
    for number, section in enumerate(analysis.sections):
        lines = [section.heading]
        where = [-1]
        for sentence in section.sentences:
            for line in sentence.text.split("\n"):
                lines.append(line)
                where.append(sentence.index)
        found += [(number, where[i], text) for i, text in table_rows(lines)]
    return found


HEADER = "公司 代號 2025營收(億元) 年增率 目標價(元)"
ROWS = [
    "日月光投控 3711 6,120 12.5% 210",
    "京元電子 2449 412 18.2% 145",
    "奇鋐 3017 1,055 45.8% 980",
    "欣興 3037 1,248 9.6% 205",
    "營收 5,120 6,120 7,050",
    "| 台積電 | 2330 | 9,800 | 33.9% |",
    "２０２５ ３ ４",
]
PROSE = [
    "台積電今年營收成長30%，毛利率達到53.1%。",
    "法人預估明年每股盈餘為45元",
    "這家公司的產能利用率回升",
    "表一、主要公司營運預估",
    "2024 2025F 2026F",
    "AI伺服器出貨量 120 萬台: 年增 25%",
    "",
    "   ",
]


def _generated(rng: random.Random) -> Article:
    sections = []
    for _ in range(rng.randrange(1, 5)):
        paragraphs = []
        for _ in range(rng.randrange(1, 6)):
            lines = [rng.choice([HEADER, *ROWS, *PROSE]) for _ in range(rng.randrange(1, 5))]
            paragraphs.append("\n".join(lines) if rng.random() < 0.6 else "".join(lines))
        heading = rng.choice(["", "營運預估", HEADER, "2024 2025F 2026F"])
        sections.append(Section(heading, tuple(paragraphs)))
    return Article("產業觀察", tuple(sections), "<generated>", "text")


def _articles() -> list[Article]:
    files = sorted((FIXTURES / "dev_articles").glob("*.txt")) + sorted(PAGEDUMPS.glob("*.txt"))
    articles = [a for path in files for a in load(str(path))[1]]
    rng = random.Random(13)
    return articles + [_generated(rng) for _ in range(150)]


def test_same_key_figures_as_before() -> None:
    with_rows = 0
    for article in _articles():
        analysis = analyze(article)
        prepared = prepare(analysis.all_sentences())
        assert _labelled_rows(analysis) == _reference_labelled_rows(analysis)
        with_rows += bool(_reference_labelled_rows(analysis))
        for limit in (8, 3):
            assert key_figures(analysis, limit=limit) == _reference_key_figures(
                analysis, limit=limit
            )
            assert key_figures(analysis, prepared, limit) == _reference_key_figures(
                analysis, prepared, limit
            )
    assert with_rows > 20


def test_the_prefilter_accepts_every_table_row() -> None:
    rng = random.Random(7)
    cells = ["欣興", "3037", "1,248", "9.6%", "205", "-", "N/A", "(1,200)", "18.5x", "營收", "２０"]
    cells += ["，", "。", ":", "、", "12:30", "年增率", "2025F", "１２３"]
    gaps = [" ", "\t", " | ", "  ", "｜", "\n"]

    def line() -> str:
        text = "".join(rng.choice(cells) + rng.choice(gaps) for _ in range(rng.randrange(6)))
        return rng.choice(["", " ", "| "]) + text + rng.choice(["", " ", "\n", "。"])

    texts = [*ROWS, *PROSE, HEADER] + [line() for _ in range(20000)]
    accepted = 0
    for text in texts:
        if any(map(is_table_row, text.split("\n"))):
            accepted += 1
            assert _may_hold_row(text), text
    assert accepted > 1000
    assert not _may_hold_row("台積電今年營收成長30%，毛利率達到53.1%。\n沒有數字的一行")
    assert _may_hold_row("前言。\n欣興 3037 1,248 9.6% 205")
