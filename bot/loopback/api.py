"""The emulator itself: :class:`LoopbackBotAPI`, composed from one mixin per concern.

Why mixins over one state: every part works on the same world under the same lock, so each
concern is a mixin over :class:`~bot.loopback.state.EmulatorState` -- injecting updates
(:mod:`bot.loopback.updates`), fault injection (:mod:`bot.loopback.faults`), update delivery
(:mod:`bot.loopback.webhook`), the other methods (:mod:`bot.loopback.methods`).  This class
adds what ties them together: starting and stopping the HTTP server, dispatching each request
(decoding, delays, faults, flood limits, recording the call), and the inspection helpers
tests assert with (``calls``, ``wait_for``, ``bot_messages``).
"""

from __future__ import annotations

import copy
import json
import threading
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from urllib.parse import urlsplit

from bot.loopback.faults import FaultsMixin
from bot.loopback.files import FilesMixin
from bot.loopback.methods import MethodsMixin
from bot.loopback.server import Answer, LoopbackHTTPServer
from bot.loopback.state import JSON, Abandoned, ApiError, Call
from bot.loopback.updates import UpdatesMixin
from bot.loopback.webhook import WebhookMixin
from bot.loopback.wire import FILE_PATH_RE, PATH_RE, coerce, parse_body

Handler = Callable[[JSON], object]


class LoopbackBotAPI(UpdatesMixin, FaultsMixin, WebhookMixin, MethodsMixin, FilesMixin):
    """A Telegram Bot API server on 127.0.0.1 plus hooks to play the users' side.

    Tests and the demo inject updates (:meth:`send_message`, :meth:`press_button`,
    :meth:`add_bot_to_group`, ...), the bot under test fetches them with ``getUpdates`` and
    answers through the HTTP API; every answer is recorded in :attr:`calls` and messages the
    bot sent are kept (with edits applied) for :meth:`bot_messages`.  Chats must be known
    (from an injected update or :meth:`add_chat`) before the bot can use them, as on Telegram.
    """

    def __init__(
        self,
        token: str = "123456:LOOPBACK",
        bot_username: str = "briefbot_test_bot",
        bot_id: int = 123456,
    ) -> None:
        super().__init__(token, bot_username, bot_id)
        self._init_faults()
        self._init_webhook()
        self._init_files()
        self._server: LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None

        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in (
            ("getMe", self._get_me),
            ("logOut", self._true),
            ("close", self._true),
            ("deleteWebhook", self._delete_webhook),
            ("setWebhook", self._set_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("getChat", self._get_chat),
            ("getChatMember", self._get_chat_member),
            ("getChatAdministrators", self._get_chat_administrators),
            ("sendChatAction", self._send_chat_action),
            ("leaveChat", self._leave_chat),
            ("getFile", self._get_file),
        ):
            self._methods[name.lower()] = (name, handler)

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            return
        self._stopping.clear()
        self._server = LoopbackHTTPServer(self._serve)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="loopback-bot-api-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Release pending long polls and delays, stop serving, join every thread we made."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        with server.threads_lock:
            pending = list(server.request_threads)
        for request_thread in pending:
            request_thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LoopbackBotAPI:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port we listen on (only while started)."""
        if self._server is None:
            raise RuntimeError("LoopbackBotAPI is not started")
        return int(self._server.server_address[1])

    @property
    def base_file_url(self) -> str:
        """What to give ``ApplicationBuilder().base_file_url()`` to download files from here."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def base_url(self) -> str:
        """What to give ``ApplicationBuilder().base_url()``; PTB appends ``{token}/{method}``."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- inspection ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every API call so far, in answer order (a copy; safe while the bot runs)."""
        return self.snapshot()

    def snapshot(self) -> list[Call]:
        """A copy of :attr:`calls`."""
        with self._cond:
            return list(self._calls)

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Calls of ``method`` (case-insensitive, like Telegram), optionally for one chat."""
        wanted = method.lower()
        with self._cond:
            return [
                call
                for call in self._calls
                if call.method.lower() == wanted and (chat_id is None or call.chat_id == chat_id)
            ]

    def wait_for(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Block until at least ``count`` calls of ``method`` (ok or failed) were answered.

        Returns all matching calls.  On timeout raises ``TimeoutError`` listing the most
        recent calls, which is usually enough to see what the bot did instead.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self.calls_of(method, chat_id)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            recent = [c for c in self._calls if c.method != "getUpdates"][-12:]
        target = f"{method}" + (f" for chat {chat_id}" if chat_id is not None else "")
        lines = "\n  ".join(call.describe() for call in recent) or "(none)"
        raise TimeoutError(
            f"waited {timeout:.1f}s for {count} call(s) of {target}, saw {len(found)}; "
            f"recent non-getUpdates calls:\n  {lines}"
        )

    def bot_messages(self, chat_id: int) -> list[JSON]:
        """Messages the bot sent to ``chat_id`` as they are now (edits applied), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(message)
                for message in self._messages.get(chat_id, {}).values()
                if message.get("from", {}).get("id") == self.bot_id
            ]

    def last_bot_message(self, chat_id: int) -> JSON:
        """The bot's latest message in ``chat_id``; ``LookupError`` if it sent none."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise LookupError(f"the bot has sent no message to chat {chat_id}")
        return messages[-1]

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands stored by ``setMyCommands`` for exactly this scope and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get(self._scope_key(scope, language_code), []))

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        with self._cond:
            return copy.deepcopy(self._updates)

    # ---- internals: serving --------------------------------------------------------------

    def _serve(
        self, path: str, content_type: str, body: bytes, client_gone: Callable[[], bool]
    ) -> Answer | None:
        """Answer one HTTP request; ``None`` means the client left and gets no answer."""
        arrived = time.monotonic()
        parts = urlsplit(path)
        download = FILE_PATH_RE.fullmatch(parts.path)
        if download is not None:
            return self._download(download.group(1), download.group(2), arrived)
        match = PATH_RE.fullmatch(parts.path)
        if match is None:
            return self._encode(ApiError(404, "Not Found"))
        token, raw_method = match.groups()
        method = raw_method
        params: JSON = {}
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            params = parse_body(content_type, body, parts.query)
            entry = self._methods.get(raw_method.lower())
            if entry is None and raw_method.lower() != "getupdates":
                raise ApiError(404, "Not Found: method not found")
            method = entry[0] if entry is not None else "getUpdates"
            params = coerce(params)
        except ApiError as error:
            return self._finish(Call(method, params, False, None, error.to_dict(), arrived))

        seconds = self._take_delay(method, params)
        if seconds > 0:
            self._stopping.wait(seconds)

        with self._cond:
            try:
                self._take_fault(method, params)
                if entry is None:
                    result = self._get_updates(params, client_gone)
                else:
                    accepted = self._check_flood(method, params)
                    result = entry[1](params)
                    self._record_send(accepted)
                call = Call(method, params, True, copy.deepcopy(result), None, arrived)
            except Abandoned:
                return None
            except ApiError as error:
                call = Call(method, params, False, None, error.to_dict(), arrived)
            except Exception as exc:
                # A bug in the emulator, not in the bot: say so loudly instead of hanging up.
                traceback.print_exc()
                internal = ApiError(500, f"Internal Server Error: loopback emulator bug: {exc!r}")
                call = Call(method, params, False, None, internal.to_dict(), arrived)
            return self._finish(call)

    def _finish(self, call: Call) -> tuple[int, bytes]:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        if call.ok:
            body: JSON = {"ok": True, "result": call.result}
            status = 200
        else:
            error = call.error or {}
            body = {"ok": False, **error}
            status = int(error.get("error_code", 500))
        return status, json.dumps(body, ensure_ascii=False).encode("utf-8")

    @staticmethod
    def _encode(error: ApiError) -> tuple[int, bytes]:
        body = {"ok": False, **error.to_dict()}
        return error.code, json.dumps(body).encode("utf-8")
