"""``briefbot demo``: the real Application against an in-process loopback Bot API.

The terminal plays the user's private chat: what you type is sent to the bot as a
Telegram message, the bot's replies are printed as text, and inline buttons are
pressed by typing their number.  No token, no network: the Bot API is a local
emulator on 127.0.0.1 and the store is a temporary database of sample articles.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from bot.core.config import ConfigError, Settings
from bot.loopback import FakeChat, FakeUser, LoopbackBotAPI
from bot.telegram_app.app import build_application, start_polling, stop_polling

QUIT = {"/quit", "/exit", "quit", "exit", ":q"}
MAX_LINE = 4096
"""Telegram's limit for one message; a longer paste is cut (and the user told)."""
DEMO_USER_ID = 10001
"""The demo's user is an operator, so /ingest, /feeds and /stats can be tried too."""
REPLY_METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery")


def sample_sources() -> list[str]:
    folder = resources.files("bot.cli") / "demo_data" / "pagedumps"
    return sorted(str(p) for p in Path(str(folder)).glob("*.txt"))


def terminal_text(markup: str) -> str:
    """Telegram HTML as plain terminal text: links show their address, tags go."""
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"\2 <\1>", markup, flags=re.S)
    text = re.sub(r"</?(?:b|strong|i|em|u|s|code|pre|blockquote|tg-spoiler)[^>]*>", "", text)
    return html.unescape(text)


class DemoSession:
    """Runs the bot in a background event loop and talks to it through the emulator."""

    def __init__(self, api: LoopbackBotAPI, settings: Settings, out: Callable[[str], None]) -> None:
        self.api = api
        self.out = out
        self.app = build_application(settings)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.chat = FakeChat(id=DEMO_USER_ID, type="private")
        self.user = FakeUser(
            id=DEMO_USER_ID, first_name="Demo", username="demo", language_code="zh-hant"
        )
        self.buttons: list[tuple[int, str]] = []
        self.seen = 0

    def __enter__(self) -> DemoSession:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(start_polling(self.app, poll_timeout=1), self.loop).result(
            60
        )
        self.seen = len(self.api.calls)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(stop_polling(self.app), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def type(self, line: str) -> None:
        """Send what was typed; a number of a button on screen presses that button.

        Any other number (a ticker such as 2330) is sent as a message.
        """
        line = typed_text(line)
        if len(line) > MAX_LINE:
            self.out(f"(your message was cut to Telegram's limit of {MAX_LINE} characters)")
            line = line[:MAX_LINE]
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            message_id, data = self.buttons[int(line) - 1]
            try:
                self.api.press_button(self.chat, self.user, message_id, data)
            except (LookupError, ValueError):
                self.buttons = []
                self.out("(no buttons on screen)")
                return
        else:
            self.api.send_message(self.chat, self.user, line)
        self._print_replies()

    def _print_replies(self, quiet: float = 0.4, limit: float = 20.0) -> None:
        """Wait until the bot has answered and gone quiet, then print what it did."""
        started = time.monotonic()
        last_change = started
        count = len(self.api.calls)
        while time.monotonic() - started < limit:
            time.sleep(0.05)
            now = len(self.api.calls)
            if now != count:
                count, last_change = now, time.monotonic()
            elif (
                count > self.seen
                and time.monotonic() - last_change >= quiet
                and not self._working(count)
            ):
                break
        for call in self.api.calls[self.seen : count]:
            self._show(call.method, call.params, call.ok, call.error)
        self.seen = count

    def _working(self, count: int) -> bool:
        """A digest on demand is running: its "⏳" progress message is not edited yet."""
        calls = [c for c in self.api.calls[self.seen : count] if c.ok]
        progress = [
            i
            for i, c in enumerate(calls)
            if c.method == "sendMessage" and str(c.params.get("text", "")).startswith("⏳")
        ]
        return bool(progress) and not any(
            c.method == "editMessageText" for c in calls[progress[-1] + 1 :]
        )

    def _show(self, method: str, params: dict, ok: bool, error: dict | None) -> None:
        if method not in REPLY_METHODS:
            return
        if not ok:
            self.out(f"(Bot API refused {method}: {error})")
            return
        if method == "answerCallbackQuery":
            if params.get("text"):
                self.out(f"  ⓘ {params['text']}")
            return
        if method in ("sendMessage", "editMessageText"):
            prefix = "bot (edited)" if method == "editMessageText" else "bot"
            self.out(f"\n{prefix}> " + terminal_text(str(params.get("text", ""))))
        if method.startswith("edit") and not params.get("reply_markup"):
            # An edit without a keyboard removed the buttons of that message.
            edited = int(params.get("message_id") or 0)
            self.buttons = [b for b in self.buttons if b[0] != edited]
        self._show_buttons(params)

    def _show_buttons(self, params: dict) -> None:
        markup = params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not rows:
            return
        # An edit names its message; a new message is the chat's last one.
        message_id = int(
            params.get("message_id") or self.api.last_bot_message(self.chat.id)["message_id"]
        )
        self.buttons = []
        labels = []
        for row in rows:
            for button in row:
                if "callback_data" not in button:
                    # A link (the original article): shown, opened by the reader, never pressed.
                    labels.append(f"{button.get('text', '')} {button.get('url', '')}")
                    continue
                self.buttons.append((message_id, button["callback_data"]))
                labels.append(f"[{len(self.buttons)}] {button.get('text', '')}")
        self.out("   " + "  ".join(labels))


def run_demo(db_path: str | None = None, stdin=None, out: Callable[[str], None] = print) -> int:  # type: ignore[no-untyped-def]
    stdin = stdin or sys.stdin
    with tempfile.TemporaryDirectory(prefix="briefbot-demo-") as tmp:
        if db_path is None:
            db_path = str(Path(tmp) / "demo.db")
            _fill_with_samples(db_path, out)
        with LoopbackBotAPI() as api:
            try:
                settings = Settings.from_env(
                    env={
                        "TELEGRAM_BOT_TOKEN": api.token,
                        "TELEGRAM_API_URL": api.base_url,
                        "BRIEFBOT_ADMINS": str(DEMO_USER_ID),
                    },
                    db_path=db_path,
                )
            except ConfigError as exc:
                out(f"error: {exc}")
                return 2
            out(
                "briefbot demo — this terminal is your Telegram chat with the bot.\n"
                f"Type commands such as {_suggested_commands(db_path)};\n"
                "type a button's number to press it; /quit (or Ctrl-D) to leave.\n"
            )
            with DemoSession(api, settings, out) as session:
                session.type("/start")
                for line in _lines(stdin):
                    if line in QUIT:
                        break
                    session.type(line)
    return 0


def _suggested_commands(db_path: str) -> str:
    """Example commands that the store can answer: its most named company, busiest topic."""
    from store import open_db
    from store.highlights import busiest_topics, most_named_companies

    db = open_db(db_path)
    try:
        companies, topics = most_named_companies(db, 1), busiest_topics(db, 1)
    finally:
        db.close()
    examples = ["/start", "/brief"]
    examples += [f"/company {name}" for name in companies]
    examples += [f"/sector {name}" for name in topics]
    if not companies and not topics:
        examples.append("/latest")
    return ", ".join([*examples, "/help"])


def typed_text(line: str) -> str:
    """What the user meant: a paste cut mid-character (surrogate escapes from the terminal)
    becomes replacement characters instead of text nothing can encode."""
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _lines(stdin) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Typed lines: with a prompt on a terminal, plain reading from a pipe."""
    interactive = stdin is sys.stdin and sys.stdin.isatty()
    while True:
        try:
            raw = input("\nyou> ") if interactive else stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return
        if not interactive and raw == "":
            return
        if raw.strip():
            yield raw.strip()


def _fill_with_samples(db_path: str, out: Callable[[str], None]) -> None:
    from bot.ingest.orchestrate import ingest_all
    from store import open_db

    out("preparing a temporary store with sample articles…")
    db = open_db(db_path)
    try:
        results = ingest_all(db, sample_sources(), workers=1)
        out(f"{sum(r.articles for r in results)} sample articles ready.\n")
    finally:
        db.close()
