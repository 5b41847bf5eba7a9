"""Held-out real-world evaluation: the whole product, through its command line.

The other benchmarks score one stage on text the stage was tuned on.  This one
asks what a reader gets from articles nobody tuned on: page dumps, HTML pages
and a feed written in the styles of Taiwanese financial news, columns, IPO
reports, round-ups and blogs (`bench/eval/real/`, gold in `gold.json`; a second
set with longer, context-first sections in `bench/eval/real2/`; a third with
new outlets, topics and companies in `bench/eval/real3/`; a fourth whose gold
also says what a reader must and must not be shown, in `bench/eval/real4/`).  They
go through `briefbot ingest` into a temporary store, and every figure is read
back through `briefbot articles|digest|sector|company --json`, because the CLI
is the stable interface while the packages move.  The reading figures
(repetition, meta sentences, dangling pronouns, lone list items, companies kept,
publication dates: `real_eval_reading.py`) judge the text views a reader is
shown, `briefbot digest ID` and `briefbot sector WORD` as printed.

Run from anywhere:  python bench/real_eval.py [--set DIR | --all] [--json] [--verbose] [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# digest_eval: bench/ is on sys.path when this runs as a script.  The Lead
# baseline shares its sentence and budget rules, so both measure the same thing.
from digest_eval import BUDGET, split_sentences
from real_eval_gold import (
    ALL_SETS,
    REPO_ROOT,
    SET_DIR,
    TARGETS,
    GoldArticle,
    fragment_reason,
    load_gold,
    norm_text,
)
from real_eval_reading import fetch_shown, reading_rows, score_reading
from real_eval_scoring import (
    CompanyResolver,
    exchange_names,
    score_companies,
    score_facts,
    score_fragments,
    score_headings,
    score_sectors,
)
from real_eval_store import StoredArticle, ingest, load_store, match_articles

# ---------------------------------------------------------------- report


def evaluate(set_dir: Path, per_process: bool = False) -> dict[str, Any]:
    started = time.monotonic()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        phases[name] = round(time.monotonic() - started - sum(phases.values()), 1)

    gold = load_gold(set_dir)
    with tempfile.TemporaryDirectory(prefix="briefbot-real-") as tmp:
        db, ingest_out = ingest(set_dir, Path(tmp))
        errors = [line for line in ingest_out.splitlines() if line.startswith("error")]
        lap("ingest")
        stored = load_store(db, per_process)
        lap("articles_and_digests")
        by_file: dict[str, list[StoredArticle]] = {}
        for art in stored:
            by_file.setdefault(art.file, []).append(art)
        for arts in by_file.values():
            arts.sort(key=lambda a: a.id)

        pairs: list[tuple[GoldArticle, StoredArticle | None]] = []
        sources = []
        for gf in gold:
            got = by_file.get(gf.file, [])
            matched = match_articles(gf.articles, got)
            pairs += [(g, matched.get(i)) for i, g in enumerate(gf.articles)]
            sources.append(
                {
                    "file": gf.file,
                    "style": gf.style,
                    "expected": len(gf.articles),
                    "got": len(got),
                    "matched": len(matched),
                    "titles": [a.title for a in got],
                }
            )
        headings, heading_precision = score_headings(pairs)
        resolver = CompanyResolver(db, per_process)
        companies, company_precision = score_companies(pairs, resolver, exchange_names())
        lap("company_queries")
        sectors = score_sectors(pairs, db, per_process)
        lap("sector_queries")
        fragments = score_fragments(stored)
        fact_scores = score_facts(pairs)
        words = sorted({w for g, _ in pairs for w in g.sectors})
        shown = fetch_shown(db, stored, words, per_process)
        reading = score_reading(pairs, stored, shown)
        lap("reading_views")
    facts, lead_facts = fact_scores.digest, fact_scores.lead

    single = [s for s in sources if s["expected"] == 1]
    result: dict[str, Any] = {
        "sources": sources,
        "gold_articles": len(pairs),
        "stored_articles": len(stored),
        "matched_articles": sum(s is not None for _, s in pairs),
        "single_article_sources": {
            "exactly_one": sum(s["got"] == 1 for s in single),
            "total": len(single),
        },
        "sources_exact": sum(s["got"] == s["expected"] for s in sources),
        "ingest_errors": errors,
        "heading_recall": headings.rate,
        "heading_precision": heading_precision.rate,
        "company_recall": companies.rate,
        "company_precision": company_precision.rate,
        "sector_hit_rate": sectors.rate,
        "fragments": fragments.hit,
        "digest_sentences": fragments.total,
        "key_facts": {
            "total": facts.total,
            "digest": facts.hit,
            "lead": lead_facts.hit,
            "in_stored_text": fact_scores.in_text.hit,
            "in_article_view": fact_scores.view.hit,
            "long_sections": {
                "facts": fact_scores.long_digest.total,
                "digest": fact_scores.long_digest.hit,
                "lead": fact_scores.long_lead.hit,
            },
            "digest_recall": facts.rate,
            "lead_recall": lead_facts.rate,
            "gain_over_lead": round(facts.rate - lead_facts.rate, 3),
        },
        "counts": {
            "headings": [headings.hit, headings.total],
            "stored_headings": [heading_precision.hit, heading_precision.total],
            "companies": [companies.hit, companies.total],
            "stored_companies": [company_precision.hit, company_precision.total],
            "sector_queries": [sectors.hit, sectors.total],
        },
        "reading": reading.as_json(),
        "seconds": round(time.monotonic() - started, 1),
        "phases_s": phases,
    }
    result["targets_met"] = {
        "single_article_sources": result["single_article_sources"]["exactly_one"] == len(single),
        "company_recall": companies.rate >= TARGETS["company_recall"],
        "company_precision": company_precision.rate >= TARGETS["company_precision"],
        "sector_hit_rate": sectors.rate >= TARGETS["sector_hit_rate"],
        "no_fragments": fragments.hit == 0,
        "key_fact_recall": facts.rate >= TARGETS["key_fact_recall"],
        "key_fact_gain_over_lead": facts.rate - lead_facts.rate
        >= TARGETS["key_fact_gain_over_lead"],
    }
    result["misses"] = {
        "headings": headings.misses,
        "spurious_headings": heading_precision.misses,
        "companies": companies.misses,
        "extra_companies": company_precision.misses,
        "sectors": sectors.misses,
        "fragments": fragments.misses,
        "facts": facts.misses,
        **{f"reading_{k}": v for k, v in reading.misses().items()},
    }
    return result


def print_table(r: dict[str, Any], verbose: bool) -> None:
    kf, c = r["key_facts"], r["counts"]
    single = r["single_article_sources"]
    met = r["targets_met"]

    def mark(key: str) -> str:
        return "ok" if met[key] else "MISSED"

    print(
        f"real-world set: {len(r['sources'])} sources, {r['gold_articles']} gold articles; "
        f"{r['stored_articles']} stored, {r['matched_articles']} matched ({r['seconds']} s)"
    )
    for err in r["ingest_errors"]:
        print(f"  ingest {err}")
    print("\narticles per source (got/expected):")
    for s in r["sources"]:
        flag = "" if s["got"] == s["expected"] else "   <--"
        print(f"  {s['file']:<30} {s['got']:>2}/{s['expected']}{flag}")
    rows = [
        (
            "single-article sources with one article",
            f"{single['exactly_one']}/{single['total']}",
            "all",
            mark("single_article_sources"),
        ),
        ("heading recall", f"{r['heading_recall']:.3f} ({c['headings'][0]}/{c['headings'][1]})"),
        (
            "heading precision",
            f"{r['heading_precision']:.3f} ({c['stored_headings'][0]}/{c['stored_headings'][1]})",
        ),
        (
            "company recall",
            f"{r['company_recall']:.3f} ({c['companies'][0]}/{c['companies'][1]})",
            ">= 0.90",
            mark("company_recall"),
        ),
        (
            "company precision",
            f"{r['company_precision']:.3f} ({c['stored_companies'][0]}/{c['stored_companies'][1]})",
            ">= 0.90",
            mark("company_precision"),
        ),
        (
            "sector-query hit rate",
            f"{r['sector_hit_rate']:.3f} ({c['sector_queries'][0]}/{c['sector_queries'][1]})",
            ">= 0.85",
            mark("sector_hit_rate"),
        ),
        (
            "fragments in digest sentences",
            f"{r['fragments']} of {r['digest_sentences']}",
            "0",
            mark("no_fragments"),
        ),
        (
            "key facts: section digests",
            f"{kf['digest_recall']:.3f} ({kf['digest']}/{kf['total']})",
            ">= 0.85",
            mark("key_fact_recall"),
        ),
        (
            f"key facts: Lead, {BUDGET} chars",
            f"{kf['lead_recall']:.3f} ({kf['lead']}/{kf['total']})",
        ),
        (
            "key facts: digests - Lead",
            f"{kf['gain_over_lead']:+.3f}",
            ">= +0.15",
            mark("key_fact_gain_over_lead"),
        ),
        (
            "key facts: section digest or summary",
            f"{kf['in_article_view'] / max(1, kf['total']):.3f} "
            f"({kf['in_article_view']}/{kf['total']})",
        ),
        ("key facts still in stored text", f"{kf['in_stored_text']}/{kf['total']}"),
        (
            f"  of these, in sections over {BUDGET} chars",
            f"digests {kf['long_sections']['digest']}, Lead {kf['long_sections']['lead']}"
            f" of {kf['long_sections']['facts']}",
        ),
        (
            "  largest gain over Lead this set allows",
            f"{(kf['in_stored_text'] - kf['lead']) / max(1, kf['total']):+.3f}",
        ),
    ]
    print(f"\n{'figure':<42} {'value':<22} {'target':<9} ")
    for name, value, *rest in rows:
        target, status = rest if rest else ("", "")
        print(f"{name:<42} {value:<22} {target:<9} {status}")
    shown = r["reading"]["shown_sentences"]
    print(f"\nwhat a reader is shown (article views and sector answers, {shown} sentences):")
    for name, value, *rest in reading_rows(r["reading"]):
        target, status = rest if rest else ("", "")
        print(f"{name:<42} {value:<22} {target:<9} {status}")
    if verbose:
        for kind, misses in r["misses"].items():
            if misses:
                print(f"\n{kind} ({len(misses)}):")
                for miss in misses:
                    print(f"  {miss}")


def check_set(set_dir: Path) -> int:
    """Lint the set: gold verbatim (load_gold), sizes, sector words, detector on the sources."""
    gold = load_gold(set_dir)
    problems = 0
    words = Counter(w for gf in gold for g in gf.articles for w in g.sectors)
    for word, n in sorted(words.items()):
        if n > 4:  # the sector answer lists 5 articles: a word shared by more is unfair
            print(f"sector word {word!r} is gold for {n} articles")
            problems += 1
    for gf in gold:
        text = (set_dir / gf.file).read_text(encoding="utf-8")
        flagged = [
            (s, fragment_reason(s))
            for line in text.splitlines()
            for s in split_sentences(line)
            if len(s) > 20 and fragment_reason(s) and s.endswith(("。", "！", "？"))
        ]
        for sentence, reason in flagged:  # whole source sentences the detector would flag
            print(f"{gf.file}: detector flags a source sentence ({reason}): {sentence}")
        problems += check_reading_gold(gf.file, text, gf.articles)
        companies = sum(len(g.companies) for g in gf.articles)
        print(
            f"{gf.file:<30} {gf.style:<14} {len(text):>5} chars, {len(gf.articles)} articles, "
            f"{sum(len(g.sections) for g in gf.articles)} facts, {companies} companies"
        )
    articles = sum(len(gf.articles) for gf in gold)
    print(f"{len(gold)} files, {articles} articles, {len(words)} sector words; {problems} problems")
    return problems


def check_reading_gold(file: str, text: str, articles: Sequence[GoldArticle]) -> int:
    """Reading gold is consistent: dates are dates, an antecedent directly precedes its
    pronoun sentence, a lead-in precedes its items, per-section companies match sections."""
    problems = 0
    raw = norm_text(text)
    for g in articles:
        notes = []
        if g.published is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", g.published):
            notes.append(f"published {g.published!r} is not YYYY-MM-DD")
        if g.section_companies and len(g.section_companies) != len(g.sections):
            notes.append("sections[].companies given for only some sections")
        for sentence, antecedent in g.pronouns:
            if norm_text(antecedent + sentence) not in raw:
                notes.append(f"antecedent does not directly precede {sentence!r}")
        for lead_in, items in g.lists:
            at = raw.find(norm_text(lead_in))
            if at < 0 or raw.find(norm_text(items[0]), at) < 0:
                notes.append(f"list items do not follow their lead-in {lead_in!r}")
        for note in notes:
            print(f"{file}: {note}")
        problems += len(notes)
    return problems


def set_label(set_dir: Path) -> str:
    """`bench/eval/real2` for a set inside the repository, else the path as given."""
    try:
        return str(set_dir.relative_to(REPO_ROOT))
    except ValueError:
        return str(set_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--verbose", action="store_true", help="list every miss (examiners only: not for tuning)"
    )
    parser.add_argument("--check", action="store_true", help="lint the set and exit")
    parser.add_argument(
        "--per-process",
        action="store_true",
        help="run every query as its own briefbot process (slow: minutes)",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--set",
        type=Path,
        default=SET_DIR,
        metavar="DIR",
        help="the set to run: a folder with gold.json (default: bench/eval/real)",
    )
    which.add_argument(
        "--all",
        action="store_true",
        help="run every held-out set (bench/eval/real, real2, real3, real4): one table each",
    )
    args = parser.parse_args(argv)
    if not args.all:  # one set: the output and JSON shape stay as they always were
        set_dir = args.set.resolve()
        if args.check:
            return 1 if check_set(set_dir) else 0
        result = evaluate(set_dir, args.per_process)
        if args.json:
            if not args.verbose:
                result.pop("misses")
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            print_table(result, args.verbose)
        return 0

    if args.check:
        problems = 0
        for set_dir in ALL_SETS:
            print(f"== {set_label(set_dir)}")
            problems += check_set(set_dir)
        return 1 if problems else 0
    results = {}
    for i, set_dir in enumerate(ALL_SETS):
        result = evaluate(set_dir, args.per_process)
        if args.json and not args.verbose:
            result.pop("misses")
        results[set_label(set_dir)] = result
        if not args.json:
            print(f"{chr(10) if i else ''}== {set_label(set_dir)}")
            print_table(result, args.verbose)
    if args.json:  # several sets: {"sets": {path: the one-set object}}
        print(json.dumps({"sets": results}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
