"""Run the real Application (long polling) against the loopback Bot API emulator.

Tests talk to the bot the way Telegram users do: they inject updates into the
emulator and read back the Bot API calls the bot made, synchronously.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.core.config import Settings
from bot.loopback import Call, FakeChat, FakeUser, LoopbackBotAPI
from bot.telegram_app.app import build_application, start_polling, stop_polling

REPLY_METHODS = {
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
}


class BotHarness:
    def __init__(self, db_path: Path, admins: Iterable[int] = (), env: dict | None = None) -> None:
        self.db_path = db_path
        self.admins = ",".join(str(a) for a in admins)
        self.extra_env = env or {}
        self.api = LoopbackBotAPI()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> BotHarness:
        self.api.start()
        env = {
            "TELEGRAM_BOT_TOKEN": self.api.token,
            "TELEGRAM_API_URL": self.api.base_url,
            "BRIEFBOT_ADMINS": self.admins,
            # No catch-up deliveries racing the conversation a test is having.
            "BRIEFBOT_GRACE_HOURS": "0",
            **self.extra_env,
        }
        self.app = build_application(Settings.from_env(env=env, db_path=str(self.db_path)))
        self.thread.start()
        self._run(start_polling(self.app, poll_timeout=1))
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run(stop_polling(self.app))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.api.stop()

    def _run(self, coroutine: object, timeout: float = 60) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)  # type: ignore[arg-type]

    @property
    def services(self):  # type: ignore[no-untyped-def]
        return self.app.bot_data["services"]

    def chat(self, chat_id: int):  # type: ignore[no-untyped-def]
        """The chat's stored settings, read through a connection of the test's own thread."""
        from store import open_db
        from store.chats import get_chat

        db = open_db(self.db_path)
        try:
            return get_chat(db, chat_id)
        finally:
            db.close()

    def article_id(self, title: str) -> int:
        from store import open_db

        db = open_db(self.db_path)
        try:
            return next(db["articles"].rows_where("title = ?", [title]))["id"]
        finally:
            db.close()

    def send(
        self, chat: FakeChat, user: FakeUser | None, text: str, sender_chat: FakeChat | None = None
    ) -> list[Call]:
        """Write ``text`` as ``user`` and return the bot's reply calls once it is quiet."""
        mark = len(self.api.calls)
        self.api.send_message(chat, user, text, sender_chat=sender_chat)
        return self.settle(mark)

    def add_to_group(self, chat: FakeChat, by: FakeUser) -> list[Call]:
        """Add the bot to a group and wait for whatever it says (its introduction)."""
        mark = len(self.api.calls)
        self.api.add_bot_to_group(chat, by)
        return self.settle(mark, limit=5.0)

    def press(self, chat: FakeChat, user: FakeUser, message_id: int, data: str) -> list[Call]:
        mark = len(self.api.calls)
        self.api.press_button(chat, user, message_id, data)
        return self.settle(mark)

    def settle(self, mark: int, quiet: float = 0.25, limit: float = 15.0) -> list[Call]:
        """Calls made after ``mark``: wait for a first reply, then for quiet."""
        started = time.monotonic()
        last_count = len(self.api.calls)
        last_change = started
        while time.monotonic() - started < limit:
            time.sleep(0.02)
            calls = self.api.calls
            replies = [c for c in calls[mark:] if c.method in REPLY_METHODS]
            if len(calls) != last_count:
                last_count, last_change = len(calls), time.monotonic()
            elif replies and time.monotonic() - last_change >= quiet:
                return [c for c in calls[mark:] if c.method != "getUpdates"]
        return [c for c in self.api.calls[mark:] if c.method != "getUpdates"]


@contextmanager
def harness_on_copy(
    base: Path, folder: Path, admins: Iterable[int] = (), env: dict | None = None
) -> Iterator[BotHarness]:
    """A running bot on a private copy of ``base``: a module builds its store once, and
    each test may change its own copy."""
    path = folder / "bot.db"
    shutil.copy(base, path)
    with BotHarness(path, admins, env) as harness:
        yield harness


def sent(calls: list[Call], method: str = "sendMessage") -> list[Call]:
    """The calls of ``method`` that succeeded."""
    return [c for c in calls if c.method == method and c.ok]


def texts(calls: list[Call], method: str = "sendMessage") -> list[str]:
    return [str(c.params.get("text", "")) for c in sent(calls, method)]


PROGRESS = "⏳ 處理中…"
"""The message a digest on demand shows while it works, later edited into the answer."""


def answer_after(bot: BotHarness, mark: int, limit: float = 60.0) -> list[Call]:
    """The bot's calls after ``mark`` once it answered: the progress message edited into
    the answer, or a one-line refusal without one."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        calls = bot.api.calls[mark:]
        sent = [c for c in calls if c.method == "sendMessage" and c.ok]
        progress = any(c.params.get("text") == PROGRESS for c in sent)
        edited = any(c.method == "editMessageText" for c in calls)
        if (progress and edited) or (sent and not progress):
            return bot.settle(mark, quiet=0.4)
        time.sleep(0.05)
    raise AssertionError(f"no answer: {[c.describe() for c in bot.api.calls[mark:]]}")


def say_and_answer(
    bot: BotHarness, chat: FakeChat, user: FakeUser, words: str, **kw: object
) -> list[Call]:
    mark = len(bot.api.calls)
    bot.api.send_message(chat, user, words, **kw)  # type: ignore[arg-type]
    return answer_after(bot, mark)


def edited_texts(calls: list[Call]) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls if c.method == "editMessageText" and c.ok]


def buttons(call: Call) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [
        (b["text"], b.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for b in row
    ]
