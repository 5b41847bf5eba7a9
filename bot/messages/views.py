"""What each reply says: answers from the store rendered as Telegram HTML."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages.i18n import text
from bot.messages.render import esc, link
from digests.answers import Point
from digests.briefing import Briefing
from digests.taxonomy import Taxonomy
from store.answers import CompanyAnswer, SearchHit, SectorAnswer
from store.chats import ChatSettings
from store.records import ArticleDetail, StoredArticle


def topic_names(taxonomy: Taxonomy, topic_ids: Sequence[str]) -> str:
    return "、".join(esc(taxonomy.by_id[t].name) for t in topic_ids if t in taxonomy.by_id)


def _cited(point: Point) -> str:
    """A summary sentence followed by the article it comes from."""
    return f"• {esc(point.sentence)}\n  —— {link(point.source.title, point.source.url)}"


def briefing(brief: Briefing, taxonomy: Taxonomy, lang: str) -> str:
    if not brief.items:
        return text(lang, "brief_empty")
    parts = [text(lang, "brief_title")]
    for topic_id, items in brief.grouped():
        name = taxonomy.by_id[topic_id].name if topic_id in taxonomy.by_id else ""
        if name:
            parts.append(f"<b>#{esc(name)}</b>")
        for item in items:
            lines = [f"▪️ {link(item.title, item.url)} <code>/article {item.article_id}</code>"]
            lines.extend(esc(s) for s in item.summary)
            for heading, sentences in item.digests:
                body = " ".join(esc(s) for s in sentences)
                lines.append(f"<i>{esc(heading)}</i>:{body}" if heading else body)
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def company(answer: CompanyAnswer, taxonomy: Taxonomy, lang: str) -> str:
    c = answer.company
    assert c is not None
    ticker = f"({esc(c.market)}:{esc(c.ticker)})" if c.ticker and c.market else ""
    parts = [f"🏢 <b>{esc(c.name)}</b>{ticker}"]
    if not answer.mentions:
        parts.append(text(lang, "company_none", name=esc(c.name)))
        return "\n\n".join(parts)
    parts.extend(_cited(point) for point in answer.summary)
    footer = [text(lang, "company_mentions", count=len(answer.mentions), name=esc(c.name))]
    if answer.topics:
        footer.append(text(lang, "company_topics", topics=topic_names(taxonomy, answer.topics)))
    parts.append("\n".join(footer))
    return "\n\n".join(parts)


def sector(answer: SectorAnswer, lang: str) -> str:
    parts = [f"🏭 <b>{esc(answer.label)}</b>"]
    if not answer.articles:
        parts.append(text(lang, "sector_none", name=esc(answer.label)))
        return "\n\n".join(parts)
    parts.extend(_cited(point) for point in answer.summary)
    for article in answer.articles:
        lines = [f"▪️ {link(article.title, article.url)} <code>/article {article.id}</code>"]
        lines.extend(esc(s) for s in article.summary[:2])
        parts.append("\n".join(lines))
    if answer.companies:
        names = "、".join(esc(n) for n in answer.companies)
        parts.append(text(lang, "sector_companies", companies=names))
    return "\n\n".join(parts)


def search_page(query: str, hits: Sequence[SearchHit], page: int, pages: int, lang: str) -> str:
    parts = [f"<b>{text(lang, 'search_title', query=esc(query))}</b>"]
    for hit in hits:
        where = f" › {esc(hit.heading)}" if hit.heading else ""
        snippet = esc(hit.snippet).replace("【", "<b>").replace("】", "</b>")
        parts.append(
            f"▪️ {link(hit.title, hit.url)}{where} <code>/article {hit.article_id}</code>\n{snippet}"
        )
    if pages > 1:
        parts.append(text(lang, "page", page=page + 1, pages=pages))
    return "\n\n".join(parts)


def article(detail: ArticleDetail, lang: str) -> str:
    a = detail.article
    parts = [link(a.title, a.url)]
    if a.published:
        parts[0] += f"\n<i>{esc(a.published[:10])}</i>"
    if a.summary:
        parts.append("\n".join(esc(s) for s in a.summary))
    figures = detail.figures_not_shown()
    if figures:
        parts.append(
            text(lang, "key_figures") + "\n" + "\n".join(f"▪️ {esc(s)}" for s in figures)
        )
    for section in detail.sections:
        if not section.digest:
            continue
        body = "\n".join(esc(s) for s in section.digest)
        parts.append(f"<b>{esc(section.heading)}</b>\n{body}" if section.heading else body)
    if a.keywords:
        parts.append(text(lang, "keywords", keywords="、".join(esc(k) for k in a.keywords)))
    return "\n\n".join(parts)


def latest_page(articles: Sequence[StoredArticle], page: int, pages: int, lang: str) -> str:
    parts = [text(lang, "latest_title")]
    for a in articles:
        when = (a.published or a.ingested_at or "")[:10]
        parts.append(f"▪️ {link(a.title, a.url)}\n<i>{esc(when)}</i> <code>/article {a.id}</code>")
    if pages > 1:
        parts.append(text(lang, "page", page=page + 1, pages=pages))
    return "\n\n".join(parts)


def settings(
    chat: ChatSettings,
    taxonomy: Taxonomy,
    lang: str,
    time_text: str,
    zone: str,
    next_text: str,
    today_note: str | None = None,
) -> str:
    lines = [text(lang, "settings_title")]
    if chat.topics:
        lines.append(text(lang, "settings_topics", topics=topic_names(taxonomy, chat.topics)))
    else:
        lines.append(text(lang, "settings_no_topics"))
    lines.append(text(lang, "settings_time", time=esc(time_text), zone=esc(zone)))
    if chat.paused:
        lines.append(text(lang, "settings_paused"))
    elif not chat.enrolled:
        lines.append(text(lang, "settings_not_enrolled"))
    elif not chat.receives_briefings:
        lines.append(text(lang, "settings_group_waiting"))
    else:
        lines.append(text(lang, "settings_active"))
        lines.append(text(lang, "settings_next", next=esc(next_text)))
    if today_note:
        lines.append(today_note)
    lines.append(text(lang, "settings_language", language=esc(chat.language or lang)))
    return "\n".join(lines)
