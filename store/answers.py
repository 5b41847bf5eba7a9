"""Company, sector and search answers: SQL here, composition in :mod:`digests.answers`.

Shared by the command line and the Telegram commands.  Every query reads a bounded
number of rows through an index, so answers stay fast on a large store.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from digests.answers import (
    INDUSTRY_WEIGHT,
    ArticleMentions,
    Point,
    Source,
    fts_query,
    highlight,
    industry_evidence,
    pick_points,
    query_terms,
    term_pattern,
    term_sentences,
    text_evidence,
)
from digests.companies import Company
from digests.industries import Industries, build_industries
from digests.lexicon import Lexicon
from digests.normalize import clean_query
from digests.resolve import resolve_company
from digests.sector_query import parse_sector_query
from digests.taxonomy import Topic

RECENT_ARTICLES = 200
"""How many of a company's or topic's newest articles feed summaries and rankings."""


@dataclass
class CompanyAnswer:
    query: str
    company: Company | None
    summary: list[Point] = field(default_factory=list)
    mentions: list[ArticleMentions] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass
class SectorArticle:
    id: int
    title: str
    url: str | None
    published: str | None
    summary: list[str]
    digest: list[str]
    relevance: float
    industries: list[str] = field(default_factory=list)
    """Exchange industries of the companies the article names, most named first."""


@dataclass
class SectorAnswer:
    query: str
    topic: Topic | None
    summary: list[Point] = field(default_factory=list)
    articles: list[SectorArticle] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    matched: str | None = None
    """How the query was understood: "topic", "industry", "text", or None (nothing matched)."""
    industry: str | None = None
    """The exchange industry the query names (twstock ``group``), when it names one."""

    @property
    def found(self) -> bool:
        """Whether anything matched; when not, ``suggestions`` say what the reader may mean."""
        return self.matched is not None

    @property
    def label(self) -> str:
        """What to call the answer: the topic, else the industry, else the words as typed."""
        if self.topic is not None:
            return self.topic.name
        return self.industry or self.query


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    url: str | None
    heading: str
    snippet: str


@dataclass
class SearchAnswer:
    query: str
    results: list[SearchHit]


@dataclass(frozen=True)
class TopicCount:
    topic: Topic
    articles: int


# --- companies -----------------------------------------------------------------


def company_answer(
    db: Database, lexicon: Lexicon, query: str, max_articles: int | None = None
) -> CompanyAnswer:
    """What the store says about a company; every article naming it unless limited."""
    query = clean_query(query)
    found = resolve_company(lexicon.directory, query)
    if found.match is None:
        return CompanyAnswer(query, None, suggestions=found.suggestions)
    company = found.match
    answer = CompanyAnswer(query, company, aliases=_aliases(db, company))
    rows = list(db.query("SELECT id FROM companies WHERE key = ?", [company.key]))
    if not rows:
        return answer
    company_id = rows[0]["id"]
    article_ids = [
        r["article_id"]
        for r in db.query(
            "SELECT DISTINCT article_id FROM mentions WHERE company_id = ? "
            "ORDER BY article_id DESC" + (" LIMIT ?" if max_articles else ""),
            [company_id, max_articles] if max_articles else [company_id],
        )
    ]
    if not article_ids:
        return answer
    by_article: dict[int, ArticleMentions] = {}
    for chunk in _chunks(article_ids, 500):
        marks = ",".join("?" * len(chunk))
        for r in db.query(
            f"""
            SELECT m.article_id, a.title, a.url, a.published, a.ingested_at, m.sentence
            FROM mentions m JOIN articles a ON a.id = m.article_id
            WHERE m.company_id = ? AND m.article_id IN ({marks})
            ORDER BY m.id
            """,
            [company_id, *chunk],
        ):
            item = by_article.setdefault(
                r["article_id"],
                ArticleMentions(r["article_id"], r["title"], r["url"], r["published"]),
            )
            if r["sentence"] not in item.sentences:
                item.sentences.append(r["sentence"])
    answer.mentions = sorted(
        by_article.values(), key=lambda m: (m.published or "", m.article_id), reverse=True
    )
    recent = answer.mentions[:RECENT_ARTICLES]
    answer.summary = pick_points(
        (s, Source(m.article_id, m.title, m.url))
        for m in recent
        for s in m.sentences
        if s != m.title  # a headline mention says nothing the citation does not
    )
    answer.topics = _topics_of(db, [m.article_id for m in recent])
    return answer


def _aliases(db: Database, company: Company) -> list[str]:
    learned = [
        r["alias"]
        for r in db.query(
            "SELECT a.alias FROM company_aliases a JOIN companies c ON c.id = a.company_id "
            "WHERE c.key = ? AND a.source = 'learned'",
            [company.key],
        )
    ]
    return list(dict.fromkeys(a for a in (*company.aliases, *learned) if a != company.name))


def _topics_of(db: Database, article_ids: list[int]) -> list[str]:
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    return [
        r["topic_id"]
        for r in db.query(
            f"SELECT topic_id, COUNT(*) AS n, SUM(rank = 0) AS main FROM article_topics "
            f"WHERE article_id IN ({marks}) GROUP BY topic_id ORDER BY main DESC, n DESC",
            article_ids,
        )
    ]


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- sectors -------------------------------------------------------------------

TEXT_WINDOW = 200
"""Newest index rows holding the reader's words that are weighed (FTS walks newest first)."""
TEXT_WINDOW_SUPPORT = 40
"""The same when a topic or industry matched and the words only add evidence."""
TEXT_WINDOW_NARROW = 80
"""The same for a narrow word (IC設計 for 半導體): its users are ranked first."""
WORD_SECTIONS = 2
"""Sections per article, those naming the words most, quoted in a words' summary."""
TITLE_WINDOW = 40
"""Newest rows holding the words in a title or heading, weighed even when older."""
PREFIX_FALLBACK = 5
"""Fewer articles than this from whole tokens: also try tokens starting with the word."""
DIGEST_SECTIONS = 2
SUMMARY_SHARE = 0.5
"""Articles below this share of the best one's relevance are listed but not summarised."""
COMPANY_ARTICLES = 50
"""The most relevant articles whose companies are listed with a sector answer."""


@dataclass
class _Evidence:
    """Why an article answers a sector query, in the currency of topic scores."""

    topic: float = 0.0
    industry: float = 0.0
    text: float = 0.0
    in_topic: bool = False
    sections: dict[int, float] = field(default_factory=dict)
    """Section id -> industry and text evidence found there (chooses the digest)."""
    word_sections: set[int] = field(default_factory=set)
    """Sections where the reader's words (or their parts) were found."""

    @property
    def total(self) -> float:
        return self.topic + self.industry + self.text

    def add_section(self, section_id: int | None, weight: float) -> None:
        if section_id is not None and weight > 0:
            self.sections[section_id] = self.sections.get(section_id, 0.0) + weight


def sector_answer(db: Database, lexicon: Lexicon, query: str, limit: int = 5) -> SectorAnswer:
    """The articles that discuss the sector a reader names, its key sentences and companies.

    A topic (name or alias) or an exchange industry (its name or a reader's word for
    it) brings the articles listed under the topic and those about the industry's
    companies; the reader's words themselves bring the articles that use them.  All
    three add up in one relevance, so an article on-topic, about the industry's
    companies and naming the sector in its title ranks first.  A narrow word (IC設計,
    矽晶圓, 自行車: an alias that is not part of the topic's or industry's own name)
    puts the articles using it, or a compound's parts together, before the rest.
    """
    query = clean_query(query)
    parsed = parse_sector_query(lexicon.taxonomy, _industries(lexicon), query)
    answer = SectorAnswer(query, parsed.topic, industry=parsed.industry)
    evidence: dict[int, _Evidence] = {}
    if parsed.topic is not None:
        _topic_evidence(db, parsed.topic.id, evidence)
    industry_ids: list[int] = []
    if parsed.industry is not None:
        keys = _industries(lexicon).members[parsed.industry]
        industry_ids = _industry_evidence(db, keys, evidence)
    patterns = [_variant_pattern(t) for t in parsed.terms]
    if parsed.terms:
        # The words are the whole answer (free text) or decide the order (a narrow
        # word): look for them thoroughly.  Otherwise they only add evidence.
        free = parsed.topic is None and parsed.industry is None
        decisive = parsed.narrow or free
        window = (
            TEXT_WINDOW if free else TEXT_WINDOW_NARROW if parsed.narrow else TEXT_WINDOW_SUPPORT
        )
        _text_evidence(db, parsed.terms, parsed.parts, evidence, window, allow_prefix=decisive)
    if parsed.topic is not None:
        answer.matched = "topic"
    elif parsed.industry is not None:
        answer.matched = "industry"
    elif evidence:
        answer.matched = "text"
    else:
        answer.suggestions = list(parsed.suggestions)
        return answer
    if not evidence:
        return answer
    ranked = _rank(db, evidence, words_first=parsed.narrow)
    top = dict(ranked[:limit])
    marks = ",".join("?" * len(top))
    rows = {
        r["id"]: r
        for r in db.query(
            f"SELECT id, title, url, published, summary FROM articles WHERE id IN ({marks})",
            list(top),
        )
    }
    for article_id, relevance in top.items():
        row = rows[article_id]
        answer.articles.append(
            SectorArticle(
                article_id,
                row["title"],
                row["url"],
                row["published"],
                json.loads(row["summary"] or "[]"),
                _sector_digest(db, article_id, parsed.topic, evidence[article_id]),
                round(relevance, 3),
            )
        )
    _add_industries(db, lexicon, answer.articles)
    part_patterns = [
        _variant_pattern(p)
        for term, parts in zip(parsed.terms, parsed.parts or [()] * len(parsed.terms), strict=True)
        for p in (parts or (term,))
    ]
    answer.summary = _sector_summary(
        db, answer, evidence, industry_ids, patterns, part_patterns, parsed.narrow
    )
    answer.companies = _companies_of(
        db, [article_id for article_id, _ in ranked[:COMPANY_ARTICLES]]
    )
    return answer


_industries_memo: dict[tuple[int, int], Industries] = {}


def _industries(lexicon: Lexicon) -> Industries:
    """Exchange industries of the lexicon's companies, rebuilt when the directory grows."""
    directory = lexicon.directory
    memo_key = (id(directory), len(directory.companies))
    found = _industries_memo.get(memo_key)
    if found is None:
        _industries_memo.clear()
        found = _industries_memo[memo_key] = build_industries(directory.companies.values())
    return found


def _topic_evidence(db: Database, topic_id: str, evidence: dict[int, _Evidence]) -> None:
    for r in db.query(
        "SELECT article_id, score, rank FROM article_topics WHERE topic_id = ? "
        "ORDER BY article_id DESC LIMIT ?",
        [topic_id, RECENT_ARTICLES],
    ):
        ev = evidence.setdefault(r["article_id"], _Evidence())
        ev.topic = r["score"] * (1.5 if r["rank"] == 0 else 1.0)  # main topic favoured
        ev.in_topic = True


def _industry_evidence(
    db: Database, company_keys: tuple[str, ...], evidence: dict[int, _Evidence]
) -> list[int]:
    """Articles naming the industry's companies, newest first; returns the company ids.

    Each company's newest articles come straight from the (company, article) index, so
    an industry with a very often named company still reads a bounded number of rows.
    """
    company_ids: list[int] = []
    for chunk in _chunks(list(company_keys), 500):
        marks = ",".join("?" * len(chunk))
        company_ids += [
            r["id"]
            for r in db.query(
                f"SELECT id FROM companies c WHERE key IN ({marks}) "
                "AND EXISTS (SELECT 1 FROM mentions m WHERE m.company_id = c.id)",
                chunk,
            )
        ]
    newest: set[int] = set()
    for cid in company_ids:
        newest.update(
            r[0]
            for r in db.execute(
                "SELECT DISTINCT article_id FROM mentions WHERE company_id = ? "
                "ORDER BY article_id DESC LIMIT ?",
                [cid, RECENT_ARTICLES],
            )
        )
    article_ids = sorted(newest, reverse=True)[:RECENT_ARTICLES]
    if not article_ids:
        return company_ids
    per_article: dict[int, dict[int, list]] = {}  # article -> company -> [sentences, in title]
    a_marks = ",".join("?" * len(article_ids))
    c_marks = ",".join("?" * len(company_ids))
    for r in db.query(
        f"""
        SELECT article_id, company_id, section_id, COUNT(*) AS n FROM mentions
        WHERE article_id IN ({a_marks}) AND company_id IN ({c_marks})
        GROUP BY article_id, company_id, section_id
        """,
        [*article_ids, *company_ids],
    ):
        ev = evidence.setdefault(r["article_id"], _Evidence())
        counts = per_article.setdefault(r["article_id"], {}).setdefault(r["company_id"], [0, False])
        counts[0] += r["n"]
        counts[1] = counts[1] or r["section_id"] is None  # named in the title
        ev.add_section(r["section_id"], INDUSTRY_WEIGHT * r["n"] ** 0.5)
    for article_id, companies in per_article.items():
        evidence[article_id].industry = industry_evidence(
            (n, in_title) for n, in_title in companies.values()
        )
    return company_ids


def _text_evidence(
    db: Database,
    terms: tuple[str, ...],
    parts: tuple[tuple[str, ...], ...],
    evidence: dict[int, _Evidence],
    window: int,
    allow_prefix: bool,
) -> None:
    """Articles whose title, headings or text hold every word, weighed by where and how often.

    The index finds candidate sections (each word as segmented in the query, in runs
    of one script, or as one token); the words are then counted in the stored
    segmented text, so a segmentation that differs between query and article still
    counts.  Only when that finds little are tokens that merely start with a word
    tried (保全 in 保全业, 食品 in 食品业者), and only when the words matter most:
    prefix queries are slower on a large index.  When a compound word is still rare
    (半導體設備), its parts written together in a sentence (半導體前段製程設備)
    count at a discount, and merely in the same section at a larger one.
    """
    per_term = parts or tuple(() for _ in terms)
    words = [_Word(t, p if len(p) >= 2 else ()) for t, p in zip(terms, per_term, strict=True)]
    rows: dict[int, dict] = {}
    full = False
    for prefix in (False, True):
        if prefix and (
            not allow_prefix
            or full  # the whole tokens alone fill the window: plenty found
            or len({r["article_id"] for r in rows.values()}) >= PREFIX_FALLBACK
            or all(w.term.isascii() for w in words)
        ):
            break
        match = " AND ".join(f"({_fts_alternatives(w.term, prefix)})" for w in words)
        full = _candidates(db, match, window, rows) or full
    found = _count_words(rows, words)
    literal = [a for a, per in found.items() if all(c.literal_total for c in per)]
    if any(w.parts for w in words) and len(literal) < PARTS_FALLBACK:
        match = " AND ".join(f"({_fts_word(w, allow_prefix)})" for w in words)
        fresh = {k: v for k, v in _candidate_rows(db, match, window).items() if k not in rows}
        for article_id, per in _count_words(fresh, words).items():
            merged = found.setdefault(article_id, [_Counts() for _ in words])
            for into, more in zip(merged, per, strict=True):
                into.add(more)
    for article_id, per_term in found.items():
        weights = [c.weight() for c in per_term]
        if not all(weights):
            continue  # every word must be there, not merely its segments
        ev = evidence.setdefault(article_id, _Evidence())
        ev.text = sum(weights)
        for c in per_term:
            for section_id, weight in c.sections.items():
                ev.add_section(section_id, weight)
                ev.word_sections.add(section_id)


PARTS_FALLBACK = 3
"""Fewer articles than this hold a compound word as written: its parts are looked for too."""
PART_SHARE = 0.75
"""Parts of a compound in one sentence (半導體…設備) count this share of the word itself:
nearly the word, written out, but a sentence may join them by chance."""
LOOSE_SHARE = 0.2
"""Parts merely in the same section (or title) count this share of one body mention."""
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


@dataclass
class _Word:
    """A reader's word, its compound parts, and the patterns that find them (built once)."""

    term: str
    parts: tuple[str, ...]
    pattern: re.Pattern[str] = field(init=False)
    part_patterns: list[re.Pattern[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.pattern = _variant_pattern(self.term)
        self.part_patterns = [_variant_pattern(p) for p in self.parts]


@dataclass
class _Counts:
    """One word in one article: as written, and its parts together, by place."""

    literal: list[int] = field(default_factory=lambda: [0, 0, 0])  # title, headings, body
    together: list[int] = field(default_factory=lambda: [0, 0, 0])
    loose: bool = False
    sections: dict[int, float] = field(default_factory=dict)

    @property
    def literal_total(self) -> int:
        return sum(self.literal)

    def weight(self) -> float:
        """As written, plus the parts together in other sentences; else parts apart."""
        if self.literal_total or sum(self.together):
            return text_evidence(*self.literal) + PART_SHARE * text_evidence(*self.together)
        return LOOSE_SHARE * text_evidence(0, 0, 1) if self.loose else 0.0

    def add(self, other: _Counts) -> None:
        for mine, theirs in ((self.literal, other.literal), (self.together, other.together)):
            mine[1] += theirs[1]
            mine[2] += theirs[2]
        self.literal[0] = max(self.literal[0], other.literal[0])
        self.together[0] = max(self.together[0], other.together[0])
        self.loose = self.loose or other.loose
        for section_id, weight in other.sections.items():
            self.sections[section_id] = self.sections.get(section_id, 0.0) + weight


def _count_words(rows: dict[int, dict], words: list[_Word]) -> dict[int, list[_Counts]]:
    """Per article and word: occurrences as written, and of its parts in one sentence."""
    found: dict[int, list[_Counts]] = {}
    titles_done: set[int] = set()
    for r in rows.values():
        article_id = r["article_id"]
        per_word = found.setdefault(article_id, [_Counts() for _ in words])
        first = article_id not in titles_done
        titles_done.add(article_id)
        for word, counts in zip(words, per_word, strict=True):
            places = (r["title"] if first else "", r["heading"], r["body"])
            lit = [len(word.pattern.findall(text)) if text else 0 for text in places]
            together = [0, 0, 0]
            present: set[int] = set()
            if word.parts:
                pats = word.part_patterns
                for i, text in enumerate((r["title"], r["heading"], r["body"])):
                    if not text:
                        continue
                    here = {k for k, p in enumerate(pats) if p.search(text)}
                    present |= here
                    if (i == 0 and not first) or len(here) < len(pats):
                        continue
                    together[i] = sum(
                        all(p.search(sentence) for p in pats)
                        and not word.pattern.search(sentence)  # counted as written
                        for sentence in _SENTENCE_END.split(text)
                    )
            counts.add(_Counts(lit, together, len(present) == len(word.parts) > 0))
            weight = text_evidence(0, lit[1], lit[2]) or PART_SHARE * text_evidence(
                0, together[1], together[2]
            )
            section_id = r["section_id"]
            if weight and section_id is not None:
                counts.sections[section_id] = counts.sections.get(section_id, 0.0) + weight
    return found


def _candidate_rows(db: Database, match: str, window: int) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    _candidates(db, match, window, rows)
    return rows


def _candidates(db: Database, match: str, window: int, rows: dict[int, dict]) -> bool:
    """Index rows holding ``match``: in a title or heading (older too), then anywhere.

    Returns whether a window was filled (more rows exist than were read).
    """
    full = False
    for expression, limit in ((f"{{title heading}} : ({match})", TITLE_WINDOW), (match, window)):
        found_rows = list(
            db.query(
                "SELECT rowid, article_id, section_id, title, heading, body "
                "FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
                [expression, limit],
            )
        )
        full = full or len(found_rows) == limit
        for r in found_rows:
            rows.setdefault(r["rowid"], r)
    return full


def _fts_word(word: _Word, prefix: bool) -> str:
    """FTS5 ways a word or, for a compound, its parts together may sit in the index.

    With ``prefix`` a part may also start a longer token (散熱 in 散熱模組).
    """
    whole = _fts_alternatives(word.term)
    if not word.parts:
        return whole

    def part(p: str) -> str:
        options = _fts_alternatives(p)
        return f"{options} OR ({_fts_alternatives(p, prefix=True)})" if prefix else options

    together = " AND ".join(f"({part(p)})" for p in word.parts)
    return f"({whole}) OR ({together})"


_VARIANTS = {"矽": "硅", "硅": "矽"}
"""Characters written both ways in Simplified text (OpenCC keeps Taiwan's 矽)."""


def _variant_pattern(term: str) -> re.Pattern[str]:
    """``term_pattern`` that also accepts the other spelling of 矽/硅."""
    pattern = term_pattern(term)
    if not any(c in term for c in _VARIANTS):
        return pattern
    source = re.sub("[矽硅]", "[矽硅]", pattern.pattern)
    return re.compile(source, pattern.flags)


def _spellings(word: str) -> list[str]:
    if not any(c in word for c in _VARIANTS):
        return [word]
    return list(dict.fromkeys([word, *("".join(_VARIANTS.get(c, c) for c in word),)]))


def _fts_alternatives(term: str, prefix: bool = False) -> str:
    """FTS5 ways a normalised word may sit in the index.

    Its jieba tokens; its runs of one script (驅動IC is often 驱动 + IC in text); one
    token; or, with ``prefix``, the start of a longer token.  Counting afterwards keeps
    only the real occurrences.  Both spellings of 矽/硅 are tried.
    """
    options: list[str] = []
    for spelling in _spellings(term):
        whole = "".join(spelling.split())
        if prefix:
            options.append(fts_query([whole]) + "*")
            continue
        options += [
            fts_query(tokens) for tokens in (query_terms(spelling), _script_runs(whole), [whole])
        ]
    return " OR ".join(f"({o})" for o in dict.fromkeys(options))


def _script_runs(word: str) -> list[str]:
    return re.findall(r"[a-z0-9]+|[^a-z0-9]+", word)


def _rank(
    db: Database, evidence: dict[int, _Evidence], words_first: bool = False
) -> list[tuple[int, float]]:
    """Candidate article ids by relevance: evidence (sublinear), halved every 30 days of age.

    With ``words_first`` (a narrow word such as IC設計 for the broad 半導體) the
    articles that use the reader's words come before the rest of the topic, however
    much more the others say about the broad sector.
    """
    now = datetime.now(UTC)
    scored: list[tuple[int, float]] = []
    for chunk in _chunks(sorted(evidence), 500):
        marks = ",".join("?" * len(chunk))
        for row in db.execute(
            f"SELECT id, published, ingested_at FROM articles WHERE id IN ({marks})", chunk
        ):
            article_id, published, ingested_at = row
            total = evidence[article_id].total
            scored.append(
                (article_id, math.log1p(total) * _age_factor(published, ingested_at, now))
            )
    if words_first:
        scored.sort(key=lambda item: (evidence[item[0]].text <= 0, -item[1], -item[0]))
    else:
        scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored


def _age_factor(published: str | None, ingested_at: str | None, now: datetime) -> float:
    when = published or ingested_at
    try:
        age_days = max(0.0, (now - datetime.fromisoformat(when)).total_seconds() / 86400)
    except (TypeError, ValueError):
        age_days = 0.0
    return 0.5 ** (age_days / 30)


def _sector_digest(db: Database, article_id: int, topic: Topic | None, ev: _Evidence) -> list[str]:
    """On-topic sections' digests; else those of the sections naming the sector most."""
    if topic is not None and ev.in_topic:
        return _topical_digest(db, article_id, topic.id)
    best = sorted(ev.sections, key=lambda s: -ev.sections[s])[:DIGEST_SECTIONS]
    if best:
        marks = ",".join("?" * len(best))
        digests = {
            r["id"]: json.loads(r["digest"] or "[]")
            for r in db.query(f"SELECT id, digest FROM sections WHERE id IN ({marks})", best)
        }
        chosen = [s for section_id in best for s in digests.get(section_id, [])]
        if chosen:
            return chosen
    return _lead_digest(db, article_id)


def _sector_summary(
    db: Database,
    answer: SectorAnswer,
    evidence: dict[int, _Evidence],
    industry_ids: list[int],
    patterns: Sequence[re.Pattern[str]],
    part_patterns: Sequence[re.Pattern[str]] = (),
    narrow: bool = False,
) -> list[Point]:
    """Key sentences, each citing its article.

    A topic is summed up by its articles' on-topic digests; an industry by what the
    articles say about its companies; a word by the sentences that use it (or, for a
    compound found only as its parts, the sentences that join them).  A narrow word
    (IC設計 for 半導體) is summed up like a word, from the articles that use it: the
    reader asked about the sub-sector, not the whole topic.
    """
    listed = answer.articles
    if narrow:
        listed = [a for a in listed if evidence[a.id].text > 0] or listed
    if not listed:
        return []
    floor = SUMMARY_SHARE * max(a.relevance for a in listed)
    articles = [a for a in listed if a.relevance >= floor]
    sources = {a.id: Source(a.id, a.title, a.url) for a in articles}
    words_apply = (answer.matched == "text" or narrow) and bool(patterns)
    industry_apply = answer.matched == "industry" and bool(industry_ids)
    strategies = [("words", words_apply), ("industry", industry_apply)]
    if not narrow:
        strategies.reverse()  # an industry is summed up by its companies first
    for kind, applies in strategies:
        if not applies or not articles:
            continue
        if kind == "words":
            points = _word_sentences(db, articles, sources, evidence, patterns, part_patterns)
        else:
            points = _industry_sentences(db, articles, sources, industry_ids)
        if points:
            return points
    return pick_points((s, sources[a.id]) for a in articles for s in a.digest)


def _industry_sentences(
    db: Database, articles: list[SectorArticle], sources: dict[int, Source], industry_ids: list[int]
) -> list[Point]:
    """What the articles say about the industry's companies."""
    a_marks = ",".join("?" * len(articles))
    c_marks = ",".join("?" * len(industry_ids))
    by_article: dict[int, list[str]] = {}
    for r in db.query(
        f"SELECT article_id, sentence FROM mentions WHERE article_id IN ({a_marks}) "
        f"AND company_id IN ({c_marks}) AND section_id IS NOT NULL ORDER BY id",
        [*sources, *industry_ids],
    ):
        by_article.setdefault(r["article_id"], []).append(r["sentence"])
    return pick_points(
        (s, sources[a.id]) for a in articles for s in dict.fromkeys(by_article.get(a.id, []))
    )


def _word_sentences(
    db: Database,
    articles: list[SectorArticle],
    sources: dict[int, Source],
    evidence: dict[int, _Evidence],
    patterns: Sequence[re.Pattern[str]],
    part_patterns: Sequence[re.Pattern[str]],
) -> list[Point]:
    """Sentences using the words (else their parts together), from the sections found."""
    section_ids = [
        sid
        for a in articles
        for sid in sorted(evidence[a.id].word_sections, key=lambda i: -evidence[a.id].sections[i])[
            :WORD_SECTIONS
        ]
    ]
    texts: dict[int, list[str]] = {}
    for chunk in _chunks(section_ids, 500):
        marks = ",".join("?" * len(chunk))
        for r in db.query(
            f"SELECT article_id, text FROM sections WHERE id IN ({marks}) ORDER BY position",
            chunk,
        ):
            texts.setdefault(r["article_id"], []).append(r["text"])
    for wanted in (patterns, part_patterns):
        points = pick_points(
            (s, sources[a.id])
            for a in articles
            for text in texts.get(a.id, [])
            for s in (term_sentences(text, wanted) if wanted else [])
        )
        if points:
            return points
    return []


def _add_industries(db: Database, lexicon: Lexicon, articles: list[SectorArticle]) -> None:
    """Each article's exchange industries, from the companies it names (most named first)."""
    if not articles:
        return
    marks = ",".join("?" * len(articles))
    weights: dict[int, dict[str, float]] = {}
    for r in db.query(
        f"""
        SELECT m.article_id, c.key, COUNT(*) AS n
        FROM mentions m JOIN companies c ON c.id = m.company_id
        WHERE m.article_id IN ({marks}) GROUP BY m.article_id, c.key
        """,
        [a.id for a in articles],
    ):
        company = lexicon.directory.companies.get(r["key"])
        if company is not None and company.industry:
            per = weights.setdefault(r["article_id"], {})
            per[company.industry] = per.get(company.industry, 0.0) + math.sqrt(r["n"])
    for a in articles:
        per = weights.get(a.id, {})
        a.industries = sorted(per, key=lambda i: (-per[i], i))


def _topical_digest(db: Database, article_id: int, topic_id: str, sections: int = 2) -> list[str]:
    # CROSS JOIN fixes the join order: start from the article's few sections.  Left to
    # choose without statistics, SQLite walks the topic's whole section index instead.
    rows = list(
        db.query(
            """
            SELECT s.digest FROM sections s
            CROSS JOIN section_topics st ON st.section_id = s.id AND st.topic_id = ?
            WHERE s.article_id = ?
            ORDER BY st.score DESC, s.position LIMIT ?
            """,
            [topic_id, article_id, sections],
        )
    )
    if not rows:
        return _lead_digest(db, article_id)
    return [s for r in rows for s in json.loads(r["digest"] or "[]")]


def _lead_digest(db: Database, article_id: int) -> list[str]:
    rows = db.query(
        "SELECT digest FROM sections WHERE article_id = ? ORDER BY position LIMIT 1",
        [article_id],
    )
    return [s for r in rows for s in json.loads(r["digest"] or "[]")]


def _companies_of(db: Database, article_ids: list[int], limit: int = 8) -> list[str]:
    marks = ",".join("?" * len(article_ids))
    return [
        r["name"]
        for r in db.query(
            f"""
            SELECT c.name, COUNT(DISTINCT m.article_id) AS n
            FROM mentions m JOIN companies c ON c.id = m.company_id
            WHERE m.article_id IN ({marks})
            GROUP BY c.id ORDER BY n DESC, c.name LIMIT ?
            """,
            [*article_ids, limit],
        )
    ]


def topic_counts(db: Database, lexicon: Lexicon) -> list[TopicCount]:
    """Every topic with the number of articles it is listed for."""
    counts = {
        r["topic_id"]: r["n"]
        for r in db.query("SELECT topic_id, COUNT(*) AS n FROM article_topics GROUP BY topic_id")
    }
    return [TopicCount(t, counts.get(t.id, 0)) for t in lexicon.taxonomy.topics]


# --- search --------------------------------------------------------------------

SEARCH_WINDOW = 400
"""Newest matching sections considered for ranking (FTS walks rowids newest first)."""


def search_answer(db: Database, query: str, limit: int = 10) -> SearchAnswer:
    """Ranked full-text hits over titles, headings, text and digests, with snippets."""
    query = clean_query(query)
    terms = query_terms(query)
    if not terms:
        return SearchAnswer(query, [])
    match = fts_query(terms)
    newest = list(
        db.query(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
            [match, SEARCH_WINDOW],
        )
    )
    if not newest:
        return SearchAnswer(query, [])
    floor_rowid = newest[-1]["rowid"]
    rows = list(
        db.query(
            """
            SELECT f.article_id, f.section_id, s.heading, s.text, a.title, a.url
            FROM (
                SELECT article_id, section_id,
                       bm25(search_index, 6.0, 3.0, 1.0, 2.0) AS score
                FROM search_index
                WHERE search_index MATCH ? AND rowid >= ?
                ORDER BY score LIMIT ?
            ) f
            JOIN sections s ON s.id = f.section_id
            JOIN articles a ON a.id = f.article_id
            ORDER BY f.score
            """,
            [match, floor_rowid, limit * 3],
        )
    )
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for r in rows:
        if r["section_id"] in seen:
            continue
        seen.add(r["section_id"])
        snippet = (
            highlight(r["text"], terms)
            or highlight(r["heading"], terms)
            or highlight(r["title"], terms)
            or r["text"][:90]
        )
        hits.append(SearchHit(r["article_id"], r["title"], r["url"], r["heading"], snippet))
        if len(hits) >= limit:
            break
    return SearchAnswer(query, hits)


# --- article listing extras ----------------------------------------------------


def article_tags(db: Database, article_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Topic ids (main first) and company names for each article."""
    tags: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in article_ids}
    for chunk in _chunks(article_ids, 500):
        marks = ",".join("?" * len(chunk))
        for r in db.query(
            f"SELECT article_id, topic_id FROM article_topics WHERE article_id IN ({marks}) "
            "ORDER BY article_id, rank",
            chunk,
        ):
            tags[r["article_id"]][0].append(r["topic_id"])
        for r in db.query(
            f"""
            SELECT m.article_id, c.name, MIN(m.id) AS first
            FROM mentions m JOIN companies c ON c.id = m.company_id
            WHERE m.article_id IN ({marks})
            GROUP BY m.article_id, c.id ORDER BY m.article_id, first
            """,
            chunk,
        ):
            tags[r["article_id"]][1].append(r["name"])
    return tags
