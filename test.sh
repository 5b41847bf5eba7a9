#!/usr/bin/env bash
# Install briefbot with its test and benchmark extras into ./.venv, lint, and run the tests.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/pytest ] || [ pyproject.toml -nt .venv/.installed-test ]; then
    "$PY" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[test,bench]"
    touch .venv/.installed-test
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
