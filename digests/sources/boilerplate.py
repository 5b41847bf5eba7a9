"""Boilerplate lines: what a page, a feed entry or a pasted article carries besides the article.

One place for every reader (page dumps, HTML pages, feed entries), so a promotion line or a
byline is recognised the same way wherever it comes from.  Recognised lines are never a title,
a heading or digested text.  Three kinds, because readers use them differently:

- ``CHROME``: site furniture (date lines, pagination, breadcrumbs, share bars, widgets);
- ``META``: what sits right under a title (bylines, date lines, a date beside a desk such as
  ``2025/03/21 財經新報編輯部``, photo credits): evidence that the line above it *is* a title.
  Bylines in free order (date, outlet, role, name, place, ｜ / · by) are read by
  ``digests.sources.byline`` from what is left once the date and role words are removed; a
  date beside words about a subject (2026/03/21｜台股盤後重點) is a heading, never META;
- ``END``: what closes an article (related-article lists, promotions, disclaimers, copyright,
  "read more"): evidence that the article before it is finished.  Related-headline lists end
  a page with a header in any dress (【延伸閱讀】, ▶ 相關新聞：, a blank line before the items) or,
  without one, as two or more arrow-led headlines (▶ …, → …) after the last paragraph.

Patterns are deliberately narrow: a call to action needs both a verb (加入, 訂閱, 追蹤, 下載…)
and a channel (LINE, YouTube, APP…) and must be short, so a paragraph *about* YouTube's
advertising revenue is kept.  Three forms need no channel, because article text never takes
them: a short line of two or more calls to action alone (按讚追蹤, 按讚、分享、訂閱), a short line
opened by an emoji or arrow (👉 立即訂閱), and a paywall offer (付費會員, 閱讀全文, 限時優惠).

Every sentence of every article meets these rules (``preparation.prepare``), and almost none
is boilerplate, so they are written to say no cheaply with the same matches: rules anchored
at ``^`` run with ``match``, the others behind a test for a word every match holds or a
lookahead on the characters a match starts with (:mod:`digests.sources.rulescan`).  A new
rule goes into a group whose test it satisfies; ``tests/test_rulescan.py`` checks that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from digests import regexcache
from digests.regexguard import needs
from digests.sources.byline import (
    BYLINE_MAX,
    has_subject,
    is_byline,
    is_credit_line,
    is_date_line,
)
from digests.sources.rulescan import any_of, at_start, led_by


class Kind(Enum):
    CHROME = "chrome"
    META = "meta"
    END = "end"


def _compile(*patterns: str) -> re.Pattern[str]:
    """One pattern searching for any of ``patterns``: a single scan of the line instead of
    one per rule (the same lines match, since no rule uses groups or backreferences)."""
    return regexcache.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_DATE = (
    r"(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*[(（]?(?:星期|週|周|禮拜|礼拜)?[一二三四五六日天][)）]?(?![\u3400-\u9fff]))?"
    r"(?:\s*(?:上午|下午|AM|PM)?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)
_DESK = (
    r"(?:[^\s，,。；;！？!?:：|｜]{0,12}(?:編輯部|编辑部|編輯室|编辑室|新聞部|新闻部|研究部|研究中心|"
    r"研究團隊|研究团队|研究處|研究处|小組|小组|團隊|团队|報|报|網|网|社|週刊|周刊|雜誌|杂志|投顧|投顾|"
    r"投信)|(?:記者|记者|編譯|编译|撰文|作者)[^\s，,。；;！？!?:：|｜]{2,4})"
)
"""What names a newsroom, desk or writer next to a date (財經新報編輯部, 產業週報研究部)."""

# Short lines only (at most SHORT characters): site furniture.
_CHROME = at_start(
    r"^(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]\b.*\d",
    r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+.*\d{4}$",
    r"^\d{1,2}\s+\d{1,2}\s*月,?\s*\d{4}$",
    r"^spot_img$|^spot_imgspot_img$",
    r"^(?:博客|部落格|blog)\s*(?:頁面|页面|page)\s*\d+$",
    r"^(?:頁面|页面|page|第)\s*\d+\s*(?:頁|页)?$",
    r"^(?:首頁|首页|home)\s*[>›»/|]",
    r"^(?:分享|留言|評論|评论|share|comments?|回覆|回复)(?:\s*[|｜/·•]\s*\S{1,8})*$",
    r"^(?:上一篇|下一篇|上一頁|下一頁|載入更多|加载更多)",
    r"^(?:標籤|标签|tags?|分類|分类|categories?|關鍵字|关键字|關鍵詞|关键词)\s*[:：]",
    r"^(?:訂閱|订阅|subscribe|登入|登录|login|註冊|注册|搜尋|搜索|search)$",
    r"^(?:#\S+\s*){1,}$",  # hashtag rows
    r"^(?:廣告|广告|sponsored|advertisement|贊助內容|赞助内容)$",
    r"^https?://\S+$",
    r"^[\W_\d]+$",
)

_BREADCRUMB = at_start(
    # Breadcrumbs: short segments joined by > › » (財經新聞 > 產業).
    r"^[^\s>›»]{1,12}(?:\s*[>›»]\s*[^\s>›»]{1,12}){1,4}$",
)
_CRUMB_MARK = regexcache.compile("[>›»]")
"""Every breadcrumb holds one: other lines skip its backtracking segments."""


def _is_chrome(text: str) -> bool:
    return bool(_CHROME.match(text) or (_CRUMB_MARK.search(text) and _BREADCRUMB.match(text)))


_DATELINE = at_start(
    rf"^{_DATE}$",
    rf"^(?:最後|最后)?(?:發布|發佈|发布|更新|出版|刊登|發稿|发稿|上稿|published|updated|posted)"
    rf"(?:時間|时间|日期|於|于|on)?\s*[:：]?\s*{_DATE}",
    # 永新投顧研究部　2025年12月: an issuer and a date
    r"^\S{2,16}\s+\d{4}\s*[-/.年]\s*\d{1,2}\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?$",
)
# Meta rules in groups, each behind a test for what all of its matches hold (most lines
# hold none of it): a reporter's title, a date (every _DATE holds a digit), 報導.
_META_REPORTER = at_start(
    # 記者王小明／台北報導, 經濟日報 記者蔡明倫／台北即時報導, 鉅亨網記者許家瑜 台北
    r"^(?:\S{2,8}\s*)?記者(?!會|会)\s*\S{2,12}(?:\s*[/／]\s*\S{0,12})?(?:報導|报导|電|电)?$",
    r"^(?:\S{0,12}\s*)?(?:記者|记者|編譯|编译|特派員|特派员)(?!會|会)\s*\S{2,8}(?:\s+\S{2,10})?$",
    r"^(?:【|\[|〔|（|\()?\S{0,12}記者\S{2,12}[/／]\S{0,8}(?:報導|报导)(?:】|\]|〕|）|\))?$",
)
_REPORTER_WORD = any_of("記者", "记者", "編譯", "编译", "特派員", "特派员")
_META_DATED = at_start(
    # A date (and time) then a desk or writer: 2025/03/21 財經新報編輯部, 2025-03-20 14:05 | 某某報
    rf"^{_DATE}\s*[|｜/／·•]?\s*(?:[^\s，,。；;！？!?:：|｜]{{1,12}}\s*[|｜/／·•]?\s*)?{_DESK}$",
    rf"^{_DATE}\s*[|｜]\s*\S{{1,12}}(?:\s*[|｜]\s*\S{{1,12}})?$",
    # 財經新報編輯部／2025-03-21: a desk then a date
    rf"^{_DESK}\s*[|｜/／·•]\s*{_DATE}$",
)
_DIGIT = regexcache.compile(r"\d")
_META_REPORTED = at_start(r"^\S{0,16}[/／]\S{0,10}(?:綜合|综合|即時|即时)?(?:報導|报导)$")
_REPORTED_WORD = any_of("報導", "报导")
_META = at_start(
    # 文／作者, 作者：…, 撰文：…, 採訪／…　整理／…
    r"^[(（【\[〔]?\s*(?:文|圖文|图文|撰文者?|撰稿人?|作者|編輯|编辑|責任編輯|责任编辑|主筆|主笔|整理|"
    r"編譯|编译|採訪|采访|口述|記者|记者|by)\s*[:：/／|｜]\s*\S.{0,40}$",
    r"^by\s+[^\s，,。.!?！？]{2,20}(?:\s+[^\s，,。.!?！？]{1,20}){0,2}$",
)
_META_WRITER = _compile(
    # A report header ending in its writer: 【個股報告】光聯科技(4977) 研究員：林以安
    r"(?:^|\s)(?:研究員|研究员|分析師|分析师|撰文|作者|記者|记者)\s*[:：/／]\s*[^\s，,。：:]{2,4}$",
)
_WRITER_WORD = any_of("研究員", "研究员", "分析師", "分析师", "撰文", "作者", "記者", "记者")
"""Every match of ``_META_WRITER`` holds one of these words."""
_META_WORD = any_of(
    *("記者", "记者", "編譯", "编译", "特派員", "特派员", "報導", "报导"),
    *("研究員", "研究员", "分析師", "分析师", "撰文", "作者"),
)
"""The words of the three tests above: a line without any skips all three at once."""

# Photo credits and captions, data-source notes: short, anywhere in an article.
_CREDIT = at_start(
    r"^(?:[(（【\[]\s*)?(?:圖|图|照片|圖片|图片|攝影|摄影|影片|影像|photo|image)"
    r"(?:來源|来源|提供|說明|说明|credit)?\s*[:：/／|]",
    r"^(?:資料來源|资料来源|source)\s*[:：]",
    r"^(?:photo|image) (?:by|credit|source)\b",
)
_CREDIT_CAPTION = at_start(
    # ▲中央銀行。（本報資料照）: a caption closed by its credit in brackets
    r"^[▲△▼▶]?.{0,40}[(（](?:圖|图|照片|圖片|图片|攝影|摄影)?\S{0,12}"
    r"(?:資料照|资料照|攝|摄|翻攝|翻摄|提供|取自)\S{0,12}[)）]$",
)
_CAPTION_END = regexcache.compile(r"[)）]$")
"""Every caption match ends so: most lines skip its backtracking ``.{0,40}``."""

_DISCLAIMER_CORE = regexcache.compile(
    r"(?:不構成|不构成|並非|并非|非屬|非属)(?:任何)?(?:投資|投资|買賣|买卖)(?:建議|建议|邀約|邀约|推薦|推荐|之?依據)|"
    r"(?:不代表|非屬|非属|並非|并非|不是)(?:任何)?(?:投資|投资)(?:建議|建议)|"
    r"不代表(?:本站|本刊|本報|本报|本網|本网|本台|本平台|本公司|本社|本頻道|本频道|平台)之?"
    r"(?:立場|立场|觀點|观点|意見|意见)|"
    r"代表(?:作者|撰稿人)?個人(?:觀點|观点|意見|意见|看法|立場|立场)|"
    r"僅供參考|仅供参考|投資(?:一定|必|皆|都)?有風險|投资(?:一定|必|皆|都)?有风险|"
    r"自負(?:投資)?(?:風險|盈虧)|自负(?:投资)?(?:风险|盈亏)|"
    r"(?:自行)?承擔(?:投資)?風險|(?:自行)?承担(?:投资)?风险"
)
_DISCLAIMER_WORD = any_of(
    *("不構成", "不构成", "並非", "并非", "非屬", "非属", "不是", "代表"),  # 不代表 holds 代表
    *("僅供", "仅供", "有風險", "有风险", "自負", "自负", "承擔", "承担"),
)
"""Every match of ``_DISCLAIMER_CORE`` holds one of these: each alternative opens with one
of the first eight (not …, 代表…) or holds one of the others (僅供參考, 有風險, 自負, 承擔)."""
DISCLAIMER_BARE_MAX = 40
"""A disclaimer this short needs no subject (投資有風險，請審慎評估): it is nothing else."""
_DISCLAIMER_SUBJECT = regexcache.compile(
    r"本文|本報告|本报告|本網站|本网站|本頁|本页|本資料|本资料|本節目|本节目|本影片|本專欄|本专栏|以上|"
    r"文章|內容|内容|資訊|资讯|投資人|投资人|讀者|读者"
)

_READ_MORE = regexcache.compile(
    r"^(?:閱讀更多|阅读更多|閱讀全文|阅读全文|繼續閱讀|继续阅读|更多文章|看更多|更多新聞|更多新闻|"
    r"read more|continue reading)"
    r"(?:\s|[:：>»›…]|$).{0,30}$",
    re.IGNORECASE,
)
_END_ANYWHERE = led_by(
    "版未禁不a",
    r"版權所有|版权所有|未經授權|未经授权|禁止轉載|禁止转载|不得轉載|不得转载|all rights reserved",
    re.IGNORECASE,
)
_END = at_start(
    r"^(?:©|\(c\)|copyright|版權所有|版权所有|all rights reserved)",
    r"^[【〈\[(（]?\s*(?:免責聲明|免责声明|免責宣告|免责宣告|風險警語|风险警语|風險聲明|风险声明|"
    r"disclaimer)",
    r"^(?:本文|此文|本篇)\S{0,12}(?:授權轉載|授权转载|轉載自|转载自|經授權|经授权|原文)",
    r"^(?:原文|出處|出处|本文出處|文章來源|文章来源)\s*[:：]",
)

# A call to action: a verb and a channel.  Named channels (LINE, YouTube…) suffice in a short
# line; generic ones (APP, 社群, 官網…) also need a cue aimed at the reader.
_CTA_VERB = led_by(
    "加訂订追關关按下點点掃扫收立歡欢註注報报搶抢分轉转開开解試试請请前sfdjl",
    r"(?:加入|訂閱(?!制|數|数|戶|户|用戶|用户|營收|营收|人數|人数|經濟|经济|服務|服务)|"
    r"订阅(?!制|数|户|用户|营收|人数|经济|服务)|追蹤|追踪|關注|关注|按讚|按赞|下載|下载|點擊|点击|"
    r"點我|点我|點此|点此|掃描|扫描|收看|收聽|收听|立即|歡迎|欢迎|註冊|注册|報名|报名|搶先|抢先|"
    r"按讚|按赞|分享|轉發|转发|收藏|開啟|开启|解鎖|解锁|試閱|试阅|請上|请上|請見|请见|前往|"
    r"\b(?:subscribe|follow|download|join|like|share)\b)",
    re.IGNORECASE,
)
_CTA_NAMED = regexcache.compile(
    r"(?:LINE|YouTube|Facebook|\bFB\b|\bIG\b|Instagram|Podcast|Telegram|Threads|Discord|頻道|频道|"
    r"粉絲專頁|粉丝专页|粉絲團|粉丝团|粉專|粉专|電子報|电子报|App Store|Google Play|QR ?code|"
    r"小鈴鐺|小铃铛|信箱|官方帳號|官方账号|https?://)",
    re.IGNORECASE,
)
_CTA_GENERIC = regexcache.compile(
    r"(?:APP|社群|社團|社团|群組|群组|會員|会员|官網|官网|網站|网站|直播|節目|节目|專欄|专栏|連結|链接|"
    r"全文|內容|内容)",
    re.IGNORECASE,
)
_PAYWALL = regexcache.compile(
    r"付費會員|付费会员|會員專區|会员专区|會員專屬|会员专属|會員獨享|会员独享|訂戶專屬|订户专属|"
    r"解鎖(?:完整|全文|更多)|解锁(?:完整|全文|更多)|免費試閱|免费试阅|閱讀全文|阅读全文|"
    r"限時優惠|限时优惠|訂閱(?:享|方案|優惠)|订阅(?:享|方案|优惠)"
)
"""Paywall and subscription offers: promotions even without a call to action's channel."""
PAYWALL_MAX = 50
_PICTOGRAPH_LEAD = regexcache.compile(
    r"^[\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
)
"""An emoji or arrow opening a line (👉, ➡️, 📌, 🔔): with a call to action, a promotion."""
_CTA_FILLER = regexcache.compile(
    r"[\W_]|我們|我们|大家|朋友|身邊|身边|需要|支持|最大|記得|记得|一下|一起|現在|现在|馬上|马上|"
    r"喜歡|喜欢|文章|本篇|這篇|这篇|頻道|频道|的|是|對|对|給|给|我|你|您|請|请|並|并|與|与|和|及|也|都|就"
)
CTA_ONLY_MAX = 30
CTA_RESIDUE_MAX = 3
"""A short line of two or more calls to action and little else (按讚追蹤, 按讚、分享、訂閱，是對
我們最大的支持) is a promotion: what remains without its verbs and filler words is this short."""
_CTA_CUE = regexcache.compile(
    r"https?://|^[^\w\s]|歡迎|欢迎|立即|馬上|马上|第一時間|第一时间|搶先|抢先|一起|請|请|您|你|"
    r"本(?:電子報|电子报|頻道|频道|站|網|网|刊|台|粉專)|點我|点我|點此|点此|掃描|扫描"
)
_LIST_HEADER = regexcache.compile(
    r"^[【〈《〔\[(（▌|｜#▶►→➤➜⇒●■◆★☆\s]*"
    r"(?:延伸閱讀|延伸阅读|相關新聞|相关新闻|相關報導|相关报导|相關文章|相关文章|推薦閱讀|推荐阅读|"
    r"熱門文章|热门文章|熱門新聞|热门新闻|更多報導|更多报导|你可能也(?:喜歡|喜欢|想看)|猜你喜歡|猜你喜欢|"
    r"相關連結|相关链接|相關閱讀|相关阅读|推薦文章|推荐文章|編輯推薦|编辑推荐|更多相關(?:新聞|報導|文章)|"
    r"更多相关(?:新闻|报导|文章)|"
    r"related(?: articles| posts| news)?|more from|recommended)\s*[】〉》〕\])）]?\s*"
    r"(?:[:：>》»›].*)?$",
    re.IGNORECASE,
)
_BIO_HEADER = regexcache.compile(
    r"^[【〈\[(（]?\s*(?:作者簡介|作者简介|關於作者|关于作者|作者介紹|作者介绍|about the author)"
    r"\s*[】〉\])）]?\s*[:：]?$",
    re.IGNORECASE,
)
_BIO_MAX = 200
_LIST_BULLET = regexcache.compile(r"^[‧•·・●○◆◇▪▫■□►▶➤➜→\-–—*]\s*")
_INLINE_BYLINE = regexcache.compile(
    r"^\s*[(（【\[〔]\s*(?:\S{0,8}記者|\S{0,8}记者|中央社|中央社記者|\S{0,8}編譯|\S{0,8}编译)"
    r"[^)）】\]〕]{0,30}[)）】\]〕]\s*"
)

SHORT = 40
"""Chrome and meta patterns only apply to lines this short: longer lines are prose."""
CTA_MAX = 90
"""A promotion line is at most this long (URLs included)."""
LONG = 200
"""Past this length only list and bio headers are looked for (every other rule is capped
at 200 characters or less: end notes and disclaimers, promotions, bylines)."""
_LIST_ITEM_MAX = 60


def kind_of(line: str) -> Kind | None:
    """The boilerplate kind of one line, or None when it is article text."""
    text = line.strip()
    if not text:
        return None
    size = len(text)
    if size > LONG:
        # Every rule but the list and bio headers is for shorter lines: prose skips them.
        return Kind.END if _LIST_HEADER.match(text) or _BIO_HEADER.match(text) else None
    # What the line holds of what the rules need (see _held): none, and no rule can match;
    # each rule below is asked only when the line holds what it needs.
    held = _held(text, size)
    if not held:
        return None
    if size <= BYLINE_MAX:
        # Bylines, credits and date lines are never longer (is_byline, is_credit_line and
        # is_date_line say False past BYLINE_MAX, so _dated does too): prose skips them.
        if (held & _A_DIGIT and is_byline(text)) or (held & _A_MARK and is_credit_line(text)):
            return Kind.META
        # A date beside words about a subject (2026/03/21｜台股盤後重點) heads a section.
        if held & _A_DIGIT and _dated(text) and not has_subject(text):
            return Kind.META
    if size <= SHORT and _is_chrome(text):
        return Kind.CHROME
    if size <= SHORT + 20:
        # The subject check only matters for the rare line a meta rule matches.
        if _is_meta(text) and not has_subject(text):
            return Kind.META
        if (held & (_A_MARK | _A_LATIN) and _CREDIT.match(text)) or (
            held & _A_BRACKET and _CREDIT_CAPTION.match(text)
        ):
            return Kind.CHROME
    if not held & (_A_WORD | _A_LATIN):
        # Every rule below needs a word or an English word, but _END's © and 出處：
        return Kind.END if held & _A_MARK and _END.match(text) else None
    if _READ_MORE.match(text):
        return Kind.END
    if size <= 200:
        if _END.match(text) or _END_ANYWHERE.search(text):
            return Kind.END
        # Most lines hold none of the disclaimer's words and skip its long alternation.
        if (
            _DISCLAIMER_WORD.search(text)
            and _DISCLAIMER_CORE.search(text)
            and (size <= DISCLAIMER_BARE_MAX or _DISCLAIMER_SUBJECT.search(text))
        ):
            return Kind.END
    if _is_promotion(text):
        return Kind.END
    if _LIST_HEADER.match(text) or _BIO_HEADER.match(text):
        return Kind.END
    return None


# What every rule below needs, in a few scans (most sentences hold none of it).  Each
# rule of ``kind_of`` for a line of at most LONG characters, and what it needs:
# - a date or a digit (bylines, date lines, _DATELINE, _META_DATED, the chrome rules of
#   weekdays, pages and numbers): a digit, and at most BYLINE_MAX characters;
# - a separator or a mark (credit lines, _META's credits, _CREDIT, tags, 首頁 >,
#   breadcrumbs, 原文：, hashtag rows, ©): one of _GATE_MARKS;
# - a caption (_CREDIT_CAPTION, at most SHORT + 20): its closing bracket at the end;
# - ``^[\W_\d]+$`` (chrome, at most SHORT): no letter at all;
# - any other rule's words, wherever the rule wants them (_META_WORD, _END_ANYWHERE,
#   _DISCLAIMER_WORD, _PAYWALL, _CTA_VERB, and the words the anchored rules open with:
#   分享/留言, 上一篇, 訂閱/登入/搜尋, 廣告, 閱讀更多, 免責聲明, 本文…授權轉載, list
#   and bio headers): one of _GATE_WORDS;
# - an English word (by, page, home, share, subscribe, source, photo, read more,
#   copyright, disclaimer, related, about the author…): the line opens with a Latin
#   letter, or holds one of _GATE_LATIN: the words rules find anywhere (_END_ANYWHERE,
#   _CTA_VERB) or after a bracket or bullet (_END, list and bio headers; a bracketed
#   photo credit needs its colon, a mark).
# tests/test_rulescan.py checks on generated matches of every rule that kind_of, which
# now says None without any of these and asks each rule only of lines holding what it
# needs, decides as the plain rules do.
_GATE_MARKS = regexcache.compile(r"[:：/／|｜>›»#©]")
_GATE_WORDS = needs(
    regexcache.compile(
        "|".join(
            (
                _META_WORD.pattern,
                _DISCLAIMER_WORD.pattern,
                _PAYWALL.pattern,
                # _END_ANYWHERE's and _CTA_VERB's words
                "版權所有|版权所有|未經授權|未经授权|禁止轉載|禁止转载|不得轉載|不得转载",
                "加入|訂閱|订阅|追蹤|追踪|關注|关注|按讚|按赞|下載|下载|點擊|点击|點我|点我|點此|点此",
                "掃描|扫描|收看|收聽|收听|立即|歡迎|欢迎|註冊|注册|報名|报名|搶先|抢先|分享|轉發|转发",
                "收藏|開啟|开启|解鎖|解锁|試閱|试阅|請上|请上|請見|请见|前往",
                # the words the anchored rules open with (or close with: 本文…授權轉載)
                "留言|評論|评论|回覆|回复|上一篇|下一篇|上一頁|下一頁|載入更多|加载更多|登入|登录",
                "搜尋|搜索|廣告|广告|贊助內容|赞助内容|閱讀更多|阅读更多|繼續閱讀|继续阅读|更多文章",
                "看更多|更多新聞|更多新闻|免責聲明|免责声明|免責宣告|免责宣告|風險警語|风险警语",
                "風險聲明|风险声明|授權轉載|授权转载|轉載自|转载自|經授權|经授权|原文",
                "延伸閱讀|延伸阅读|相關新聞|相关新闻|相關報導|相关报导|相關文章|相关文章|推薦閱讀",
                "推荐阅读|熱門文章|热门文章|熱門新聞|热门新闻|更多報導|更多报导|你可能也|猜你喜歡",
                "猜你喜欢|相關連結|相关链接|相關閱讀|相关阅读|推薦文章|推荐文章|編輯推薦|编辑推荐",
                "更多相關|更多相关|作者簡介|作者简介|關於作者|关于作者|作者介紹|作者介绍",
            )
        )
    )
)
"""One scan for all of them (plain words: :func:`digests.regexguard.needs` groups them by
their first character)."""
_GATE_LATIN = regexcache.compile(
    r"all rights reserved|subscribe|follow|download|join|like|share|disclaimer|related|"
    r"more from|recommended|about the author|\(c\)"
)
"""The English words, in lower case: looked for in the line lowered, which finds what
the rules' IGNORECASE finds when no letter of the line is one of _ODD_LATIN."""
_LATIN_LETTER = regexcache.compile("[A-Za-z\u0130\u0131\u017f\u212a]")
"""The characters an ASCII letter of a rule matches under IGNORECASE: both cases, and
İ, ı, ſ and the Kelvin sign K, whose ``lower()`` is no ASCII letter of its own."""
_ODD_LATIN = regexcache.compile("[\u0130\u0131\u017f\u212a]")
_LETTER = regexcache.compile(r"[^\W\d_]")


_A_MARK, _A_DIGIT, _A_BRACKET, _A_BARE, _A_WORD, _A_LATIN = 1, 2, 4, 8, 16, 32
"""What a line may hold that a rule needs (see above): one of _GATE_MARKS; a digit (at
most BYLINE_MAX characters); a closing bracket at the end (the same); no letter at all
(at most SHORT characters); one of _GATE_WORDS; an English word or a Latin first letter."""


def _held(text: str, size: int) -> int:
    """What ``text`` (stripped, at most LONG characters) holds of what the rules of
    :func:`kind_of` need, as a set of the flags above: 0 when no rule can match."""
    held = _A_MARK if _GATE_MARKS.search(text) else 0
    if size <= BYLINE_MAX:
        if _DIGIT.search(text):
            held |= _A_DIGIT
        if text[-1] in ")）":
            held |= _A_BRACKET
    if size <= SHORT and not _LETTER.search(text):
        held |= _A_BARE
    if _GATE_WORDS.search(text):
        held |= _A_WORD
    if _LATIN_LETTER.match(text) or (
        _LATIN_LETTER.search(text) and (_ODD_LATIN.search(text) or _GATE_LATIN.search(text.lower()))
    ):
        held |= _A_LATIN
    return held


def _is_meta(text: str) -> bool:
    """Whether a meta rule (bylines, writer credits, a date beside a desk) matches."""
    if _META.match(text) or (_DIGIT.search(text) and _META_DATED.match(text)):
        return True
    return bool(
        _META_WORD.search(text)
        and (
            (_REPORTER_WORD.search(text) and _META_REPORTER.match(text))
            or (_REPORTED_WORD.search(text) and _META_REPORTED.match(text))
            or (_WRITER_WORD.search(text) and _META_WRITER.search(text))
        )
    )


def _is_promotion(text: str) -> bool:
    if len(text) <= PAYWALL_MAX and _PAYWALL.search(text) and not text.endswith("。"):
        return True
    if len(text) > CTA_MAX or not _CTA_VERB.search(text):
        return False
    if len(text) <= CTA_ONLY_MAX and len(_CTA_VERB.findall(text)) >= 2:
        residue = _CTA_FILLER.sub("", _CTA_VERB.sub("", text))
        if len(residue) <= CTA_RESIDUE_MAX:
            return True
    if len(text) <= SHORT and _PICTOGRAPH_LEAD.match(text):
        return True
    if _CTA_NAMED.search(text):
        return bool(_CTA_CUE.search(text)) or (len(text) <= 50 and not text.endswith("。"))
    return bool(_CTA_GENERIC.search(text) and _CTA_CUE.search(text))


_NAMES_DESK = regexcache.compile(_DESK)


def is_dateline(line: str) -> bool:
    """A line holding only a date (and time): a weaker mark of a title than a byline, since
    updates inside one article carry dates too.  A date with a desk or writer beside it
    (2025/03/21 財經新報編輯部, 永新投顧研究部 2025年12月) says who wrote it: a byline."""
    text = line.strip()
    return (
        _dated(text)
        and not is_byline(text)
        and not _NAMES_DESK.search(re.sub(_DATE, "", text, flags=re.IGNORECASE))
    )


def _dated(text: str) -> bool:
    """A date line, with or without an issuer beside the date.  Lines of dates only
    (several, with labels: ``2026/11/12 18:05（最後更新 2026/11/13 08:00）``) count too,
    except a weekday-led one, which stays site chrome (a top bar's "today").  Both need a
    digit (every date holds one, and is_date_line says False without)."""
    if not _DIGIT.search(text):
        return False
    if len(text) <= SHORT and _DATELINE.match(text):
        return True
    return is_date_line(text) and not (len(text) <= SHORT and _is_chrome(text))


def is_read_more(line: str) -> bool:
    """A "read more" link: on a listing page it closes one article's excerpt."""
    return bool(_READ_MORE.match(line.strip()))


def is_boilerplate(line: str) -> bool:
    """True when ``line`` is site chrome, a byline/credit, or an end-of-article block."""
    return kind_of(line) is not None


def _looks_like_link(line: str) -> bool:
    """A link title: short, and no sentence in it (prose ends with 。)."""
    text = line.strip()
    return bool(text) and len(text) <= _LIST_ITEM_MAX and "。" not in text


def classify(lines: Sequence[str]) -> list[Kind | None]:
    """The kind of every line, with related-article lists after their header.

    A list header (延伸閱讀, 相關新聞…) is followed by link titles: short lines without a
    sentence inside.  The list ends at the first line that is not such a link, and also
    before a short line followed by a long paragraph: on a page of several articles, that is
    the next article's title rather than one more link.
    """
    # A page repeats its furniture (分享, 閱讀更多, a disclaimer under each entry): each
    # distinct line is classified once.
    known = {line: kind_of(line) for line in dict.fromkeys(lines)}
    kinds = [known[line] for line in lines]
    n = len(lines)
    for i in range(n):
        if kinds[i] is Kind.END and _BIO_HEADER.match(lines[i].strip()):
            # An author's bio: the header and the one paragraph under it.
            nxt = next((k for k in range(i + 1, n) if kinds[k] is None), None)
            if nxt is not None and len(lines[nxt].strip()) <= _BIO_MAX:
                kinds[nxt] = Kind.END
    i = 0
    while i < n:
        if kinds[i] is not Kind.END or not _LIST_HEADER.match(lines[i].strip()):
            i += 1
            continue
        j = i + 1
        while j < n:
            line = lines[j].strip()
            if kinds[j] is not None or not line:  # a blank line may part header and items
                j += 1
                continue
            if not _looks_like_link(line):
                break
            nxt = next((k for k in range(j + 1, n) if kinds[k] is None and lines[k].strip()), None)
            bulleted = bool(_LIST_BULLET.match(line))
            if not bulleted and nxt is not None and not _looks_like_link(lines[nxt]):
                break  # a title (or heading) above its paragraph
            kinds[j] = Kind.END
            j += 1
        i = j
    _trailing_arrow_list(lines, kinds)
    return kinds


_ARROW_ITEM = regexcache.compile(r"^[▶►➤➜➔→⇒]\s*[^\s:：。]")
"""An arrow-led line: how pages list related headlines (▶ 記憶體報價連三季上漲)."""
ARROW_LIST_MIN = 2


def _trailing_arrow_list(lines: Sequence[str], kinds: list[Kind | None]) -> None:
    """Mark arrow-led headline links closing the page as END, even without a header.

    Only at the very end (after the last prose) and only two or more of them: a list of
    picks inside an article is followed by more text, and picks carry a colon or a ticker.
    """
    run: list[int] = []
    for k in range(len(lines) - 1, -1, -1):
        line = lines[k].strip()
        if kinds[k] is not None or not line:
            continue
        if (
            _ARROW_ITEM.match(line)
            and _looks_like_link(line)
            and len(line) <= 50
            and not re.search(r"[:：]|[(（]\d{4}", line)
        ):
            run.append(k)
            continue
        break
    if len(run) >= ARROW_LIST_MIN:
        for k in run:
            kinds[k] = Kind.END


def drop_boilerplate(lines: Sequence[str]) -> list[str]:
    """``lines`` without boilerplate (lists after 延伸閱讀 headers included)."""
    return [line for line, kind in zip(lines, classify(lines), strict=True) if kind is None]


def clean_paragraph(text: str) -> str:
    """A paragraph without a leading inline byline such as （中央社記者…電） or 【記者…報導】."""
    return _INLINE_BYLINE.sub("", text, count=1) if _INLINE_BYLINE.match(text) else text
