"""Daily briefing jobs on python-telegram-bot's JobQueue (APScheduler 3), feed polling.

Jobs are rebuilt from the database at start-up and rescheduled at once whenever a
chat changes its time, time zone, topics or pause state.  Each job fires at the
chat's wall-clock time in its own zone (APScheduler's cron trigger follows daylight
saving).  Briefings missed while the bot was down are sent once after start-up if
still within ``BRIEFBOT_GRACE_HOURS``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from bot.core.services import (
    ALERTS_CHANGED,
    ALERTS_NOW,
    BRIEF_NOW,
    ENSURE_SCHEDULED,
    RESCHEDULE,
    Services,
)
from bot.delivery.alerts import AlertSender
from bot.delivery.deliverer import Deliverer
from bot.delivery.feeds import poll_all_feeds, sync_env_feeds
from store import chats, deliveries

log = logging.getLogger(__name__)

JOB_PREFIX = "brief:"
DELIVERER = "briefbot.deliverer"
ALERTS = "briefbot.alerts"
ALERT_SWEEP_SECONDS = 60
"""How often alerts look for new articles (``briefbot ingest`` in another process
stores them without telling the bot) and for quiet hours that ended."""
WEEKDAYS = (1, 2, 3, 4, 5)
"""Monday to Friday in python-telegram-bot's run_daily numbering (0 is Sunday)."""


def _services(app: Application) -> Services:
    return app.bot_data["services"]


def job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def schedule_chat(app: Application, chat_id: int) -> None:
    """(Re)create the chat's daily job from its current settings, or drop it."""
    queue = app.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(job_name(chat_id)):
        job.schedule_removal()
    svc = _services(app)
    chat = chats.get_chat(svc.db, chat_id)
    if chat is None or not chat.receives_briefings:
        return
    at: time = svc.chat_time(chat)
    zone = ZoneInfo(svc.chat_zone(chat))
    queue.run_daily(
        _daily_job,
        time=at.replace(tzinfo=zone),
        # Weekdays of the chat's own zone: the cron trigger reads them in that zone.
        days=WEEKDAYS if chat.days == "weekdays" else tuple(range(7)),
        name=job_name(chat_id),
        data=chat_id,
        job_kwargs={"misfire_grace_time": 15 * 60, "coalesce": True},
    )


def ensure_scheduled(app: Application, chat_id: int) -> None:
    """A chat seen for the first time (or back after leaving) gets its daily job."""
    queue = app.job_queue
    if queue is not None and not queue.get_jobs_by_name(job_name(chat_id)):
        schedule_chat(app, chat_id)


def schedule_all(app: Application) -> int:
    svc = _services(app)
    chat_ids = deliveries.deliverable_chats(svc.db)
    for chat_id in chat_ids:
        schedule_chat(app, chat_id)
    return len(chat_ids)


def scheduled_jobs(app: Application) -> int:
    queue = app.job_queue
    if queue is None:
        return 0
    return sum(1 for job in queue.jobs() if job.name and job.name.startswith(JOB_PREFIX))


def install(app: Application) -> None:
    """Called from post_init: jobs for every chat, the catch-up pass, feed polling."""
    svc = _services(app)
    deliverer = Deliverer(app.bot, svc.db, svc.lexicon.taxonomy, svc.settings)
    app.bot_data[DELIVERER] = deliverer
    # /brief is composed like the push, with or without a JobQueue.
    app.bot_data[BRIEF_NOW] = deliverer.on_demand
    queue = app.job_queue
    if queue is None:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]): no scheduled briefings")
        return
    # Alerts share the briefings' sender: one pacer, one set of flood-limit rules.
    sender = AlertSender(deliverer)
    sender.start()
    app.bot_data[ALERTS] = sender
    app.bot_data[ALERTS_CHANGED] = sender.changed
    app.bot_data[ALERTS_NOW] = sender.sweep
    app.bot_data[RESCHEDULE] = lambda chat_id: schedule_chat(app, chat_id)
    app.bot_data[ENSURE_SCHEDULED] = lambda chat_id: ensure_scheduled(app, chat_id)
    count = schedule_all(app)
    log.info("scheduled daily briefings for %d chats", count)
    queue.run_once(_catch_up, when=1, name="catch-up")
    sync_env_feeds(svc.db, svc.settings.feeds)
    queue.run_repeating(_poll_feeds, interval=svc.settings.poll_minutes * 60, first=5, name="feeds")
    queue.run_repeating(_sweep_alerts, interval=ALERT_SWEEP_SECONDS, first=2, name="alerts")


async def _daily_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = context.job.data  # type: ignore[union-attr]
    deliverer: Deliverer = context.application.bot_data[DELIVERER]
    result = await deliverer.deliver_pass(datetime.now(UTC), chat_ids=[chat_id])
    log.info("briefing for chat %s: %s", chat_id, result.line())
    if result.failed:
        # A migrated chat has a new id: make sure its job follows it.
        schedule_all(context.application)


async def _catch_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = _services(context.application)
    deliverer: Deliverer = context.application.bot_data[DELIVERER]
    result = await deliverer.deliver_pass(
        datetime.now(UTC), grace=timedelta(hours=svc.settings.grace_hours)
    )
    log.info("catch-up after start-up: %s", result.line())


async def _poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = _services(context.application)
    lines = await asyncio.to_thread(poll_all_feeds, svc.settings.db_path)
    for line in lines:
        log.info("feed %s", line)
    await context.application.bot_data[ALERTS].sweep()


async def _sweep_alerts(context: ContextTypes.DEFAULT_TYPE) -> None:
    await context.application.bot_data[ALERTS].sweep()
