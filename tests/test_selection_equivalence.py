"""The lazy greedy of :func:`digests.selection.select_sentences` picks exactly what the
plain greedy it replaced picked (issue 13: speed with identical output): first a scan
that kept each sentence's score between rounds, now a heap of the sentences standing
alone by kept score, with dependent units checked only when their bound may win.

``_reference_select`` is that plain greedy, frozen as it was: every round re-scores
every unit.  Both run on every selection the digests of the fixture articles make, and
on variations of each (budgets, sentence limits, flat weights full of ties, zero and
negative weights, which turn the lazy path off; priors that zero or boost qualities),
and must return the same sentences.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import pytest

import digests.summarize as summarize
from digests.analysis import Sentence
from digests.figures import Figure
from digests.keywords import heaviest_first
from digests.selection import (
    COST_EXPONENT,
    LONG_SINGLE_MARGIN,
    MAX_LIST_ITEMS,
    MAX_SENTENCES,
    REDUNDANT_OVERLAP,
    Prepared,
    _figure_unit,
    _predecessors,
    overlap,
    select_sentences,
)
from digests.sources import load
from tests.conftest import FIXTURES, PAGEDUMPS


def _reference_select(
    candidates: Sequence[Sentence],
    weights: dict[str, float],
    budget: int,
    max_sentences: int = MAX_SENTENCES,
    *,
    prepared: dict[int, Prepared],
    prior: dict[int, float] | None = None,
    call_first: bool = False,
    headed: bool = False,
) -> list[Sentence]:
    if not candidates:
        return []
    figure_unit = _figure_unit(weights)
    prior = prior or {}
    info = [prepared[id(s)] for s in candidates]
    need = _predecessors(candidates, info, headed)
    quality = [p.quality * prior.get(id(s), 1.0) for s, p in zip(candidates, info, strict=True)]
    costs = [len(p.text) for p in info]
    weighted = [[(t, weights[t]) for t in p.terms if t in weights] for p in info]
    figures = [[(f.text, f.weight) for f in s.figures] for s in candidates]

    def alone(i: int) -> float:
        value = sum(w for _, w in weighted[i])
        return (value + figure_unit * sum(w for _, w in figures[i])) * quality[i]

    def unit_of(i: int, chosen: list[int]) -> list[int] | None:
        unit = [i]
        k = i
        while need[k] is not None:
            preds = need[k]
            if any(p in chosen for p in preds):
                break
            if not preds or len(unit) >= max_sentences:
                return None
            k = preds[0]
            unit.insert(0, k)
        if any(quality[k] <= 0.0 for k in unit):
            return None
        return unit

    def greedy(exponent: float, seed: int | None = None) -> tuple[list[int], float]:
        covered_terms: set[str] = set()
        covered_figs: set[str] = set()
        chosen: list[int] = []
        used = 0
        total = 0.0

        def gain(unit: list[int]) -> float:
            terms, figs = set(covered_terms), set(covered_figs)
            g = 0.0
            for i in unit:
                value = sum(w for t, w in weighted[i] if t not in terms)
                value += figure_unit * sum(w for f, w in figures[i] if f not in figs)
                g += value * quality[i]
                terms |= info[i].terms
                figs.update(f for f, _ in figures[i])
            return g

        def take(unit: list[int]) -> None:
            nonlocal used
            for i in unit:
                chosen.append(i)
                used += costs[i]
                covered_terms.update(info[i].terms)
                covered_figs.update(f for f, _ in figures[i])

        if seed is not None:
            total += gain([seed])
            take([seed])
        dead: set[int] = set()
        while len(chosen) < max_sentences:
            best: tuple[float, list[int], float] | None = None
            for i in range(len(candidates)):
                if i in dead or i in chosen:
                    continue
                unit = unit_of(i, chosen)
                if unit is None:
                    continue
                cost = sum(costs[k] for k in unit)
                lone = len(unit) == 1
                if (
                    used + cost > budget
                    or any(
                        overlap(info[k].terms, info[j].terms) > REDUNDANT_OVERLAP
                        for n, k in enumerate(unit)
                        for j in [*chosen, *unit[:n]]
                    )
                    or sum(info[k].list_item for k in [*chosen, *unit]) > MAX_LIST_ITEMS
                ):
                    if lone:
                        dead.add(i)
                    continue
                if len(chosen) + len(unit) > max_sentences:
                    continue
                g = gain(unit)
                score = g / cost**exponent
                if best is None or score > best[0]:
                    best = (score, unit, g)
            if best is None or best[0] <= 0.0:
                break
            total += best[2]
            take(best[1])
        return chosen, total

    chosen, value = greedy(COST_EXPONENT)
    if call_first and not any(info[i].view for i in chosen):
        calls = [
            i
            for i in range(len(candidates))
            if info[i].call and costs[i] <= budget and need[i] is None
        ]
        if calls:
            seed = max(calls, key=lambda i: alone(i) / costs[i] ** COST_EXPONENT)
            chosen, value = greedy(COST_EXPONENT, seed)
    standalone = [i for i in range(len(candidates)) if need[i] is None]
    if not standalone:
        return []
    single = max(standalone, key=alone)
    if quality[single] <= 0.0:
        return []
    if not chosen or (
        costs[single] > budget
        and alone(single) > LONG_SINGLE_MARGIN * value
        and (info[single].reported or not any(info[i].salient for i in chosen))
    ):
        chosen = [single]
    return sorted((candidates[i] for i in chosen), key=lambda s: (s.section, s.index))


def _variants(weights: dict[str, float], rng: random.Random) -> list[dict[str, float]]:
    return [
        weights,
        {t: 1.0 for t in weights},  # ties everywhere
        {t: float(rng.choice([0, 1, 2])) for t in weights},  # zeros and ties
        {t: w * rng.choice([0.5, 1.0, 2.0]) for t, w in weights.items()},
        {t: w * rng.choice([1.0, -1.0]) for t, w in weights.items()},  # lazy path off
    ]


def _sources() -> list[Path]:
    files = sorted((FIXTURES / "dev_articles").glob("*.txt"))
    return files + sorted(PAGEDUMPS.glob("*.txt"))


def test_same_picks_as_the_plain_greedy(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(13)
    compared = [0]
    plain = select_sentences

    def both(
        candidates: Sequence[Sentence],
        weights: dict[str, float],
        budget: int,
        max_sentences: int = MAX_SENTENCES,
        **kw: object,
    ) -> list[Sentence]:
        for variant in _variants(weights, rng):
            budget_, limit = (
                (budget, max_sentences)
                if variant is weights
                else (rng.choice([40, 100, 160, 240, 400]), rng.choice([1, 2, 3, 5]))
            )
            options = dict(kw)
            ranked = options.pop("ranked", None)  # the reference sorts for itself
            if variant is not weights:
                options["call_first"] = rng.random() < 0.5
                options["headed"] = rng.random() < 0.5
                if rng.random() < 0.3:  # priors: zero, equal and boosted qualities
                    choices = [0.0, 0.5, 1.0, 1.3, 2.0]
                    options["prior"] = {id(s): rng.choice(choices) for s in candidates}
            # the shared sort (digest_article's), of the variant's own weights
            shared = ranked if variant is weights else heaviest_first(variant)
            got = plain(candidates, variant, budget_, limit, ranked=shared, **options)  # type: ignore[arg-type]
            want = _reference_select(candidates, variant, budget_, limit, **options)  # type: ignore[arg-type]
            assert [id(s) for s in got] == [id(s) for s in want]
            compared[0] += 1
        return plain(candidates, weights, budget, max_sentences, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(summarize, "select_sentences", both)
    for path in _sources():
        for article in load(str(path))[1]:
            summarize.digest_article(article)
    assert compared[0] > 1000


def _generated_case(rng: random.Random) -> tuple[list[Sentence], dict[int, Prepared]]:
    """Sentences of a few sections built to tie: terms from a small vocabulary, a few
    text lengths, shared figures, and pointing sentences and list items everywhere."""
    vocabulary = [f"詞{k}" for k in range(8)]
    sentences: list[Sentence] = []
    prepared: dict[int, Prepared] = {}
    for section in range(rng.randrange(1, 3)):
        for index in range(rng.randrange(1, 9)):
            terms = rng.sample(vocabulary, rng.randrange(0, 4))
            figures = [Figure(rng.choice(["3%", "5億元"]), 1.0) for _ in range(rng.randrange(3))]
            s = Sentence("字" * rng.choice([20, 20, 40, 60, 200]), section, index, {}, figures)
            sentences.append(s)
            prepared[id(s)] = Prepared(
                s.text,
                rng.choice([0.0, 1.0, 1.0, 2.0]),
                frozenset(terms),
                lead=rng.random() < 0.2,
                list_item=rng.random() < 0.3,
                reported=rng.random() < 0.5,
                salient=rng.random() < 0.5,
                call=rng.random() < 0.3,
                view=rng.random() < 0.3,
                anaphor=rng.random() < 0.3,
                item=rng.random() < 0.2,
                aside=rng.random() < 0.2,
            )
    return sentences, prepared


def test_same_picks_on_generated_ties() -> None:
    rng = random.Random(29)
    for _ in range(3000):
        candidates, prepared = _generated_case(rng)
        weights = {f"詞{k}": rng.choice([0.0, 1.0, 1.0, 2.0]) for k in range(8)}
        options = {
            "prepared": prepared,
            "call_first": rng.random() < 0.5,
            "headed": rng.random() < 0.5,
            "prior": {id(s): rng.choice([1.0, 1.0, 1.3]) for s in candidates},
        }
        budget, limit = rng.choice([40, 100, 160, 240, 400]), rng.choice([1, 2, 3, 5])
        got = select_sentences(candidates, weights, budget, limit, **options)  # type: ignore[arg-type]
        want = _reference_select(candidates, weights, budget, limit, **options)  # type: ignore[arg-type]
        assert [id(s) for s in got] == [id(s) for s in want]
        shared = heaviest_first(weights)
        got = select_sentences(candidates, weights, budget, limit, ranked=shared, **options)  # type: ignore[arg-type]
        assert [id(s) for s in got] == [id(s) for s in want]
