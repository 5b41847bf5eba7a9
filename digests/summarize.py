"""Extractive digests: pick whole sentences that cover the most facts per character.

Selection is a budgeted maximum-coverage problem.  A set of sentences is worth the
TF-IDF weight of the distinct terms it mentions plus the weight of the distinct
figures it carries; adding a sentence that repeats covered terms gains little, so
redundancy is avoided by construction.  Greedy selection by gain per character,
then restored to document order, is the classic (1 - 1/e)-approximate answer.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digests.aliases import learn_aliases
from digests.analysis import ArticleAnalysis, Sentence, analyze, tf_idf
from digests.companies import Company, CompanyDirectory, LearnedAlias
from digests.fragments import is_fragment
from digests.lexicon import Lexicon, default_lexicon
from digests.mentions import find_mentions
from digests.models import Article, DigestedArticle, Section, SectionDigest, TopicScore
from digests.salience import (
    LEAD_PRIOR,
    TICKER_RE,
    has_dateline,
    investor_factor,
    is_call,
    is_list_item,
    is_meta,
    is_news_lead,
    is_sign_off,
    is_thesis,
    reference_year,
)
from digests.sources.boilerplate import is_boilerplate

SECTION_BUDGET = 160
SUMMARY_BUDGET = 240
MAX_SENTENCES = 3

_CONNECTIVE_RE = re.compile(
    r"^(?:然而|此外|另外|首先|其次|再者|最後|最后|同時|同时|因此|所以|不過|不过|而且|並且|并且|"
    r"換句話說|换句话说|事實上|事实上|值得注意的是|整體而言|整体而言|簡言之|简言之|總結而言|总结而言|"
    r"總而言之|总而言之|總的來說|总的来说|綜上所述|综上所述|與此同時|与此同时|另一方面|更重要的是|"
    r"具體來說|具体来说|換言之|换言之|接著|接着|當然|当然|其實|其实|尤其是|特別是|特别是|例如|比如|"
    r"也因此|因而|但是|可是)"
    r"[,，、:：]?\s*"
)
_CLAIM_RE = re.compile(
    r"預估|预估|預計|预计|預期|预期|估計|估计|達到|达到|成長|成长|增長|增长|下滑|衰退|佔|占|"
    r"意味|顯示|显示|關鍵|关键|核心|主因|導致|导致|帶動|带动|規模|规模|市佔|市占|龍頭|龙头|"
    r"第一|最大|最高|突破|翻倍|倍增"
)

# Where an analyst states the point of a passage: these sentences carry the key claim
# even when they hold no figure.
_STANCE_RE = re.compile(
    r"我們認為|我们认为|我們的看法|我们的看法|我們估計|我们估计|我們判斷|我们判断|筆者認為|笔者认为|"
    r"換言之|换言之|換句話說|换句话说|也就是說|也就是说|真正的|關鍵在於|关键在于|核心在於|核心在于|"
    r"意味著|意味着|其實|其实|事實上|事实上|本質上|本质上|最直接|最重要|最大的|說明了|说明了|"
    r"代表著|代表着|顯示出|显示出|由此可見|由此可见|歸根究柢|归根结底|更重要的是|重點在於|重点在于"
)
STANCE_BOOST = 2.0
COST_EXPONENT = 0.8
"""Below 1, longer sentences are favoured a little: they carry whole claims."""
FIGURE_FACTOR = 4.0
REDUNDANT_OVERLAP = 0.6
LONG_SINGLE_MARGIN = 1.25
SALIENT_FACTOR = 1.2
"""An investor factor above this means a result/guidance figure or the writer's call."""
MAX_LIST_ITEMS = 2
"""Items of one list are parallel details: two show what the list holds and leave
room for the sentence that draws its conclusion (首選…)."""


def trim_connective(sentence: str) -> str:
    """Drop a leading connective (然而、此外…) that makes no sense out of context.

    Only when what remains is itself a whole sentence: 其實是「工業味精」。 must not
    become 是「工業味精」。, and 此外，也… must not become 也….
    """
    trimmed = _CONNECTIVE_RE.sub("", sentence, count=1)
    if trimmed == sentence or len(trimmed) < MIN_TRIMMED or is_fragment(trimmed):
        return sentence
    return trimmed


MIN_TRIMMED = 8


@dataclass(frozen=True)
class Prepared:
    """Per-sentence facts that do not depend on the weighting, computed once per article."""

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


def prepare(
    sentences: Iterable[Sentence], directory: CompanyDirectory | None = None
) -> dict[int, Prepared]:
    """Shown text and quality of each sentence (fragments get quality 0)."""
    sentences = list(sentences)
    present = reference_year([s.text for s in sentences])
    prepared = {}
    position: dict[int, int] = {}  # whole sentences seen so far, per section
    led: set[int] = set()  # sections whose news lead is found
    for s in sentences:
        text = trim_connective(s.text)
        q = 1.0
        # A lead-in, a label or a stub, a promotion/disclaimer left inside a paragraph
        # (the readers drop whole lines only), or a sentence about the article itself
        # (這篇就用三個角度來拆解): never shown, and no section's first sentence.
        fragment = is_fragment(text) or is_boilerplate(text) or is_sign_off(text) or is_meta(text)
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
        company = _names_company(text, s.terms, directory)
        factor = investor_factor(text, s.figures, company, stance, present)
        q *= factor
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
            is_list_item(text),
            reported,
            not fragment and (stance or factor > SALIENT_FACTOR),
            not fragment and is_call(text),
            not fragment and is_thesis(text),
        )
    return prepared


def _names_company(text: str, terms: dict[str, int], directory: CompanyDirectory | None) -> bool:
    if TICKER_RE.search(text):
        return True
    if directory is None:
        return False
    aliases, doubtful = directory.by_alias, (directory.ambiguous, directory.weak)
    return any(t in aliases and not any(t in d for d in doubtful) for t in terms)


def lead_prior(candidates: Iterable[Sentence], prepared: dict[int, Prepared]) -> dict[int, float]:
    """Position counts where the style puts the news first: the news lead of each section."""
    return {id(s): LEAD_PRIOR for s in candidates if prepared[id(s)].lead}


def select_sentences(
    candidates: Sequence[Sentence],
    weights: dict[str, float],
    budget: int,
    max_sentences: int = MAX_SENTENCES,
    prior: dict[int, float] | None = None,
    prepared: dict[int, Prepared] | None = None,
    call_first: bool = False,
) -> list[Sentence]:
    """Greedy budgeted coverage over ``candidates``; returns them in document order.

    ``call_first`` (section digests) starts from the writer's call when the passage has one.
    """
    if not candidates:
        return []
    prepared = prepared if prepared is not None else prepare(candidates)
    figure_unit = _figure_unit(weights)
    prior = prior or {}
    info = [prepared[id(s)] for s in candidates]
    quality = [p.quality * prior.get(id(s), 1.0) for s, p in zip(candidates, info, strict=True)]
    costs = [len(p.text) for p in info]
    weighted = [[(t, weights[t]) for t in p.terms if t in weights] for p in info]

    def alone(i: int) -> float:
        value = sum(w for _, w in weighted[i])
        return (value + figure_unit * sum(f.weight for f in candidates[i].figures)) * quality[i]

    def greedy(exponent: float, seed: int | None = None) -> tuple[list[int], float]:
        """Lazy greedy (CELF) by gain / cost**exponent; returns picks and their value.

        (Plain gain, exponent 0, fills the budget with long sentences but keeps fewer
        marked facts on both evaluation sets, so it is not used.)

        Coverage gains only shrink as more is covered, so a stale score is an upper
        bound and only the top of the heap needs recomputing.
        """
        covered_terms: set[str] = set()
        covered_figs: set[str] = set()
        chosen: list[int] = []
        used = 0
        total = 0.0

        def gain(i: int) -> float:
            g = sum(w for t, w in weighted[i] if t not in covered_terms)
            g += figure_unit * sum(
                f.weight for f in candidates[i].figures if f.text not in covered_figs
            )
            return g * quality[i]

        if seed is not None:
            total += gain(seed)
            chosen.append(seed)
            used += costs[seed]
            covered_terms |= info[seed].terms
            covered_figs.update(f.text for f in candidates[seed].figures)

        heap = [(-gain(i) / costs[i] ** exponent, i, 0) for i in range(len(candidates))]
        heapq.heapify(heap)
        while heap and len(chosen) < max_sentences:
            neg, i, computed_at = heapq.heappop(heap)
            if (
                used + costs[i] > budget
                or any(_overlap(info[i].terms, info[j].terms) > REDUNDANT_OVERLAP for j in chosen)
                or (info[i].list_item and sum(info[j].list_item for j in chosen) >= MAX_LIST_ITEMS)
            ):
                continue  # over budget, saying the same thing or a third list item: never again
            if i in chosen:
                continue
            if computed_at != len(chosen):
                heapq.heappush(heap, (-gain(i) / costs[i] ** exponent, i, len(chosen)))
                continue
            if -neg <= 0.0:
                break
            total += gain(i)
            chosen.append(i)
            used += costs[i]
            covered_terms |= info[i].terms
            covered_figs.update(f.text for f in candidates[i].figures)
        return chosen, total

    chosen, value = greedy(COST_EXPONENT)
    if call_first and not any(info[i].view for i in chosen):
        # The writer's call is the point of a column's closing or valuation passage: when
        # the context sentences (history, valuation colour, risk lists) outweighed it and
        # no view of the writer's made the digest, the call goes in first and the context
        # competes for what is left.
        calls = [i for i in range(len(candidates)) if info[i].call and costs[i] <= budget]
        if calls:
            seed = max(calls, key=lambda i: alone(i) / costs[i] ** COST_EXPONENT)
            chosen, value = greedy(COST_EXPONENT, seed)
    # One longer sentence alone is allowed when it says more than the budgeted set: a
    # news report's lead, or when the budgeted set holds no figure or call an investor
    # reads for.  Elsewhere an over-long sentence is run-on context (…，…，…) whose many
    # terms outweigh the short sentence that states the call or the figure.
    single = max(range(len(candidates)), key=alone)
    if quality[single] <= 0.0:
        return []  # nothing but fragments, lead-ins, sign-offs or meta sentences: no digest
    if not chosen or (
        costs[single] > budget
        and alone(single) > LONG_SINGLE_MARGIN * value
        and (info[single].reported or not any(info[i].salient for i in chosen))
    ):
        chosen = [single]
    return sorted((candidates[i] for i in chosen), key=lambda s: (s.section, s.index))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of candidate ``a``'s terms already said by ``b``.

    Relative to the candidate only: a short sentence picked first must not block the
    fuller sentence that contains its terms and adds the figures (a news lead).
    """
    return len(a & b) / len(a) if a and b else 0.0


def _figure_unit(weights: dict[str, float]) -> float:
    """A figure with a unit is worth about as much as one of the section's top terms."""
    top = sorted(weights.values(), reverse=True)[:8]
    return FIGURE_FACTOR * (sum(top) / len(top)) if top else 1.0


def _section_weights(analysis: ArticleAnalysis, index: int) -> dict[str, float]:
    section = analysis.sections[index]
    weights = tf_idf(section.terms)
    for term in section.heading_terms:
        if term in weights:
            weights[term] *= 2.0
    for term in analysis.title_terms:
        if term in weights:
            weights[term] *= 1.4
    return weights


def _article_weights(analysis: ArticleAnalysis) -> dict[str, float]:
    counts = dict(analysis.title_terms)
    headings: set[str] = set()
    for sec in analysis.sections:
        for term, count in sec.terms.items():
            counts[term] = counts.get(term, 0) + count
        headings.update(sec.heading_terms)
    weights = tf_idf(counts)
    for term in analysis.title_terms:
        weights[term] *= 3.0
    for term in headings:
        weights[term] *= 1.4
    return weights


def keywords(
    weights: dict[str, float], analysis: ArticleAnalysis, limit: int = 8, minimum: int = 3
) -> tuple[str, ...]:
    """Top terms, shown in the original script; at least ``minimum`` when available."""
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    ranked = [(t, w) for t, w in ranked if len(t) >= 2]
    if not ranked:
        return ()
    top = ranked[0][1]
    picked = [t for i, (t, w) in enumerate(ranked[:limit]) if i < minimum or w >= 0.3 * top]
    return tuple(dict.fromkeys(analysis.surface(t) for t in picked))


def key_figures(analysis: ArticleAnalysis, limit: int = 8) -> tuple[str, ...]:
    """Sentences carrying figures with units, the richest first picked, in document order."""
    rich = [s for s in analysis.all_sentences() if any(f.weight >= 1.0 for f in s.figures)]
    ranked = sorted(rich, key=lambda s: -sum(f.weight for f in s.figures))[:limit]
    ordered = sorted(ranked, key=lambda s: (s.section, s.index))
    return tuple(dict.fromkeys(s.text for s in ordered))


def digest_article(article: Article, lexicon: Lexicon | None = None) -> DigestedArticle:
    """Summary, keywords, key figures, topics, company mentions and section digests."""
    lexicon = lexicon or default_lexicon()
    analysis = analyze(article)
    learned = learn_aliases(analysis.original, lexicon.directory)
    if learned:
        new = [c for c in _as_companies(learned) if _teaches_something(c, lexicon)]
        if new:
            lexicon.learn(new)
            analysis = analyze(article)  # segment again so new names are single tokens
    prepared = prepare(analysis.all_sentences(), lexicon.directory)
    section_digests = []
    for i, sec in enumerate(analysis.sections):
        weights = _section_weights(analysis, i)
        chosen = select_sentences(
            sec.sentences,
            weights,
            SECTION_BUDGET,
            prior=lead_prior(sec.sentences, prepared),
            prepared=prepared,
            call_first=True,
        )
        section_digests.append(
            SectionDigest(
                heading=sec.heading,
                text=sec.text,
                digest=tuple(prepared[id(s)].text for s in chosen),
                keywords=keywords(weights, analysis),
                tokens=tuple(sec.tokens),
                heading_tokens=tuple(sec.heading_tokens),
                digest_tokens=tuple(t for s in chosen for t in s.tokens),
                topics=tuple(
                    lexicon.taxonomy.rank(
                        lexicon.taxonomy.score_terms(sec.terms, sec.heading_terms),
                        minimum=SECTION_TOPIC_MINIMUM,
                    )
                ),
            )
        )
    weights = _article_weights(analysis)
    candidates = analysis.all_sentences()
    prior = {id(s): (1.3 if s.section == 0 else 1.0) for s in candidates}
    for key, value in lead_prior(
        analysis.sections[0].sentences if analysis.sections else [], prepared
    ).items():
        prior[key] *= value
    summary = select_sentences(candidates, weights, SUMMARY_BUDGET, prior=prior, prepared=prepared)
    return DigestedArticle(
        article=article,
        summary=tuple(prepared[id(s)].text for s in summary),
        keywords=keywords(weights, analysis),
        key_figures=key_figures(analysis),
        sections=tuple(section_digests),
        content_hash=content_hash(article),
        title_tokens=tuple(analysis.title_tokens),
        topics=tuple(_article_topics(analysis, lexicon)),
        mentions=tuple(find_mentions(analysis, lexicon.directory)),
        learned_companies=tuple(_as_companies(learned)),
    )


SECTION_TOPIC_MINIMUM = 3.0


def _article_topics(analysis: ArticleAnalysis, lexicon: Lexicon) -> list[TopicScore]:
    body: dict[str, int] = {}
    headings: dict[str, int] = {}
    for sec in analysis.sections:
        for term, count in sec.terms.items():
            body[term] = body.get(term, 0) + count
        for term, count in sec.heading_terms.items():
            headings[term] = headings.get(term, 0) + count
    scores = lexicon.taxonomy.score_terms(body, headings, analysis.title_terms)
    return lexicon.taxonomy.rank(scores)


def _as_companies(learned: Iterable[LearnedAlias]) -> list[Company]:
    """Learned aliases as company records carrying just the new alias."""
    return [
        Company(
            key=item.company.key,
            name=item.company.name,
            aliases=(item.alias,),
            ticker=item.company.ticker,
            market=item.company.market,
            source=item.company.source,
        )
        for item in learned
    ]


def _teaches_something(company: Company, lexicon: Lexicon) -> bool:
    known = lexicon.directory.get(company.key)
    return known is None or not set(company.aliases) <= {known.name, *known.aliases}


def digest_section(heading: str, text: str, budget: int = SECTION_BUDGET) -> list[str]:
    """Digest of one stand-alone section (used by the evaluation benchmark)."""
    article = Article(
        title="",
        sections=(Section(heading, tuple(p for p in text.split("\n") if p.strip())),),
        source="<section>",
        source_kind="text",
    )
    lexicon = default_lexicon()  # the same segmentation as full articles get
    analysis = analyze(article)
    sec = analysis.sections[0]
    prepared = prepare(sec.sentences, lexicon.directory)
    chosen = select_sentences(
        sec.sentences,
        _section_weights(analysis, 0),
        budget,
        prior=lead_prior(sec.sentences, prepared),
        prepared=prepared,
        call_first=True,
    )
    return [prepared[id(s)].text for s in chosen]


def warm_up() -> None:
    """Load jieba's dictionary and OpenCC now rather than on the first article."""
    digest_section("", "預熱。")


def fingerprint(article: Article) -> str:
    """Identity for idempotent re-ingest: the URL when known, else title + content hash."""
    return f"url:{article.url}" if article.url else f"hash:{content_hash(article)}"


def content_hash(article: Article) -> str:
    """Hash of title and text with whitespace collapsed: the identity of a URL-less article."""
    normalized = re.sub(r"\s+", " ", f"{article.title}\n{article.body}").strip()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()
