"""Choosing a digest's sentences: budgeted coverage of the weighted terms and figures.

Selection is a budgeted maximum-coverage problem.  A set of sentences is worth the
TF-IDF weight of the distinct terms it mentions plus the weight of the distinct
figures it carries; adding a sentence that repeats covered terms gains little, so
redundancy is avoided by construction.  Greedy selection by gain per character,
then restored to document order, is the classic (1 - 1/e)-approximate answer.

What a sentence is (its shown text, quality and kind) is decided once per article in
:func:`digests.preparation.prepare`; this module only chooses among them, keeping the
rules that make a digest readable out of context: a sentence pointing back (它們…)
comes with the sentence it points to, a list item with the item or lead-in before it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from heapq import heapify, heappop, heapreplace
from itertools import filterfalse
from math import isnan
from operator import itemgetter

from digests.analysis import Sentence
from digests.keywords import heaviest_first
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
    ``Prepared`` after :func:`digests.preparation.prepare` builds it, and nothing hashes
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
    ranked: Sequence[str] | None = None,
) -> list[Sentence]:
    """Greedy budgeted coverage over ``candidates``; returns them in document order.

    ``prepared``: :func:`digests.preparation.prepare` of the candidates (or more).
    ``call_first`` (section digests) starts from the writer's call when the passage has one.
    ``headed``: the digest is shown under its section's heading, the context of the
    section's first sentence (a list's first item, 這家公司… after the company's name).
    ``ranked``: the terms of ``weights`` heaviest first
    (:func:`digests.keywords.heaviest_first`), when the caller sorted them already
    (else they are sorted here).

    A sentence that depends on the one before it (它們…, "2. …") competes as a unit with
    what it needs: its gain and its cost are the unit's, so the pair is chosen together
    or not at all, and the dependent is never shown alone.
    """
    if not candidates:
        return []
    n = len(candidates)
    info = [prepared[id(s)] for s in candidates]
    need = _predecessors(candidates, info, headed)
    if prior:
        quality = [p.quality * prior.get(id(s), 1.0) for s, p in zip(candidates, info, strict=True)]
    else:
        quality = [p.quality * 1.0 for p in info]  # the product the lookup above would give
    term_sets = [p.terms for p in info]
    costs = [len(p.text) for p in info]
    list_items = [p.list_item for p in info]
    weight = weights.__getitem__
    # (text, weight) of each sentence's figures: most sentences carry none and share one
    # empty list, never changed
    figures: list[list[tuple[str, float]]] = [_NO_FIGURES] * n
    figured = [i for i, s in enumerate(candidates) if s.figures]
    for i in figured:
        figures[i] = [(f.text, f.weight) for f in candidates[i].figures]
    # Scores only fall as more is covered when no weight is negative (or so large that a
    # sum overflows) and no quality is NaN or huge (prepare's are products of a few
    # constants): then ``greedy`` may skip re-scoring what cannot win a round.  (A NaN
    # spoils a sort and min but never hides from the sum; weights of at least 0 sum to at
    # least the largest of them.)
    every = weights.values()
    if ranked is None:
        ranked = heaviest_first(weights)
    # The values along ``ranked`` are ``sorted(every, reverse=True)`` (the same sort on
    # the same keys): its top for the figure unit, its last as the lowest weight (only
    # ``low >= 0.0`` is asked, true of -0.0 as of 0.0, and a NaN spoils the sum below
    # whatever ``low`` is).
    low = weights[ranked[-1]] if ranked else 0.0
    top = list(map(weights.__getitem__, ranked[:8]))
    bounded = (
        low >= 0.0
        and sum(every) < _HUGE
        and all(0.0 <= w < _HUGE for i in figured for _, w in figures[i])
        and max(quality) < _HUGE
        and not isnan(sum(quality))
    )
    if figured:
        figure_unit = _figure_unit(weights, top)
    else:
        # The unit only ever multiplies an empty sum (0): 0.0 for any finite unit, and
        # the unit of bounded weights is finite.
        figure_unit = 1.0 if bounded else _figure_unit(weights, top)
    # Each sentence's weighted terms (in the order of its terms, as every sum below
    # adds them) and what it is worth alone, nothing covered yet (the first round's
    # gains): the same sums, in the same order, as ``gain`` computes.
    weighted: list[Collection[str]] = term_sets
    try:  # usually every term has a weight
        values = [sum(map(weight, terms)) for terms in term_sets]
    except KeyError:
        weighted = [[t for t in terms if t in weights] for terms in term_sets]
        values = [sum(map(weight, terms)) for terms in weighted]
    nothing = figure_unit * 0  # ``figure_unit * sum(...)`` of no figures
    base = [value + nothing for value in values]
    for i in figured:
        base[i] = values[i] + figure_unit * sum(map(_second, figures[i]))
    unshown = [q <= 0.0 for q in quality]  # a fragment, a meta sentence or a sign-off

    alone = [b * q for b, q in zip(base, quality, strict=True)]  # worth with nothing covered

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

    def greedy(seed: int | None = None) -> tuple[list[int], float]:
        """Greedy by gain / cost**COST_EXPONENT; returns picks and their value.

        (Plain gain, exponent 0, fills the budget with long sentences but keeps fewer
        marked facts on both evaluation sets, so it is not used.)  At most
        ``max_sentences`` rounds over a section's or an article's sentences.  Each round
        picks the unit of highest score, the earliest on a tie.

        With ``bounded`` weights (lazy greedy), scores only fall as more is covered (a
        float sum of fewer non-negative terms is never larger), so a kept score bounds
        the fresh one.  The sentences standing alone wait in a heap by kept score then
        position; a round pops the top while it is chosen, over the budget, a third
        list item or mostly said already (each check only gets worse as more is
        chosen: one failure retires it for good), and re-scores it while a pick has
        covered one of its terms or figures since it was scored.  A top that passes
        with its score exact is the best of them: every other kept score is lower, or
        equal and later in the text.  A dependent unit is built every round (it
        shrinks as its predecessors are chosen), checked for budget and repetition
        only when its kept score (a bound, or exact) may beat the best so far, and
        re-scored last, highest bound first, while its bound may still win.  Every
        round picks the same unit as re-scoring every unit in document order would.
        Otherwise (a negative or huge weight, a NaN) every unit is re-scored every
        round, in document order, as the plain greedy did.
        """
        covered_terms: set[str] = set()
        covered_figs: set[str] = set()
        chosen: list[int] = []
        taken: set[int] = set()
        newly_terms: list[set[str]] = []  # what each pick covered first, in pick order
        newly_figs: list[AbstractSet[str]] = []
        used = 0
        items = 0  # list items chosen
        total = 0.0

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
                terms |= term_sets[i]
                figs.update(f for f, _ in figures[i])
            return g

        def take(unit: list[int]) -> None:
            nonlocal used, items
            for i in unit:
                chosen.append(i)
                taken.add(i)
                used += costs[i]
                items += list_items[i]
                terms = term_sets[i]
                newly_terms.append(terms - covered_terms)
                covered_terms.update(terms)
                if figures[i]:
                    fresh = {f for f, _ in figures[i] if f not in covered_figs}
                    newly_figs.append(fresh)
                    covered_figs.update(fresh)
                else:
                    newly_figs.append(_NOTHING)

        def repeats(unit: list[int]) -> bool:
            """A part of ``unit`` mostly says what is chosen or what comes before it."""
            for m, k in enumerate(unit):
                terms = term_sets[k]
                if not terms:
                    continue  # overlap() is 0.0 for a sentence without terms
                size = len(terms)
                # overlap(terms, said) > REDUNDANT_OVERLAP, inlined (0.0 when said is empty)
                for j in chosen:
                    said = term_sets[j]
                    if said and len(terms & said) / size > REDUNDANT_OVERLAP:
                        return True
                for j in unit[:m]:
                    said = term_sets[j]
                    if said and len(terms & said) / size > REDUNDANT_OVERLAP:
                        return True
            return False

        def changed(unit: Iterable[int], since: int) -> bool:
            """Whether a pick from ``chosen[since]`` on covered a term or figure of ``unit``."""
            for k in range(since, len(chosen)):
                new_terms, new_figs = newly_terms[k], newly_figs[k]
                for i in unit:
                    if new_terms and not new_terms.isdisjoint(term_sets[i]):
                        return True
                    if new_figs and figures[i] and any(f in new_figs for f, _ in figures[i]):
                        return True
            return False

        def fits(unit: list[int], cost: int) -> bool:
            """Whether ``unit`` (of ``cost``) fits: within the budget, saying something
            new and holding no list item too many."""
            return not (
                used + cost > budget
                or repeats(unit)
                or items + sum(map(list_items.__getitem__, unit)) > MAX_LIST_ITEMS
            )

        if seed is not None:
            total += gain([seed])
            take([seed])
        if not bounded:
            # Every unit re-scored every round, in document order (strict ``>``: the
            # earliest of equal scores, and a NaN score as the old loop met it).
            while len(chosen) < max_sentences:
                best: tuple[float, list[int], float] | None = None
                for i in range(n):
                    if i in taken or need[i] == ():
                        continue
                    unit = unit_of(i, taken)
                    if unit is None:
                        continue
                    cost = sum(map(costs.__getitem__, unit))
                    if not fits(unit, cost) or len(chosen) + len(unit) > max_sentences:
                        continue
                    g = gain(unit)
                    score = g / cost**COST_EXPONENT
                    if best is None or score > best[0]:
                        best = (score, unit, g)
                if best is None or best[0] <= 0.0:
                    break
                total += best[2]
                take(best[1])
            return chosen, total

        # Sentences standing alone (shown, within the budget) in a heap by kept score
        # then position: (-score, index, len(chosen) when scored and checked, gain).  A
        # score is exact when scored; it stays exact until a pick covers one of the
        # sentence's terms or figures, and is an upper bound after.
        heap = [
            (-(g / costs[i] ** COST_EXPONENT), i, 0, g)
            for i in range(n)
            if need[i] is None and quality[i] > 0.0 and costs[i] <= budget
            for g in (0.0 + alone[i],)
        ]
        heapify(heap)
        dependent = [i for i in range(n) if need[i]]
        # dependent -> (its unit, cost**COST_EXPONENT, score, gain, len(chosen) when
        # scored or -1 (the score is an upper bound only), cost)
        kept: dict[int, tuple[tuple[int, ...], float, float, float, int, int]] = {}
        while len(chosen) < max_sentences:
            now = len(chosen)
            best_score: float | None = None
            best_i = -1
            best_unit: list[int] = []
            best_g = 0.0
            # The best sentence standing alone: the top of the heap once it is alive
            # and its score exact.
            while heap:
                key, i, when, g = heap[0]
                if i in taken or used + costs[i] > budget or items + list_items[i] > MAX_LIST_ITEMS:
                    heappop(heap)  # each check only gets worse as more is chosen
                    continue
                if when < now:
                    # Against each pick since it was checked and scored: does it mostly
                    # say what the pick said (overlap() > REDUNDANT_OVERLAP, inlined),
                    # and did the pick cover one of its terms or figures first?
                    terms, figs = term_sets[i], figures[i]
                    size = len(terms)
                    state = _KEPT
                    for k in range(when, now):
                        said = term_sets[chosen[k]]
                        if size and said and len(terms & said) / size > REDUNDANT_OVERLAP:
                            state = _SAID
                            break
                        if state == _KEPT and (
                            not newly_terms[k].isdisjoint(terms)
                            or (figs and newly_figs[k] and any(f in newly_figs[k] for f, _ in figs))
                        ):
                            state = _STALE
                    if state == _SAID:
                        heappop(heap)  # it only gets worse as more is chosen
                        continue
                    if state == _STALE:
                        g = gain([i])
                        heapreplace(heap, (-(g / costs[i] ** COST_EXPONENT), i, now, g))
                        continue
                    heap[0] = (key, i, now, g)
                best_score, best_i, best_unit, best_g = -key, i, [i], g
                break
            # Dependent units: checked every round (a unit shrinks as what it needs is
            # chosen), scored when their bound may win.
            deferred: list[int] = []
            short = now + 2 > max_sentences  # room for units of one sentence only
            for i in dependent:
                if i in taken or (short and taken.isdisjoint(need[i])):  # type: ignore[arg-type]
                    continue  # (what it needs is not chosen: its unit has two or more)
                unit = unit_of(i, taken)
                if unit is None or len(chosen) + len(unit) > max_sentences:
                    continue
                unit_key = tuple(unit)
                entry = kept.get(i)
                if entry is None or entry[0] != unit_key:
                    # A bound to start from: each part's value alone, which what is
                    # covered (and the parts before it) can only lower.
                    cost = sum(map(costs.__getitem__, unit))
                    g = 0.0
                    for k in unit:
                        g += alone[k]
                    denom = cost**COST_EXPONENT
                    entry = kept[i] = (unit_key, denom, g / denom, g, -1, cost)
                score = entry[2]  # exact, or a bound on the exact score
                if best_score is not None and (
                    score < best_score or (score == best_score and i > best_i)
                ):
                    continue  # it cannot win this round, whether it fits or not
                if not fits(unit, entry[5]):
                    continue
                when = entry[4]
                if 0 <= when < now:
                    when = -1 if changed(unit, when) else now
                    entry = kept[i] = (*entry[:4], when, entry[5])
                if when < 0:
                    deferred.append(i)
                    continue
                best_score, best_i, best_unit, best_g = score, i, unit, entry[3]
            if deferred:
                # Highest bound first; a bound is at least the fresh score, so once it
                # is below the best (or equal, later in the text) none can win.
                deferred.sort(key=lambda k: (-kept[k][2], k))
                for i in deferred:
                    unit_key, denom, bound, _, _, cost = kept[i]
                    if best_score is not None and (
                        bound < best_score or (bound == best_score and i > best_i)
                    ):
                        break
                    g = gain(list(unit_key))
                    score = g / denom
                    kept[i] = (unit_key, denom, score, g, now, cost)
                    if (
                        best_score is None
                        or score > best_score
                        or (score == best_score and i < best_i)
                    ):
                        best_score, best_i, best_unit, best_g = score, i, list(unit_key), g
            if best_score is None or best_score <= 0.0:
                break
            total += best_g
            take(best_unit)
        return chosen, total

    chosen, value = greedy()
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
            seed = max(calls, key=lambda i: alone[i] / costs[i] ** COST_EXPONENT)
            chosen, value = greedy(seed)
    # One longer sentence alone is allowed when it says more than the budgeted set: a
    # news report's lead, or when the budgeted set holds no figure or call an investor
    # reads for.  Elsewhere an over-long sentence is run-on context (…，…，…) whose many
    # terms outweigh the short sentence that states the call or the figure.
    standalone = [i for i in range(len(candidates)) if need[i] is None]
    if not standalone:
        return []
    single = max(standalone, key=alone.__getitem__)
    if quality[single] <= 0.0:
        return []  # nothing but fragments, lead-ins, sign-offs or meta sentences: no digest
    if not chosen or (
        costs[single] > budget
        and alone[single] > LONG_SINGLE_MARGIN * value
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
    out: list[tuple[int, ...] | None] = [None] * len(candidates)
    pointing = [i for i, p in enumerate(info) if p.anaphor or p.item]
    if not pointing:
        return out
    where = {(s.section, s.index): i for i, s in enumerate(candidates)}
    for i in pointing:
        s = candidates[i]
        if headed and s.index == 0:
            continue  # the heading above it is its context
        out[i] = _referents(s, where, info) if info[i].anaphor else _previous_item(s, where, info)
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
_NO_FIGURES: list[tuple[str, float]] = []
_NOTHING: frozenset[str] = frozenset()
_KEPT, _STALE, _SAID = 0, 1, 2  # a kept score against the picks since: exact, a bound, moot
_second = itemgetter(1)


def _figure_unit(weights: dict[str, float], ordered: list[float] | None = None) -> float:
    """A figure with a unit is worth about as much as one of the section's top terms.

    ``ordered``: the weights already sorted heaviest first, when the caller has them."""
    top = (sorted(weights.values(), reverse=True) if ordered is None else ordered)[:8]
    return FIGURE_FACTOR * (sum(top) / len(top)) if top else 1.0
