"""Display names in the reader's language: topics and companies.

The taxonomy and the company directory carry the names (data); which one a reader
sees is an interface decision, made here.  zh-CN readers get the Traditional name
converted with the rest of the message (``i18n.localize``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from digests import regexcache
from digests.companies import Company, CompanyDirectory
from digests.directory_sources import curated_companies
from digests.taxonomy import Taxonomy, Topic

_LATIN_NAME = regexcache.compile(r"[A-Za-z][A-Za-z0-9&.,'’ -]*")
_CJK = regexcache.compile(r"[\u3400-\u9fff]")


def topic_name(topic: Topic, lang: str) -> str:
    return topic.name_en or topic.name if lang == "en" else topic.name


def topic_choices(
    taxonomy: Taxonomy, names: Iterable[str], prefix: str, lang: str
) -> list[tuple[str, str]]:
    """(label, callback data) buttons for the topics ``names`` point to: each topic once,
    as the reader's language names it (Semiconductors, not 半導體), however many of its
    words the suggestions hold."""
    topics = (taxonomy.lookup(name) for name in names)
    return list(
        dict.fromkeys(
            (topic_name(topic, lang), f"{prefix}{topic.id}")
            for topic in topics
            if topic is not None
        )
    )


def english_company_name(company: Company) -> str | None:
    """The company's English name where the data has one: the name itself for companies
    abroad, else the first Latin alias of a curated entry (台積電 -> TSMC)."""
    if not _CJK.search(company.name):
        return company.name
    for alias in company.aliases:
        if _LATIN_NAME.fullmatch(alias) and len(alias) >= 2 and not alias.isdigit():
            return alias
    return None


def company_name(company: Company, lang: str) -> str:
    """English readers get the English name, else the Chinese name (with the ticker
    beside it wherever a company is shown, so it can still be looked up)."""
    if lang == "en":
        return english_company_name(company) or company.name
    return company.name


def company_names(names: list[str], directory: CompanyDirectory, lang: str) -> list[str]:
    """Canonical company names as a reader of ``lang`` knows them (TSMC for 台積電 in
    English); a name the directory cannot place is kept as written."""
    if lang != "en":
        return names
    out = []
    for name in names:
        company = directory.lookup(name, tickers=False)
        out.append(company_name(company, lang) if company is not None else name)
    return out


@cache
def _curated_english() -> dict[str, str]:
    """Chinese canonical name -> English name, from the curated table only: it is the
    one source of English names for Chinese-named companies (exchange tables have none),
    and it loads in milliseconds where the full directory takes seconds."""
    out = {}
    for company in curated_companies():
        english = english_company_name(company)
        if english is not None and english != company.name:
            out[company.name] = english
    return out


def follow_label(kind: str, label: str, lang: str) -> str:
    """A followed company's stored label (the name the articles use) as a reader of
    ``lang`` knows it, where no directory is at hand (alerts, the briefing's follow
    section): TSMC for 台積電 in English; zh-CN readers get the whole message converted."""
    if lang != "en" or kind != "company":
        return label
    return _curated_english().get(label, label)
