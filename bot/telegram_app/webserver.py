"""The bot's HTTP side: the webhook endpoint and ``GET /healthz``, on one port (tornado).

Telegram signs webhook calls with the secret given to ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header; a call without it, or with a wrong one,
gets 403 and is never processed.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024


class _Webhook(tornado.web.RequestHandler):
    def initialize(self, app: Application, secret: str) -> None:  # type: ignore[override]
        self.app = app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook call refused: missing or wrong secret token")
            self.set_status(403)
            self.finish({"ok": False, "error": "forbidden"})
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            self.finish({"ok": False, "error": "bad update"})
            return
        await self.app.update_queue.put(update)
        self.finish({"ok": True})


class _Health(tornado.web.RequestHandler):
    def initialize(self, status: Callable[[], dict]) -> None:  # type: ignore[override]
        self.status = status

    def get(self) -> None:
        body = self.status()
        self.set_status(200 if body.get("ok") else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class WebServer:
    """Serves /healthz, and the webhook path when one is given."""

    def __init__(
        self,
        status: Callable[[], dict],
        *,
        listen: str = "0.0.0.0",
        port: int = 8080,
        app: Application | None = None,
        webhook_path: str | None = None,
        secret: str | None = None,
    ) -> None:
        routes: list = [(r"/healthz", _Health, {"status": status})]
        if webhook_path:
            assert app is not None and secret
            routes.append((webhook_path, _Webhook, {"app": app, "secret": secret}))
        self.application = tornado.web.Application(routes)
        self.listen, self.port = listen, port
        self.server: tornado.httpserver.HTTPServer | None = None

    def start(self) -> None:
        self.server = tornado.httpserver.HTTPServer(self.application, max_body_size=MAX_BODY)
        self.server.listen(self.port, self.listen)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            await self.server.close_all_connections()
            self.server = None
