"""What a message may contain: its text, entities and inline keyboard, checked as Telegram does.

Why here and strict: these are the limits bots break in production -- more than 4096 visible
characters, malformed HTML, callback data over 64 bytes, a button without an action -- so
the emulator refuses them with Telegram's ``400`` wording instead of storing whatever came.
Length is counted on the *visible* text (after HTML parsing and Telegram's trimming of
surrounding whitespace), in UTF-16 code units, like Telegram.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from bot.loopback.entities import HtmlParseError, parse_html, trim, utf16_len
from bot.loopback.state import JSON, bad

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
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


def message_text(params: JSON, describe_user: Callable[[int], JSON]) -> tuple[str, list[JSON]]:
    """Visible text and entities of ``text`` + ``parse_mode``/``entities``, checked.

    ``describe_user`` gives the ``User`` object for a ``tg://user?id=`` link's mention.
    """
    raw = params.get("text")
    if raw is None or raw == "":
        raise bad("message text is empty")
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
            raise bad("can't parse entities JSON object")
        entities = [dict(e) for e in entities]
    elif not parse_mode:
        text, entities = raw, []
    elif str(parse_mode).lower() == "html":
        try:
            text, entities = parse_html(raw)
        except HtmlParseError as error:
            raise bad(f"can't parse entities: {error}") from None
        for entity in entities:
            if entity["type"] == "text_mention":
                entity["user"] = describe_user(entity["user"]["id"])
    elif str(parse_mode).lower() in ("markdown", "markdownv2"):
        # Not validated: the emulator checks HTML only.  Kept verbatim so tests notice.
        text, entities = raw, []
    else:
        raise bad("unsupported parse_mode")
    text, entities = trim(text, entities)
    if not text:
        raise bad("message text is empty")
    if utf16_len(text) > MAX_TEXT_LENGTH:
        raise bad("message is too long")
    return text, entities


def inline_markup(params: JSON) -> JSON | None:
    """Check ``reply_markup``; return it if it is an inline keyboard (kept on the message)."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None  # reply keyboards / removal / force reply: accepted, not stored
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad(
            'can\'t parse inline keyboard button: field "inline_keyboard" must be '
            "an Array of Arrays"
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise bad(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad("BUTTON_TEXT_INVALID")
            actions = [key for key in BUTTON_ACTIONS if key in button]
            if not actions:
                raise bad(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise bad("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
                    raise bad("BUTTON_URL_INVALID")
    return copy.deepcopy(markup)
