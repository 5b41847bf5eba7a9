#!/usr/bin/env bash
# Install briefbot into ./.venv (first run only) and run it.
#   ./run.sh                 the bot: `briefbot run` when TELEGRAM_BOT_TOKEN is set,
#                            otherwise the offline demo (`briefbot demo`)
#   ./run.sh ARGS...         any briefbot command, e.g. ./run.sh ingest https://example.com/feed.xml
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/briefbot ] || [ pyproject.toml -nt .venv/.installed ] || [ constraints.txt -nt .venv/.installed ]; then
    "$PY" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e .
    touch .venv/.installed
fi
if [ "$#" -gt 0 ]; then
    exec .venv/bin/briefbot "$@"
fi
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
    # The real bot: long polling with the database at $BRIEFBOT_DB (default ./briefbot.db).
    exec .venv/bin/briefbot run
fi
# No token: the offline demo, with this terminal as the Telegram chat.
exec .venv/bin/briefbot demo
