"""What a reader of the digests notices besides coverage: repetition and sentences that mislead.

Coverage (``digest_eval.score``) asks whether the facts made it; these counts ask whether
what is shown can be read as it stands:

- **repetition**: a summary sentence shown again in a section digest of the same article,
  and any sentence shown twice in one rendered article (summary, every section's digest
  and the key figures not shown already, as ``/article`` and ``briefbot digest`` show them);
- **meta sentences**: about the article itself or stock phrases (本文將深入剖析…、
  以下從三個角度…、…意味著機遇與挑戰), :func:`digests.salience.is_meta`;
- **dangling pronouns**: a sentence opening with 這/其/它們/前者/該公司… shown without
  the sentence before it, where its referent sits (or the one before that, when the
  sentence between only explains it: 原因在於…); a section's first sentence has its
  heading above it;
- **lone list items**: "2. …" shown without the item before it (or, for the first item,
  the lead-in before it; a list opening a section has its heading for a lead-in);
- **companies kept**: of the sections naming a company, the share whose digest names at
  least one of them (for whole articles, the digest or a summary sentence from that
  section): investors read for the names.

The checks reuse the pipeline's own predicates, as the fragment count does, and locate
each shown sentence in its section's text, so they hold for any summarizer that shows
verbatim sentences.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from digests.salience import is_anaphoric, is_aside, is_marked_item, is_meta  # noqa: E402
from digests.selection import ANAPHOR_REACH, ITEM_REACH  # noqa: E402

SAMPLE_PAGE = REPO_ROOT.parent / "shared" / "corpus" / "blog-page-62.txt"
KEY_FIGURES_SHOWN = 5
"""Key figures a rendered article shows (``store.records.ArticleDetail.figures_not_shown``)."""

_BOUNDARY_RE = re.compile(r"[。！？!?]+[」』）)]*|\n")
_FIGURE_RE = re.compile(r"\d")


@dataclass
class Counts:
    """Reading problems found in shown sentences (section digests or whole articles)."""

    sentences: int = 0
    meta: int = 0
    dangling: int = 0
    lone_items: int = 0
    sections_with_companies: int = 0
    companies_kept: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in ("sentences", "meta", "dangling", "lone_items"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.sections_with_companies += other.sections_with_companies
        self.companies_kept += other.companies_kept
        self.examples.extend(other.examples)

    def row(self) -> dict[str, int | float]:
        kept = (
            round(self.companies_kept / self.sections_with_companies, 3)
            if self.sections_with_companies
            else 1.0
        )
        return {
            "sentences": self.sentences,
            "meta": self.meta,
            "dangling": self.dangling,
            "lone_items": self.lone_items,
            "sections_with_companies": self.sections_with_companies,
            "companies_kept": self.companies_kept,
            "companies_kept_share": kept,
        }


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of ``text`` (split at 。！？!? and line breaks)."""
    starts = [0]
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if starts[-1] < end < len(text):
            starts.append(end)
    return starts


def _index_at(starts: list[int], offset: int) -> int:
    return max(i for i, start in enumerate(starts) if start <= offset)


def check_shown(
    text: str, shown: Sequence[str], headed: bool = True, named: Sequence[str] = ()
) -> Counts:
    """Meta, dangling and lone-item counts for ``shown`` sentences taken from ``text``.

    ``headed``: the sentences are shown under the section's heading (a section digest), so
    a list opening the section is introduced; a summary shows no heading.  ``named``: the
    sentences naming a company (其中我們最推薦的是兆豐金 points back to no one needed).
    """
    counts = Counts(sentences=len(shown))
    starts = sentence_starts(text)
    spans: list[tuple[int, int]] = []  # sentence indices each shown sentence covers
    for sentence in shown:
        pos = text.find(sentence)
        if pos < 0:
            spans.append((-1, -1))
            continue
        spans.append((_index_at(starts, pos), _index_at(starts, pos + len(sentence) - 1)))
    covered = {k for lo, hi in spans if lo >= 0 for k in range(lo, hi + 1)}
    pieces = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    for sentence, (lo, _) in zip(shown, spans, strict=True):
        if is_meta(sentence):
            counts.meta += 1
            counts.examples.append(f"meta: {sentence}")
        if lo < 0:
            continue
        subject = bool(_FIGURE_RE.search(sentence)) or company_kept(named, [sentence])
        reach = ANAPHOR_REACH + (lo > ANAPHOR_REACH and is_aside(pieces[lo - ANAPHOR_REACH]))
        if (
            is_anaphoric(sentence, subject)
            and not (headed and lo == 0)
            and not any(lo - k in covered for k in range(1, reach + 1))
        ):
            counts.dangling += 1
            counts.examples.append(f"dangling: {sentence}")
        if is_marked_item(sentence) and not _item_introduced(lo, pieces, covered, headed):
            counts.lone_items += 1
            counts.examples.append(f"lone item: {sentence}")
    return counts


def _item_introduced(index: int, pieces: list[str], covered: set[int], headed: bool) -> bool:
    """The item before it is shown, or (first item) its lead-in, or the heading leads it."""
    if index == 0:
        return headed
    for k in range(1, ITEM_REACH + 1):
        if index - k < 0:
            break
        if is_marked_item(pieces[index - k]):
            return index - k in covered
    return index - 1 in covered


def company_kept(mention_sentences: Iterable[str], shown: Sequence[str]) -> bool:
    """Whether a shown sentence is (or holds, or lies inside) a sentence naming a company."""
    return any(m in s or s in m for m in mention_sentences for s in shown)


def section_counts(
    sections: Sequence[object], summarize: Callable[[str, str, int], list[str]], budget: int
) -> Counts:
    """Reading problems and companies kept over stand-alone section digests."""
    total = Counts()
    for sec in sections:
        text, heading = sec.text, sec.heading  # type: ignore[attr-defined]
        digest = summarize(heading, text, budget)
        named = _mention_sentences(heading, text)
        counts = check_shown(text, digest, named=named)
        if named:
            counts.sections_with_companies = 1
            counts.companies_kept = int(company_kept(named, digest))
        total.add(counts)
    return total


def _mention_sentences(heading: str, text: str) -> list[str]:
    """Sentences of a stand-alone section in which the pipeline finds a company."""
    from digests.analysis import analyze
    from digests.lexicon import default_lexicon
    from digests.mentions import find_mentions
    from digests.models import Article, Section

    article = Article(
        title="",
        sections=(Section(heading, tuple(p for p in text.split("\n") if p.strip())),),
        source="<section>",
        source_kind="text",
    )
    directory = default_lexicon().directory
    return [m.sentence for m in find_mentions(analyze(article), directory) if m.section >= 0]


@dataclass
class ArticleCounts:
    """Repetition and reading problems over whole digested articles."""

    articles: int = 0
    summary_sentences: int = 0
    repeated_in_digests: int = 0
    repeated_in_article: int = 0
    shown: Counts = field(default_factory=Counts)

    def row(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "summary_sentences": self.summary_sentences,
            "repeated_in_digests": self.repeated_in_digests,
            "repeated_in_article": self.repeated_in_article,
            **self.shown.row(),
        }


def article_counts(articles: Iterable[object]) -> ArticleCounts:
    """Digest each article whole and count what its rendered view would repeat or mislead."""
    from digests.lexicon import default_lexicon
    from digests.summarize import digest_article

    lexicon = default_lexicon()
    out = ArticleCounts()
    for article in articles:
        digested = digest_article(article, lexicon)  # type: ignore[arg-type]
        out.articles += 1
        out.summary_sentences += len(digested.summary)
        in_digests = {s for sec in digested.sections for s in sec.digest}
        out.repeated_in_digests += sum(s in in_digests for s in digested.summary)
        rendered = [*digested.summary, *(s for sec in digested.sections for s in sec.digest)]
        # The key figures block shows those not already shown (ArticleDetail.figures_not_shown).
        figures = [s for s in digested.key_figures if s not in rendered][:KEY_FIGURES_SHOWN]
        rendered += figures
        out.repeated_in_article += len(rendered) - len(set(rendered))
        body = "\n".join(sec.text for sec in digested.sections)
        named_all = [m.sentence for m in digested.mentions if m.section >= 0]
        out.shown.add(check_shown(body, digested.summary, headed=False, named=named_all))
        out.shown.add(check_shown(body, figures, headed=False, named=named_all))
        for sec in digested.sections:
            named = [s for s in named_all if s in sec.text]
            counts = check_shown(sec.text, sec.digest, named=named)
            if named:
                # The summary speaks for the whole article: a company it names from this
                # section is not lost, only said once.
                counts.sections_with_companies = 1
                counts.companies_kept = int(company_kept(named, [*sec.digest, *digested.summary]))
            out.shown.add(counts)
    return out


def eval_articles(path: Path) -> list[object]:
    """The articles of an evaluation set, as the pipeline reads them (facts are ignored)."""
    from digests.models import Article, Section

    return [
        Article(
            title=item["title"],
            sections=tuple(
                Section(sec["heading"], tuple(p for p in sec["text"].split("\n") if p.strip()))
                for sec in item["sections"]
            ),
            source=f"<{path.name}>",
            source_kind="text",
        )
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]


def page_articles(path: Path) -> list[object]:
    """The articles of a page dump (or any source) the way ``briefbot ingest`` reads them."""
    from digests.sources import load

    return list(load(str(path)).articles)


def format_counts(label: str, row: dict[str, object]) -> str:
    """One line for the table under each set."""
    parts = [label]
    if "articles" in row:
        parts.append(
            f"{row['articles']} articles, summary sentences repeated in digests "
            f"{row['repeated_in_digests']}/{row['summary_sentences']}, "
            f"sentences repeated within an article {row['repeated_in_article']};"
        )
    parts.append(
        f"meta {row['meta']}, dangling pronouns {row['dangling']}, "
        f"lone list items {row['lone_items']} (of {row['sentences']} sentences); "
        f"companies kept {row['companies_kept']}/{row['sections_with_companies']} sections"
    )
    return " ".join(parts)
