"""Find company mentions in an analysed article, and learn aliases it introduces."""

from __future__ import annotations

import re

from digests.analysis import ArticleAnalysis
from digests.companies import Company, CompanyDirectory, LearnedAlias, preferred
from digests.models import CompanyMention as Mention
from digests.normalize import name_key

_TICKER_IN_PARENS = re.compile(
    r"[（(]\s*(?:(?:TWSE|TPEx|TWO|NASDAQ|NYSE|HKEX|OTC)\s*[:：]\s*)?"
    r"(\d{4,6}|[A-Z]{1,5})(?:\.(?:TW|TWO|HK|US))?\s*[)）]"
)
_NAME_WITH_PARENS = re.compile(
    r"(?P<zh>[\u3400-\u9fff]{2,14})\s*[（(]\s*(?P<other>[^()（）\n]{1,48}?)\s*[)）]"
)
# Everything up to the last function word or descriptor is not part of the name:
# 約華爾街的貝萊德 -> 貝萊德, 晶片巨頭輝達 -> 輝達.  Longer alternatives come first.
_ZH_CUT = re.compile(
    r".*(?:為何|为何|例如|包括|包含|其中|以及|旗下|子公司|母公司|龍頭|龙头|大廠|大厂|業者|业者|"
    r"巨頭|巨头|巨擘|領頭羊|领头羊|當年|当年|根據|根据|不亞於|不亚于|如同|"
    r"的|與|与|和|及|、|是|在|由|如|像|被|從|从|為|为|對|对|向|讓|让|將|将|把|以|跟|同|或|了|於|于)"
)
_ZH_COMPANY_SUFFIX = re.compile(
    r"(?:公司|集團|集团|科技|電子|电子|銀行|银行|資本|资本|控股|材料|半導體|半导体|能源|汽車|汽车|"
    r"證券|证券|投信|投顧|金控|航運|航运|生技|製藥|制药|電機|电机|工業|工业|實業|实业|咖啡)$"
)
_EN_COMPANY_SUFFIX = re.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Ltd|Limited|Group|Holdings|Materials|Technologies|Technology|"
    r"Systems|Capital|Bank|Motors|Energy|Semiconductor|Electronics|Industries|Pharmaceuticals|"
    r"Rare Earths|Coffee|Partners|Securities|AG|SE|SA|PLC|NV)\.?$",
    re.IGNORECASE,
)
_ZH_NOT_COMPANY = re.compile(
    r"(?:局|署|部|會|会|院|組織|组织|協會|协会|委員會|委员会|中心|大學|大学|政府|指數|指数)$"
)
TERM_ACRONYMS = frozenset(
    (
        "AI AGI IEA USGS ESS TWH GWH MWH KWH GW MW KW GPU CPU TPU HBM DRAM NAND SSD PCB ETF "
        "ESG ERP SAAS EV EVS IPO GDP CPI PMI CEO CFO CTO IOT API ASIC SOC FPGA LLM OEM ODM EMS "
        "CAGR ROE ROI EPS PE PB TDP PUE CDU UPS BBU LFP NCM NDFEB REE FIT RFID QFLP QDII RMB USD "
        "TWD NTD NT FED ECB OPEC WTO NATO EU UN IMF SEC FDA EPA DOE DOD PCE YOY QOQ MOU OTA UI UX "
        "VR AR XR AIOT SAF CCUS CBAM"
    ).split()
)


CERTAIN, WEAK, AMBIGUOUS = "certain", "weak", "ambiguous"


def find_mentions(analysis: ArticleAnalysis, directory: CompanyDirectory) -> list[Mention]:
    """Every (company, sentence) an article names, matched on tokens and tickers.

    Confidence decides what counts: a curated or distinctive name counts alone; a
    two-character exchange short name (綠電, 全域) counts beside its ticker or in a
    sentence that also names another company for sure (a list of peers); a name that
    is an everyday word (統一, 全家) counts beside its ticker or when the article also
    names the company unambiguously.
    """
    found: dict[tuple[str, int, str], None] = {}
    doubtful: list[Mention] = []
    confirmed: set[str] = set()
    units = [(-1, analysis.article.title, analysis.title_terms)]
    units += [(s.section, s.text, s.terms) for sec in analysis.sections for s in sec.sentences]
    for section, text, terms in units:
        hits = _sentence_companies(text, terms, directory)
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
    text: str, terms: dict[str, int], directory: CompanyDirectory
) -> list[tuple[str, str]]:
    hits: list[tuple[str, str]] = []
    for alias in terms.keys() & directory.by_alias.keys():
        labels = directory.exact_case.get(alias)
        if labels and not any(_has_latin_word(text, label) for label in labels):
            continue
        keys = directory.by_alias[alias]
        key = min(keys) if len(keys) == 1 else preferred(keys, directory.companies)
        company = directory.companies[key]
        if company.ticker and _ticker_follows(text, company.ticker):
            hits.append((key, CERTAIN))
        elif alias in directory.ambiguous:
            hits.append((key, AMBIGUOUS))
        elif alias in directory.weak:
            hits.append((key, WEAK))
        else:
            hits.append((key, CERTAIN))
    for term in terms:
        if term[-2:] not in _SUFFIX_ENDINGS or term in directory.by_alias:
            continue
        stem = _company_stem(term, directory)
        if stem is not None:
            keys = directory.by_alias[stem]
            hits.append(
                (min(keys) if len(keys) == 1 else preferred(keys, directory.companies), CERTAIN)
            )
    for first in terms.keys() & directory.phrases.keys():
        for pattern, key in directory.phrases[first]:
            if pattern.search(text):
                hits.append((key, CERTAIN))
    for match in _TICKER_IN_PARENS.finditer(text):
        company = directory.by_code(match.group(1))
        if company is not None:
            hits.append((company.key, CERTAIN))
    return hits


_NAME_SUFFIXES = (
    "电机",
    "电子",
    "科技",
    "集团",
    "公司",
    "股份",
    "企业",
    "工业",
    "实业",
    "控股",
    "国际",
    "精密",
)


_SUFFIX_ENDINGS = frozenset(suffix[-2:] for suffix in _NAME_SUFFIXES)


def _company_stem(token: str, directory: CompanyDirectory) -> str | None:
    """``东元电机`` -> ``东元``: a known name followed by a company-type word is that name."""
    if len(token) < 3 or token.isascii():
        return None
    for suffix in _NAME_SUFFIXES:
        if token.endswith(suffix):
            stem = token[: -len(suffix)]
            if len(stem) >= 2 and stem in directory.by_alias:
                return stem
    return None


def _has_latin_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text) is not None


def _ticker_follows(text: str, ticker: str) -> bool:
    return re.search(rf"[（(]\s*{re.escape(ticker)}(?:\.TWO?)?\s*[)）]", text) is not None


# --- alias learning ---------------------------------------------------------------


def learn_aliases(text: str, directory: CompanyDirectory) -> list[LearnedAlias]:
    """Chinese names linked to a ticker or an English name in parentheses.

    ``台積電(2330)`` and ``輝達(NVDA)`` attach the Chinese name to a known ticker;
    ``星巴克(Starbucks)`` attaches it to the company the English name resolves to;
    an unknown pair becomes a new company only when one side reads like a company
    (公司/集團… or Inc/Group/Materials…).  Acronyms of terms and agencies (AI, IEA,
    USGS, ESS, TWh) never make a company.
    """
    learned: dict[tuple[str, str], LearnedAlias] = {}
    for match in _NAME_WITH_PARENS.finditer(text):
        zh = trim_chinese_name(match.group("zh"))
        other = match.group("other").strip()
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


def _known_suffix(zh: str, company: Company, directory: CompanyDirectory) -> str | None:
    """If the run ends with a name the company already has, that name is the match."""
    known = directory.get(company.key)
    names = (known.name, *known.aliases) if known else (company.name, *company.aliases)
    endings = [n for n in names if zh.endswith(n)]
    return max(endings, key=len) if endings else None


def trim_chinese_name(run: str) -> str | None:
    """The name at the end of a Chinese run: ``約華爾街的貝萊德`` -> ``貝萊德``."""
    name = _ZH_CUT.sub("", run)
    name = re.sub(r"^.*公司(?=.{2,}$)", "", name)  # 新創公司晶馳科技 -> 晶馳科技
    name = re.sub(r"公司$", "", name) if len(name) > 4 else name
    if len(name) < 2 or len(name) > 10 or _ZH_NOT_COMPANY.search(name):
        return None
    return name


def _resolve_other(other: str, zh: str, directory: CompanyDirectory) -> Company | None:
    if re.fullmatch(r"\d{4,6}(?:\.TWO?)?", other):
        return directory.by_code(other.split(".")[0])
    compact = other.replace(" ", "")
    if compact.upper() in TERM_ACRONYMS or re.fullmatch(r"[\d.,%\s]+.*", other):
        return None
    known = directory.lookup(other) or directory.lookup(zh)
    if known is not None:
        return known
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9&.'\- ]{1,46}", other):
        return None
    if re.fullmatch(r"[A-Z]{1,5}", other):
        return None  # an unknown all-caps token is more often a term than a ticker
    if not other[0].isupper() or any(
        piece[:1].islower() for piece in re.split(r"[\s\-]+", other) if piece not in _EN_GLUE
    ):
        return None  # "Waste-to-Energy", "rare earth elements": terms, not names
    if _ZH_COMPANY_SUFFIX.search(zh) or _EN_COMPANY_SUFFIX.search(other):
        name = re.sub(r"公司$", "", zh)
        return Company(key=f"name:{name}", name=name, aliases=(other,), source="learned")
    return None


_EN_GLUE = frozenset({"of", "and", "the", "&", "de", "du", "von", "van"})


def _is_name_like(alias: str) -> bool:
    norm = name_key(alias)
    return len(norm) >= 2 and norm.upper() not in TERM_ACRONYMS and not norm.isdigit()
