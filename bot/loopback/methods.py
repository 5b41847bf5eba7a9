"""The Bot API methods the emulator serves (besides updates and webhooks), as Telegram answers.

Why these: they are the methods a python-telegram-bot Application and a digest bot use --
``getMe``, commands, sending, editing and deleting messages, callback answers, chat and member
lookups, chat actions, leaving a chat.  Each one checks its parameters against the stored
world and Telegram's limits and answers Telegram's error for the mistakes bots make: editing
to identical content ("message is not modified"), answering a callback query twice or too
late, replying to a message that is gone, an unknown chat action or command scope.  Messages
the bot sends or edits are stored, so tests read them back as the user would see them.
"""

from __future__ import annotations

import copy
import json
import re
import time

from bot.loopback.content import inline_markup, message_text
from bot.loopback.state import JSON, ApiError, EmulatorState, bad
from bot.loopback.wire import INT_RE

MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
CHAT_ACTIONS = frozenset(
    """
    typing upload_photo record_video upload_video record_voice upload_voice upload_document
    choose_sticker find_location record_video_note upload_video_note
    """.split()
)
SCOPE_TYPES = frozenset(
    """
    default all_private_chats all_group_chats all_chat_administrators chat chat_administrators
    chat_member
    """.split()
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")


class MethodsMixin(EmulatorState):
    """Handlers for the methods, each ``(params) -> result`` under the emulator's lock."""

    def _scope_key(self, scope: object, language_code: object) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise bad("unsupported bot command scope")
        normalized = dict(scope)
        if "chat_id" in normalized:
            chat_id = normalized["chat_id"]
            if isinstance(chat_id, str) and INT_RE.fullmatch(chat_id):
                chat_id = int(chat_id)
            normalized["chat_id"] = chat_id
        elif normalized["type"] in ("chat", "chat_administrators", "chat_member"):
            raise bad("chat_id is empty")
        language = language_code or ""
        if not isinstance(language, str) or (language and not _LANGUAGE_RE.fullmatch(language)):
            raise bad("invalid language code specified")
        return json.dumps(normalized, sort_keys=True), language

    def _stored(self, params: JSON, chat_id: int, *, missing: str) -> JSON:
        message_id = params.get("message_id")
        if message_id is None:
            raise bad("message identifier is not specified")
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise bad(missing)
        return message

    def _editable(self, params: JSON) -> JSON:
        if "inline_message_id" in params:
            raise bad("inline messages are not supported by the loopback emulator")
        chat = self._chat(params)
        message = self._stored(params, chat["id"], missing="message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad("message can't be edited")
        return message

    # ---- the methods ---------------------------------------------------------------------

    def _true(self, params: JSON) -> object:
        return True

    def _get_me(self, params: JSON) -> object:
        return dict(self.bot_user)

    def _set_my_commands(self, params: JSON) -> object:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise bad("too many commands specified")
        cleaned: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad("can't parse BotCommand: Object expected")
            for key in ("command", "description"):
                if not isinstance(command.get(key), str):
                    raise bad(f"can't parse BotCommand: Can't find field \"{key}\"")
            if not _BOT_COMMAND_RE.fullmatch(command["command"]):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command["command"], "description": command["description"]})
        key = self._scope_key(params.get("scope"), params.get("language_code"))
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSON) -> object:
        key = self._scope_key(params.get("scope"), params.get("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSON) -> object:
        key = self._scope_key(params.get("scope"), params.get("language_code"))
        self._commands.pop(key, None)
        return True

    def _send_message(self, params: JSON) -> object:
        chat = self._chat(params)
        text, entities = message_text(params, self._user_dict)
        markup = inline_markup(params)
        fields: JSON = {"from": self._sender(self.bot_user), "text": text}
        if entities:
            fields["entities"] = entities
        if markup is not None:
            fields["reply_markup"] = markup
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            target_chat = reply.get("chat_id", chat["id"])
            target = self._messages.get(target_chat, {}).get(reply["message_id"])
            if target is not None:
                fields["reply_to_message"] = self._without_reply(target)
            elif not reply.get("allow_sending_without_reply"):
                raise bad("message to be replied not found")
        return copy.deepcopy(self._store_message(chat["id"], fields))

    def _edit_message_text(self, params: JSON) -> object:
        message = self._editable(params)
        text, entities = message_text(params, self._user_dict)
        markup = inline_markup(params)
        if (
            text == message.get("text")
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = text
        self._set_optional(message, "entities", entities or None)
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        self._set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: JSON) -> object:
        message = self._editable(params)
        markup = inline_markup(params)
        if markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        self._set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    @staticmethod
    def _set_optional(message: JSON, key: str, value: object) -> None:
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value

    def _delete_message(self, params: JSON) -> object:
        chat = self._chat(params)
        message = self._stored(params, chat["id"], missing="message to delete not found")
        del self._messages[chat["id"]][message["message_id"]]
        return True

    def _answer_callback_query(self, params: JSON) -> object:
        query_id = params.get("callback_query_id")
        if not isinstance(query_id, str) or query_id not in self._open_queries:
            raise ApiError(400, QUERY_INVALID)
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad("MESSAGE_TOO_LONG")
        del self._open_queries[query_id]
        return True

    def _get_chat(self, params: JSON) -> object:
        chat = dict(self._chat(params))
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

    def _get_chat_member(self, params: JSON) -> object:
        chat = self._chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int) or user_id <= 0:
            raise bad("invalid user_id specified")
        return self._member_dict(chat["id"], user_id)

    def _get_chat_administrators(self, params: JSON) -> object:
        chat = self._chat(params)
        if chat["type"] == "private":
            raise bad("there are no administrators in the private chat")
        ranked = sorted(
            (
                (0 if status == "creator" else 1, user_id)
                for (chat_id, user_id), status in self._status.items()
                if chat_id == chat["id"] and status in ("creator", "administrator")
            )
        )
        return [self._member_dict(chat["id"], user_id) for _, user_id in ranked]

    def _send_chat_action(self, params: JSON) -> object:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    def _leave_chat(self, params: JSON) -> object:
        chat = self._chat(params)
        if chat["type"] == "private":
            raise bad("chat member status can't be changed in private chats")
        self._status[(chat["id"], self.bot_id)] = "left"
        return True
