"""The held-out real-world sets stay well formed, and `--set`/`--all` pick them.

Only the gold is linted here (verbatim titles, headings, facts and company names;
no sector word gold for more than 4 articles): the figures themselves come from
`python bench/real_eval.py`, which ingests through the CLI and takes ~20 s a set.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
real_eval = pytest.importorskip("real_eval")
real_eval_gold = pytest.importorskip("real_eval_gold")
reading = pytest.importorskip("real_eval_reading")
store = pytest.importorskip("real_eval_store")
REAL4 = ROOT / "bench" / "eval" / "real4"


@pytest.mark.parametrize("set_dir", real_eval_gold.ALL_SETS, ids=lambda p: p.name)
def test_held_out_set_lints_clean(set_dir, capsys: pytest.CaptureFixture[str]) -> None:
    if not (set_dir / real_eval_gold.GOLD_NAME).exists():
        pytest.skip(f"{set_dir} not present")
    assert real_eval.check_set(set_dir) == 0, capsys.readouterr().out


def test_all_checks_every_set(capsys: pytest.CaptureFixture[str]) -> None:
    if not all((d / real_eval_gold.GOLD_NAME).exists() for d in real_eval_gold.ALL_SETS):
        pytest.skip("a held-out set is not present")
    assert real_eval.main(["--all", "--check"]) == 0
    out = capsys.readouterr().out
    for name in ("real", "real2", "real3", "real4"):
        assert f"== bench/eval/{name}\n" in out


def test_set_and_all_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        real_eval.main(["--all", "--set", "bench/eval/real2", "--check"])
    assert exc.value.code == 2


def test_real4_gold_has_reading_fields() -> None:
    """Every real4 article gives its date and per-section companies; the set has meta
    sentences, pronoun sentences and numbered lists to judge."""
    if not (REAL4 / real_eval_gold.GOLD_NAME).exists():
        pytest.skip(f"{REAL4} not present")
    articles = [g for gf in real_eval_gold.load_gold(REAL4) for g in gf.articles]
    assert len(articles) >= 16
    assert all(g.published and len(g.section_companies) == len(g.sections) for g in articles)
    assert sum(len(g.meta) for g in articles) >= 5
    assert sum(len(g.pronouns) for g in articles) >= 5
    assert sum(len(items) for g in articles for _, items in g.lists) >= 5


def _synthetic() -> tuple[list, list, object]:
    """One gold article and the views a product might print for it, written by hand."""
    gold = real_eval_gold.GoldArticle(
        file="a.txt",
        title="標題",
        sections=(("", "營收年增三成"), ("展望", "毛利率四成")),
        companies=(real_eval_gold.GoldCompany("台積電", "2330", ("台灣積體電路",)),),
        optional_companies=(),
        optional_headings=(),
        sectors=("半導體",),
        published="2026-11-20",
        section_companies=(("台積電",), ()),
        meta=("本文將分析三個面向。",),
        pronouns=(("這是公司首度說明。", "台積電表示營收年增三成。"),),
        lists=(("重點如下：", ("1. 毛利率四成。", "2. 產能滿載。")),),
    )
    stored = store.StoredArticle(
        id=1,
        title="標題",
        file="a.txt",
        companies=["台積電"],
        summary=["台積電表示營收年增三成。"],
        sections=[
            store.StoredSection(
                "",
                "本文將分析三個面向。台積電表示營收年增三成。這是公司首度說明。",
                ["台積電表示營收年增三成。"],
            ),
            store.StoredSection(
                "展望", "重點如下：\n1. 毛利率四成。\n2. 產能滿載。", ["2. 產能滿載。"]
            ),
        ],
        published="2026-11-19T16:30:00+00:00",  # 2026-11-20 00:30 in Taipei
    )
    view = (
        "標題\npublished 2026-11-20\n\n台積電表示營收年增三成。\n\nkeywords: 台積電\n"
        "\n## (intro)\n  - 本文將分析三個面向。\n  - 這是公司首度說明。\n"
        "\n## 展望\n  - 2. 產能滿載。\n  - 台積電表示營收年增三成。\n"
    )
    sector = (
        "半導體 (semi)\n- 這是公司首度說明。\n  ——《標題》\n\n[1] 標題\n"
        "  台積電表示營收年增三成。\n  台積電表示營收年增三成。\n\ncompanies: 台積電\n"
    )
    return [(gold, stored)], [stored], reading.Shown({1: view}, {"半導體": sector})


def test_reading_figures_on_a_hand_made_view() -> None:
    """Each reading figure counts what it says, on output written by hand."""
    pairs, stored, shown = _synthetic()
    j = reading.score_reading(pairs, stored, shown).as_json()
    assert j["summary_sentences_in_digests"] == {"hit": 1, "total": 1, "rate": 1.0}
    assert j["articles_repeating_a_sentence"]["hit"] == 1
    assert j["sector_answers_repeating_a_sentence"] == {"hit": 1, "total": 1, "rate": 1.0}
    assert j["gold_meta_sentences_shown"]["hit"] == 1
    assert j["meta_like_sentences_shown"]["hit"] >= 1
    # shown twice (article, sector key point), dangling both times
    assert j["gold_pronoun_sentences_dangling"] == {"hit": 2, "total": 2, "rate": 1.0}
    assert j["gold_list_items_without_lead_in"] == {"hit": 1, "total": 1, "rate": 1.0}
    assert j["numbered_lines_without_lead_in"]["hit"] == 1
    assert j["section_digests_keeping_a_company"] == {"hit": 1, "total": 1, "rate": 1.0}
    assert j["section_digest_or_summary_keeping_a_company"]["hit"] == 1
    assert j["publication_dates_exact"]["hit"] == 1
    rows = reading.reading_rows(j)
    assert all(len(row) in (2, 4) for row in rows)


def test_real4_subset_loads_and_scores(tmp_path: Path) -> None:
    """A few real4 sources go through the whole evaluation (ingest, answers, every figure)
    without error.  No thresholds: the figures themselves are for the examiner's report."""
    if not (REAL4 / real_eval_gold.GOLD_NAME).exists():
        pytest.skip(f"{REAL4} not present")
    data = json.loads((REAL4 / real_eval_gold.GOLD_NAME).read_text(encoding="utf-8"))
    keep = [f for f in data["files"] if f["file"].startswith(("04-", "07-", "09-"))]
    for entry in keep:
        shutil.copy2(REAL4 / entry["file"], tmp_path / entry["file"])
    (tmp_path / real_eval_gold.GOLD_NAME).write_text(
        json.dumps({"files": keep}, ensure_ascii=False), encoding="utf-8"
    )
    result = real_eval.evaluate(tmp_path)
    assert result["gold_articles"] == 3 and not result["ingest_errors"]
    figures = result["reading"]
    assert figures["publication_dates_exact"]["total"] == 3
    assert figures["section_digests_keeping_a_company"]["total"] > 0
    assert figures["shown_sentences"] > 0
