"""What follows, alerts and the briefing's follow section look like (Telegram HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages.i18n import localize, text
from bot.messages.keyboards import fits
from bot.messages.punct import heading_lead, join_sentences
from bot.messages.render import article_command, esc, link
from digests.briefing import FollowItem
from store.alerts import Alert
from store.follows import MAX_FOLLOWS, Follow

UNFOLLOW = "uf:"  # uf:<follow id>            remove a follow (/following)
FOLLOW_COMPANY = "fc:"  # fc:<company key>   follow one of several matching companies
FOLLOW_KEYWORD = "fk:"  # fk:<keyword>       follow what was typed as a keyword instead
READ = "fa:"  # fa:<article id>              an alert's "read the digest" button
ALERT_SENTENCE_CHARS = 200


def _mark(kind: str) -> str:
    return "🏢" if kind == "company" else "🔑"


def following(follows: Sequence[Follow], lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list with one remove button per follow."""
    if not follows:
        return text(lang, "following_empty"), None
    lines = [text(lang, "following_title", count=len(follows), max=MAX_FOLLOWS)]
    lines.extend(f"{_mark(f.kind)} {esc(f.label)}" for f in follows)
    lines.append(text(lang, "following_hint"))
    rows = [
        [InlineKeyboardButton(f"✖ {f.label}"[:60], callback_data=f"{UNFOLLOW}{f.id}")]
        for f in follows
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def pick_company(
    names: Sequence[tuple[str, str]], query: str, lang: str
) -> InlineKeyboardMarkup | None:
    """Buttons for (name, company key) when a query matches several companies, and one
    to follow the query as a keyword instead."""
    rows = [
        [InlineKeyboardButton(name, callback_data=f"{FOLLOW_COMPANY}{key}")]
        for name, key in names
        if fits(f"{FOLLOW_COMPANY}{key}")
    ]
    data = f"{FOLLOW_KEYWORD}{query}"
    if fits(data):
        label = localize(text(lang, "follow_keyword_button", query=query), lang)
        rows.append([InlineKeyboardButton(label[:60], callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


def settings_lines(
    chat_alerts: bool, quiet: str | None, weekdays: bool, follows: Sequence[Follow], lang: str
) -> list[str]:
    """Lines /mytopics adds about follows, alerts, quiet hours and briefing days."""
    lines = []
    if follows:
        names = "、".join(f"{_mark(f.kind)}{esc(f.label)}" for f in follows)
        lines.append(text(lang, "settings_follows", follows=names))
    else:
        lines.append(text(lang, "settings_no_follows"))
    lines.append(text(lang, "settings_alerts_on" if chat_alerts else "settings_alerts_off"))
    if quiet:
        lines.append(text(lang, "settings_quiet", window=esc(quiet)))
    if weekdays:
        lines.append(text(lang, "settings_weekdays"))
    return lines


def follow_section(items: Sequence[FollowItem], lang: str) -> str:
    """The briefing's opening: each new article on a follow with the sentences naming it."""
    return "\n\n".join([text(lang, "brief_follows_title"), *(follow_item(i, lang) for i in items)])


def follow_item(item: FollowItem, lang: str) -> str:
    """One article of the follow section; an article already alerted is a marked title."""
    head = f"▪️ {link(item.title, item.url)} {article_command(item.article_id)}"
    labels = "、".join(f"{_mark(h.kind)}{esc(h.label)}" for h in item.hits)
    if item.alerted:
        return f"{head}\n{labels} · {text(lang, 'brief_alerted')}"
    lines = [head]
    for hit in item.hits:
        said = esc(join_sentences(hit.sentences))
        lead = heading_lead(hit.label)
        lines.append(f"{_mark(hit.kind)}<b>{esc(hit.label)}</b>{lead}{said}" if said else labels)
    return "\n".join(lines)


def alert(item: Alert, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """One short alert: what matched, the title, the sentence naming it, a read button."""
    key = "alert_company" if item.kind == "company" else "alert_keyword"
    sentence = item.sentence or ""
    if len(sentence) > ALERT_SENTENCE_CHARS:
        sentence = sentence[: ALERT_SENTENCE_CHARS - 1] + "…"
    lines = [
        text(lang, key, label=esc(item.label or item.key or "")),
        link(item.title or "", item.url),
    ]
    if sentence:
        lines.append(esc(sentence))
    keyboard = None
    if item.article_id is not None:
        button = InlineKeyboardButton(
            localize(text(lang, "alert_read"), lang), callback_data=f"{READ}{item.article_id}"
        )
        keyboard = InlineKeyboardMarkup([[button]])
    return "\n".join(lines), keyboard


def more(count: int, cap: int, lang: str) -> str:
    return text(lang, "alert_more", count=count, cap=cap)
