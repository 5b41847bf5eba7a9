"""``briefbot run`` (the real bot) and ``briefbot demo`` (offline, loopback Bot API)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config import ConfigError, Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger(__name__)


def _settings(args: argparse.Namespace) -> Settings | None:
    """Settings for commands that talk to Telegram; None (after one line) when unusable."""
    try:
        settings = Settings.from_env(db_path=getattr(args, "db", None))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if not settings.token:
        print(
            "error: TELEGRAM_BOT_TOKEN is not set (try `briefbot demo` to use the bot offline)",
            file=sys.stderr,
        )
        return None
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build_application, install_log_redaction

    settings = _settings(args)
    if settings is None:
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


def cmd_deliver(args: argparse.Namespace) -> int:
    """One delivery pass as of ``--at``: the same code the daily jobs run."""
    from bot.app import install_log_redaction

    settings = _settings(args)
    if settings is None:
        return EXIT_USAGE
    try:
        at = _instant(args.at, settings.timezone)
    except ValueError:
        print(f"error: --at {args.at!r} is not an ISO 8601 date and time", file=sys.stderr)
        return EXIT_USAGE
    install_log_redaction(settings.token or "")
    result = asyncio.run(_deliver(settings, at))
    print(result.line())
    return EXIT_OK if result.failed == 0 else EXIT_FAILED


def _instant(value: str | None, zone: str) -> datetime:
    if not value:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed


async def _deliver(settings: Settings, at: datetime):  # type: ignore[no-untyped-def]
    from telegram import Bot

    from bot.delivery import Deliverer
    from digests.taxonomy import load_taxonomy
    from store import open_db

    db = open_db(settings.db_path)
    try:
        bot = Bot(settings.token or "", base_url=settings.api_url or "https://api.telegram.org/bot")
        async with bot:
            return await Deliverer(bot, db, load_taxonomy(), settings).deliver_pass(at)
    finally:
        db.close()
