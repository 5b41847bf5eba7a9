"""Shared by the emulator's tests: its chats and raw HTTP calls like a client's."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.loopback import (
    FakeChat,
    FakeUser,
    LoopbackBotAPI,
)

USER = FakeUser(1001, "Ann", "ann")
PRIVATE = FakeChat(USER.id)
GROUP = FakeChat(-100500, "supergroup", "產業研究")


_HTTP = httpx.Client(timeout=10)  # one client: building one per request costs ~10 ms


def call(api: LoopbackBotAPI, method: str, *, form: bool = False, **params: Any) -> httpx.Response:
    """POST like a client would: JSON body, or PTB-style form body with JSON-encoded values."""
    url = f"{api.base_url}{api.token}/{method}"
    if form:
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        return _HTTP.post(url, data=data)
    return _HTTP.post(url, json=params)


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return str(body["description"])


def keyboard(*data: str) -> dict[str, Any]:
    return {
        "inline_keyboard": [[{"text": f"b{i}", "callback_data": d} for i, d in enumerate(data)]]
    }
