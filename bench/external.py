"""How much of what mature readers read do our source readers turn into articles?

Usage: python bench/external.py [--json] [--verbose] [DIR...]

For every file under ``../shared/external/feedparser`` and ``../shared/external/trafilatura``
(or the folders given) it asks the reference readers directly whether they read something:

* feedparser: ``entries`` non-empty with at least one entry holding a title or content
  with visible text (an entry that is only an ``<img>`` or an ``<svg>`` is no article);
* trafilatura: ``extract()`` returns text.

A file is *oracle-readable* when feedparser reads it (files of the feedparser folder) or
trafilatura reads it (files of the trafilatura folder). Then ``digests.sources.load(path)``
runs on the file and the script counts what became articles, what was refused (a
``SourceError``, with its message) and what raised anything else (a traceback: a bug), and
the slowest files.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXTERNAL = ROOT.parent / "shared" / "external"


def feedparser_reads(data: bytes) -> bool:
    import feedparser

    parsed = feedparser.parse(data)
    return any(_entry_text(entry) for entry in parsed.entries)


def _entry_text(entry: dict) -> str:
    """An entry's visible text: title, content and summary without their markup."""
    parts = [entry.get("title") or "", entry.get("summary") or ""]
    parts += [c.get("value") or "" for c in entry.get("content") or []]
    text = re.sub(r"<[^>]*(?:>|$)", " ", " ".join(parts))
    return html.unescape(text).strip()


def trafilatura_reads(data: bytes) -> bool:
    import trafilatura

    try:
        return bool(trafilatura.extract(data))
    except Exception:  # the oracle's own failure means "did not read"
        return False


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list every lost source")
    args = parser.parse_args()
    folders = args.dirs or [EXTERNAL / "feedparser", EXTERNAL / "trafilatura"]
    from digests.sources import SourceError, load

    rows = []
    for folder in folders:
        if not folder.is_dir():
            print(f"skipped {folder}: not a directory", file=sys.stderr)
            continue
        oracle = feedparser_reads if "feedparser" in folder.parts else trafilatura_reads
        for path in files_under(folder):
            data = path.read_bytes()
            readable = oracle(data)
            t0 = time.perf_counter()
            outcome, detail, articles = "articles", "", 0
            try:
                _, found = load(str(path))
                articles = len(found)
            except SourceError as exc:
                outcome, detail = "refused", str(exc)
            except Exception as exc:
                outcome = "traceback"
                detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
                if args.verbose:
                    traceback.print_exc()
            rows.append(
                {
                    "path": str(path.relative_to(folder.parent)),
                    "oracle": readable,
                    "outcome": outcome,
                    "detail": detail,
                    "articles": articles,
                    "seconds": time.perf_counter() - t0,
                }
            )
    readable = [r for r in rows if r["oracle"]]
    kept = [r for r in readable if r["outcome"] == "articles"]
    summary = {
        "files": len(rows),
        "oracle_readable": len(readable),
        "articles_from_readable": len(kept),
        "ratio": len(kept) / len(readable) if readable else 1.0,
        "articles_from_unreadable": sum(
            r["outcome"] == "articles" for r in rows if not r["oracle"]
        ),
        "tracebacks": sum(r["outcome"] == "traceback" for r in rows),
        "total_seconds": sum(r["seconds"] for r in rows),
        "slowest": sorted(rows, key=lambda r: -r["seconds"])[:5],
    }
    if args.json:
        print(json.dumps({**summary, "rows": rows}, ensure_ascii=False, indent=1))
        return 0
    lost = [r for r in readable if r["outcome"] != "articles"]
    reasons = Counter(r["detail"].split(":")[0] for r in lost)
    if args.verbose:
        for r in lost:
            print(f"lost      {r['path']}: {r['outcome']} {r['detail']}")
        for r in rows:
            if r["outcome"] == "traceback":
                print(f"traceback {r['path']}: {r['detail']}")
        for r in rows:
            if not r["oracle"] and r["outcome"] == "articles":
                print(f"extra     {r['path']}: {r['articles']} articles")
    print(f"files                          {summary['files']}")
    print(f"oracle-readable                {summary['oracle_readable']}")
    print(
        f"became articles                {summary['articles_from_readable']} "
        f"({100 * summary['ratio']:.1f}%)"
    )
    print(f"articles from oracle-unread    {summary['articles_from_unreadable']}")
    print(f"tracebacks                     {summary['tracebacks']}")
    print(f"time                           {summary['total_seconds']:.1f} s")
    for r in summary["slowest"]:
        print(f"  slow  {r['seconds']:.2f} s  {r['path']}")
    for reason, count in reasons.most_common():
        print(f"  lost  {count:4d}  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
