"""Fault injection: errors, delays and Telegram's flood limits, on request.

Why: a bot's error handling is only as good as the failures it was tested against.  Tests
make the next calls of a method fail with any Telegram answer (:meth:`FaultsMixin.fail` --
``retry_after``/``migrate_to_chat_id`` make PTB raise ``RetryAfter``/``ChatMigrated``), hold
answers back past the client's read timeout (:meth:`FaultsMixin.delay`: "timed out, but the
message was delivered"), or have sends refused for their actual rate the way Telegram
refuses a flooding bot (:meth:`FaultsMixin.enforce_flood_limits`: ``429 Too Many Requests:
retry after N``).  Flood limits are off until asked for, so tests that do not care are not
slowed down.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

from bot.loopback.state import JSON, ApiError, EmulatorState


@dataclass
class _Fault:
    """A :meth:`FaultsMixin.fail` rule: the next ``times`` matching calls answer ``error``."""

    method: str
    chat_id: int | None
    times: int
    error: ApiError


@dataclass
class _Delay:
    """A :meth:`FaultsMixin.delay` rule: the next ``times`` matching answers wait ``seconds``."""

    method: str
    chat_id: int | None
    times: int
    seconds: float


# Telegram's flood limits apply to the send* methods; showing "typing..." is not a message.
_FLOOD_EXEMPT = frozenset({"sendchataction"})
# A send to a chat is allowed once this fraction of the per-chat interval has passed, so a
# client pacing itself at exactly the documented rate is not refused for timer jitter.
_PACING_TOLERANCE = 0.95
_GROUP_TYPES = frozenset({"group", "supergroup"})


def _is_flood_limited(method: str) -> bool:
    name = method.lower()
    return name.startswith("send") and name not in _FLOOD_EXEMPT


@dataclass
class _FloodLimits:
    """The configuration and sliding windows behind :meth:`LoopbackBotAPI.enforce_flood_limits`.

    Only *accepted* sends are remembered: refused ones (429, or 400/403 from validation)
    take no share of any limit.  Times are ``time.monotonic()`` taken under the emulator's
    lock, so every window is in order.
    """

    global_per_second: float
    per_chat_interval: float
    per_group_per_minute: int
    retry_after: int | None
    recent: deque[float] = field(default_factory=deque)  # all chats, the last second
    last_send: dict[int, float] = field(default_factory=dict)  # per chat
    group_recent: dict[int, deque[float]] = field(default_factory=dict)  # per group, last minute

    def wait(self, now: float, chat_id: int, is_group: bool) -> float:
        """Seconds until a send to ``chat_id`` would be accepted; ``<= 0`` means now."""
        waits = [0.0]
        _expire(self.recent, now - 1.0)
        excess = len(self.recent) + 1 - math.floor(self.global_per_second)
        if excess > 0:
            waits.append(self.recent[excess - 1] + 1.0 - now)
        last = self.last_send.get(chat_id)
        if last is not None:
            waits.append(last + _PACING_TOLERANCE * self.per_chat_interval - now)
        window = self.group_recent.get(chat_id)
        if is_group and window:
            _expire(window, now - 60.0)
            excess = len(window) + 1 - self.per_group_per_minute
            if excess > 0:
                waits.append(window[excess - 1] + 60.0 - now)
        return max(waits)

    def record(self, now: float, chat_id: int, is_group: bool) -> None:
        """Remember an accepted send."""
        self.recent.append(now)
        self.last_send[chat_id] = now
        if is_group:
            self.group_recent.setdefault(chat_id, deque()).append(now)


def _expire(window: deque[float], cutoff: float) -> None:
    """Drop times at or before ``cutoff`` (a window holds times in ``(cutoff, now]``)."""
    while window and window[0] <= cutoff:
        window.popleft()


class FaultsMixin(EmulatorState):
    """The fault-injection half of :class:`LoopbackBotAPI`: configuration and checks."""

    _faults: list[_Fault]
    _delays: list[_Delay]
    _flood: _FloodLimits | None
    _flood_refusals: int

    def _init_faults(self) -> None:
        self._faults = []
        self._delays = []
        self._flood = None
        self._flood_refusals = 0

    def fail(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        times: int = 1,
        error_code: int = 400,
        description: str = "Bad Request",
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (for ``chat_id``) fail without effect.

        ``retry_after``/``migrate_to_chat_id`` go into ``parameters`` as Telegram sends them,
        which is what makes PTB raise ``RetryAfter``/``ChatMigrated``.  For a realistic flood
        error use ``error_code=429, description="Too Many Requests: retry after N"``, or
        :meth:`enforce_flood_limits` to have sends refused for their actual rate.
        """
        parameters: JSON = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        error = ApiError(error_code, description, parameters or None)
        with self._cond:
            self._faults.append(_Fault(method.lower(), chat_id, times, error))

    def delay(
        self, method: str, seconds: float, *, chat_id: int | None = None, times: int = 1
    ) -> None:
        """Hold the next ``times`` answers of ``method`` for ``seconds`` before handling them.

        The call still takes effect afterwards: with a delay longer than the client's read
        timeout this reproduces "timed out, but the message was delivered".
        """
        with self._cond:
            self._delays.append(_Delay(method.lower(), chat_id, times, seconds))

    def clear_faults(self) -> None:
        """Forget pending :meth:`fail` and :meth:`delay` rules."""
        with self._cond:
            self._faults.clear()
            self._delays.clear()

    def enforce_flood_limits(
        self,
        *,
        global_per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        per_group_per_minute: int = 20,
        retry_after: int | None = None,
    ) -> None:
        """Refuse sends the way Telegram does when a bot floods (off until called).

        Approximates the limits Telegram documents for bots.  A send is refused if accepting
        it would make more than ``global_per_second`` sends (to all chats) in a sliding
        1-second window, a second send to one chat within ``1 / per_chat_per_second``
        seconds (with 5% tolerance for timer jitter), or more than ``per_group_per_minute``
        sends to one group or supergroup in a sliding 60-second window.

        Refusals answer ``429 Too Many Requests: retry after N`` with
        ``parameters.retry_after = N`` (PTB raises ``RetryAfter``): ``N`` is ``retry_after``
        if given, else the whole seconds (rounded up, at least 1) until the send would have
        been accepted.  They are recorded in :attr:`calls` as failed calls, store no message,
        and are counted in :attr:`flood_refusals`.

        Limited: every ``send*`` method except ``sendChatAction``; edits, deletions and
        callback answers are not.  Only accepted sends count towards the limits (a send
        failing with 400/403, or with an error injected by :meth:`fail`, does not, and those
        errors take precedence over 429).  Calling this again starts afresh: new limits,
        empty history, :attr:`flood_refusals` back to 0.
        """
        if global_per_second < 1:
            raise ValueError("global_per_second must be at least 1")
        if per_chat_per_second <= 0:
            raise ValueError("per_chat_per_second must be positive")
        if per_group_per_minute < 1:
            raise ValueError("per_group_per_minute must be at least 1")
        if retry_after is not None and retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        with self._cond:
            self._flood = _FloodLimits(
                global_per_second=global_per_second,
                per_chat_interval=1.0 / per_chat_per_second,
                per_group_per_minute=per_group_per_minute,
                retry_after=retry_after,
            )
            self._flood_refusals = 0

    def disable_flood_limits(self) -> None:
        """Stop refusing sends; :attr:`flood_refusals` keeps its count for inspection."""
        with self._cond:
            self._flood = None

    @property
    def flood_refusals(self) -> int:
        """How many sends were refused with 429 since :meth:`enforce_flood_limits`.

        Counts the emulator's own flood refusals only, not 429s injected with :meth:`fail`.
        """
        with self._cond:
            return self._flood_refusals

    @staticmethod
    def _matches(rule_method: str, rule_chat: int | None, method: str, params: JSON) -> bool:
        if rule_method != method.lower():
            return False
        return rule_chat is None or params.get("chat_id") == rule_chat

    def _take_delay(self, method: str, params: JSON) -> float:
        with self._cond:
            for rule in self._delays:
                if self._matches(rule.method, rule.chat_id, method, params):
                    rule.times -= 1
                    if rule.times <= 0:
                        self._delays.remove(rule)
                    return rule.seconds
        return 0.0

    def _take_fault(self, method: str, params: JSON) -> None:
        for rule in self._faults:
            if self._matches(rule.method, rule.chat_id, method, params):
                rule.times -= 1
                if rule.times <= 0:
                    self._faults.remove(rule)
                raise ApiError(rule.error.code, rule.error.description, rule.error.parameters)

    def _check_flood(self, method: str, params: JSON) -> tuple[float, int, bool] | None:
        """Raise 429 if this send breaks the flood limits (called under the lock).

        Otherwise returns what to :meth:`_FloodLimits.record` once the send succeeded, or
        ``None`` when limits are off, the method is not limited, or the chat is invalid
        (the handler then answers 400/403 itself).
        """
        limits = self._flood
        if limits is None or not _is_flood_limited(method):
            return None
        try:
            chat = self._chat(params)
        except ApiError:
            return None
        now = time.monotonic()
        chat_id = int(chat["id"])
        is_group = chat["type"] in _GROUP_TYPES
        wait = limits.wait(now, chat_id, is_group)
        if wait > 0:
            self._flood_refusals += 1
            seconds = limits.retry_after
            if seconds is None:
                seconds = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        return now, chat_id, is_group

    def _record_send(self, accepted: tuple[float, int, bool] | None) -> None:
        """Count a send :meth:`_check_flood` let through, once it succeeded (under the lock)."""
        if accepted is not None and self._flood is not None:
            self._flood.record(*accepted)
