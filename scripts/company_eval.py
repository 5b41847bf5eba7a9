"""Company recall and precision on the development passages (``tests/fixtures/companies``).

Runs every passage through the real digest path (alias learning, then mention finding) with
one fresh lexicon, as an ingest would, and prints per-passage misses and false hits plus the
micro-averaged figures.  ``--json`` prints the figures only.

    python scripts/company_eval.py [--json] [--set PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digests.lexicon import Lexicon, build_lexicon  # noqa: E402
from digests.models import Article, Section  # noqa: E402
from digests.summarize import digest_article  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "fixtures" / "companies" / "dev.toml"


@dataclass
class Score:
    passage: str
    missed: list[str]
    false: list[str]
    hits: int

    @property
    def gold(self) -> int:
        return self.hits + len(self.missed)

    @property
    def found(self) -> int:
        return self.hits + len(self.false)


def score_passage(pid: str, text: str, gold: list[str], lexicon: Lexicon) -> Score:
    paragraphs = tuple(p.strip() for p in text.strip().splitlines() if p.strip())
    article = Article("", (Section("", paragraphs),), f"dev:{pid}", "text")
    digested = digest_article(article, lexicon)
    found = {m.company_key for m in digested.mentions}
    directory = lexicon.directory
    expected: dict[str, str] = {}
    for label in gold:
        company = directory.lookup(label) or directory.by_code(label)
        expected[company.key if company else f"?{label}"] = label
    missed = [label for key, label in expected.items() if key not in found]
    false = [directory.get(k).name if directory.get(k) else k for k in found - expected.keys()]
    return Score(pid, missed, sorted(false), len(found & expected.keys()))


def evaluate(path: Path = DEFAULT_SET, lexicon: Lexicon | None = None) -> list[Score]:
    passages = tomllib.loads(path.read_text(encoding="utf-8"))["passage"]
    lexicon = lexicon or build_lexicon()
    return [score_passage(p["id"], p["text"], p["gold"], lexicon) for p in passages]


def totals(scores: list[Score]) -> dict[str, float]:
    hits = sum(s.hits for s in scores)
    gold = sum(s.gold for s in scores)
    found = sum(s.found for s in scores)
    return {
        "passages": len(scores),
        "gold": gold,
        "found": found,
        "recall": round(hits / gold, 3) if gold else 1.0,
        "precision": round(hits / found, 3) if found else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    args = parser.parse_args()
    scores = evaluate(args.set)
    figures = totals(scores)
    if args.json:
        print(json.dumps(figures))
        return
    for s in scores:
        print(f"{s.passage:22} {s.hits}/{s.gold}  missed={s.missed}  false={s.false}")
    print(
        f"recall {figures['recall']:.3f}  precision {figures['precision']:.3f}  "
        f"({figures['gold']} gold, {figures['found']} found, {figures['passages']} passages)"
    )


if __name__ == "__main__":
    main()
