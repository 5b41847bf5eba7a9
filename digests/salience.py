"""What investors read for: evidence that a sentence carries the point.

Term coverage alone favours sentences dense in topic words, which in financial
writing are often framing ("AI伺服器需求持續升溫…").  Readers scan for results and
guidance figures (營收、EPS、毛利率、財測), a company next to its figure, target
prices and ratings, and the writer's stated view (我們認為、建議、首選).  News puts
all of that in its first sentence; columns bury it mid-paragraph.  These checks
are general signals, each a multiplier on a sentence's quality, and the position
prior only fires when the first sentence itself looks like a news lead, so a
column that opens with framing is not pushed towards its framing.

Long sections bury the point after context: history (回顧…, 過去三年…) weighs less and
never leads, management's outlook in its own words (財務長表示，明年…可望…) weighs more,
and the writer's sign-offs (歡迎訂閱…, 非投資建議) are never the point.
"""

from __future__ import annotations

import re

from digests.figures import Figure

_RESULTS_RE = re.compile(
    r"營收|营收|每股盈餘|每股盈余|每股純益|每股纯益|每股稅後|每股税后|EPS|稅後純益|税后纯益|"
    r"純益|纯益|淨利|净利|獲利|获利|毛利率|營益率|营益率|營業利益|营业利益|虧損|亏损|營利|营利|"
    r"損益兩平|损益两平|轉虧為盈|转亏为盈|接單|接单"
)
_GUIDANCE_RE = re.compile(
    r"展望|財測|财测|指引|預估|预估|預期|预期|上修|下修|調升|调升|調降|调降|上調|上调|下調|下调|"
    r"產能|产能|出貨|出货|訂單|订单|資本支出|资本支出|投產|投产|量產|量产|倍增|翻倍|市場規模|市场规模|"
    # a forward-looking statement: what the company or the writer expects next
    r"可望|預計|预计|上看|有機會|有机会|挑戰|挑战|目標|目标"
)
_VALUATION_RE = re.compile(
    r"目標價|目标价|合理價|合理价|本益比|殖利率|股價淨值比|股价净值比|評等|评等|承銷價|承销价|"
    r"認購價|认购价|股利|配息|配發率|配发率|市占率|市佔率"
)
_MOVES_RE = re.compile(
    r"年增|季增|月增|年減|年减|季減|季减|月減|月减|漲幅|涨幅|跌幅|上漲|上涨|下跌|大漲|大涨|大跌|"
    r"買超|买超|賣超|卖超|創新高|创新高|歷史新高|历史新高"
)
_CATEGORIES = (_RESULTS_RE, _GUIDANCE_RE, _VALUATION_RE, _MOVES_RE)

THESIS_RE = re.compile(
    r"我們認為|我们认为|我認為|我认为|我們的建議|我们的建议|我們建議|我们建议|投資建議|投资建议|"
    r"看好|看淡|首選|首选|推薦|推荐|最看好|最值得|評等|评等|"
    # the conclusion of a passage
    r"綜合來看|综合来看|總結來說|总结来说|結論是|结论是|整體而言|整体而言|總而言之|总而言之|"
    r"綜上所述|综上所述|綜合評估|综合评估|綜合以上|综合以上|簡單說|简单说|簡單來說|简单来说|說到底|说到底|"
    r"我(?:自己)?的(?:結論|结论|答案|做法|看法是|建議|建议)|"
    # a preference or a rating given
    r"偏好|給予(?=[^。！？]{0,12}(?:評等|评等|建議|建议))|"
    # advice addressed to investors, not any 建議 (業者建議消費者…)
    r"建[議议](?=[^。！？]{0,12}(?:投資人|投资人|買進|买进|布局|佈局|減碼|减码|加碼|加码|逢低|"
    r"持有|申購|申购|操作|持股|追高|參與|参与))"
)
"""The writer's view or call; a target price alone is a valuation figure, not a call."""
_DATELINE_RE = re.compile(
    r"[今昨前明]\s*[(（]\s*\d{1,2}\s*[)）]\s*日|^[^，,。]{0,30}(?:今日|昨日)|\d{1,2}日[電电][)）]"
)
TICKER_RE = re.compile(r"[（(]\s*(?:\d{4,6}(?:\.TWO?)?|[A-Z]{1,5})\s*[)）]")

FIGURE_STEP = 0.25
"""Per kind of investor term (results, guidance, valuation, moves) beside a figure."""
TERM_ONLY = 1.1
COMPANY_FIGURE = 1.2
THESIS_BOOST = 1.5
LEAD_PRIOR = 1.5
LIST_ITEM = 0.6
FRAMING = 0.75
HISTORY = 0.7
MANAGEMENT_OUTLOOK = 1.3


_SPEC_UNIT_RE = re.compile(r"(?:奈米|纳米|nm|吋|英寸|[kKMG]?W|瓦)$")
"""Specifications (4奈米, 12吋, 1,400瓦) are figures but not results or prices."""


_INDEX_POINTS_RE = re.compile(r"\d[\d,]*(?:\.\d+)?\s*點")
"""An index level or move (收在23,412點、上漲126點): the figures of a market report."""


def investor_figures(figures: list[Figure]) -> list[Figure]:
    """Magnitudes with a unit that are not product specifications.

    Chinese-numeral magnitudes count too (年增三成、季增約一成、翻兩倍): Taiwanese writers
    state growth and guidance that way as often as in digits.
    """
    return [
        f for f in figures if f.weight >= CN_MAGNITUDE_WEIGHT and not _SPEC_UNIT_RE.search(f.text)
    ]


CN_MAGNITUDE_WEIGHT = 0.6
""":func:`digests.figures.find_figures` weight of 三成 or 十倍; below it, bare numbers."""


def investor_factor(text: str, figures: list[Figure], company: bool, stance: bool = False) -> float:
    """How strongly ``text`` reads as what an investor takes away (1.0: neutral).

    ``stance`` says the caller already rewards the sentence as the writer's point
    (its own cue list), so the thesis boost is not given twice.
    """
    value = bool(investor_figures(figures)) or bool(_INDEX_POINTS_RE.search(text))
    kinds = sum(1 for pattern in _CATEGORIES if pattern.search(text))
    thesis = is_thesis(text)
    factor = 1.0
    if value and kinds:
        factor *= 1.0 + FIGURE_STEP * min(kinds, 2)
    elif kinds:
        factor *= TERM_ONLY
    if value and company:
        factor *= COMPANY_FIGURE
    if thesis and not stance:
        factor *= THESIS_BOOST
    if not (value or kinds or company or thesis or stance):
        factor *= FRAMING  # no figure, no subject, no call: context, not the point
    if is_list_item(text):
        factor *= LIST_ITEM
    if is_history(text) and not thesis:
        factor *= HISTORY
    if is_management_outlook(text):
        factor *= MANAGEMENT_OUTLOOK
    return factor


_SPEAKER_RE = re.compile(
    r"(?:公司|管理層|管理层|經營層|经营层|董事長|董事长|總經理|总经理|執行長|执行长|財務長|财务长|"
    r"發言人|发言人|總裁|总裁|CEO|CFO)[^，,。；]{0,12}?"
    r"(?:表示|指出|預估|预估|預期|预期|強調|强调|坦言|直言|透露|說明|说明|提到|重申)"
)
_OUTLOOK_RE = re.compile(
    r"可望|預計|预计|預估|预估|預期|预期|目標|目标|將達|将达|上看|挑戰|挑战|展望|"
    r"明年|下半年|下季|第[一二三四1-4]季|全年"
)


def is_management_outlook(text: str) -> bool:
    """Management stating what comes next (財務長表示，明年毛利率可望…): guidance.

    Analysts' columns and 法說會 notes report guidance in the company's words, mid-passage,
    after the background; it is what the reader came for, so it outranks the background
    figures around it.
    """
    match = _SPEAKER_RE.search(text)
    return bool(match) and bool(_OUTLOOK_RE.search(text, match.end()))


_HISTORY_RE = re.compile(
    r"^(?:[^，,。]{0,6}[，,、]\s*)?(?:回顧|回顾|回頭看|回头看|回想|早年|當年|当年|早在|多年前|"
    r"過去(?:[一二兩两三四五六七八九十數数幾几]+|\d+)年|过去(?:[一二两三四五六七八九十数几]+|\d+)年|"
    r"過去十年|过去十年|(?:十|二十|數|数|幾|几)年前|(?:19|20)\d\d年(?:以前|之前|初期|那年|時|时)|"
    r"先(?:講|讲|說|说|談|谈)背景|先(?:回顧|回顾)|自從|自从)"
)


def is_history(text: str) -> bool:
    """A sentence that opens on the past (回顧…, 過去三年…, 十年前…): the story so far.

    Columns and blog posts open with history before the news; its figures are background
    statistics, not the result or guidance the reader came for.
    """
    return bool(_HISTORY_RE.search(text))


_SIGN_OFF_RE = re.compile(
    r"(?:歡迎|欢迎|記得|记得|請|请|立即|趕快|赶快)[^。！？!?]{0,8}"
    r"(?:訂閱|订阅|追蹤|追踪|按讚|按赞|加入|分享給|分享给|轉發|转发)|"
    r"非(?:屬)?投資建議|非(?:属)?投资建议|以(?:公司)?(?:公告|財報|财报)為準|以(?:公司)?(?:公告|财报)为准|"
    r"請(?:讀者|投資人)?自行(?:評估|判斷|斟酌)|请(?:读者|投资人)?自行(?:评估|判断|斟酌)"
)


def is_sign_off(text: str) -> bool:
    """A line addressed to the reader, not about the subject: 歡迎訂閱…、非投資建議、以公告為準.

    The boilerplate filter drops such lines when they stand alone and match its narrow
    patterns; this catches the writer's own sign-offs left inside a section, which a
    digest must never show.
    """
    return bool(_SIGN_OFF_RE.search(text))


def is_thesis(text: str) -> bool:
    """The writer's view or call: 我們認為…, 建議…, 首選…, 目標價…."""
    return bool(THESIS_RE.search(text))


_LIST_ITEM_RE = re.compile(
    r"(?:^|\n)\s*(?:[-*•●◆■▪‧・·▍►▶✅]|\d{1,2}\s*[.、)）](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十][、.])"
)
_FINAL_PUNCT = ("。", "！", "？", "!", "?", "」", "』")


def is_list_item(text: str) -> bool:
    """A bullet or numbered line, or a "label：detail" line without final punctuation.

    Items of a list of picks are parallel details; the sentence that ranks them
    (首選…, 最推薦…) or draws the conclusion is the takeaway.
    """
    if _LIST_ITEM_RE.search(text):
        return True
    head, colon, _ = text.partition("：")
    return bool(colon) and len(head) <= 12 and not text.endswith(_FINAL_PUNCT)


def has_dateline(text: str) -> bool:
    """今(10)日, 昨(12)日, （中央社…10日電）: the sentence reports the day's news."""
    return bool(_DATELINE_RE.search(text))


def is_news_lead(text: str, figures: list[Figure], company: bool) -> bool:
    """A first sentence written as news: a dateline, or a figure with its subject.

    Framing openings ("每到年底，航運股總會被拿出來討論一次。") carry no value
    figure; news leads state who did what by how much in the first sentence.
    """
    if is_list_item(text) or is_history(text):
        return False  # the story so far is context, however many figures it holds
    if has_dateline(text):
        return True
    value = investor_figures(figures)
    if not value:
        return False
    kinds = sum(1 for pattern in _CATEGORIES if pattern.search(text))
    return company or kinds > 0 or len(value) >= 2
