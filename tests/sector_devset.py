"""The sector development set: short articles in several styles and the words readers use.

``tests/fixtures/sectors/*.txt`` are original articles (news report, analyst column with
a promotion line, new-listing report, weekly round-up, blog post, bullet list of stock
picks); ``queries.toml`` pairs what a reader types with the article it should find.
Run ``python -m tests.sector_devset`` to print the hit rate (the article among the
answer's articles) and the top-1 rate (the article first).
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from digests.lexicon import Lexicon, build_lexicon
from digests.sources.pagedump import parse_page_dump
from digests.summarize import digest_article
from store import open_db
from store.answers import sector_answer
from store.articles import save_article
from store.reference import sync_reference

DEVSET = Path(__file__).resolve().parent / "fixtures" / "sectors"


@dataclass(frozen=True)
class Outcome:
    query: str
    expected: str
    found: list[str]
    """Fixture stems of the answer's articles, in order."""

    @property
    def hit(self) -> bool:
        return self.expected in self.found

    @property
    def top(self) -> bool:
        return bool(self.found) and self.found[0] == self.expected


def queries() -> list[tuple[str, str]]:
    data = tomllib.loads((DEVSET / "queries.toml").read_text(encoding="utf-8"))
    return [(q, stem) for q, stem in data["queries"]]


def build_store(path: Path) -> tuple[Database, Lexicon, dict[int, str]]:
    """Ingest every fixture article; returns the store and article id -> fixture stem."""
    db = open_db(path)
    lexicon = build_lexicon()
    sync_reference(db, lexicon)
    stems: dict[int, str] = {}
    for file in sorted(DEVSET.glob("*.txt")):
        articles = parse_page_dump(file.read_text(encoding="utf-8"), str(file))
        assert len(articles) == 1, (file.name, [a.title for a in articles])
        saved = save_article(db, digest_article(articles[0], lexicon))
        stems[saved.article_id] = file.stem
    return db, lexicon, stems


def evaluate(db: Database, lexicon: Lexicon, stems: dict[int, str]) -> list[Outcome]:
    outcomes = []
    for query, expected in queries():
        answer = sector_answer(db, lexicon, query)
        outcomes.append(Outcome(query, expected, [stems[a.id] for a in answer.articles]))
    return outcomes


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        db, lexicon, stems = build_store(Path(tmp) / "devset.db")
        outcomes = evaluate(db, lexicon, stems)
    for o in outcomes:
        mark = "top" if o.top else ("hit" if o.hit else "MISS")
        print(f"{mark:<4} {o.query:<16} -> {o.expected:<16} {o.found}")
    n = len(outcomes)
    hits, tops = sum(o.hit for o in outcomes), sum(o.top for o in outcomes)
    print(f"hit rate {hits}/{n} = {hits / n:.2f}; top-1 {tops}/{n} = {tops / n:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
