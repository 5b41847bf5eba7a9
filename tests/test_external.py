"""Other projects' test inputs through the real command: what mature readers read, we read.

``../shared/external`` holds feedparser's and trafilatura's own test feeds and pages,
written by nobody on this project: ill-formed XML, odd encodings, sanitizer attacks, real
news pages.  Everything there is ingested by ``briefbot ingest`` in one process and:

* nothing raises a traceback (nor an "internal error" line: a bug caught per source);
* every source gets exactly one line;
* the database passes ``PRAGMA integrity_check``;
* at least 95% of the sources that feedparser or trafilatura themselves read (asked
  directly, the oracle) become articles, and at most 1% of those they find nothing in
  do (JSON, a document that is one comment, a channel without items: junk).

A feed counts as read when one of its entries has a title or content with visible text
(an entry that is only an ``<img>`` is markup without text, and is refused as such);
a page counts as read when ``trafilatura.extract()`` returns text.  Each folder is judged
by its own project's reader: trafilatura finds "text" in a feed's channel title, which is
no article.
"""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXTERNAL = ROOT.parent / "shared" / "external"
MIN_SHARE = 0.95
MAX_JUNK_SHARE = 0.01

pytestmark = pytest.mark.skipif(
    not (EXTERNAL / "feedparser").is_dir() or not (EXTERNAL / "trafilatura").is_dir(),
    reason=f"feedparser's and trafilatura's test inputs not found at {EXTERNAL} "
    "(../shared/external is provided in CI)",
)


def _feedparser_reads(data: bytes) -> bool:
    import feedparser

    for entry in feedparser.parse(data).entries:
        parts = [entry.get("title") or "", entry.get("summary") or ""]
        parts += [c.get("value") or "" for c in entry.get("content") or []]
        if html.unescape(re.sub(r"<[^>]*(?:>|$)", " ", " ".join(parts))).strip():
            return True
    return False


def _trafilatura_reads(data: bytes) -> bool:
    import trafilatura

    try:
        return bool(trafilatura.extract(data))
    except Exception:  # the oracle failing on a file means it did not read it
        return False


def _files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def test_external_inputs_ingest(tmp_path: Path) -> None:
    folders = sorted(p for p in EXTERNAL.iterdir() if p.is_dir() and not p.name.startswith("."))
    db = tmp_path / "external.db"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "--db", str(db)] + [str(f) for f in folders],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    seconds = time.perf_counter() - t0
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("total:")
    assert "internal error" not in proc.stdout

    # One line per source, naming it.
    outcome: dict[str, str] = {}
    for line in lines[:-1]:
        status, _, rest = line.partition(" ")
        source = rest.strip().split(": ", 1)[0]
        assert source not in outcome, f"{source} reported twice"
        outcome[source] = status
    expected = [str(p) for folder in folders for p in _files(folder)]
    assert sorted(outcome) == sorted(expected)

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    readers = {"feedparser": _feedparser_reads, "trafilatura": _trafilatura_reads}
    readable = [
        path
        for name, oracle in readers.items()
        for path in _files(EXTERNAL / name)
        if oracle(path.read_bytes())
    ]
    lost = [str(p) for p in readable if outcome[str(p)] != "ok"]
    share = 1 - len(lost) / len(readable)
    judged = {str(p) for name in readers for p in _files(EXTERNAL / name)}
    junk = sorted(judged - {str(p) for p in readable} - {s for s in judged if outcome[s] != "ok"})
    print(
        f"\n{len(expected)} sources ingested in {seconds:.1f} s; "
        f"{len(readable) - len(lost)}/{len(readable)} oracle-readable became articles; "
        f"{len(junk)} sources neither reader reads became articles"
    )
    assert share >= MIN_SHARE, f"{share:.1%} of readable sources became articles; lost: {lost}"
    # What the mature readers find nothing in (JSON, a lone comment, a CDF channel with
    # no items) is refused, not stored as a junk article.
    assert len(junk) <= MAX_JUNK_SHARE * (len(judged) - len(readable)), junk


def test_page_laid_out_with_tables_keeps_its_prose() -> None:
    """A page whose layout is one big table: read with tables on, trafilatura returns only
    that table, whose long cells are not data; the prose must come back, not a refusal."""
    from digests.sources.html_page import parse_html_page

    path = EXTERNAL / "trafilatura" / "cache" / "schleifen.ucoz.de.briefe.html"
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout of ../shared/external")
    [article] = parse_html_page(path.read_bytes().decode("utf-8", "replace"), path.name)
    assert sum(len(p) for s in article.sections for p in s.paragraphs) > 500
