"""A Deliverer wired to the loopback Bot API, for tests of briefings and alerts.

Tests of scheduled delivery, alerts and pushed briefings all need the same pieces:
settings pointing at the emulator, the store opened in the test's own thread, a Bot
session, and a pacer fast enough for hundreds of chats.  Built in one place, a change to
how the Deliverer is constructed is made once, not in every test file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Bot
from telegram.request import BaseRequest

from bot.core.config import Settings
from bot.delivery.deliverer import Deliverer
from bot.delivery.pacing import Pacer
from bot.loopback import LoopbackBotAPI
from digests.lexicon import default_lexicon
from store import open_db


def loopback_settings(api: LoopbackBotAPI, db_path: Path, **env: str) -> Settings:
    """Settings of a bot talking to ``api``; ``env`` adds variables (BRIEFBOT_BRIEF_MAX=...)."""
    env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url, **env}
    return Settings.from_env(env=env, db_path=str(db_path))


def fast_pacer() -> Pacer:
    """No per-chat spacing and 200 messages a second: tests check order, not pacing."""
    return Pacer(per_second=200.0, per_chat_interval=0.0)


async def short_sleep(seconds: float) -> None:
    """Waits the deliverer is told to make (RetryAfter, backoff), capped at 50 ms."""
    await asyncio.sleep(min(seconds, 0.05))


@asynccontextmanager
async def loopback_deliverer(
    api: LoopbackBotAPI,
    db_path: Path,
    *,
    settings: Settings | None = None,
    pacer: Pacer | None = None,
    sleep: Callable[[float], Awaitable[None]] = short_sleep,
    request: BaseRequest | None = None,
) -> AsyncIterator[Deliverer]:
    """A Deliverer sending to ``api`` through its own store connection, closed after use.

    Defaults: settings for ``api`` (:func:`loopback_settings`), :func:`fast_pacer` and
    :func:`short_sleep`; pass the production ``Pacer`` and ``asyncio.sleep`` to test pacing.
    """
    db = open_db(db_path)
    try:
        async with Bot(api.token, base_url=api.base_url, request=request) as bot:
            yield Deliverer(
                bot,
                db,
                default_lexicon().taxonomy,
                settings or loopback_settings(api, db_path),
                pacer=pacer or fast_pacer(),
                sleep=sleep,
            )
    finally:
        db.close()
