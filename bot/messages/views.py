"""What each reply says: answers from the store rendered as Telegram HTML."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages.i18n import LANGUAGE_NAMES, localize, text
from bot.messages.names import company_name, topic_name
from bot.messages.punct import join_sentences
from bot.messages.render import article_command, esc, link
from digests.answers import Point, not_repeated
from digests.briefing import Briefing, BriefItem
from digests.dates import TAIPEI, local_date
from digests.taxonomy import Taxonomy
from store.answers import CompanyAnswer, SearchHit, SectorAnswer
from store.chats import ChatSettings
from store.records import ArticleDetail, StoredArticle


def topic_names(taxonomy: Taxonomy, topic_ids: Sequence[str], lang: str = "zh-TW") -> str:
    names = (topic_name(taxonomy.by_id[t], lang) for t in topic_ids if t in taxonomy.by_id)
    return ("、" if lang != "en" else ", ").join(esc(n) for n in names)


BRIEF_PIECE_LIMIT = 2000
"""A briefing's messages are at most this long: a phone screen or two, never a wall of
text (a long briefing is sent as several such messages)."""


def date_label(published: str | None, ingested_at: str | None, lang: str) -> str:
    """ "發布於 2025-03-14" when the article gives its date, else "收錄於 …" (when the store
    took it in): a reader must never take the day of ingestion for the day of writing."""
    if published:
        return text(lang, "published_on", date=esc(local_date(published)))
    if ingested_at:
        return text(lang, "collected_on", date=esc(local_date(ingested_at, TAIPEI)))
    return ""


def _opens(title: str, url: str | None, article_id: int) -> str:
    """An article named in a list: its title (a link to the original where there is one)
    and the command that opens its digest in one tap."""
    return f"{link(title, url)} {article_command(article_id)}"


def _cited(point: Point) -> str:
    """A summary sentence followed by the article it comes from."""
    source = point.source
    return f"• {esc(point.sentence)}\n  —— {_opens(source.title, source.url, source.article_id)}"


def briefing_groups(
    brief: Briefing, taxonomy: Taxonomy, lang: str
) -> list[tuple[str, list[BriefItem]]]:
    """(group title, items) in display order: the one grouping that the short briefing and
    its "more" buttons share.  A group without a topic has an empty title; another kind of
    group (follows) goes into this list, first."""
    groups = []
    for topic_id, items in brief.grouped():
        topic = taxonomy.by_id.get(topic_id) if topic_id else None
        groups.append((topic_name(topic, lang) if topic else "", items))
    return groups


def _group_heading(title: str, groups: int, lang: str) -> str | None:
    if title:
        return f"<b>#{esc(title)}</b>"
    return f"<b>#{text(lang, 'brief_other_group')}</b>" if groups > 1 else None


def _published_day(item: BriefItem) -> str:
    return local_date(item.published) if item.published else ""


def _date_span(items: Sequence[BriefItem], lang: str) -> str:
    """The dates a briefing covers: publication dates where the articles give them (so
    weeks-old articles never pass for today's news), else when they were collected."""
    days = sorted({_published_day(i) for i in items} - {""})
    key = "published_on"
    if not days:
        days = sorted({local_date(i.ingested_at, TAIPEI) for i in items if i.ingested_at})
        key = "collected_on"
    if not days:
        return ""
    span = days[0] if len(days) == 1 else f"{days[0]} – {days[-1]}"
    return text(lang, key, date=esc(span))


def briefing(brief: Briefing, taxonomy: Taxonomy, lang: str) -> str:
    """The briefing a chat is pushed (and gets from /brief): a title with the dates it
    covers, then one line per article, grouped by topic; each line links the original and
    opens the article's digest in one tap.  The digests themselves come on demand
    (:func:`briefing_more`), so the message fits a phone screen."""
    if not brief.items:
        return text(lang, "brief_empty")
    head = text(lang, "brief_latest_title")
    span = _date_span(brief.items, lang)
    parts = [f"{head}\n<i>{span}</i>" if span else head]
    several_days = len({_published_day(i) for i in brief.items} - {""}) > 1
    groups = briefing_groups(brief, taxonomy, lang)
    for title, items in groups:
        heading = _group_heading(title, len(groups), lang)
        lines = [heading] if heading else []
        for item in items:
            day = _published_day(item)[5:] if several_days else ""
            when = f" <i>{esc(day)}</i>" if day else ""
            lines.append(f"▪️ {link(item.title, item.url)}{when} {article_command(item.article_id)}")
        parts.append("\n".join(lines))
    parts.append(text(lang, "brief_tap_hint"))
    return "\n\n".join(parts)


def briefing_more(brief: Briefing, taxonomy: Taxonomy, lang: str) -> list[tuple[str, list[int]]]:
    """(button label, article ids) of the briefing's "more" buttons: one per group of two
    or more articles when there are several groups (one article opens with its /a command),
    then one for the whole digest."""
    if not brief.items:
        return []
    groups = briefing_groups(brief, taxonomy, lang)
    buttons = []
    if len(groups) > 1:
        for title, items in groups:
            if len(items) < 2:
                continue
            group = title or text(lang, "brief_other_group")
            label = text(lang, "brief_more_group", group=group, count=len(items))
            buttons.append((localize(label, lang), [i.article_id for i in items]))
    label = localize(text(lang, "brief_more_all"), lang)
    buttons.append((label, [i.article_id for i in brief.items]))
    return buttons


def briefing_full(brief: Briefing, taxonomy: Taxonomy, lang: str) -> str:
    """What a "more" button expands to: each article with its date, summary and the
    section digests most about the chat's topics."""
    if not brief.items:
        return text(lang, "brief_expired")
    parts = [text(lang, "brief_expanded_title")]
    groups = briefing_groups(brief, taxonomy, lang)
    for title, items in groups:
        heading = _group_heading(title, len(groups), lang)
        if heading:
            parts.append(heading)
        for item in items:
            lines = [f"▪️ {_opens(item.title, item.url, item.article_id)}"]
            label = date_label(item.published, item.ingested_at, lang)
            if label:
                lines.append(f"<i>{label}</i>")
            lines.extend(esc(s) for s in _besides_title(item.summary, item.title))
            for heading_text, sentences in item.digests:
                # The heading on its own line, as in the article view: inline, a heading
                # ending in a mark ran into its digest ("…先進封裝?AI加速器…").
                body = esc(join_sentences(sentences))
                lines.append(f"<i>{esc(heading_text)}</i>\n{body}" if heading_text else body)
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def company(answer: CompanyAnswer, taxonomy: Taxonomy, lang: str) -> str:
    c = answer.company
    assert c is not None
    ticker = f"({esc(c.market)}:{esc(c.ticker)})" if c.ticker and c.market else ""
    name = esc(company_name(c, lang))
    written = f" {esc(c.name)}" if name != esc(c.name) else ""  # the name articles use
    parts = [f"🏢 <b>{name}</b>{written}{ticker}"]
    if not answer.mentions:
        parts.append(text(lang, "company_none", name=name))
        return "\n\n".join(parts)
    parts.extend(_cited(point) for point in answer.summary)
    footer = [text(lang, "company_mentions", count=len(answer.mentions), name=name)]
    if answer.topics:
        topics = topic_names(taxonomy, answer.topics, lang)
        footer.append(text(lang, "company_topics", topics=topics))
    parts.append("\n".join(footer))
    return "\n\n".join(parts)


def sector(answer: SectorAnswer, lang: str) -> str:
    label = topic_name(answer.topic, lang) if answer.topic is not None else answer.label
    parts = [f"🏭 <b>{esc(label)}</b>"]
    if not answer.articles:
        parts.append(text(lang, "sector_none", name=esc(answer.label)))
        return "\n\n".join(parts)
    parts.extend(_cited(point) for point in answer.summary)
    for article in answer.articles:
        lines = [f"▪️ {_opens(article.title, article.url, article.id)}"]
        # one message never repeats a sentence: the key points' are not said again
        lines.extend(esc(s) for s in not_repeated(article.summary, answer.summary, limit=2))
        parts.append("\n".join(lines))
    if answer.companies:
        names = ("、" if lang != "en" else ", ").join(esc(n) for n in answer.companies)
        parts.append(text(lang, "sector_companies", companies=names))
    return "\n\n".join(parts)


def search_page(
    query: str, hits: Sequence[SearchHit], page: int, pages: int, lang: str, note: str = ""
) -> str:
    """One page of search results; ``note`` (already HTML) says how many articles matched."""
    parts = [f"<b>{text(lang, 'search_title', query=esc(query))}</b>"]
    if note:
        parts[0] += f"\n{note}"
    for hit in hits:
        where = f" › {esc(hit.heading)}" if hit.heading else ""
        snippet = esc(hit.snippet).replace("【", "<b>").replace("】", "</b>")
        parts.append(
            f"▪️ {link(hit.title, hit.url)}{where} {article_command(hit.article_id)}\n{snippet}"
        )
    if pages > 1:
        parts.append(text(lang, "page", page=page + 1, pages=pages))
    return "\n\n".join(parts)


def _besides_title(sentences: Sequence[str], title: str) -> list[str]:
    """Summary sentences other than the title: text without a title line (a paste, a
    plain-text file) is titled by its first sentence, which the summary often picks too,
    and one message must not say the same sentence twice, one line apart."""
    return [s for s in sentences if s.strip() != title.strip()]


def article(detail: ArticleDetail, lang: str) -> str:
    a = detail.article
    parts = [link(a.title, a.url)]
    label = date_label(a.published, a.ingested_at, lang)
    if label:
        parts[0] += f"\n<i>{label}</i>"
    summary = _besides_title(a.summary, a.title)
    if summary:
        parts.append("\n".join(esc(s) for s in summary))
    figures = detail.figures_not_shown()
    if figures:
        parts.append(text(lang, "key_figures") + "\n" + "\n".join(f"▪️ {esc(s)}" for s in figures))
    for section in detail.sections:
        if not section.digest:
            continue
        body = "\n".join(esc(s) for s in section.digest)
        parts.append(f"<b>{esc(section.heading)}</b>\n{body}" if section.heading else body)
    if a.keywords:
        sep = ", " if lang == "en" else "、"
        parts.append(text(lang, "keywords", keywords=sep.join(esc(k) for k in a.keywords)))
    return "\n\n".join(parts)


def latest_page(articles: Sequence[StoredArticle], page: int, pages: int, lang: str) -> str:
    parts = [text(lang, "latest_title")]
    for a in articles:
        when = date_label(a.published, a.ingested_at, lang)
        parts.append(f"▪️ {_opens(a.title, a.url, a.id)}\n<i>{when}</i>")
    if pages > 1:
        parts.append(text(lang, "page", page=page + 1, pages=pages))
    return "\n\n".join(parts)


def delivery_days(chat: ChatSettings | None, lang: str) -> str:
    """ "every day" or "Monday to Friday" (/days): every line that states the delivery
    time says which days, so /time and /mytopics never claim "every day" after /days weekdays."""
    weekdays = chat is not None and chat.days == "weekdays"
    return text(lang, "days_weekdays_only" if weekdays else "days_every")


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
        topics = topic_names(taxonomy, chat.topics, lang)
        lines.append(text(lang, "settings_topics", topics=topics))
    else:
        lines.append(text(lang, "settings_no_topics"))
    days = delivery_days(chat, lang)
    lines.append(text(lang, "settings_time", days=days, time=esc(time_text), zone=esc(zone)))
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
    language = LANGUAGE_NAMES.get(chat.language or lang, chat.language or lang)
    lines.append(text(lang, "settings_language", language=esc(language)))
    return "\n".join(lines)
