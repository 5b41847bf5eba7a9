"""What follows, alerts and the briefing's follow section look like (Telegram HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages.i18n import localize, text
from bot.messages.keyboards import fits, more_data
from bot.messages.names import follow_label
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


def _list_sep(lang: str) -> str:
    return ", " if lang == "en" else "、"


def following(follows: Sequence[Follow], lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list with one remove button per follow."""
    if not follows:
        return text(lang, "following_empty"), None
    lines = [text(lang, "following_title", count=len(follows), max=MAX_FOLLOWS)]
    lines.extend(f"{_mark(f.kind)} {esc(f.label)}" for f in follows)
    lines.append(text(lang, "following_hint"))
    rows = [
        [
            InlineKeyboardButton(
                localize(f"✖ {f.label}", lang)[:60], callback_data=f"{UNFOLLOW}{f.id}"
            )
        ]
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
        names = _list_sep(lang).join(f"{_mark(f.kind)}{esc(f.label)}" for f in follows)
        lines.append(text(lang, "settings_follows", follows=names))
    else:
        lines.append(text(lang, "settings_no_follows"))
    lines.append(text(lang, "settings_alerts_on" if chat_alerts else "settings_alerts_off"))
    if quiet:
        window = quiet.replace("-", "–")  # as /quiet confirmed it: 23:00–07:00
        lines.append(text(lang, "settings_quiet", window=esc(window)))
    # ``weekdays`` is said on the delivery line (週一到週五 07:30), not a second time here.
    return lines


def follow_section(items: Sequence[FollowItem], lang: str) -> str:
    """The briefing's opening: each new article on a follow with the sentences naming it."""
    return "\n\n".join([text(lang, "brief_follows_title"), *(follow_item(i, lang) for i in items)])


def follow_item(item: FollowItem, lang: str) -> str:
    """One article of the follow section; an article already alerted is a marked title."""
    head = f"▪️ {link(item.title, item.url)} {article_command(item.article_id)}"
    shown = [follow_label(h.kind, h.label, lang) for h in item.hits]
    labels = _list_sep(lang).join(
        f"{_mark(h.kind)}{esc(n)}" for h, n in zip(item.hits, shown, strict=True)
    )
    if item.alerted:
        return f"{head}\n{labels} · {text(lang, 'brief_alerted')}"
    lines = [head]
    for hit, name in zip(item.hits, shown, strict=True):
        # A mention in the title is the line above already: never the same words twice.
        said = esc(join_sentences(s for s in hit.sentences if s.strip() != item.title.strip()))
        lead = heading_lead(name)
        lines.append(f"{_mark(hit.kind)}<b>{esc(name)}</b>{lead}{said}" if said else labels)
    return "\n".join(lines)


def alert(item: Alert, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """One short alert: what matched, the title, the sentence naming it, a read button."""
    key = "alert_company" if item.kind == "company" else "alert_keyword"
    sentence = item.sentence or ""
    if sentence.strip() == (item.title or "").strip():
        sentence = ""  # the title, on the line above
    if len(sentence) > ALERT_SENTENCE_CHARS:
        sentence = sentence[: ALERT_SENTENCE_CHARS - 1] + "…"
    lines = [
        text(lang, key, label=esc(follow_label(item.kind, item.label or item.key or "", lang))),
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


def more_buttons(
    follow_ids: Sequence[int],
    topic_buttons: Sequence[tuple[str, list[int]]],
    lang: str,
) -> list[tuple[str, list[int]]]:
    """The "more" buttons of a briefing that opens with follows: one for the follow
    section (when it has two articles or more and topics follow it), the topics' group
    buttons, then one for the whole briefing.  When the whole briefing's ids do not fit in
    one button's data, the last button expands the topics and the follow section keeps
    its own, so no article is left without one."""
    groups = list(topic_buttons[:-1])
    topic_ids = list(topic_buttons[-1][1]) if topic_buttons else []
    whole = [*follow_ids, *topic_ids]
    if follow_ids and topic_ids:
        too_many = not fits(more_data(whole))
        if len(follow_ids) >= 2 or too_many:
            group = text(lang, "brief_follows_group")
            label = text(lang, "brief_more_group", group=group, count=len(follow_ids))
            groups.insert(0, (localize(label, lang), list(follow_ids)))
        if too_many:
            whole = topic_ids
    if not whole:
        return []
    return [*groups, (localize(text(lang, "brief_more_all"), lang), whole)]


def whole_buttons(article_ids: Sequence[int], lang: str) -> list[tuple[str, list[int]]]:
    """The "whole digest" button under a pushed briefing, from the ledger's ids.  A
    briefing opening with follows carries up to twice ``BRIEFBOT_BRIEF_MAX`` articles,
    more ids than one button's 64 bytes hold once ids reach four digits: then one button
    per run of articles that fits ("articles 1–7", "8–16"), never none."""
    ids = list(article_ids)
    if not ids:
        return []
    if fits(more_data(ids)):
        return [(localize(text(lang, "brief_more_all"), lang), ids)]
    runs: list[list[int]] = [[]]
    for article_id in ids:
        if runs[-1] and not fits(more_data([*runs[-1], article_id])):
            runs.append([])
        runs[-1].append(article_id)
    buttons, first = [], 1
    for run in runs:
        last = first + len(run) - 1
        label = localize(text(lang, "brief_more_part", first=first, last=last), lang)
        buttons.append((label, run))
        first = last + 1
    return buttons
