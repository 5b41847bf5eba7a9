"""Digest quality against peers on the hand-marked evaluation set (not a timing test).

Runs the benchmark's own scorer: each method gets the same 160-character, 1-3
sentence budget, and coverage counts the marked key facts kept verbatim.  The digest
must keep clearly more facts than Lead-k, SnowNLP and TextRank4ZH.
"""

from __future__ import annotations

import sys

import pytest

from digests.salience import is_meta
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
digest_eval = pytest.importorskip("digest_eval")
pytest.importorskip("snownlp", reason="peer summarizers come with the [bench] extra")
pytest.importorskip("textrank4zh", reason="peer summarizers come with the [bench] extra")


@pytest.mark.parametrize("set_name", ["articles.json", "holdout.json"])
def test_digests_keep_clearly_more_facts_than_peers(set_name: str) -> None:
    path = ROOT / "bench" / "eval" / set_name
    if not path.exists():
        pytest.skip(f"{path} not present")
    sections = digest_eval.load_sections(path)
    table = {
        name: digest_eval.score(name, summarize, sections, digest_eval.BUDGET)
        for name, summarize in digest_eval.methods().items()
    }
    ours = table.pop("briefbot")["coverage"]
    best_peer = max(row["coverage"] for row in table.values())
    assert ours >= best_peer + 0.10, (ours, table)


def test_real_styles_keep_key_facts_well_above_lead() -> None:
    """News leads, columns, listing reports, round-ups, lists of picks, 法說會 notes.

    One marked key fact per section; the issue's aim is coverage >= 0.85 and at least
    0.15 above Lead-k (first sentences up to the same budget), with no fragments.
    """
    path = ROOT / "bench" / "eval" / "tuning_real.json"
    sections = digest_eval.load_sections(path)
    lead = digest_eval.score(
        "lead", digest_eval.extractive(digest_eval.lead_rank, 3), sections, digest_eval.BUDGET
    )
    ours = digest_eval.score("briefbot", digest_eval._briefbot(), sections, digest_eval.BUDGET)
    assert ours["coverage"] >= 0.85, ours
    assert ours["coverage"] >= lead["coverage"] + 0.15, (ours, lead)
    assert ours["fragments"] == 0, ours


def test_long_sections_keep_the_buried_fact() -> None:
    """Sections of 300-900 characters that open with context, history or a question.

    The gain over Lead-k must come from here: the fact sits mid-section or at the end,
    after the framing, beside background statistics, before a promotion or disclaimer.
    """
    path = ROOT / "bench" / "eval" / "tuning_long.json"
    sections = digest_eval.load_sections(path)
    lead_fn = digest_eval.extractive(digest_eval.lead_rank, 3)
    ours_fn = digest_eval.memoized(digest_eval._briefbot())
    lead = digest_eval.score("lead", lead_fn, sections, digest_eval.BUDGET)
    ours = digest_eval.score("briefbot", ours_fn, sections, digest_eval.BUDGET)
    assert ours["coverage"] >= 0.85, ours
    assert ours["coverage"] >= lead["coverage"] + 0.15, (ours, lead)
    assert ours["fragments"] == 0, ours
    gain = digest_eval.long_section_gain(sections, lead_fn, ours_fn, digest_eval.BUDGET)
    assert gain["lead_misses_we_keep"] >= 10 * max(1, gain["we_miss_lead_keeps"]), gain


def test_calls_news_and_round_ups_beat_their_context() -> None:
    """Columns' closing passages, dated history before the outlook, weekly round-ups.

    The writer's call (picks, allocations, ratings, 'if you…' advice) must beat valuation
    colour and risk lists, the current or forward figure must beat dated history, a
    round-up keeps its flows and index move over world markets; meta sentences about the
    article and short asides are never shown.
    """
    path = ROOT / "bench" / "eval" / "tuning_calls.json"
    sections = digest_eval.load_sections(path)
    summarize = digest_eval.memoized(digest_eval._briefbot())
    ours = digest_eval.score("briefbot", summarize, sections, digest_eval.BUDGET)
    assert ours["coverage"] >= 0.9, ours
    assert ours["fragments"] == 0, ours
    shown = [s for sec in sections for s in summarize(sec.heading, sec.text, digest_eval.BUDGET)]
    assert not [s for s in shown if is_meta(s)]
    assert all(len(s) >= 8 for s in shown)
