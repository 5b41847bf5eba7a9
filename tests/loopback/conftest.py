"""Fixtures of the emulator's tests: a started emulator with a private chat and a group."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.loopback import LoopbackBotAPI
from tests.loopback.support import _HTTP, GROUP, PRIVATE, USER


@pytest.fixture(scope="session", autouse=True)
def _close_http_client() -> Iterator[None]:
    yield
    _HTTP.close()


def _our_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("loopback-bot-api")]


@pytest.fixture
def api() -> Iterator[LoopbackBotAPI]:
    emulator = LoopbackBotAPI()
    emulator.start()
    emulator.add_chat(PRIVATE, USER)
    emulator.add_chat(GROUP)
    try:
        yield emulator
    finally:
        emulator.stop()
        assert not _our_threads(), "the emulator left threads behind"
