"""The one-pass :func:`digests.analysis.analyze` builds exactly the analysis the
per-token and per-sentence code built before it (issue 13: speed with identical
output).  That code is kept here, frozen, and both are compared field by field (and
dict by dict in order) on the fixture articles and on generated ones full of the
marks the shortcuts are about: currencies, lead-ins, list items, quotes, line breaks
inside paragraphs, figures and over-long sentences."""

from __future__ import annotations

import random
import re
from bisect import bisect_left
from collections import Counter
from itertools import accumulate

import pytest

from digests import analysis as new
from digests.analysis import ArticleAnalysis, SectionAnalysis, Sentence, analyze
from digests.currency import (
    CURRENCIES,
    _after_magnitude,
    _before_number,
    amount_unit_positions,
    amount_units_in,
)
from digests.figures import Figure, _weight, find_figures
from digests.models import Article, Section
from digests.salience import is_meta
from digests.sources import load
from digests.textproc import (
    _BOUNDARY_RE,
    content_term,
    content_terms,
    to_simplified,
    word_spans,
)
from tests.conftest import FIXTURES, PAGEDUMPS
from tests.test_analysis_equivalence import plain_split

# --- the code before the one-pass rewrite, frozen ------------------------------------


def _old_content_terms(words: list[str]) -> list[str | None]:
    return [content_term(w) for w in words]


def _old_amount_unit_positions(words: list[str]) -> list[int]:
    if CURRENCIES.isdisjoint(words):
        return []
    units = []
    for i, word in enumerate(words):
        if word not in CURRENCIES:
            continue
        if _before_number(words, i) or _after_magnitude(words, i):
            units.append(i)
    return units


_OLD_BOUNDARY_RE = re.compile(
    "[" + re.escape("。!?！？") + "]+[" + re.escape("」』”’)）》〉】") + "]*|\n"
)


def _old_split(text: str) -> list[tuple[int, int]]:
    return plain_split(text, _OLD_BOUNDARY_RE)


_OLD_DIGIT_RE = re.compile(r"[\d零〇一二兩两三四五六七八九十百千]")


def _old_count(terms: list[str | None]) -> dict[str, int]:
    return dict(Counter(filter(None, terms)))


def _old_announces_list(text: str, following: str) -> bool:
    return (
        len(text) <= 30
        and bool(new._ANNOUNCE_RE.search(text))
        and bool(new._FIRST_ITEM_RE.match(following))
        and not is_meta(text)
    )


def _old_merge_sentences(
    parts: list[Sentence], spans: dict[int, tuple[int, int]], original: str, index: int
) -> Sentence:
    first = parts[0]
    if len(parts) == 1:
        first.index = index
        return first
    text = original[spans[id(first)][0] : spans[id(parts[-1])][1]]
    terms: dict[str, int] = {}
    for part in parts:
        for term, count in part.terms.items():
            terms[term] = terms.get(term, 0) + count
    return Sentence(
        text, first.section, index, terms, find_figures(text), [t for p in parts for t in p.tokens]
    )


def _old_join_lead_ins(
    sentences: list[Sentence], spans: dict[int, tuple[int, int]], original: str
) -> list[Sentence]:
    announces = [
        i + 1 < len(sentences) and _old_announces_list(s.text, sentences[i + 1].text)
        for i, s in enumerate(sentences)
    ]
    if not any(s.text.endswith(("：", ":")) for s in sentences) and not any(announces):
        return sentences
    out: list[Sentence] = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while (sentences[j - 1].text.endswith(("：", ":")) or announces[j - 1]) and j < len(
            sentences
        ):
            j += 1
        out.append(_old_merge_sentences(sentences[i:j], spans, original, len(out)))
        i = j
    return out


def _old_analyze(article: Article) -> ArticleAnalysis:
    chunks: list[tuple[str, int, str]] = [("title", -1, article.title)]
    for si, section in enumerate(article.sections):
        chunks.append(("heading", si, section.heading))
        chunks.extend(("para", si, para) for para in section.paragraphs)
    original = "\n".join(text for _, _, text in chunks)
    words, starts = word_spans(to_simplified(original))
    terms = _old_content_terms(words)
    for i in _old_amount_unit_positions(words):
        terms[i] = None
    first_seen: dict[str, tuple[int, int]] = {}
    for term, word, pos in zip(terms, words, starts, strict=True):
        if term is not None and term not in first_seen:
            first_seen[term] = (pos, pos + len(word))
    sections = [SectionAnalysis(s.heading, s.text) for s in article.sections]
    spans: dict[int, tuple[int, int]] = {}
    title_terms: dict[str, int] = {}
    title_tokens: list[str] = []
    offset = 0
    for kind, si, text in chunks:
        lo = bisect_left(starts, offset)
        hi = bisect_left(starts, offset + len(text))
        if kind == "title":
            title_tokens = words[lo:hi]
            title_terms = _old_count(terms[lo:hi])
        elif kind == "heading":
            sections[si].heading_tokens = words[lo:hi]
            sections[si].heading_terms = _old_count(terms[lo:hi])
        else:
            section = sections[si]
            section.tokens.extend(words[lo:hi])
            for s_start, s_end in _old_split(text):
                a = bisect_left(starts, offset + s_start, lo, hi)
                b = bisect_left(starts, offset + s_end, lo, hi)
                if a > lo and starts[a - 1] + len(words[a - 1]) > offset + s_start:
                    a -= 1
                sentence = text[s_start:s_end]
                made = Sentence(
                    sentence,
                    si,
                    len(section.sentences),
                    _old_count(terms[a:b]),
                    find_figures(sentence) if _OLD_DIGIT_RE.search(sentence) else [],
                    words[a:b],
                )
                section.sentences.append(made)
                spans[id(made)] = (offset + s_start, offset + s_end)
        offset += len(text) + 1
    for section in sections:
        section.sentences = _old_join_lead_ins(section.sentences, spans, original)
    return ArticleAnalysis(article, title_terms, title_tokens, sections, original, first_seen)


# --- comparison -------------------------------------------------------------------------


def _items(d: dict) -> list:  # type: ignore[type-arg]
    return list(d.items())


def _sentence(s: Sentence) -> tuple:  # type: ignore[type-arg]
    return (s.text, s.section, s.index, _items(s.terms), s.figures, s.tokens)


def _section_terms_plain(section: SectionAnalysis) -> list:  # type: ignore[type-arg]
    total = dict(section.heading_terms)
    for sent in section.sentences:
        for term, count in sent.terms.items():
            total[term] = total.get(term, 0) + count
    return _items(total)


def assert_same(got: ArticleAnalysis, want: ArticleAnalysis) -> None:
    assert got.article is want.article
    assert got.original == want.original
    assert _items(got.title_terms) == _items(want.title_terms)
    assert got.title_tokens == want.title_tokens
    assert _items(got.first_seen) == _items(want.first_seen)
    assert len(got.sections) == len(want.sections)
    for g, w in zip(got.sections, want.sections, strict=True):
        assert (g.heading, g.text, g.heading_tokens, g.tokens) == (
            w.heading,
            w.text,
            w.heading_tokens,
            w.tokens,
        )
        assert _items(g.heading_terms) == _items(w.heading_terms)
        assert [_sentence(s) for s in g.sentences] == [_sentence(s) for s in w.sentences]
        assert _items(g.terms) == _section_terms_plain(w)
    assert [s.text for s in got.all_sentences()] == [s.text for s in want.all_sentences()]


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    files = sorted((FIXTURES / "dev_articles").glob("*.txt")) + sorted(PAGEDUMPS.glob("*.txt"))
    return [article for path in files for article in load(str(path))[1]]


def test_fixture_articles_as_before(articles: list[Article]) -> None:
    assert len(articles) > 20
    for article in articles:
        assert_same(analyze(article), _old_analyze(article))


_PIECES = (
    "營收 成長 億元 新台幣 台幣 美元 人民幣 日圓 約 達 逾 120 3,000 1.5 百 數十億元 三成 % "
    "公司提出三項成長動能。 以下幾點： 如下。 如下： 1. 1、 (1) （一） 一、 ① ⑴ ❶ 首先， 第一， "
    "其一、 以下分三點說明。 「 」 『 』 “ ” 。 ！ ？ ； ; ： : , ， . 台積電 鴻海 AI GPU 2024年 "
    "3月 的 了 和 在 是 他說 觀察 風險"
).split()


def _paragraph(rng: random.Random) -> str:
    parts = [rng.choice(_PIECES) for _ in range(rng.randrange(1, 40))]
    text = "".join(
        p + (rng.choice([" ", "\n", "  "]) if rng.random() < 0.08 else "") for p in parts
    )
    if rng.random() < 0.1:
        text = "；".join([text] * rng.randrange(2, 8))  # over-long, cut at ；
    return text


def _article(rng: random.Random) -> Article:
    sections = tuple(
        Section(
            rng.choice(["", "前言", "營收展望：", "三大重點", " 觀察 "]),
            tuple(_paragraph(rng) for _ in range(rng.randrange(0, 6))),
        )
        for _ in range(rng.randrange(1, 5))
    )
    return Article(rng.choice(["", "台積電營收新台幣120億元", "標題"]), sections, "gen", "text")


def test_generated_articles_as_before() -> None:
    rng = random.Random(13)
    for _ in range(400):
        article = _article(rng)
        assert_same(analyze(article), _old_analyze(article))


def test_content_terms_and_units_as_before(articles: list[Article]) -> None:
    rng = random.Random(5)
    lists = [word_spans(to_simplified(new.original_text(a)))[0] for a in articles]
    pieces = [*CURRENCIES, "约", "达", "120", "亿", "120亿", " ", "\n", "营收", "的", "A"]
    lists += [[rng.choice(pieces) for _ in range(rng.randrange(30))] for _ in range(2000)]
    for words in lists:
        assert content_terms(words) == _old_content_terms(words)
        want = _old_amount_unit_positions(words)
        assert amount_unit_positions(words) == want
        starts = list(accumulate(map(len, words), initial=0))[:-1]
        assert amount_units_in("".join(words), words, starts) == want


def test_boundary_pattern_as_before(articles: list[Article]) -> None:
    rng = random.Random(7)
    texts = [p for a in articles for sec in a.sections for p in sec.paragraphs]
    marks = "。!?！？」』”’)）》〉】\n a台「.；"
    texts += ["".join(rng.choice(marks) for _ in range(rng.randrange(40))) for _ in range(5000)]
    for text in texts:
        want = [(m.span(), m.group()) for m in _OLD_BOUNDARY_RE.finditer(text)]
        assert [(m.span(), m.group()) for m in _BOUNDARY_RE.finditer(text)] == want


def test_number_hint_is_implied_by_every_figure(articles: list[Article]) -> None:
    """No :data:`NUMBER_HINT_RE` in a text, no :data:`FIGURE_RE` match in it."""
    from digests.figures import _CN_DIGITS, _NUM_AFTER, FIGURE_RE, NUMBER_HINT_RE

    # FIGURE_RE's number part, as it was when the hint was read from it
    assert (
        r"(?:\d[\d,，]*(?:\.\d+)?|[零〇一二兩两三四五六七八九十百千]{1,6}(?=[萬万億亿兆倍成%％]))"
        in FIGURE_RE.pattern
    )
    rng = random.Random(11)
    texts = [p for a in articles for sec in a.sections for p in sec.paragraphs]
    alphabet = _CN_DIGITS + _NUM_AFTER + "0123456789٣,.，約逾US$NT億元年月 台積電\n"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(20000)]
    hinted = 0
    for text in texts:
        if NUMBER_HINT_RE.search(text):
            hinted += 1
        else:
            assert FIGURE_RE.search(text) is None
            assert find_figures(text) == []
    assert 100 < hinted < len(texts) - 100


def _old_keep_bmp(original: str, converted: str) -> str:
    if converted.isascii() or max(converted) <= "\uffff":
        return converted
    return "".join(o if c > "\uffff" else c for o, c in zip(original, converted, strict=True))


def test_keep_bmp_as_before(articles: list[Article]) -> None:
    from digests.textproc import _keep_bmp, _t2s

    rng = random.Random(17)
    pairs = [(o, _t2s().convert(o)) for o in map(new.original_text, articles)]
    pairs = [(o, c) for o, c in pairs if len(o) == len(c)]
    alphabet = "鋐台灣a 1\n𬭎𠀀\U0010ffff\uffff\ue000"
    for _ in range(5000):
        original = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        converted = "".join(rng.choice([ch, rng.choice(alphabet)]) for ch in original)
        pairs.append((original, converted))
    for original, converted in pairs:
        assert _keep_bmp(original, converted) == _old_keep_bmp(original, converted)
    assert any(_keep_bmp(o, c) != c for o, c in pairs)


def test_restates_with_the_union_as_without() -> None:
    """The union precheck of ``summarize._restates`` never changes its answer."""
    from digests.summarize import _restates

    rng = random.Random(19)
    vocab = [f"t{i}" for i in range(12)]
    sentence = Sentence("s", 0, 0, {}, [], [])
    for _ in range(20000):
        summary = [frozenset(rng.sample(vocab, rng.randrange(6))) for _ in range(rng.randrange(6))]
        terms = frozenset(rng.sample(vocab, rng.randrange(8)))
        union = frozenset().union(*summary)
        assert _restates(sentence, terms, summary, set(), union) == _restates(
            sentence, terms, summary, set()
        )


def test_open_quotes_as_before() -> None:
    from digests.textproc import _open_quotes

    def plain(text: str, start: int, end: int) -> bool:
        piece = text[start:end]
        opened = piece.count("「") + piece.count("『") + piece.count("“")
        return opened > piece.count("」") + piece.count("』") + piece.count("”")

    rng = random.Random(23)
    for _ in range(20000):
        text = "".join(rng.choice("「」『』“”a。") for _ in range(rng.randrange(15)))
        start = rng.randrange(len(text) + 2)
        end = rng.randrange(len(text) + 2)
        assert _open_quotes(text, start, end) == plain(text, start, end)


def test_every_figure_match_holds_a_number(articles: list[Article]) -> None:
    """What lets ``find_figures`` keep every match: the check it used to make holds."""
    from digests.figures import _CN_DIGITS, FIGURE_RE

    def plain(text: str) -> list[Figure]:
        figures = []
        for match in FIGURE_RE.finditer(text):
            raw = match.group(0).strip()
            if not any(ch.isdigit() or ch in _CN_DIGITS for ch in raw):
                continue
            figures.append(Figure(raw, _weight(raw)))
        return figures

    assert FIGURE_RE.groups == 0  # findall gives whole matches
    rng = random.Random(29)
    texts = [p for a in articles for sec in a.sections for p in sec.paragraphs]
    alphabet = _CN_DIGITS + "萬億成倍%％0123456789٣¹①,.，約逾US$NT元年月 \n台"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(14))) for _ in range(20000)]
    for text in texts:
        for match in FIGURE_RE.finditer(text):
            raw = match.group(0).strip()
            assert any(ch.isdigit() or ch in _CN_DIGITS for ch in raw)
        assert find_figures(text) == plain(text)


def test_first_seen_lookup_is_the_dict(articles: list[Article]) -> None:
    """:class:`~digests.analysis.FirstSeen` answers a term from its dict of first places
    when asked: the same span as the dict of first occurrences, no answer for what it
    lacks, and the same terms in the same order when iterated."""
    rng = random.Random(31)
    generated = [_article(rng) for _ in range(200)]
    for article in [*articles, *generated]:
        seen = analyze(article).first_seen
        want = _old_analyze(article).first_seen
        fresh = analyze(article).first_seen  # asked before it is ever iterated
        for term in [*want, "不在文中的詞", "", None]:
            assert fresh.get(term) == want.get(term)  # type: ignore[arg-type]
            assert (term in fresh) == (term in want)
        assert _items(seen) == _items(want)
        for term in want:  # and after
            assert seen[term] == want[term]


def test_content_terms_fill_the_memo_as_before(
    articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    """New tokens are judged where ``map`` meets them and ``map`` goes on; a full memo
    judges them one by one: the same terms either way (empty, partly known, filling up
    on the way, full)."""
    from digests import textproc

    lists = [word_spans(to_simplified(new.original_text(a)))[0] for a in articles[:8]]
    want = [_old_content_terms(words) for words in lists]
    monkeypatch.setattr(textproc, "_content_cache", {})
    assert [content_terms(words) for words in lists] == want
    rng = random.Random(37)
    for words in lists:  # a few new words an article, as in use
        for word in rng.sample(words, min(len(words), 12)):
            textproc._content_cache.pop(word, None)
        assert content_terms(words) == _old_content_terms(words)
    monkeypatch.setattr(textproc, "_CONTENT_MEMO_MAX", len(textproc._content_cache) + 3)
    for words in lists:  # the memo fills up part way through
        for word in rng.sample(words, min(len(words), 12)):
            textproc._content_cache.pop(word, None)
        assert content_terms(words) == _old_content_terms(words)
    monkeypatch.setattr(textproc, "_CONTENT_MEMO_MAX", 500_000)
    full = dict.fromkeys((f"x{i}" for i in range(500_000)), None)
    monkeypatch.setattr(textproc, "_content_cache", full)
    assert [content_terms(words) for words in lists] == want
    assert len(full) == 500_000


def test_read_memo_is_the_plain_loop() -> None:
    """:func:`digests.textproc._read_memo` (a map over the memo that goes on past new
    words, then the plain loop where they come thick) gives what the plain loop gave and
    leaves the memo as it left it, whatever the share of new words and the memo's room."""
    from digests.textproc import _read_memo

    def judge_into(memo: dict[str, str], limit: int):  # type: ignore[no-untyped-def]
        def judge(word: str) -> str:
            if word in memo:
                return memo[word]
            value = word.upper() + str(len(word))
            if len(memo) < limit:
                memo[word] = value
            return value

        return judge

    rng = random.Random(41)
    vocab = [f"w{i}" for i in range(300)]
    for case in range(600):
        words = [rng.choice(vocab) for _ in range(rng.randrange(0, 900))]
        known = rng.sample(vocab, rng.randrange(0, 301))
        limit = rng.choice([10**6, len(known) + rng.randrange(0, 20), len(known)])
        got_memo = {w: judge_into({}, 10**6)(w) for w in known}
        want_memo = dict(got_memo)
        source = iter(words) if case % 3 == 0 else dict.fromkeys(words) if case % 3 == 1 else words
        plain = dict.fromkeys(words) if case % 3 == 1 else words
        got = _read_memo(got_memo, source, judge_into(got_memo, limit), limit)
        want_judge = judge_into(want_memo, limit)
        want = [want_memo[w] if w in want_memo else want_judge(w) for w in plain]
        assert got == want
        assert list(got_memo.items()) == list(want_memo.items())


def test_word_idfs_after_the_memo_is_cleared(articles: list[Article]) -> None:
    from digests import textproc
    from digests.textproc import word_idf, word_idfs

    lists = [word_spans(to_simplified(new.original_text(a)))[0] for a in articles[:6]]
    want = [[word_idf(w) for w in words] for words in lists]
    textproc._idf_cache.clear()
    assert [word_idfs(words) for words in lists] == want
    rng = random.Random(43)
    for words in lists:
        for word in rng.sample(words, min(len(words), 9)):
            textproc._idf_cache.pop(word, None)
        assert word_idfs(dict.fromkeys(words)) == [word_idf(w) for w in dict.fromkeys(words)]
