"""Read-only commands anyone may use, in private chats and groups."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core.services import BRIEF_NOW, PagedReply, services
from bot.messages import views
from bot.messages.i18n import localize, text
from bot.messages.keyboards import (
    COMPANY,
    PAGE,
    SECTOR,
    fits,
    more_ids,
    more_keyboard,
    original_keyboard,
    pager,
    suggestion_keyboard,
)
from bot.messages.names import company_names, topic_choices
from bot.messages.render import ARTICLE_COMMAND, esc, split_html
from bot.telegram_app.handlers.common import (
    NO_PREVIEW,
    argument,
    current_chat,
    language,
    reply,
    reply_pieces,
)
from digests import regexcache
from digests.briefing import compose_briefing
from digests.sanitize import clean_line
from digests.search_query import too_common
from store.answers import SearchAnswer, company_answer, search_answer, sector_answer
from store.articles import get_article, list_articles
from store.briefings import candidates_by_ids

COMPANY_ARTICLES = 20
SEARCH_RESULTS = 25
SEARCH_PER_PAGE = 5
LATEST_ARTICLES = 30
LATEST_PER_PAGE = 10
LOOKUP_MAX_CHARS = 40
LATEST_TOKEN = "~l"
SEARCH_TOKEN = "~s"
"""Pager tokens that say what to show (the newest articles; a search and its words), so
◀ ▶ still work after a restart: the page is recomputed for the chat that presses.  A
search whose words do not fit in the button's 64 bytes gets a token of the in-memory
store instead (``secrets.token_urlsafe`` never starts with ``~``)."""
"""Plain text up to this long is taken as a name or keyword to look up."""


def _viewer(update: Update) -> int | None:
    """The chat asking: it reads the shared library and the articles it had digested."""
    return update.effective_chat.id if update.effective_chat else None


async def brief(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A briefing now: the chat's follows first, then its topics (all when none), composed
    by the daily push's own code (installed by the scheduler as ``BRIEF_NOW``)."""
    lang = language(update, context)
    answer = context.application.bot_data[BRIEF_NOW](current_chat(update, context), lang)
    await reply_pieces(update, context, answer.pieces, more_keyboard(answer.buttons), lang)


async def more_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A briefing's "more" button: the digests of a group, or of the whole briefing, as a
    new message (the short briefing above it stays as it was)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = language(update, context)
    ids = more_ids(query.data)
    if ids is None:
        await query.answer(localize(text(lang, "expired"), lang), show_alert=True)
        return
    await query.answer()
    svc = services(context)
    chat = current_chat(update, context)
    topics = chat.topics if chat else ()
    candidates = candidates_by_ids(svc.db, ids, viewer=_viewer(update))
    briefing = compose_briefing(candidates, topics, len(candidates))
    await reply(update, context, views.briefing_full(briefing, svc.lexicon.taxonomy, lang))


async def _not_found(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    message_key: str,
    query: str,
    buttons: list[tuple[str, str]],
    lang: str,
) -> None:
    """Nothing matched: close suggestions as buttons, or else a pointer to /search."""
    keyboard = suggestion_keyboard(buttons)
    message = text(lang, message_key, query=esc(query)) + "\n"
    if keyboard is not None:
        message += text(lang, "did_you_mean")
    else:
        message += text(lang, "try_search", query=esc(query))
    await reply(update, context, message, keyboard)


async def company(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    query = argument(context)
    if not query:
        await reply(update, context, text(lang, "usage_company"))
        return
    await _show_company(update, context, query, lang)


async def _show_company(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, lang: str
) -> None:
    svc = services(context)
    answer = company_answer(
        svc.db, svc.lexicon, query, max_articles=COMPANY_ARTICLES, viewer=_viewer(update)
    )
    if answer.company is None:
        # Labels as the reader knows the company (TSMC); the data keeps the directory name.
        labels = company_names(list(answer.suggestions), svc.lexicon.directory, lang)
        buttons = [
            (label, f"{COMPANY}{name}")
            for label, name in zip(labels, answer.suggestions, strict=True)
        ]
        await _not_found(update, context, "unknown_company", query, buttons, lang)
        return
    await reply(update, context, views.company(answer, svc.lexicon.taxonomy, lang))


async def company_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await _show_company(
        update, context, query.data.removeprefix(COMPANY), language(update, context)
    )


async def sector(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    query = argument(context)
    if not query:
        await reply(update, context, text(lang, "usage_sector"))
        return
    await _show_sector(update, context, query, lang)


async def _show_sector(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, lang: str
) -> None:
    svc = services(context)
    answer = sector_answer(svc.db, svc.lexicon, query, viewer=_viewer(update))
    if not answer.found:
        buttons = topic_choices(svc.lexicon.taxonomy, answer.suggestions, SECTOR, lang)
        await _not_found(update, context, "unknown_topic", query, buttons, lang)
        return
    answer.companies = company_names(answer.companies, svc.lexicon.directory, lang)
    await reply(update, context, views.sector(answer, lang))


async def sector_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await _show_sector(update, context, query.data.removeprefix(SECTOR), language(update, context))


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    query = argument(context)
    if not query:
        await reply(
            update, context, text(lang, "usage_search") + "\n" + text(lang, "search_syntax")
        )
        return
    if too_common(query):
        await reply(update, context, text(lang, "search_too_common", query=esc(query)))
        return
    if not await _show_search(update, context, query, lang):
        none = text(lang, "search_none", query=esc(query))
        await reply(update, context, none + "\n" + text(lang, "search_syntax"))


async def _show_search(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, lang: str
) -> bool:
    """Send the first page of results; False (nothing sent) when there are none."""
    paged = _search_pages(update, context, query, lang)
    if paged is None:
        return False
    token = f"{SEARCH_TOKEN}{query}"
    stateless = fits(f"{PAGE}{token}:{paged.pages}")
    await _send_page(update, context, paged, token if stateless else None)
    return True


def _search_pages(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, lang: str
) -> PagedReply | None:
    answer = search_answer(
        services(context).db, query, limit=SEARCH_RESULTS, viewer=_viewer(update)
    )
    if not answer.results:
        return None
    return PagedReply(
        "search",
        lang,
        answer.query,
        list(answer.results),
        SEARCH_PER_PAGE,
        _count_note(answer, lang),
    )


def _latest_pages(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str
) -> PagedReply | None:
    articles = list_articles(services(context).db, LATEST_ARTICLES, viewer=_viewer(update))
    return PagedReply("latest", lang, "", articles, LATEST_PER_PAGE) if articles else None


def _pages_again(
    update: Update, context: ContextTypes.DEFAULT_TYPE, token: str
) -> PagedReply | None:
    """The pages a self-describing token names, recomputed (after a restart, or always)."""
    lang = language(update, context)
    if token == LATEST_TOKEN:
        return _latest_pages(update, context, lang)
    if token.startswith(SEARCH_TOKEN) and len(token) > len(SEARCH_TOKEN):
        return _search_pages(update, context, token.removeprefix(SEARCH_TOKEN), lang)
    return None


def _count_note(answer: SearchAnswer, lang: str) -> str:
    """How many articles matched, and that only the most relevant are paged when more did."""
    shown = len(answer.results)
    key = "search_count_about" if answer.estimated else "search_count"
    if answer.total > shown:
        return text(lang, f"{key}_shown", count=answer.total, shown=shown)
    return text(lang, key, count=answer.total)


async def lookup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text in a private chat: a company, else a sector, else a search; else a hint.

    Readers type 台積電 or 散熱 without a command; silence would look like a dead bot.
    """
    message = update.effective_message
    lang = language(update, context)
    query = clean_line(message.text or "") if message is not None else ""
    if not query or len(query) > LOOKUP_MAX_CHARS:
        await reply(update, context, text(lang, "lookup_hint"))
        return
    svc = services(context)
    found = company_answer(
        svc.db, svc.lexicon, query, max_articles=COMPANY_ARTICLES, viewer=_viewer(update)
    )
    if found.company is not None:
        await reply(update, context, views.company(found, svc.lexicon.taxonomy, lang))
        return
    sector_found = sector_answer(svc.db, svc.lexicon, query, viewer=_viewer(update))
    if sector_found.found and sector_found.articles:
        directory = svc.lexicon.directory
        sector_found.companies = company_names(sector_found.companies, directory, lang)
        await reply(update, context, views.sector(sector_found, lang))
        return
    # A function word alone (的) would list the whole library: not an answer.
    if too_common(query) or not await _show_search(update, context, query, lang):
        await reply(update, context, text(lang, "lookup_none", query=esc(query)))


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    paged = _latest_pages(update, context, lang)
    if paged is None:
        await reply(update, context, text(lang, "no_articles"))
        return
    await _send_page(update, context, paged, LATEST_TOKEN)


def _render_page(paged: PagedReply, page: int) -> str:
    if paged.kind == "search":
        return views.search_page(
            paged.title, paged.page(page), page, paged.pages, paged.language, paged.note
        )
    return views.latest_page(paged.page(page), page, paged.pages, paged.language)


async def _send_page(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    paged: PagedReply,
    token: str | None = None,
) -> None:
    """The first page; ``token`` (a self-describing one) or else one of the memory store."""
    token = token or services(context).remember(paged)
    await reply(
        update, context, _render_page(paged, 0), pager(token, 0, paged.pages), lang=paged.language
    )


async def page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ ▶ buttons: edit the message in place with another page."""
    query = update.callback_query
    assert query is not None and query.data is not None
    token, _, number = query.data.removeprefix(PAGE).rpartition(":")
    paged = services(context).paged.get(token) or _pages_again(update, context, token)
    if paged is None or not number.isdigit():
        lang = language(update, context)
        await query.answer(localize(text(lang, "expired"), lang), show_alert=True)
        return
    page = min(int(number), paged.pages - 1)
    await query.answer()
    markup = split_html(localize(_render_page(paged, page), paged.language))[0]
    try:
        await query.edit_message_text(
            markup,
            parse_mode=ParseMode.HTML,
            reply_markup=pager(token, page, paged.pages),
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = language(update, context)
    value = argument(context).lstrip("#")
    if not value.isdigit():
        await reply(update, context, text(lang, "usage_article"))
        return
    await _show_article(update, context, value, lang)


ARTICLE_LINK = regexcache.compile(rf"^{re.escape(ARTICLE_COMMAND)}(\d{{1,12}})(?:@(\w+))?$")
"""``/a12`` or, tapped in a group, ``/a12@botname``: the one-tap way into article 12."""


async def article_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/a12``: python-telegram-bot's CommandHandler needs fixed names, so this one is
    matched by a pattern; a command addressed to another bot is not ours to answer."""
    message = update.effective_message
    match = ARTICLE_LINK.match(message.text or "") if message is not None else None
    if match is None:
        return
    addressed = match.group(2)
    if addressed and addressed.lower() != (context.bot.username or "").lower():
        return
    await _show_article(update, context, match.group(1), language(update, context))


async def _show_article(
    update: Update, context: ContextTypes.DEFAULT_TYPE, value: str, lang: str
) -> None:
    svc = services(context)
    detail = get_article(svc.db, int(value), viewer=_viewer(update))
    if detail is None:
        await reply(update, context, text(lang, "article_not_found", id=esc(value)))
        return
    original = localize(text(lang, "open_original"), lang)
    keyboard = original_keyboard(detail.article.url, original)
    await reply(update, context, views.article(detail, lang), keyboard)
