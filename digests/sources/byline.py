"""Byline and date lines in the many forms outlets print them, told by what is left of them.

Outlets join the same few parts in endless orders: a date or time (or a reading time), an
outlet, desk or person, role words (記者, 分析師, 研究員, 編輯部, 整理…), a place (台北, 新竹)
and separators (｜ | ／ / · by).  Listing every order as a pattern never ends, so this module
reads a line the other way round: remove the date anchors, labels, role words, places and
separators, and look at the residue.  A byline leaves a short name-like run (王怡婷, 產經日報
黃柏崴, 小岑的理財日記); a heading that carries a date leaves words about a subject (台股盤後
重點, 財報公布), and those words are the one veto.

A line needs a date anchor and some evidence that what stands beside it names a writer: a
role word, a label (作者, by, 發布於, Posted on), a separator, a desk or outlet word, or a
residue shaped like a personal name.  Headings such as ``2026年展望：營收拚雙位數成長`` or
``董事長林某某：明年是擴產年`` carry no full date and are never bylines.
"""

from __future__ import annotations

import re

from digests import regexcache
from digests.sources.rulescan import led_by

BYLINE_MAX = 60
"""Longer lines are prose, whatever they hold."""
RESIDUE_MAX = 20
"""A byline's names (outlet, desk, writer) fit in this many characters."""
RESIDUE_TOKENS = 4
NICKNAME_MAX = 4
"""A pen name or nickname (老吳, 阿哲, 股魚) is this short; longer runs need a desk word."""

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_ANCHOR = led_by(
    # What an anchor starts with: a digit, a month's initial, 閱/阅 (閱讀時間).  Lines with
    # digits are common in articles; the lookahead spares them a try of every form at
    # every position (same matches, see digests.sources.rulescan).
    r"\djfmasond閱阅",
    r"(?<![\d.])(?:"
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"  # 2026/03/18, 2026年3月9日
    r"|\d{2,3}\s*[/.年]\s*\d{1,2}\s*[/.月]\s*\d{1,2}\s*日?"  # ROC years: 115/03/16
    r"|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}"
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{1,2}\s+\d{1,2}\s*月\s*,?\s*\d{4}"  # WordPress "j n 月, Y": 19 11 月, 2026
    r")(?![\d.])"
    r"(?:\s*(?:[(（](?:星期|週|周|禮拜|礼拜)?[一二三四五六日天][)）]|(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]))?"
    r"(?:\s*(?:上午|下午|AM|PM)?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:AM|PM))?)?"
    r"|\d+\s*min(?:ute)?s?\s+read"  # 6 min read
    r"|(?:閱讀時間|阅读时间|閱讀|阅读)\s*[:：]?\s*(?:約|约)?\s*\d+\s*分鐘|\d+\s*分鐘(?:閱讀|阅读)",
    re.IGNORECASE,
)
"""A date (with weekday and time), or a reading time: what a byline is anchored on."""
_READ_TIME = regexcache.compile(r"min(?:ute)?s?\s+read|分鐘", re.IGNORECASE)
_DIGIT = regexcache.compile(r"\d")
"""Every anchor holds a digit: lines without one (most prose) skip the anchor scan."""
_LATIN_TOKEN = regexcache.compile(r"[A-Za-z][A-Za-z.\-]*")
"""A token in Latin letters (a name or nickname: J.Lin, kiwi)."""
_SENTENCE_MARK = regexcache.compile("[。!?！？;；]")
"""What ends or parts a sentence: a byline holds none (one scan, not one per mark)."""

_ROLE = regexcache.compile(
    r"特派員|特派员|記者(?!會|会)|记者(?!会)|分析師|分析师|研究員|研究员|編輯部|编辑部|總編輯|总编辑|"
    r"編輯|编辑|撰文者?|撰稿人?|主筆|主笔|編譯|编译|作者|採訪|采访|攝影|摄影|整理|口述"
)
"""Role words: who did what for the article."""
_WRITER_ROLE = regexcache.compile(
    r"特派員|特派员|記者(?!會|会)|记者(?!会)|分析師|分析师|研究員|研究员|編輯部|编辑部|撰文|主筆|主笔|"
    r"作者|編譯|编译"
)
"""Role words that name a writer on their own (整理 alone also ends headings: 重點整理)."""
_LABEL = regexcache.compile(
    r"(?:最後|最后)?(?:發布|發佈|发布|發表|发表|更新|上稿|刊登|出版)(?:時間|时间|日期|於|于)?|"
    r"\b(?:posted|published|updated|written)(?:\s+(?:on|by))?\b|\bby\b|"
    r"(?<!(?-i:[\u3400-\u9fff]))[文圖图](?=\s*[:：/／|｜])|"
    r"(?:時間|时间|日期)(?=\s*[:：])",
    re.IGNORECASE,
)
"""Labels before a date or a name.  The CJK class is matched case-sensitively: under
IGNORECASE ``re`` folds each of its 27,000 characters when compiling (2.5 ms of a
process's start-up instead of 1 ms), and no character folds into or out of the range
(tests/test_byline_patterns.py checks every code point), so it matches the same."""
_PLACE = regexcache.compile(
    r"(?:台北|臺北|新北|桃園|新竹|苗栗|台中|臺中|彰化|南投|雲林|嘉義|台南|臺南|高雄|屏東|宜蘭|花蓮|"
    r"台東|臺東|基隆|澎湖|金門|東京|大阪|紐約|華盛頓|舊金山|矽谷|北京|上海|深圳|香港|新加坡|首爾|倫敦)"
    r"(?:\d{1,2}日)?(?:即時|綜合)?(?:報導|报导|電|电)?"
    r"|(?:即時|即时|綜合|综合)?(?:報導|报导)"
)
_SEPARATOR = regexcache.compile(r"[|｜/／·•・‧:：\-–—,，、()（）【】\[\]〔〕「」]")
_JOINER = regexcache.compile(r"[|｜/／·•・‧]|\bby\b", re.IGNORECASE)
_DESK = regexcache.compile(
    r"(?:編輯部|编辑部|編輯室|新聞部|研究部|研究中心|研究團隊|研究處|小組|團隊|日報|時報|晚報|週報|"
    r"快報|新報|晨報|網|网|社|週刊|周刊|雜誌|杂志|投顧|投顾|投信|證券|证券|日記|日记|筆記|笔记|"
    r"部落格|新聞|新闻|財經|财经|專欄|专栏|Blog|News|Daily|Times|Weekly)$",
    re.IGNORECASE,
)
_SURNAME = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏"
    "柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓阮馬董温唐藍蔣石古紀姚連馮歐程湯黎田康姜汪白鄒尤巫鐘黃"
    "陈张刘杨许郑谢叶苏庄吕萧罗钟邓冯汤欧"
)
_PERSON = regexcache.compile(
    rf"[{_SURNAME}][\u3400-\u9fff]{{1,2}}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}}"
)
"""A personal name: a common surname and one or two characters, or capitalised words."""
_SUBJECT = regexcache.compile(
    r"重點|重点|盤後|盘后|盤前|盘前|收盤|收盘|開盤|开盘|盤勢|盘势|公布|焦點|焦点|展望|預測|预测|回顧|回顾|"
    r"一次看|懶人包|懒人包|營收|营收|財報|财报|法說|法说|股價|股价|漲|涨|跌|年增|成長|成长|衰退|新高|"
    r"新低|除息|除權|申購|申购|抽籤|攻略|必看|排行|趨勢|趋势|大事|行事曆|總覽|总览"
)
"""Words about a subject: a line carrying them beside a date is a heading, not a byline."""


def _residue(text: str) -> str:
    """``text`` without anchors, labels, role words, places: the names, space-separated."""
    rest = _ANCHOR.sub(" ", text)
    rest = _LABEL.sub(" ", rest)
    rest = _ROLE.sub(" ", rest)
    rest = _PLACE.sub(" ", rest)
    rest = _SEPARATOR.sub(" ", rest)
    return " ".join(rest.split())


_WEEKDAY = regexcache.compile(
    r"(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b\.?",
    re.IGNORECASE,
)
_TIME_ONLY = regexcache.compile(
    r"(?:上午|下午|AM|PM)?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:AM|PM))?", re.I
)


def is_date_line(text: str) -> bool:
    """A line of dates and nothing else: dates with their weekdays and times, labels
    (發布日期：, 更新時間, 最後更新, Posted on) and separators, e.g. ``2026.11.28（六）`` or
    ``2026/11/12 18:05（最後更新 2026/11/13 08:00）``.  It is never a heading nor a sentence
    of the article, however many dates it holds."""
    text = text.strip()
    if len(text) > BYLINE_MAX or not _DIGIT.search(text) or not _ANCHOR.search(text):
        return False
    if all(_READ_TIME.search(a.group()) for a in _ANCHOR.finditer(text)):
        return False  # a reading time alone (6 min read) dates nothing
    rest = _LABEL.sub(" ", _ANCHOR.sub(" ", text))
    rest = _SEPARATOR.sub(" ", _TIME_ONLY.sub(" ", _WEEKDAY.sub(" ", rest)))
    return not rest.strip()


_CREDIT = regexcache.compile(
    r"(?:(?<![\u3400-\u9fff])[文圖图]|作者|撰文者?|撰稿人?|採訪|采访|編輯|编辑|主筆|主笔|編譯|编译|"
    r"記者|记者)\s*[:：/／]\s*(?P<name>[^\s|｜/／·•・‧,，、()（）:：]{2,12})"
)
"""A writer's credit without a date: 文／王小明, 撰文：李大華, 編輯：張三."""
CREDIT_MAX = 40


def is_credit_line(text: str) -> bool:
    """An undated byline: credits (``文／王小明``) beside a column or outlet name and
    nothing else, e.g. ``投資觀點 ｜ 文／王小明``.  Each credit must name a person (a
    surname and a name, a short pen name or a capitalised name), and what else the line
    holds must be names too: ``分析師觀點`` (no credit) or ``編輯：台股盤後重點`` (a
    subject) stay text."""
    text = text.strip()
    if len(text) > CREDIT_MAX or _DIGIT.search(text) or _SENTENCE_MARK.search(text):
        return False
    credits = list(_CREDIT.finditer(text))
    if not credits or not all(
        _PERSON.fullmatch(c.group("name")) or len(c.group("name")) <= NICKNAME_MAX for c in credits
    ):
        return False
    rest = _SEPARATOR.sub(" ", _ROLE.sub(" ", _CREDIT.sub(" ", text)))
    tokens = rest.split()
    return (
        len(tokens) <= RESIDUE_TOKENS
        and not _SUBJECT.search(text)
        and all(_name_like(t) for t in tokens)
    )


def has_subject(text: str) -> bool:
    """Whether a dated line speaks of a subject rather than naming a writer: words about a
    subject (台股盤後重點), or a run too long for a name without a desk word (聯準會按兵不動).
    Such a line is a heading, whatever separator joins it to its date."""
    if not _DIGIT.search(text) or not _ANCHOR.search(text) or _WRITER_ROLE.search(text):
        return False
    residue = _residue(text)
    return bool(_SUBJECT.search(residue)) or not all(_name_like(t) for t in residue.split())


def is_byline(text: str) -> bool:
    """A date (or reading time) beside the names of who wrote it, and nothing else.

    ``財經快報記者王怡婷 台北 2026/03/18 14:30``, ``2026-02-24 by 小岑``,
    ``小岑的理財日記 ｜ 2026/03/02``, ``林小樹 · 6 min read``: true.
    ``2025/03/21 台股收盤`` (a subject), ``2026年展望：營收拚雙位數成長`` (no date): false.
    """
    text = text.strip()
    if len(text) > BYLINE_MAX or not _DIGIT.search(text) or _SENTENCE_MARK.search(text):
        return False
    anchors = list(_ANCHOR.finditer(text))
    if not anchors:
        return False
    residue = _residue(text)
    tokens = residue.split()
    if (
        not tokens
        or len(tokens) > RESIDUE_TOKENS
        or len(residue.replace(" ", "")) > RESIDUE_MAX
        or _DIGIT.search(residue)
        or _SUBJECT.search(residue)
        or any(len(t) > 12 for t in tokens)
    ):
        return False
    if _WRITER_ROLE.search(text):
        return True
    if not all(_name_like(t) for t in tokens):
        return False  # 2026/03/16｜聯準會按兵不動: a dated headline
    return bool(
        _LABEL.search(text)
        or _JOINER.search(text)
        or any(_READ_TIME.search(a.group()) for a in anchors)
        or any(_DESK.search(t) for t in tokens)
        or _PERSON.fullmatch(residue)
    )


def _name_like(token: str) -> bool:
    """An outlet, desk, blog or person: a desk word, a personal name, or a short nickname."""
    return bool(
        _DESK.search(token)
        or _PERSON.fullmatch(token)
        or len(token) <= NICKNAME_MAX
        or _LATIN_TOKEN.fullmatch(token)
    )
