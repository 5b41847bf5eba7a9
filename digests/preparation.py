"""Each candidate sentence's shown text and quality, before any is chosen.

Every sentence of an article is prepared once (:func:`prepare`): a leading connective
trimmed when what remains stands alone, fragments, boilerplate, sign-offs and remarks
about the article itself given quality 0, and the rest weighed by what investors read
for (claims, the writer's stance, result and guidance figures, a named company).  The
flags it sets (lead, list item, call, view, pointing back, aside) are what
:mod:`digests.selection` chooses by; :mod:`digests.summarize` runs both.
"""

from __future__ import annotations

from collections.abc import Iterable

from digests import regexcache
from digests.analysis import Sentence
from digests.companies import CompanyDirectory
from digests.fragments import is_fragment
from digests.regexguard import grouped, starts
from digests.salience import (
    has_dateline,
    investor_factor,
    investor_figures,
    is_anaphoric,
    is_aside,
    is_call,
    is_item,
    is_list_item,
    is_meta,
    is_news_lead,
    is_sign_off,
    is_thesis,
    opens_steps,
    reference_year,
)
from digests.selection import Prepared
from digests.sources.boilerplate import is_boilerplate
from digests.tickers import PAREN_TICKER

_CONNECTIVE_RE = regexcache.compile(
    r"^(?:然而|此外|另外|首先|其次|再者|最後|最后|同時|同时|因此|所以|不過|不过|而且|並且|并且|"
    r"換句話說|换句话说|事實上|事实上|值得注意的是|整體而言|整体而言|簡言之|简言之|總結而言|总结而言|"
    r"總而言之|总而言之|總的來說|总的来说|綜上所述|综上所述|與此同時|与此同时|另一方面|更重要的是|"
    r"具體來說|具体来说|換言之|换言之|接著|接着|當然|当然|其實|其实|尤其是|特別是|特别是|例如|比如|"
    r"也因此|因而|但是|可是)"
    r"[,，、:：]?\s*"
)
_CLAIM_RE = regexcache.compile(
    r"預估|预估|預計|预计|預期|预期|估計|估计|達到|达到|成長|成长|增長|增长|下滑|衰退|佔|占|"
    r"意味|顯示|显示|關鍵|关键|核心|主因|導致|导致|帶動|带动|規模|规模|市佔|市占|龍頭|龙头|"
    r"第一|最大|最高|突破|翻倍|倍增"
)

# Where an analyst states the point of a passage: these sentences carry the key claim
# even when they hold no figure.
_STANCE_RE = regexcache.compile(
    r"我們認為|我们认为|我們的看法|我们的看法|我們估計|我们估计|我們判斷|我们判断|筆者認為|笔者认为|"
    r"換言之|换言之|換句話說|换句话说|也就是說|也就是说|真正的|關鍵在於|关键在于|核心在於|核心在于|"
    r"意味著|意味着|其實|其实|事實上|事实上|本質上|本质上|最直接|最重要|最大的|說明了|说明了|"
    r"代表著|代表着|顯示出|显示出|由此可見|由此可见|歸根究柢|归根结底|更重要的是|重點在於|重点在于"
)
_CONNECTIVE_STARTS = starts(_CONNECTIVE_RE)
"""The first characters of the connectives (然、此、另…): a sentence opening otherwise
keeps its text without trying the pattern."""
_CLAIM_ANY = grouped(_CLAIM_RE)
_STANCE_ANY = grouped(_STANCE_RE)
"""Both rules' words grouped by first character: the same texts match (regexguard)."""
STANCE_BOOST = 2.0
SALIENT_FACTOR = 1.2
"""An investor factor above this means a result/guidance figure or the writer's call."""


def trim_connective(sentence: str) -> str:
    """Drop a leading connective (然而、此外…) that makes no sense out of context.

    Only when what remains is itself a whole sentence: 其實是「工業味精」。 must not
    become 是「工業味精」。, and 此外，也… must not become 也….
    """
    if _CONNECTIVE_STARTS is not None and sentence[:1] not in _CONNECTIVE_STARTS:
        return sentence  # most sentences open with no connective
    match = _CONNECTIVE_RE.match(sentence)  # the pattern is anchored at the start
    if match is None:
        return sentence
    trimmed = sentence[match.end() :]
    if len(trimmed) < MIN_TRIMMED or is_fragment(trimmed):
        return sentence
    return trimmed


MIN_TRIMMED = 8


def prepare(
    sentences: Iterable[Sentence],
    directory: CompanyDirectory | None = None,
    named: set[tuple[int, str]] | None = None,
) -> dict[int, Prepared]:
    """Shown text and quality of each sentence (fragments get quality 0).

    ``named`` holds the (section, sentence) pairs in which :func:`find_mentions` found a
    company (any script, English names included); without it a sentence names a company
    when one of its tokens is a known alias or it carries a ticker.

    A fragment's quality is 0 whatever multiplies it and it is never salient, a call, a
    view or a lead, so the rules that only feed those (claim, stance, investor factor,
    call) are skipped for it.
    """
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
            stance = False
            company = None  # asked below only if a pointing sentence needs it
            factor = 0.0
        else:
            q = 1.0
            if text.endswith(("?", "\uff1f")):
                q *= 0.55  # rhetorical questions rarely carry the facts
            if len(text) < 12:
                q *= 0.4
            if _CLAIM_ANY.search(text):
                q *= 1.15
            stance = _STANCE_ANY.search(s.text) is not None
            if stance:
                q *= STANCE_BOOST
            company = _company(s, text, directory, named)
            factor = investor_factor(
                text,
                s.figures,
                company,
                stance,
                present,
                thesis=thesis,
                list_item=list_item,
            )
            q *= factor
        # 其次，… is an item though 其次 is trimmed for showing, when 首先 opened the list
        marked = is_item(s.text, s.section in stepped)
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
        # Pointing back, unless the sentence has its own subject (a company or a figure)
        # and opens softly (is_anaphoric); a fragment's subject is worked out only then.
        anaphor = is_anaphoric(text)
        if anaphor:
            if company is None:
                company = _company(s, text, directory, named)
            anaphor = is_anaphoric(text, company or bool(investor_figures(s.figures)))
        prepared[id(s)] = Prepared(
            text,
            q,
            frozenset(s.terms),
            lead,
            list_item,
            reported,
            not fragment and (stance or factor > SALIENT_FACTOR),
            # every call is a view (THESIS_RE holds CALL_PATTERN): asked of views only
            not fragment and thesis and is_call(text),
            not fragment and thesis,
            anaphor,
            marked,
            is_aside(text),
        )
    return prepared


def _company(
    s: Sentence,
    text: str,
    directory: CompanyDirectory | None,
    named: set[tuple[int, str]] | None,
) -> bool:
    """Whether sentence ``s`` (shown as ``text``) names a company: :func:`find_mentions`
    found one in it (``named``) or, without ``named``, a known alias; or a ticker stands
    in it."""
    if named is not None:
        return (s.section, s.text) in named or (
            # every ticker match opens with a bracket: most sentences hold neither
            ("(" in text or "（" in text) and PAREN_TICKER.search(text) is not None
        )
    return _names_company(text, s.terms, directory)


def _names_company(text: str, terms: dict[str, int], directory: CompanyDirectory | None) -> bool:
    if PAREN_TICKER.search(text):  # (2330), (2454-TW), (NASDAQ: NVDA)
        return True
    if directory is None:
        return False
    aliases, ambiguous, weak = directory.by_alias, directory.ambiguous, directory.weak
    return any(t in aliases and t not in ambiguous and t not in weak for t in terms)
