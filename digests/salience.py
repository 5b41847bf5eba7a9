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

Columns' closing passages: the call comes in many shapes (picks, 以A為主、B為輔, 保留三成現金,
逢低分批布局, 'if you… X is the better choice'), so :data:`CALL_RE` names them and section
digests start from the call when no view of the writer's made it otherwise.  Sentences about
the article itself (這篇就用三個角度來拆解、以下分三點說明) carry no fact and are never shown.
History is also dated: a sentence opening on a year before the text's own present
(:func:`reference_year`) is the story so far unless it looks ahead.  Round-ups report the
local index move and institutional flows; world markets are their backdrop.

Out of context (issue 14): a sentence naming a company weighs more than a generic one;
stock phrases (…意味著機遇與挑戰) count as meta sentences; a sentence pointing back
(:func:`is_anaphoric`: 這…、其…、它們…、該公司…) and a numbered or bulleted item
(:func:`is_marked_item`) are flagged so selection shows them only after what they need.
"""

from __future__ import annotations

from digests import regexcache
from digests.figures import Figure
from digests.regexguard import grouped, guarded, needs, starts

_RESULTS_RE = regexcache.compile(
    r"營收|营收|每股盈餘|每股盈余|每股純益|每股纯益|每股稅後|每股税后|EPS|稅後純益|税后纯益|"
    r"純益|纯益|淨利|净利|獲利|获利|毛利率|營益率|营益率|營業利益|营业利益|虧損|亏损|營利|营利|"
    r"損益兩平|损益两平|轉虧為盈|转亏为盈|接單|接单"
)
_GUIDANCE_RE = regexcache.compile(
    r"展望|財測|财测|指引|預估|预估|預期|预期|上修|下修|調升|调升|調降|调降|上調|上调|下調|下调|"
    r"產能|产能|出貨|出货|訂單|订单|資本支出|资本支出|投產|投产|量產|量产|倍增|翻倍|市場規模|市场规模|"
    # a forward-looking statement: what the company or the writer expects next
    r"可望|預計|预计|上看|有機會|有机会|挑戰|挑战|目標|目标"
)
_VALUATION_RE = regexcache.compile(
    r"目標價|目标价|合理價|合理价|本益比|殖利率|股價淨值比|股价净值比|評等|评等|承銷價|承销价|"
    r"認購價|认购价|股利|配息|配發率|配发率|市占率|市佔率"
)
_MOVES_RE = regexcache.compile(
    r"年增|季增|月增|年減|年减|季減|季减|月減|月减|漲幅|涨幅|跌幅|上漲|上涨|下跌|大漲|大涨|大跌|"
    r"買超|买超|賣超|卖超|創新高|创新高|歷史新高|历史新高"
)
_CATEGORIES = (_RESULTS_RE, _GUIDANCE_RE, _VALUATION_RE, _MOVES_RE)
# The same words grouped by first character, for the truth tests (digests.regexguard)
_RESULTS_ANY, _GUIDANCE_ANY, _VALUATION_ANY, _MOVES_ANY = map(grouped, _CATEGORIES)

CALL_PATTERN = (
    r"首選|首选|最推薦|最推荐|最看好|"
    # picks and ratings in the writer's words: 列為…選擇, 唯一維持「買進」, 調升為買進
    r"(?:列為|列为|是|為|为)[^。！？]{0,16}(?:比較好|比较好|較佳|较佳|最佳|比較適合|比较适合|適合|适合)的"
    r"(?:選擇|选择|標的|标的)|維持[「『]?(?:買進|买进|增持|加碼|加码)|维持[「『]?(?:买进|增持)|"
    r"(?:調升|调升|上調|上调|調降|调降|下調|下调)(?:為|为|至)[「『]?(?:買進|买进|中立|賣出|卖出|增持|減持)|"
    # allocations: 以A為主、B為輔, 資金約七成放在…, 保留約三成現金, 持股維持七成
    r"以[^。！？，,]{1,20}(?:為主|为主)[、，,][^。！？]{1,20}(?:為輔|为辅)|"
    r"(?:資金|资金|部位)[^。！？]{0,6}(?:[一二兩两三四五六七八九]成|\d{1,3}\s*[%％])[^。！？]{0,2}"
    r"(?:放在|配置|投入|押在|擺在|摆在)|"
    r"持股(?:水位)?(?:維持|维持|降至|降到|提高至|提高到|拉高至|調降至|调降至|在)[^。！？]{0,4}"
    r"(?:[一二兩两三四五六七八九]成|\d{1,3}\s*[%％])|"
    r"(?:保留|留)[^。！？]{0,3}[一二兩两三四五六七八九]成(?:的)?(?:現金|现金|資金|资金)|"
    # timing advice: 逢低分批布局, 逢反彈減碼, 拉回布局
    r"(?:逢低|逢回|逢高|逢反彈|逢反弹|拉回|分批)[^。！？，,]{0,4}"
    r"(?:布局|佈局|買進|买进|承接|加碼|加码|減碼|减码|調節|调节|賣出|卖出|進場|进场)|"
    # 'if you … then X' advice: 如果你重視配息，X仍是比較適合的選擇
    r"(?:如果|若是|假如)(?:你|您|投資人|投资人)[^。！？]{0,40}(?:選擇|选择|標的|标的|首選|首选)"
)
"""The writer's call in so many words: a pick, a rating, an allocation, timing or 'if you…' advice.

Narrower than a view (我們認為…): it names what to do, which is what a column's closing
or valuation passage is for.
"""
CALL_RE = guarded(regexcache.compile(CALL_PATTERN))
_CALL_NEEDS = needs(CALL_RE)

THESIS_RE = regexcache.compile(
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
    r"持有|申購|申购|操作|持股|追高|參與|参与))|" + CALL_PATTERN
)
"""The writer's view or call; a target price alone is a valuation figure, not a call."""
_DATELINE_RE = regexcache.compile(
    r"[今昨前明]\s*[(（]\s*\d{1,2}\s*[)）]\s*日|^[^，,。]{0,30}(?:今日|昨日)|\d{1,2}日[電电][)）]"
)

_DATELINE_NEEDS = needs(_DATELINE_RE)

FIGURE_STEP = 0.25
"""Per kind of investor term (results, guidance, valuation, moves) beside a figure."""
TERM_ONLY = 1.1
COMPANY_FIGURE = 1.2
COMPANY_NAMED = 1.3
"""A sentence naming a company beats a generic one (它們…、這場變局…): investors read for
the names, and the generic sentence around them rarely says who."""
THESIS_BOOST = 1.5
LEAD_PRIOR = 1.5
LIST_ITEM = 0.6
FRAMING = 0.75
HISTORY = 0.4
MANAGEMENT_OUTLOOK = 1.3


_SPEC_UNIT_RE = regexcache.compile(r"(?:奈米|纳米|nm|吋|英寸|[kKMG]?W|瓦)$")
"""Specifications (4奈米, 12吋, 1,400瓦) are figures but not results or prices."""


_INDEX_POINTS_RE = regexcache.compile(r"\d[\d,]*(?:\.\d+)?\s*點")
"""An index level or move (收在23,412點、上漲126點): the figures of a market report."""
_INDEX_POINTS_NEEDS = needs(_INDEX_POINTS_RE)


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


def investor_factor(
    text: str,
    figures: list[Figure],
    company: bool,
    stance: bool = False,
    present: int | None = None,
    *,
    thesis: bool | None = None,
    list_item: bool | None = None,
) -> float:
    """How strongly ``text`` reads as what an investor takes away (1.0: neutral).

    ``stance`` says the caller already rewards the sentence as the writer's point
    (its own cue list), so the thesis boost is not given twice.  ``present`` is the
    text's :func:`reference_year`, for dated history.  ``thesis`` and ``list_item`` are
    :func:`is_thesis` and :func:`is_list_item` of ``text`` when the caller has them
    already (:func:`digests.preparation.prepare` needs both for every sentence).
    """
    value = bool(figures and investor_figures(figures)) or bool(
        _INDEX_POINTS_NEEDS.search(text) and _INDEX_POINTS_RE.search(text)
    )
    # _CATEGORIES one by one (no generator); three of them and the world markets are
    # rare, so one scan of all their words (_RARE_ANY) first says whether any can match
    rare = _RARE_ANY.search(text) is not None
    kinds = (_GUIDANCE_ANY.search(text) is not None) + (
        rare
        and (
            (_RESULTS_ANY.search(text) is not None)
            + (_VALUATION_ANY.search(text) is not None)
            + (_MOVES_ANY.search(text) is not None)
        )
    )
    if thesis is None:
        thesis = is_thesis(text)
    if list_item is None:
        list_item = is_list_item(text)
    factor = 1.0
    if value and kinds:
        factor *= 1.0 + FIGURE_STEP * min(kinds, 2)
    elif kinds:
        factor *= TERM_ONLY
    if value and company:
        factor *= COMPANY_FIGURE
    if company:
        factor *= COMPANY_NAMED
    if thesis and not stance:
        factor *= THESIS_BOOST
    if not (value or kinds or company or thesis or stance):
        factor *= FRAMING  # no figure, no subject, no call: context, not the point
    if list_item:
        factor *= LIST_ITEM
    if not thesis and is_history(text, present):
        factor *= HISTORY
    if not thesis and rare and is_global_colour(text):
        factor *= GLOBAL_COLOUR
    if value and (is_flow(text) or is_index_move(text)):
        factor *= FLOW
    if is_management_outlook(text):
        factor *= MANAGEMENT_OUTLOOK
    return factor


_SPEAKER_RE = regexcache.compile(
    r"(?:公司|管理層|管理层|經營層|经营层|董事長|董事长|總經理|总经理|執行長|执行长|財務長|财务长|"
    r"發言人|发言人|總裁|总裁|CEO|CFO)[^，,。；]{0,12}?"
    r"(?:表示|指出|預估|预估|預期|预期|強調|强调|坦言|直言|透露|說明|说明|提到|重申)"
)
_OUTLOOK_RE = regexcache.compile(
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


_HISTORY_RE = regexcache.compile(
    r"^(?:[^，,。]{0,6}[，,、]\s*)?(?:回顧|回顾|回頭看|回头看|回想|早年|當年|当年|早在|多年前|"
    r"過去(?:[一二兩两三四五六七八九十數数幾几]+|\d+)年|过去(?:[一二两三四五六七八九十数几]+|\d+)年|"
    r"過去十年|过去十年|(?:十|二十|數|数|幾|几)年前|(?:19|20)\d\d年(?:以前|之前|初期|那年|時|时)|"
    r"先(?:講|讲|說|说|談|谈)背景|先(?:回顧|回顾)|自從|自从)|"
    # a short subject, then the past: 電信三雄過去十年…, 公司早年…
    r"^[^，,。！？\d]{1,8}?(?:過去(?:[一二兩两三四五六七八九十數数幾几]+|\d+)年|"
    r"过去(?:[一二两三四五六七八九十数几]+|\d+)年|早年|早期|當年|当年|(?:十|二十|數|数|幾|几)年前)"
)


_YEAR_OPENING_RE = regexcache.compile(
    r"^(?:[^，,。]{0,8}?(?:以|在|於|于|從|从|到了|直到|例如|比如|像是))?\s*((?:19|20)\d\d)\s*年"
)
_YEAR_RE = regexcache.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_FORWARD_RE = regexcache.compile(
    r"可望|預計|预计|預估|预估|預期|预期|將|将|最快|才是|目標|目标|展望|明年|後年|后年|"
    r"計畫|计划|規劃|规划|有望|上看|挑戰|挑战|估計|估计|即將|即将"
)
_HISTORY_NEEDS = needs(_HISTORY_RE)
_PAST_RE = regexcache.compile(
    r"曾經|曾经|曾|一度|當時|当时|那時|那时|那年|那次|當年|当年|果然|過去|过去|早年|早期|起家|成立於|成立于"
)


def reference_year(texts: list[str]) -> int | None:
    """The latest year a text reports on rather than looks ahead to: its present.

    Articles rarely carry their date in the text, but the period they report (2025年全年營收…)
    is the latest year named outside forward-looking sentences; years before it are the
    story so far, it and later years are the news.
    """
    years = [
        int(y)
        for t in texts
        if "年" in t and not _FORWARD_RE.search(t)  # every year found is followed by 年
        for y in _YEAR_RE.findall(t)
    ]
    return max(years) if years else None


def is_history(text: str, present: int | None = None) -> bool:
    """A sentence that opens on the past (回顧…, 過去三年…, 十年前…, 2018年…): the story so far.

    Columns and blog posts open with history before the news; its figures are background
    statistics, not the result or guidance the reader came for.  A sentence that opens on
    a year is history when that year is before the text's ``present``
    (:func:`reference_year`) or it is told in the past (曾、一度、當時), unless it looks
    ahead (可望、預計、最快、才是…): 2026到2028年才是發包的高峰 is the news.
    """
    if _HISTORY_NEEDS.search(text) and _HISTORY_RE.search(text):
        return True
    match = _YEAR_OPENING_RE.search(text) if "年" in text else None  # its year ends in 年
    if not match or _FORWARD_RE.search(text):
        return False
    year = int(match.group(1))
    return (present is not None and year < present) or bool(_PAST_RE.search(text))


_META_RE = regexcache.compile(
    # the article names itself: 這篇…拆解, 本文將…說明, 以下分三點說明
    r"^(?:[^，,。]{0,4}[，,]\s*)?(?:(?:這篇|这篇|本篇|本文|這一篇|这一篇|這份報告|这份报告|本報告|本报告|"
    r"本期|這期|这期|下文|筆者將|笔者将)[^。！？]{0,30}?|"
    # 以下/接下來 also open news (接下來市場將關注…，法人分析…): the verb must follow in the clause
    r"(?:以下|下面|接下來|接下来|底下)[^。！？，,]{0,12}?)"
    r"(?:拆解|說明|说明|分析|剖析|探討|探讨|討論|讨论|介紹|介绍|整理|梳理|解析|聊|談|谈|來看|来看|看看|"
    r"分成|分為|分为|分享|檢視|检视|帶大家|带大家|帶您|带您|帶你|带你|回答|釐清|厘清|盤點|盘点|角度|切入|"
    r"一探究竟|揭開|揭开)|"
    # the writer invites the reader along: 我們來看看…, 先來拆解…, 讓我們聊聊…
    r"^(?:[^，,。]{0,4}[，,]\s*)?(?:我們|我们|我|就讓我們|就让我们|讓我們|让我们|今天|這次|这次)?"
    r"(?:先|就|再|一起)?(?:來|来)(?:看看|看一下|看|拆解|聊聊|聊一聊|談談|谈谈|整理|盤點|盘点|總結|总结)|"
    # talk about the talk: 話不多說，直接進入正題、在進入正題之前、先說結論：、你可能會問…
    r"(?:^|[，,]\s*)(?:廢話|废话|閒話|闲话|話|话)?不多(?:說|说)|進入正題|进入正题|回到正題|回到正题|"
    r"^(?:先說|先说|直接說|直接说)結論[：:]?$|^(?:先說|先说)結論(?=[：:，,]?\s*$)|"
    r"^(?:你|您|有人|很多人|不少人)(?:可能|也許|也许|或許|或许|一定)?(?:會|会)?(?:問|问)|"
    # the plan of the piece: 今天就用三個角度來聊聊…, 以下分四大面向剖析
    r"^[^。！？]{0,12}?(?:從|从|用|分成?|以)[一二兩两三四五六七八九十]+(?:個|个|大)?"
    r"(?:角度|面向|層面|层面|部分|重點|重点)(?:來|来)?(?:看|聊|談|谈|拆解|分析|說明|说明|切入|剖析|探討|探讨)"
)


def is_meta(text: str, thesis: bool | None = None) -> bool:
    """A sentence about the article itself (這篇就用三個角度來拆解、以下分三點說明、本文將…),
    or a stock phrase (:func:`is_platitude`).

    It announces what comes and carries no fact, so it is never a digest sentence, however
    many of the section's words it repeats.  A sentence that states a figure or a call is
    not announcing: 以下是本週外資買超前五名 becomes a list's lead-in, merged with its item.
    ``thesis`` is :func:`is_thesis` of ``text`` when the caller has it already.
    """
    if "\n" in text:
        lines = [line for line in text.strip().split("\n") if line.strip()]
        if len(lines) > 1:
            # a lead-in joined with what it introduces (先說結論：\n在進入正題之前…): meta
            # only when every line is; 以下是本週外資買超前五名：\n1. … states its list
            return all(is_meta(line) for line in lines)
        head, thesis = text.split("\n", 1)[0], None
    else:
        head = text
    # Every test below must hold; the literals the two rules need come first, as they
    # reject nearly every sentence in one scan each.
    meta = _META_NEEDS.search(head) is not None
    if not (meta or (len(head) <= PLATITUDE_MAX and _PLATITUDE_NEEDS.search(head))):
        return False
    if _DIGIT_RE.search(head) or (is_thesis(head) if thesis is None else thesis):
        return False
    if len(head) > META_MAX and not _SELF_RE.match(head):
        # 接下來市場將關注…，法人分析… is news; only the article naming itself
        # (本文將深入剖析…，拆解…，為讀者提供…) announces at any length.
        return False
    return (meta and bool(_META_RE.search(head))) or is_platitude(head)


META_MAX = 60
_DIGIT_RE = regexcache.compile(r"\d")
_META_NEEDS = needs(_META_RE)
_SELF_RE = regexcache.compile(
    r"^(?:[^，,。]{0,4}[，,]\s*)?(?:這篇|这篇|本篇|本文|這一篇|这一篇|這份報告|这份报告|本報告|本报告|"
    r"下文|筆者將|笔者将)"
)


_PLATITUDE_RE = regexcache.compile(
    r"(?:機遇|机遇|機會|机会|挑戰|挑战|風險|风险|危機|危机|轉機|转机)[^。！？，,]{0,2}(?:與|与|和|及|、|並存|并存)"
    r"(?:機遇|机遇|機會|机会|挑戰|挑战|風險|风险|危機|危机|轉機|转机)|"
    r"(?:機遇|机遇|機會|机会|風險|风险|挑戰|挑战)[^。！？\d]{0,14}(?:也|更|又|亦|同時|同时|卻|却|儘管|尽管|但|雖然|虽然)[^。！？\d]{0,14}"
    r"(?:機遇|机遇|機會|机会|風險|风险|挑戰|挑战)"
)
PLATITUDE_MAX = 70
"""A sentence longer than this says more than "opportunities and challenges"."""


def is_platitude(text: str) -> bool:
    """A stock phrase that says nothing (…意味著巨大的機遇與挑戰、蘊含風險，更潛藏機遇).

    Columns close their framing passages with it; it names no company, figure or call,
    so an investor learns nothing from it.  Only short sentences count: a longer one
    that also names a cause or a subject carries more than the phrase.
    """
    return (
        len(text) <= PLATITUDE_MAX
        and bool(_PLATITUDE_NEEDS.search(text))
        and bool(_PLATITUDE_RE.search(text))
    )


_ANAPHOR_RE = regexcache.compile(
    r"^(?:但|而|且|也|但是|不過|不过|可是)?[，,]?\s*"
    r"(?:這|这|它|他們|他们|她們|她们|前者|後者|后者|兩者|两者|上述|對此|对此|為此|为此|"
    r"其(?![實实他它餘余次])|此(?![外])|該(?=[公集基企銀银廠厂案國国股品產产項项])|"
    r"该(?=[公集基企银厂案国股品产项]))"
)


_SOFT_ANAPHOR_RE = regexcache.compile(
    r"^(?:但|而|且|也)?[，,]?\s*(?:其中|這一?次|这一?次|此次|這回|这回|這一?季|这一?季)"
)


def is_anaphoric(text: str, subject: bool = False) -> bool:
    """A sentence that opens by pointing back (這…、其…、它們…、前者…、該公司…).

    Shown without the sentence it refers to, the reader cannot tell who "它們" are: the
    company names sit in the sentence before.  Such a sentence is only shown together
    with its predecessor.  ``subject``: the sentence names its own company or carries a
    figure; then "among them" and "this time" openings (其中我們最推薦的是兆豐金、這一次，
    艾科第三季營收…) stand alone, as they point back to no one the reader needs.
    """
    if subject and _SOFT_ANAPHOR_RE.match(text):
        return False
    return bool(_ANAPHOR_RE.match(text))


_ASIDE_RE = regexcache.compile(
    r"^(?:原因在於|原因在于|原因是|主因是|主因在於|主要原因是|這是因為|这是因为|因為|因为|由於|由于)"
)


_ASIDE_STARTS = starts(_ASIDE_RE)
"""What an aside opens with (原、因、由、這…): other sentences skip the pattern."""


def is_aside(text: str) -> bool:
    """A sentence that explains the one before it (原因在於…、因為…): a parenthesis.

    A pointing sentence after it (這些環節…) usually points past it, to the claim it
    explained, so that claim counts as the referent too.
    """
    if _ASIDE_STARTS is not None and text[:1] not in _ASIDE_STARTS:
        return False
    return bool(_ASIDE_RE.match(text))


_ITEM_MARK_PATTERN = (
    r"[-*•●◆■▪‧・·▍►▶✅]|\d{1,2}\s*[.、)）](?!\d)|[（(](?:\d{1,2}|[一二三四五六七八九十])[)）]|"
    r"[一二三四五六七八九十][、.]|[①-⑳⑴-⒇❶-❿]"
)
"""Bullets, 1. / 1、/ (1) / （一） / 一、 and circled numbers (①): how lists are marked."""
_ORDINAL_RE = regexcache.compile(
    r"^\s*(?:其次|再者|再來|再来|第[二三四五六七八九十][，,、]|其[二三四][，,、]|最後[，,]|最后[，,])"
)
"""A list told in prose (首先，…其次，…最後，…): each step after the first leans on the
ones before (其次，車用營收… says second of what?)."""
_FIRST_STEP = r"首先|第一[，,、]|其一[，,、]"
_MARKED_ITEM_RE = regexcache.compile(r"^\s*(?:" + _ITEM_MARK_PATTERN + ")")
"""首先，… is not marked: a prose list's first step reads alone once 首先 is trimmed, and a
short sentence announcing it (法人的看法可分為三點。) is joined with it as a unit
(:func:`digests.analysis.announces_list`)."""
_OPENS_STEPS_RE = regexcache.compile(r"(?:^|[。！？!?\n]\s*)(?:" + _FIRST_STEP + ")")
_OPENS_STEPS_NEEDS = needs(_OPENS_STEPS_RE)
_COLON_BREAK_RE = regexcache.compile(r"[:：]\s*\n")


def is_later_step(text: str) -> bool:
    """A later step of a list told in prose (其次，…、最後，…、第二，…)."""
    return bool(_ORDINAL_RE.match(text))


def opens_steps(text: str) -> bool:
    """A sentence (or a lead-in joined with it) opening a list told in prose: 首先，…

    Without such an opening before it, 最後，… or 再者，… is prose ("finally"), not a step:
    a digest may show it alone, its connective trimmed.
    """
    return bool(_OPENS_STEPS_NEEDS.search(text) and _OPENS_STEPS_RE.search(text))


def is_item(text: str, stepped: bool) -> bool:
    """``is_marked_item(text) and (not is_later_step(text) or stepped)``, matching the
    ordinal once: a later step of a prose list is an item only after its first step
    (``stepped``, :func:`opens_steps`); a bullet or number always."""
    if _ORDINAL_RE.match(text):
        return stepped
    return bool(_MARKED_ITEM_RE.match(text)) and not _COLON_BREAK_RE.search(text)


def is_marked_item(text: str) -> bool:
    """A bullet or numbered line (not a "label：value" row): one item of a list.

    Out of its list ("2. 分享新經濟紅利…") it reads as a fragment; it is shown with its
    lead-in (the item before it, back to the sentence that introduces the list) or not at
    all.  A lead-in joined with its first item (篩選結果如下：\n1. …) carries its frame.
    """
    if _ORDINAL_RE.match(text):
        return True
    return bool(_MARKED_ITEM_RE.match(text)) and not _COLON_BREAK_RE.search(text)


_GLOBAL_RE = regexcache.compile(
    r"美股|美國股市|美国股市|標普|标普|那斯達克|纳斯达克|道瓊|道琼|費城半導體|费城半导体|費半|费半|日經|日经|"
    r"日股|韓股|韩股|歐股|欧股|陸股|陆股|港股|恆生|恒生|斯托克|上證|上证|國際油價|国际油价|布蘭特|布兰特|"
    r"西德州|美債|美债|美元指數|美元指数|國際股市|国际股市|亞股|亚股|全球股市"
)
_LOCAL_MARKET_RE = regexcache.compile(
    r"台股|台股|加權|加权|櫃買|柜买|外資|外资|投信|自營商|自营商|法人|融資|融资|新台幣|新台币|"
    r"上市|上櫃|上柜|集中市場|集中市场"
)
_FLOW_RE = regexcache.compile(
    r"(?:外資|外资|投信|自營商|自营商|法人|主力)[^。！？]{0,12}(?:買超|买超|賣超|卖超|淨買|净买|淨賣|净卖|"
    r"加碼|加码|減碼|减码|回補|回补|提款)"
)
_GLOBAL_ANY = grouped(_GLOBAL_RE)
_RARE_ANY = needs(
    regexcache.compile(
        "|".join(p.pattern for p in (_RESULTS_RE, _VALUATION_RE, _MOVES_RE, _GLOBAL_RE))
    )
)
"""Every word of those four lists (each a plain alternation of words), in one scan: a
text holding none matches none of them (tests/test_salience_prefilters.py)."""
GLOBAL_COLOUR = 0.4
FLOW = 1.3
"""Institutional flows and the local index move: what a market round-up reports."""


def is_global_colour(text: str) -> bool:
    """World markets without the local market: a round-up's colour, not its facts.

    A weekly round-up's facts are the local index move, the institutional flows and the
    week's call; overseas indices and oil carry many figures but are the backdrop.
    """
    return bool(_GLOBAL_ANY.search(text)) and not _LOCAL_MARKET_RE.search(text)


_LOCAL_INDEX_RE = regexcache.compile(
    r"(?:加權指數|加权指数|加權股價指數|台股|櫃買指數|柜买指数|大盤|大盘)[^。！？]{0,16}?"
    r"(?:上漲|上涨|下跌|大漲|大涨|大跌|收在|收於|收于|站上|跌破|漲|涨|跌)[^。！？]{0,8}?\d[\d,]*(?:\.\d+)?\s*點"
)


def is_index_move(text: str) -> bool:
    """The local index's move or close (加權指數本週上漲412點，收在23,865點): a round-up's fact."""
    return bool(_LOCAL_INDEX_RE.search(text))


def is_flow(text: str) -> bool:
    """Institutional buying or selling (外資本週買超約860億元): a round-up's headline figure."""
    return bool(_FLOW_RE.search(text))


_SIGN_OFF_RE = regexcache.compile(
    r"(?:歡迎|欢迎|記得|记得|請|请|立即|趕快|赶快)[^。！？!?]{0,8}"
    r"(?:訂閱|订阅|追蹤|追踪|按讚|按赞|加入|分享給|分享给|轉發|转发)|"
    r"非(?:屬)?投資建議|非(?:属)?投资建议|以(?:公司)?(?:公告|財報|财报)為準|以(?:公司)?(?:公告|财报)为准|"
    r"請(?:讀者|投資人)?自行(?:評估|判斷|斟酌)|请(?:读者|投资人)?自行(?:评估|判断|斟酌)"
)
# Long alternations: a lookahead on their first characters makes them about five times
# faster on article text, with the same matches (digests.regexguard).
THESIS_RE = guarded(THESIS_RE)
_PLATITUDE_RE = guarded(_PLATITUDE_RE)
_SIGN_OFF_RE = guarded(_SIGN_OFF_RE)
# Rarer still: the literals every match of a rule contains (digests.regexguard.needs).
_SIGN_OFF_NEEDS = needs(_SIGN_OFF_RE)
_THESIS_NEEDS = needs(THESIS_RE)
_PLATITUDE_NEEDS = needs(_PLATITUDE_RE)


def is_sign_off(text: str) -> bool:
    """A line addressed to the reader, not about the subject: 歡迎訂閱…、非投資建議、以公告為準.

    The boilerplate filter drops such lines when they stand alone and match its narrow
    patterns; this catches the writer's own sign-offs left inside a section, which a
    digest must never show.
    """
    return bool(_SIGN_OFF_NEEDS.search(text) and _SIGN_OFF_RE.search(text))


def is_call(text: str) -> bool:
    """The writer's call: 首選X、以A為主B為輔、保留三成現金、逢低布局、評等調升為買進."""
    return bool(_CALL_NEEDS.search(text) and CALL_RE.search(text))


def is_thesis(text: str) -> bool:
    """The writer's view or call: 我們認為…, 建議…, 首選…, 目標價…."""
    return bool(_THESIS_NEEDS.search(text) and THESIS_RE.search(text))


_LIST_ITEM_RE = regexcache.compile(r"(?:^|\n)\s*(?:" + _ITEM_MARK_PATTERN + ")")
_FINAL_PUNCT = ("。", "！", "？", "!", "?", "」", "』")


def is_list_item(text: str) -> bool:
    """A bullet or numbered line, or a "label：detail" line without final punctuation.

    Items of a list of picks are parallel details; the sentence that ranks them
    (首選…, 最推薦…) or draws the conclusion is the takeaway.
    """
    if _MARKED_ITEM_RE.match(text) or ("\n" in text and _LIST_ITEM_RE.search(text)):
        return True  # a mark after ^ is a marked item; one after \n needs a line break
    colon = text.find("：")  # the length of the label before it
    return 0 <= colon <= 12 and not text.endswith(_FINAL_PUNCT)


def has_dateline(text: str) -> bool:
    """今(10)日, 昨(12)日, （中央社…10日電）: the sentence reports the day's news."""
    return bool(_DATELINE_NEEDS.search(text) and _DATELINE_RE.search(text))


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
