"""Find company mentions in an analysed article.

Names found on the segmenter's tokens (and the tables that make that fast) are in
:mod:`digests.name_tokens`.  Learning the aliases an article introduces
(名稱(代號), 中文名(English)) is in :mod:`digests.aliases`, which shares this
module's name shapes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import compress, count, repeat
from operator import attrgetter, contains, ne, not_

from digests import regexcache
from digests.analysis import ArticleAnalysis
from digests.companies import (
    ACCENTED_LATIN,
    Company,
    CompanyDirectory,
    fold_latin,
    is_etf,
    phrase_pattern,
    preferred,
)
from digests.models import CompanyMention as Mention
from digests.name_tokens import LETTER_RUN, MentionIndex, aliases_at
from digests.normalize import name_key
from digests.textproc import to_simplified
from digests.tickers import (
    KY_NAME,
    PAREN_TICKER,
    TickerRef,
    etf_codes,
    ticker_refs,
    with_name,
)

NAME_WITH_PARENS = regexcache.compile(
    r"(?P<zh>[\u3400-\u9fff]{2,14})\s*[（(]\s*(?P<other>[^()（）\n]{1,48}?)\s*[)）]"
)
# Everything up to the last function word or descriptor is not part of the name:
# 約華爾街的貝萊德 -> 貝萊德, 晶片巨頭輝達 -> 輝達.  Longer alternatives come first.
ZH_CUT = regexcache.compile(
    r".*(?:為何|为何|例如|包括|包含|其中|以及|旗下|子公司|母公司|龍頭|龙头|大廠|大厂|業者|业者|"
    r"巨頭|巨头|巨擘|領頭羊|领头羊|當年|当年|根據|根据|不亞於|不亚于|如同|"
    r"新創|新创|新貴|新贵|新股|新兵|個股|个股|概念股|供應商|供应商|廠商|厂商|代工廠|代工厂|"
    r"製造商|制造商|對手|对手|客戶|客户|同業|同业|廠|厂|"
    r"的|與|与|和|及|、|是|在|由|如|像|被|從|从|為|为|對|对|向|讓|让|將|将|把|以|跟|同|或|了|於|于)"
)
ZH_COMPANY_SUFFIX = regexcache.compile(
    r"(?:公司|集團|集团|科技|電子|电子|銀行|银行|資本|资本|控股|材料|半導體|半导体|能源|汽車|汽车|"
    r"證券|证券|投信|投顧|金控|航運|航运|生技|製藥|制药|電機|电机|工業|工业|實業|实业|咖啡)$"
)
EN_COMPANY_SUFFIX = regexcache.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Ltd|Limited|Group|Holdings|Materials|Technologies|Technology|"
    r"Systems|Capital|Bank|Motors|Energy|Semiconductor|Electronics|Industries|Pharmaceuticals|"
    r"Rare Earths|Coffee|Partners|Securities|AG|SE|SA|PLC|NV|ASA|A/S|AB|Oyj|GmbH|KGaA|SpA|"
    r"S\.A|S\.p\.A|N\.V|K\.K)\.?$",
    re.IGNORECASE,
)
ZH_NOT_COMPANY = regexcache.compile(
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
    sentences = [s for sec in analysis.sections for s in sec.sentences]
    texts = [analysis.article.title, *map(_TEXT, sentences)]
    token_lists = [analysis.title_tokens, *map(_TOKENS, sentences)]
    index = directory.derived("mentions", MentionIndex)
    distinct = set().union(*token_lists)  # a third faster than set(chain(...))
    index.classify(distinct)
    # Which sentences each finder below may find something in, tested in C over the
    # whole article (a few passes over its sentences) rather than by each finder in
    # each sentence: a finder is called only where its own first tests would pass.
    citing = _citing(texts)
    mixing = _mixing(texts, directory, index)
    marked = set(compress(count(), map(contains, texts, repeat("KY"))))
    marked.update(compress(count(), map(ACCENTED_LATIN.search, texts)))
    places = index.places(token_lists)
    # Where _phrase_hits may find something: a token that is a phrase's first word, or
    # an empty token list or a text in ASCII alone (its other path, which reads the text).
    phrasing: set[int] = set()
    phrase_words = index.phrase_words
    if not phrase_words.isdisjoint(distinct):
        phrasing.update(compress(count(), map(not_, map(phrase_words.isdisjoint, token_lists))))
    phrasing.update(compress(count(), map(not_, token_lists)))
    phrasing.update(compress(count(), map(str.isascii, texts)))
    todo = set(places)
    todo.update(citing, mixing, marked, phrasing)
    for u in sorted(todo):
        text = texts[u]
        section = sentences[u - 1].section if u else -1
        hits = _sentence_companies(
            text,
            token_lists[u],
            directory,
            index,
            places.get(u, ()),
            u in citing,
            u in mixing,
            u in marked,
            u in phrasing,
        )
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


_TEXT = attrgetter("text")
_TOKENS = attrgetter("tokens")
_FOUR_DIGITS = regexcache.compile(r"\d\d\d\d")
"""``\\d{4}`` written out: the same matches, found several times faster (``re`` scans for
the first digit instead of trying its repeat at every character)."""


def _may_cite(text: str) -> bool:
    """What every form of :func:`ticker_refs` and :func:`etf_codes` needs: a parenthesis
    or four digits.  A sentence without them skips :func:`_ticker_hits`."""
    return "(" in text or "（" in text or _FOUR_DIGITS.search(text) is not None


def _citing(texts: list[str]) -> set[int]:
    """The texts :func:`_ticker_hits` may find a ticker in: a parenthesised ticker
    (:data:`PAREN_TICKER`, searched only in texts with a parenthesis) or four digits
    (every other form: a code of four digits or more, an ETF code ``00`` + 2-4 digits).
    In any other text it finds no citation at all."""
    paren = set(compress(count(), map(contains, texts, repeat("("))))
    paren.update(compress(count(), map(contains, texts, repeat("（"))))
    order = sorted(paren)
    out = set(compress(order, map(PAREN_TICKER.search, map(texts.__getitem__, order))))
    out.update(compress(count(), map(_FOUR_DIGITS.search, texts)))
    return out


def _mixing(texts: list[str], directory: CompanyDirectory, index: MentionIndex) -> set[int]:
    """The texts :func:`_mixed_hits` must look at: those its own first tests do not
    rule out.  It finds nothing in a text without an ASCII letter (or Kelvin sign), nor
    in one whose lower case keeps every offset, has no Kelvin sign and has no run of
    Latin letters a mixed-script name starts with; these tests are made here in C,
    one pass per test over the article's texts."""
    if not directory.mixed:
        return set()
    lettered = list(compress(count(), map(_ASCII_LETTER.search, texts)))
    written = list(map(texts.__getitem__, lettered))
    lowered = list(map(str.lower, written))
    runs_free = map(index.mixed_runs.isdisjoint, map(LETTER_RUN.findall, lowered))
    out = set(compress(lettered, map(not_, runs_free)))
    out.update(compress(lettered, map(ne, map(len, lowered), map(len, written))))
    out.update(compress(lettered, map(contains, written, repeat("\u212a"))))
    return out


def _sentence_companies(
    text: str,
    tokens: list[str],
    directory: CompanyDirectory,
    index: MentionIndex,
    places: Sequence[int],
    may_cite: bool,
    may_mix: bool,
    may_mark: bool,
    may_phrase: bool,
) -> list[tuple[str, str]]:
    """What the sentence names.  ``places``: where its tokens may name a company (see
    :meth:`MentionIndex.places`); ``may_cite``: see :func:`_citing`; ``may_mix``: see
    :func:`_mixing`; ``may_mark``: it has a KY marker or a letter with diacritics;
    ``may_phrase``: some token may start a multi-word name (false only when
    :func:`_phrase_hits` would find that none does).  A finder whose condition fails
    would find nothing: it is not called."""
    if may_cite:
        cited, hits = _ticker_hits(text, directory)
    else:
        cited, hits = set(), []
    phrases = _phrase_hits(text, tokens, directory, index) if may_phrase else []
    # The sentence as aliases are keyed, converted at most once (for mixed-script names
    # and beside a longer name).
    comparable = _Comparable(text) if may_mix or phrases else None
    if may_mix:
        mixed = _mixed_hits(text, directory, index, comparable)
        if mixed:
            phrases = phrases + mixed
    for alias, compound, crossed in aliases_at(tokens, places, directory, index) if places else ():
        labels = directory.exact_case.get(alias)
        if labels and not any(_has_latin_word(text, label) for label in labels):
            continue
        if not compound and phrases and _inside_phrases(alias, text, phrases, comparable):
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
    if not may_mark:
        return hits  # no KY marker, no letter with diacritics
    if "KY" in text:
        hits.extend((key, CERTAIN) for key in _ky_names(text, directory))
    if ACCENTED_LATIN.search(text):
        hits.extend((key, CERTAIN) for key in _accented_names(text, directory))
    return hits


_COMPANY_AFTER = regexcache.compile(
    r"\s*(?:[-－]?\s*KY|公司|集團|集团|Inc|Corp|Ltd|Group)", re.IGNORECASE
)


def _phrase_hits(
    text: str, tokens: list[str], directory: CompanyDirectory, index: MentionIndex
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
    lowered = text.lower() if _CASE_TWINS.search(text) is None else None
    for label, key in candidates:
        if lowered is not None and not all(map(lowered.__contains__, _label_pieces(label))):
            continue  # a piece of the name is missing: its pattern cannot match
        match = phrase_pattern(label).search(text)
        if match:
            out.append((key, match.start(), match.end()))
    return out


_CASE_TWINS = regexcache.compile("[\u0130\u0131\u017f\u212a]")
"""The characters other than ASCII letters that ``re.IGNORECASE`` matches with an ASCII
letter (İ and ı with i, ſ with s, the Kelvin sign with k): in a text holding none, an
ASCII letter of a pattern matches a letter of ``text.lower()`` equal to its own lower
case, and nothing else."""


@lru_cache(maxsize=4096)
def _label_pieces(label: str) -> tuple[str, ...]:
    """What every match of :func:`phrase_pattern` of ``label`` holds, lower-cased: the
    pieces of its words between hyphens (which it matches literally, any case; a
    hyphen may become a space or vanish, words are joined by any spaces).  Only for
    ASCII names: for any other, no piece is required (the pattern is searched)."""
    if not label.isascii():
        return ()
    return tuple(p.lower() for word in label.split() for p in word.split("-") if p)


def _mixed_hits(
    text: str,
    directory: CompanyDirectory,
    index: MentionIndex,
    comparable: Callable[[], str] | None = None,
) -> list[tuple[str, int, int]]:
    """Names mixing Latin and Chinese (三星SDI, LG化學), with their spans.

    ``comparable``: :func:`_comparable` of ``text``, remembered for the sentence."""
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
        runs = set(LETTER_RUN.findall(lowered))
        if index.mixed_runs.isdisjoint(runs):
            return []
        low = comparable() if comparable is not None else _comparable(text)
    else:
        low = comparable() if comparable is not None else _comparable(text)
        runs = set(LETTER_RUN.findall(low))
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


_ASCII_LETTER = regexcache.compile("[A-Za-z\u212a]")  # the Kelvin sign lower-cases to k


class _Comparable:
    """:func:`_comparable` of one sentence, worked out at most once: a plain object
    rather than ``functools.cache(partial(...))``, which cost 2 us to make per sentence."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value: str | None = None

    def __call__(self) -> str:
        if self.value is None:
            self.value = _comparable(self.text)
        return self.value


def _comparable(text: str) -> str:
    """The text as aliases are keyed (Simplified, lower case), offsets kept."""
    simplified = to_simplified(text)
    lowered = simplified.lower()
    return lowered if len(lowered) == len(simplified) else simplified


def _inside_phrases(
    alias: str,
    text: str,
    phrases: list[tuple[str, int, int]],
    comparable: Callable[[], str] | None = None,
) -> bool:
    """Every place the sentence writes ``alias`` lies inside a longer name it also writes.

    ``comparable``: :func:`_comparable` of ``text``, remembered for the sentence."""
    spans = [(start, end) for _, start, end in phrases if end - start > len(alias)]
    if not spans:
        return False
    if alias.isascii():
        places = [m.start() for m in _word_pattern(alias, True).finditer(text)]
    else:
        low = comparable() if comparable is not None else _comparable(text)
        places = [m.start() for m in _literal_pattern(alias).finditer(low)]
    return bool(places) and all(any(s <= p < e for s, e in spans) for p in places)


@lru_cache(maxsize=4096)
def _word_pattern(word: str, ignore_case: bool) -> re.Pattern[str]:
    """``word`` (a directory name) with no Latin letter beside it: compiled once per
    name instead of escaped, formatted and looked up in ``re``'s cache at each call."""
    flags = re.IGNORECASE if ignore_case else 0
    # Kept between runs as phrase_pattern's are (regexcache.compile_data).
    return regexcache.compile_data(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", flags)


@lru_cache(maxsize=4096)
def _literal_pattern(word: str) -> re.Pattern[str]:
    return regexcache.compile_data(re.escape(word))


def _bare_acronym(alias: str, text: str) -> bool:
    """An acronym name (GIS, PTC) with no company word or KY marker right after it."""
    if not alias.isascii() or alias.upper() not in ACRONYM_NAMES:
        return False
    for m in _word_pattern(alias, True).finditer(text):
        if _COMPANY_AFTER.match(text, m.end()):
            return False
    return True


_LATIN_WORD = regexcache.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:[-.&'][A-Za-z0-9\u00c0-\u024f]+)*")


def _accented_names(text: str, directory: CompanyDirectory) -> list[str]:
    """Names written with diacritics (Ørsted, Nestlé), which the segmenter cuts apart:
    matched on the Latin words of the text with the marks folded away."""
    if not ACCENTED_LATIN.search(text):
        return []
    folded = fold_latin(text)
    keys = []
    for m in _LATIN_WORD.finditer(text):
        if not ACCENTED_LATIN.search(m.group()):
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


def _ticker_hits(text: str, directory: CompanyDirectory) -> tuple[set[str], list[tuple[str, str]]]:
    """Companies whose ticker the sentence prints (cited), and those that count."""
    cited: set[str] = set()
    hits: list[tuple[str, str]] = []
    if not _may_cite(text):
        return cited, hits  # every form of ticker_refs and etf_codes needs one of these
    for ref in ticker_refs(text, names=False):  # the name only for the few that resolve
        company = resolve_ticker(ref, directory)
        if company is None:
            continue
        cited.add(company.key)
        if _ticker_counts(ref, company, directory, text):
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


def _ticker_counts(
    ref: TickerRef, company: Company, directory: CompanyDirectory, text: str
) -> bool:
    """Whether a citation of ``text`` counts as a mention of ``company``; ``ref`` may come
    without its name (``ticker_refs(text, names=False)``): it is read only past the
    explicit exchange, which settles it."""
    if ref.explicit:
        return True
    ref = with_name(ref, text)
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


KY_END = regexcache.compile(r"[-－]?KY$")
"""A KY marker ending a name (譜瑞-KY): names and the aliases they are compared with
drop it."""


@lru_cache(maxsize=65536)
def _bare_key(name: str) -> str:
    """A name's key without its KY marker."""
    return name_key(KY_END.sub("", name))


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


def _has_latin_word(text: str, word: str) -> bool:
    return _word_pattern(word, False).search(text) is not None
