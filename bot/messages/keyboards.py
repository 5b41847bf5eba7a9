"""Inline keyboards.  Callback data is short ASCII, always within Telegram's 64 bytes."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages.names import topic_name
from digests.taxonomy import Taxonomy

# Callback data prefixes.
TOGGLE = "t:"  # t:<topic id>            toggle a subscription
SUBSCRIBE = "s:"  # s:<topic id>         subscribe from a suggestion
COMPANY = "c:"  # c:<suggestion index>:<token>
SECTOR = "x:"  # x:<topic id>            show a sector from a suggestion
PAGE = "p:"  # p:<token>:<page>          pagination
STOP = "stop:"  # stop:yes | stop:no
MORE = "m:"  # m:<article ids, base 36, dot-separated>  expand a briefing's group or whole digest
UNSUBSCRIBE = "un:"  # un:<topic id>       unsubscribe from /unsubscribe's list


def fits(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= 64


def topics_keyboard(
    taxonomy: Taxonomy, subscribed: Sequence[str], lang: str = "zh-TW"
) -> InlineKeyboardMarkup:
    chosen = set(subscribed)
    buttons = [
        InlineKeyboardButton(
            f"{'✅ ' if t.id in chosen else ''}{topic_name(t, lang)}",
            callback_data=f"{TOGGLE}{t.id}",
        )
        for t in taxonomy.topics
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def unsubscribe_keyboard(
    taxonomy: Taxonomy, subscribed: Sequence[str], lang: str
) -> InlineKeyboardMarkup | None:
    """One ✖ button per subscribed topic (what /unsubscribe alone offers)."""
    rows = [
        [InlineKeyboardButton(f"✖ {topic_name(t, lang)}", callback_data=f"{UNSUBSCRIBE}{t.id}")]
        for topic_id in subscribed
        if (t := taxonomy.by_id.get(topic_id)) is not None
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def suggestion_keyboard(labels: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """One button per (label, callback data), skipping data that would not fit."""
    rows = [
        [InlineKeyboardButton(label, callback_data=data)] for label, data in labels if fits(data)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def pager(token: str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀", callback_data=f"{PAGE}{token}:{page - 1}"))
    row.append(InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=f"{PAGE}{token}:{page}"))
    if page < pages - 1:
        row.append(InlineKeyboardButton("▶", callback_data=f"{PAGE}{token}:{page + 1}"))
    return InlineKeyboardMarkup([row])


def stop_keyboard(yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=f"{STOP}yes"),
                InlineKeyboardButton(no, callback_data=f"{STOP}no"),
            ]
        ]
    )


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if not number:
            return out


def more_data(article_ids: Sequence[int]) -> str:
    """Callback data naming the articles to expand.  The ids travel in the button itself
    (base 36: eight ids of up to a million fit in 64 bytes), so a button pressed days after
    a morning push still works, whatever restarts happened in between."""
    return MORE + ".".join(_base36(i) for i in article_ids)


def more_ids(data: str) -> list[int] | None:
    """The article ids of :func:`more_data`'s ``data``; None when it is not such data."""
    body = data.removeprefix(MORE)
    try:
        ids = [int(part, 36) for part in body.split(".")] if body else []
    except ValueError:
        return None
    return ids or None


def more_keyboard(buttons: Sequence[tuple[str, Sequence[int]]]) -> InlineKeyboardMarkup | None:
    """A briefing's "more" buttons, (label, article ids) each: group buttons two to a row,
    the last (the whole digest) on its own; a button whose ids do not fit is left out."""
    fitting = [
        InlineKeyboardButton(label[:60], callback_data=data)
        for label, ids in buttons
        if ids and fits(data := more_data(ids))
    ]
    if not fitting:
        return None
    *groups, last = fitting
    rows = [groups[i : i + 2] for i in range(0, len(groups), 2)]
    rows.append([last])
    return InlineKeyboardMarkup(rows)


def original_keyboard(url: str | None, label: str) -> InlineKeyboardMarkup | None:
    """A button to the original article, where it has a web address."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])
