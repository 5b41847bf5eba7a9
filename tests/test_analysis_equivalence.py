"""Shortcuts in the analysis pass and the weights give exactly what the plain code gave
(issue 13: speed with identical output).  Each shortcut is compared with the code it
replaced, kept here, on the fixture articles and on generated inputs."""

from __future__ import annotations

import math
import random
import re
from collections import Counter

import pytest

from digests.analysis import _DIGIT_RE, ArticleAnalysis, _count, _merge, analyze
from digests.figures import find_figures
from digests.keywords import by_weight, heaviest_first, is_keyword
from digests.lexicon import Lexicon, default_lexicon
from digests.models import TopicScore
from digests.sources import load
from digests.textproc import (
    _BOUNDARY_RE,
    _push_sentence,
    split_sentences,
    word_idf,
    word_idfs,
)
from tests.conftest import FIXTURES, PAGEDUMPS


@pytest.fixture(scope="module")
def analyses() -> list[ArticleAnalysis]:
    files = sorted((FIXTURES / "dev_articles").glob("*.txt")) + sorted(PAGEDUMPS.glob("*.txt"))
    return [analyze(article) for path in files for article in load(str(path))[1]]


def _texts(analyses: list[ArticleAnalysis]) -> list[str]:
    return [s.text for a in analyses for s in a.all_sentences()]


def test_count_is_counter() -> None:
    rng = random.Random(1)
    for _ in range(500):
        terms = [rng.choice([None, "", "a", "b", "台積電", "c"]) for _ in range(rng.randrange(30))]
        got = _count(terms)
        want = dict(Counter(filter(None, terms)))
        assert list(got.items()) == list(want.items())


def test_section_terms_are_the_merged_sentence_terms(analyses: list[ArticleAnalysis]) -> None:
    for analysis in analyses:
        for section in analysis.sections:
            merged = dict(section.heading_terms)
            for sentence in section.sentences:
                _merge(merged, sentence.terms)
            assert list(section.terms.items()) == list(merged.items())


def _generated(rng: random.Random) -> str:
    pieces = "營收 成長 億元 約 逾 達 % 倍 新台幣 US$ 5 12.5 1,200 一 三成 十 百 千 萬 年 月 ， 。 A GW".split()
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))


def test_no_digit_means_no_figure(analyses: list[ArticleAnalysis]) -> None:
    rng = random.Random(2)
    texts = _texts(analyses) + [_generated(rng) for _ in range(3000)]
    skipped = 0
    for text in texts:
        if not _DIGIT_RE.search(text):
            assert find_figures(text) == []
            skipped += 1
    assert skipped > 100


def plain_split(text: str, boundary: re.Pattern[str] = _BOUNDARY_RE) -> list[tuple[int, int]]:
    """split_sentences without its shortcuts (quotes counted in every piece), frozen;
    ``boundary``: the sentence-end pattern (test_analysis_onepass passes the older one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in boundary.finditer(text):
        end = match.end()
        piece = text[start:end]
        if match.group() != "\n" and sum(piece.count(ch) for ch in "「『“") > sum(
            piece.count(ch) for ch in "」』”"
        ):
            continue
        _push_sentence(text, start, end, spans)
        start = end
    _push_sentence(text, start, len(text), spans)
    return spans


def test_split_sentences_as_before(analyses: list[ArticleAnalysis]) -> None:
    rng = random.Random(3)
    texts = [p for a in analyses for sec in a.article.sections for p in sec.paragraphs]
    marks = ["「", "」", "『", "』", "“", "”", "。", "！", "\n", "；", "他說", "營收成長"]
    texts += ["".join(rng.choice(marks) for _ in range(rng.randrange(20))) for _ in range(2000)]
    for text in texts:
        assert split_sentences(text) == plain_split(text)


def _random_weights(rng: random.Random) -> dict[str, float]:
    """Up to 40 terms' weights, ties, zeros of both signs included."""
    return {
        f"t{rng.randrange(1000)}": rng.choice([1.0, 2.5, 0.0, -0.0, 12.0, rng.random() * 10])
        for _ in range(rng.randrange(40))
    }


def test_by_weight_is_the_sorted_order() -> None:
    rng = random.Random(4)
    for _ in range(300):
        weights = _random_weights(rng)
        want = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        assert list(by_weight(weights)) == want
    with_nan = {"a": 1.0, "b": math.nan, "c": 2.0}
    assert list(by_weight(with_nan)) == sorted(with_nan.items(), key=lambda kv: (-kv[1], kv[0]))


def test_by_weight_along_a_shared_sort() -> None:
    rng = random.Random(5)
    for _ in range(300):
        weights = _random_weights(rng)
        want = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        assert list(by_weight(weights, heaviest_first(weights))) == want
        # the sorted values a selection reads from it: as sorting the values
        values = [weights[t] for t in heaviest_first(weights)]
        assert [(v, math.copysign(1, v)) for v in values] == [
            (v, math.copysign(1, v)) for v in sorted(weights.values(), reverse=True)
        ]


def _reference_keywords(
    weights: dict[str, float], analysis: ArticleAnalysis, limit: int = 8, minimum: int = 3
) -> tuple[str, ...]:
    """:func:`digests.summarize.keywords` as it was: reads terms until ``limit`` are
    ranked, however light the rest."""
    ranked = []
    for term, weight in by_weight(weights):
        if len(term) >= 2 and is_keyword(term):
            ranked.append((term, weight))
            if len(ranked) >= limit:
                break
    if not ranked:
        return ()
    top = ranked[0][1]
    picked = [t for i, (t, w) in enumerate(ranked[:limit]) if i < minimum or w >= 0.3 * top]
    return tuple(dict.fromkeys(analysis.surface(t) for t in picked))


def test_keywords_stop_where_nothing_more_is_picked(analyses: list[ArticleAnalysis]) -> None:
    """The walk ends at the first term under 0.3 of the top once ``minimum`` are ranked:
    the same keywords, on every section's and article's weights of the fixtures and on
    reshuffled, tied, zero, negative and NaN weights."""
    from digests.summarize import _article_weights, _section_counts, _section_weights, keywords

    rng = random.Random(8)
    compared = 0
    for analysis in analyses:
        cases = [_article_weights(analysis, _section_counts(analysis))]
        cases += [_section_weights(analysis, i) for i in range(len(analysis.sections))]
        for weights in cases:
            terms = list(weights)
            variants = [
                weights,
                {t: rng.choice([0.0, 1.0, 2.0, 4.0, 10.0]) for t in terms},
                {t: w * rng.choice([1.0, -1.0, 0.1, 0.35]) for t, w in weights.items()},
                dict(zip(terms, rng.sample(list(weights.values()), len(terms)), strict=True)),
            ]
            if terms:
                variants.append({**weights, rng.choice(terms): math.nan})
            for variant in variants:
                for limit, minimum in ((8, 3), (3, 1), (5, 5), (12, 0)):
                    want = _reference_keywords(variant, analysis, limit, minimum)
                    assert keywords(variant, analysis, limit, minimum) == want
                    shared = heaviest_first(variant)
                    assert keywords(variant, analysis, limit, minimum, ranked=shared) == want
                    compared += 1
    assert compared > 1000


def test_score_terms_as_before(analyses: list[ArticleAnalysis]) -> None:
    taxonomy = default_lexicon().taxonomy

    def plain(body: dict[str, int], headings: dict[str, int]) -> dict[str, float]:
        scores: dict[str, float] = {}
        for counts, factor in ((body, 1.0), (headings, 2.0)):
            for term, count in counts.items():
                hits = taxonomy._term_topics.get(term)
                if not hits:
                    continue
                damped = factor * math.sqrt(count)
                for topic_id, weight in hits:
                    scores[topic_id] = scores.get(topic_id, 0.0) + weight * damped
        return scores

    for analysis in analyses:
        for section in analysis.sections:
            got = taxonomy.score_terms(section.terms, section.heading_terms)
            assert list(got.items()) == list(plain(section.terms, section.heading_terms).items())


def test_word_idfs(analyses: list[ArticleAnalysis]) -> None:
    terms = [t for a in analyses for t in a.first_seen]
    assert word_idfs(terms) == [word_idf(t) for t in terms]


def test_content_hash_kept_is_the_hash(analyses: list[ArticleAnalysis]) -> None:
    import hashlib

    from digests.models import Article, Section
    from digests.summarize import content_hash

    def plain(article: Article) -> str:
        normalized = re.sub(r"\s+", " ", f"{article.title}\n{article.body}").strip()
        return hashlib.sha256(normalized.encode("utf-8")).hexdigest()

    for analysis in analyses:
        article = analysis.article
        assert content_hash(article) == content_hash(article) == plain(article)
    # kept on each article however many are hashed before they are asked again (a batch
    # reads all its articles, then digests them), and invisible to equality and repr
    import dataclasses
    import pickle

    many = [Article(f"t{k}", (Section("h", (f"第{k}段。",)),), "s", "text") for k in range(300)]
    first = [content_hash(a) for a in many]
    assert [a.__dict__.get("_content_hash") for a in many] == first == [plain(a) for a in many]
    fresh = dataclasses.replace(many[0])
    assert fresh == many[0] and repr(fresh) == repr(many[0])
    assert "_content_hash" not in fresh.__dict__
    assert content_hash(pickle.loads(pickle.dumps(many[1]))) == first[1]
    # paragraphs that can change under it are never kept
    paragraphs = ["一段。"]
    article = Article("t", (Section("h", paragraphs),), "s", "text")  # type: ignore[arg-type]
    first = content_hash(article)
    paragraphs.append("又一段。")
    assert content_hash(article) == plain(article) != first


def test_tf_idf_as_the_formula(analyses: list[ArticleAnalysis]) -> None:
    """:func:`tf_idf` reads ``1 + log count`` from a table: the same floats, same order."""
    from digests.analysis import tf_idf
    from digests.textproc import word_idf

    def plain(counts: dict[str, int]) -> list[tuple[str, float]]:
        return [(t, (1.0 + math.log(c)) * word_idf(t)) for t, c in counts.items()]

    cases: list[dict[str, int]] = [s.terms for a in analyses for s in a.sections]
    cases.append({"台積電": 1000, "營收": 511, "晶圓": 512})  # past the table
    cases.append({"台積電": 2.5, "營收": True})  # type: ignore[dict-item]
    for counts in cases:
        assert list(tf_idf(counts).items()) == plain(counts)


def test_article_term_sums_as_before(analyses: list[ArticleAnalysis]) -> None:
    """Section counts added from ``_counted`` in C: the sums and key order of the loop."""
    from digests.summarize import _add_section_terms

    for analysis in analyses:
        want = dict(analysis.title_terms)
        for sec in analysis.sections:
            for term, count in sec.terms.items():
                want[term] = want.get(term, 0) + count
        got = dict(analysis.title_terms)
        _add_section_terms(got, analysis)
        assert list(got.items()) == list(want.items())


def _plain_article_weights(analysis: ArticleAnalysis) -> dict[str, float]:
    """``summarize._article_weights`` as it was: the sections added to the title's counts."""
    from digests.analysis import tf_idf
    from digests.summarize import _add_section_terms

    counts = dict(analysis.title_terms)
    headings: set[str] = set()
    _add_section_terms(counts, analysis)
    for sec in analysis.sections:
        headings.update(sec.heading_terms)
    weights = tf_idf(counts)
    for term in analysis.title_terms:
        weights[term] *= 3.0
    for term in headings:
        weights[term] *= 1.4
    return weights


def _plain_article_topics(analysis: ArticleAnalysis, lexicon: Lexicon) -> list[TopicScore]:
    """``summarize._article_topics`` as it was: counting the sections itself."""
    from digests.summarize import _add_section_terms

    body: dict[str, int] = {}
    headings: dict[str, int] = {}
    _add_section_terms(body, analysis)
    for sec in analysis.sections:
        for term, count in sec.heading_terms.items():
            headings[term] = headings.get(term, 0) + count
    scores = lexicon.taxonomy.score_terms(body, headings, analysis.title_terms)
    return lexicon.taxonomy.rank(scores)


def test_article_weights_and_topics_from_shared_counts(analyses: list[ArticleAnalysis]) -> None:
    """The sections' counts worked out once serve the article's weights and topics: the
    same weights in the same order, the same topics."""
    from digests.summarize import _article_topics, _article_weights, _section_counts

    lexicon = default_lexicon()
    for analysis in analyses:
        body = _section_counts(analysis)
        alone = _plain_article_weights(analysis)
        assert list(_article_weights(analysis, body).items()) == list(alone.items())
        assert _article_topics(analysis, lexicon, body) == _plain_article_topics(analysis, lexicon)
