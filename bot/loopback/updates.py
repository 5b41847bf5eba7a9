"""Playing the users' side: the updates tests and the demo inject for the bot to fetch.

Why they look exactly like Telegram's: the bot under test parses them with the real PTB
classes, so each helper builds what Telegram would send for that action -- a leading
``/command`` gets its ``bot_command`` entity, an anonymous admin writes with the placeholder
sender in ``from``, adding or blocking the bot is a ``my_chat_member`` change with old and new
member objects, a group upgrade is a pair of migration service messages.  Injecting also
registers the chat and user, so the bot can answer them as on Telegram.
"""

from __future__ import annotations

import copy
import re
import time

from bot.loopback.entities import utf16_len
from bot.loopback.state import (
    ANONYMOUS_ADMIN,
    CHANNEL_BOT,
    JSON,
    MEMBER_STATUSES,
    EmulatorState,
    FakeChat,
    FakeUser,
)

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{1,64})?")
_URL_RE = re.compile(r"https?://[^\s<>\"'「」『』（）()，。、；！？]+", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}\b")


def text_entities(text: str) -> list[JSON]:
    """The entities Telegram's clients attach to what a user types: a leading
    ``bot_command``, every ``http(s)://`` link as a ``url``, every ``@username`` as a
    ``mention``; offsets and lengths in UTF-16 code units, in order."""
    found: list[tuple[int, int, str]] = []
    command = _COMMAND_RE.match(text)
    if command:
        found.append((0, command.end(), "bot_command"))
    found += [(m.start(), m.end(), "url") for m in _URL_RE.finditer(text)]
    found += [(m.start(), m.end(), "mention") for m in _MENTION_RE.finditer(text)]
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found):
        if not kept or start >= kept[-1][1]:  # entities never overlap (an @ inside a link)
            kept.append((start, end, kind))
    return [
        {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
        for start, end, kind in kept
    ]


class UpdatesMixin(EmulatorState):
    """Queue updates as users' actions produce them on Telegram."""

    def send_message(
        self,
        chat: FakeChat,
        user: FakeUser | None,
        text: str,
        *,
        sender_chat: FakeChat | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Queue a ``message`` update: ``user`` (or ``sender_chat``) writes ``text`` in ``chat``.

        A leading ``/cmd`` or ``/cmd@bot`` gets a ``bot_command`` entity, links ``url`` and
        ``@names`` ``mention`` entities, as Telegram's clients add.
        With ``sender_chat`` (an anonymous admin writing as the group itself, or a channel)
        the message carries ``sender_chat`` and, like Telegram, the placeholder sender in
        ``from`` (:data:`ANONYMOUS_ADMIN` or :data:`CHANNEL_BOT`) -- never the real user.
        """
        if user is None and sender_chat is None:
            raise ValueError("a message needs a user or a sender_chat")
        with self._cond:
            self._register_chat(chat, user)
            message: JSON = {}
            if sender_chat is not None:
                self._register_chat(sender_chat, None)
                sender = ANONYMOUS_ADMIN if sender_chat.id == chat.id else CHANNEL_BOT
                message["from"] = dict(sender)
                message["sender_chat"] = self._chat_dict(sender_chat.id)
            elif user is not None:
                message["from"] = user.to_dict()
            message["text"] = text
            entities = text_entities(text)
            if entities:
                message["entities"] = entities
            return self._post_user_message(chat.id, message, reply_to_message_id)

    def press_button(
        self, chat: FakeChat, user: FakeUser, message_id: int, data: str, *, strict: bool = True
    ) -> JSON:
        """Queue a ``callback_query``: ``user`` presses the button with ``data``.

        With ``strict`` the button must exist on the message *as currently stored* (a test
        pressing a button the bot never showed, or already replaced, is a test bug).
        """
        with self._cond:
            self._register_user(user)
            message = self._messages.get(chat.id, {}).get(message_id)
            if message is None:
                raise LookupError(f"no message {message_id} in chat {chat.id}")
            if strict:
                available = [
                    button.get("callback_data")
                    for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                    for button in row
                ]
                if data not in available:
                    raise ValueError(
                        f"message {message_id} has no button with callback_data {data!r}; "
                        f"it has {available}"
                    )
            self._next_query_id += 1
            query: JSON = {
                "id": str(self._next_query_id),
                "from": user.to_dict(),
                "message": copy.deepcopy(message),
                "chat_instance": str(-(abs(chat.id) * 7919 + self.bot_id) % 10**19),
                "data": data,
            }
            self._open_queries[query["id"]] = query
            return self._enqueue("callback_query", query)

    def add_bot_to_group(self, chat: FakeChat, by: FakeUser, status: str = "member") -> JSON:
        """Queue the ``my_chat_member`` update Telegram sends when ``by`` adds the bot."""
        if chat.type not in ("group", "supergroup"):
            raise ValueError("bots are added to groups and supergroups only")
        return self._bot_status_change(chat, by, status, old_status="left")

    def remove_bot_from_group(self, chat: FakeChat, by: FakeUser, status: str = "kicked") -> JSON:
        """Queue ``my_chat_member`` for the bot being removed (``"kicked"`` or ``"left"``)."""
        return self._bot_status_change(chat, by, status)

    def block_bot(self, user: FakeUser) -> JSON:
        """The user blocks the bot: ``my_chat_member`` member -> kicked in their private chat.

        Afterwards sends to that chat fail with ``403 Forbidden: bot was blocked by the user``.
        """
        return self._bot_status_change(FakeChat(user.id, "private"), user, "kicked")

    def migrate_chat(self, chat: FakeChat, new_chat_id: int, by: FakeUser) -> FakeChat:
        """Upgrade a group to a supergroup, as Telegram does when a group grows.

        Queues the two service messages (``migrate_to_chat_id`` in the old chat,
        ``migrate_from_chat_id`` in the new one); later calls to the old id answer ``400``
        with ``parameters.migrate_to_chat_id`` (PTB raises ``ChatMigrated``).
        """
        new_chat = FakeChat(new_chat_id, "supergroup", chat.title)
        with self._cond:
            self._register_chat(chat, by)
            self._register_chat(new_chat, by)
            for (chat_id, user_id), status in list(self._status.items()):
                if chat_id == chat.id:
                    self._status[(new_chat_id, user_id)] = status
            old = self._store_message(
                chat.id, {"from": by.to_dict(), "migrate_to_chat_id": new_chat_id}
            )
            self._enqueue("message", old)
            self._migrated[chat.id] = new_chat_id
            new = self._store_message(
                new_chat_id, {"from": by.to_dict(), "migrate_from_chat_id": chat.id}
            )
            self._enqueue("message", new)
        return new_chat

    def _bot_status_change(
        self, chat: FakeChat, by: FakeUser, status: str, old_status: str | None = None
    ) -> JSON:
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        with self._cond:
            self._register_chat(chat, by)
            if old_status is not None:
                self._status[(chat.id, self.bot_id)] = old_status
            old = self._member_dict(chat.id, self.bot_id)
            self._status[(chat.id, self.bot_id)] = status
            new = self._member_dict(chat.id, self.bot_id)
            return self._enqueue(
                "my_chat_member",
                {
                    "chat": self._chat_dict(chat.id),
                    "from": by.to_dict(),
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": new,
                },
            )
