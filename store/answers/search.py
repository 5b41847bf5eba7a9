"""Ranked full-text search by article: one result per article, its best section.

The index holds one row per section and repeats the article's title in each, so a
title match makes every section of that article match.  Ranking rows would return
one article ten times with its title as the snippet; ranking articles by their best
row and quoting the sentence that uses the words answers what a reader asks: which
articles discuss this, and where.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from digests.normalize import clean_query
from digests.search_query import SearchQuery, best_sentence, mark, parse_query
from digests.textproc import split_sentences, to_simplified
from store.answers.common import chunks, hidden_ids


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    url: str | None
    heading: str
    """The heading of the section quoted ('' for the intro or the article summary)."""
    snippet: str
    """A sentence using the words, matches marked 【like this】."""


@dataclass
class SearchAnswer:
    query: str
    results: list[SearchHit]
    total: int = 0
    """Articles that match (each once); an estimate when ``estimated``."""
    estimated: bool = False
    """More sections match than :data:`WINDOW` reads: ``total`` is extrapolated."""
    offset: int = 0


# --- search --------------------------------------------------------------------


WINDOW = 400
"""Newest matching sections read, ranked and counted (FTS walks rowids newest first).

Each row read costs a lookup of its ``article_id``, so an answer reads a bounded
window; past it, the article count is extrapolated from the window (rows per
article) and FTS5's cheap row count, and a word in every article of a huge store
still answers in milliseconds.  Paging deeper than the window widens it.
"""
SECTIONS_PER_ARTICLE = 3
"""An article's best-ranked sections looked at for its snippet."""
WEIGHTS = "6.0, 3.0, 1.0, 2.0"
"""BM25 column weights: title, heading, body, digest."""
TEXT_WEIGHTS = "0.0, 3.0, 1.0, 2.0"
"""The same without the title, which every section of an article repeats."""


def search_answer(
    db: Database,
    query: str,
    limit: int = 10,
    viewer: int | None = None,
    offset: int = 0,
) -> SearchAnswer:
    """Articles matching ``query`` (words, ``OR``, quoted phrases), best first.

    ``viewer`` is the asking chat: it finds the shared library and its own articles.
    ``offset`` skips that many articles (paging); ``total`` counts them all.
    """
    query = clean_query(query)
    parsed = parse_query(query)
    if parsed.empty:
        return SearchAnswer(query, [], offset=offset)
    match = parsed.fts()
    wanted = offset + limit
    fetch = max(WINDOW, wanted * 16)  # room for articles whose every section matches
    rows = db.execute(
        f"SELECT article_id, section_id, bm25(search_index, {WEIGHTS}), "
        f"bm25(search_index, {TEXT_WEIGHTS}) FROM search_index "
        "WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
        [match, fetch],
    ).fetchall()
    # Another reader's articles never match: dropped by article (one primary-key lookup
    # each), far cheaper than a check on every matching section inside the FTS query.
    window_full = len(rows) >= fetch
    hidden = hidden_ids(db, {row[0] for row in rows}, viewer)
    if hidden:
        rows = [row for row in rows if row[0] not in hidden]
    if not rows:
        return SearchAnswer(query, [], offset=offset)
    ranked = _rank(rows)
    total, estimated = len(ranked), False
    if window_full:
        all_rows = _matching_rows(db, match)
        if all_rows > len(rows):
            total, estimated = max(total, round(all_rows * total / len(rows))), True
    page = list(ranked)[offset:wanted]
    hits = _hits(db, page, {a: ranked[a] for a in page}, parsed)
    return SearchAnswer(query, hits, total, estimated, offset)


COUNT_CAP = 8000
"""Matching rows counted one by one at most; past it the count is extrapolated.

Counting every row of a word found in most sections of a 100,000-article store costs
more than the rest of the answer; the total shown is already an estimate then.
"""


def _matching_rows(db: Database, match: str) -> int:
    """All rows matching ``match``: counted up to :data:`COUNT_CAP`, then extrapolated.

    FTS5 walks rowids newest first, so the first ``COUNT_CAP`` rows cover the rowids
    from the newest match down to the oldest one counted; matches are assumed spread
    like those over the rest of the index (rowids start at 1).
    """
    counted, newest, oldest = db.execute(
        "SELECT count(*), max(r), min(r) FROM (SELECT rowid AS r FROM search_index "
        "WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?)",
        [match, COUNT_CAP],
    ).fetchone()
    if counted < COUNT_CAP or not newest or newest <= oldest:
        return int(counted)
    return round(counted * newest / (newest - oldest + 1))


def _rank(rows: Sequence[tuple[int, int, float, float]]) -> dict[int, list[int]]:
    """Article id -> the sections whose own text matches, best first; articles in rank order.

    BM25 over a row normalises by the row's length, title included, so a title match
    makes an article's shortest section its "best" one.  Two scores therefore: the
    whole row (title weighs most) and the section's own text (title weight 0).  An
    article ranks by its best of each added up, then by how many of its sections use
    the words, then newest first; its snippet comes from its best sections by text.
    """
    full: dict[int, float] = {}
    own: dict[int, float] = {}
    sections: dict[int, list[tuple[float, int]]] = {}
    for article, section, whole, text in rows:
        full[article] = min(full.get(article, 0.0), whole)
        own[article] = min(own.get(article, 0.0), text)
        found = sections.setdefault(article, [])
        if text < 0:
            found.append((text, section))
    order = sorted(full, key=lambda a: (full[a] + own[a], -len(sections[a]), -a))
    return {a: [s for _, s in sorted(sections[a])[:SECTIONS_PER_ARTICLE]] for a in order}


@dataclass(frozen=True)
class _Section:
    heading: str
    text: str
    digest: list[str]


def _load_sections(db: Database, ids: Sequence[int], into: dict[int, _Section]) -> None:
    wanted = [i for i in ids if i not in into]
    for chunk in chunks(wanted, 500):
        marks = ",".join("?" * len(chunk))
        for sid, heading, text, digest in db.execute(
            f"SELECT id, heading, text, digest FROM sections WHERE id IN ({marks})", chunk
        ):
            into[sid] = _Section(heading or "", text or "", _strings(digest))


def _hits(
    db: Database, page: list[int], candidates: dict[int, list[int]], parsed: SearchQuery
) -> list[SearchHit]:
    """Each article with the sentence of its best section that uses most of the words.

    Only each article's best section is read at first; the next ones only for an
    article whose best section lacks part of the query.
    """
    if not page:
        return []
    articles: dict[int, tuple[str, str | None, str | None]] = {}
    for chunk in chunks(page, 500):
        marks = ",".join("?" * len(chunk))
        for aid, title, url, summary in db.execute(
            f"SELECT id, title, url, summary FROM articles WHERE id IN ({marks})", chunk
        ):
            articles[aid] = (title, url, summary)
    sections: dict[int, _Section] = {}
    _load_sections(db, [candidates[a][0] for a in page if candidates[a]], sections)
    patterns = parsed.patterns()
    enough = min(len(c.parts) for c in parsed.clauses)  # one whole alternative
    hits = []
    for article_id in page:
        if article_id not in articles:
            continue
        title, url, summary = articles[article_id]
        heading, snippet = _snippet(db, candidates[article_id], sections, summary, patterns, enough)
        hits.append(SearchHit(article_id, title, url, heading, snippet))
    return hits


def _snippet(
    db: Database,
    ids: list[int],
    sections: dict[int, _Section],
    summary: str | None,
    patterns: list[re.Pattern[str]],
    enough: int,
) -> tuple[str, str]:
    """(heading, snippet) of the section whose sentence uses the most query words.

    Only the title matched: the article's summary stands in (a section's heading
    that matched brings that section's digest), never the title itself.
    """
    chosen: tuple[int, str, str] | None = None
    for position, sid in enumerate(ids):
        if sid not in sections:
            _load_sections(db, ids[position:], sections)
        section = sections.get(sid)
        if section is None:
            continue
        found = best_sentence(section.text, section.digest, patterns, enough)
        if found is not None and (chosen is None or found.matched > chosen[0]):
            chosen = (found.matched, section.heading, found.text)
            if found.matched >= enough:
                break
    if chosen is not None:
        return chosen[1], chosen[2]
    read = [sections[sid] for sid in ids if sid in sections]
    for section in read:  # the heading matched: that section's point
        if section.heading and any(p.search(to_simplified(section.heading)) for p in patterns):
            return section.heading, mark(_lead(section), patterns)
    first_sentences = _strings(summary)[:1]
    if first_sentences:
        return "", mark(first_sentences[0], patterns)
    if not read:
        return "", ""
    return read[0].heading, mark(_lead(read[0]), patterns)


def _lead(section: _Section) -> str:
    """A section's point: its digest's first sentence, else its own first sentence."""
    if section.digest:
        return section.digest[0]
    spans = split_sentences(section.text)
    return section.text[spans[0][0] : spans[0][1]].strip() if spans else section.text[:90]


def _strings(value: str | None) -> list[str]:
    return [str(s) for s in json.loads(value)] if value else []
