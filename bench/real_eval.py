"""Held-out real-world evaluation: the whole product, through its command line.

The other benchmarks score one stage on text the stage was tuned on.  This one
asks what a reader gets from articles nobody tuned on: page dumps, HTML pages
and a feed written in the styles of Taiwanese financial news, columns, IPO
reports, round-ups and blogs (`bench/eval/real/`, gold in `gold.json`; a second
set with longer, context-first sections in `bench/eval/real2/`; a third with
new outlets, topics and companies in `bench/eval/real3/`).  They
go through `briefbot ingest` into a temporary store, and every figure is read
back through `briefbot articles|digest|sector|company --json`, because the CLI
is the stable interface while the packages move.

Run from anywhere:  python bench/real_eval.py [--set DIR | --all] [--json] [--verbose] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# digest_eval: bench/ is on sys.path when this runs as a script.  The Lead
# baseline shares its sentence and budget rules, so both measure the same thing.
from digest_eval import BUDGET, MAX_SENTENCES, fit_budget, split_sentences
from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
SET_DIR = HERE / "eval" / "real"
# Every held-out set, for --all: the first set, the second one written with
# long context-first sections so that digests and Lead can differ, and a third
# one with new outlets, topics and companies, kept unseen after the first two
# had guided fixes.
ALL_SETS = (SET_DIR, HERE / "eval" / "real2", HERE / "eval" / "real3")
GOLD_NAME = "gold.json"
TARGETS = {
    "company_recall": 0.9,
    "company_precision": 0.9,
    "sector_hit_rate": 0.85,
    "key_fact_recall": 0.85,
    "key_fact_gain_over_lead": 0.15,
}


# ---------------------------------------------------------------- gold set


@dataclass(frozen=True)
class GoldCompany:
    """A company the article names: as written, its ticker, other names it goes by."""

    name: str
    ticker: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class GoldArticle:
    file: str
    title: str
    sections: tuple[tuple[str, str], ...]  # (heading, key fact); "" heading is the intro
    companies: tuple[GoldCompany, ...]
    optional_companies: tuple[str, ...]
    optional_headings: tuple[str, ...]
    sectors: tuple[str, ...]

    @property
    def headings(self) -> list[str]:
        return [h for h, _ in self.sections if h]

    @property
    def facts(self) -> list[str]:
        return [f for _, f in self.sections]


@dataclass(frozen=True)
class GoldFile:
    file: str
    style: str
    articles: tuple[GoldArticle, ...]


def load_gold(set_dir: Path) -> list[GoldFile]:
    """Read gold.json, refusing entries that are not verbatim in their file.

    A title, heading or fact that the source does not contain could never be
    found and would silently lower every figure: it is a data error.
    """
    data = json.loads((set_dir / GOLD_NAME).read_text(encoding="utf-8"))
    files: list[GoldFile] = []
    for entry in data["files"]:
        raw = norm_text((set_dir / entry["file"]).read_text(encoding="utf-8"))
        articles = []
        for art in entry["articles"]:
            gold = GoldArticle(
                file=entry["file"],
                title=art["title"],
                sections=tuple((s["heading"], s["fact"]) for s in art["sections"]),
                companies=tuple(
                    GoldCompany(c["name"], c.get("ticker"), tuple(c.get("aliases", ())))
                    for c in art["companies"]
                ),
                optional_companies=tuple(art.get("optional_companies", ())),
                optional_headings=tuple(art.get("optional_headings", ())),
                sectors=tuple(art["sectors"]),
            )
            wanted = [gold.title, *gold.headings, *gold.facts, *(c.name for c in gold.companies)]
            missing = [w for w in wanted if norm_text(w) not in raw]
            if missing:
                raise ValueError(f"{entry['file']}: not verbatim in the file: {missing}")
            articles.append(gold)
        files.append(GoldFile(entry["file"], entry["style"], tuple(articles)))
    return files


# ---------------------------------------------------------------- normalising


def norm_text(text: str) -> str:
    """NFKC (full/half width), lower case, no whitespace: how facts are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def norm_heading(text: str) -> str:
    """norm_text without punctuation and symbols: brackets, colons, bullets."""
    return "".join(ch for ch in norm_text(text) if unicodedata.category(ch)[0] not in "PS")


def same_heading(gold: str, stored: str) -> bool:
    """Fuzzy heading match on normalised text.

    Similar enough (ratio >= 80), or one contains the other and keeps at least
    60% of it, so a heading stored without its `1.` or 〈〉 still counts while a
    two-character stub does not.
    """
    a, b = norm_heading(gold), norm_heading(stored)
    if not a or not b:
        return False
    if fuzz.ratio(a, b) >= 80:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 0.6 * len(long_)


def norm_ticker(ticker: str | None) -> str:
    """`2330-TW`, `6488.TWO`, `NVDA-US`, `6954.T` → the bare code, upper case."""
    if not ticker:
        return ""
    code = unicodedata.normalize("NFKC", ticker).strip().upper()
    return re.sub(r"[-.](TW|TWO|US|T|HK|KS|HE|CO)$", "", code)


def norm_name(name: str) -> str:
    """Company names compared without width, case, spaces or the `*` of twstock names."""
    return norm_text(name).replace("*", "")


# ---------------------------------------------------------------- fragments

_PAIRS = ("「」", "『』", "（）", "()", "【】", "〈〉", "《》")
_OPENER = re.compile(r"^[，,、；;：:。．.！!？?）)」』】〉》]")
# Clause connectives that cannot open a sentence of their own: what is left when
# a sentence was cut after a comma.  (並非/並不 are ordinary openings.)
_CONNECTIVE = re.compile(r"^(?:以及|並且|而是|及其|及|且|並(?![非不]))")
_CUT_END = re.compile(r"[：:；;，,、]$")
_QUOTE_STUB = re.compile(r"^[^，,。]{0,12}是「[^」]*」[。！？!?]?$")
MIN_CHARS = 8


def fragment_reason(sentence: str) -> str | None:
    """Why a digest sentence reads as a fragment, or None when it stands alone.

    A sentence is a fragment when it
    - starts with punctuation or a clause connective left over from a cut,
    - ends with a colon, semicolon, comma or 、 (a lead-in or clause without
      what follows),
    - has unbalanced 「」『』（）()【】〈〉《》,
    - has fewer than 8 characters besides punctuation and spaces, or
    - is a `...是「...」。` stub: a short lead-in naming a quote and nothing else.
    """
    text = sentence.strip()
    if _OPENER.match(text):
        return "starts with punctuation"
    if _CONNECTIVE.match(text):
        return "starts with a connective"
    if _CUT_END.search(text):
        return "ends with a lead-in or clause mark"
    for left, right in _PAIRS:
        if text.count(left) != text.count(right):
            return f"unbalanced {left}{right}"
    if len(norm_heading(text)) < MIN_CHARS:
        return f"shorter than {MIN_CHARS} characters"
    if _QUOTE_STUB.match(text):
        return "是「...」 stub"
    return None


# ---------------------------------------------------------------- the CLI

# Runs many briefbot commands in one process through the CLI's own entry point
# (`main(argv)`, as the `briefbot` script calls it), each with its stdout and
# stderr captured.  argv[1] is the entry point, argv[2] the file for the results;
# stdin holds the JSON list of argument lists.
_BATCH_DRIVER = """
import contextlib, importlib, io, json, sys
module, _, name = sys.argv[1].partition(":")
main = getattr(importlib.import_module(module), name)
results = []
for argv in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:
        code = 1
        err.write(repr(exc))
    results.append({"code": code or 0, "stdout": out.getvalue(), "stderr": err.getvalue()[-500:]})
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    json.dump(results, fh)
"""


def entry_point() -> str:
    """`module:function` of the `briefbot` script, from pyproject.toml.

    Read rather than hard-coded because the package layout is being
    reorganised; the script name is the stable interface.
    """
    try:
        data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        return str(data["project"]["scripts"]["briefbot"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "bot.cli:main"


def cli_command() -> list[str]:
    """The `briefbot` script next to this interpreter, else `python -m bot.cli`."""
    script = Path(sys.executable).with_name("briefbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def _env() -> dict[str, str]:
    """The caller's environment without BRIEFBOT_* settings (the store is --db)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}


def run_cli(args: Sequence[str], ok: Iterable[int] = (0,)) -> str:
    """Run one briefbot command as its own process; its stdout, or an error."""
    proc = subprocess.run(
        [*cli_command(), *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=_env(),
        check=False,
    )
    if proc.returncode not in set(ok):
        raise RuntimeError(
            f"briefbot {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-500:]}"
        )
    return proc.stdout


def _answer(args: Sequence[str], code: int, stdout: str, stderr: str) -> Any:
    """A `--json` answer; exit 3 (unknown company or topic) still prints JSON.

    A command that fails answers `{"error": ...}`: the query counts as a miss
    (listed with --verbose) instead of ending the evaluation.
    """
    if code in (0, 3):
        try:
            return json.loads(stdout)
        except json.JSONDecodeError:
            pass
    tail = (stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"briefbot {' '.join(args[:2])} exited {code}: {tail[:300]}"}


def ask(db: Path, queries: Sequence[Sequence[str]], per_process: bool) -> list[Any]:
    """`briefbot QUERY --db DB --json` for every query, answers in order.

    By default one process runs them all through the CLI's entry point: a
    `briefbot` process per query rebuilds the company lexicon each time
    (about a second), which puts a run over several minutes on two cores.
    `--per-process` runs each as its own `briefbot` process instead.  Queries
    run one after another because answering also writes the lexicon's
    reference tables, and two writers on one SQLite file collide.
    """
    argvs = [[*q, "--db", str(db), "--json"] for q in queries]
    if per_process:
        answers = []
        for argv in argvs:
            proc = subprocess.run(
                [*cli_command(), *argv],
                capture_output=True,
                text=True,
                cwd=REPO_ROOT,
                env=_env(),
                check=False,
            )
            answers.append(_answer(argv, proc.returncode, proc.stdout, proc.stderr))
        return answers
    results_path = db.with_name("batch-results.json")
    proc = subprocess.run(
        [sys.executable, "-c", _BATCH_DRIVER, entry_point(), str(results_path)],
        input=json.dumps(argvs),
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"briefbot ({entry_point()}) failed: {proc.stderr.strip()[-500:]}")
    results = json.loads(results_path.read_text(encoding="utf-8"))
    return [
        _answer(argv, r["code"], r["stdout"], r["stderr"])
        for argv, r in zip(argvs, results, strict=True)
    ]


# ---------------------------------------------------------------- the store


@dataclass
class StoredSection:
    heading: str
    text: str
    digest: list[str]


@dataclass
class StoredArticle:
    id: int
    title: str
    file: str
    companies: list[str]
    summary: list[str]
    sections: list[StoredSection] = field(default_factory=list)


def ingest(set_dir: Path, work: Path) -> tuple[Path, str]:
    """Copy the set (without gold) to a folder and ingest that folder through the CLI."""
    folder = work / "set"
    folder.mkdir()
    for path in sorted(set_dir.iterdir()):
        if path.is_file() and path.name != GOLD_NAME:
            shutil.copy2(path, folder / path.name)
    db = work / "real.db"
    out = run_cli(["ingest", "--db", str(db), "--quiet", str(folder)], ok=(0, 1))
    return db, out


def section_texts(db: Path) -> dict[int, list[tuple[str, str]]]:
    """Stored sections' (heading, text) per article, in document order.

    `digest --json` gives headings and digests but not the section text the
    Lead baseline needs; the `sections` table (README, Store) is read from the
    temporary file, read-only.
    """
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT article_id, heading, text FROM sections ORDER BY article_id, position"
        ).fetchall()
    finally:
        conn.close()
    texts: dict[int, list[tuple[str, str]]] = {}
    for article_id, heading, text in rows:
        texts.setdefault(article_id, []).append((heading, text))
    return texts


def load_store(db: Path, per_process: bool) -> list[StoredArticle]:
    """Every stored article with its sections' headings, texts and digests."""
    (rows,) = ask(db, [("articles",)], per_process)
    if isinstance(rows, dict):  # the article list itself failed: nothing to score
        raise RuntimeError(rows["error"])
    digests = ask(db, [("digest", str(row["id"])) for row in rows], per_process)
    texts = section_texts(db)
    articles = []
    for row, dig in zip(rows, digests, strict=True):
        art = StoredArticle(
            id=row["id"],
            title=row["title"],
            file=Path(row["source"]).name,
            companies=list(row.get("companies", [])),
            summary=list(dig.get("summary", [])),
        )
        stored = texts.get(row["id"], [])
        for i, sec in enumerate(dig.get("sections", [])):
            text = stored[i][1] if i < len(stored) and stored[i][0] == sec["heading"] else ""
            if not text:  # positions disagree: fall back to the heading
                text = next((t for h, t in stored if h == sec["heading"]), "")
            art.sections.append(StoredSection(sec["heading"], text, list(sec["digest"])))
        articles.append(art)
    return articles


# ---------------------------------------------------------------- matching


def match_articles(
    gold: Sequence[GoldArticle], stored: Sequence[StoredArticle]
) -> dict[int, StoredArticle]:
    """Pair each gold article of a source with at most one stored article.

    Evidence is the title's similarity or, when the title went wrong, how many
    of the gold facts the stored text holds; pairs are taken best first, one
    to one, and must reach 0.5.
    """
    scored = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(stored):
            body = norm_text(s.title + "".join(sec.text for sec in s.sections))
            facts = sum(norm_text(f) in body for f in g.facts) / max(1, len(g.facts))
            title = fuzz.ratio(norm_heading(g.title), norm_heading(s.title)) / 100
            scored.append((max(title, facts), gi, si))
    pairs: dict[int, StoredArticle] = {}
    used: set[int] = set()
    for score, gi, si in sorted(scored, reverse=True):
        if score >= 0.5 and gi not in pairs and si not in used:
            pairs[gi] = stored[si]
            used.add(si)
    return pairs


def lead(text: str) -> list[str]:
    """Lead-k at the digest budget: first whole sentences while they fit.

    Lines are sentence boundaries too, so a bullet without a full stop does not
    swallow the next paragraph.
    """
    sentences = [s for line in text.splitlines() for s in split_sentences(line)]
    if not sentences:
        return []
    return fit_budget(sentences, range(len(sentences)), BUDGET, MAX_SENTENCES)


# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    """Counts behind one figure, and what was missed (for --verbose)."""

    hit: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return round(self.hit / self.total, 3) if self.total else 0.0


class CompanyResolver:
    """Ticker and names of each stored company name, from `briefbot company`."""

    def __init__(self, db: Path, per_process: bool) -> None:
        self.db = db
        self.per_process = per_process
        self.cache: dict[str, tuple[str, set[str]]] = {}

    def prefetch(self, names: Iterable[str]) -> None:
        todo = sorted(set(names) - set(self.cache))
        answers = ask(self.db, [("company", name) for name in todo], self.per_process)
        for name, answer in zip(todo, answers, strict=True):
            company = answer.get("company") or {}
            names_ = [name, company.get("name", ""), *company.get("aliases", [])]
            self.cache[name] = (norm_ticker(company.get("ticker")), {norm_name(n) for n in names_})

    def get(self, name: str) -> tuple[str, set[str]]:
        return self.cache.get(name, ("", {norm_name(name)}))


def exchange_names() -> dict[str, str]:
    """Ticker → exchange short name (twstock), so `中華電信` gold matches `中華電`."""
    try:
        import twstock
    except ImportError:
        return {}
    return {code: norm_name(info.name) for code, info in twstock.codes.items()}


def gold_names(company: GoldCompany, short: dict[str, str]) -> set[str]:
    names = {norm_name(company.name), *(norm_name(a) for a in company.aliases)}
    ticker = norm_ticker(company.ticker)
    if ticker in short:
        names.add(short[ticker])
    return names


def same_company(names: set[str], ticker: str, gold: GoldCompany, short: dict[str, str]) -> bool:
    """A stored company (its normalised names, its ticker) is this gold company."""
    if names & gold_names(gold, short):
        return True
    return bool(ticker) and ticker == norm_ticker(gold.ticker)


def score_companies(
    pairs: Sequence[tuple[GoldArticle, StoredArticle | None]],
    resolver: CompanyResolver,
    short: dict[str, str],
) -> tuple[Tally, Tally]:
    """Recall over gold companies; precision over the companies stored articles list.

    A stored name matches a gold company by name or alias (normalised), else by
    the ticker and aliases `briefbot company` gives for it.  Names listed as
    optional in gold (unlisted firms, subsidiaries) count neither way.
    """
    unresolved = set()
    for g, s in pairs:
        if s is None:
            continue
        known = set().union(*(gold_names(c, short) for c in g.companies), set())
        known |= {norm_name(n) for n in g.optional_companies}
        unresolved |= {n for n in s.companies if norm_name(n) not in known}
    resolver.prefetch(unresolved)

    recall, precision = Tally(), Tally()
    for g, s in pairs:
        stored = s.companies if s is not None else []
        found: set[int] = set()
        for name in stored:
            ticker, names = resolver.get(name)
            names = names | {norm_name(name)}
            hit = next(
                (
                    i
                    for i, c in enumerate(g.companies)
                    if i not in found and same_company(names, ticker, c, short)
                ),
                None,
            )
            if hit is not None:
                found.add(hit)
                precision.hit += 1
                precision.total += 1
            elif not names & {norm_name(n) for n in g.optional_companies}:
                precision.total += 1
                precision.misses.append(f"{g.file}: extra company {name}")
        recall.total += len(g.companies)
        recall.hit += len(found)
        recall.misses += [
            f"{g.file}: missing company {c.name} ({c.ticker}); stored: {stored}"
            for i, c in enumerate(g.companies)
            if i not in found
        ]
    return recall, precision


def score_headings(
    pairs: Sequence[tuple[GoldArticle, StoredArticle | None]],
) -> tuple[Tally, Tally]:
    """Recall of gold headings among the stored ones; precision of stored headings."""
    recall, precision = Tally(), Tally()
    for g, s in pairs:
        stored = [sec.heading for sec in s.sections if sec.heading] if s else []
        for heading in g.headings:
            recall.total += 1
            if any(same_heading(heading, h) for h in stored):
                recall.hit += 1
            else:
                recall.misses.append(f"{g.file}: missing heading {heading!r}; stored: {stored}")
        for heading in stored:
            precision.total += 1
            if any(same_heading(h, heading) for h in [*g.headings, *g.optional_headings]):
                precision.hit += 1
            else:
                precision.misses.append(f"{g.file}: spurious heading {heading!r}")
    return recall, precision


def score_sectors(
    pairs: Sequence[tuple[GoldArticle, StoredArticle | None]], db: Path, per_process: bool
) -> Tally:
    """Does the gold article appear among the articles `briefbot sector WORD` answers?"""
    words = sorted({w for g, _ in pairs for w in g.sectors})
    answers = dict(zip(words, ask(db, [("sector", w) for w in words], per_process), strict=True))
    tally = Tally()
    for g, s in pairs:
        for word in g.sectors:
            answer = answers[word]
            ids = [a["id"] for a in answer.get("articles", [])]
            tally.total += 1
            if s is not None and s.id in ids:
                tally.hit += 1
            else:
                topic = answer.get("error") or (answer.get("topic") or {}).get("id")
                tally.misses.append(
                    f"{g.file}: sector {word!r} → topic {topic}, articles {ids}, "
                    f"wanted {s.id if s else None}"
                )
    return tally


@dataclass
class FactScores:
    """Key-fact tallies: all facts, and those whose stored section is over the budget."""

    digest: Tally = field(default_factory=Tally)
    lead: Tally = field(default_factory=Tally)
    in_text: Tally = field(default_factory=Tally)
    long_digest: Tally = field(default_factory=Tally)
    long_lead: Tally = field(default_factory=Tally)


def score_facts(pairs: Sequence[tuple[GoldArticle, StoredArticle | None]]) -> FactScores:
    """Key facts found in the section digests, in Lead at the same budget, and in the text.

    Both methods see the same stored sections; a fact lost before digesting
    (dropped as chrome, cut by a wrong split) is a miss for both.  Facts whose
    section is longer than the budget are also counted apart: in a shorter
    section Lead keeps nearly everything, so only the long ones tell the
    methods apart.
    """
    scores = FactScores()
    for g, s in pairs:
        secs = s.sections if s else []
        for heading, fact in g.sections:
            key = norm_text(fact)
            where = next((sec for sec in secs if key in norm_text(sec.text)), None)
            in_digest = bool(where) and key in norm_text("".join(where.digest))
            in_lead = bool(where) and key in norm_text("".join(lead(where.text)))
            checks = [(scores.digest, in_digest), (scores.lead, in_lead)]
            checks.append((scores.in_text, where is not None))
            if where is not None and len(where.text) > BUDGET:
                checks += [(scores.long_digest, in_digest), (scores.long_lead, in_lead)]
            for tally, hit in checks:
                tally.total += 1
                tally.hit += hit
            if not in_digest:
                shown = where.digest if where else "(not in any stored section)"
                scores.digest.misses.append(
                    f"{g.file}: fact {fact!r} ({heading or 'intro'}) not in digest {shown}"
                )
    return scores


def score_fragments(stored: Sequence[StoredArticle]) -> Tally:
    """Fragments among every distinct digest and summary sentence of every article."""
    tally = Tally()
    for art in stored:
        sentences = dict.fromkeys(
            [s for sec in art.sections for s in sec.digest] + list(art.summary)
        )
        for sentence in sentences:
            tally.total += 1
            reason = fragment_reason(sentence)
            if reason:
                tally.hit += 1
                tally.misses.append(f"{art.file} #{art.id}: {reason}: {sentence!r}")
    return tally


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
        companies = sum(len(g.companies) for g in gf.articles)
        print(
            f"{gf.file:<30} {gf.style:<14} {len(text):>5} chars, {len(gf.articles)} articles, "
            f"{sum(len(g.sections) for g in gf.articles)} facts, {companies} companies"
        )
    articles = sum(len(gf.articles) for gf in gold)
    print(f"{len(gold)} files, {articles} articles, {len(words)} sector words; {problems} problems")
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
        help="run every held-out set (bench/eval/real, real2, real3): one table each",
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
