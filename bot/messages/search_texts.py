"""Interface text of search by article (issue 14): how many articles matched.

Kept beside the main tables and merged into them by :mod:`bot.messages.i18n`, so every
string still goes through ``text()`` (zh-CN is converted from the Traditional table there).
"""

from __future__ import annotations

_ZH_NARROW = "換個更精確的說法可以縮小範圍。"
_EN_NARROW = "Narrow the words to find fewer."

ZH_SEARCH: dict[str, str] = {
    "search_count": "共 {count:,} 篇文章",
    "search_count_about": "約 {count:,} 篇文章",
    "search_count_shown": "共 {count:,} 篇文章，列出最相關的 {shown} 篇；" + _ZH_NARROW,
    "search_count_about_shown": "約 {count:,} 篇文章，列出最相關的 {shown} 篇；" + _ZH_NARROW,
    "search_syntax": "可以用 OR 找其中之一（矽光子 OR CPO），用引號找完整詞組（「先進封裝」）。",
    "search_too_common": (
        "「{query}」太常見，幾乎每篇文章都用得到。請換成具體的詞，例如公司、產品或產業："
        "/search 液冷 水冷板"
    ),
}

EN_SEARCH: dict[str, str] = {
    "search_count": "{count:,} articles",
    "search_count.one": "1 article",
    "search_count_about": "about {count:,} articles",
    "search_count_shown": "{count:,} articles; the {shown} most relevant are listed. " + _EN_NARROW,
    "search_count_about_shown": "About {count:,} articles; the {shown} most relevant are listed. "
    + _EN_NARROW,
    "search_syntax": (
        'Use OR for either word (矽光子 OR CPO) and quotes for an exact phrase ("先進封裝").'
    ),
    "search_too_common": (
        "“{query}” is too common: nearly every article uses it. Search for something "
        "specific, such as a company, product or industry: /search 液冷 水冷板"
    ),
}
