"""Plain-text page dumps: a scraped listing page holding several articles in a row.

Each article is a title line, intro paragraphs, then heading lines each followed
by paragraphs.  Lines carry no markup, so titles and headings are told apart by
general cues only: length and punctuation, position, market tags (台股:), list
enumerators (一、), whether the previous article had reached its conclusion, and
the lexical shift between what came before and what follows (character bigrams,
cheap and script-agnostic).  Nothing here is tuned to one particular site.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from digests.models import Article, Section

MAX_HEADING_CHARS = 64

_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]\b.*\d",
        r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+.*\d{4}$",
        r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$",
        r"^\d{1,2}\s+\d{1,2}\s*月,?\s*\d{4}$",
        r"^spot_img$|^spot_imgspot_img$",
        r"^(?:博客|部落格|blog)\s*(?:頁面|页面|page)\s*\d+$",
        r"^(?:頁面|页面|page|第)\s*\d+\s*(?:頁|页)?$",
        r"^(?:首頁|首页|home)\s*[>›»/|]",
        r"^(?:分享|留言|評論|评论|share|comments?|回覆|回复)(?:\s*[|｜/·•]\s*\S{1,8})*$",
        r"^(?:閱讀更多|阅读更多|繼續閱讀|继续阅读|更多文章|相關文章|相关文章|延伸閱讀|延伸阅读|"
        r"上一篇|下一篇|載入更多|加载更多|推薦閱讀|推荐阅读).{0,30}$",
        r"^(?:read more|more|previous|next|older posts|newer posts)(?:\s|[:>»›]|$).{0,30}$",
        r"^(?:©|\(c\)|copyright|版權所有|版权所有)",
        r"^(?:標籤|标签|tags?|分類|分类|categories?)\s*[:：]",
        r"^(?:訂閱|订阅|subscribe|登入|登录|login|註冊|注册|搜尋|搜索|search)$",
        r"^[\W_\d]+$",
    )
]

_MARKET_TAG = re.compile(
    r"^(?:台股|美股|港股|陸股|陆股|A股|日股|韓股|韩股|歐股|欧股|ETF|基金|加密貨幣)\s*[:：]"
)
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．)]|"
    r"第[一二三四五六七八九十\d]+\s*(?:階段|阶段|部分|章|節|节|步|點|点|個|个|層|层)|"
    r"(?:戰場|战场|步驟|步骤|階段|阶段|關鍵|关键|趨勢|趋势|策略|挑戰|挑战)[一二三四五六七八九十\d]+|"
    r"(?:part|step|chapter)\s*\d+)",
    re.IGNORECASE,
)
_FIRST_ENUMERATOR = re.compile(
    r"^(?:一\s*[、.．]|[(（][一1][)）]|1\s*[、.．)]|第[一1]\s*\S|(?:戰場|战场|步驟|步骤|階段|阶段)[一1])"
)
_BULLET = re.compile(r"^[•·・●○◆◇▪▫■□►▶➤✓✔*\-–—]\s*")
_CONCLUSION_HEADING = re.compile(
    r"^(?:結論|结论|結語|结语|總結|总结|小結|小结|後記|后记|尾聲|尾声|寫在最後|写在最后|conclusion)"
)
_CONCLUSION_OPENER = re.compile(
    r"^(?:總結而言|总结而言|總而言之|总而言之|綜上所述|综上所述|總的來說|总的来说|總結來說|总结来说|"
    r"總之|总之|結論是|结论是|綜合來看|综合来看)"
)
_REGION_LABEL = re.compile(
    r"^(?:美國|美国|台灣|台湾|日本|中國|中国|歐洲|欧洲|韓國|韩国|印度|東南亞|东南亚|德國|德国|"
    r"大陸|大陆|香港|全球|亞洲|亚洲)(?:市場|市场|模式|企業|企业|觀點|观点)?\s*[:：]"
)
_SENTENCE_END = "。;；"
_TRAILING_PUNCT = "。;；,，、:："

TITLE_THRESHOLD = 2.0


@dataclass
class _Block:
    text: str
    candidate: bool


def strip_boilerplate(lines: list[str]) -> list[str]:
    """Drop site chrome (dates, widgets, pagination, share bars) from short lines."""
    kept = []
    for line in lines:
        if len(line) <= 40 and any(p.search(line) for p in _BOILERPLATE):
            continue
        kept.append(line)
    return kept


def _is_heading_candidate(line: str, next_line: str | None) -> bool:
    if next_line is None or len(line) > MAX_HEADING_CHARS or len(line) < 4:
        return False
    if line[-1] in _TRAILING_PUNCT or any(ch in line[:-1] for ch in _SENTENCE_END):
        return False
    if line.count("。") or _BULLET.match(line):
        return False
    if re.match(r"^\d+\s*[.．)]", line):
        # "1. xxx" is a list item unless it stands alone above a paragraph.
        return len(next_line) >= 60 and not re.match(r"^\d+\s*[.．)]", next_line)
    return True


def split_blocks(text: str) -> list[_Block]:
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = strip_boilerplate([ln for ln in lines if ln])
    blocks = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        blocks.append(_Block(line, _is_heading_candidate(line, nxt)))
    return blocks


def _bigrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for run in re.findall(r"[\u3400-\u9fff]+|[A-Za-z]{2,}", text):
        if run.isascii():
            grams[run.lower()] += 1
        else:
            grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


class WeightedBag:
    """A growing bag of bigrams with its TF-IDF norm kept up to date incrementally.

    The article so far is compared with the text after every heading-like line; keeping
    the norm incremental makes that O(window) instead of O(article) per comparison.
    """

    def __init__(self, idf_squared: dict[str, float]) -> None:
        self.idf_squared = idf_squared
        self.counts: Counter[str] = Counter()
        self.sum_squares = 0.0
        self.pending: list[Counter[str]] = []

    def add(self, grams: Counter[str]) -> None:
        """Queue ``grams``; they are folded in only when a comparison needs them."""
        self.pending.append(grams)

    def _flush(self) -> None:
        for grams in self.pending:
            self._fold(grams)
        self.pending.clear()

    def _fold(self, grams: Counter[str]) -> None:
        counts = self.counts
        for key, value in grams.items():
            old = counts[key]
            self.sum_squares += ((old + value) ** 2 - old * old) * self.idf_squared.get(key, 1.0)
            counts[key] = old + value

    def cosine(self, other: Counter[str]) -> float:
        self._flush()
        if not other or not self.sum_squares:
            return 0.0
        w = self.idf_squared
        dot = sum(v * self.counts.get(k, 0) * w.get(k, 1.0) for k, v in other.items())
        other_norm = math.sqrt(sum(v * v * w.get(k, 1.0) for k, v in other.items()))
        return dot / (math.sqrt(self.sum_squares) * other_norm) if other_norm else 0.0


@dataclass
class ArticleSoFar:
    """What the parser knows about the article being read when a heading-like line comes."""

    paragraphs: int = 0
    chars: int = 0
    headings: list[str] = field(default_factory=list)
    concluded: bool = False
    bag: WeightedBag = field(default_factory=lambda: WeightedBag({}))

    @property
    def enumerated_headings(self) -> int:
        return sum(bool(_ENUMERATOR.match(h)) for h in self.headings)


def _restarts_enumeration(line: str | None) -> bool:
    return bool(line and _FIRST_ENUMERATOR.match(line))


def title_score(
    line: str,
    context: ArticleSoFar,
    *,
    similarity: Callable[[], float | None] | float | None,
    next_candidate: str | None = None,
    threshold: float | None = None,
) -> float:
    """Evidence that ``line`` opens a new article rather than a section (> 0: title-like).

    ``similarity`` may be a callable: it is then only called when its contribution could
    still move the score across ``threshold`` (it is the one costly feature).
    """
    if _MARKET_TAG.match(line):
        return 10.0 if context.paragraphs else 6.0
    score = 0.0
    enumerated = bool(_ENUMERATOR.match(line))
    if enumerated:
        score -= 3.0
    if _CONCLUSION_HEADING.match(line):
        score -= 4.0
    if _REGION_LABEL.match(line):
        score -= 1.5
    if len(line) >= 24:
        score += 0.5
    if re.search(r"[,，]", line[:-1]):
        score += 1.0
    if context.concluded:
        score += 3.0
    if len(context.headings) >= 2:
        # Headings of one article share a style; a title stands out from them.
        mean = sum(len(h) for h in context.headings) / len(context.headings)
        ratio = len(line) / mean
        if ratio >= 1.6:
            score += 1.5
        elif ratio >= 1.25:
            score += 0.75
        elif ratio <= 0.8:
            score -= 0.5
        if not enumerated and context.enumerated_headings == len(context.headings):
            score += 1.5
    if (
        not enumerated
        and context.enumerated_headings >= 2
        and _restarts_enumeration(next_candidate)
    ):
        score += 1.0
    if context.paragraphs < 2 or context.chars < 300:
        score -= 3.0
    if not context.headings:
        score -= 2.0
    elif len(context.headings) == 1:
        score -= 1.0
    # Low overlap between what follows and the article so far means a new subject;
    # trust it less while the article so far is short.
    confidence = min(1.0, context.chars / 1200)
    if callable(similarity):
        undecided = threshold is None or (
            score - 2.0 * confidence < threshold <= score + 2.5 * confidence
        )
        similarity = similarity() if undecided else None
    if similarity is not None:
        score += confidence * max(-2.0, min(2.5, (0.18 - similarity) * 20))
    return score


def segment_articles(text: str) -> list[tuple[str, list[Section]]]:
    """Split a page dump into (title, sections) pairs."""
    blocks = split_blocks(text)
    if not blocks:
        return []
    doc_freq: Counter[str] = Counter()
    grams = [_bigrams(b.text) for b in blocks]
    for g in grams:
        doc_freq.update(g.keys())
    n = len(blocks)
    idf_squared = {k: (math.log((1 + n) / (1 + df)) + 1.0) ** 2 for k, df in doc_freq.items()}
    candidates = [i for i, b in enumerate(blocks) if b.candidate]
    next_candidate = {i: blocks[j].text for i, j in itertools.pairwise(candidates)}

    articles: list[tuple[str, list[Section]]] = []
    title: str | None = None
    heading = ""
    paragraphs: list[str] = []
    sections: list[Section] = []
    context = ArticleSoFar(bag=WeightedBag(idf_squared))

    def close_section() -> None:
        nonlocal heading, paragraphs
        if paragraphs or heading:
            sections.append(Section(heading, tuple(paragraphs)))
        heading, paragraphs = "", []

    def close_article() -> None:
        close_section()
        if title is not None and any(s.paragraphs for s in sections):
            articles.append((title, [s for s in sections if s.paragraphs or s.heading]))

    for i, block in enumerate(blocks):
        if not block.candidate:
            paragraphs.append(block.text)
            context.bag.add(grams[i])
            context.paragraphs += 1
            context.chars += len(block.text)
            if _CONCLUSION_OPENER.match(block.text):
                context.concluded = True
            continue
        if title is None:
            is_title = True
        else:

            def similarity(i: int = i, context: ArticleSoFar = context) -> float | None:
                window: Counter[str] = Counter()
                taken = 0
                for j in range(i + 1, n):
                    if blocks[j].candidate:
                        continue
                    window.update(grams[j])
                    taken += len(blocks[j].text)
                    if taken >= 600:
                        break
                return context.bag.cosine(window) if context.chars >= 200 and window else None

            score = title_score(
                block.text,
                context,
                similarity=similarity,
                next_candidate=next_candidate.get(i),
                threshold=TITLE_THRESHOLD,
            )
            is_title = score >= TITLE_THRESHOLD
        if is_title:
            close_article()
            title, sections = block.text, []
            context = ArticleSoFar(bag=WeightedBag(idf_squared))
            context.bag.add(grams[i])
        else:
            close_section()
            heading = block.text
            context.bag.add(grams[i])
            context.headings.append(block.text)
            context.concluded = bool(_CONCLUSION_HEADING.match(block.text))
    close_article()
    if not articles and title is None and blocks:
        # No heading-like line at all: one article titled by its first sentence.
        first = blocks[0].text
        cut = re.split(r"(?<=[。!?！？])", first, maxsplit=1)[0]
        articles.append((cut[:80], [Section("", tuple(b.text for b in blocks))]))
    return articles


def parse_page_dump(text: str, source: str) -> list[Article]:
    return [
        Article(title=title, sections=tuple(sections), source=source, source_kind="text")
        for title, sections in segment_articles(text)
    ]
