"""How much digesting on demand one reader may ask of the bot: per hour, and one at a time.

Why: every link, PDF or pasted text a reader sends costs a download, parsing and a
digest on a small machine shared by everyone.  A reader gets at most ``per_hour`` jobs
in any sliding hour and one job at a time; over either limit the bot says so at once
and queues nothing, so a flood from one account can neither pile up work nor delay
the others.  Kept in memory: a restart forgets the counts, which errs on the reader's side.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 3600.0


@dataclass(frozen=True)
class Refusal:
    """Why a job may not start: ``"busy"`` (one is running) or ``"rate"`` (hourly limit)."""

    reason: str
    wait_minutes: int = 0


@dataclass
class DigestQuota:
    per_hour: int
    window: float = WINDOW_SECONDS
    _starts: dict[int, deque[float]] = field(default_factory=dict)
    _running: set[int] = field(default_factory=set)

    def try_start(self, user_id: int, now: float | None = None) -> Refusal | None:
        """Start a job for ``user_id`` (counted at once), or say why not."""
        now = time.monotonic() if now is None else now
        if user_id in self._running:
            return Refusal("busy")
        starts = self._starts.setdefault(user_id, deque())
        while starts and starts[0] <= now - self.window:
            starts.popleft()
        if len(starts) >= self.per_hour:
            wait = (starts[0] + self.window - now) / 60 if starts else self.window / 60
            return Refusal("rate", max(1, math.ceil(wait)))
        starts.append(now)
        self._running.add(user_id)
        return None

    def finish(self, user_id: int) -> None:
        """The user's job is over (done, failed, or its worker thread finally returned)."""
        self._running.discard(user_id)
        if not self._starts.get(user_id):
            self._starts.pop(user_id, None)
