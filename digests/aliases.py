"""Learn the aliases an article introduces: a name written with its ticker or English name.

``中華電信(2412-TW)`` teaches 中華電信 = 中華電; a name beside a ticker no table knows is a
new company (a new listing); ``萊納斯稀土公司(Lynas Rare Earths)`` links the Chinese name to
the English one.  The name shapes and ticker rules are shared with :mod:`digests.mentions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from digests import regexcache
from digests.companies import (
    AMBIGUOUS_WORD_FREQ,
    Company,
    CompanyDirectory,
    LearnedAlias,
    fold_latin,
)
from digests.directory_sources import foreign_names
from digests.mentions import (
    ACRONYM_NAMES,
    EN_COMPANY_SUFFIX,
    KY_END,
    TERM_ACRONYMS,
    ZH_COMPANY_SUFFIX,
    ZH_CUT,
    ZH_NOT_COMPANY,
    names_at,
    resolve_ticker,
)
from digests.name_tokens import company_stem
from digests.normalize import name_key
from digests.textproc import general_word_freq, to_simplified
from digests.tickers import PAREN_TICKER, TickerRef, ticker_refs, with_name


def learn_aliases(text: str, directory: CompanyDirectory) -> list[LearnedAlias]:
    """Names linked to a ticker or an English name in parentheses.

    ``中華電信(2412-TW)`` teaches 中華電信 = 中華電 (the name shares the ticker's
    company's name: a year in parentheses never does); ``輝達(NVDA)`` attaches the
    Chinese name to a known ticker; a name beside a ticker no table knows
    (``晶研創新（7854）``, ``奧克洛(OKLO-US)``) is a new company;
    ``星巴克(Starbucks)`` attaches the name to the company the English name resolves
    to; an unknown name pair becomes a new company only when one side reads like a
    company (公司/集團… or Inc/Group/Materials…).  Acronyms of terms and agencies (AI,
    IEA, USGS, ESS, TWh) never make a company.
    """
    learned: dict[tuple[str, str], LearnedAlias] = {}
    for ref in ticker_refs(text, names=False):  # named below only where it is read
        item = _learn_from_ticker(ref, directory, text)
        if item is not None:
            learned[(item.company.key, item.alias)] = item
    for run, other in names_with_parens(text):
        other = other.strip()
        ticker = PAREN_TICKER.fullmatch(f"({other})")
        if ticker and (ticker["code"][:1].isdigit() or ticker["sfx"] or ticker["ex"]):
            continue  # a printed ticker: handled above
        zh = trim_chinese_name(run)
        if zh is None:
            continue
        company = _resolve_other(other, zh, directory)
        if company is None:
            continue
        zh = _known_suffix(zh, company, directory) or zh
        for alias in (zh, other):
            current = directory.lookup(alias)
            if (current is None or current.key != company.key) and _is_name_like(alias):
                learned[(company.key, alias)] = LearnedAlias(alias, company)
    return list(learned.values())


_OPEN_PAREN = regexcache.compile("[（(]")
_ZH_BEFORE = regexcache.compile(r"[\u3400-\u9fff]{2,14}\Z")
_IN_PARENS = regexcache.compile(r"[（(]\s*(?P<other>[^()（）\n]{1,48}?)\s*[)）]")


def names_with_parens(text: str) -> Iterator[tuple[str, str]]:
    """:data:`NAME_WITH_PARENS`'s matches (its ``zh`` and ``other``), found faster.

    The pattern tries up to 13 name lengths at every Chinese character, while most
    runs are followed by no parenthesis at all.  Its name is Chinese and what may
    follow the name (spaces, the parenthesis) is not, so a match's name ends where its
    run of Chinese characters does, right before the spaces and the parenthesis: it is
    the run's last 14 characters at most.  So each opening parenthesis is looked back
    from.  Two matches never share text (what is inside the parentheses holds no
    parenthesis), so each is found once, in order.  ``str.isspace`` is ``\\s``.
    """
    for paren in _OPEN_PAREN.finditer(text):
        at = end = paren.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        name = _ZH_BEFORE.search(text, max(0, end - 14), end)
        if name is not None and (inside := _IN_PARENS.match(text, at)) is not None:
            yield name.group(), inside["other"]


_FAMILY_MARKET = {
    "tw": "TW",
    "us": "US",
    "jp": "TSE",
    "hk": "HKEX",
    "kr": "KRX",
    "cn": "CN",
    "de": "XETRA",
    "eu": "Euronext",
    "uk": "LSE",
    "ch": "SIX",
    "au": "ASX",
}
_TERM_END = regexcache.compile(
    r"(?:管理|系統|系统|規劃|规划|技術|技术|平台|模型|指數|指数|標準|标准|協議|协议|架構|架构|"
    r"方案|服務|服务|軟體|软件|設計|设计|製造|制造|流程|分析|網路|网络|計畫|计划|資源|资源)$"
)
# Module constants rather than ``re`` calls with the source inline: kept between runs by
# regexcache, where re compiled each in every fresh process (about 0.4 ms each).
_LATIN_NAME = regexcache.compile(r"[A-Za-z][A-Za-z0-9&.,' -]{1,40}")
_FOUR_DIGIT_CODE = regexcache.compile(r"\d{4}")
_NOT_NAME_CHAR = regexcache.compile(r"[^\u3400-\u9fffA-Za-z0-9]")
_NOT_NAME_END = regexcache.compile(
    r"[年月日季週周期度前後后底初中元股檔档家張张倍億亿萬万點点天次]$"
)


def _learn_from_ticker(
    ref: TickerRef, directory: CompanyDirectory, text: str
) -> LearnedAlias | None:
    """What a citation of ``text`` teaches; ``ref`` may come without its name
    (``ticker_refs(text, names=False)``): it is read (:func:`with_name`) only past the
    tests that need none."""
    company = resolve_ticker(ref, directory)
    if company is None:
        new = _new_listed_company(ref, text)
        return LearnedAlias(new.name, new) if new is not None else None
    ref = with_name(ref, text)
    names = directory.names(company.key)
    if not ref.name or names_at(ref.name, names, start=ref.form == "code_first"):
        return None  # nothing new: the name beside the ticker is already known
    if ref.code[:1].isdigit():
        alias = _variant_name(ref, names)
    elif ref.explicit:
        alias = _written_name(ref.name)
    else:
        return None  # a bare (NVDA) is learned with the name pairs below
    if alias is None or not _is_name_like(alias):
        return None
    current = directory.lookup(alias)
    return LearnedAlias(alias, company) if current is None else None


def _variant_name(ref: TickerRef, names: tuple[str, ...]) -> str | None:
    """The writer's name for a listed company: the run from where the exchange name
    starts (``電信三雄中華電信`` -> 中華電信 for 中華電); ``None`` when the run shares no
    start with any of its names (``去年(2024)`` is not 志聯)."""
    run = KY_END.sub("", ref.name)
    key = name_key(run)
    if len(key) != len(run):
        return None
    starts = []
    for name in names:
        norm = name_key(name)
        if len(norm) >= 2 and not norm.isascii():
            at = key.find(norm[:2])
            if at >= 0:
                starts.append((at, len(norm)))
    if not starts:
        return None
    at, length = min(starts)
    # Code first (``2454 聯發科技``): the run must start with the name.
    candidate = (run if at == 0 else "") if ref.form == "code_first" else run[at:]
    if not 2 <= len(candidate) <= min(10, length + 3) or _NOT_NAME_END.search(candidate):
        return None
    return candidate


def _written_name(run: str) -> str | None:
    """The name printed before a ticker: the end of a Chinese run, or a Latin name."""
    if _LATIN_NAME.fullmatch(run):
        words = run.strip(" ,.").split()
        while words and not words[0][:1].isupper():
            words.pop(0)  # "including CoreWeave" -> CoreWeave
        name = " ".join(words)
        return name if len(name) >= 2 and name.upper() not in TERM_ACRONYMS else None
    return trim_chinese_name(run)


def _new_listed_company(ref: TickerRef, text: str) -> Company | None:
    """A name beside a ticker no table knows: a new listing (興櫃, this year's IPOs) or a
    foreign company outside the index data.  Bare numbers need a plausible code (not a
    year) and a name that is no everyday word; Latin tickers need a market suffix."""
    code = ref.code.upper()
    if code[:1].isdigit():
        if ref.family not in (None, "tw") or not _FOUR_DIGIT_CODE.fullmatch(code):
            return None
        if not ref.explicit and (1900 <= int(code) <= 2100 or ref.form == "name_first"):
            return None
        if ref.form == "code_first" and not ref.line_start:
            return None  # only a list line (``7854 晶研創新：…``) introduces a company
        written = with_name(ref, text).name
        name = written if ref.form == "code_first" else trim_chinese_name(written)
    elif ref.explicit and ref.form == "paren":
        name = _written_name(with_name(ref, text).name)
    else:
        return None
    if not name or not _new_name_ok(name):
        return None
    market = _FAMILY_MARKET.get(ref.family or "tw", "TW")
    return Company(f"{market}:{code}", name, (), code, market, source="learned")


def _new_name_ok(name: str) -> bool:
    if name.isascii():
        return 2 <= len(name) <= 40 and _is_name_like(name)
    return (
        2 <= len(name) <= 8
        and not _NOT_NAME_CHAR.search(name)
        and not _NOT_NAME_END.search(name)
        and not ZH_NOT_COMPANY.search(name)
        and general_word_freq(to_simplified(name)) < AMBIGUOUS_WORD_FREQ
    )


def _known_suffix(zh: str, company: Company, directory: CompanyDirectory) -> str | None:
    """If the run ends with a name the company already has, that name is the match."""
    known = directory.get(company.key)
    names = (known.name, *known.aliases) if known else (company.name, *company.aliases)
    endings = [n for n in names if zh.endswith(n)]
    return max(endings, key=len) if endings else None


_AFTER_COMPANY = regexcache.compile(r"^.*公司(?=.{2,}$)")
_AFTER_GROUP = regexcache.compile(r"^.*(?:集團|集团)(?=.{2,}$)")
_AFTER_TRADER = regexcache.compile(r"^.{2,}商(?=.{3,}$)")
_COMPANY_END = regexcache.compile(r"公司$")
_CODE_OTHER = regexcache.compile(r"\d{4,6}(?:\.TWO?)?")
_FIGURE_OTHER = regexcache.compile(r"[\d.,%\s]+.*")
_SHORT_CAPS = regexcache.compile(r"[A-Z][A-Z0-9]{0,5}")
_LATIN_OTHER = regexcache.compile(r"[A-Za-z][A-Za-z0-9&.,'’/\- ]{1,46}")
_ALL_CAPS = regexcache.compile(r"[A-Z]{1,5}")
_WORD_GAPS = regexcache.compile(r"[\s\-]+")


@lru_cache(maxsize=16384)
def trim_chinese_name(run: str) -> str | None:
    """The name at the end of a Chinese run: ``約華爾街的貝萊德`` -> ``貝萊德``.

    Remembered: it reads the run alone, and articles print the same names again."""
    name = ZH_CUT.sub("", run)
    name = _AFTER_COMPANY.sub("", name)  # 新創公司晶馳科技 -> 晶馳科技
    name = _AFTER_GROUP.sub("", name)  # 美妝集團歐萊雅 -> 歐萊雅
    name = _AFTER_TRADER.sub("", name)  # 能源商伊維爾德羅拉 -> 伊維爾德羅拉
    name = _COMPANY_END.sub("", name) if len(name) > 4 else name
    if len(name) < 2 or len(name) > 10 or ZH_NOT_COMPANY.search(name):
        return None
    return name


def _resolve_other(other: str, zh: str, directory: CompanyDirectory) -> Company | None:
    if _CODE_OTHER.fullmatch(other):
        return directory.by_code(other.split(".")[0])
    compact = other.replace(" ", "")
    if compact.upper() in ACRONYM_NAMES or _FIGURE_OTHER.fullmatch(other):
        return None  # 地理資訊系統(GIS) names a term, whoever else is called GIS
    known = (
        directory.lookup(other, tickers=False)
        or directory.lookup(zh, tickers=False)
        or _lookup_short_form(other, directory)
    )
    if known is None and (stem := company_stem(name_key(zh), directory)) is not None:
        known = directory.lookup(stem, tickers=False)  # 台塑集團(Formosa Plastics Group)
    if known is None and _SHORT_CAPS.fullmatch(other) and not _TERM_END.search(zh):
        # A bare (NVDA) is a ticker only for hand-picked companies: in index data
        # (CRM, MRP...) most short codes are also the acronyms of terms.
        by_code = directory.by_code(other)
        if by_code is not None and by_code.source == "curated":
            known = by_code
    if known is not None:
        return known
    # Diacritics (Électricité, Ørsted) and company punctuation (&, ., /, ',') are
    # part of names: test the shape on the folded spelling.
    folded = fold_latin(other)
    if not _LATIN_OTHER.fullmatch(folded):
        return None
    if _ALL_CAPS.fullmatch(other):
        return None  # an unknown all-caps token is more often a term than a ticker
    if not folded[0].isupper() or any(
        piece[:1].islower() for piece in _WORD_GAPS.split(folded) if piece not in _EN_GLUE
    ):
        return None  # "Waste-to-Energy", "rare earth elements": terms, not names
    if ZH_COMPANY_SUFFIX.search(zh) or EN_COMPANY_SUFFIX.search(other):
        name = _COMPANY_END.sub("", zh)
        return Company(key=f"name:{name}", name=name, aliases=(other,), source="learned")
    return None


def _lookup_short_form(other: str, directory: CompanyDirectory) -> Company | None:
    """``Logitech International S.A.`` is the index's Logitech: try the name without
    its legal and trade suffixes, the way the index data is shortened."""
    forms = foreign_names([other])[1:]
    for form in forms:
        if len(form) >= 4 and (known := directory.lookup(form, tickers=False)) is not None:
            return known
    return None


_EN_GLUE = frozenset({"of", "and", "the", "&", "de", "du", "des", "la", "von", "van", "der"})


def _is_name_like(alias: str) -> bool:
    norm = name_key(alias)
    return len(norm) >= 2 and norm.upper() not in TERM_ACRONYMS and not norm.isdigit()
