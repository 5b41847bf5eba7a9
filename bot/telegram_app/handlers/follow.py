"""Follows and alerts: /follow, /unfollow, /following, /alerts, /quiet, /days (issue 11).

Changing follows or alert settings is a setting: in groups only admins may (the same
gate as /topics); anyone may read /following.  /follow resolves companies exactly as
/company does (names, aliases, tickers, any script); what is not a company is
followed as a keyword.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.services import ALERTS_CHANGED, RESCHEDULE, Services, services
from bot.core.timeparse import parse_time
from bot.messages import follow_views, views
from bot.messages.follow_views import FOLLOW_COMPANY, FOLLOW_KEYWORD, READ, UNFOLLOW
from bot.messages.i18n import localize, text
from bot.messages.names import company_name, company_names
from bot.messages.render import esc
from bot.messages.zones import when_text, zone_label
from bot.telegram_app.handlers.common import (
    admin_pressed,
    admins_only,
    argument,
    current_chat,
    language,
    reply,
)
from digests import regexcache
from digests.companies import Company
from digests.follows import COMPANY, KEYWORD, keyword_key, valid_keyword
from digests.normalize import clean_query, name_key
from digests.resolve import resolve_company
from store import follows
from store.articles import get_article
from store.chats import ChatSettings

_QUIET_RE = regexcache.compile(r"^(.+?)\s*(?:-|–|—|~|～|到|至|to)\s*(.+)$")


def _chat_id(update: Update) -> int:
    return update.effective_chat.id  # type: ignore[union-attr]


def reschedule(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    hook = context.application.bot_data.get(RESCHEDULE)
    if hook is not None:
        hook(chat_id)


def _listed(svc: Services, chat_id: int, lang: str) -> list[follows.Follow]:
    """The chat's follows as its reader names them: English readers see TSMC for a
    followed 台積電 (the stored label stays the name the articles use)."""
    items = follows.list_follows(svc.db, chat_id)
    if lang != "en":
        return items
    return [replace(f, label=_shown_label(svc, f, lang)) for f in items]


def _shown_label(svc: Services, item: follows.Follow, lang: str) -> str:
    if lang != "en" or item.kind != COMPANY:
        return item.label
    return company_names([item.label], svc.lexicon.directory, lang)[0]


def _alerts_changed(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the alert sweep (if the scheduler runs) that follows or switches changed."""
    hook = context.application.bot_data.get(ALERTS_CHANGED)
    if hook is not None:
        hook()


def _ticker(company: Company) -> str:
    return f"({esc(company.ticker)})" if company.ticker else ""


async def _follow_company(
    update: Update, context: ContextTypes.DEFAULT_TYPE, company: Company, lang: str
) -> None:
    svc = services(context)
    outcome = follows.add_follow(svc.db, _chat_id(update), COMPANY, company.key, company.name)
    await _confirm(
        update,
        context,
        outcome,
        lang,
        company_name(company, lang),
        "follow_company",
        name=esc(company_name(company, lang)),
        ticker=f" {_ticker(company)}" if lang == "en" and company.ticker else _ticker(company),
    )


async def _follow_keyword(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, lang: str
) -> None:
    svc = services(context)
    key = keyword_key(query)
    if not valid_keyword(key):
        await reply(update, context, text(lang, "follow_bad_keyword", query=esc(query)))
        return
    outcome = follows.add_follow(svc.db, _chat_id(update), KEYWORD, key, query)
    await _confirm(update, context, outcome, lang, query, "follow_keyword", keyword=esc(query))


async def _confirm(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    outcome: str,
    lang: str,
    label: str,
    key: str,
    **values: str,
) -> None:
    if outcome == follows.FULL:
        await reply(update, context, text(lang, "follow_full", max=follows.MAX_FOLLOWS))
        return
    if outcome == follows.EXISTS:
        await reply(update, context, text(lang, "follow_exists", label=esc(label)))
        return
    _alerts_changed(context)
    message = text(lang, key, **values)
    chat = current_chat(update, context)
    if chat is not None and not chat.alerts:
        message += "\n" + text(lang, "follow_alerts_hint")
    await reply(update, context, message)


def _prefix_matches(svc: Services, query: str, names: list[str]) -> list[tuple[str, str]]:
    """(name, key) of suggested companies that the query begins: "several match".

    Fuzzy suggestions (a near spelling) are not that: 矽光子 is a keyword even if a
    company's name looks a little like it.
    """
    directory = svc.lexicon.directory
    typed = name_key(query)
    found = []
    for name in names:
        company = directory.lookup(name)
        if company is not None and name_key(company.name).startswith(typed):
            found.append((company.name, company.key))
    return found


@admins_only
async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    query = clean_query(argument(context))
    if not query:
        await reply(update, context, text(lang, "usage_follow"))
        return
    found = resolve_company(svc.lexicon.directory, query)
    if found.match is not None:
        await _follow_company(update, context, found.match, lang)
        return
    several = _prefix_matches(svc, query, found.suggestions)
    if len(several) > 1:
        keyboard = follow_views.pick_company(several, query, lang)
        await reply(update, context, text(lang, "follow_pick", query=esc(query)), keyboard)
        return
    await _follow_keyword(update, context, query, lang)


async def follow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A company picked among several matches, or the query kept as a keyword."""
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = language(update, context)
    if not await admin_pressed(update, context, lang):
        return
    await query.answer()
    if query.data.startswith(FOLLOW_KEYWORD):
        await _follow_keyword(update, context, query.data.removeprefix(FOLLOW_KEYWORD), lang)
        return
    company = services(context).lexicon.directory.companies.get(
        query.data.removeprefix(FOLLOW_COMPANY)
    )
    if company is None:
        await reply(update, context, text(lang, "expired"))
        return
    await _follow_company(update, context, company, lang)


@admins_only
async def unfollow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    query = clean_query(argument(context))
    if not query:
        await reply(update, context, text(lang, "usage_unfollow"))
        return
    chat_id = _chat_id(update)
    removed = None
    company = resolve_company(svc.lexicon.directory, query).match
    if company is not None:
        removed = follows.remove_follow(svc.db, chat_id, COMPANY, company.key)
    if removed is None:
        removed = follows.remove_follow(svc.db, chat_id, KEYWORD, keyword_key(query))
    if removed is None:
        # What the reader sees in /following is the label: accept it too.
        typed = keyword_key(query)
        for item in follows.list_follows(svc.db, chat_id):
            if keyword_key(item.label) == typed:
                removed = follows.remove_follow_id(svc.db, chat_id, item.id)
                break
    if removed is None:
        await reply(update, context, text(lang, "not_following", query=esc(query)))
        return
    _alerts_changed(context)
    label = _shown_label(svc, removed, lang)
    await reply(update, context, text(lang, "unfollowed", label=esc(label)))


async def following(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    markup, keyboard = follow_views.following(_listed(svc, _chat_id(update), lang), lang)
    await reply(update, context, markup, keyboard)


async def unfollow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A remove button in /following: remove, then redraw the list in place."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    lang = language(update, context)
    if not await admin_pressed(update, context, lang):
        return
    number = query.data.removeprefix(UNFOLLOW)
    removed = (
        follows.remove_follow_id(svc.db, _chat_id(update), int(number))
        if number.isdigit()
        else None
    )
    if removed is None:
        await query.answer(localize(text(lang, "expired"), lang), show_alert=True)
        return
    _alerts_changed(context)
    label = _shown_label(svc, removed, lang)
    await query.answer(localize(text(lang, "following_removed", label=label), lang))
    markup, keyboard = follow_views.following(_listed(svc, _chat_id(update), lang), lang)
    await query.edit_message_text(localize(markup, lang), parse_mode="HTML", reply_markup=keyboard)


async def read_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An alert's "read the digest" button: the article's digest, as /article shows it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = language(update, context)
    number = query.data.removeprefix(READ)
    detail = get_article(services(context).db, int(number)) if number.isdigit() else None
    if detail is None:
        await query.answer(localize(text(lang, "expired"), lang), show_alert=True)
        return
    await query.answer()
    await reply(update, context, views.article(detail, lang))


@admins_only
async def alerts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    value = argument(context).lower()
    chat = current_chat(update, context)
    assert chat is not None
    if value not in ("on", "off", "開", "关", "關", "开"):
        await reply(update, context, text(lang, "usage_alerts"))
        return
    on = value in ("on", "開", "开")
    if on == chat.alerts:
        await reply(
            update, context, text(lang, "alerts_already_on" if on else "alerts_already_off")
        )
        return
    follows.set_alerts(svc.db, chat.id, on)
    _alerts_changed(context)
    if not on:
        await reply(update, context, text(lang, "alerts_off"))
        return
    message = text(lang, "alerts_on", cap=svc.settings.alerts_per_hour)
    if not follows.list_follows(svc.db, chat.id):
        message += "\n" + text(lang, "alerts_on_no_follows")
    await reply(update, context, message)


def parse_quiet(value: str) -> str | None:
    """'22:00-07:00' (also ～, 到, to; full-width digits) -> '22:00-07:00'; None if invalid.

    Each end is a time as /time reads it (晚上11點到早上7點, 11pm-7am): a reader who just
    set /time 7點半 types the quiet hours the same way."""
    match = _QUIET_RE.match(unicodedata.normalize("NFKC", value).strip())
    if not match:
        return None
    start, end = parse_time(match.group(1)), parse_time(match.group(2))
    if start is None or end is None or start == end:
        return None
    return f"{start:%H:%M}-{end:%H:%M}"


@admins_only
async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    value = argument(context)
    chat = current_chat(update, context)
    assert chat is not None
    if not value:
        await reply(update, context, text(lang, "usage_quiet"))
        return
    if value.lower() in ("off", "關", "关", "取消"):
        follows.set_quiet(svc.db, chat.id, None)
        await reply(update, context, text(lang, "quiet_off"))
        return
    window = parse_quiet(value)
    if window is None:
        await reply(update, context, text(lang, "bad_quiet", value=esc(value)))
        return
    follows.set_quiet(svc.db, chat.id, window)
    start, end = window.split("-")
    zone = zone_label(svc.chat_zone(chat), lang)
    await reply(update, context, text(lang, "quiet_set", start=start, end=end, zone=esc(zone)))


@admins_only
async def days(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    value = argument(context).lower()
    chat = current_chat(update, context)
    assert chat is not None
    chosen = {"all": "all", "weekdays": "weekdays", "每天": "all", "平日": "weekdays"}.get(value)
    if chosen is None:
        await reply(update, context, text(lang, "usage_days"))
        return
    follows.set_days(svc.db, chat.id, chosen)
    reschedule(context, chat.id)
    updated: ChatSettings | None = current_chat(update, context)
    await reply(
        update,
        context,
        text(
            lang,
            "days_all" if chosen == "all" else "days_weekdays",
            zone=esc(zone_label(svc.chat_zone(updated), lang)),
            next=esc(when_text(svc.next_delivery_at(updated), lang)),
        ),
    )


def settings_text(svc: Services, chat: ChatSettings, lang: str) -> str:
    """What /mytopics adds: follows, alerts, quiet hours, briefing days."""
    lines = follow_views.settings_lines(
        chat.alerts,
        chat.quiet,
        chat.days == "weekdays",
        _listed(svc, chat.id, lang),
        lang,
    )
    return "\n".join(lines)


COMMANDS = {
    "follow": follow,
    "unfollow": unfollow,
    "following": following,
    "alerts": alerts,
    "quiet": quiet,
    "days": days,
}
CALLBACKS = (
    (UNFOLLOW, unfollow_button),
    (FOLLOW_COMPANY, follow_button),
    (FOLLOW_KEYWORD, follow_button),
    (READ, read_button),
)
