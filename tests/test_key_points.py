"""Key points of sector and company answers (READING2): no sentence said twice, no
dangling pointer sentence or lone list item shown as a point."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from digests.answers import Point, Source, in_context, not_repeated, pick_points, stands_alone

SRC = Source(1, "儲能廠商接單報告", None)
OTHER = Source(2, "電網設備週報", None)


@pytest.mark.parametrize(
    "sentence",
    [
        "它們在儲能案場的出貨占比持續提高，毛利率也跟著回升。",
        "這也是系統整合商今年積極擴產的主要原因。",
        "其電池模組的交期已經縮短到八週。",
        "前者的營收年增三成，後者則持平。",
        "2. 分享電網升級的長期紅利。",
        "（3）變壓器廠的交期拉長到兩年。",
        "2. 車用：今年營收占比將提升至18%。",  # a topic label is not the subject
        "①匯率：新台幣每升值1%，毛利率減少0.4個百分點。",
        "（二）變壓器交期拉長到兩年。",
        "其次，儲能案場的毛利率回升到兩成。",
    ],
)
def test_pointer_and_list_item_points_do_not_stand_alone(sentence: str) -> None:
    assert not stands_alone(sentence)
    best = "華城今年的變壓器訂單金額達到120億元，較去年成長四成。"
    points = pick_points([(sentence, SRC), (best, SRC)], limit=1)
    assert [p.sentence for p in points] == [best]  # the next best, not the fragment


@pytest.mark.parametrize(
    "sentence",
    [
        "其中士電第三季營收年增35%，創下同期新高。",  # "among them" with its own figure
        "其實市場早已預期電價調漲。",
        "華城今年的變壓器訂單金額達到120億元。",
        "- 中興電(1513)：氣體絕緣開關訂單年增四成。",  # an item naming its own company
    ],
)
def test_sentences_that_stand_alone(sentence: str) -> None:
    assert stands_alone(sentence)


def test_not_repeated_drops_what_the_points_show() -> None:
    said = "華城今年的變壓器訂單金額達到120億元。"
    points = [Point(said, SRC), Point("儲能案場集中在下半年併網。前者的毛利率較高。", OTHER)]
    summary = [said, "前者的毛利率較高。", "中興電的氣體絕緣開關交期拉長到一年半。"]
    assert not_repeated(summary, points) == ["中興電的氣體絕緣開關交期拉長到一年半。"]
    assert not_repeated(summary, [], limit=2) == summary[:2]


GRID = """\
電網升級潮來襲 重電廠訂單滿到後年

台電強韌電網計畫進入第二期，重電設備的採購金額今年估計超過九百億元，變壓器與開關設備的交期普遍拉長到兩年以上。

訂單能見度

華城今年的變壓器訂單金額達到120億元，較去年成長四成，產能已經排到後年。士電與中興電的在手訂單同樣創下新高，三家重電廠的毛利率都比去年提高。

風險

原物料銅價若持續走高，重電廠的成本壓力將增加，但新訂單多已納入價格調整條款。
"""


def test_cli_sector_says_each_sentence_once(tmp_path: Path, capsys) -> None:
    source = tmp_path / "grid.txt"
    source.write_text(GRID, encoding="utf-8")
    db = tmp_path / "k.db"
    assert main(["--db", str(db), "ingest", str(source)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "sector", "重電"]) == 0
    out = capsys.readouterr().out
    lines = [ln.strip().removeprefix("- ") for ln in out.splitlines() if "。" in ln]
    assert lines, out
    assert len(lines) == len(set(lines)), out


SECTION = (
    "儲能系統整合商今年的訂單大增，台達電與中興電都在擴產。它們在案場的出貨占比持續提高。\n"
    "篩選條件如下：\n1. 殖利率高於4%。\n2. 負債比低於五成。"
)


def test_a_pointing_sentence_comes_with_its_antecedent() -> None:
    assert in_context("它們在案場的出貨占比持續提高。", [SECTION]) == (
        "儲能系統整合商今年的訂單大增，台達電與中興電都在擴產。它們在案場的出貨占比持續提高。"
    )


def test_a_list_item_comes_with_its_lead_in() -> None:
    assert in_context("2. 負債比低於五成。", [SECTION]) == "篩選條件如下：\n2. 負債比低於五成。"


def test_no_short_antecedent_leaves_the_sentence_to_be_skipped() -> None:
    long_lead = "儲能" * 80 + "。"
    pointer = "這也是整合商積極擴產的主因。"
    assert in_context(pointer, [long_lead + pointer]) == pointer
    assert in_context(pointer, ["另一段文字。"]) == pointer
    assert pick_points([(pointer, SRC)]) == []


COLUMN = """\
重電三雄接單創新高 交期拉長到兩年

台電強韌電網計畫進入第二期，重電設備的採購金額今年估計超過九百億元，變壓器與開關設備的交期普遍拉長到兩年以上。

在手訂單

士電與中興電今年都把變壓器產能提高兩成，新廠預計明年第二季投產。它們的在手訂單都已排到後年，中興電的氣體絕緣開關更是供不應求。

風險

原物料銅價若持續走高，重電廠的成本壓力將增加，但新訂單多已納入價格調整條款。
"""


def test_company_points_never_dangle(tmp_path: Path, capsys) -> None:
    import json

    source = tmp_path / "column.txt"
    source.write_text(COLUMN, encoding="utf-8")
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "ingest", str(source)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "company", "中興電", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary and all(stands_alone(s) for s in summary)
    assert not any(s.startswith("它們") for s in summary)
