"""PDF reports: extraction and digest time of a 30-page report next to the text path,
and the comparison of PDF libraries that chose pdfminer.six.

Usage: python bench/pdf.py [--pages 30] [--compare] [--json]

The report is generated (reportlab's MSung-Light CID font, running header and footer,
page numbers, a disclaimer on every page, headings set larger, a table; see
``tests/pdf_factory.py``), so every figure is reproducible without a copied document.

Default: times, in this process and warm (imports and jieba's dictionary loaded once
before timing), reading the PDF into an article (``read_pdf``: pdfminer.six plus the
layout rules) and digesting it, against reading and digesting the same text as a
page dump (``parse_page_dump``).  Median of ``--repeat`` runs.  Times are CPU seconds of
this process (``time.process_time``): single-threaded work measured that way is the same
on a busy machine, where wall-clock times would measure the neighbours.
PDFs are read in a child process (memory cap, hard deadline): the reading is timed
in-process here, and the child's start-up apart (wall clock, ``isolation_overhead_s``).

``--compare``: for each library installed (pdfminer.six, pypdf, PyMuPDF), its plain text
extraction of a one-column and a two-column report and of the long report: CJK
characters recovered (multiset recall against what was typeset), paragraphs found whole
and in reading order, and milliseconds per page.  ``read_pdf`` (pdfminer.six with
briefbot's layout rules) is scored the same way.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pdf_factory import Report, build_report  # noqa: E402

_CJK_RE = re.compile("[\u3400-\u9fff]")
SECTIONS_PER_PAGE = 2.75
"""About how many generated sections fill a page (heading and four paragraphs)."""


def _cjk(text: str) -> str:
    return "".join(_CJK_RE.findall(text))


def fidelity(report: Report, text: str) -> tuple[float, float]:
    """(CJK characters recovered, share of paragraphs found whole and in order).

    Recall is a multiset match, blind to order; the second figure walks the typeset
    paragraphs in order and looks for each, whole, after the previous one.
    """
    expected, got = _cjk(report.expected_text()), _cjk(text)
    have = Counter(got)
    recall = sum(min(n, have[c]) for c, n in Counter(expected).items()) / len(expected)
    blocks = [b for b in map(_cjk, report.blocks) if b]
    position = found = 0
    for block in blocks:
        at = got.find(block, position)
        if at >= 0:
            found += 1
            position = at + len(block)
    return recall, found / len(blocks)


def _pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def _pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pymupdf(data: bytes) -> str:
    import pymupdf

    with pymupdf.open(stream=data, filetype="pdf") as document:
        return "\n".join(page.get_text() for page in document)


def read_in_process(data: bytes, name: str = "bench.pdf") -> list[object]:
    """``read_pdf`` with pdfminer run in this process, as before parsing moved to a child
    process: CPU time measured here is then the parsing's own, comparable across
    libraries (the child's start-up is timed apart, as ``isolation_overhead_s``)."""
    from digests.sources import pdf
    from digests.sources.pdfextract import extract

    def here(data: bytes) -> tuple[object, object, int]:
        found = extract(data, pdf.MAX_PAGES, pdf.TIME_BUDGET)
        return found.pages, found.info, found.page_count

    real = pdf._extract
    pdf._extract = here  # type: ignore[assignment]
    try:
        return list(pdf.read_pdf(data, name))
    finally:
        pdf._extract = real  # type: ignore[assignment]


def _briefbot(data: bytes) -> str:
    [article] = read_in_process(data)  # type: ignore[misc]
    lines = [article.title]
    for section in article.sections:
        lines += [section.heading, *section.paragraphs]
    return "\n".join(lines)


LIBRARIES: dict[str, tuple[str, str, Callable[[bytes], str]]] = {
    "pdfminer.six": ("pdfminer", "MIT", _pdfminer),
    "pypdf": ("pypdf", "BSD-3-Clause", _pypdf),
    "PyMuPDF": ("pymupdf", "AGPL-3.0 (or commercial)", _pymupdf),
    "briefbot read_pdf": ("pdfminer", "MIT", _briefbot),
}


def _best_of(fn: Callable[[bytes], str], data: bytes, repeat: int) -> tuple[str, float]:
    text = fn(data)  # warm: imports, caches
    times = []
    for _ in range(repeat):
        started = time.process_time()
        text = fn(data)
        times.append(time.process_time() - started)
    return text, min(times)


def compare(workdir: Path, pages: int, repeat: int) -> dict[str, object]:
    import importlib.util

    long = build_report(workdir / "long.pdf", sections=round(pages * SECTIONS_PER_PAGE))
    docs = {
        "one column": build_report(workdir / "one.pdf"),
        "two columns": build_report(workdir / "two.pdf", two_columns=True),
        f"{long.pages} pages": long,
    }
    results: dict[str, object] = {}
    for name, (module, licence, fn) in LIBRARIES.items():
        if importlib.util.find_spec(module) is None:
            results[name] = {"skipped": f"{module} not installed"}
            continue
        row: dict[str, object] = {"licence": licence}
        for label, report in docs.items():
            data = report.path.read_bytes()
            text, seconds = _best_of(fn, data, repeat)
            recall, order = fidelity(report, text)
            row[label] = {
                "cjk_recall": round(recall, 3),
                "paragraphs_in_order": round(order, 3),
                "ms_per_page": round(1000 * seconds / report.pages, 1),
            }
        results[name] = row
    return results


def pipeline(workdir: Path, pages: int, repeat: int) -> dict[str, object]:
    from digests.lexicon import default_lexicon
    from digests.sources.pagedump import parse_page_dump
    from digests.sources.pdf import read_pdf
    from digests.summarize import digest_article

    report = build_report(workdir / "report.pdf", sections=round(pages * SECTIONS_PER_PAGE))
    data = report.path.read_bytes()
    text = "\n".join(report.blocks)
    lexicon = default_lexicon()
    digest_article(parse_page_dump(text, "warm.txt")[0], lexicon)  # jieba, OpenCC loaded

    def median(fn: Callable[[], object]) -> tuple[object, float]:
        times, result = [], None
        for _ in range(repeat):
            started = time.process_time()
            result = fn()
            times.append(time.process_time() - started)
        return result, statistics.median(times)

    pdf_articles, pdf_read = median(lambda: read_in_process(data, "report.pdf"))
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        read_pdf(data, "report.pdf")  # in the child process, as ingest and the bot read
        isolated = time.perf_counter() - started
        started = time.perf_counter()
        read_in_process(data, "report.pdf")
        walls.append(isolated - (time.perf_counter() - started))
    text_articles, text_read = median(lambda: parse_page_dump(text, "report.txt"))
    [pdf_article] = pdf_articles  # type: ignore[misc]
    _, pdf_digest = median(lambda: digest_article(pdf_article, lexicon))
    _, text_digest = median(lambda: [digest_article(a, lexicon) for a in text_articles])  # type: ignore[attr-defined]
    return {
        "pages": report.pages,
        "bytes": len(data),
        "characters": len(text),
        "pdf": {
            "read_s": round(pdf_read, 3),
            "digest_s": round(pdf_digest, 3),
            "sections": len(pdf_article.sections),
            "isolation_overhead_s": round(statistics.median(walls), 3),
        },
        "text": {
            "read_s": round(text_read, 3),
            "digest_s": round(text_digest, 3),
            "articles": len(text_articles),  # type: ignore[arg-type]
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="compare PDF libraries too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        result: dict[str, object] = {"pipeline": pipeline(workdir, args.pages, args.repeat)}
        if args.compare:
            result["compare"] = compare(workdir, args.pages, args.repeat)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    run = result["pipeline"]
    assert isinstance(run, dict)
    print(f"{run['pages']}-page report ({run['bytes']:,} bytes, {run['characters']:,} characters)")
    print(f"{'path':<6} {'read s':>8} {'digest s':>9} {'total s':>8}")
    for path in ("pdf", "text"):
        row = run[path]
        total = row["read_s"] + row["digest_s"]
        print(f"{path:<6} {row['read_s']:>8.3f} {row['digest_s']:>9.3f} {total:>8.3f}")
    overhead = run["pdf"]["isolation_overhead_s"]
    print(f"reading in a child process (memory cap, hard deadline) adds {overhead:.3f} s wall")
    if args.compare:
        print()
        print(f"{'library':<18} {'document':<12} {'CJK recall':>10} {'in order':>9} {'ms/page':>8}")
        for name, row in result["compare"].items():  # type: ignore[union-attr]
            if "skipped" in row:
                print(f"{name:<18} skipped: {row['skipped']}")
                continue
            for label, figures in row.items():
                if label == "licence":
                    continue
                print(
                    f"{name:<18} {label:<12} {figures['cjk_recall']:>10.3f}"
                    f" {figures['paragraphs_in_order']:>9.3f} {figures['ms_per_page']:>8.1f}"
                )
            print(f"{'':<18} licence: {row['licence']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
