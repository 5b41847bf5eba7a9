"""Settings from the environment, read when the application is built (never at import)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.timeparse import parse_hhmm
from store.db import resolve_db_path

DEFAULT_TZ = "Asia/Taipei"
DEFAULT_BRIEF_TIME = "08:00"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str | None
    db_path: str
    admins: frozenset[int] = field(default_factory=frozenset)
    timezone: str = DEFAULT_TZ
    brief_time: time = time(8, 0)
    brief_max: int = 8
    grace_hours: float = 6.0
    send_rate: float = 25.0
    """Broadcast messages per second: below Telegram's 30 to leave room for replies."""
    feeds: tuple[str, ...] = ()
    poll_minutes: float = 30.0
    webhook_secret: str | None = None
    alerts_per_hour: int = 6
    """Instant alerts a chat gets at most per hour; the rest wait for its briefing."""
    user_digests_per_hour: int = 20
    """Digests on demand (links, documents, pasted text) one reader may ask for per hour."""
    digest_timeout: float = 90.0
    """Seconds one digest on demand may take (download, reading, digesting) before it stops."""

    def chat_time(self, brief_time: str | None) -> time:
        """A chat's /time, or BRIEFBOT_BRIEF_TIME when it has none (or it is unreadable)."""
        return (parse_hhmm(brief_time) if brief_time else None) or self.brief_time

    def chat_zone(self, timezone: str | None) -> str:
        """A chat's /timezone, or BRIEFBOT_TZ."""
        return timezone or self.timezone

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, db_path: str | None = None) -> Settings:
        env = os.environ if env is None else env
        admins: set[int] = set()
        for part in (env.get("BRIEFBOT_ADMINS") or "").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ConfigError(f"BRIEFBOT_ADMINS: {part!r} is not a Telegram user id")
            admins.add(int(part))
        tz = env.get("BRIEFBOT_TZ") or DEFAULT_TZ
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"BRIEFBOT_TZ: unknown time zone {tz!r}") from None
        raw_time = env.get("BRIEFBOT_BRIEF_TIME") or DEFAULT_BRIEF_TIME
        brief_time = parse_hhmm(raw_time)
        if brief_time is None:
            raise ConfigError(f"BRIEFBOT_BRIEF_TIME: {raw_time!r} is not HH:MM")
        raw_max = env.get("BRIEFBOT_BRIEF_MAX") or "8"
        if not raw_max.isdigit() or int(raw_max) < 1:
            raise ConfigError(f"BRIEFBOT_BRIEF_MAX: {raw_max!r} is not a positive number")
        grace = _number(env, "BRIEFBOT_GRACE_HOURS", 6.0, minimum=0.0)
        send_rate = _number(env, "BRIEFBOT_SEND_RATE", 25.0, minimum=0.1)
        poll = _number(env, "BRIEFBOT_POLL_MINUTES", 30.0, minimum=1.0)
        per_hour = _number(env, "BRIEFBOT_USER_DIGESTS_PER_HOUR", 20.0, minimum=0.0)
        digest_timeout = _number(env, "BRIEFBOT_DIGEST_TIMEOUT", 90.0, minimum=0.1)
        raw_alerts = (env.get("BRIEFBOT_ALERTS_PER_HOUR") or "6").strip()
        if not raw_alerts.isdigit() or int(raw_alerts) < 1:
            raise ConfigError(f"BRIEFBOT_ALERTS_PER_HOUR: {raw_alerts!r} is not a positive number")
        feeds = tuple(f.strip() for f in (env.get("BRIEFBOT_FEEDS") or "").split(",") if f.strip())
        secret = (env.get("BRIEFBOT_WEBHOOK_SECRET") or "").strip()
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ConfigError("BRIEFBOT_WEBHOOK_SECRET: only A-Z, a-z, 0-9, _ and - (1-256)")
        for feed in feeds:
            if not feed.lower().startswith(("http://", "https://")):
                raise ConfigError(f"BRIEFBOT_FEEDS: {feed!r} is not an http(s) URL")
        if db_path is None:
            db_path = env.get("BRIEFBOT_DB") or resolve_db_path(None)
        return cls(
            token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
            api_url=(env.get("TELEGRAM_API_URL") or "").strip() or None,
            db_path=db_path,
            admins=frozenset(admins),
            timezone=tz,
            brief_time=brief_time,
            brief_max=int(raw_max),
            grace_hours=grace,
            send_rate=send_rate,
            feeds=feeds,
            poll_minutes=poll,
            webhook_secret=(env.get("BRIEFBOT_WEBHOOK_SECRET") or "").strip() or None,
            user_digests_per_hour=int(per_hour),
            digest_timeout=digest_timeout,
            alerts_per_hour=int(raw_alerts),
        )


def _number(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a number") from None
    if value < minimum:
        raise ConfigError(f"{name}: must be at least {minimum:g}")
    return value
