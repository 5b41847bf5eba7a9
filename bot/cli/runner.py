"""``briefbot run`` (the real bot) and ``briefbot demo`` (offline, loopback Bot API)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.config import ConfigError, Settings

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
    from bot.core.logs import configure_logging

    settings = _settings(args)
    if settings is None:
        return EXIT_USAGE
    webhook_url = getattr(args, "webhook_url", None)
    if webhook_url and not webhook_url.lower().startswith(("https://", "http://")):
        print("error: --webhook-url must be an http(s) URL", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.token, settings.webhook_secret)
    return asyncio.run(
        serve(
            settings,
            webhook_url=webhook_url,
            listen=getattr(args, "listen", "0.0.0.0"),
            port=getattr(args, "port", 8080),
            health_port=getattr(args, "health_port", None),
        )
    )


async def serve(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "0.0.0.0",
    port: int = 8080,
    health_port: int | None = None,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
) -> int:
    """Run until SIGTERM/SIGINT (or ``stop``), then shut down gracefully and return 0.

    Graceful means: the broadcast in progress finishes the message in flight and
    leaves the rest planned in the ledger; the web server and polling stop; the
    store is closed.
    """
    from urllib.parse import urlsplit

    from telegram import Update

    from bot.core.logs import redact_also
    from bot.delivery.scheduler import DELIVERER
    from bot.telegram_app.app import build_application, health, post_init, post_shutdown
    from bot.telegram_app.webserver import WebServer
    from store.meta import webhook_secret

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Not possible outside the main thread (tests pass ``stop`` instead).
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    app = build_application(settings, webhook=bool(webhook_url))
    await app.initialize()
    await post_init(app)
    await app.start()
    server: WebServer | None = None
    status = lambda: health(app)  # noqa: E731 - a closure is the clearest callback here
    if webhook_url:
        secret = settings.webhook_secret or webhook_secret(app.bot_data["services"].db)
        redact_also(secret)
        path = urlsplit(webhook_url).path or "/"
        server = WebServer(
            status, listen=listen, port=port, app=app, webhook_path=path, secret=secret
        )
        server.start()
        await app.bot.set_webhook(
            webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info("webhook mode: %s, listening on %s:%s", webhook_url, listen, port)
    else:
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        if health_port:
            server = WebServer(status, listen=listen, port=health_port)
            server.start()
        log.info("polling mode%s", f", /healthz on port {health_port}" if health_port else "")
    if ready is not None:
        ready.set()
    await stop.wait()
    log.info("shutting down: finishing the message in flight")
    deliverer = app.bot_data.get(DELIVERER)
    if deliverer is not None:
        deliverer.request_stop()
    if server is not None:
        await server.stop()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    await app.stop()
    await post_shutdown(app)
    await app.shutdown()
    log.info("stopped")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo

    # Only an explicit --db: BRIEFBOT_DB may point at a production store.
    return run_demo(db_path=getattr(args, "db", None))


def cmd_deliver(args: argparse.Namespace) -> int:
    """One delivery pass as of ``--at``: the same code the daily jobs run."""
    from bot.core.logs import configure_logging

    settings = _settings(args)
    if settings is None:
        return EXIT_USAGE
    try:
        at = _instant(args.at, settings.timezone)
    except ValueError:
        print(f"error: --at {args.at!r} is not an ISO 8601 date and time", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.token, settings.webhook_secret)
    result = asyncio.run(_deliver(settings, at))
    print(result.line())
    # A chat that blocked the bot can never be sent to: only briefings still pending
    # (network, 5xx after retries) make the pass a failure worth alerting on.
    return EXIT_OK if result.pending == 0 else EXIT_FAILED


def _instant(value: str | None, zone: str) -> datetime:
    if not value:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed


async def _deliver(settings: Settings, at: datetime):  # type: ignore[no-untyped-def]
    from telegram import Bot

    from bot.delivery.deliverer import Deliverer
    from digests.taxonomy import load_taxonomy
    from store import open_db

    db = open_db(settings.db_path)
    try:
        bot = Bot(settings.token or "", base_url=settings.api_url or "https://api.telegram.org/bot")
        async with bot:
            return await Deliverer(bot, db, load_taxonomy(), settings).deliver_pass(at)
    finally:
        db.close()
