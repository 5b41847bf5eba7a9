"""Wall time of each read command in a fresh process, on a 100-article store.

Usage: python bench/cli.py [--articles 100] [--runs 3] [--json]

Builds the same articles as ``bench/pipeline.py`` into a store with ``briefbot
ingest``, runs every command once untimed (the first run after ingest may write the
jieba and company-directory caches a new machine lacks), then times ``--runs``
fresh processes per command and prints the median and the best wall time, and the
median CPU time (user + system), which a busy machine disturbs less.  That is what a
script calling ``briefbot company 台積電`` twenty times waits for: interpreter start,
imports, loading what the command needs, the query and printing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMANDS: list[tuple[str, list[str], float]] = [
    ("articles", ["articles"], 0.35),
    ("digest", ["digest", "1"], 0.35),
    ("topics", ["topics"], 0.35),
    ("company", ["company", "台積電"], 0.35),
    ("sector", ["sector", "半導體"], 0.35),
    ("search", ["search", "先進封裝"], 0.8),
]
"""Name, arguments and the goal in seconds (issue 13)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    # bench/ is on sys.path: this script lives there.  ``timed``: wall and CPU seconds.
    from pipeline import build_corpus, timed

    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        dump_dir, _, _ = build_corpus(args.articles, workdir)
        briefbot = [sys.executable, "-m", "bot.cli", "--db", str(workdir / "cli.db")]
        subprocess.run([*briefbot, "ingest", "--quiet", str(dump_dir)], check=True, cwd=ROOT)
        for name, argv, goal in COMMANDS:
            timed([*briefbot, *argv])  # not counted: it writes caches a new machine lacks
            runs = [timed([*briefbot, *argv]) for _ in range(args.runs)]
            times = [wall for wall, _ in runs]
            figures[name] = {
                "median_s": round(statistics.median(times), 3),
                "best_s": round(min(times), 3),
                "cpu_s": round(statistics.median(cpu for _, cpu in runs), 3),
                "goal_s": goal,
            }
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"read commands, fresh process each, {args.articles}-article store ({args.runs} runs)")
    print(f"{'command':<10} {'median':>8} {'best':>8} {'cpu':>8} {'goal':>6}   (cpu: median)")
    for name, argv, _ in COMMANDS:
        f = figures[name]
        mark = "ok" if f["median_s"] <= f["goal_s"] else "over"
        print(
            f"{name:<10} {f['median_s']:7.2f}s {f['best_s']:7.2f}s {f['cpu_s']:7.2f}s "
            f"{f['goal_s']:5.2f}s  {mark}"
            f"   briefbot {' '.join(argv)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
