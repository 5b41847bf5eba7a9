"""Extractive digests: pick whole sentences that cover the most facts per character.

Selection is a budgeted maximum-coverage problem (:mod:`digests.selection`).  A set of
sentences is worth the TF-IDF weight of the distinct terms it mentions plus the weight
of the distinct figures it carries; adding a sentence that repeats covered terms gains
little, so redundancy is avoided by construction.  Greedy selection by gain per
character, then restored to document order, is the classic (1 - 1/e)-approximate answer.

This module decides what each sentence is (:func:`prepare`: shown text, quality, kind)
and composes an article: the summary first, over the whole article, then each section's
digest from what the summary did not say, so a reader who sees both (``digest``,
``/article``, a briefing) never reads a sentence twice.
"""

from __future__ import annotations

import hashlib
import re
from collections import _count_elements  # type: ignore[attr-defined]
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from math import inf, isnan

from digests import regexcache
from digests.aliases import learn_aliases
from digests.analysis import ArticleAnalysis, Sentence, analyze, original_text, tf_idf
from digests.companies import Company, LearnedAlias
from digests.figures import MAX_TABLE_ROWS, find_figures, table_rows
from digests.fragments import ROW_PUNCT, is_table_row
from digests.keywords import by_weight, heaviest_first, is_keyword, known_keywords
from digests.lexicon import Lexicon, default_lexicon
from digests.mentions import find_mentions
from digests.models import Article, DigestedArticle, Section, SectionDigest, TopicScore
from digests.preparation import prepare, trim_connective
from digests.selection import (
    MAX_SENTENCES,
    REDUNDANT_OVERLAP,
    Prepared,
    lead_prior,
    select_sentences,
)

__all__ = [
    "MAX_SENTENCES",
    "SECTION_BUDGET",
    "SUMMARY_BUDGET",
    "Prepared",
    "digest_article",
    "digest_section",
    "prepare",
    "select_sentences",
    "trim_connective",
]

SECTION_BUDGET = 160
SUMMARY_BUDGET = 240


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


def _add_section_terms(counts: dict[str, int], analysis: ArticleAnalysis) -> None:
    """Add every section's term counts (``sec.terms``) to ``counts``, section by section.

    ``sec.terms`` is its heading's counts, then ``sec._counted`` counted (see
    :attr:`SectionAnalysis.terms`): adding those two in turn gives the same sums with the
    same keys first seen in the same order, the second counted in C instead of a Python
    loop over the section's terms.
    """
    for sec in analysis.sections:
        if sec._counted:
            for term, count in sec.heading_terms.items():
                counts[term] = counts.get(term, 0) + count
            _count_elements(counts, sec._counted)
        else:
            for term, count in sec.terms.items():
                counts[term] = counts.get(term, 0) + count


def _section_counts(analysis: ArticleAnalysis) -> dict[str, int]:
    """Every section's term counts summed: what the article's weights and its topics
    both read (:func:`_article_weights`, :func:`_article_topics`)."""
    body: dict[str, int] = {}
    _add_section_terms(body, analysis)
    return body


def _article_weights(analysis: ArticleAnalysis, body: dict[str, int]) -> dict[str, float]:
    """TF-IDF of the article's terms, title and headings weighing more.

    ``body``: :func:`_section_counts`.  The title's counts, then ``body`` added, are the
    counts of adding the sections to the title's: ``update`` keeps the title's terms
    where they are and appends the others in the body's order, and only a term of both
    needs its sum.
    """
    title = analysis.title_terms
    counts = dict(title)
    counts.update(body)
    for term in filter(body.__contains__, title):
        counts[term] = title[term] + body[term]
    headings: set[str] = set()
    for sec in analysis.sections:
        headings.update(sec.heading_terms)
    weights = tf_idf(counts)
    for term in analysis.title_terms:
        weights[term] *= 3.0
    for term in headings:
        weights[term] *= 1.4
    return weights


def keywords(
    weights: dict[str, float],
    analysis: ArticleAnalysis,
    limit: int = 8,
    minimum: int = 3,
    ranked: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Top terms, shown in the original script; at least ``minimum`` when available.

    Filler (measure phrases, numerals with units, verbs, generic nouns:
    :func:`digests.keywords.is_keyword`) is never a keyword.  ``ranked``:
    :func:`~digests.keywords.heaviest_first` of ``weights``, when the caller has it.

    Terms come heaviest first, so once ``minimum`` keywords are ranked, a term under
    0.3 of the top keyword's weight ends the walk: every later one weighs no more, sits
    past ``minimum`` and would fail the same test below (without NaN, ``<`` is the
    negation of ``>=``; with one, the order is not by weight and every term is read).
    """
    ranked_terms = []
    known = known_keywords()  # the answers so far: most terms recur across sections
    descending = not isnan(sum(weights.values()))
    pairs = by_weight(weights, ranked)
    cut = -inf  # 0.3 of the top keyword's weight, once there is one
    for term, weight in pairs:
        if weight < cut and len(ranked_terms) >= minimum:
            break  # nothing from here on can be picked
        if len(term) >= 2:
            answer = known.get(term)
            if answer is None:
                answer = is_keyword(term)
            if answer:
                if not ranked_terms and descending:
                    cut = 0.3 * weight
                ranked_terms.append((term, weight))
                if len(ranked_terms) >= limit:
                    break  # the rest is never shown: no need to judge it
    if not ranked_terms:
        return ()
    top = ranked_terms[0][1]
    picked = [t for i, (t, w) in enumerate(ranked_terms[:limit]) if i < minimum or w >= 0.3 * top]
    return tuple(dict.fromkeys(analysis.surface(t) for t in picked))


def key_figures(
    analysis: ArticleAnalysis, prepared: dict[int, Prepared] | None = None, limit: int = 8
) -> tuple[str, ...]:
    """Sentences carrying figures with units, the richest first picked, in document order.

    With ``prepared``, each is shown as a digest shows it (connective trimmed, so a view
    can tell it is already shown) and only when it stands alone: a fragment, a sentence
    pointing back (其中中國擁有…) or a list item out of its list ("2. …") is left out.
    """
    # Only a figure of weight 1 or more is picked: most sentences have none, so that
    # test goes first (the tests are independent and keep the order).
    sentences = [
        s for s in analysis.all_sentences() if s.figures and any(f.weight >= 1.0 for f in s.figures)
    ]
    if prepared is not None:
        sentences = [
            s
            for s in sentences
            if (p := prepared[id(s)]).quality > 0.0 and not p.anaphor and not p.item
        ]
    sentences = [
        s
        for s in sentences
        if not (_may_hold_row(s.text) and any(map(is_table_row, s.text.split("\n"))))
    ]
    candidates = [
        (s.section, s.index, prepared[id(s)].text if prepared is not None else s.text, s.figures)
        for s in sentences
    ]
    # A table row's figures count only under their column names (欣興（3037）：營收
    # 1,248億元、年增率 9.6%), and a few rows at most: alone, the row means nothing.
    rows = [
        (section, index, text, find_figures(text))
        for section, index, text in _labelled_rows(analysis)
    ]
    rows = sorted(rows, key=lambda r: -sum(f.weight for f in r[3]))[:MAX_TABLE_ROWS]
    rich = candidates + [r for r in rows if any(f.weight >= 1.0 for f in r[3])]
    ranked = sorted(rich, key=lambda c: -sum(f.weight for f in c[3]))[:limit]
    ordered = sorted(ranked, key=lambda c: (c[0], c[1]))
    return tuple(dict.fromkeys(c[2] for c in ordered))


_MAYBE_ROW_RE = regexcache.compile(r"\n(?=[^\n" + ROW_PUNCT + r"]*+\n)[^\n\d]*\d")
"""In text between line breaks: a line without the punctuation a table row never has,
with a digit.  Each line that :func:`~digests.fragments.is_table_row` accepts is one (it
rejects any of ``fragments.ROW_PUNCT``, which stripping spaces cannot remove, and its values
need a digit).  Starting at a line break, the search skips to line starts in C."""


def _may_hold_row(text: str) -> bool:
    """Whether a line of ``text`` may be a table row (see :data:`_MAYBE_ROW_RE`)."""
    return _MAYBE_ROW_RE.search(f"\n{text}\n") is not None


def _labelled_rows(analysis: ArticleAnalysis) -> list[tuple[int, int, str]]:
    """(section, sentence index, labelled text) of the table rows whose header is known.

    A row is a sentence of its own; its header is the line above its run of rows (the
    last line of a lead-in joined with it, or the section's heading).  A section none
    of whose sentences' lines could be a row (:func:`_may_hold_row`, one search over
    them all) has none: the heading, the first line, is never a labelled row."""
    found = []
    for number, section in enumerate(analysis.sections):
        if not _may_hold_row("\n".join(s.text for s in section.sentences)):
            continue
        lines = [section.heading]
        where = [-1]
        for sentence in section.sentences:
            for line in sentence.text.split("\n"):
                lines.append(line)
                where.append(sentence.index)
        found += [(number, where[i], text) for i, text in table_rows(lines)]
    return found


@dataclass(frozen=True)
class Lesson:
    """What an article teaches the lexicon, worked out before it is digested."""

    learned: tuple[Company, ...]
    """Every alias the article links to a company (stored with the article)."""
    taught: tuple[Company, ...]
    """Those the directory did not know yet: what ``Lexicon.learn`` is given."""


def lesson_of(article: Article, lexicon: Lexicon) -> Lesson:
    """What ``article`` teaches a lexicon in its current state, changing nothing.

    Alias learning reads only the article's original text and the directory, so it
    needs no segmentation: :mod:`digests.parallel` runs it (then ``lexicon.learn``)
    in article order in the parent process, exactly as :func:`digest_article` does
    in one process, and hands each worker the lesson with the article.
    """
    learned = tuple(_as_companies(learn_aliases(original_text(article), lexicon.directory)))
    return Lesson(learned, tuple(c for c in learned if _teaches_something(c, lexicon)))


def digest_article(
    article: Article, lexicon: Lexicon | None = None, lesson: Lesson | None = None
) -> DigestedArticle:
    """Summary, keywords, key figures, topics, company mentions and section digests.

    ``lesson`` is :func:`lesson_of` the article, already taught to ``lexicon`` by the
    caller (a worker process, see :mod:`digests.parallel`); without it the article's
    aliases are learned here.  Either way they are learned before the article is
    segmented, so new names come out as single tokens.
    """
    lexicon = lexicon or default_lexicon()
    if lesson is None:
        lesson = lesson_of(article, lexicon)
        if lesson.taught:  # learning nothing must not re-mark ambiguity or re-teach words
            lexicon.learn(lesson.taught)
    analysis = analyze(article)
    mentions = find_mentions(analysis, lexicon.directory)
    named = {(m.section, m.sentence) for m in mentions}
    prepared = prepare(analysis.all_sentences(), lexicon.directory, named)
    # The summary is chosen first, from the whole article; each section digest then
    # says what the summary did not, so the two complement each other and a view that
    # shows both never repeats a sentence.
    body = _section_counts(analysis)  # the weights' and the topics' share them
    weights = _article_weights(analysis, body)
    ranked = heaviest_first(weights)  # one sort for the selection and the keywords
    candidates = analysis.all_sentences()
    prior = {id(s): (1.3 if s.section == 0 else 1.0) for s in candidates}
    for key, value in lead_prior(
        analysis.sections[0].sentences if analysis.sections else [], prepared
    ).items():
        prior[key] *= value
    summary = select_sentences(
        candidates, weights, SUMMARY_BUDGET, prior=prior, prepared=prepared, ranked=ranked
    )
    said = {prepared[id(s)].text for s in summary}
    summary_terms = [prepared[id(s)].terms for s in summary]
    summary_figures = {f.text for s in summary for f in s.figures}
    summary_union = frozenset().union(*summary_terms)
    section_digests = []
    for i, sec in enumerate(analysis.sections):
        fresh = []
        for s in sec.sentences:
            p = prepared[id(s)]
            if p.text not in said and not _restates(
                s, p.terms, summary_terms, summary_figures, summary_union
            ):
                fresh.append(s)
        section_weights = _section_weights(analysis, i)
        section_ranked = heaviest_first(section_weights)
        chosen = select_sentences(
            fresh,
            section_weights,
            SECTION_BUDGET,
            prior=lead_prior(fresh, prepared),
            prepared=prepared,
            call_first=True,
            headed=True,
            ranked=section_ranked,
        )
        said.update(prepared[id(s)].text for s in chosen)  # a paragraph repeated later
        section_digests.append(
            SectionDigest(
                heading=sec.heading,
                text=sec.text,
                digest=tuple(prepared[id(s)].text for s in chosen),
                keywords=keywords(section_weights, analysis, ranked=section_ranked),
                tokens=tuple(sec.tokens),
                heading_tokens=tuple(sec.heading_tokens),
                digest_tokens=tuple(chain.from_iterable(s.tokens for s in chosen)),
                topics=tuple(
                    lexicon.taxonomy.rank(
                        lexicon.taxonomy.score_terms(sec.terms, sec.heading_terms),
                        minimum=SECTION_TOPIC_MINIMUM,
                    )
                ),
            )
        )
    return DigestedArticle(
        article=article,
        summary=tuple(prepared[id(s)].text for s in summary),
        keywords=keywords(weights, analysis, ranked=ranked),
        key_figures=key_figures(analysis, prepared),
        sections=tuple(section_digests),
        content_hash=content_hash(article),
        title_tokens=tuple(analysis.title_tokens),
        topics=tuple(_article_topics(analysis, lexicon, body)),
        mentions=tuple(mentions),
        learned_companies=lesson.learned,
    )


SECTION_TOPIC_MINIMUM = 3.0


def _restates(
    sentence: Sentence,
    terms: frozenset[str],
    summary_terms: list[frozenset[str]],
    summary_figures: set[str],
    summary_union: frozenset[str] | None = None,
) -> bool:
    """Says what a summary sentence says: mostly its words and no figure of its own.

    The same claim in other words repeats the summary; the same words with another
    figure (營收年增35% in one section, 12% in the next) is another fact.

    ``summary_union`` (every summary sentence's terms) settles nearly every sentence
    (7,210 of the 7,220 that get that far in the benchmark's articles) with one
    intersection instead of one per summary sentence: a sentence shares no more terms
    with any summary sentence than with their union, and dividing by the same ``n`` keeps
    that order (rounding is monotone), so a union share at or under the threshold means
    every share is.
    """
    if sentence.figures and any(f.text not in summary_figures for f in sentence.figures):
        return False
    # overlap(terms, said) > REDUNDANT_OVERLAP, inlined: overlap is 0.0 (never above the
    # threshold) when either set is empty
    if not terms:
        return False
    n = len(terms)
    if summary_union is not None and len(terms & summary_union) / n <= REDUNDANT_OVERLAP:
        return False
    return any(said and len(terms & said) / n > REDUNDANT_OVERLAP for said in summary_terms)


def _article_topics(
    analysis: ArticleAnalysis, lexicon: Lexicon, body: dict[str, int]
) -> list[TopicScore]:
    """The article's topics; ``body``: :func:`_section_counts`."""
    headings: dict[str, int] = {}
    for sec in analysis.sections:
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
    named = {(m.section, m.sentence) for m in find_mentions(analysis, lexicon.directory)}
    prepared = prepare(sec.sentences, lexicon.directory, named)
    chosen = select_sentences(
        sec.sentences,
        _section_weights(analysis, 0),
        budget,
        prior=lead_prior(sec.sentences, prepared),
        prepared=prepared,
        call_first=True,
        headed=True,
    )
    return [prepared[id(s)].text for s in chosen]


def fingerprint(article: Article) -> str:
    """Identity for idempotent re-ingest: the URL when known, else title + content hash."""
    return f"url:{article.url}" if article.url else f"hash:{content_hash(article)}"


def content_hash(article: Article) -> str:
    """Hash of title and text with whitespace collapsed: the identity of a URL-less article.

    Ingest asks it of each article up to three times (its fingerprint, the unchanged
    check, the digest).  When the article cannot change (its sections and paragraphs are
    tuples of strings) the answer is kept on the article itself, in its ``__dict__``
    beside the fields (a frozen dataclass refuses ``setattr``, not the dict): it lives
    as long as the article and no longer, and holds however many articles a batch reads
    before digesting them.  (A table of the last 64 articles missed every one of a
    batch of 100: all read first, then all digested, about 0.1 ms each.)  Not a field, so
    equality, ``repr``, ``fields`` and ``replace`` never see it.
    """
    kept = article.__dict__.get(_HASH_KEY)
    if kept is not None:
        return kept
    normalized = re.sub(r"\s+", " ", f"{article.title}\n{article.body}").strip()
    value = hashlib.sha256(normalized.encode("utf-8")).hexdigest()
    if type(article.sections) is tuple and all(
        type(s.paragraphs) is tuple for s in article.sections
    ):
        article.__dict__[_HASH_KEY] = value
    return value


_HASH_KEY = "_content_hash"
