"""A sector as readers name it: topic, exchange industry or words, ranked articles.

Resolution of the query lives in :mod:`digests.sector_query`; how the query's words
are found and counted in the stored text in :mod:`store.answers.sector_words`."""

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
    Point,
    Source,
    in_context,
    industry_evidence,
    pick_points,
    stands_alone,
    term_sentences,
)
from digests.industries import Industries, build_industries
from digests.lexicon import Lexicon
from digests.normalize import clean_query
from digests.sector_query import parse_sector_query
from digests.taxonomy import Topic
from store.answers.common import RECENT_ARTICLES, chunks, hidden_ids, section_texts
from store.answers.sector_words import (
    PARTS_FALLBACK,
    Counts,
    Word,
    candidate_rows,
    count_words,
    find_candidates,
    fts_alternatives,
    fts_word,
    variant_pattern,
)


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


TEXT_WINDOW = 200
"""Newest index rows holding the reader's words that are weighed (FTS walks newest first)."""
TEXT_WINDOW_SUPPORT = 40
"""The same when a topic or industry matched and the words only add evidence."""
TEXT_WINDOW_NARROW = 80
"""The same for a narrow word (IC設計 for 半導體): its users are ranked first."""
WORD_SECTIONS = 2
"""Sections per article, those naming the words most, quoted in a words' summary."""
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


def sector_answer(
    db: Database, lexicon: Lexicon, query: str, limit: int = 5, viewer: int | None = None
) -> SectorAnswer:
    """The articles that discuss the sector a reader names, its key sentences and companies.

    A topic (name or alias) or an exchange industry (its name or a reader's word for
    it) brings the articles listed under the topic and those about the industry's
    companies; the reader's words themselves bring the articles that use them.  All
    three add up in one relevance, so an article on-topic, about the industry's
    companies and naming the sector in its title ranks first.  A narrow word (IC設計,
    矽晶圓, 自行車: an alias that is not part of the topic's or industry's own name)
    puts the articles using it, or a compound's parts together, before the rest.
    ``viewer`` (the asking chat) also sees its own articles; other readers' never count.
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
    patterns = [variant_pattern(t) for t in parsed.terms]
    if parsed.terms:
        # The words are the whole answer (free text) or decide the order (a narrow
        # word): look for them thoroughly.  Otherwise they only add evidence.
        free = parsed.topic is None and parsed.industry is None
        decisive = parsed.narrow or free
        window = (
            TEXT_WINDOW if free else TEXT_WINDOW_NARROW if parsed.narrow else TEXT_WINDOW_SUPPORT
        )
        _text_evidence(db, parsed.terms, parsed.parts, evidence, window, allow_prefix=decisive)
    for article_id in hidden_ids(db, evidence, viewer):
        del evidence[article_id]
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
        summary = json.loads(row["summary"] or "[]")
        answer.articles.append(
            SectorArticle(
                article_id,
                row["title"],
                row["url"],
                row["published"],
                summary,
                # Section digests complement the summary: a short article's summary may
                # hold all it says, and then it is the article's key sentences here too.
                _sector_digest(db, article_id, parsed.topic, evidence[article_id]) or summary,
                round(relevance, 3),
            )
        )
    _add_industries(db, lexicon, answer.articles)
    part_patterns = [
        variant_pattern(p)
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
    for chunk in chunks(list(company_keys), 500):
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
    words = [Word(t, p if len(p) >= 2 else ()) for t, p in zip(terms, per_term, strict=True)]
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
        match = " AND ".join(f"({fts_alternatives(w.term, prefix)})" for w in words)
        full = find_candidates(db, match, window, rows) or full
    found = count_words(rows, words)
    literal = [a for a, per in found.items() if all(c.literal_total for c in per)]
    if any(w.parts for w in words) and len(literal) < PARTS_FALLBACK:
        match = " AND ".join(f"({fts_word(w, allow_prefix)})" for w in words)
        fresh = {k: v for k, v in candidate_rows(db, match, window).items() if k not in rows}
        for article_id, per in count_words(fresh, words).items():
            merged = found.setdefault(article_id, [Counts() for _ in words])
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
    for chunk in chunks(sorted(evidence), 500):
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
    # A sentence that points back (它們…) or a lone list item is shown with what it needs.
    texts = section_texts(
        db, [i for i, found in by_article.items() if not all(map(stands_alone, found))]
    )
    return pick_points(
        (in_context(s, texts.get(a.id, ())), sources[a.id])
        for a in articles
        for s in dict.fromkeys(by_article.get(a.id, []))
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
    for chunk in chunks(section_ids, 500):
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
            for s in (in_context(s, (text,)),)  # a pointing sentence with its antecedent
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
