"""Telegram's HTML: the parse rules the Bot API applies to ``parse_mode=HTML`` text.

Why a scanner of our own: the stdlib ``html.parser`` is far more lenient than Telegram and
cannot report byte offsets, so it would accept markup Telegram refuses.  This one follows
TDLib's ``parse_html`` -- only Telegram's tags, every tag closed in order, entity offsets and
lengths in UTF-16 code units -- and answers with Telegram's wording.  It is *stricter* than
Telegram in one respect, on purpose: a bare ``&`` is rejected (Telegram would keep it
literally, but in a bot it always means a missing ``html.escape``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]
"""A ``MessageEntity`` as JSON: ``type``, ``offset``, ``length`` and the type's extras."""


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


def parse_html(markup: str) -> tuple[str, list[Entity]]:
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
    found: list[tuple[int, Entity]] = []
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


def _entity_for(tag: _OpenTag, length: int, content: str) -> Entity | None:
    if length <= 0:
        return None
    entity: Entity = {"offset": tag.offset, "length": length}
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


def _merge_pre_code(found: list[tuple[int, Entity]]) -> list[Entity]:
    """``<pre><code class="language-x">`` over the same text is one ``pre`` with a language."""
    entities = [entity for _, entity in sorted(found, key=lambda item: item[0])]
    merged: list[Entity] = []
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


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram strips leading/trailing whitespace from message text; entities follow."""
    stripped = text.strip(_SPACES)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_SPACES))])
    end = lead + utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            kept.append({**entity, "offset": start - lead, "length": stop - start})
    return stripped, kept
