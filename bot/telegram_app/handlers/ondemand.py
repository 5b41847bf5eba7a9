"""Digest on demand: a reader sends a link, a document or a long text and gets the digest.

Why these rules (issue 12):

- **When.** In a private chat, any message holding http(s) links, a PDF / HTML / text
  document, or pasted text of at least :data:`MIN_PASTED_CHARS` characters is digested;
  shorter text stays a lookup (:func:`reading.lookup`).  In groups only when asked --
  ``/digest LINK``, ``/digest`` in reply to a message with a link or a document, or a
  mention of the bot with a link -- never on every link someone posts.
- **Whose.** What a reader sends is stored for that chat only (``owner_chat``): their
  ``/article``, ``/search`` and ``/company`` see it, other chats and briefings never do,
  so nobody can push text into everyone's briefings.  Operators may share it with a button.
- **Limits.** Documents up to 20 MB (checked on ``file_size`` before any download), at
  most ``BRIEFBOT_USER_DIGESTS_PER_HOUR`` jobs per reader, one at a time, each within
  ``BRIEFBOT_DIGEST_TIMEOUT`` seconds; over a limit a one-line answer, nothing queued.
- **Hostile input.** Links are fetched by :func:`digests.sources.fetch.fetch_url`
  (http/https only, no private addresses, redirects re-checked, size and time capped);
  every text shown is cleaned of control and bidi characters and HTML-escaped.
- **Feedback.** A chat action at once, then one "處理中…" message edited into the answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import PurePosixPath

from telegram import Document, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, filters

from bot.core.quota import DigestQuota, Refusal
from bot.core.services import services
from bot.ingest.orchestrate import SourceResult, ingest_source
from bot.messages.digest_view import SHARE, digest_answer, digest_keyboard
from bot.messages.i18n import localize, text
from bot.messages.names import company_names
from bot.messages.render import article_command, esc, split_html
from bot.telegram_app.handlers.common import NO_PREVIEW, language, localize_keyboard, reply
from digests import regexcache
from digests.lexicon import Lexicon
from digests.parallel import Digester
from digests.sanitize import clean_line, clean_text
from digests.sources.fetch import RawSource
from store import open_db
from store.answers import article_tags
from store.articles import (
    article_owner,
    delete_owned_articles,
    get_article,
    newest_article_id,
    share_article,
)
from store.reference import learned_companies

log = logging.getLogger(__name__)

MIN_PASTED_CHARS = 200
"""Pasted text at least this long (after cleaning) is an article to digest, not a query."""
MAX_LINKS = 3
"""Links digested from one message; more are named in a note, never silently queued."""
MAX_ANSWERS = 3
"""Articles answered in full per message (a feed link gives many); the rest are listed."""
MAX_LISTED = 20
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""What the Bot API lets a bot download (getFile)."""
QUOTA_KEY = "briefbot.digest_quota"
PASTED = "pasted text"
"""The source name of pasted text (in the ingestion log; readers see it in their language)."""

_DOCUMENT_EXTENSIONS = frozenset(".pdf .txt .text .md .htm .html .xhtml .xml .rss .atom".split())
_DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/x-pdf",
        "application/xhtml+xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
    }
)
_LINK_RE = regexcache.compile(r"https?://[^\s<>\"'「」『』（）()，。、；！？]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>'\"…"

_DIGEST_LOCK = threading.Lock()
"""One digest at a time in this process: they share the app's lexicon (which learns
from what it reads) and two cores; readers' jobs wait their turn within their time limit."""


@dataclass(frozen=True)
class Request:
    """What one message asks to digest: links, one document, or pasted text."""

    links: tuple[str, ...] = ()
    document: Document | None = None
    pasted: str = ""
    dropped_links: int = 0


# --- reading the request ------------------------------------------------------------


def links_in(message: Message | None) -> list[str]:
    """The message's http(s) links, in order, without duplicates (text and caption).

    Telegram marks links as ``url`` entities (or ``text_link`` behind a word); clients that
    send no entities still get their links found in the text.
    """
    if message is None:
        return []
    found: list[str] = []
    kinds = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    for parsed in (message.parse_entities(kinds), message.parse_caption_entities(kinds)):
        for entity, value in parsed.items():
            found.append(
                entity.url if entity.type == MessageEntity.TEXT_LINK and entity.url else value
            )
    if not found:
        found = _LINK_RE.findall(message.text or message.caption or "")
    links: list[str] = []
    for raw in found:
        link = clean_line(raw).rstrip(_TRAILING)
        if link.lower().startswith(("http://", "https://")) and link not in links:
            links.append(link)
    return links


def _pasted(message: Message | None) -> str:
    return clean_text(message.text or "").strip() if message is not None else ""


def request_from(message: Message | None, *, allow_pasted: bool) -> Request | None:
    """What ``message`` gives to digest, or None when it holds nothing to digest."""
    if message is None:
        return None
    if message.document is not None:
        return Request(document=message.document)
    links = links_in(message)
    if links:
        return Request(links=tuple(links[:MAX_LINKS]), dropped_links=max(0, len(links) - MAX_LINKS))
    pasted = _pasted(message)
    if allow_pasted and len(pasted) >= MIN_PASTED_CHARS:
        return Request(pasted=pasted)
    return None


class _DigestInput(filters.MessageFilter):
    """Private text that is an article to digest: it holds links, or it is long."""

    def filter(self, message: Message) -> bool:
        return bool(links_in(message)) or len(_pasted(message)) >= MIN_PASTED_CHARS


DIGEST_INPUT = _DigestInput(name="DigestInput")


def _document_problem(document: Document, lang: str) -> str | None:
    """A one-line refusal for a document we will not download, else None."""
    size = document.file_size or 0
    if size > MAX_DOCUMENT_BYTES:
        return text(lang, "digest_too_big", size=f"{size / 1024 / 1024:.1f}")
    name = clean_line(document.file_name or "")
    mime = (document.mime_type or "").lower()
    extension = PurePosixPath(name.lower()).suffix
    if (
        extension in _DOCUMENT_EXTENSIONS
        or mime in _DOCUMENT_TYPES
        or mime.startswith("text/")
        or (not mime and not extension)
    ):
        return None
    return text(lang, "digest_bad_type", name=esc(name or mime or "?"))


# --- handlers -------------------------------------------------------------------------


async def private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message with links, a document, or a long text."""
    request = request_from(update.effective_message, allow_pasted=True)
    if request is not None:
        await _run(update, context, request)


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/digest LINK``, or ``/digest`` in reply to a message with a link or a document."""
    message = update.effective_message
    request = request_from(message, allow_pasted=False)
    target = message.reply_to_message if message is not None else None
    # The bot's own answers are not articles to digest again.
    if request is None and target is not None and target.from_user != context.bot.bot:
        request = request_from(target, allow_pasted=True)
    if request is None:
        await reply(update, context, text(language(update, context), "digest_usage"))
        return
    await _run(update, context, request)


async def group_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group message that mentions the bot and holds a link; other mentions are ignored."""
    message = update.effective_message
    if message is None or not context.bot.username:
        return
    ours = f"@{context.bot.username}".lower()
    mentioned = any(
        value.lower() == ours for value in message.parse_entities([MessageEntity.MENTION]).values()
    )
    request = request_from(message, allow_pasted=False) if mentioned else None
    if request is not None and request.links:
        await _run(update, context, request)


async def share_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An operator adds a reader's article to the shared library."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    lang = language(update, context)
    user = update.effective_user
    if user is None or user.id not in svc.settings.admins:
        await query.answer(text(lang, "operators_only")[:200], show_alert=True)
        return
    value = query.data.removeprefix(SHARE)
    shared = share_article(svc.db, int(value)) if value.isdigit() else None
    await query.answer()
    if shared is None:
        await reply(update, context, text(lang, "digest_share_gone"))
        return
    svc.lexicon.learn(learned_companies(svc.db))
    detail = get_article(svc.db, shared)
    title = detail.article.title if detail else value
    await reply(update, context, text(lang, "digest_shared", title=esc(title)))


# --- one job --------------------------------------------------------------------------


def _quota(context: ContextTypes.DEFAULT_TYPE) -> DigestQuota:
    data = context.application.bot_data
    quota = data.get(QUOTA_KEY)
    if quota is None:
        quota = data[QUOTA_KEY] = DigestQuota(services(context).settings.user_digests_per_hour)
    return quota


def _refusal_text(refusal: Refusal, quota: DigestQuota, lang: str) -> str:
    if refusal.reason == "busy":
        return text(lang, "digest_busy")
    return text(lang, "digest_rate_limited", limit=quota.per_hour, minutes=refusal.wait_minutes)


async def _run(update: Update, context: ContextTypes.DEFAULT_TYPE, request: Request) -> None:
    """Check the limits, show progress, digest in a worker thread within the time limit."""
    svc = services(context)
    lang = language(update, context)
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if request.document is not None:
        problem = _document_problem(request.document, lang)
        if problem:
            await reply(update, context, problem)
            return
    quota = _quota(context)
    refusal = quota.try_start(user.id)
    if refusal is not None:
        await reply(update, context, _refusal_text(refusal, quota, lang))
        return
    release = True
    try:
        action = ChatAction.UPLOAD_DOCUMENT if request.document else ChatAction.TYPING
        await context.bot.send_chat_action(chat.id, action)
        progress = await reply(update, context, text(lang, "digest_working"))
        cancel = threading.Event()
        worker: list[asyncio.Future] = []
        try:
            outcome = await asyncio.wait_for(
                _work(context, request, chat.id, cancel, worker), svc.settings.digest_timeout
            )
        except TimeoutError:
            cancel.set()
            if worker and not worker[0].done():
                # The thread cannot be killed: the reader stays busy until it returns.
                worker[0].add_done_callback(lambda _: quota.finish(user.id))
                release = False
            seconds = f"{svc.settings.digest_timeout:g}"
            await _show(update, context, progress, text(lang, "digest_timeout", seconds=seconds))
            return
        except BadRequest as exc:  # getFile refused (e.g. "file is too big")
            reason = esc(str(exc))
            await _show(
                update, context, progress, text(lang, "digest_download_failed", reason=reason)
            )
            return
        await _answer(update, context, progress, request, outcome, lang)
    finally:
        if release:
            quota.finish(user.id)


async def _work(
    context: ContextTypes.DEFAULT_TYPE,
    request: Request,
    chat_id: int,
    cancel: threading.Event,
    worker: list[asyncio.Future],
) -> list[SourceResult]:
    """Download the document if any, then read, digest and store in a worker thread."""
    svc = services(context)
    sources: list[tuple[str, RawSource | None]] = [(link, None) for link in request.links]
    if request.document is not None:
        document = request.document
        file = await context.bot.get_file(document.file_id)
        data = bytes(await file.download_as_bytearray())
        name = clean_line(document.file_name or "document") or "document"
        sources.append((name, RawSource(name, data, content_type=document.mime_type)))
    elif request.pasted:
        data = request.pasted.encode("utf-8")
        sources.append((PASTED, RawSource(PASTED, data, content_type="text/plain")))
    future = asyncio.ensure_future(
        asyncio.to_thread(
            _digest_sources, svc.settings.db_path, svc.lexicon, sources, chat_id, cancel
        )
    )
    worker.append(future)
    return await asyncio.shield(future)


def _digest_sources(
    db_path: str,
    lexicon: Lexicon,
    sources: list[tuple[str, RawSource | None]],
    owner_chat: int,
    cancel: threading.Event,
) -> list[SourceResult]:
    """Blocking work (network, CPU, SQLite) with its own connection, one job at a time.

    A job stopped at its time limit stores nothing: what it saved after the limit passed
    is deleted again, so the reader's "stopped" answer is true.
    """
    with _DIGEST_LOCK:
        db = open_db(db_path)
        try:
            before = newest_article_id(db)
            digester = Digester(workers=1, lexicon=lexicon)
            results = []
            for source, raw in sources:
                if cancel.is_set():
                    break
                results.append(
                    ingest_source(db, source, digester=digester, fetched=raw, owner_chat=owner_chat)
                )
            if cancel.is_set():
                fresh = [i for r in results for i in r.article_ids if i > before]
                delete_owned_articles(db, owner_chat, fresh)
            return results
        finally:
            db.close()


def _reason(result: SourceResult, lang: str) -> str:
    """The refusal in the reader's language when its kind is known; the technical detail
    (addresses, errno) is for the logs, not for a reader who sent a link.  A refusal
    this interface has no words for yet is shown as the detail rather than not at all."""
    detail = esc(result.error or "")
    try:
        localized = text(lang, f"digest_reason.{result.error_code}") if result.error_code else ""
    except KeyError:  # a kind of refusal this interface has no words for yet
        localized = ""
    if localized:
        if result.error:
            log.info("digest refused (%s): %s", result.error_code, result.error)
        return localized
    return detail


async def _answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    progress: Message | None,
    request: Request,
    outcome: list[SourceResult],
    lang: str,
) -> None:
    """Each article digested, or each source's refusal, edited into the progress message."""
    svc = services(context)
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None
    can_share = user is not None and user.id in svc.settings.admins
    first = True
    shown, more = 0, []
    for result in outcome:
        if not result.ok:
            label = text(lang, "digest_pasted") if result.source == PASTED else result.source
            source = esc(clean_line(label)[:80])
            message = text(lang, "digest_failed", source=source, reason=_reason(result, lang))
            await _show(update, context, progress if first else None, message)
            first = False
            continue
        for article_id in dict.fromkeys(result.article_ids):
            if shown >= MAX_ANSWERS:
                more.append(article_id)
                continue
            detail = get_article(svc.db, article_id, viewer=chat.id)
            if detail is None:
                continue
            shown += 1
            topics, companies = article_tags(svc.db, [article_id]).get(article_id, ([], []))
            markup = digest_answer(detail, topics, companies, svc.lexicon.taxonomy, lang)
            shareable = can_share and article_owner(svc.db, article_id) is not None
            labels = company_names(list(companies), svc.lexicon.directory, lang)
            keyboard = digest_keyboard(companies, article_id, shareable, lang, labels)
            await _show(update, context, progress if first else None, markup, keyboard)
            first = False
    if more:
        sep = ", " if lang == "en" else "、"
        ids = sep.join(article_command(i) for i in more[:MAX_LISTED])  # one tap each
        await reply(update, context, text(lang, "digest_more_articles", count=len(more), ids=ids))
    if request.dropped_links:
        await reply(update, context, text(lang, "digest_too_many_links", count=MAX_LINKS))


async def _show(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    progress: Message | None,
    markup: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit the progress message into the first piece of ``markup``; send the rest."""
    lang = language(update, context)
    pieces = split_html(localize(markup, lang))
    keyboard = localize_keyboard(keyboard, lang)
    if progress is None:
        await reply(update, context, markup, keyboard)
        return
    try:
        await progress.edit_text(
            pieces[0],
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if len(pieces) == 1 else None,
            link_preview_options=NO_PREVIEW,
        )
    except TelegramError as exc:  # the progress message is gone: send the answer anew
        log.info("could not edit the progress message: %s", exc)
        await reply(update, context, markup, keyboard)
        return
    chat = update.effective_chat
    assert chat is not None
    for index, piece in enumerate(pieces[1:], start=2):
        await context.bot.send_message(
            chat.id,
            piece,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if index == len(pieces) else None,
            link_preview_options=NO_PREVIEW,
        )


__all__ = [
    "DIGEST_INPUT",
    "digest_command",
    "group_mention",
    "private_message",
    "share_button",
]
