"""Inline keyboards.  Callback data is short ASCII, always within Telegram's 64 bytes."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from digests.taxonomy import Taxonomy

# Callback data prefixes.
TOGGLE = "t:"  # t:<topic id>            toggle a subscription
SUBSCRIBE = "s:"  # s:<topic id>         subscribe from a suggestion
COMPANY = "c:"  # c:<suggestion index>:<token>
SECTOR = "x:"  # x:<topic id>            show a sector from a suggestion
PAGE = "p:"  # p:<token>:<page>          pagination
STOP = "stop:"  # stop:yes | stop:no


def fits(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= 64


def topics_keyboard(taxonomy: Taxonomy, subscribed: Sequence[str]) -> InlineKeyboardMarkup:
    chosen = set(subscribed)
    buttons = [
        InlineKeyboardButton(
            f"{'✅ ' if t.id in chosen else ''}{t.name}", callback_data=f"{TOGGLE}{t.id}"
        )
        for t in taxonomy.topics
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


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
