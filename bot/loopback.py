"""A loopback emulator of the Telegram Bot API, for end-to-end tests and ``briefbot demo``.

Why it exists: the bot must be exercised through the real python-telegram-bot stack (request
encoding, ``Updater`` long polling, handler dispatch, error classes) without a network, a
token, or Telegram itself.  Mocking PTB objects would skip exactly the layers where bots break
in production, so instead this module serves the HTTP API on ``127.0.0.1`` and PTB is pointed
at it with ``ApplicationBuilder().base_url(api.base_url)``.

Why it is strict: a fake that accepts anything hides bugs until they hit Telegram.  The
emulator therefore answers ``400``/``403`` the way Telegram does for the mistakes a bot
actually makes -- malformed HTML, over-long text, oversize callback data, "message is not
modified", unknown chats, answering a callback query twice -- using Telegram's wording, so
the bot's error handling is tested against realistic failures.  Where it is *stricter* than
Telegram it says so (a bare ``&`` in HTML text is rejected; Telegram would keep it literally,
but in our code it always means a missing ``html.escape``).  Telegram's flood limits for
bots (``429 Too Many Requests: retry after N``) are enforced only on request, with
:meth:`LoopbackBotAPI.enforce_flood_limits`, so tests that do not care are not slowed down.

Everything is stdlib: a ``ThreadingHTTPServer`` in a daemon thread, one
``threading.Condition`` guarding all state (long polls and :meth:`LoopbackBotAPI.wait_for`
sleep on it), and a small HTML scanner that follows TDLib's ``parse_html`` rules (the stdlib
``html.parser`` is far more lenient than Telegram and cannot report byte offsets).

How python-telegram-bot 22 talks to it: every call is ``POST {base_url}{token}/{method}``
with an ``application/x-www-form-urlencoded`` body (``multipart/form-data`` only when
uploading files).  Every value is a string: ``str`` values verbatim, everything else
JSON-encoded (``"123"``, ``"true"``, ``'{"inline_keyboard": ...}'``).  The emulator also
accepts JSON bodies and query strings, and decodes typed fields before handling a call.
"""

from __future__ import annotations

import copy
import email.policy
import json
import math
import re
import select
import socket
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "ANONYMOUS_ADMIN",
    "CHANNEL_BOT",
    "Call",
    "FakeChat",
    "FakeUser",
    "HtmlParseError",
    "LoopbackBotAPI",
    "parse_html",
    "utf16_len",
]

JSON = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100

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
BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)

# Form bodies carry every value as a string; these say how to turn them back into JSON types.
_JSON_FIELDS = frozenset(
    """
    reply_markup reply_parameters commands scope entities caption_entities link_preview_options
    allowed_updates media results permissions
    """.split()
)
_INT_FIELDS = frozenset(
    """
    chat_id from_chat_id message_id user_id offset limit reply_to_message_id message_thread_id
    cache_time until_date
    """.split()
)
_NUMBER_FIELDS = frozenset({"timeout"})
_BOOL_FIELDS = frozenset(
    """
    disable_notification protect_content allow_sending_without_reply disable_web_page_preview
    show_alert drop_pending_updates revoke_messages allow_paid_broadcast
    """.split()
)
_INT_RE = re.compile(r"-?\d+")
_NUMBER_RE = re.compile(r"-?\d+(\.\d+)?")
_PATH_RE = re.compile(r"/bot([^/]*)/([^/]+)/?")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{1,64})?")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")


# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


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


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _Abandoned(Exception):
    """The client hung up during a long poll (PTB cancels its poll on shutdown)."""


# --------------------------------------------------------------------------------------------
# Telegram HTML
# --------------------------------------------------------------------------------------------


class HtmlParseError(ValueError):
    """Telegram would answer ``Bad Request: can't parse entities: <message>``."""


_SPACES = " \t\n\r\f\v"
_SUPPORTED_TAGS = frozenset(
    """
    a b strong i em u ins s strike del span tg-spoiler code pre blockquote tg-emoji
    """.split()
)
_SIMPLE_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "pre": "pre",
}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,7})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units -- how Telegram counts characters and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(markup: str, pos: int) -> tuple[str, int] | None:
    match = _ENTITY_RE.match(markup, pos)
    if match is None:
        return None
    decimal, hexadecimal, named = match.groups()
    if named:
        return _NAMED[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if 0xD800 <= code <= 0xDFFF:
        raise HtmlParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        )
    if code == 0 or code >= 0x10FFFF:
        return None
    return chr(code), match.end()


def _decode_attribute(raw: str) -> str:
    """Attribute values: entities decoded, anything else kept (as Telegram does)."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            decoded = _decode_entity(raw, i)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
        out.append(raw[i])
        i += 1
    return "".join(out)


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int  # UTF-16 offset in the output text
    position: int  # index into the output text (Python characters)
    order: int


def parse_html(markup: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into ``(text, entities)`` the way Telegram does.

    Follows TDLib's ``parse_html``: only Telegram's tags, every tag closed in order (``</>``
    closes the innermost one), quoted or name-token attribute values, entity offsets and
    lengths in UTF-16 code units.  Stricter than Telegram in one respect, on purpose: a ``&``
    that does not start ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or a numeric reference is
    an error (Telegram keeps it literally; for us it means text was not escaped).

    Raises :class:`HtmlParseError` with Telegram's wording (byte offsets are UTF-8).
    """
    out: list[str] = []
    position = 0
    offset = 0
    stack: list[_OpenTag] = []
    found: list[tuple[int, JSON]] = []
    order = 0
    i = 0
    n = len(markup)

    def at(index: int) -> int:
        return len(markup[:index].encode("utf-8"))

    def emit(chunk: str) -> None:
        nonlocal position, offset
        out.append(chunk)
        position += len(chunk)
        offset += utf16_len(chunk)

    while i < n:
        char = markup[i]
        if char == "&":
            decoded = _decode_entity(markup, i)
            if decoded is None:
                raise HtmlParseError(
                    f'Unsupported HTML entity or unescaped "&" at byte offset {at(i)} '
                    "(only &lt; &gt; &amp; &quot; and numeric references; escape it as &amp;)"
                )
            emit(decoded[0])
            i = decoded[1]
            continue
        if char != "<":
            j = i + 1
            while j < n and markup[j] not in "<&":
                j += 1
            emit(markup[i:j])
            i = j
            continue

        begin = i
        if i + 1 < n and markup[i + 1] == "/":
            i += 2
            j = i
            while j < n and markup[j] not in _SPACES and markup[j] != ">":
                j += 1
            end_name = markup[i:j].lower()
            i = j
            while i < n and markup[i] in _SPACES:
                i += 1
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {at(begin)}")
            if i >= n or markup[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {at(begin)}")
            i += 1
            tag = stack.pop()
            if end_name and end_name != tag.name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {at(begin)}, expected "
                    f'"</{tag.name}>", found "</{end_name}>"'
                )
            entity = _entity_for(tag, offset - tag.offset, "".join(out)[tag.position :])
            if entity is not None:
                found.append((tag.order, entity))
            continue

        i += 1
        j = i
        while j < n and markup[j] not in _SPACES and markup[j] != ">":
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {at(begin)}")
        name = markup[i:j].lower()
        i = j
        if name not in _SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {at(begin)}')
        attributes: dict[str, str] = {}
        while True:
            while i < n and markup[i] in _SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {at(begin)}")
            if markup[i] == ">":
                i += 1
                break
            start = i
            while i < n and markup[i] not in _SPACES and markup[i] not in "=>":
                i += 1
            attribute = markup[start:i].lower()
            if not attribute:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {at(begin)}'
                )
            while i < n and markup[i] in _SPACES:
                i += 1
            if i < n and markup[i] != "=":
                attributes.setdefault(attribute, "")
                continue
            i += 1
            while i < n and markup[i] in _SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {at(begin)}')
            if markup[i] in "\"'":
                close = markup.find(markup[i], i + 1)
                if close < 0:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {at(begin)}")
                value = _decode_attribute(markup[i + 1 : close])
                i = close + 1
            else:
                start = i
                while i < n and (
                    (markup[i].isascii() and markup[i].isalnum()) or markup[i] in ".-"
                ):
                    i += 1
                if i < n and markup[i] not in _SPACES and markup[i] != ">":
                    raise HtmlParseError(f"Unexpected end of name token at byte offset {at(start)}")
                value = markup[start:i].lower()
            attributes.setdefault(attribute, value)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {at(begin)}'
            )
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise HtmlParseError(
                f'Tag "tg-emoji" must have a numeric "emoji-id" attribute at byte offset '
                f"{at(begin)}"
            )
        stack.append(_OpenTag(name, attributes, offset, position, order))
        order += 1

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return "".join(out), _merge_pre_code(found)


def _entity_for(tag: _OpenTag, length: int, content: str) -> JSON | None:
    if length <= 0:
        return None
    entity: JSON = {"offset": tag.offset, "length": length}
    if tag.name in _SIMPLE_ENTITY:
        entity["type"] = _SIMPLE_ENTITY[tag.name]
    elif tag.name == "blockquote":
        expandable = "expandable" in tag.attributes
        entity["type"] = "expandable_blockquote" if expandable else "blockquote"
    elif tag.name == "code":
        entity["type"] = "code"
        language = tag.attributes.get("class", "")
        if language.startswith("language-") and len(language) > len("language-"):
            entity["language"] = language.removeprefix("language-")
    elif tag.name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = tag.attributes["emoji-id"]
    else:  # "a"
        url = tag.attributes.get("href") or ""
        if not url:
            if not content.startswith(("http://", "https://")):
                return None
            url = content
        user = re.fullmatch(r"tg://user\?id=(\d+)", url)
        if user:
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(user.group(1)), "is_bot": False, "first_name": "User"}
        else:
            entity["type"] = "text_link"
            entity["url"] = url
    return entity


def _merge_pre_code(found: list[tuple[int, JSON]]) -> list[JSON]:
    """``<pre><code class="language-x">`` over the same text is one ``pre`` with a language."""
    entities = [entity for _, entity in sorted(found, key=lambda item: item[0])]
    merged: list[JSON] = []
    for entity in entities:
        language = entity.pop("language", None) if entity["type"] == "code" else None
        if language:
            twin = next(
                (
                    other
                    for other in entities
                    if other["type"] == "pre"
                    and other["offset"] == entity["offset"]
                    and other["length"] == entity["length"]
                ),
                None,
            )
            if twin is not None:
                twin["language"] = language
                continue
        merged.append(entity)
    merged.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return merged


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram strips leading/trailing whitespace from message text; entities follow."""
    stripped = text.strip(_SPACES)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_SPACES))])
    end = lead + utf16_len(stripped)
    kept: list[JSON] = []
    for entity in entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            kept.append({**entity, "offset": start - lead, "length": stop - start})
    return stripped, kept


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


def _parse_body(content_type: str, body: bytes, query: str) -> JSON:
    params: JSON = dict(parse_qsl(query, keep_blank_values=True))
    if not body:
        return params
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/json":
            data = json.loads(body)
            if not isinstance(data, dict):
                raise _bad("JSON body must be an object")
            params.update(data)
        elif kind in ("application/x-www-form-urlencoded", ""):
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif kind == "multipart/form-data":
            params.update(_parse_multipart(content_type, body))
        else:
            raise _bad(f"unsupported Content-Type {kind!r}")
    except (UnicodeDecodeError, ValueError) as exc:
        raise _bad(f"can't parse request body: {exc}") from None
    return params


def _parse_multipart(content_type: str, body: bytes) -> JSON:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: JSON = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename:
            params[name] = {"filename": filename, "size": len(data)}
        else:
            params[name] = data.decode("utf-8")
    return params


def _coerce(params: JSON) -> JSON:
    """Turn form strings back into the JSON types Telegram would see."""
    out: JSON = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise _bad(f"can't parse {key} JSON object") from None
            elif key in _INT_FIELDS:
                if _INT_RE.fullmatch(value.strip()):
                    value = int(value)
                elif key != "chat_id":
                    raise _bad(f"invalid {key} specified")
            elif key in _NUMBER_FIELDS:
                if not _NUMBER_RE.fullmatch(value.strip()):
                    raise _bad(f"invalid {key} specified")
                number = float(value)
                value = int(number) if number.is_integer() else number
            elif key in _BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
                value = value.lower() in ("true", "1")
        out[key] = value
    return out


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    """Tracks its request threads so :meth:`LoopbackBotAPI.stop` can join them."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, api: LoopbackBotAPI) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.api = api
        self.request_threads: list[threading.Thread] = []
        self.threads_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="loopback-bot-api-request",
            daemon=True,
        )
        with self.threads_lock:
            self.request_threads = [t for t in self.request_threads if t.is_alive()]
            self.request_threads.append(thread)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer is normal here (cancelled long polls);
        # anything else is worth a traceback.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so no keep-alive threads outlive a test.
    protocol_version = "HTTP/1.0"
    server: _Server

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        outcome = self.server.api._serve(
            self.path, self.headers.get("Content-Type", ""), body, self._client_gone
        )
        if outcome is None:
            self.close_connection = True
            return
        status, payload = outcome
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class _Fault:
    method: str
    chat_id: int | None
    times: int
    error: ApiError


@dataclass
class _Delay:
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


Handler = Callable[[JSON], object]


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------


class LoopbackBotAPI:
    """A Telegram Bot API server on 127.0.0.1 plus hooks to play the users' side.

    Tests and the demo inject updates (:meth:`send_message`, :meth:`press_button`,
    :meth:`add_bot_to_group`, ...), the bot under test fetches them with ``getUpdates`` and
    answers through the HTTP API; every answer is recorded in :attr:`calls` and messages the
    bot sent are kept (with edits applied) for :meth:`bot_messages`.  Chats must be known
    (from an injected update or :meth:`add_chat`) before the bot can use them, as on Telegram.
    """

    def __init__(
        self,
        token: str = "123456:LOOPBACK",
        bot_username: str = "briefbot_test_bot",
        bot_id: int = 123456,
    ) -> None:
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
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

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
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._flood: _FloodLimits | None = None
        self._flood_refusals = 0
        self._webhook_url = ""
        self._webhook_secret: str | None = None
        self._webhook_thread: threading.Thread | None = None
        self.webhook_deliveries: list[tuple[JSON, int]] = []
        """(update, HTTP status the bot's webhook answered), in delivery order."""

        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in (
            ("getMe", self._get_me),
            ("logOut", self._true),
            ("close", self._true),
            ("deleteWebhook", self._delete_webhook),
            ("setWebhook", self._set_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("getChat", self._get_chat),
            ("getChatMember", self._get_chat_member),
            ("getChatAdministrators", self._get_chat_administrators),
            ("sendChatAction", self._send_chat_action),
            ("leaveChat", self._leave_chat),
        ):
            self._methods[name.lower()] = (name, handler)

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            return
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="loopback-bot-api-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Release pending long polls and delays, stop serving, join every thread we made."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        with server.threads_lock:
            pending = list(server.request_threads)
        for request_thread in pending:
            request_thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LoopbackBotAPI:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port we listen on (only while started)."""
        if self._server is None:
            raise RuntimeError("LoopbackBotAPI is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """What to give ``ApplicationBuilder().base_url()``; PTB appends ``{token}/{method}``."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- inspection ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every API call so far, in answer order (a copy; safe while the bot runs)."""
        return self.snapshot()

    def snapshot(self) -> list[Call]:
        """A copy of :attr:`calls`."""
        with self._cond:
            return list(self._calls)

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Calls of ``method`` (case-insensitive, like Telegram), optionally for one chat."""
        wanted = method.lower()
        with self._cond:
            return [
                call
                for call in self._calls
                if call.method.lower() == wanted and (chat_id is None or call.chat_id == chat_id)
            ]

    def wait_for(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Block until at least ``count`` calls of ``method`` (ok or failed) were answered.

        Returns all matching calls.  On timeout raises ``TimeoutError`` listing the most
        recent calls, which is usually enough to see what the bot did instead.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self.calls_of(method, chat_id)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            recent = [c for c in self._calls if c.method != "getUpdates"][-12:]
        target = f"{method}" + (f" for chat {chat_id}" if chat_id is not None else "")
        lines = "\n  ".join(call.describe() for call in recent) or "(none)"
        raise TimeoutError(
            f"waited {timeout:.1f}s for {count} call(s) of {target}, saw {len(found)}; "
            f"recent non-getUpdates calls:\n  {lines}"
        )

    def bot_messages(self, chat_id: int) -> list[JSON]:
        """Messages the bot sent to ``chat_id`` as they are now (edits applied), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(message)
                for message in self._messages.get(chat_id, {}).values()
                if message.get("from", {}).get("id") == self.bot_id
            ]

    def last_bot_message(self, chat_id: int) -> JSON:
        """The bot's latest message in ``chat_id``; ``LookupError`` if it sent none."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise LookupError(f"the bot has sent no message to chat {chat_id}")
        return messages[-1]

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands stored by ``setMyCommands`` for exactly this scope and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get(self._scope_key(scope, language_code), []))

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        with self._cond:
            return copy.deepcopy(self._updates)

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

    # ---- injecting updates ---------------------------------------------------------------

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

        A leading ``/cmd`` or ``/cmd@bot`` gets a ``bot_command`` entity, as Telegram adds.
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
            command = _COMMAND_RE.match(text)
            if command:
                length = utf16_len(command.group(0))
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            if reply_to_message_id is not None:
                target = self._messages.get(chat.id, {}).get(reply_to_message_id)
                if target is None:
                    raise LookupError(f"no message {reply_to_message_id} in chat {chat.id}")
                message["reply_to_message"] = self._without_reply(target)
            stored = self._store_message(chat.id, message)
            return self._enqueue("message", stored)

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

    def _scope_key(self, scope: object, language_code: object) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise _bad("unsupported bot command scope")
        normalized = dict(scope)
        if "chat_id" in normalized:
            chat_id = normalized["chat_id"]
            if isinstance(chat_id, str) and _INT_RE.fullmatch(chat_id):
                chat_id = int(chat_id)
            normalized["chat_id"] = chat_id
        elif normalized["type"] in ("chat", "chat_administrators", "chat_member"):
            raise _bad("chat_id is empty")
        language = language_code or ""
        if not isinstance(language, str) or (language and not _LANGUAGE_RE.fullmatch(language)):
            raise _bad("invalid language code specified")
        return json.dumps(normalized, sort_keys=True), language

    # ---- internals: serving --------------------------------------------------------------

    def _serve(
        self, path: str, content_type: str, body: bytes, client_gone: Callable[[], bool]
    ) -> tuple[int, bytes] | None:
        """Answer one HTTP request; ``None`` means the client left and gets no answer."""
        arrived = time.monotonic()
        parts = urlsplit(path)
        match = _PATH_RE.fullmatch(parts.path)
        if match is None:
            return self._encode(ApiError(404, "Not Found"))
        token, raw_method = match.groups()
        method = raw_method
        params: JSON = {}
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            params = _parse_body(content_type, body, parts.query)
            entry = self._methods.get(raw_method.lower())
            if entry is None and raw_method.lower() != "getupdates":
                raise ApiError(404, "Not Found: method not found")
            method = entry[0] if entry is not None else "getUpdates"
            params = _coerce(params)
        except ApiError as error:
            return self._finish(Call(method, params, False, None, error.to_dict(), arrived))

        seconds = self._take_delay(method, params)
        if seconds > 0:
            self._stopping.wait(seconds)

        with self._cond:
            try:
                self._take_fault(method, params)
                if entry is None:
                    result = self._get_updates(params, client_gone)
                else:
                    accepted = self._check_flood(method, params)
                    result = entry[1](params)
                    if accepted is not None and self._flood is not None:
                        self._flood.record(*accepted)
                call = Call(method, params, True, copy.deepcopy(result), None, arrived)
            except _Abandoned:
                return None
            except ApiError as error:
                call = Call(method, params, False, None, error.to_dict(), arrived)
            except Exception as exc:
                # A bug in the emulator, not in the bot: say so loudly instead of hanging up.
                traceback.print_exc()
                internal = ApiError(500, f"Internal Server Error: loopback emulator bug: {exc!r}")
                call = Call(method, params, False, None, internal.to_dict(), arrived)
            return self._finish(call)

    def _finish(self, call: Call) -> tuple[int, bytes]:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        if call.ok:
            body: JSON = {"ok": True, "result": call.result}
            status = 200
        else:
            error = call.error or {}
            body = {"ok": False, **error}
            status = int(error.get("error_code", 500))
        return status, json.dumps(body, ensure_ascii=False).encode("utf-8")

    @staticmethod
    def _encode(error: ApiError) -> tuple[int, bytes]:
        body = {"ok": False, **error.to_dict()}
        return error.code, json.dumps(body).encode("utf-8")

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

    # ---- internals: validation helpers ---------------------------------------------------

    def _chat(self, params: JSON, *, require_membership: bool = True) -> JSON:
        """The chat a call addresses, with Telegram's errors for unknown/migrated/left chats."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if isinstance(chat_id, str):
            wanted = chat_id.removeprefix("@").lower()
            found = next(
                (c for c in self._chats.values() if str(c.get("username", "")).lower() == wanted),
                None,
            )
            if not chat_id.startswith("@") or found is None:
                raise _bad("chat not found")
            chat_id = found["id"]
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _bad("chat not found")
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

    def _text(self, params: JSON) -> tuple[str, list[JSON]]:
        """Visible text and entities of ``text`` + ``parse_mode``/``entities``, checked."""
        raw = params.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        if not isinstance(raw, str):
            raw = str(raw)
        entities = params.get("entities")
        parse_mode = params.get("parse_mode")
        if entities is not None:
            text = raw
            if not isinstance(entities, list) or not all(
                isinstance(e, dict)
                and isinstance(e.get("type"), str)
                and isinstance(e.get("offset"), int)
                and isinstance(e.get("length"), int)
                for e in entities
            ):
                raise _bad("can't parse entities JSON object")
            entities = [dict(e) for e in entities]
        elif not parse_mode:
            text, entities = raw, []
        elif str(parse_mode).lower() == "html":
            try:
                text, entities = parse_html(raw)
            except HtmlParseError as error:
                raise _bad(f"can't parse entities: {error}") from None
            for entity in entities:
                if entity["type"] == "text_mention":
                    entity["user"] = self._user_dict(entity["user"]["id"])
        elif str(parse_mode).lower() in ("markdown", "markdownv2"):
            # Not validated: briefbot renders HTML.  Kept verbatim so tests notice.
            text, entities = raw, []
        else:
            raise _bad("unsupported parse_mode")
        text, entities = _trim(text, entities)
        if not text:
            raise _bad("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        return text, entities

    @staticmethod
    def _markup(params: JSON) -> JSON | None:
        """Check ``reply_markup``; return it if it is an inline keyboard (kept on the message)."""
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None  # reply keyboards / removal / force reply: accepted, not stored
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad(
                'can\'t parse inline keyboard button: field "inline_keyboard" must be '
                "an Array of Arrays"
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict):
                    raise _bad(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                text = button.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise _bad("BUTTON_TEXT_INVALID")
                actions = [key for key in BUTTON_ACTIONS if key in button]
                if not actions:
                    raise _bad(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not url.startswith(
                        ("http://", "https://", "tg://")
                    ):
                        raise _bad("BUTTON_URL_INVALID")
        return copy.deepcopy(markup)

    def _stored(self, params: JSON, chat_id: int, *, missing: str) -> JSON:
        message_id = params.get("message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise _bad(missing)
        return message

    def _editable(self, params: JSON) -> JSON:
        if "inline_message_id" in params:
            raise _bad("inline messages are not supported by the loopback emulator")
        chat = self._chat(params)
        message = self._stored(params, chat["id"], missing="message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")
        return message

    # ---- API methods ---------------------------------------------------------------------

    def _true(self, params: JSON) -> object:
        return True

    def _get_me(self, params: JSON) -> object:
        return dict(self.bot_user)

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
            raise _bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("Bad Request: secret token contains unallowed characters")
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
                raise _Abandoned
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(min(remaining, 0.05))
        if generation != self._poll_generation and not self._stopping.is_set():
            if client_gone():
                raise _Abandoned
            raise ApiError(409, CONFLICT)
        return copy.deepcopy(self._updates[:limit])

    def _set_my_commands(self, params: JSON) -> object:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad("too many commands specified")
        cleaned: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand: Object expected")
            for key in ("command", "description"):
                if not isinstance(command.get(key), str):
                    raise _bad(f"can't parse BotCommand: Can't find field \"{key}\"")
            if not _BOT_COMMAND_RE.fullmatch(command["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
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
        text, entities = self._text(params)
        markup = self._markup(params)
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
                raise _bad("message to be replied not found")
        return copy.deepcopy(self._store_message(chat["id"], fields))

    def _edit_message_text(self, params: JSON) -> object:
        message = self._editable(params)
        text, entities = self._text(params)
        markup = self._markup(params)
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
        markup = self._markup(params)
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
            raise _bad("MESSAGE_TOO_LONG")
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
            raise _bad("invalid user_id specified")
        return self._member_dict(chat["id"], user_id)

    def _get_chat_administrators(self, params: JSON) -> object:
        chat = self._chat(params)
        if chat["type"] == "private":
            raise _bad("there are no administrators in the private chat")
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
            raise _bad("wrong parameter action in request")
        return True

    def _leave_chat(self, params: JSON) -> object:
        chat = self._chat(params)
        if chat["type"] == "private":
            raise _bad("chat member status can't be changed in private chats")
        self._status[(chat["id"], self.bot_id)] = "left"
        return True
