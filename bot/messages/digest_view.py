"""The answer to a digest on demand: the article as ``/article`` shows it, plus its topics,
its companies as buttons to ``/company``, and (for operators) a button to share it.

Why its own module: the body is exactly :func:`bot.messages.views.article`, so a digest a
reader asked for reads like every other article; what only this answer has -- the
privacy note, the company buttons, the share button -- is added here.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import views
from bot.messages.i18n import text
from bot.messages.keyboards import COMPANY, fits
from bot.messages.render import article_command
from digests.sanitize import clean_line
from digests.taxonomy import Taxonomy
from store.records import ArticleDetail

SHARE = "lib:"  # lib:<article id>      an operator adds a reader's article to the library
MAX_COMPANY_BUTTONS = 8


def digest_answer(
    detail: ArticleDetail,
    topic_ids: Sequence[str],
    companies: Sequence[str],
    taxonomy: Taxonomy,
    lang: str,
) -> str:
    """Title, date, summary, key figures, section digests, keywords; topics; companies."""
    parts = [views.article(detail, lang)]
    topics = views.topic_names(taxonomy, topic_ids, lang)
    if topics:
        parts.append(text(lang, "digest_topics", topics=topics))
    if companies:
        parts.append(text(lang, "digest_companies"))
    parts.append(text(lang, "digest_private_note", command=article_command(detail.article.id)))
    return "\n\n".join(parts)


def digest_keyboard(
    companies: Sequence[str],
    article_id: int,
    can_share: bool,
    lang: str,
    labels: Sequence[str] | None = None,
) -> InlineKeyboardMarkup | None:
    """Company buttons, two a row (each opens ``/company``); the share button last.
    ``labels``: the names as the reader knows them (TSMC in English), one per company."""
    shown = labels if labels is not None else companies
    buttons = [
        InlineKeyboardButton(clean_line(label), callback_data=f"{COMPANY}{name}")
        for name, label in zip(companies, shown, strict=True)
        if fits(f"{COMPANY}{name}")
    ][:MAX_COMPANY_BUTTONS]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if can_share:
        rows.append(
            [InlineKeyboardButton(text(lang, "digest_share"), callback_data=f"{SHARE}{article_id}")]
        )
    return InlineKeyboardMarkup(rows) if rows else None
