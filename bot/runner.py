"""``briefbot run`` (the real bot) and ``briefbot demo`` (offline, loopback Bot API)."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.config import ConfigError, Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger(__name__)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build_application, install_log_redaction

    try:
        settings = Settings.from_env(db_path=getattr(args, "db", None))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not settings.token:
        print(
            "error: TELEGRAM_BOT_TOKEN is not set (try `briefbot demo` to use the bot offline)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    logging.getLogger().setLevel(logging.INFO)
    install_log_redaction(settings.token)
    app = build_application(settings)
    log.info("briefbot polling with database %s", settings.db_path)
    app.run_polling(drop_pending_updates=False)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(db_path=getattr(args, "db", None) if args.sample_db else None)
