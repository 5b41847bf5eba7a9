"""Interface text of reading (issue 14): one-tap article links, briefing layout, dates.

Kept beside the main tables and merged into them by :mod:`bot.messages.i18n`, so every
string still goes through ``text()`` (zh-CN is converted from the Traditional table there).
"""

from __future__ import annotations

ZH_READING: dict[str, str] = {
    "brief_latest_title": "<b>📰 最新簡報</b>",
    "published_on": "發布於 {date}",
    "collected_on": "收錄於 {date}",
    "brief_tap_hint": "<i>點 /a 開頭的編號看單篇重點，或按下方按鈕展開摘要。</i>",
    "brief_more_all": "📖 展開全部摘要",
    "brief_more_group": "➕ {group}（{count}）",
    "brief_expanded_title": "<b>📖 簡報摘要</b>",
    "brief_other_group": "其他",
    "brief_expired": "這些文章已經不在資料庫裡了。",
    "open_original": "🔗 閱讀原文",
}

EN_READING: dict[str, str] = {
    "brief_latest_title": "<b>📰 Latest briefing</b>",
    "published_on": "Published {date}",
    "collected_on": "Collected {date}",
    "brief_tap_hint": "<i>Tap an /a number to read one article, or expand the digest below.</i>",
    "brief_more_all": "📖 Expand the whole digest",
    "brief_more_group": "➕ {group} ({count})",
    "brief_expanded_title": "<b>📖 Briefing digest</b>",
    "brief_other_group": "Other",
    "brief_expired": "These articles are no longer in the library.",
    "open_original": "🔗 Original article",
}
