"""Side-by-side fact-coverage benchmark for section digests.

briefbot's digest of a section must carry the section's key claim and key
figures within 160 characters.  A digest that *sounds* fine but drops the
number is a failure, so the metric here is literal: the fraction of a
section's hand-written facts (exact substrings of its text) that appear in the
digest.  Every method gets the same budget and must keep sentences whole and
in document order, so the comparison measures *which* sentences a method
picks, not how much text it is allowed to emit.

Run from anywhere:
    python bench/digest_eval.py [--json] [--check] [--fragments] [--examples] [--max-sentences N]
                                [--set PATH]... [--page PATH]...

Without --set every set in bench/eval/ named in DEFAULT_SETS is scored, one table each:
the original tuning set, the earlier held-out set, the real-world-styles set and the
long-sections set.  Under each table a line counts, for sections longer than the budget,
the facts Lead-k misses that briefbot keeps (and the reverse): the gain must come from
sections where the writer buries the fact, not from short news the lead already covers.

Then two lines of reading checks (``bench/digest_quality.py``): over briefbot's section
digests, meta sentences, dangling pronouns, lone list items and the share of sections
naming a company whose digest keeps one; over each set's articles digested whole, the
summary sentences repeated in section digests and the sentences shown twice in one
article, with the same checks.  Page dumps (``--page``, by default the sample page when
present) get the article line too.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(__file__).resolve().parent / "eval"
EVAL_PATH = EVAL_DIR / "articles.json"
DEFAULT_SETS = (
    "articles.json",
    "holdout.json",
    "tuning_real.json",
    "tuning_long.json",
    "tuning_calls.json",
)
"""Original tuning set, earlier held-out set, real-world styles (news leads, columns,
listing reports, round-ups, bullet lists of picks, 法說會 summaries), and long sections
(300-900 characters) whose key fact sits after context, history or market colour, and
sections whose point is the writer's call, the news after dated history, or a round-up's
flows and index move, beside meta sentences (這篇就用三個角度來拆解) and short asides."""
BUDGET = 160
MAX_SENTENCES = 3  # the digest spec: 1-3 whole sentences

# A sentence ends at a run of 。！？!? plus any closing quotes/brackets, so that
# 「……。」 stays one sentence and the quote mark is not orphaned; a line break
# (a paragraph, a bullet line of a list) ends one too.
_SENTENCE_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[」』）)]*|\n|$)")

Summarizer = Callable[[str, str, int], list[str]]
Ranker = Callable[[str], list[int]]  # text -> indices into split_sentences(text), best first


@dataclass(frozen=True)
class Section:
    """One scored unit: a section's text and the facts a digest must keep."""

    article: str
    heading: str
    text: str
    facts: tuple[str, ...]


def split_sentences(text: str) -> list[str]:
    """Split into whole sentences; shared by lead and the peers' mapping."""
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def load_sections(path: Path = EVAL_PATH) -> list[Section]:
    """Load the eval set, refusing facts that are not verbatim in their text.

    A non-verbatim fact could never be matched and would silently lower every
    method's score, so it is a data error, not a result.
    """
    sections: list[Section] = []
    for article in json.loads(path.read_text(encoding="utf-8")):
        for sec in article["sections"]:
            missing = [f for f in sec["facts"] if f not in sec["text"]]
            if missing:
                raise ValueError(
                    f"{article['title']} / {sec['heading']!r}: facts not in text: {missing}"
                )
            sections.append(
                Section(article["title"], sec["heading"], sec["text"], tuple(sec["facts"]))
            )
    return sections


def fit_budget(
    sentences: Sequence[str], ranking: Sequence[int], budget: int, max_sentences: int
) -> list[str]:
    """Take the longest prefix of `ranking` whose sentences fit the budget.

    The budget is `budget` characters and, if `max_sentences` > 0, that many
    sentences.  Sentences come back in document order.  The top-ranked
    sentence is always kept, even alone over budget, matching the digest rule
    that a single long sentence is allowed.  Prefix sets are nested, so the
    first overflow ends the search: this is "the largest k that fits".
    """
    chosen: set[int] = set()
    for idx in ranking:
        candidate = chosen | {idx}
        too_long = sum(len(sentences[i]) for i in candidate) > budget
        if chosen and (too_long or 0 < max_sentences < len(candidate)):
            break
        chosen = candidate
    return [sentences[i] for i in sorted(chosen)]


def locate_fragments(text: str, sentences: Sequence[str], fragments: Sequence[str]) -> list[int]:
    """Map a peer's own fragments (in document order) to our sentence indices.

    SnowNLP and textrank4zh split on their own delimiters (SnowNLP even on
    ，) and strip punctuation, so their units are not our sentences.  Walking a
    cursor through the text places each fragment at its real offset, which
    also disambiguates repeated short fragments such as a lone 」.
    """
    starts: list[int] = []
    cursor = 0
    for sent in sentences:
        cursor = text.index(sent, cursor)
        starts.append(cursor)
        cursor += len(sent)
    owners: list[int] = []
    cursor = 0
    for frag in fragments:
        pos = text.find(frag, cursor)
        if pos < 0:
            raise ValueError(f"fragment not found in text: {frag!r}")
        owners.append(max(i for i, start in enumerate(starts) if start <= pos))
        cursor = pos + len(frag)
    return owners


def lead_rank(text: str) -> list[int]:
    """Lead-k: the classic baseline that real writing (context first) defeats."""
    return list(range(len(split_sentences(text))))


def snownlp_rank(text: str) -> list[int]:
    """SnowNLP's BM25 TextRank, its picks widened to our whole sentences.

    summary(k) is a slice of one fixed ranking, so a single summary(n) call
    gives every k at once.
    """
    from snownlp import SnowNLP

    doc = SnowNLP(text)
    fragments: list[str] = doc.sentences
    owners = locate_fragments(text, split_sentences(text), fragments)
    # summary() returns strings; give the i-th repeat of a string the i-th
    # occurrence so duplicates (identical rows, identical scores) stay distinct.
    slots: dict[str, list[int]] = {}
    for frag, owner in zip(fragments, owners, strict=True):
        slots.setdefault(frag, []).append(owner)
    return [slots[frag].pop(0) for frag in doc.summary(len(fragments))]


def _pagerank(
    weights: np.ndarray, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6
) -> dict[int, float]:
    """networkx.pagerank's weighted power iteration in plain numpy.

    networkx>=3 routes pagerank through scipy, which nothing else here needs;
    this keeps its semantics (row-normalised weights, dangling mass spread
    uniformly, stop at L1 change < n*tol) without the dependency.
    """
    n = weights.shape[0]
    if n == 0:
        return {}
    out = weights.sum(axis=1, keepdims=True)
    trans = np.divide(weights, out, out=np.zeros_like(weights, dtype=float), where=out > 0)
    dangling = out[:, 0] == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * (prev @ trans + prev[dangling].sum() / n) + (1.0 - alpha) / n
        if np.abs(x - prev).sum() < n * tol:
            break
    return {i: float(v) for i, v in enumerate(x)}


def _textrank4zh_ranker() -> Ranker:
    """Build a textrank4zh ranker that runs on current networkx.

    textrank4zh 0.3 calls nx.from_numpy_matrix (gone in networkx 3) and
    nx.pagerank (scipy-only in networkx 3).  Rather than pin old libraries,
    its module-level `nx` is swapped for a shim; networkx itself is untouched.
    The shim's pagerank matches networkx's reference implementation to ~1e-16
    on this eval set, with identical rankings.
    """
    import jieba
    import jieba.posseg
    from textrank4zh import Segmentation, TextRank4Sentence, util

    jieba.setLogLevel(logging.WARNING)
    util.nx = SimpleNamespace(from_numpy_matrix=np.asarray, pagerank=_pagerank)
    # textrank4zh POS-tags every sentence three times (one per filter level);
    # on Traditional text that is mostly jieba's slow HMM path, so memoize it.
    cut = functools.lru_cache(maxsize=None)(lambda text: tuple(jieba.posseg.cut(text)))
    Segmentation.pseg = SimpleNamespace(cut=cut)
    ranker = TextRank4Sentence()

    def rank(text: str) -> list[int]:
        ranker.analyze(text=text, lower=True, source="all_filters")
        owners = locate_fragments(text, split_sentences(text), ranker.sentences)
        picks = ranker.get_key_sentences(num=len(ranker.sentences))
        return [owners[item.index] for item in picks]

    return rank


def _briefbot() -> Summarizer | None:
    """Import the project's summarizer lazily; it may not exist yet."""
    os.chdir(REPO_ROOT)
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        from digests.summarize import digest_section
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name not in (
            "digests",
            "digests.summarize",
        ):
            raise
        print(f"note: briefbot skipped ({exc})", file=sys.stderr)
        return None
    return lambda heading, text, budget: list(digest_section(heading, text, budget=budget))


def extractive(rank: Ranker, max_sentences: int) -> Summarizer:
    """Turn a peer's ranking into a digest under the one shared budget rule."""

    def digest(heading: str, text: str, budget: int) -> list[str]:
        return fit_budget(split_sentences(text), rank(text), budget, max_sentences)

    return digest


def methods(max_sentences: int = MAX_SENTENCES) -> dict[str, Summarizer]:
    """All methods that can run here, in table order."""
    rankers: dict[str, Ranker] = {
        "lead": lead_rank,
        "snownlp": snownlp_rank,
        "textrank4zh": _textrank4zh_ranker(),
    }
    table = {name: extractive(rank, max_sentences) for name, rank in rankers.items()}
    briefbot = _briefbot()
    if briefbot is not None:
        table["briefbot"] = briefbot
    return table


def score(
    name: str,
    summarize: Summarizer,
    sections: Sequence[Section],
    budget: int,
    max_sentences: int = MAX_SENTENCES,
) -> dict[str, float | int]:
    """Coverage averaged per section (short sections count equally) plus totals.

    Also warns on stderr when a method breaks the shared rules, since an
    over-budget or rewritten digest would make its coverage incomparable.
    """
    coverages: list[float] = []
    covered = chars = over = rewritten = fragments = sentences = 0
    for sec in sections:
        digest = summarize(sec.heading, sec.text, budget)
        output = "".join(digest)
        flagged = [s for s in digest if _fragment_reasons(s)]
        fragments += len(flagged)
        sentences += len(digest)
        hits = sum(fact in output for fact in sec.facts)
        coverages.append(hits / len(sec.facts))
        covered += hits
        chars += len(output)
        over += len(digest) > 1 and (len(output) > budget or 0 < max_sentences < len(digest))
        rewritten += any(s not in sec.text for s in digest)
    if over or rewritten:
        print(
            f"warning: {name}: {over} digests over budget, "
            f"{rewritten} with text not in the section",
            file=sys.stderr,
        )
    return {
        "coverage": round(sum(coverages) / len(coverages), 4),
        "facts_covered": covered,
        "avg_chars": round(chars / len(sections), 1),
        "fragments": fragments,
        "sentences": sentences,
    }


def memoized(summarize: Summarizer) -> Summarizer:
    """Each section is digested once per method, however many figures read the digest."""
    cache: dict[tuple[str, str, int], list[str]] = {}

    def digest(heading: str, text: str, budget: int) -> list[str]:
        key = (heading, text, budget)
        if key not in cache:
            cache[key] = summarize(heading, text, budget)
        return cache[key]

    return digest


def long_section_gain(
    sections: Sequence[Section], lead: Summarizer, ours: Summarizer, budget: int
) -> dict[str, int]:
    """Facts of sections longer than the budget: which Lead-k misses and we keep, and back.

    Lead is strong on short news (the lead sentence *is* the fact); the point of the
    digest is the long section where context comes first, so that is counted apart.
    """
    long_secs = [sec for sec in sections if len(sec.text) > budget]
    row = {"sections": len(long_secs), "facts": 0, "lead_misses_we_keep": 0}
    row["we_miss_lead_keeps"] = 0
    for sec in long_secs:
        theirs = "".join(lead(sec.heading, sec.text, budget))
        mine = "".join(ours(sec.heading, sec.text, budget))
        for fact in sec.facts:
            row["facts"] += 1
            row["lead_misses_we_keep"] += fact not in theirs and fact in mine
            row["we_miss_lead_keeps"] += fact in theirs and fact not in mine
    return row


def _fragment_reasons(sentence: str) -> list[str]:
    """The project's fragment detector (ends in ：, clause cut at ；, stub, label…)."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        from digests.fragments import fragment_reasons
    except ImportError:
        return []
    return fragment_reasons(sentence)


def fragment_examples(
    summarize: Summarizer, sections: Sequence[Section], budget: int
) -> list[tuple[str, list[str]]]:
    """Digest sentences the detector flags, with its reasons (for --fragments)."""
    found = []
    for sec in sections:
        for sentence in summarize(sec.heading, sec.text, budget):
            reasons = _fragment_reasons(sentence)
            if reasons:
                found.append((sentence, reasons))
    return found


def oracle(sec: Section, budget: int, max_sentences: int = MAX_SENTENCES) -> int:
    """Most facts any whole-sentence, in-budget digest could carry."""
    sentences = split_sentences(sec.text)
    best = 0
    for r in range(1, (max_sentences or len(sentences)) + 1):
        for combo in itertools.combinations(sentences, r):
            output = "".join(combo)
            if r == 1 or len(output) <= budget:
                best = max(best, sum(fact in output for fact in sec.facts))
    return best


def check(sections: Sequence[Section], budget: int, max_sentences: int) -> int:
    """Lint the eval set against its own writing rules; returns problem count."""
    problems = 0
    for sec in sections:
        sentences = split_sentences(sec.text)
        issues: list[str] = []
        if not 5 <= len(sentences) <= 9:
            issues.append(f"{len(sentences)} sentences")
        if not 250 <= len(sec.text) <= 700:
            issues.append(f"{len(sec.text)} chars")
        if not 2 <= len(sec.facts) <= 4:
            issues.append(f"{len(sec.facts)} facts")
        if re.search(r"[,:;?!]", sec.text):
            issues.append("half-width punctuation")
        issues += [
            f"fact spans sentences: {f}" for f in sec.facts if not any(f in s for s in sentences)
        ]
        ceiling = oracle(sec, budget, max_sentences)
        if ceiling < len(sec.facts):
            issues.append(f"only {ceiling}/{len(sec.facts)} facts reachable in {budget} chars")
        first = sum(f in sentences[0] for f in sec.facts)
        label = f"{sec.article[:12]}… / {sec.heading or '(intro)'}"
        print(
            f"{label:<40} sents={len(sentences)} chars={len(sec.text)} "
            f"facts_in_first={first} {'; '.join(issues)}"
        )
        problems += bool(issues)
    print(f"{len(sections)} sections, {problems} with problems")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry: one table per set by default, one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object instead of a table"
    )
    parser.add_argument("--check", action="store_true", help="lint the eval set and exit")
    parser.add_argument("--budget", type=int, default=BUDGET, help="characters per section digest")
    parser.add_argument(
        "--max-sentences",
        type=int,
        default=MAX_SENTENCES,
        help="sentences per digest for the extractive peers (0: characters only)",
    )
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        metavar="PATH",
        help="eval set JSON to score; repeatable (default: the sets of bench/eval/ "
        + ", ".join(DEFAULT_SETS)
        + ")",
    )
    parser.add_argument(
        "--fragments",
        action="store_true",
        help="also list briefbot digest sentences the fragment detector flags",
    )
    parser.add_argument(
        "--page",
        type=Path,
        action="append",
        metavar="PATH",
        help="page dump (any source) whose articles get the repetition and reading checks; "
        "repeatable (default: the sample page ../shared/corpus/blog-page-62.txt when present)",
    )
    parser.add_argument(
        "--examples",
        action="store_true",
        help="also list the sentences the reading checks flag (meta, dangling, lone items)",
    )
    args = parser.parse_args(argv)

    # Resolve before methods() runs: _briefbot() chdirs to the repo root.
    paths = (
        [p.resolve() for p in args.set]
        if args.set
        else [EVAL_DIR / name for name in DEFAULT_SETS if (EVAL_DIR / name).exists()]
    )
    sets = {path.stem: load_sections(path) for path in paths}
    pages = [p.resolve() for p in args.page] if args.page else []
    if args.check:
        problems = sum(check(secs, args.budget, args.max_sentences) for secs in sets.values())
        return 1 if problems else 0
    table = {name: memoized(fn) for name, fn in methods(args.max_sentences).items()}
    report: dict[str, dict[str, object]] = {}
    for name, sections in sets.items():
        results = {
            method: score(method, fn, sections, args.budget, args.max_sentences)
            for method, fn in table.items()
        }
        report[name] = {
            "sections": len(sections),
            "facts": sum(len(sec.facts) for sec in sections),
            "facts_in_first_sentence": sum(
                f in (split_sentences(sec.text) or [""])[0] for sec in sections for f in sec.facts
            ),
            "methods": results,
        }
        if "briefbot" in table:
            report[name]["long_sections"] = long_section_gain(
                sections, table["lead"], table["briefbot"], args.budget
            )
    reading, examples = _reading(table, sets, paths, pages, args.budget)
    for name, row in reading.items():
        if name in report:
            report[name]["reading"] = row
    page_rows = {name: row for name, row in reading.items() if name not in report}
    if args.json:
        only = next(iter(report.values())) if len(report) == 1 else {"sets": report}
        if page_rows:
            only["pages"] = page_rows
        print(json.dumps(only, ensure_ascii=False))
        return 0
    cap = f", at most {args.max_sentences} sentences" if args.max_sentences > 0 else ""
    for name, row in report.items():
        sections = sets[name]
        total = row["facts"]
        print(
            f"== {name}: {row['sections']} sections, {total} facts "
            f"({row['facts_in_first_sentence']} in a first sentence), "
            f"budget {args.budget} chars{cap}"
        )
        print(f"{'method':<12} {'coverage':>8} {'facts':>9} {'avg_chars':>9} {'fragments':>11}")
        for method, res in row["methods"].items():  # type: ignore[union-attr]
            print(
                f"{method:<12} {res['coverage']:>8.3f} "
                f"{res['facts_covered']:>4}/{total:<4} {res['avg_chars']:>9.1f} "
                f"{res['fragments']:>4}/{res['sentences']:<4}"
            )
        ceiling = sum(oracle(sec, args.budget, args.max_sentences) for sec in sections)
        print(f"(ceiling: the best whole-sentence digests under this budget hold {ceiling} facts)")
        gain = row.get("long_sections")
        if isinstance(gain, dict):
            print(
                f"sections over {args.budget} chars: {gain['sections']}, {gain['facts']} facts; "
                f"Lead misses {gain['lead_misses_we_keep']} that briefbot keeps, "
                f"briefbot misses {gain['we_miss_lead_keeps']} that Lead keeps"
            )
        if args.fragments and "briefbot" in table:
            for sentence, reasons in fragment_examples(table["briefbot"], sections, args.budget):
                print(f"  fragment: {sentence!r} ({'; '.join(reasons)})")
        _print_reading(row.get("reading"), examples.get(name, []) if args.examples else [])
        print()
    for name, row in page_rows.items():
        print(f"== page {name}")
        _print_reading(row, examples.get(name, []) if args.examples else [])
        print()
    return 0


def _reading(
    table: dict[str, Summarizer],
    sets: dict[str, list[Section]],
    paths: Sequence[Path],
    pages: Sequence[Path],
    budget: int,
) -> tuple[dict[str, dict[str, object]], dict[str, list[str]]]:
    """Repetition and reading checks of briefbot's digests, per set and per page."""
    if "briefbot" not in table:
        return {}, {}
    import digest_quality as dq

    rows: dict[str, dict[str, object]] = {}
    examples: dict[str, list[str]] = {}
    for path in paths:
        sections = dq.section_counts(sets[path.stem], table["briefbot"], budget)
        articles = dq.article_counts(dq.eval_articles(path))
        rows[path.stem] = {"sections": sections.row(), "articles": articles.row()}
        examples[path.stem] = sections.examples + articles.shown.examples
    if not pages and dq.SAMPLE_PAGE.exists():
        pages = [dq.SAMPLE_PAGE]
    for page in pages:
        articles = dq.article_counts(dq.page_articles(page))
        rows[page.stem] = {"articles": articles.row()}
        examples[page.stem] = articles.shown.examples
    return rows, examples


def _print_reading(row: object, examples: Sequence[str]) -> None:
    if not isinstance(row, dict):
        return
    import digest_quality as dq

    if "sections" in row:
        print(dq.format_counts("section digests:", row["sections"]))
    print(dq.format_counts("whole articles:", row["articles"]))
    for example in examples:
        print(f"  {example}")


if __name__ == "__main__":
    sys.exit(main())
