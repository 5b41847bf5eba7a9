"""Read-only commands anyone may use, in private chats and groups."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core.services import PagedReply, services
from bot.messages import views
from bot.messages.i18n import localize, text
from bot.messages.keyboards import COMPANY, PAGE, SECTOR, pager, suggestion_keyboard
from bot.messages.render import esc, split_html
from bot.telegram_app.handlers.common import NO_PREVIEW, argument, current_chat, language, reply
from digests.briefing import compose_briefing
from digests.sanitize import clean_line
from store.answers import company_answer, search_answer, sector_answer
from store.articles import get_article, list_articles
from store.briefings import candidate_articles

COMPANY_ARTICLES = 20
SEARCH_RESULTS = 25
SEARCH_PER_PAGE = 5
LATEST_ARTICLES = 30
LATEST_PER_PAGE = 10
LOOKUP_MAX_CHARS = 40
"""Plain text up to this long is taken as a name or keyword to look up."""


async def brief(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    chat = current_chat(update, context)
    topics = chat.topics if chat else ()
    candidates = candidate_articles(svc.db, topics, svc.settings.brief_max)
    briefing = compose_briefing(candidates, topics, svc.settings.brief_max)
    lang = language(update, context)
    await reply(update, context, views.briefing(briefing, svc.lexicon.taxonomy, lang))


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
    answer = company_answer(svc.db, svc.lexicon, query, max_articles=COMPANY_ARTICLES)
    if answer.company is None:
        buttons = [(name, f"{COMPANY}{name}") for name in answer.suggestions]
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
    answer = sector_answer(svc.db, svc.lexicon, query)
    if not answer.found:
        buttons = [
            (name, f"{SECTOR}{topic.id}")
            for name in answer.suggestions
            if (topic := svc.lexicon.taxonomy.lookup(name)) is not None
        ]
        await _not_found(update, context, "unknown_topic", query, buttons, lang)
        return
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
        await reply(update, context, text(lang, "usage_search"))
        return
    if not await _show_search(update, context, query, lang):
        await reply(update, context, text(lang, "search_none", query=esc(query)))


async def _show_search(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, lang: str
) -> bool:
    """Send the first page of results; False (nothing sent) when there are none."""
    answer = search_answer(services(context).db, query, limit=SEARCH_RESULTS)
    if not answer.results:
        return False
    paged = PagedReply("search", lang, answer.query, list(answer.results), SEARCH_PER_PAGE)
    await _send_page(update, context, paged)
    return True


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
    found = company_answer(svc.db, svc.lexicon, query, max_articles=COMPANY_ARTICLES)
    if found.company is not None:
        await reply(update, context, views.company(found, svc.lexicon.taxonomy, lang))
        return
    sector_found = sector_answer(svc.db, svc.lexicon, query)
    if sector_found.found and sector_found.articles:
        await reply(update, context, views.sector(sector_found, lang))
        return
    if not await _show_search(update, context, query, lang):
        await reply(update, context, text(lang, "lookup_none", query=esc(query)))


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    lang = language(update, context)
    articles = list_articles(svc.db, LATEST_ARTICLES)
    if not articles:
        await reply(update, context, text(lang, "no_articles"))
        return
    await _send_page(update, context, PagedReply("latest", lang, "", articles, LATEST_PER_PAGE))


def _render_page(paged: PagedReply, page: int) -> str:
    if paged.kind == "search":
        return views.search_page(paged.title, paged.page(page), page, paged.pages, paged.language)
    return views.latest_page(paged.page(page), page, paged.pages, paged.language)


async def _send_page(update: Update, context: ContextTypes.DEFAULT_TYPE, paged: PagedReply) -> None:
    token = services(context).remember(paged)
    await reply(
        update, context, _render_page(paged, 0), pager(token, 0, paged.pages), lang=paged.language
    )


async def page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ ▶ buttons: edit the message in place with another page."""
    query = update.callback_query
    assert query is not None and query.data is not None
    token, _, number = query.data.removeprefix(PAGE).rpartition(":")
    paged = services(context).paged.get(token)
    if paged is None or not number.isdigit():
        await query.answer(text(language(update, context), "expired"), show_alert=True)
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
    svc = services(context)
    lang = language(update, context)
    value = argument(context).lstrip("#")
    if not value.isdigit():
        await reply(update, context, text(lang, "usage_article"))
        return
    detail = get_article(svc.db, int(value))
    if detail is None:
        await reply(update, context, text(lang, "article_not_found", id=esc(value)))
        return
    await reply(update, context, views.article(detail, lang))
