"""prepare() decides every sentence exactly as it did before its shortcuts (issue 13).

The rules it asks are skipped where their answer cannot matter (a fragment's quality is
0 whatever multiplies it; a sentence that does not point back needs no subject) and a few
are asked together (an item mark and a later step share one match).  The prepare below is
the one those shortcuts replaced, frozen; both run on every article of the page-dump
fixtures, with the mentions ingest passes and without (the directory's aliases).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from digests.analysis import Sentence, analyze
from digests.companies import CompanyDirectory
from digests.fragments import is_fragment
from digests.lexicon import default_lexicon
from digests.mentions import find_mentions
from digests.models import Article, Section
from digests.preparation import (
    _CLAIM_RE,
    _STANCE_RE,
    SALIENT_FACTOR,
    STANCE_BOOST,
    _names_company,
    prepare,
    trim_connective,
)
from digests.salience import (
    has_dateline,
    investor_factor,
    investor_figures,
    is_anaphoric,
    is_aside,
    is_call,
    is_later_step,
    is_list_item,
    is_marked_item,
    is_meta,
    is_news_lead,
    is_sign_off,
    is_thesis,
    opens_steps,
    reference_year,
)
from digests.selection import Prepared
from digests.sources.boilerplate import is_boilerplate
from digests.sources.pagedump import parse_page_dump
from digests.tickers import PAREN_TICKER
from tests.conftest import ROOT
from tests.test_salience_prefilters import TEXTS


def _old_prepare(
    sentences: Iterable[Sentence],
    directory: CompanyDirectory | None = None,
    named: set[tuple[int, str]] | None = None,
) -> dict[int, Prepared]:
    sentences = list(sentences)
    present = reference_year([s.text for s in sentences])
    prepared = {}
    position: dict[int, int] = {}  # whole sentences seen so far, per section
    led: set[int] = set()  # sections whose news lead is found
    stepped: set[int] = set()  # sections with a list told in prose (首先，…)
    for s in sentences:
        text = trim_connective(s.text)
        # Asked once here, though several rules read them.
        thesis = is_thesis(text)
        list_item = is_list_item(text)
        q = 1.0
        # A lead-in, a label or a stub, a promotion/disclaimer left inside a paragraph
        # (the readers drop whole lines only), or a sentence about the article itself
        # (這篇就用三個角度來拆解): never shown, and no section's first sentence.
        # trim_connective keeps a cut sentence only when it is no fragment.
        fragment = (
            (text == s.text and is_fragment(text))
            or is_boilerplate(text)
            or is_sign_off(text)
            or is_meta(text, thesis)
        )
        if fragment:
            q = 0.0
        if text.endswith(("?", "\uff1f")):
            q *= 0.55  # rhetorical questions rarely carry the facts
        if len(text) < 12:
            q *= 0.4
        if _CLAIM_RE.search(text):
            q *= 1.15
        stance = bool(_STANCE_RE.search(s.text))
        if stance:
            q *= STANCE_BOOST
        company = (
            (s.section, s.text) in named
            if named is not None
            else _names_company(text, s.terms, directory)
        ) or bool(PAREN_TICKER.search(text))
        factor = investor_factor(
            text, s.figures, company, stance, present, thesis=thesis, list_item=list_item
        )
        q *= factor
        # 其次，… is an item though 其次 is trimmed for showing, when 首先 opened the list
        marked = is_marked_item(s.text) and (not is_later_step(s.text) or s.section in stepped)
        if opens_steps(s.text):
            stepped.add(s.section)
        lead = reported = False
        if not fragment:
            k = position.get(s.section, 0)
            position[s.section] = k + 1
            if s.section not in led and k < 2:
                # The first whole sentence leads; a dateline (今(10)日…) marks the
                # news lead after one sentence of scene-setting too.
                lead = is_news_lead(text, s.figures, company) if k == 0 else has_dateline(text)
                if lead:
                    led.add(s.section)
                    reported = company or has_dateline(text)
        prepared[id(s)] = Prepared(
            text,
            q,
            frozenset(s.terms),
            lead,
            list_item,
            reported,
            not fragment and (stance or factor > SALIENT_FACTOR),
            not fragment and is_call(text),
            not fragment and thesis,
            # the subject only matters to a sentence that points back at all
            is_anaphoric(text) and is_anaphoric(text, company or bool(investor_figures(s.figures))),
            marked,
            is_aside(text),
        )
    return prepared


def _articles() -> list[Article]:
    """The fixtures' page dumps as the reader splits them, and each fixture file as one
    article of paragraphs (lists, tables, bylines and headings left in)."""
    found = []
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found += parse_page_dump(text, path.stem)
        paragraphs = tuple(p for p in text.split("\n") if p.strip())
        for start in range(0, len(paragraphs), 40):
            found.append(
                Article(
                    title=path.stem,
                    sections=(Section("", paragraphs[start : start + 40]),),
                    source=path.stem,
                    source_kind="text",
                )
            )
    # the rule tests' texts: fixture sentences and pieces of them cut at random
    for start in range(0, len(TEXTS), 30):
        chunk = tuple(t for t in TEXTS[start : start + 30] if t.strip())
        found.append(Article("", (Section("", chunk),), "cut", "text"))
    return found


@pytest.mark.parametrize("with_mentions", [True, False])
def test_prepare_decides_as_before(with_mentions: bool) -> None:
    directory = default_lexicon().directory
    compared = 0
    for article in _articles():
        analysis = analyze(article)
        sentences = analysis.all_sentences()
        named = None
        if with_mentions:
            named = {(m.section, m.sentence) for m in find_mentions(analysis, directory)}
        new = prepare(sentences, directory, named)
        old = _old_prepare(sentences, directory, named)
        assert [new[id(s)] for s in sentences] == [old[id(s)] for s in sentences]
        compared += len(sentences)
    assert compared > 10000
