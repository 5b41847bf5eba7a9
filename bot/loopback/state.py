"""The world the emulator keeps: users, chats, members, messages, and the queue of updates.

Why one lock: every piece of state -- and the long polls and :meth:`LoopbackBotAPI.wait_for`
calls that sleep until it changes -- is guarded by one ``threading.Condition``, so a request
thread, the test thread and the webhook pusher always see a consistent world, and anything
that changes it can wake everyone waiting with ``notify_all``.

Why chats must be known: as on Telegram, the bot can only address a chat it has heard of
(an injected update, or :meth:`EmulatorState.add_chat`); calls to unknown, migrated or left
chats fail with Telegram's 400/403 answers, which is what the bot's error handling is for.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

# The fake senders Telegram puts in ``from`` for messages written on behalf of a chat
# ("for backward compatibility", per the Bot API docs): an anonymous group admin, and a
# channel posting into its linked discussion group.
ANONYMOUS_ADMIN: JSON = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT: JSON = {
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")


@dataclass
class FakeUser:
    """A Telegram user the tests act as; ``language_code`` defaults to our audience's."""

    id: int
    first_name: str = "User"
    username: str | None = None
    language_code: str | None = "zh-hant"
    is_bot: bool = False

    def to_dict(self) -> JSON:
        """The ``User`` object exactly as Telegram sends it (absent fields omitted)."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeChat:
    """A chat: ``"private"`` (id = the user's id), ``"group"`` or ``"supergroup"``."""

    id: int
    type: str = "private"
    title: str | None = None

    def to_dict(self) -> JSON:
        """The ``Chat`` object; groups always have a title on Telegram, so give them one."""
        data: JSON = {"id": self.id, "type": self.type}
        if self.type != "private":
            data["title"] = self.title or f"Group {self.id}"
        elif self.title:
            data["first_name"] = self.title
        return data


@dataclass
class Call:
    """One API request as the emulator answered it (failed ones included).

    ``time`` is ``time.monotonic()`` when the request *arrived*, so tests can measure the
    spacing of calls (rate limiting, retries); calls are listed in the order they were
    *answered*.
    """

    method: str
    params: dict[str, Any]
    ok: bool
    result: object
    error: dict[str, Any] | None
    time: float

    @property
    def chat_id(self) -> int | str | None:
        """The ``chat_id`` parameter, if the call had one."""
        value = self.params.get("chat_id")
        return value if isinstance(value, int | str) else None

    def describe(self) -> str:
        """One line for failure messages: ``sendMessage(chat_id=5) -> 400 Bad Request: ...``."""
        where = f"(chat_id={self.chat_id})" if self.chat_id is not None else "()"
        if self.ok:
            return f"{self.method}{where} -> ok"
        error = self.error or {}
        return f"{self.method}{where} -> {error.get('error_code')} {error.get('description')}"


class ApiError(Exception):
    """A Telegram error answer: HTTP status = ``error_code``, optional ``parameters``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_dict(self) -> JSON:
        """The error body Telegram sends, minus ``ok``."""
        data: JSON = {"error_code": self.code, "description": self.description}
        if self.parameters:
            data["parameters"] = dict(self.parameters)
        return data


def bad(description: str) -> ApiError:
    """A ``400`` answer; Telegram starts every such description with ``Bad Request:``."""
    return ApiError(400, f"Bad Request: {description}")


class Abandoned(Exception):
    """The client hung up during a long poll (PTB cancels its poll on shutdown)."""


class EmulatorState:
    """The state behind :class:`LoopbackBotAPI`, with the helpers every part of it uses.

    The mixins (updates, faults, methods, webhook) build on this class; attributes are
    guarded by ``_cond`` and helpers starting with ``_`` expect it to be held.
    """

    def __init__(self, token: str, bot_username: str, bot_id: int) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "BriefBot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._cond = threading.Condition(threading.RLock())
        self._stopping = threading.Event()

        self._calls: list[Call] = []
        self._updates: list[JSON] = []
        self._next_update_id = 1000
        self._poll_generation = 0
        self._chats: dict[int, JSON] = {}
        self._migrated: dict[int, int] = {}
        self._users: dict[int, JSON] = {bot_id: self._sender(self.bot_user)}
        self._status: dict[tuple[int, int], str] = {}
        self._messages: dict[int, dict[int, JSON]] = {}
        self._last_message_id: dict[int, int] = {}
        self._open_queries: dict[str, JSON] = {}
        self._next_query_id = 4_000_000_000_000_000_000
        self._commands: dict[tuple[str, str], list[JSON]] = {}

    # ---- world setup ---------------------------------------------------------------------

    def add_chat(self, chat: FakeChat, user: FakeUser | None = None) -> None:
        """Make a chat known without an update (e.g. subscribers restored from a database)."""
        with self._cond:
            self._register_chat(chat, user)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what ``getChatMember`` answers; unknown members are ``"member"``.

        Setting the *bot's* status to ``"kicked"``/``"left"`` makes Telegram-style 403s
        appear for calls to that chat (in a private chat ``"kicked"`` = user blocked the bot).
        """
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        with self._cond:
            self._status[(chat_id, user_id)] = status

    # ---- internals: state ----------------------------------------------------------------

    @staticmethod
    def _sender(user: JSON) -> JSON:
        return {key: user[key] for key in ("id", "is_bot", "first_name", "username") if key in user}

    def _register_user(self, user: FakeUser | None) -> None:
        if user is not None:
            self._users[user.id] = user.to_dict()

    def _register_chat(self, chat: FakeChat, user: FakeUser | None) -> None:
        self._register_user(user)
        data = chat.to_dict()
        if chat.type == "private":
            person = self._users.get(chat.id)
            if person is not None:
                data["first_name"] = person["first_name"]
                if "username" in person:
                    data["username"] = person["username"]
        self._chats[chat.id] = data

    def _chat_dict(self, chat_id: int) -> JSON:
        return dict(self._chats[chat_id])

    def _user_dict(self, user_id: int) -> JSON:
        if user_id == self.bot_id:
            return self._sender(self.bot_user)
        known = self._users.get(user_id)
        if known is not None:
            return dict(known)
        return {"id": user_id, "is_bot": False, "first_name": "User"}

    def _store_message(self, chat_id: int, fields: JSON) -> JSON:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        message: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat_dict(chat_id),
            **fields,
        }
        self._messages.setdefault(chat_id, {})[message_id] = message
        return message

    @staticmethod
    def _without_reply(message: JSON) -> JSON:
        return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}

    def _post_user_message(
        self, chat_id: int, message: JSON, reply_to_message_id: int | None
    ) -> JSON:
        """Store what a user wrote and queue it as a ``message`` update.

        A reply carries the message it answers (without that one's own reply, as on
        Telegram); replying to a message the chat never had is a test bug.
        """
        if reply_to_message_id is not None:
            target = self._messages.get(chat_id, {}).get(reply_to_message_id)
            if target is None:
                raise LookupError(f"no message {reply_to_message_id} in chat {chat_id}")
            message["reply_to_message"] = self._without_reply(target)
        return self._enqueue("message", self._store_message(chat_id, message))

    def _enqueue(self, kind: str, payload: JSON) -> JSON:
        self._next_update_id += 1
        update = {"update_id": self._next_update_id, kind: copy.deepcopy(payload)}
        self._updates.append(update)
        self._cond.notify_all()
        return copy.deepcopy(update)

    def _member_dict(self, chat_id: int, user_id: int) -> JSON:
        status = self._status.get((chat_id, user_id), "member")
        member: JSON = {"status": status, "user": self._user_dict(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
                can_manage_topics=False,
            )
        elif status == "restricted":
            member.update(
                is_member=True,
                until_date=0,
                can_send_messages=False,
                can_send_audios=False,
                can_send_documents=False,
                can_send_photos=False,
                can_send_videos=False,
                can_send_video_notes=False,
                can_send_voice_notes=False,
                can_send_polls=False,
                can_send_other_messages=False,
                can_add_web_page_previews=False,
                can_react_to_messages=False,
                can_change_info=False,
                can_invite_users=False,
                can_pin_messages=False,
                can_manage_topics=False,
                can_edit_tag=False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _chat(self, params: JSON, *, require_membership: bool = True) -> JSON:
        """The chat a call addresses, with Telegram's errors for unknown/migrated/left chats."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad("chat_id is empty")
        if isinstance(chat_id, str):
            wanted = chat_id.removeprefix("@").lower()
            found = next(
                (c for c in self._chats.values() if str(c.get("username", "")).lower() == wanted),
                None,
            )
            if not chat_id.startswith("@") or found is None:
                raise bad("chat not found")
            chat_id = found["id"]
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise bad("chat not found")
        if chat_id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        chat = self._chats[chat_id]
        if require_membership:
            status = self._status.get((chat_id, self.bot_id), "member")
            kind = chat["type"]
            if kind == "private" and status == "kicked":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if kind != "private" and status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
            if kind != "private" and status == "left":
                raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat
