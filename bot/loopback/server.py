"""The HTTP side: a ``ThreadingHTTPServer`` on ``127.0.0.1`` serving one emulator.

Why stdlib and threads: the emulator must run inside a test process (or ``briefbot demo``)
next to the bot's own asyncio loop without touching it, so it serves from daemon threads --
one per request, because a long poll holds its thread for seconds -- and knows nothing of the
API itself: every request goes to one ``serve`` callable.  The server remembers its request
threads so :meth:`LoopbackBotAPI.stop` can join them and no thread outlives a test.
"""

from __future__ import annotations

import select
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, bytes] | tuple[int, bytes, str]
Serve = Callable[[str, str, bytes, Callable[[], bool]], Answer | None]
"""``serve(path, content_type, body, client_gone)`` -> ``(status, JSON body)`` (or
``(status, body, content type)`` for a file download), or ``None`` when the client left
and gets no answer."""


class LoopbackHTTPServer(ThreadingHTTPServer):
    """Tracks its request threads so :meth:`LoopbackBotAPI.stop` can join them."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, serve: Serve) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.serve = serve
        self.request_threads: list[threading.Thread] = []
        self.threads_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="loopback-bot-api-request",
            daemon=True,
        )
        with self.threads_lock:
            self.request_threads = [t for t in self.request_threads if t.is_alive()]
            self.request_threads.append(thread)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer is normal here (cancelled long polls);
        # anything else is worth a traceback.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so no keep-alive threads outlive a test.
    protocol_version = "HTTP/1.0"
    server: LoopbackHTTPServer

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        outcome = self.server.serve(
            self.path, self.headers.get("Content-Type", ""), body, self._client_gone
        )
        if outcome is None:
            self.close_connection = True
            return
        status, payload = outcome[0], outcome[1]
        content_type = outcome[2] if len(outcome) > 2 else "application/json"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def log_message(self, format: str, *args: Any) -> None:
        pass
