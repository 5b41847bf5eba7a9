"""How updates reach the bot: ``getUpdates`` long polling, or a webhook the emulator POSTs to.

Why both, and why they exclude each other: a bot runs one way or the other, and Telegram
answers ``409 Conflict`` to ``getUpdates`` while a webhook is set -- and to the older of two
overlapping long polls, which is how a second bot instance shows up.  Long polls sleep on the
emulator's condition until an update is queued, the timeout passes, or the client hangs up
(PTB cancels its poll on shutdown; that request gets no answer).  In webhook mode a daemon
thread delivers the queued updates one at a time with the ``X-Telegram-Bot-Api-Secret-Token``
header, keeps an update until the bot answers ``200`` and retries otherwise, as Telegram does.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from collections.abc import Callable

from bot.loopback.state import JSON, Abandoned, ApiError, EmulatorState, bad

CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)


class WebhookMixin(EmulatorState):
    """``getUpdates``, ``setWebhook``, ``deleteWebhook`` and ``getWebhookInfo``."""

    _webhook_url: str
    _webhook_secret: str | None
    _webhook_thread: threading.Thread | None
    webhook_deliveries: list[tuple[JSON, int]]
    """(update, HTTP status the bot's webhook answered), in delivery order."""

    def _init_webhook(self) -> None:
        self._webhook_url = ""
        self._webhook_secret = None
        self._webhook_thread = None
        self.webhook_deliveries = []

    def _delete_webhook(self, params: JSON) -> object:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._webhook_url = ""
        self._webhook_secret = None
        self._cond.notify_all()
        return True

    def _set_webhook(self, params: JSON) -> object:
        """Like Telegram: from now on updates are POSTed to the URL, with the secret header."""
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad("Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._webhook_url = url
        self._webhook_secret = None if secret is None else str(secret)
        if self._webhook_thread is None or not self._webhook_thread.is_alive():
            self._webhook_thread = threading.Thread(
                target=self._push_updates, name="loopback-webhook", daemon=True
            )
            self._webhook_thread.start()
        self._cond.notify_all()
        return True

    def _push_updates(self) -> None:
        """Deliver queued updates to the webhook one at a time, as Telegram does."""
        import urllib.error
        import urllib.request

        while not self._stopping.is_set():
            with self._cond:
                while not self._stopping.is_set() and not (self._webhook_url and self._updates):
                    self._cond.wait(0.5)
                if self._stopping.is_set():
                    return
                url, secret, update = self._webhook_url, self._webhook_secret, self._updates[0]
            headers = {"Content-Type": "application/json"}
            if secret is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            request = urllib.request.Request(
                url, data=json.dumps(update).encode(), headers=headers, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = 0
            with self._cond:
                self.webhook_deliveries.append((copy.deepcopy(update), status))
                if status == 200 and self._updates and self._updates[0] is update:
                    self._updates.pop(0)
                self._cond.notify_all()
            if status != 200:
                self._stopping.wait(0.2)  # Telegram retries later; so do we

    def _get_webhook_info(self, params: JSON) -> object:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _get_updates(self, params: JSON, client_gone: Callable[[], bool]) -> object:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit", 100)
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout", 0)
        timeout = max(float(timeout), 0.0) if isinstance(timeout, int | float) else 0.0
        if isinstance(offset, int) and offset != 0:
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]

        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()
        deadline = time.monotonic() + timeout
        while not self._updates and not self._stopping.is_set():
            if client_gone():
                raise Abandoned
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(min(remaining, 0.05))
        if generation != self._poll_generation and not self._stopping.is_set():
            if client_gone():
                raise Abandoned
            raise ApiError(409, CONFLICT)
        return copy.deepcopy(self._updates[:limit])
