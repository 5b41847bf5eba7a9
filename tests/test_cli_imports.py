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

NEVER = ("telegram", "trafilatura", "feedparser", "numpy", "jieba.posseg", "pkg_resources")
"""Modules no read command imports."""

CHECK = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
heavy = ("telegram", "trafilatura", "feedparser", "numpy", "jieba", "jieba.posseg",
         "pkg_resources", "tqdm", "httpx")
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
