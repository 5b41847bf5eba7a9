#!/usr/bin/env bash
# Install briefbot into ./.venv (first run only) and run it.
#   ./run.sh                 main job: ingest the sample page and list the articles
#   ./run.sh ARGS...         any briefbot command, e.g. ./run.sh ingest https://example.com/feed.xml
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/briefbot ] || [ pyproject.toml -nt .venv/.installed ]; then
    "$PY" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e .
    touch .venv/.installed
fi
if [ "$#" -gt 0 ]; then
    exec .venv/bin/briefbot "$@"
fi
sample=../shared/corpus/blog-page-62.txt
if [ -f "$sample" ]; then
    .venv/bin/briefbot ingest "$sample"
else
    echo "sample page $sample not found; ingesting the test fixtures instead"
    .venv/bin/briefbot ingest bot/demo_data/pagedumps tests/fixtures/feeds/rss.xml tests/fixtures/html
fi
exec .venv/bin/briefbot articles
