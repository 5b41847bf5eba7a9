"""Request decoding: what python-telegram-bot sends, turned back into Telegram's JSON types.

How python-telegram-bot 22 talks to the emulator: every call is ``POST {base_url}{token}/
{method}`` with an ``application/x-www-form-urlencoded`` body (``multipart/form-data`` only
when uploading files).  Every value is a string: ``str`` values verbatim, everything else
JSON-encoded (``"123"``, ``"true"``, ``'{"inline_keyboard": ...}'``).  The emulator also
accepts JSON bodies and query strings, and decodes typed fields before handling a call, so
the methods see what Telegram would (an ``int`` ``chat_id``, a ``dict`` ``reply_markup``).
"""

from __future__ import annotations

import email.policy
import json
import re
from email.parser import BytesParser
from urllib.parse import parse_qsl

from bot.loopback.state import JSON, bad

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
INT_RE = re.compile(r"-?\d+")
_NUMBER_RE = re.compile(r"-?\d+(\.\d+)?")
# ``{base_url}{token}/{method}``: the token and the method name.
PATH_RE = re.compile(r"/bot([^/]*)/([^/]+)/?")
# ``{file_url}{token}/{file_path}``: a file download (the path may hold slashes).
FILE_PATH_RE = re.compile(r"/file/bot([^/]*)/(.+)")


def parse_body(content_type: str, body: bytes, query: str) -> JSON:
    """The parameters of a call: query string first, then the body by its ``Content-Type``."""
    params: JSON = dict(parse_qsl(query, keep_blank_values=True))
    if not body:
        return params
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/json":
            data = json.loads(body)
            if not isinstance(data, dict):
                raise bad("JSON body must be an object")
            params.update(data)
        elif kind in ("application/x-www-form-urlencoded", ""):
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif kind == "multipart/form-data":
            params.update(_parse_multipart(content_type, body))
        else:
            raise bad(f"unsupported Content-Type {kind!r}")
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad(f"can't parse request body: {exc}") from None
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


def coerce(params: JSON) -> JSON:
    """Turn form strings back into the JSON types Telegram would see."""
    out: JSON = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise bad(f"can't parse {key} JSON object") from None
            elif key in _INT_FIELDS:
                if INT_RE.fullmatch(value.strip()):
                    value = int(value)
                elif key != "chat_id":
                    raise bad(f"invalid {key} specified")
            elif key in _NUMBER_FIELDS:
                if not _NUMBER_RE.fullmatch(value.strip()):
                    raise bad(f"invalid {key} specified")
                number = float(value)
                value = int(number) if number.is_integer() else number
            elif key in _BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
                value = value.lower() in ("true", "1")
        out[key] = value
    return out
