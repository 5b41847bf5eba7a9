"""The sentence rules' shortcuts decide exactly as the plain rules do (issue 13).

:func:`digests.preparation.prepare` asks a dozen rules of every sentence, so they skip work:
a literal every match needs is looked for first (:func:`digests.regexguard.needs`), a rule
anchored at the start is matched, not searched, values several rules read are computed
once, :func:`digests.fragments.is_fragment` stops at its first reason.  Each shortcut is
compared here with the rule as it was written before, on the sentences of the test
fixtures and on pieces of them cut at random (starts, ends, line breaks, brackets).
"""

from __future__ import annotations

import random
import re

import pytest

from digests import figures, fragments, preparation, salience
from digests.textproc import split_sentences
from tests.conftest import ROOT


def _texts() -> list[str]:
    found: set[str] = set()
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n"):
            found.add(para)
            found.update(para[a:b] for a, b in split_sentences(para))
    rng = random.Random(13)
    whole = sorted(found)
    cut: set[str] = set()
    for text in whole:
        n = len(text)
        cut.update((text[2:], text[:-2], text.strip(), " " + text))
        if n > 4:
            a = rng.randrange(n)
            cut.add(text[a:])
            cut.add(text[:a] + "\n" + text[a:])
            cut.add(text[:a] + rng.choice("「」（）()：，；。\n") + text[a:])
        cut.add(rng.choice(whole) + "\n" + text)
    return sorted(found | cut)


TEXTS = _texts()


def test_enough_texts() -> None:
    assert len(TEXTS) > 5000


# --- the rules as written before the shortcuts -------------------------------------------


def _balanced(text: str) -> bool:
    openers = {pair[0]: pair[1] for pair in fragments._PAIRS}
    closers = {pair[1] for pair in fragments._PAIRS}
    stack: list[str] = []
    for ch in text:
        if ch in openers:
            stack.append(openers[ch])
        elif ch in closers:
            if not stack or stack[-1] != ch:
                return False
            stack.pop()
    return not stack


def _is_list_item(text: str) -> bool:
    if salience._LIST_ITEM_RE.search(text):
        return True
    head, colon, _ = text.partition("：")
    return bool(colon) and len(head) <= 12 and not text.endswith(salience._FINAL_PUNCT)


def _is_platitude(text: str) -> bool:
    return len(text) <= salience.PLATITUDE_MAX and bool(salience._PLATITUDE_RE.search(text))


def _is_meta(text: str) -> bool:
    lines = [line for line in text.strip().split("\n") if line.strip()]
    if len(lines) > 1:
        return all(_is_meta(line) for line in lines)
    head = text.split("\n", 1)[0]
    if re.search(r"\d", head) or salience.is_thesis(head):
        return False
    if len(head) > salience.META_MAX and not salience._SELF_RE.match(head):
        return False
    return bool(salience._META_RE.search(head)) or _is_platitude(head)


def _is_history(text: str, present: int | None = None) -> bool:
    if salience._HISTORY_RE.search(text):
        return True
    match = salience._YEAR_OPENING_RE.search(text)
    if not match or salience._FORWARD_RE.search(text):
        return False
    year = int(match.group(1))
    return (present is not None and year < present) or bool(salience._PAST_RE.search(text))


def _reference_year(texts: list[str]) -> int | None:
    years = [
        int(y)
        for t in texts
        if not salience._FORWARD_RE.search(t)
        for y in salience._YEAR_RE.findall(t)
    ]
    return max(years) if years else None


def _trim_connective(sentence: str) -> str:
    trimmed = preparation._CONNECTIVE_RE.sub("", sentence, count=1)
    if (
        trimmed == sentence
        or len(trimmed) < preparation.MIN_TRIMMED
        or fragments.is_fragment(trimmed)
    ):
        return sentence
    return trimmed


_OLD_FIGURE_RE = re.compile(
    rf"(?:約|约|逾|超過|超过|近|達|达|高達|高达|僅|仅|突破|不到|超|將近|将近)?"
    rf"(?:US\$|NT\$|\$|¥|€)?{figures._NUM}\s*(?:[{figures._MAGNITUDE}]+)?\s*"
    rf"(?:{figures._VALUE_UNITS})?"
)


# --- the comparisons -----------------------------------------------------------------------


def test_fragment_checks() -> None:
    for text in TEXTS:
        assert fragments.balanced(text) == _balanced(text), text
        words = len(fragments._WORD_CHAR_RE.findall(text))
        assert fragments._word_chars(text) == words, text
        assert bool(fragments._SIX_WORD_CHARS.match(text)) == (words >= 6), text
        assert fragments.punctuated(text) == bool(fragments._ROW_PUNCT_RE.search(text)), text
        assert fragments.is_fragment(text) == bool(fragments.fragment_reasons(text)), text


def test_trimmed_connective() -> None:
    assert preparation._CONNECTIVE_STARTS  # read from the pattern: the shortcut is on
    for text in TEXTS:
        assert preparation.trim_connective(text) == _trim_connective(text), text
    assert (
        preparation.trim_connective("此外，台積電第三季營收年增三成。")
        == "台積電第三季營收年增三成。"
    )


@pytest.mark.parametrize(
    ("rule", "plain"),
    [
        (salience.is_sign_off, lambda t: bool(salience._SIGN_OFF_RE.search(t))),
        (salience.is_call, lambda t: bool(salience.CALL_RE.search(t))),
        (salience.is_thesis, lambda t: bool(salience.THESIS_RE.search(t))),
        (salience.has_dateline, lambda t: bool(salience._DATELINE_RE.search(t))),
        (salience.opens_steps, lambda t: bool(salience._OPENS_STEPS_RE.search(t))),
        (
            salience.is_marked_item,
            lambda t: (
                salience.is_later_step(t)
                or (bool(salience._MARKED_ITEM_RE.match(t)) and not re.search(r"[:：]\s*\n", t))
            ),
        ),
        (salience.is_list_item, _is_list_item),
        (salience.is_aside, lambda t: bool(salience._ASIDE_RE.match(t))),
        (
            lambda t: salience.is_item(t, False),
            lambda t: salience.is_marked_item(t) and not salience.is_later_step(t),
        ),
        (lambda t: salience.is_item(t, True), salience.is_marked_item),
        (salience.is_platitude, _is_platitude),
        (salience.is_meta, _is_meta),
        (salience.is_history, _is_history),
        (lambda t: salience.is_history(t, 2025), lambda t: _is_history(t, 2025)),
    ],
)
def test_sentence_rules(rule, plain) -> None:
    for text in TEXTS:
        assert rule(text) == plain(text), text


def test_values_given_by_the_caller() -> None:
    for text in TEXTS:
        thesis, item = salience.is_thesis(text), salience.is_list_item(text)
        assert salience.is_meta(text, thesis) == salience.is_meta(text)
        figs = figures.find_figures(text)
        for company in (False, True):
            assert salience.investor_factor(
                text, figs, company, False, 2024, thesis=thesis, list_item=item
            ) == salience.investor_factor(text, figs, company, False, 2024)
        # prepare asks the subject only of a sentence that points back
        for subject in (False, True):
            assert salience.is_anaphoric(text, subject) == (
                salience.is_anaphoric(text) and salience.is_anaphoric(text, subject)
            )


def test_reference_year() -> None:
    for i in range(0, len(TEXTS), 40):
        chunk = TEXTS[i : i + 40]
        assert salience.reference_year(chunk) == _reference_year(chunk)


def test_figures() -> None:
    for text in TEXTS:
        new = [m.span() for m in figures.FIGURE_RE.finditer(text)]
        assert new == [m.span() for m in _OLD_FIGURE_RE.finditer(text)], text


def _table_rows(lines: list[str]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    header: list[str] | None = None
    for index, line in enumerate(lines):
        if fragments.is_table_row(line):
            labelled = figures.label_row(header, fragments.table_cells(line)) if header else None
            if labelled:
                found.append((index, labelled))
        else:
            header = fragments.table_cells(line) if fragments.is_table_header(line) else None
    return found


def test_table_rows() -> None:
    tables = [
        "公司 代號 營收(億元) 年增率\n欣興 3037 1,248 9.6%\n南電 8046 512 -3.2%",
        "2024 2025F 2026F\n營收 5,120 6,120 7,050\nEPS(元) 8.1 9.4 11.2",
        "各家財測如下：\n公司 代號 營收(億元) 年增率\n欣興 3037 1,248 9.6%。",
    ]
    texts = tables + [t for t in TEXTS if "\n" in t]
    assert any(figures.table_rows(t.split("\n")) for t in tables)
    for text in texts:
        lines = text.split("\n")
        assert figures.table_rows(lines) == _table_rows(lines), text


def test_every_call_is_a_view() -> None:
    """prepare asks is_call only of views: THESIS_RE holds CALL_PATTERN as an alternative,
    so a text a call matches is matched by the view rule too."""
    from tests.test_regexguard import _matching_samples

    assert salience.THESIS_RE.pattern.endswith("|" + salience.CALL_PATTERN + ")")
    calls = _matching_samples(salience.CALL_RE, 500, 11)
    assert len(calls) > 300
    for text in TEXTS + calls:
        if salience.is_call(text):
            assert salience.is_thesis(text), text


def _old_investor_factor(
    text: str,
    figures: list,
    company: bool,
    stance: bool = False,
    present: int | None = None,
    *,
    thesis: bool | None = None,
    list_item: bool | None = None,
) -> float:
    """investor_factor as it was before its shortcuts (issue 13)."""
    value = bool(salience.investor_figures(figures)) or bool(
        salience._INDEX_POINTS_NEEDS.search(text) and salience._INDEX_POINTS_RE.search(text)
    )
    kinds = sum(1 for pattern in salience._CATEGORIES if pattern.search(text))
    if thesis is None:
        thesis = salience.is_thesis(text)
    if list_item is None:
        list_item = salience.is_list_item(text)
    factor = 1.0
    if value and kinds:
        factor *= 1.0 + salience.FIGURE_STEP * min(kinds, 2)
    elif kinds:
        factor *= salience.TERM_ONLY
    if value and company:
        factor *= salience.COMPANY_FIGURE
    if company:
        factor *= salience.COMPANY_NAMED
    if thesis and not stance:
        factor *= salience.THESIS_BOOST
    if not (value or kinds or company or thesis or stance):
        factor *= salience.FRAMING  # no figure, no subject, no call: context, not the point
    if list_item:
        factor *= salience.LIST_ITEM
    if salience.is_history(text, present) and not thesis:
        factor *= salience.HISTORY
    if salience.is_global_colour(text) and not thesis:
        factor *= salience.GLOBAL_COLOUR
    if value and (salience.is_flow(text) or salience.is_index_move(text)):
        factor *= salience.FLOW
    if salience.is_management_outlook(text):
        factor *= salience.MANAGEMENT_OUTLOOK
    return factor


def test_investor_factor() -> None:
    """The rare categories' and world markets' words are looked for in one scan first."""
    from tests.test_regexguard import _matching_samples

    texts = list(TEXTS)
    for k, rule in enumerate((*salience._CATEGORIES, salience._GLOBAL_RE)):
        texts += _matching_samples(rule, 100, 40 + k)
    rare = (salience._RESULTS_RE, salience._VALUATION_RE, salience._MOVES_RE, salience._GLOBAL_RE)
    for text in texts:
        if any(rule.search(text) for rule in rare):
            assert salience._RARE_ANY.search(text), text
        figs = figures.find_figures(text)
        thesis = salience.is_thesis(text)
        for company, stance, present in (
            (False, False, None),
            (True, False, 2024),
            (False, True, 2026),
        ):
            assert salience.investor_factor(
                text, figs, company, stance, present, thesis=thesis
            ) == _old_investor_factor(text, figs, company, stance, present, thesis=thesis), text
