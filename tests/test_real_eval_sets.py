"""The held-out real-world sets stay well formed, and `--set`/`--all` pick them.

Only the gold is linted here (verbatim titles, headings, facts and company names;
no sector word gold for more than 4 articles): the figures themselves come from
`python bench/real_eval.py`, which ingests through the CLI and takes ~20 s a set.
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
real_eval = pytest.importorskip("real_eval")
real_eval_gold = pytest.importorskip("real_eval_gold")


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
    for name in ("real", "real2", "real3"):
        assert f"== bench/eval/{name}\n" in out


def test_set_and_all_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        real_eval.main(["--all", "--set", "bench/eval/real2", "--check"])
    assert exc.value.code == 2
