"""``briefbot topics|company|sector|search``: the store's answers as text or JSON."""

from __future__ import annotations

import argparse
import json
import unicodedata

from digests.answers import Point, not_repeated
from digests.companies import CompanyDirectory
from digests.lexicon import Lexicon
from digests.taxonomy import load_taxonomy
from store import Database
from store.answers import (
    CompanyAnswer,
    SearchAnswer,
    SectorAnswer,
    company_answer,
    search_answer,
    sector_answer,
    topic_counts,
)
from store.reference import query_lexicon

EXIT_OK, EXIT_NOT_FOUND = 0, 3


def _lexicon(db: Database) -> Lexicon:
    """The stored directory (jieba loads only if the command segments something)."""
    return query_lexicon(db)


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def cmd_topics(db: Database, args: argparse.Namespace) -> int:
    # The taxonomy alone: counting articles per topic needs no company directory.
    counts = topic_counts(db, Lexicon(load_taxonomy(), CompanyDirectory()))
    if args.json:
        _print_json(
            [
                {
                    "id": c.topic.id,
                    "name": c.topic.name,
                    "aliases": list(c.topic.aliases),
                    "articles": c.articles,
                }
                for c in counts
            ]
        )
        return EXIT_OK
    name_width = max((display_width(c.topic.name) for c in counts), default=0)
    for c in counts:
        name = pad_display(c.topic.name, name_width)
        print(f"{c.topic.id:<22} {name} {c.articles:>5} article{'s' if c.articles != 1 else ''}")
    return EXIT_OK


def display_width(text: str) -> int:
    """Terminal columns: wide (CJK) and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad_display(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (``str.ljust`` counts
    characters, which misaligns any column after Chinese text)."""
    return text + " " * max(0, width - display_width(text))


def _sources(points: list[Point]) -> list[dict]:
    """The article each summary sentence cites, aligned with ``summary``."""
    return [
        {"article_id": p.source.article_id, "title": p.source.title, "url": p.source.url}
        for p in points
    ]


def company_json(answer: CompanyAnswer) -> dict:
    company = answer.company
    return {
        "query": answer.query,
        "company": None
        if company is None
        else {
            "name": company.name,
            "aliases": answer.aliases,
            "ticker": company.ticker,
            "market": company.market,
        },
        "summary": [p.sentence for p in answer.summary],
        "summary_sources": _sources(answer.summary),
        "mentions": [
            {"article_id": m.article_id, "title": m.title, "url": m.url, "sentences": m.sentences}
            for m in answer.mentions
        ],
        "topics": answer.topics,
        "suggestions": answer.suggestions,
    }


def cmd_company(db: Database, args: argparse.Namespace) -> int:
    answer = company_answer(db, _lexicon(db), " ".join(args.query))
    if args.json:
        _print_json(company_json(answer))
    elif answer.company is None:
        _print_not_found(answer.query, answer.suggestions)
    else:
        c = answer.company
        from digests.companies import is_etf

        kind = ", ETF" if is_etf(c) else ""
        ticker = f" ({c.market}:{c.ticker}{kind})" if c.ticker else ""
        print(f"{c.name}{ticker}")
        if answer.aliases:
            print("aliases: " + "、".join(answer.aliases))
        if not answer.mentions:
            print("no stored article names this company yet")
        for p in answer.summary:
            link = f" {p.source.url}" if p.source.url else ""
            print(f"- {p.sentence}\n  ——《{p.source.title}》{link}")
        if answer.topics:
            print("topics: " + ", ".join(answer.topics))
        if answer.mentions:  # none: the line above already said so
            n = len(answer.mentions)
            print(f"{n} article names it" if n == 1 else f"{n} articles name it")
    return EXIT_OK if answer.company is not None else EXIT_NOT_FOUND


def sector_json(answer: SectorAnswer) -> dict:
    topic = answer.topic
    return {
        "query": answer.query,
        "topic": None if topic is None else {"id": topic.id, "name": topic.name},
        "matched": answer.matched,
        "industry": answer.industry,
        "summary": [p.sentence for p in answer.summary],
        "summary_sources": _sources(answer.summary),
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "url": a.url,
                "summary": a.summary,
                "digest": a.digest,
                "industries": a.industries,
            }
            for a in answer.articles
        ],
        "companies": answer.companies,
        "suggestions": answer.suggestions,
    }


def cmd_sector(db: Database, args: argparse.Namespace) -> int:
    from digests.textproc import prefer_word_index  # jieba is for this command only

    prefer_word_index()  # a one-shot command segments only the reader's few words
    answer = sector_answer(db, _lexicon(db), " ".join(args.query))
    if args.json:
        _print_json(sector_json(answer))
    elif not answer.found:
        _print_not_found(answer.query, answer.suggestions)
    else:
        how = answer.topic.id if answer.topic is not None else answer.matched
        print(f"{answer.label} ({how})")
        if not answer.articles:
            print("no stored article is about this sector yet")
        for p in answer.summary:
            print(f"- {p.sentence}\n  ——《{p.source.title}》")
        for a in answer.articles:
            print(f"\n[{a.id}] {a.title}")
            for sentence in not_repeated(a.summary, answer.summary):
                print(f"  {sentence}")
        if answer.companies:
            print("\ncompanies: " + "、".join(answer.companies))
    return EXIT_OK if answer.found else EXIT_NOT_FOUND


def search_json(answer: SearchAnswer) -> dict:
    return {
        "query": answer.query,
        "total": answer.total,
        "estimated": answer.estimated,
        "offset": answer.offset,
        "results": [
            {
                "article_id": h.article_id,
                "title": h.title,
                "url": h.url,
                "heading": h.heading,
                "snippet": h.snippet,
            }
            for h in answer.results
        ],
    }


def cmd_search(db: Database, args: argparse.Namespace) -> int:
    _lexicon(db)  # the same segmentation as the index was built with
    answer = search_answer(db, " ".join(args.query), limit=args.limit, offset=args.offset)
    if args.json:
        _print_json(search_json(answer))
        return EXIT_OK
    if not answer.total:
        print(f"no results for {answer.query!r}")
        return EXIT_OK
    about = "about " if answer.estimated else ""
    count = f"{about}{answer.total:,} article{'s' if answer.total != 1 else ''}"
    verb = "matches" if answer.total == 1 and not answer.estimated else "match"
    if not answer.results:
        print(f"{count} {verb} {answer.query!r}; none after --offset {answer.offset}")
        return EXIT_OK
    first, last = answer.offset + 1, answer.offset + len(answer.results)
    print(f"{count} {verb} {answer.query!r}; showing {first}-{last}")
    for h in answer.results:
        where = f" › {h.heading}" if h.heading else ""
        print(f"\n[{h.article_id}] {h.title}{where}\n  {h.snippet}")
    if last < answer.total:
        print(f"\nmore: --offset {last}")
    return EXIT_OK


def _print_not_found(query: str, suggestions: list[str]) -> None:
    print(f"not found: {query!r}")
    if suggestions:
        print("did you mean: " + "、".join(suggestions))
    else:
        print(f"nothing similar; try: briefbot search {query}")
