"""Choosing a digest's sentences: budgeted coverage of the weighted terms and figures.

Selection is a budgeted maximum-coverage problem.  A set of sentences is worth the
TF-IDF weight of the distinct terms it mentions plus the weight of the distinct
figures it carries; adding a sentence that repeats covered terms gains little, so
redundancy is avoided by construction.  Greedy selection by gain per character,
then restored to document order, is the classic (1 - 1/e)-approximate answer.

What a sentence is (its shown text, quality and kind) is decided once per article in
:func:`digests.summarize.prepare`; this module only chooses among them, keeping the
rules that make a digest readable out of context: a sentence pointing back (它們…)
comes with the sentence it points to, a list item with the item or lead-in before it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import filterfalse
from math import isnan
from operator import itemgetter

from digests.analysis import Sentence
from digests.salience import LEAD_PRIOR

MAX_SENTENCES = 3
COST_EXPONENT = 0.8
"""Below 1, longer sentences are favoured a little: they carry whole claims."""
FIGURE_FACTOR = 4.0
REDUNDANT_OVERLAP = 0.6
LONG_SINGLE_MARGIN = 1.25
MAX_LIST_ITEMS = 2
"""Items of one list are parallel details: two show what the list holds and leave
room for the sentence that draws its conclusion (首選…)."""


@dataclass(slots=True)
class Prepared:
    """Per-sentence facts that do not depend on the weighting, computed once per article.

    Not frozen: one is built per sentence (about 90 per article) and a frozen
    dataclass's ``__init__`` sets each of its twelve fields through
    ``object.__setattr__``, twice the cost of plain slot stores.  Nothing changes a
    ``Prepared`` after :func:`digests.summarize.prepare` builds it, and nothing hashes
    one (they are looked up by ``id`` of their sentence).
    """

    text: str
    """The sentence as it would be shown: leading connective trimmed."""
    quality: float
    terms: frozenset[str]
    lead: bool = False
    """The first whole sentence of its section, written as a news lead."""
    list_item: bool = False
    """A bullet or numbered line: one of several parallel details."""
    reported: bool = False
    """A news lead that names its subject (a dateline, or a company beside its figure)."""
    salient: bool = False
    """Carries what investors read for: a result/guidance figure, a call or the writer's view."""
    call: bool = False
    """The writer's call: a pick, a rating, an allocation or advice (:func:`is_call`)."""
    view: bool = False
    """The writer's view or call (:func:`is_thesis`): 我們認為…, 看好…, 首選…."""
    anaphor: bool = False
    """Opens by pointing back (這…、其…、它們…): shown only after the sentence before it."""
    item: bool = False
    """A bullet or numbered line without its lead-in: shown only after the item before it."""
    aside: bool = False
    """Explains the sentence before it (原因在於…): a pointing sentence may look past it."""


def lead_prior(candidates: Iterable[Sentence], prepared: dict[int, Prepared]) -> dict[int, float]:
    """Position counts where the style puts the news first: the news lead of each section."""
    return {id(s): LEAD_PRIOR for s in candidates if prepared[id(s)].lead}


def select_sentences(
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
    """Greedy budgeted coverage over ``candidates``; returns them in document order.

    ``prepared``: :func:`digests.summarize.prepare` of the candidates (or more).
    ``call_first`` (section digests) starts from the writer's call when the passage has one.
    ``headed``: the digest is shown under its section's heading, the context of the
    section's first sentence (a list's first item, 這家公司… after the company's name).

    A sentence that depends on the one before it (它們…, "2. …") competes as a unit with
    what it needs: its gain and its cost are the unit's, so the pair is chosen together
    or not at all, and the dependent is never shown alone.
    """
    if not candidates:
        return []
    ordered = sorted(weights.values(), reverse=True)
    figure_unit = _figure_unit(weights, ordered)
    prior = prior or {}
    info = [prepared[id(s)] for s in candidates]
    need = _predecessors(candidates, info, headed)
    quality = [p.quality * prior.get(id(s), 1.0) for s, p in zip(candidates, info, strict=True)]
    costs = [len(p.text) for p in info]
    weight = weights.__getitem__
    figures = [[(f.text, f.weight) for f in s.figures] for s in candidates]
    # Each sentence's weighted terms (in the order of its terms, as every sum below
    # adds them) and what it is worth alone, nothing covered yet (the first round's
    # gains): the same sums, in the same order, as :func:`gain` and :func:`alone` compute.
    weighted: list[Collection[str]] = []
    base: list[float] = []
    second = itemgetter(1)
    for p, fs in zip(info, figures, strict=True):
        try:  # usually every term has a weight
            value = sum(map(weight, p.terms))
            weighted.append(p.terms)
        except KeyError:
            kept = [t for t in p.terms if t in weights]
            value = sum(map(weight, kept))
            weighted.append(kept)
        base.append(value + figure_unit * sum(map(second, fs)))
    # Sentences that stand alone and may be shown: most candidates.  Their checks and
    # gains are kept between rounds (see ``greedy``); dependent sentences are re-scored
    # as units every round.
    lone = [need[i] is None and quality[i] > 0.0 for i in range(len(candidates))]
    term_sets = [p.terms for p in info]
    list_items = [p.list_item for p in info]
    never = [need[i] == () for i in range(len(candidates))]  # what it needs is not there
    # Scores only fall as more is covered when no weight is negative (or so large that a
    # sum overflows): then ``greedy`` may skip re-scoring what cannot win a round.
    bounded = all(0.0 <= w < _HUGE for fs in figures for _, w in fs) and (
        # (the ends of a sort that a NaN spoils, but never hides from the sum)
        not ordered or (ordered[-1] >= 0.0 and ordered[0] < _HUGE and not isnan(sum(ordered)))
    )

    lone_denoms = [cost**COST_EXPONENT for cost in costs]

    def alone(i: int) -> float:
        return base[i] * quality[i]

    unshown = [q <= 0.0 for q in quality]  # a fragment, a meta sentence or a sign-off

    def unit_of(i: int, taken: set[int]) -> list[int] | None:
        """``i`` and the predecessors it needs that are not chosen (``taken``) yet
        (None: impossible)."""
        unit = [i]
        k = i
        while need[k] is not None:
            preds = need[k]
            if not taken.isdisjoint(preds):
                break
            if not preds or len(unit) >= max_sentences:
                return None
            k = preds[0]
            unit.insert(0, k)
        if any(map(unshown.__getitem__, unit)):
            return None  # never shown
        return unit

    def greedy(exponent: float, seed: int | None = None) -> tuple[list[int], float]:
        """Greedy by gain / cost**exponent; returns picks and their value.

        (Plain gain, exponent 0, fills the budget with long sentences but keeps fewer
        marked facts on both evaluation sets, so it is not used.)  At most
        ``max_sentences`` rounds over a section's or an article's sentences.  Each round
        picks the unit of highest score, the earliest on a tie.

        A dependent unit is re-scored every round (it shrinks as its predecessors are
        chosen).  A sentence standing alone is checked for budget, repetition and list
        items against the sentences chosen since it was last checked only (each check
        only gets worse as more is chosen, and one failed check retires it for good),
        and keeps its score until what is chosen covers one of its terms or figures (its
        gain depends on nothing else).  Covering more only lowers a gain (the weights
        are non-negative: a float sum of fewer non-negative terms is never larger), so a
        kept score bounds the fresh one: a sentence whose kept score cannot beat the
        round's best is not re-scored that round (lazy greedy).  Every round picks the
        same unit as re-scoring every unit would.
        """
        covered_terms: set[str] = set()
        covered_figs: set[str] = set()
        chosen: list[int] = []
        taken: set[int] = set()
        used = 0
        items = 0  # list items chosen
        total = 0.0
        new_terms: set[str] = set()  # covered since the last round
        new_figs: set[str] = set()

        def gain(unit: list[int]) -> float:
            if len(unit) == 1:  # most units: what is covered needs no copy to grow
                i = unit[0]
                value = sum(map(weight, filterfalse(covered_terms.__contains__, weighted[i])))
                value += figure_unit * sum(w for f, w in figures[i] if f not in covered_figs)
                return 0.0 + value * quality[i]  # as ``g += …`` from 0.0 below (-0.0 → 0.0)
            terms, figs = set(covered_terms), set(covered_figs)
            g = 0.0
            for i in unit:
                value = sum(map(weight, filterfalse(terms.__contains__, weighted[i])))
                value += figure_unit * sum(w for f, w in figures[i] if f not in figs)
                g += value * quality[i]
                terms |= info[i].terms
                figs.update(f for f, _ in figures[i])
            return g

        def take(unit: list[int]) -> None:
            nonlocal used, items
            for i in unit:
                chosen.append(i)
                taken.add(i)
                used += costs[i]
                items += info[i].list_item
                new_terms.update(info[i].terms - covered_terms)
                covered_terms.update(info[i].terms)
                for f, _ in figures[i]:
                    if f not in covered_figs:
                        new_figs.add(f)
                        covered_figs.add(f)

        def repeats(unit: list[int]) -> bool:
            """A part of ``unit`` mostly says what is chosen or what comes before it."""
            for n, k in enumerate(unit):
                terms = term_sets[k]
                if not terms:
                    continue  # overlap() is 0.0 for a sentence without terms
                size = len(terms)
                # overlap(terms, said) > REDUNDANT_OVERLAP, inlined (0.0 when said is empty)
                for j in chosen:
                    said = term_sets[j]
                    if said and len(terms & said) / size > REDUNDANT_OVERLAP:
                        return True
                for j in unit[:n]:
                    said = term_sets[j]
                    if said and len(terms & said) / size > REDUNDANT_OVERLAP:
                        return True
            return False

        if seed is not None:
            total += gain([seed])
            take([seed])
        # candidate -> (its unit, cost**exponent, score, gain), exact unless stale
        scores: dict[int, tuple[tuple[int, ...], float, float, float]] = {}
        stale: set[int] = set()
        checked = 0  # chosen[:checked] were checked against every live lone sentence
        dead: set[int] = set()  # over budget, saying the same thing or a third list item
        # a lone sentence's cost**exponent (every call is with COST_EXPONENT: computed once)
        denoms = lone_denoms if exponent == COST_EXPONENT else [c**exponent for c in costs]
        while len(chosen) < max_sentences:
            fresh = [term_sets[j] for j in chosen[checked:]]
            checked = len(chosen)
            best: tuple[float, list[int], float] | None = None
            best_i = -1
            deferred: list[int] = []  # stale this round, re-scored after the others
            for i in range(len(candidates)):
                if i in dead or i in taken:
                    continue
                if lone[i]:
                    terms = term_sets[i]
                    if used + costs[i] > budget or items + list_items[i] > MAX_LIST_ITEMS:
                        dead.add(i)
                        continue
                    if terms:
                        for said in fresh:  # overlap(terms, said) > REDUNDANT_OVERLAP, inlined
                            if said and len(terms & said) / len(terms) > REDUNDANT_OVERLAP:
                                dead.add(i)  # it only gets worse as more is chosen
                                break
                        if i in dead:
                            continue
                    entry = scores.get(i)
                    if entry is None:
                        # its score with nothing covered; a seed makes it stale below
                        g = 0.0
                        g += base[i] * quality[i]
                        denom = denoms[i]
                        entry = scores[i] = ((i,), denom, g / denom, g)
                    if (new_terms and not new_terms.isdisjoint(terms)) or (
                        new_figs and figures[i] and any(f in new_figs for f, _ in figures[i])
                    ):
                        stale.add(i)
                else:
                    if never[i]:
                        continue
                    unit = unit_of(i, taken)
                    if unit is None:
                        scores.pop(i, None)  # not checked for staleness this round
                        continue
                    cost = sum(map(costs.__getitem__, unit))
                    if (
                        used + cost > budget
                        or repeats(unit)
                        or items + sum(map(list_items.__getitem__, unit)) > MAX_LIST_ITEMS
                    ):
                        if len(unit) == 1:
                            dead.add(i)  # it only gets worse as more is chosen: never again
                        scores.pop(i, None)
                        continue
                    if len(chosen) + len(unit) > max_sentences:
                        scores.pop(i, None)
                        continue
                    key = tuple(unit)
                    entry = scores.get(i)
                    if entry is None or entry[0] != key:
                        # A bound to start from: each part's value alone, which what
                        # is covered (and the parts before it) can only lower.
                        g = 0.0
                        for k in unit:
                            g += base[k] * quality[k]
                        denom = cost**exponent
                        entry = scores[i] = (key, denom, g / denom, g)
                        stale.add(i)
                    elif (
                        new_terms and any(not new_terms.isdisjoint(term_sets[k]) for k in unit)
                    ) or (new_figs and any(f in new_figs for k in unit for f, _ in figures[k])):
                        stale.add(i)
                if i in stale:
                    if bounded:
                        deferred.append(i)  # re-scored below if its kept score may win
                        continue
                    key, denom, _, _ = entry
                    g = gain(list(key))
                    entry = scores[i] = (key, denom, g / denom, g)
                    stale.discard(i)
                score = entry[2]
                if best is None or score > best[0]:
                    best, best_i = (score, list(entry[0]), entry[3]), i
            if deferred:
                # Highest kept score first; a kept score is at least the fresh one, so
                # once it is below the best (or equal, later in the text) none can win.
                deferred.sort(key=lambda k: (-scores[k][2], k))
                for i in deferred:
                    key, denom, bound, _ = scores[i]
                    if best is not None and (bound < best[0] or (bound == best[0] and i > best_i)):
                        break
                    g = gain(list(key))
                    score = g / denom
                    scores[i] = (key, denom, score, g)
                    stale.discard(i)
                    if best is None or score > best[0] or (score == best[0] and i < best_i):
                        best, best_i = (score, list(key), g), i
            new_terms.clear()
            new_figs.clear()
            if best is None or best[0] <= 0.0:
                break
            total += best[2]
            take(best[1])
        return chosen, total

    chosen, value = greedy(COST_EXPONENT)
    if call_first and not any(info[i].view for i in chosen):
        # The writer's call is the point of a column's closing or valuation passage: when
        # the context sentences (history, valuation colour, risk lists) outweighed it and
        # no view of the writer's made the digest, the call goes in first and the context
        # competes for what is left.
        calls = [
            i
            for i in range(len(candidates))
            if info[i].call and costs[i] <= budget and need[i] is None
        ]
        if calls:
            seed = max(calls, key=lambda i: alone(i) / costs[i] ** COST_EXPONENT)
            chosen, value = greedy(COST_EXPONENT, seed)
    # One longer sentence alone is allowed when it says more than the budgeted set: a
    # news report's lead, or when the budgeted set holds no figure or call an investor
    # reads for.  Elsewhere an over-long sentence is run-on context (…，…，…) whose many
    # terms outweigh the short sentence that states the call or the figure.
    standalone = [i for i in range(len(candidates)) if need[i] is None]
    if not standalone:
        return []
    single = max(standalone, key=alone)
    if quality[single] <= 0.0:
        return []  # nothing but fragments, lead-ins, sign-offs or meta sentences: no digest
    if not chosen or (
        costs[single] > budget
        and alone(single) > LONG_SINGLE_MARGIN * value
        and (info[single].reported or not any(info[i].salient for i in chosen))
    ):
        chosen = [single]
    return sorted((candidates[i] for i in chosen), key=lambda s: (s.section, s.index))


ANAPHOR_REACH = 1
"""How many sentences back the referent of 這…/其…/它們… may sit.  Two would let 這些環節
follow 真正的機會在系統整合… across a reason, but far more often it shows 其優勢… after the
wrong company (寶馬… then 其優勢 meaning 微軟's): the sentence right before it is the referent."""


def _predecessors(
    candidates: Sequence[Sentence], info: Sequence[Prepared], headed: bool
) -> list[tuple[int, ...] | None]:
    """For each candidate, the candidates one of which must be shown with it, nearest first.

    None: it stands alone; an empty tuple: it is never shown.  A sentence pointing back
    (這…、它們…) needs the sentence before it in its section (:func:`_referents`); a list
    item needs the item or lead-in before it.  The first sentence of a section shown under
    its heading has the heading for context (台積電 / 這家公司本季…, a list under 風險).
    The chain ends at a sentence that stands alone, so "2. …" comes with "1. …" and the
    lead-in joined to it, or not at all.
    """
    where: dict[tuple[int, int], int] = {}  # built when first needed
    out: list[tuple[int, ...] | None] = []
    for s, p in zip(candidates, info, strict=True):
        if headed and s.index == 0:
            out.append(None)  # the heading above it is its context
        elif p.anaphor or p.item:
            if not where:
                where = {(s.section, s.index): i for i, s in enumerate(candidates)}
            out.append(_referents(s, where, info) if p.anaphor else _previous_item(s, where, info))
        else:
            out.append(None)
    return out


def _referents(
    s: Sentence, where: dict[tuple[int, int], int], info: Sequence[Prepared]
) -> tuple[int, ...]:
    """Where the referent of a pointing sentence may sit: the sentence before it, and the
    one before that when the sentence between only explains it (原因在於…, :func:`is_aside`)."""
    found: list[int] = []
    for k in range(1, ANAPHOR_REACH + 2):
        i = where.get((s.section, s.index - k))
        if i is None:
            break
        found.append(i)
        if k >= ANAPHOR_REACH and not info[i].aside:
            break
    return tuple(found)


ITEM_REACH = 4
"""How far back the previous item of a list may be: an item may run over a few sentences."""


def _previous_item(
    s: Sentence, where: dict[tuple[int, int], int], info: Sequence[Prepared]
) -> tuple[int, ...]:
    """The item before ``s`` in its list ("1. …" for "2. …"), else the sentence before it.

    The sentence before the first item is the list's lead-in.  A sentence that is not a
    candidate (said in the summary already) ends the search: what it was is unknown.
    """
    for k in range(1, ITEM_REACH + 1):
        i = where.get((s.section, s.index - k))
        if i is None:
            return () if s.index - k >= 0 else _before(s, where)
        if info[i].list_item:  # an item, or the lead-in joined with the first item
            return (i,)
    return _before(s, where)


def _before(s: Sentence, where: dict[tuple[int, int], int]) -> tuple[int, ...]:
    before = where.get((s.section, s.index - 1))
    return () if before is None else (before,)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of candidate ``a``'s terms already said by ``b``.

    Relative to the candidate only: a short sentence picked first must not block the
    fuller sentence that contains its terms and adds the figures (a news lead).
    """
    return len(a & b) / len(a) if a and b else 0.0


_HUGE = 1e100


def _figure_unit(weights: dict[str, float], ordered: list[float] | None = None) -> float:
    """A figure with a unit is worth about as much as one of the section's top terms.

    ``ordered``: the weights already sorted heaviest first, when the caller has them."""
    top = (sorted(weights.values(), reverse=True) if ordered is None else ordered)[:8]
    return FIGURE_FACTOR * (sum(top) / len(top)) if top else 1.0
