#!/usr/bin/env bash
# Install briefbot with its test and benchmark extras into ./.venv (versions pinned by
# constraints.txt), lint, check the import layers, and run the tests.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/pytest ] || [ pyproject.toml -nt .venv/.installed-test ] || [ constraints.txt -nt .venv/.installed-test ]; then
    "$PY" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test,bench]"
    touch .venv/.installed-test
fi
.venv/bin/ruff check .
# The layer contracts in pyproject.toml ([tool.importlinter]): imports only run downwards.
.venv/bin/lint-imports --no-cache
exec .venv/bin/python -m pytest "$@"
