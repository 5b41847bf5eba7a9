"""One pass of analysis over an article: simplify once, segment once, split sentences.

Everything downstream (digests, summary, keywords, figures, the search index)
reads from this structure, so the expensive steps run exactly once per article.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from digests.figures import Figure, find_figures
from digests.models import Article
from digests.textproc import Token, is_content_token, split_sentences, to_simplified, tokenize


@dataclass
class Sentence:
    text: str
    """Original script, as readers see it."""
    section: int
    index: int
    """Position of the sentence inside its section."""
    terms: Counter[str]
    figures: list[Figure]
    tokens: list[str] = field(default_factory=list, repr=False)
    """Simplified jieba tokens, for the search index."""


@dataclass
class SectionAnalysis:
    heading: str
    text: str
    heading_terms: Counter[str]
    sentences: list[Sentence]
    tokens: list[str]
    """Simplified tokens of the section text (for the search index)."""
    heading_tokens: list[str] = field(default_factory=list)

    @property
    def terms(self) -> Counter[str]:
        total: Counter[str] = Counter(self.heading_terms)
        for sent in self.sentences:
            total.update(sent.terms)
        return total


@dataclass
class ArticleAnalysis:
    article: Article
    title_terms: Counter[str]
    title_tokens: list[str]
    sections: list[SectionAnalysis]
    surfaces: dict[str, Counter[str]]
    """Simplified token -> original-script spellings seen, to show keywords as written."""

    def all_sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for s in sec.sentences]

    def surface(self, term: str) -> str:
        spellings = self.surfaces.get(term)
        return spellings.most_common(1)[0][0] if spellings else term


@cache
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's bundled IDF table (Simplified) and its median, for unseen words."""
    import jieba.analyse  # imported lazily: it loads a 6 MB table

    idf, median = jieba.analyse.default_tfidf.idf_loader.get_idf()
    return idf, median


def idf(term: str) -> float:
    table, median = idf_table()
    if term.isascii():
        # Latin acronyms (GWh, ERP, NVIDIA) are rare in jieba's corpus and topical.
        return table.get(term, median * 1.1)
    return table.get(term, median)


def analyze(article: Article) -> ArticleAnalysis:
    """Simplify and segment the whole article in one go and slice it back up."""
    parts: list[tuple[str, int, int]] = []  # (kind, section index, paragraph index)
    chunks: list[str] = []
    offsets: list[int] = []
    pos = 0

    def add(text: str, kind: str, sec: int, para: int) -> None:
        nonlocal pos
        chunks.append(text)
        offsets.append(pos)
        parts.append((kind, sec, para))
        pos += len(text) + 1

    add(article.title, "title", -1, -1)
    for si, section in enumerate(article.sections):
        add(section.heading, "heading", si, -1)
        for pi, para in enumerate(section.paragraphs):
            add(para, "para", si, pi)
    original = "\n".join(chunks)
    simplified = to_simplified(original)
    tokens = tokenize(simplified)

    surfaces: dict[str, Counter[str]] = {}
    for tok in tokens:
        if is_content_token(tok.text):
            surfaces.setdefault(_norm(tok.text), Counter())[original[tok.start : tok.end]] += 1

    sections = [SectionAnalysis(s.heading, s.text, Counter(), [], []) for s in article.sections]
    title_terms: Counter[str] = Counter()
    title_tokens: list[str] = []
    ti = 0
    for (kind, si, _pi), start, chunk in zip(parts, offsets, chunks, strict=True):
        end = start + len(chunk)
        while ti < len(tokens) and tokens[ti].end <= start:
            ti += 1
        chunk_tokens: list[Token] = []
        while ti < len(tokens) and tokens[ti].start < end:
            chunk_tokens.append(tokens[ti])
            ti += 1
        if kind == "title":
            title_tokens = [t.text for t in chunk_tokens]
            title_terms = _terms(chunk_tokens)
            continue
        sec = sections[si]
        if kind == "heading":
            sec.heading_terms = _terms(chunk_tokens)
            sec.heading_tokens = [t.text for t in chunk_tokens]
            continue
        sec.tokens.extend(t.text for t in chunk_tokens)
        k = 0
        for s_start, s_end in split_sentences(chunk):
            a, b = start + s_start, start + s_end
            sent_tokens = []
            while k < len(chunk_tokens) and chunk_tokens[k].start < b:
                if chunk_tokens[k].end > a:
                    sent_tokens.append(chunk_tokens[k])
                k += 1
            text = original[a:b]
            sec.sentences.append(
                Sentence(
                    text,
                    si,
                    len(sec.sentences),
                    _terms(sent_tokens),
                    find_figures(text),
                    [t.text for t in sent_tokens],
                )
            )
    return ArticleAnalysis(article, title_terms, title_tokens, sections, surfaces)


def _norm(word: str) -> str:
    return word.lower() if word.isascii() else word


def _terms(tokens: list[Token]) -> Counter[str]:
    return Counter(_norm(t.text) for t in tokens if is_content_token(t.text))


def tf_idf(counts: Counter[str]) -> dict[str, float]:
    return {t: (1.0 + math.log(c)) * idf(t) for t, c in counts.items()}
