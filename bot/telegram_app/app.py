"""The one factory that builds the Telegram Application, and its lifecycle helpers."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.ext import Application, ApplicationBuilder

from bot.core.config import Settings
from bot.core.services import Services
from bot.delivery import scheduler
from bot.messages.i18n import text
from bot.telegram_app import handlers
from bot.telegram_app.handlers.system import COMMANDS, OPERATOR_COMMANDS
from digests.lexicon import build_lexicon
from store import open_db
from store.reference import learned_companies, sync_reference

log = logging.getLogger(__name__)


def build_application(settings: Settings, webhook: bool = False) -> Application:
    """Handlers, error handler and post_init; nothing runs until the app is started.

    In webhook mode there is no Updater: updates arrive through our own web server.
    """
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required")
    builder = ApplicationBuilder().token(settings.token).post_init(post_init)
    builder = builder.post_shutdown(post_shutdown)
    if webhook:
        builder = builder.updater(None)
    if settings.api_url:
        builder = builder.base_url(settings.api_url)
        # Files come from the same server: ``…/bot`` serves methods, ``…/file/bot`` files.
        api_url = settings.api_url.rstrip("/")
        if api_url.endswith("/bot"):
            builder = builder.base_file_url(api_url.removesuffix("bot") + "file/bot")
    app = builder.build()
    app.bot_data["settings"] = settings
    handlers.register(app)
    return app


async def post_init(app: Application) -> None:
    """Open the store, load the lexicon, register the command menus."""
    settings: Settings = app.bot_data["settings"]
    db = open_db(settings.db_path)
    lexicon = build_lexicon(learned_companies(db))
    sync_reference(db, lexicon)
    app.bot_data["services"] = Services(settings, db, lexicon)
    await register_commands(app.bot)
    scheduler.install(app)


async def post_shutdown(app: Application) -> None:
    svc: Services | None = app.bot_data.pop("services", None)
    if svc is not None:
        svc.db.close()


def health(app: Application) -> dict:
    """What /healthz reports: database reachable, scheduler running, last delivery."""
    from store.deliveries import last_delivery
    from store.maintenance import ping

    svc: Services | None = app.bot_data.get("services")
    status: dict = {"ok": False, "database": False, "scheduler": False}
    if svc is None:
        return status
    try:
        ping(svc.db)
        status["database"] = True
        status["last_delivery"] = last_delivery(svc.db)
    except Exception as exc:  # reported, not raised: this is a health probe
        status["database_error"] = type(exc).__name__
    queue = app.job_queue
    status["scheduler"] = bool(queue is not None and queue.scheduler.running)
    status["jobs"] = scheduler.scheduled_jobs(app)
    status["ok"] = status["database"] and status["scheduler"]
    return status


async def register_commands(bot: Bot) -> None:
    """Command menus: Traditional Chinese by default, English for 'en'; private and groups."""
    for language_code, lang in ((None, "zh-TW"), ("en", "en")):
        private = [BotCommand(c, text(lang, f"cmd.{c}")[:256]) for c, _, _ in COMMANDS]
        group = [BotCommand(c, text(lang, f"cmd.{c}")[:256]) for c, g, _ in COMMANDS if g]
        await bot.set_my_commands(
            private, scope=BotCommandScopeAllPrivateChats(), language_code=language_code
        )
        await bot.set_my_commands(
            group, scope=BotCommandScopeAllGroupChats(), language_code=language_code
        )


async def start_polling(app: Application, poll_timeout: int = 10) -> None:
    """Manual lifecycle (demo, tests): what run_polling does, minus signal handling."""
    await app.initialize()
    await post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(
        poll_interval=0.0, timeout=poll_timeout, drop_pending_updates=False
    )


async def stop_polling(app: Application) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await post_shutdown(app)
    await app.shutdown()


__all__ = ["OPERATOR_COMMANDS", "build_application", "start_polling", "stop_polling"]
