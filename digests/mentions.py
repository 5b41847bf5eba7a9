"""Find company mentions in an analysed article.

Learning the aliases an article introduces (名稱(代號), 中文名(English)) is in
:mod:`digests.aliases`, which shares this module's name shapes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain, islice

from digests.analysis import ArticleAnalysis
from digests.companies import (
    COMMON_WORD_FREQ,
    Company,
    CompanyDirectory,
    fold_latin,
    is_etf,
    phrase_pattern,
    preferred,
)
from digests.models import CompanyMention as Mention
from digests.name_suffixes import suffix_fits
from digests.normalize import name_key
from digests.textproc import general_word_freq, segmenter_word_freq, to_simplified, words_taught
from digests.tickers import KY_NAME, TickerRef, etf_codes, ticker_refs

NAME_WITH_PARENS = re.compile(
    r"(?P<zh>[\u3400-\u9fff]{2,14})\s*[（(]\s*(?P<other>[^()（）\n]{1,48}?)\s*[)）]"
)
# Everything up to the last function word or descriptor is not part of the name:
# 約華爾街的貝萊德 -> 貝萊德, 晶片巨頭輝達 -> 輝達.  Longer alternatives come first.
ZH_CUT = re.compile(
    r".*(?:為何|为何|例如|包括|包含|其中|以及|旗下|子公司|母公司|龍頭|龙头|大廠|大厂|業者|业者|"
    r"巨頭|巨头|巨擘|領頭羊|领头羊|當年|当年|根據|根据|不亞於|不亚于|如同|"
    r"新創|新创|新貴|新贵|新股|新兵|個股|个股|概念股|供應商|供应商|廠商|厂商|代工廠|代工厂|"
    r"製造商|制造商|對手|对手|客戶|客户|同業|同业|廠|厂|"
    r"的|與|与|和|及|、|是|在|由|如|像|被|從|从|為|为|對|对|向|讓|让|將|将|把|以|跟|同|或|了|於|于)"
)
ZH_COMPANY_SUFFIX = re.compile(
    r"(?:公司|集團|集团|科技|電子|电子|銀行|银行|資本|资本|控股|材料|半導體|半导体|能源|汽車|汽车|"
    r"證券|证券|投信|投顧|金控|航運|航运|生技|製藥|制药|電機|电机|工業|工业|實業|实业|咖啡)$"
)
EN_COMPANY_SUFFIX = re.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Ltd|Limited|Group|Holdings|Materials|Technologies|Technology|"
    r"Systems|Capital|Bank|Motors|Energy|Semiconductor|Electronics|Industries|Pharmaceuticals|"
    r"Rare Earths|Coffee|Partners|Securities|AG|SE|SA|PLC|NV|ASA|A/S|AB|Oyj|GmbH|KGaA|SpA|"
    r"S\.A|S\.p\.A|N\.V|K\.K)\.?$",
    re.IGNORECASE,
)
ZH_NOT_COMPANY = re.compile(
    r"(?:局|署|部|會|会|院|組織|组织|協會|协会|委員會|委员会|中心|大學|大学|政府|指數|指数)$"
)
TERM_ACRONYMS = frozenset(
    (
        "AI AGI IEA USGS ESS TWH GWH MWH KWH GW MW KW GPU CPU TPU HBM DRAM NAND SSD PCB ETF "
        "ESG ERP SAAS EV EVS IPO GDP CPI PMI CEO CFO CTO IOT API ASIC SOC FPGA LLM OEM ODM EMS "
        "CAGR ROE ROI EPS PE PB TDP PUE CDU UPS BBU LFP NCM NDFEB REE FIT RFID QFLP QDII RMB USD "
        "TWD NTD NT FED ECB OPEC WTO NATO EU UN IMF SEC FDA EPA DOE DOD PCE YOY QOQ MOU OTA UI UX "
        "VR AR XR AIOT SAF CCUS CBAM CRM MRP SCM MES PLM HR BI CAD CAM BIM AGV AMR"
    ).split()
)
ACRONYM_NAMES = TERM_ACRONYMS | frozenset(
    (
        "GIS IC PC NB TV EV CPO IP LED OLED 5G 6G AES ABC PTC BD MSCI AVC ADAS CSP CCL "
        "SI OSAT GPS NFC WIFI USB SSL VPN CDN SEO KOL OTT TCO IDM HPC DSP SOP QA QC IR PR "
        "SMR BOE AOI AOL"
    ).split()
)
"""Short Latin names that are also the acronyms of terms (GIS: 業成-KY or a geographic
information system; PTC: a company or a thermistor): they count as a company only
with its ticker, a company word or KY marker right after them, or when the article
names the company plainly elsewhere."""

CROSSING_WORD_FREQ = 50
"""A word the segmenter knows at least this often is a real word a short name may
have been cut out of (新產 in 新產能)."""

_MARKET_WORDS = frozenset(
    "营收 产线 财测 法说 法说会 营益率 净利 稼动率 拉货 备货 制程 扩产 量产 殖利率 除息 "
    "出货 获利 毛利 毛利率 先进制程 封测".split()
)
"""Words of Taiwanese market prose that jieba's (mainland) dictionary lacks or barely
knows: 台灣大 + 營收 is the company and its revenue, 新產 + 線 is a production line."""


CERTAIN, WEAK, AMBIGUOUS = "certain", "weak", "ambiguous"

WORDLIKE_TICKERS = frozenset(
    "ALL NOW KEY LOW ARE HAS FOR AND THE ONE BIG NEW CAN WELL CASH LIFE GOOD FAST TECH "
    "TRUE PLAY SAFE BEST HOME PEAK SITE OPEN EDGE CARS FUN SE LI FN EW MC BE".split()
)
"""Tickers that are English words: never a company alone in parentheses."""


def find_mentions(analysis: ArticleAnalysis, directory: CompanyDirectory) -> list[Mention]:
    """Every (company, sentence) an article names, matched on tokens and tickers.

    Confidence decides what counts: a curated or distinctive name counts alone; a
    two-character exchange short name (綠電, 全域) counts beside its ticker or in a
    sentence that also names another company for sure (a list of peers); a name that
    is an everyday word (統一, 全家) counts beside its ticker or when the article also
    names the company unambiguously.  A ticker in any printed form counts when a
    market suffix says it is one (``(2330-TW)``, ``(NVDA-US)``) or when the name beside
    it is the company's (``信驊 ( 5274 )``, ``2330 台積電``); a bare number beside
    other words (``去年(2024)``) is a year, not a stock.

    Two further doubts make a name count only as an everyday word does (beside its
    ticker, or when the article names the company plainly elsewhere): a short name
    whose edge character forms a word with the text beside it (新產 in 新產能, 先進光
    in 先進光罩), and a Latin name that is also a term's acronym (GIS, PTC) with no
    company word or KY marker after it.
    """
    found: dict[tuple[str, int, str], None] = {}
    doubtful: list[Mention] = []
    confirmed: set[str] = set()
    units = [(-1, analysis.article.title, analysis.title_tokens)]
    units += [(s.section, s.text, s.tokens) for sec in analysis.sections for s in sec.sentences]
    index = directory.derived("mentions", _MentionIndex)
    index.classify(chain.from_iterable(tokens for _, _, tokens in units))
    for section, text, tokens in units:
        hits = _sentence_companies(text, tokens, directory, index)
        if not hits:
            continue
        sure = {key for key, level in hits if level == CERTAIN}
        for key, level in hits:
            if level == CERTAIN or (level == WEAK and sure - {key}):
                confirmed.add(key)
                found[(key, section, text)] = None
            elif level == AMBIGUOUS:
                doubtful.append(Mention(key, section, text))
    for mention in doubtful:
        if mention.company_key in confirmed:
            found[(mention.company_key, mention.section, mention.sentence)] = None
    return [Mention(*k) for k in found]


def _sentence_companies(
    text: str, tokens: list[str], directory: CompanyDirectory, index: _MentionIndex
) -> list[tuple[str, str]]:
    cited, hits = _ticker_hits(text, directory)
    phrases = _phrase_hits(text, tokens, directory, index)
    mixed = _mixed_hits(text, directory, index)
    if mixed:
        phrases = phrases + mixed
    for alias, compound, crossed in _token_aliases(tokens, directory, index):
        labels = directory.exact_case.get(alias)
        if labels and not any(_has_latin_word(text, label) for label in labels):
            continue
        if not compound and _inside_phrases(alias, text, phrases):
            continue  # GE in GE Vernova, 三星 in 三星SDI: the longer name
        key = _pick(directory.by_alias[alias], directory)
        if key in cited or (compound and alias not in directory.ambiguous):
            hits.append((key, CERTAIN))
        elif alias in directory.ambiguous or crossed or _bare_acronym(alias, text):
            hits.append((key, AMBIGUOUS))
        elif alias in directory.weak:
            hits.append((key, WEAK))
        else:
            hits.append((key, CERTAIN))
    # Most sentences have none of these: skip the calls (each tests the same first).
    if phrases:
        hits.extend((key, CERTAIN) for key, _, _ in phrases)
    if "KY" in text:
        hits.extend((key, CERTAIN) for key in _ky_names(text, directory))
    if _ACCENTED.search(text):
        hits.extend((key, CERTAIN) for key in _accented_names(text, directory))
    return hits


_FOUR_DIGITS = re.compile(r"\d{4}")
_COMPANY_AFTER = re.compile(r"\s*(?:[-－]?\s*KY|公司|集團|集团|Inc|Corp|Ltd|Group)", re.IGNORECASE)


def _phrase_hits(
    text: str, tokens: list[str], directory: CompanyDirectory, index: _MentionIndex
) -> list[tuple[str, int, int]]:
    """Multi-word Latin names the sentence writes (GE Vernova), with their spans."""
    if tokens and not text.isascii():
        if index.phrase_words.isdisjoint(tokens):
            return []  # no token is a first word: the candidates below are none
        lowered = {t.lower() for t in tokens if t.isascii()}
        candidates = [
            p for first in lowered & directory.phrases.keys() for p in directory.phrases[first]
        ]
    else:
        lowered_text = text.lower()
        candidates = [
            p
            for first, labels in directory.phrases.items()
            if first in lowered_text
            for p in labels
        ]
    out = []
    for label, key in candidates:
        match = phrase_pattern(label).search(text)
        if match:
            out.append((key, match.start(), match.end()))
    return out


def _mixed_hits(
    text: str, directory: CompanyDirectory, index: _MentionIndex
) -> list[tuple[str, int, int]]:
    """Names mixing Latin and Chinese (三星SDI, LG化學), with their spans."""
    if not directory.mixed or text.isascii() or not _ASCII_LETTER.search(text):
        return []  # every such name has a Latin letter (and OpenCC makes none)
    # Where a name is found below, its first run of Latin letters is a whole run of the
    # comparable text's: inside the name it borders other characters, and at the name's
    # edge the text may not continue it (no letter before, no letter or digit after).
    # So only the names whose first run the text has as a whole run are searched, in
    # the directory's order.
    lowered = text.lower()
    if len(lowered) == len(text) and "\u212a" not in text:
        # OpenCC leaves Latin letters alone and makes none, so when lower-casing keeps
        # every offset (no Kelvin sign, no İ) the comparable text has the runs this
        # one has: when none starts a name, the conversion below is not needed.
        runs = set(_LETTER_RUN.findall(lowered))
        if index.mixed_runs.isdisjoint(runs):
            return []
        low = _comparable(text)
    else:
        low = _comparable(text)
        runs = set(_LETTER_RUN.findall(low))
    by_run = index.mixed_by_run
    names = sorted(name for run in runs for name in by_run.get(run, ()))
    out = []
    for _, alias in names:
        keys = directory.mixed[alias]
        at = low.find(alias)
        while at >= 0:
            end = at + len(alias)
            if not (
                (alias[0].isascii() and at > 0 and low[at - 1].isascii() and low[at - 1].isalpha())
                or (
                    alias[-1].isascii()
                    and end < len(low)
                    and low[end].isascii()
                    and low[end].isalnum()
                )
            ):
                out.append((_pick(keys, directory), at, end))
                break
            at = low.find(alias, at + 1)
    return out


_ASCII_LETTER = re.compile("[A-Za-z\u212a]")  # the Kelvin sign lower-cases to k
_LETTER_RUN = re.compile("[A-Za-z]+")


def _comparable(text: str) -> str:
    """The text as aliases are keyed (Simplified, lower case), offsets kept."""
    simplified = to_simplified(text)
    lowered = simplified.lower()
    return lowered if len(lowered) == len(simplified) else simplified


def _inside_phrases(alias: str, text: str, phrases: list[tuple[str, int, int]]) -> bool:
    """Every place the sentence writes ``alias`` lies inside a longer name it also writes."""
    spans = [(start, end) for _, start, end in phrases if end - start > len(alias)]
    if not spans:
        return False
    if alias.isascii():
        places = [
            m.start()
            for m in re.finditer(
                rf"(?<![A-Za-z]){re.escape(alias)}(?![A-Za-z])", text, re.IGNORECASE
            )
        ]
    else:
        low = _comparable(text)
        places = [m.start() for m in re.finditer(re.escape(alias), low)]
    return bool(places) and all(any(s <= p < e for s, e in spans) for p in places)


def _bare_acronym(alias: str, text: str) -> bool:
    """An acronym name (GIS, PTC) with no company word or KY marker right after it."""
    if not alias.isascii() or alias.upper() not in ACRONYM_NAMES:
        return False
    for m in re.finditer(rf"(?<![A-Za-z]){re.escape(alias)}(?![A-Za-z])", text, re.IGNORECASE):
        if _COMPANY_AFTER.match(text, m.end()):
            return False
    return True


_ACCENTED = re.compile(r"[\u00c0-\u024f]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:[-.&'][A-Za-z0-9\u00c0-\u024f]+)*")


def _accented_names(text: str, directory: CompanyDirectory) -> list[str]:
    """Names written with diacritics (Ørsted, Nestlé), which the segmenter cuts apart:
    matched on the Latin words of the text with the marks folded away."""
    if not _ACCENTED.search(text):
        return []
    folded = fold_latin(text)
    keys = []
    for m in _LATIN_WORD.finditer(text):
        if not _ACCENTED.search(m.group()):
            continue
        word = fold_latin(m.group()).lower()
        if word in directory.by_alias:
            keys.append(_pick(directory.by_alias[word], directory))
        for label, key in directory.phrases.get(word, ()):
            if phrase_pattern(label).search(folded):
                keys.append(key)
    return keys


def _pick(keys: set[str], directory: CompanyDirectory) -> str:
    return min(keys) if len(keys) == 1 else preferred(keys, directory.companies)


def _token_aliases(
    tokens: list[str], directory: CompanyDirectory, index: _MentionIndex
) -> list[tuple[str, bool, bool]]:
    """Aliases named by the tokens: whole tokens, two tokens that form one name
    (台灣 + 大哥大, 南亞 + 科技 -> 南亞科), a name with a company-type word
    (東元電機, 台塑集團) and a name after a word jieba glued to it (韓國三星電子).
    The first flag says the name came with more than itself (a compound): that
    counts as surely as a distinctive name, even for a short or everyday one.  The
    second says a two-character name may have been cut out of a word (新產能).

    Only the tokens that may take part in a name are looked at (see
    :class:`_MentionIndex`): most sentences have a few, many none."""
    relevant = index.relevant
    if relevant.isdisjoint(tokens):
        return []
    named, starts = index.named, index.starts
    by_alias = directory.by_alias
    count = len(tokens)
    out: list[tuple[str, bool, bool]] = []
    taken = 0  # tokens before this were read as the second half of a pair
    for i in [i for i, token in enumerate(tokens) if token in relevant]:
        token = tokens[i]
        if i < taken or (
            token not in named
            and (
                i + 1 == count or tokens[i + 1].isascii() or token + tokens[i + 1][:1] not in starts
            )
        ):
            continue  # an alias's start, but the next token does not continue it
        key = token.lower() if token.isascii() else token
        if i + 1 < count and not key.isascii() and not tokens[i + 1].isascii():
            pair = key + tokens[i + 1]
            # Most pairs are neither a name nor end like one (company_stem): skip the call.
            joined = (
                _joined_alias(pair, directory)
                if pair in by_alias or pair[-2:] in _SUFFIX_ENDINGS
                else None
            )
            if joined is not None:
                out.append((joined, True, False))
                taken = i + 2
                continue
            if pair[-2:] in _SUFFIX_ENDINGS and (other := misfit_stem(pair, directory)):
                out.append((other, False, True))  # 晶華 + 半導體: needs its ticker
                taken = i + 2
                continue
        if key in by_alias:
            crossed = _loosely_bound(key, directory) and index.crosses(tokens, i, directory)
            out.append((key, False, crossed))
        elif len(key) >= 3 and not key.isascii():
            found = company_stem(key, directory) or _after_word(key, directory)
            if found is not None:
                out.append((found, True, False))
            elif (other := misfit_stem(key, directory)) is not None:
                out.append((other, False, True))
    return out


class _MentionIndex:
    """Lookup tables derived from one generation of a directory (see
    :meth:`CompanyDirectory.derived`), and what they said of the tokens met so far.

    :func:`_token_aliases` finds something at a token only when the token is a name,
    starts with one (南亞科 + 技, 東元電機: company_stem and misfit_stem keep a prefix
    of two characters or more), ends with one from its third character on (韓國三星電子:
    _after_word) or, for a pair, when the name the pair starts is longer than the
    first token: then the first token and the next one's first character start an
    alias (台灣 + 大哥大).  Tokens of the first three kinds are ``named``; tokens that
    only start an alias are ``opens`` and count when the next token continues it.
    Every other token yields nothing and never joins a pair that does.

    Each distinct token is classified once per generation (a set difference per
    article finds the new ones), so a sentence costs a set test unless it has such a
    token, and then a look at those tokens only.
    """

    def __init__(self, directory: CompanyDirectory, previous: _MentionIndex | None = None) -> None:
        """The tables for ``directory`` as it is now, grown from those ``previous``
        built for an earlier generation when it can be: aliases are only ever added
        (a learned name), so the earlier prefixes still hold and only the new aliases'
        are added; what tokens were found to be is kept unless a new alias or phrase
        may change it."""
        by_alias = directory.by_alias
        self.by_alias = by_alias
        self.alias_count = len(by_alias)
        self.phrases = directory.phrases
        self.phrase_count = len(directory.phrases)
        self.phrase_firsts = directory.phrases.keys()
        if (
            previous is not None
            and previous.by_alias is by_alias
            and previous.alias_count <= self.alias_count
            and previous.phrases is directory.phrases
        ):
            new = list(islice(by_alias, previous.alias_count, None))
            # Grown in place: an index still in use elsewhere then reads more starts
            # than its aliases have, which only sends more tokens to the exact scan.
            self.prefixes, self.starts = previous.prefixes, previous.starts
            for alias in new:
                heads = [alias[:end] for end in range(1, len(alias))]
                self.prefixes.update(heads)
                self.starts.update(heads)
                self.starts.add(alias)
        else:
            previous, new = None, []
            self.prefixes = {alias[:end] for alias in by_alias for end in range(1, len(alias))}
            """Every proper prefix of every alias."""
            self.starts = self.prefixes | by_alias.keys()
            """... and the aliases themselves."""
        self.crossing: dict[tuple[str, str, str], bool] = {}
        self.crossing_at = -1
        self.seen: set[str] = set()
        self.named: set[str] = set()
        self.relevant: set[str] = set()
        """``named`` and ``opens`` tokens."""
        self.phrase_words: set[str] = set()
        """Latin tokens that are the first word of a multi-word name (GE of GE Vernova)."""
        if previous is not None and not new and previous.phrase_count == self.phrase_count:
            # Nothing a token's class or a crossing depends on has changed: share them.
            self.crossing, self.crossing_at = previous.crossing, previous.crossing_at
            self.seen, self.named = previous.seen, previous.named
            self.relevant, self.phrase_words = previous.relevant, previous.phrase_words
        self.mixed_by_run: dict[str, list[tuple[int, str]]] = {}
        """Mixed-script names by their first run of Latin letters, with their place in
        ``directory.mixed`` (the order they are reported in)."""
        for order, alias in enumerate(directory.mixed):
            run = _LETTER_RUN.search(alias)
            if run is not None:
                self.mixed_by_run.setdefault(run.group(), []).append((order, alias))
        self.mixed_runs = frozenset(self.mixed_by_run)

    def crosses(self, tokens: list[str], i: int, directory: CompanyDirectory) -> bool:
        """:func:`_crosses_word`, remembered: it reads only the name and its Chinese
        neighbours, and asks the segmenter's dictionary up to a dozen times."""
        taught = words_taught()
        if self.crossing_at != taught or len(self.crossing) > _MEMO_LIMIT:
            self.crossing.clear()  # a word taught changes the frequencies it read
            self.crossing_at = taught
        before = tokens[i - 1] if i > 0 and _is_cjk(tokens[i - 1]) else ""
        after = tokens[i + 1] if i + 1 < len(tokens) and _is_cjk(tokens[i + 1]) else ""
        place = (before, tokens[i], after)
        answer = self.crossing.get(place)
        if answer is None:
            answer = self.crossing[place] = _crosses_word(list(place), 1, directory)
        return answer

    def classify(self, tokens: Iterable[str]) -> None:
        """Classify the tokens not met before (``tokens`` of a whole article at once)."""
        fresh = set(tokens).difference(self.seen)
        if not fresh:
            return
        by_alias = self.by_alias
        for token in fresh:
            if token.isascii():
                low = token.lower()
                if low in by_alias:
                    self.named.add(token)
                    self.relevant.add(token)
                if low in self.phrase_firsts:
                    self.phrase_words.add(token)
                continue
            size = len(token)
            if token in by_alias or (
                size > 2
                and (
                    any(token[:end] in by_alias for end in range(2, size))
                    or (size > 4 and any(token[cut:] in by_alias for cut in range(2, size - 2)))
                )
            ):
                self.named.add(token)
                self.relevant.add(token)
            elif token in self.prefixes:
                self.relevant.add(token)
        # Classes first: a token in ``seen`` is already in its class (threads may share
        # this).  Past the limit only ``seen`` starts again: the classes stay exact.
        if len(self.seen) > _MEMO_LIMIT:
            self.seen.clear()
        self.seen.update(fresh)


_MEMO_LIMIT = 200_000
"""Tokens (or name places) remembered per directory generation: a long-running bot
meets new ones forever."""


def _is_cjk(token: str) -> bool:
    return bool(token) and "\u3400" <= token[0] <= "\u9fff" and "\u3400" <= token[-1] <= "\u9fff"


def _loosely_bound(name: str, directory: CompanyDirectory) -> bool:
    """Names whose edges the segmenter may have drawn wrongly: two characters (新產),
    or a common word plus one character (先進 + 光 in 先進光罩, 系統 + 電 in 系統電源)."""
    if not _is_cjk(name):
        return False
    if len(name) == 2:
        return True
    return len(name) == 3 and _plain_word(name[:2], directory)


def _crosses_word(keys: list[str], i: int, directory: CompanyDirectory) -> bool:
    """Whether the two-character name ``keys[i]`` shares an edge character with a
    common word the text may really mean: 新產 + 能 (產能 capacity), 超微 + 型電腦
    (微型), 美 + 國巨 (美國).  Teaching the segmenter every listed name makes it
    prefer the name, so the name's edges are checked against the words around it.
    A neighbour that is itself a solid word keeps the name (緯創 + 新高: reading
    創新 would leave 高 alone)."""
    name = keys[i]
    if i + 1 < len(keys) and _is_cjk(keys[i + 1]):
        after = keys[i + 1]
        for k in range(1, min(2, len(after)) + 1):
            words = (name[-1] + after[:k], name + after[:k])
            if any(_common_word(w, directory) for w in words) and not (
                k < len(after) and _solid_word(after, directory)
            ):
                return True
    if i > 0 and _is_cjk(keys[i - 1]):
        before = keys[i - 1]
        for k in range(1, min(2, len(before)) + 1):
            words = (before[-k:] + name[0], before[-k:] + name)
            if any(_common_word(w, directory) for w in words) and not (
                k < len(before) and _solid_word(before, directory)
            ):
                return True
    return False


def _common_word(word: str, directory: CompanyDirectory) -> bool:
    """A word the text may mean instead of the name: a common word, or another
    company's name (先進光 + 罩 vs 光罩: the segmenter chose between two names by the
    weights we gave them, not by the text)."""
    return word in directory.by_alias or _word_freq(word) >= CROSSING_WORD_FREQ


def _plain_word(word: str, directory: CompanyDirectory) -> bool:
    """A very common word that is no company's name (先進, 系統, 台灣)."""
    if word in directory.by_alias and word not in directory.ambiguous:
        return False
    return segmenter_word_freq(word) >= COMMON_WORD_FREQ


def _solid_word(token: str, directory: CompanyDirectory) -> bool:
    return len(token) >= 2 and (
        token in directory.by_alias or _word_freq(token) >= CROSSING_WORD_FREQ
    )


def _word_freq(word: str) -> int:
    return CROSSING_WORD_FREQ if word in _MARKET_WORDS else segmenter_word_freq(word)


def _joined_alias(joined: str, directory: CompanyDirectory) -> str | None:
    if len(joined) < 3:
        return None
    if joined in directory.by_alias:
        plain = joined not in directory.ambiguous and joined not in directory.weak
        return joined if plain else None
    return company_stem(joined, directory)


def _after_word(token: str, directory: CompanyDirectory) -> str | None:
    """``韓國三星電子`` (one jieba word) -> 三星電子: a known word, then a full name."""
    for cut in range(2, len(token) - 2):
        tail = token[cut:]
        if (
            tail in directory.by_alias
            and tail not in directory.ambiguous
            and tail not in directory.weak
            and general_word_freq(token[:cut]) > 0
        ):
            return tail
    return None


def _ticker_hits(text: str, directory: CompanyDirectory) -> tuple[set[str], list[tuple[str, str]]]:
    """Companies whose ticker the sentence prints (cited), and those that count."""
    cited: set[str] = set()
    hits: list[tuple[str, str]] = []
    if not ("(" in text or "（" in text or _FOUR_DIGITS.search(text)):
        return cited, hits  # every form of ticker_refs and etf_codes needs one of these
    for ref in ticker_refs(text):
        company = resolve_ticker(ref, directory)
        if company is None:
            continue
        cited.add(company.key)
        if _ticker_counts(ref, company, directory):
            hits.append((company.key, CERTAIN))
    for code, _, _ in etf_codes(text):  # ETFs are named by code alone (買0050)
        company = directory.by_code(code, "tw")
        if company is not None and is_etf(company):
            cited.add(company.key)
            hits.append((company.key, CERTAIN))
    return cited, hits


def resolve_ticker(ref: TickerRef, directory: CompanyDirectory) -> Company | None:
    """The company a printed ticker names: Taiwan for bare numbers, else by suffix."""
    code = ref.code.upper()
    if code.isdigit() or code[:4].isdigit():
        if ref.family not in (None, "tw"):
            return directory.by_code(code, ref.family)
        return directory.by_code(code, "tw")
    if ref.form != "paren" or (code in ACRONYM_NAMES and not ref.explicit):
        return None
    return directory.by_code(code, ref.family) if ref.family else directory.by_code(code)


def _ticker_counts(ref: TickerRef, company: Company, directory: CompanyDirectory) -> bool:
    if ref.explicit:
        return True
    names = directory.names(company.key)
    if ref.form == "code_first":
        return names_at(ref.name, names, start=True) is not None
    if names_at(ref.name, names, start=False) is not None:
        return True
    code = ref.code.upper()
    return (
        ref.form == "paren"
        and not code[:1].isdigit()
        and company.source == "curated"
        and len(code) >= 2
        and code not in WORDLIKE_TICKERS
    )


_KY_END = re.compile(r"[-－]?KY$")


@lru_cache(maxsize=65536)
def _bare_key(name: str) -> str:
    """A name's key without its KY marker."""
    return name_key(_KY_END.sub("", name))


def names_at(run: str, names: tuple[str, ...], start: bool) -> str | None:
    """The longest of ``names`` that ``run`` starts (or ends) with, in any script."""
    key = _bare_key(run)
    best = None
    for name in names:
        norm = _bare_key(name)
        if len(norm) >= 2 and (key.startswith(norm) if start else key.endswith(norm)):
            best = name if best is None or len(name) > len(best) else best
    return best


def _ky_names(text: str, directory: CompanyDirectory) -> list[str]:
    """``譜瑞-KY``: a name written with the KY marker is that Taiwan listing for sure."""
    if "KY" not in text:
        return []
    keys = []
    for match in KY_NAME.finditer(text):
        run = name_key(match.group("name"))
        for cut in range(len(run) - 1):
            alias = run[cut:]
            ky = [k for k in directory.by_alias.get(alias, ()) if _is_ky(directory.get(k))]
            if ky:
                keys.append(_pick(set(ky), directory))
                break
    return keys


def _is_ky(company: Company | None) -> bool:
    return company is not None and company.name.endswith("-KY")


_NAME_SUFFIXES = (
    "电机",
    "电子",
    "电信",
    "科技",
    "集团",
    "公司",
    "股份",
    "企业",
    "工业",
    "实业",
    "控股",
    "投控",
    "国际",
    "精密",
    "光电",
    "半导体",
    "航空",
    "海运",
    "航运",
    "金控",
    "电脑",
    "化学",
    "化工",
    "塑胶",
    "钢铁",
    "晶圆",
    "通讯",
    "生技",
    "材料",
)


_SUFFIX_ENDINGS = frozenset(suffix[-2:] for suffix in _NAME_SUFFIXES)


def company_stem(token: str, directory: CompanyDirectory) -> str | None:
    """A known name followed by a company-type word is that name: ``东元电机`` ->
    ``东元``; the word may share its first character with the name's last
    (``南亚科`` + ``科技``, ``华邦电`` + ``电子``, ``环球晶`` + ``晶圆``)."""
    return _stem(token, directory, fitting=True)


def misfit_stem(token: str, directory: CompanyDirectory) -> str | None:
    """A short name followed by an industry word its company's industry contradicts
    (晶華 + 半導體: a hotel group): probably another company of that name, so the
    short name counts only with stronger evidence (its ticker)."""
    return _stem(token, directory, fitting=False)


def _stem(token: str, directory: CompanyDirectory, fitting: bool) -> str | None:
    if len(token) < 3 or token.isascii() or token[-2:] not in _SUFFIX_ENDINGS:
        return None
    for suffix in _NAME_SUFFIXES:
        if token.endswith(suffix):
            for name, shortest in ((token[: -len(suffix) + 1], 3), (token[: -len(suffix)], 2)):
                # The name may share the suffix's first character (南亞科 + 科技).
                if (
                    len(name) >= shortest
                    and name in directory.by_alias
                    and _fits(name, suffix, directory) == fitting
                ):
                    return name
    return None


def _fits(name: str, suffix: str, directory: CompanyDirectory) -> bool:
    """Any company of that name may carry the suffix (see :mod:`digests.name_suffixes`)."""
    companies = directory.companies
    return any(suffix_fits(suffix, companies[k].industry) for k in directory.by_alias[name])


def _has_latin_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text) is not None
