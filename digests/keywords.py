"""Which top TF-IDF terms are keywords a reader can use, and which are filler.

TF-IDF ranks rare words high, and in jieba's dictionary many rare words are not
content at all: a measure phrase (这场, 一杯), a numeral with its unit (亿美元, 第一),
a verb or an adjective of the writer's style (在于, 引爆, 残酷), a noun so general it
names nothing (产品, 全球, 巨头, 历史), or a noun the segmenter glued to the verb or the
period beside it (营收达, 季财报).  A keyword line of 這場、一杯、產品 tells an investor
nothing, so terms are filtered by part of speech (the tags of jieba's own dictionary,
the same one the segmenter runs on) and a short list of generic nouns and units.

Words we taught the segmenter (company names, sector terms such as 散热 or 储能) and
words jieba does not know (new names and terms) are content whatever a tag might say.
Terms arrive in the simplified script the analysis runs on.
"""

from __future__ import annotations

import threading
from collections.abc import Container, Iterator, Sequence
from functools import cache
from math import isnan
from pathlib import Path

from digests import regexcache, textproc
from digests.cachedir import can_write, write_cache_file
from digests.textproc import (
    general_word_freq,
    segmenter_word_freq,
    word_tags,
    word_tags_loaded,
    words_tagged,
    words_taught,
)

DROP_TAGS = frozenset(
    # numerals and measure words, pronouns, prepositions, conjunctions, particles,
    # adverbs, verbs (not verbal nouns such as 投资), adjectives, idioms, time and place
    # words, onomatopoeia
    "m mq q r p c u uj ul ud ug uz uv d dg v vg vd vi a ad ag l i y e o z f t tg k".split()
)
"""jieba tags that never make a keyword.  Nouns (n, nr, ns, nt, nz), verbal and
adjectival nouns (vn, an), abbreviations (j) and Latin words stay."""

GENERIC = frozenset(
    """
    产品 全球 市场 公司 企业 产业 行业 巨头 挑战 机会 机遇 契机 趋势 领域 规模 发展 影响
    角色 地位 优势 能力 问题 方面 部分 时代 世界 国家 未来 关键 核心 战场 价值 模式 方式
    过程 情况 结构 背景 格局 局面 现象 事实 答案 原因 结果 方向 策略 故事 时间 时候 目前
    人们 业者 业界 投资者 投资人 读者 大家 东西 事情 内容 议题 话题 焦点 重点 亮点 意义
    美元 亿美元 亿元 万元 千元 人民币 新台币 台币 日圆 日元 欧元 港币 韩元 英镑 万吨 公斤
    百分点 亿 万 兆 历史 纪录 记录 新高 新低 水准 水平 表现 阶段 期间 单季 亮眼 预估 预期
    """.split()
)
"""Nouns too general to name what an article is about, and currencies and units."""

EVENTS = frozenset(
    """
    需求 成长 出货 扩产 扩厂 并购 收购 回购 获利 亏损 增资 减资 合并 分拆 下市 停产 减产
    破产 违约 授权 量产 投产 裁员 除息 除权 配股 涨价 降价 涨停 跌停 充电 出口 进口
    """.split()
)
"""Verbs that name what happened to a business (併購、增資、擴產): what investors search for."""

_DETERMINER_RE = regexcache.compile(r"^(?:这|那|该|此|每|某|各|本|其|哪|整|全)[^\W\d]$")
"""这场, 这片, 那些, 每家, 整个: a determiner with its measure word (two characters)."""
_NUMBER_RE = regexcache.compile(
    r"^(?:第|约|近|逾|超)?[\d.,一二两三四五六七八九十百千万亿]+"
    r"[个杯场片家次条种位项年月日天倍成大者些类股档只支名季周座台辆架艘吨元]{0,2}$"
)
"""一杯, 三大, 第一, 两者, 十年: a numeral with its measure word or unit."""

_GLUED_VERB_RE = regexcache.compile(r"^[^\W\d]{2,}[达创为将约逾近再已仍则至於于]$")
"""营收达, 获利创, 公司将: a noun with the verb or adverb that follows it, glued into one
word the segmenter did not know.  The noun alone is the keyword, if it is one."""
_PERIOD_GLUED_RE = regexcache.compile(
    r"^[季年月周][财营获净毛出销业报]"
    r"(?:报|收|利|利率|货|售|绩|告|营收)$"
)
"""季财报, 月营收, 年获利, 季净利: the period of "第三季財報" glued to the reporting noun;
the period belongs to the figure, the noun is what a reader searches for."""

_lock = threading.Lock()


@cache
def _tags() -> dict[str, str]:
    """jieba's part-of-speech table (word -> tag), when it is loaded anyway (see
    :func:`_tag_dropped`)."""
    with _lock:
        # The same table as jieba.posseg.dt.word_tag_tab, from the prepared cache
        # (importing jieba.posseg costs about 0.4 s per process).
        return word_tags()


@cache
def _dropped_words() -> _Answers:
    """Whether a term is one of the words :func:`_tags` tags with one of DROP_TAGS: all
    the filter asks of it (``_dropped_words()[term]``).

    Read from :func:`_dropped_path` as :class:`_WordGroups` (3 ms), not as the pickled
    frozenset of :func:`words_tagged` (0.022 s: 105,000 strings made and hashed, once
    per process that digests, for the few hundred words an ingest asks about)."""
    with _lock:
        path = _dropped_path()
        groups = _WordGroups.read(path)
        if groups is not None:
            return _Answers(groups)
        words = words_tagged(DROP_TAGS)
        if can_write(path.parent):  # else (a read-only image) no time goes to encoding
            data = _WordGroups.encode(words)
            if data is not None:  # None: a word this form cannot hold (none in jieba's)
                write_cache_file(path, data, "jieba-dropped-*.txt")
        return _Answers(words)  # the same answers as the file's


def load_dropped_words() -> None:
    """Load (and write, if missing) what the keyword filter reads of jieba's tags, e.g. when
    a container image prepares its cache folder."""
    _dropped_words()


class _Answers(dict[str, bool]):
    """``term in words`` for each term asked, remembered: a term asked again is answered
    by a dict lookup in C, as fast as the frozenset's, rather than by a method of
    :class:`_WordGroups` (the words never change, so neither does an answer)."""

    __slots__ = ("_words",)

    def __init__(self, words: Container[str]) -> None:
        super().__init__()
        self._words = words

    def __missing__(self, term: str) -> bool:
        answer = self[term] = term in self._words
        return answer


def _dropped_path() -> Path:
    """Named like the segmenter's prepared files (jieba's version and dictionary file, the
    dropped tags), so a new dictionary or tag list writes a new file."""
    extra = f"{_WordGroups.FORMAT}|" + " ".join(sorted(DROP_TAGS))
    return textproc.prepared_file("dropped", extra, ".txt")


class _WordGroups:
    """A set of words that only answers ``in``, with the same answers as the frozenset it
    was made from, and loads in a tenth of its time: one line of UTF-8 per first
    character (``key TAB word TAB word … TAB``), a dict from that character's bytes to
    its line, and a substring test for ``TAB word TAB`` in the line.

    Why the same answers: a line holds every word of the set that starts with its key
    and nothing else, each word between two tabs, and the key is not preceded by one;
    words hold no tab nor newline (:meth:`encode` refuses a set with one), so
    ``TAB word TAB`` occurs in the line exactly when the word is one of its fields.
    A word with a tab, or the empty word, is in no set this form holds.  UTF-8 with
    ``surrogatepass`` encodes distinct strings to distinct bytes and a character's
    bytes never start inside another's, so bytes compare as the strings do.
    ``tests/test_keyword_tags.py`` compares it with the frozenset on every word of
    jieba's dictionary and on words outside it."""

    FORMAT = 1
    _HEADER = b"briefbot word groups 1 "

    __slots__ = ("_lines",)

    def __init__(self, lines: dict[bytes, bytes]) -> None:
        self._lines = lines

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word or "\t" in word:
            return False
        line = self._lines.get(word[0].encode("utf-8", "surrogatepass"))
        return line is not None and b"\t" + word.encode("utf-8", "surrogatepass") + b"\t" in line

    @classmethod
    def encode(cls, words: frozenset[str]) -> bytes | None:
        """The file's bytes: a header with the word count, then a line per first character."""
        if any(not w or "\t" in w or "\n" in w for w in words):
            return None
        by_first: dict[str, list[str]] = {}
        for word in sorted(words):
            by_first.setdefault(word[0], []).append(word)
        body = "".join(
            f"{first}\t" + "".join(f"{w}\t" for w in group) + "\n"
            for first, group in by_first.items()
        )
        return cls._HEADER + f"{len(words)}\n".encode() + body.encode("utf-8", "surrogatepass")

    @classmethod
    def decode(cls, data: bytes) -> _WordGroups | None:
        """The set, or None for bytes :meth:`encode` did not write (a damaged file)."""
        head, sep, body = data.partition(b"\n")
        if not sep or not head.startswith(cls._HEADER) or not body.endswith(b"\n"):
            return None
        try:
            count = int(head[len(cls._HEADER) :])
        except ValueError:
            return None
        lines = body[:-1].split(b"\n")
        if body.count(b"\t") != count + len(lines):
            return None  # each line: a tab after its key and after each of its words
        groups = {line[: line.find(b"\t")]: line for line in lines}
        return cls(groups) if len(groups) == len(lines) else None

    @classmethod
    def read(cls, path: Path) -> _WordGroups | None:
        try:
            return cls.decode(path.read_bytes())
        except OSError:
            return None


def _tag_dropped(term: str) -> bool:
    """Whether jieba's tag of ``term`` is one of DROP_TAGS; a word it does not tag
    counts as a noun ("n", not dropped).  The same answer from the whole table when a
    worker pool's parent loaded it before forking, else from the dropped words only
    (a fifth of the loading time)."""
    if word_tags_loaded():
        return _tags().get(term, "n") in DROP_TAGS
    return _dropped_words()[term]


_known: dict[str, bool] = {}
_known_at = [-1]


def is_keyword(term: str) -> bool:
    """Whether ``term`` (simplified, lower-cased if Latin) may be shown as a keyword.

    Asked of every top term of every section: answers are remembered until the
    segmenter is taught new words (which changes what counts as ours)."""
    known = known_keywords()
    answer = known.get(term)
    if answer is None:
        answer = known[term] = _is_keyword(term)
    return answer


def known_keywords() -> dict[str, bool]:
    """The remembered answers of :func:`is_keyword` (term -> answer), valid until the
    segmenter is taught again: a caller judging a run of terms reads them here and asks
    :func:`is_keyword` only about the terms missing, instead of checking what the
    segmenter was taught at every term."""
    taught = words_taught()
    if _known_at[0] != taught:
        _known.clear()
        _known_at[0] = taught
    return _known


def heaviest_first(weights: dict[str, float]) -> list[str]:
    """The terms of ``weights`` heaviest first, equal weights in the dict's order.

    One stable sort per weighting, shared: :func:`by_weight` (the keywords) walks it, and
    :func:`digests.selection.select_sentences` reads its figure unit's top weights and
    the lowest weight from it instead of sorting the same values again (a sort with a key
    orders the keys exactly as sorting the values themselves would, NaN included).
    """
    return sorted(weights, key=weights.__getitem__, reverse=True)


def by_weight(
    weights: dict[str, float], ranked: Sequence[str] | None = None
) -> Iterator[tuple[str, float]]:
    """``weights`` heaviest first, equal weights by term: the order of
    ``sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))``, for the part read.

    One sort in C of the terms by weight (stable, so equal weights stay together), then
    each run of equal weights sorted by term as it is reached: only the few read before
    :func:`digests.summarize.keywords` has its terms are ever put in order.
    ``ranked``: :func:`heaviest_first` of ``weights``, when the caller has it.
    """
    if isnan(sum(weights.values())):  # NaN orders no sort the same way: the key as such
        yield from sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        return
    # the terms by weight (the sort is stable: as ``list(weights.items())`` sorted by
    # weight would be), with no (term, weight) pair made for the terms never read
    yield from _runs_by_term(weights, heaviest_first(weights) if ranked is None else ranked)


def _runs_by_term(weights: dict[str, float], ranked: Sequence[str]) -> Iterator[tuple[str, float]]:
    """(term, weight) along ``ranked`` (:func:`heaviest_first` of ``weights``, which
    hold no NaN), each run of equal weights sorted by term as it is reached."""
    i, n = 0, len(ranked)
    while i < n:
        weight = weights[ranked[i]]
        j = i + 1
        while j < n and weights[ranked[j]] == weight:
            j += 1
        if j - i == 1:
            yield ranked[i], weight
        else:
            for term in sorted(ranked[i:j]):  # terms are distinct: by term
                yield term, weights[term]
        i = j


def _is_keyword(term: str) -> bool:
    if term.isascii() or term in EVENTS:
        return True  # AI, ERP, ESG, 3d: abbreviations and names (bare numbers never get here)
    general = general_word_freq(term)
    if general == 0 and segmenter_word_freq(term) > 0:
        return True  # a word we taught the segmenter: a company, a sector term
    if term in GENERIC or _DETERMINER_RE.match(term) or _NUMBER_RE.match(term):
        return False
    if _PERIOD_GLUED_RE.match(term) and general < 10:
        return False  # a rare dictionary word (季财报) as much as an unknown one
    if general == 0 and _GLUED_VERB_RE.match(term):
        return False
    if general == 0:
        return True  # a word jieba does not know: a new name or term
    return not _tag_dropped(term)
