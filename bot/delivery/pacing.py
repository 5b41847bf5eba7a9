"""Pacing for broadcasts, within Telegram's flood limits.

Telegram allows bots about 30 messages a second overall, about one a second per chat
and 20 a minute per group.  A broadcast paces itself below those limits so Telegram
never has to answer 429, and leaves headroom for interactive replies, which do not
wait in this queue.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque


class Pacer:
    def __init__(
        self,
        per_second: float = 25.0,
        per_chat_interval: float = 1.05,
        group_per_minute: int = 19,
        clock=time.monotonic,  # type: ignore[no-untyped-def]
        sleep=asyncio.sleep,  # type: ignore[no-untyped-def]
    ) -> None:
        self.interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.clock = clock
        self.sleep = sleep
        self._next_global = 0.0
        self._last_in_chat: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._lock = asyncio.Lock()

    def _wait_for(self, chat_id: int, is_group: bool, now: float) -> float:
        wait = max(0.0, self._next_global - now)
        last = self._last_in_chat.get(chat_id)
        if last is not None:
            wait = max(wait, last + self.per_chat_interval - now)
        if is_group:
            window = self._group_sends.setdefault(chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.group_per_minute:
                wait = max(wait, window[0] + 60.0 - now + 0.05)
        return wait

    def chat_wait(self, chat_id: int, is_group: bool = False) -> float:
        """Seconds until ``chat_id`` may take another message (global pace aside)."""
        now = self.clock()
        wait = 0.0
        last = self._last_in_chat.get(chat_id)
        if last is not None:
            wait = last + self.per_chat_interval - now
        if is_group:
            window = self._group_sends.get(chat_id)
            if window:
                while window and window[0] <= now - 60.0:
                    window.popleft()
                if len(window) >= self.group_per_minute:
                    wait = max(wait, window[0] + 60.0 - now + 0.05)
        return max(0.0, wait)

    async def acquire(self, chat_id: int, is_group: bool = False) -> None:
        """Wait until one more message to ``chat_id`` stays within every limit."""
        async with self._lock:
            while True:
                now = self.clock()
                wait = self._wait_for(chat_id, is_group, now)
                if wait <= 0:
                    break
                await self.sleep(wait)
            now = self.clock()
            # Advance from the slot, not from a slightly late wake-up, so timer jitter does
            # not accumulate into a lower rate; after an idle spell restart from now.
            slot = self._next_global if now - self._next_global < self.interval else now
            self._next_global = slot + self.interval
            self._last_in_chat[chat_id] = now
            if is_group:
                self._group_sends.setdefault(chat_id, deque()).append(now)

    def penalize(self, seconds: float) -> None:
        """Telegram said 429 anyway: hold every send for the time it asked."""
        self._next_global = max(self._next_global, self.clock() + seconds)
