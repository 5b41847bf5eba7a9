"""Driving the briefbot CLI over a held-out set and reading the store back."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# digest_eval: bench/ is on sys.path when this runs as a script.  The Lead
# baseline shares its sentence and budget rules, so both measure the same thing.
from digest_eval import BUDGET, MAX_SENTENCES, fit_budget, split_sentences
from rapidfuzz import fuzz
from real_eval_gold import GOLD_NAME, REPO_ROOT, GoldArticle, norm_heading, norm_text

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
    return [
        _answer(argv, code, stdout, stderr)
        for argv, (code, stdout, stderr) in zip(
            argvs, run_many(db, argvs, per_process), strict=True
        )
    ]


def run_many(
    db: Path, argvs: Sequence[Sequence[str]], per_process: bool
) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) of every briefbot command, in order.

    One process runs them all through the CLI's entry point unless
    `per_process`; `db` only names where the batch's results file goes.
    Plain-text answers (what a reader sees) come back as printed.
    """
    if per_process:
        outputs = []
        for argv in argvs:
            proc = subprocess.run(
                [*cli_command(), *argv],
                capture_output=True,
                text=True,
                cwd=REPO_ROOT,
                env=_env(),
                check=False,
            )
            outputs.append((proc.returncode, proc.stdout, proc.stderr))
        return outputs
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
    return [(r["code"], r["stdout"], r["stderr"]) for r in results]


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
    published: str | None = None  # as `articles --json` gives it


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
            published=row.get("published"),
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
