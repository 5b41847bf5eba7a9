"""Ingest cost against its floor (OpenCC t2s + jieba) and against SnowNLP, same run.

Usage: python bench/pipeline.py [--articles 100] [--runs 5] [--json]

Builds N articles from the seed page (or, without it, the test fixtures), writes them
as page-dump files, then times separate processes over exactly those files:

* ``ingest``: ``briefbot ingest DIR`` into a fresh database (parse, digest, store),
  digesting on every core as the command does by default (the wall-clock ratio);
* ``ingest --workers 1``: the same in one process (the CPU-time ratio: what a one-core
  host, or a machine whose cores are busy with the bot, pays);
* ``floor``: a process that only converts the same text with OpenCC t2s and segments
  it with jieba (the floor of this design, which must run both anyway); it and the
  one-process ingest run ``--runs`` times, alternated, and their medians are compared;
* ``snownlp``: a process that runs SnowNLP's ``summary(3)`` over the same articles.

Each process pays its own start-up (imports, jieba's dictionary); that is part of the
cost a user sees.  Warm in-process times are printed too, without start-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT.parent / "shared" / "corpus" / "blog-page-62.txt"
FIXTURE_DUMPS = ROOT / "bot" / "cli" / "demo_data" / "pagedumps"

FLOOR_CODE = """
import sys, pathlib, opencc, jieba
conv = opencc.OpenCC("t2s")
for path in sorted(pathlib.Path(sys.argv[1]).iterdir()):
    jieba.lcut(conv.convert(path.read_text(encoding="utf-8")))
"""

SNOWNLP_CODE = """
import sys, json, pathlib
from snownlp import SnowNLP
for text in json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")):
    SnowNLP(text).summary(3)
"""


def base_pages() -> list[str]:
    if SEED.exists():
        return [SEED.read_text(encoding="utf-8")]
    return [p.read_text(encoding="utf-8") for p in sorted(FIXTURE_DUMPS.glob("*.txt"))]


def build_corpus(n_articles: int, workdir: Path) -> tuple[Path, Path, int]:
    """Page-dump files holding ``n_articles`` distinct articles, plus their texts as JSON."""
    from digests.sources.pagedump import parse_page_dump

    pages = base_pages()
    parsed = [parse_page_dump(page, "bench") for page in pages]
    per_copy = sum(len(p) for p in parsed)
    dump_dir = workdir / "dumps"
    dump_dir.mkdir()
    texts: list[str] = []
    copy = 0
    while len(texts) < n_articles:
        for page_articles in parsed:
            lines: list[str] = []
            for article in page_articles:
                if len(texts) >= n_articles:
                    break
                article_lines = [article.title]
                for si, section in enumerate(article.sections):
                    if section.heading:
                        article_lines.append(section.heading)
                    paragraphs = list(section.paragraphs)
                    if si == len(article.sections) - 1:
                        # A distinct copy: same structure, different content hash.
                        paragraphs[-1] += f"(第{copy + 1}版)"
                    article_lines.extend(paragraphs)
                lines.extend(article_lines)
                texts.append("\n".join(article_lines))
            if lines:
                (dump_dir / f"page-{copy:04d}.txt").write_text("\n\n".join(lines), "utf-8")
            copy += 1
    texts_file = workdir / "texts.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
    return dump_dir, texts_file, per_copy


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system, all child processes) of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def one_process_and_floor(
    dump_dir: Path, workdir: Path, runs: int
) -> tuple[float, float, float, float]:
    """Medians over ``runs`` alternated runs of ``ingest --workers 1`` (each into a fresh
    store) and of the floor: wall and CPU seconds of each.

    One run of each swung the ratio by ±0.05 on a quiet shared machine; alternating them
    exposes both to the same moments, and the median drops the odd slow run.
    """
    one_wall, one_cpu, floor_wall, floor_cpu = [], [], [], []
    ingest = ["ingest", "--quiet", "--workers", "1", str(dump_dir)]
    for run in range(runs):
        db = workdir / f"one-{run}.db"
        wall, cpu = timed([sys.executable, "-m", "bot.cli", "--db", str(db), *ingest])
        one_wall.append(wall)
        one_cpu.append(cpu)
        wall, cpu = timed([sys.executable, "-c", FLOOR_CODE, str(dump_dir)])
        floor_wall.append(wall)
        floor_cpu.append(cpu)
    return (
        statistics.median(one_wall),
        statistics.median(one_cpu),
        statistics.median(floor_wall),
        statistics.median(floor_cpu),
    )


def warm_times(dump_dir: Path, workdir: Path) -> tuple[float, float]:
    """In-process times after start-up: our ingest path versus the bare floor."""
    import jieba
    import opencc

    from bot.ingest.orchestrate import ingest_all
    from store import open_db

    files = sorted(str(p) for p in dump_dir.iterdir())
    texts = [Path(f).read_text(encoding="utf-8") for f in files]
    conv = opencc.OpenCC("t2s")
    jieba.lcut(conv.convert(texts[0][:100]))
    db = open_db(workdir / "warmup.db")
    ingest_all(db, files[:1])
    db.close()
    start = time.perf_counter()
    for text in texts:
        jieba.lcut(conv.convert(text))
    floor = time.perf_counter() - start
    db = open_db(workdir / "warm.db")
    start = time.perf_counter()
    results = ingest_all(db, files)
    ingest = time.perf_counter() - start
    assert all(r.ok for r in results)
    db.close()
    return ingest, floor


def compile_sources() -> None:
    """Byte-compile our packages first, as an installed copy (pip, the Docker image) is.

    The floor's libraries (jieba, OpenCC) sit compiled in site-packages; a checkout run
    with PYTHONDONTWRITEBYTECODE (as on the development machine) would otherwise make every
    timed briefbot process compile its own modules from source, about 0.1 s the floor
    never pays.
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "bot", "digests", "store"],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--skip-snownlp", action="store_true", help="skip the slow peer")
    parser.add_argument(
        "--runs", type=int, default=5, help="alternated runs of the one-process ingest and floor"
    )
    parser.add_argument(
        "--pdf-pages", type=int, default=30, help="pages of the generated PDF report (0: skip)"
    )
    args = parser.parse_args()
    compile_sources()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        dump_dir, texts_file, _ = build_corpus(args.articles, workdir)
        chars = sum(len(t) for t in json.loads(texts_file.read_text("utf-8")))
        briefbot = [sys.executable, "-m", "bot.cli", "--db", str(workdir / "bench.db")]
        ingest_s, ingest_cpu_s = timed([*briefbot, "ingest", "--quiet", str(dump_dir)])
        one_s, one_cpu_s, floor_s, floor_cpu_s = one_process_and_floor(dump_dir, workdir, args.runs)
        snownlp_s = (
            None
            if args.skip_snownlp
            else timed([sys.executable, "-c", SNOWNLP_CODE, str(texts_file)])[0]
        )
        stored = json.loads(
            subprocess.run(
                [*briefbot, "articles", "--json"], check=True, capture_output=True, cwd=ROOT
            ).stdout
        )
        warm_ingest_s, warm_floor_s = warm_times(dump_dir, workdir)
        pdf = pdf_figures(workdir, args.pdf_pages) if args.pdf_pages > 0 else None

    figures = {
        "articles": len(stored),
        "chars": chars,
        "ingest_s": round(ingest_s, 3),
        "floor_s": round(floor_s, 3),
        "floor_ratio": round(ingest_s / floor_s, 2),
        "ingest_cpu_s": round(ingest_cpu_s, 3),
        "floor_cpu_s": round(floor_cpu_s, 3),
        "cpu_floor_ratio": round(ingest_cpu_s / floor_cpu_s, 2),
        "one_process_s": round(one_s, 3),
        "one_process_cpu_s": round(one_cpu_s, 3),
        "one_process_cpu_ratio": round(one_cpu_s / floor_cpu_s, 2),
        "runs": args.runs,
        "snownlp_s": None if snownlp_s is None else round(snownlp_s, 3),
        "snownlp_ratio": None if snownlp_s is None else round(snownlp_s / ingest_s, 2),
        "warm_ingest_s": round(warm_ingest_s, 3),
        "warm_floor_s": round(warm_floor_s, 3),
        "warm_floor_ratio": round(warm_ingest_s / warm_floor_s, 2),
        "pdf": pdf,
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"articles ingested        {figures['articles']} ({chars:,} characters)")
    print(f"briefbot ingest process  {ingest_s:7.2f} s")
    print(f"floor process            {floor_s:7.2f} s   (OpenCC t2s + jieba only)")
    print(f"  ratio ingest/floor     {figures['floor_ratio']:7.2f}   (target <= 2, wall clock)")
    print(
        f"CPU time, one process (--workers 1), median of {args.runs} alternated runs: ingest "
        f"{one_cpu_s:.2f} s, floor {floor_cpu_s:.2f} s, "
        f"ratio {figures['one_process_cpu_ratio']:.2f}   (target <= 1.5)"
    )
    print(
        f"CPU time, every core: ingest {ingest_cpu_s:.2f} s, "
        f"ratio {figures['cpu_floor_ratio']:.2f} (plus sending articles to and from workers)"
    )
    if snownlp_s is not None:
        print(f"SnowNLP summary process  {snownlp_s:7.2f} s")
        print(f"  ratio SnowNLP/ingest   {figures['snownlp_ratio']:7.2f}   (target >= 10)")
    print(
        f"warm, in-process: ingest {warm_ingest_s:.2f} s, floor {warm_floor_s:.2f} s, "
        f"ratio {figures['warm_floor_ratio']:.2f}"
    )
    if pdf is not None:
        print_pdf(pdf)
    return 0


def pdf_figures(workdir: Path, pages: int) -> dict[str, object] | None:
    """The PDF path next to the text path: a generated report, read and digested both ways.

    The report is built with reportlab (a test extra); without it the PDF line says so
    instead of failing the whole benchmark.
    """
    if importlib.util.find_spec("reportlab") is None:
        return {"skipped": "reportlab not installed (pip install -e '.[test]')"}
    from pdf import pipeline as pdf_pipeline  # bench/pdf.py, beside this script

    return pdf_pipeline(workdir, pages, repeat=3)


def print_pdf(pdf: dict[str, object]) -> None:
    if "skipped" in pdf:
        print(f"PDF report: skipped, {pdf['skipped']}")
        return
    text, as_pdf = pdf["text"], pdf["pdf"]
    assert isinstance(text, dict) and isinstance(as_pdf, dict)
    print(
        f"PDF report, {pdf['pages']} pages ({pdf['characters']:,} characters), CPU s "
        "(median of 3, warm):"
    )
    for label, row in (("  as PDF", as_pdf), ("  as text", text)):
        total = row["read_s"] + row["digest_s"]
        read, digest = row["read_s"], row["digest_s"]
        print(f"{label:<10} read {read:.3f}  digest {digest:.3f}  total {total:.3f}")
    print(f"  child-process start per PDF (wall) {as_pdf['isolation_overhead_s']:.3f} s")


if __name__ == "__main__":
    sys.exit(main())
