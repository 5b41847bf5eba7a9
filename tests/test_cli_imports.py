"""Import discipline of one-shot commands (issue 13): a question from the command line
loads only what answering it needs.

Not a timing test: each command runs in a fresh interpreter and reports which heavy
modules ended up imported.  python-telegram-bot, trafilatura and feedparser are for
the bot and for reading sources; jieba (and its part-of-speech tables) only for
commands that segment text; numpy is never needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

NEVER = (
    "telegram",
    "trafilatura",
    "feedparser",
    "numpy",
    "jieba.posseg",
    "pkg_resources",
    "dateutil.parser._parser",
)
"""Modules no read command imports (sqlite-utils' ``dateutil.parser`` stays unexecuted)."""

CHECK = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
heavy = ("telegram", "trafilatura", "feedparser", "numpy", "jieba", "jieba.posseg",
         "pkg_resources", "tqdm", "httpx", "dateutil.parser._parser")
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def _loaded(db: Path, *argv: str) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, "--db", str(db), *argv, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.mark.parametrize(
    "argv",
    [["articles"], ["digest", "1"], ["topics"], ["company", "台積電"], ["company", "2330"]],
)
def test_lookups_load_no_segmenter_bot_or_readers(store_copy: Path, argv: list[str]) -> None:
    code, loaded = _loaded(store_copy, *argv)
    assert code in (0, 3)
    assert loaded == [], f"briefbot {' '.join(argv)} imported {loaded}"


@pytest.mark.parametrize("argv", [["search", "半導體"], ["sector", "半導體"]])
def test_segmenting_commands_load_only_the_segmenter(store_copy: Path, argv: list[str]) -> None:
    code, loaded = _loaded(store_copy, *argv)
    assert code in (0, 3)
    assert not set(loaded) & set(NEVER), f"briefbot {' '.join(argv)} imported {loaded}"


INGEST_CHECK = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
import digests.textproc as textproc
print(json.dumps({"code": code, "segmenter": textproc._loaded is not None}))
"""


def _ingest(db: Path, *sources: Path) -> tuple[int, bool]:
    argv = ["--db", str(db), "ingest", "--quiet", "--workers", "1", *map(str, sources)]
    done = subprocess.run(
        [sys.executable, "-c", INGEST_CHECK, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], report["segmenter"]


def test_ingest_loads_the_segmenter_only_for_an_article_to_digest(tmp_path: Path) -> None:
    """A new store gets its reference tables even when nothing is read; a re-ingest of
    unchanged files (cron over a folder) digests nothing, so it never loads jieba."""
    from store import open_db

    db = tmp_path / "new.db"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _ingest(db, empty) == (1, False)  # an empty folder is a failed source
    store = open_db(db)
    try:
        assert store["topics"].count > 0 and store["companies"].count > 1000
    finally:
        store.close()
    page = ROOT / "bot" / "cli" / "demo_data" / "pagedumps"
    first = sorted(page.glob("*.txt"))[0]
    assert _ingest(db, first) == (0, True)
    assert _ingest(db, first) == (0, False)
