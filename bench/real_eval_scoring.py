"""Scores of one held-out set: companies, headings, sectors, key facts, fragments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# digest_eval: bench/ is on sys.path when this runs as a script.  The Lead
# baseline shares its sentence and budget rules, so both measure the same thing.
from digest_eval import BUDGET
from real_eval_gold import (
    GoldArticle,
    GoldCompany,
    fragment_reason,
    norm_name,
    norm_text,
    norm_ticker,
    same_heading,
)
from real_eval_store import StoredArticle, ask, lead

# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    """Counts behind one figure, and what was missed (for --verbose)."""

    hit: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return round(self.hit / self.total, 3) if self.total else 0.0


class CompanyResolver:
    """Ticker and names of each stored company name, from `briefbot company`."""

    def __init__(self, db: Path, per_process: bool) -> None:
        self.db = db
        self.per_process = per_process
        self.cache: dict[str, tuple[str, set[str]]] = {}

    def prefetch(self, names: Iterable[str]) -> None:
        todo = sorted(set(names) - set(self.cache))
        answers = ask(self.db, [("company", name) for name in todo], self.per_process)
        for name, answer in zip(todo, answers, strict=True):
            company = answer.get("company") or {}
            names_ = [name, company.get("name", ""), *company.get("aliases", [])]
            self.cache[name] = (norm_ticker(company.get("ticker")), {norm_name(n) for n in names_})

    def get(self, name: str) -> tuple[str, set[str]]:
        return self.cache.get(name, ("", {norm_name(name)}))


def exchange_names() -> dict[str, str]:
    """Ticker → exchange short name (twstock), so `中華電信` gold matches `中華電`."""
    try:
        import twstock
    except ImportError:
        return {}
    return {code: norm_name(info.name) for code, info in twstock.codes.items()}


def gold_names(company: GoldCompany, short: dict[str, str]) -> set[str]:
    names = {norm_name(company.name), *(norm_name(a) for a in company.aliases)}
    ticker = norm_ticker(company.ticker)
    if ticker in short:
        names.add(short[ticker])
    return names


def same_company(names: set[str], ticker: str, gold: GoldCompany, short: dict[str, str]) -> bool:
    """A stored company (its normalised names, its ticker) is this gold company."""
    if names & gold_names(gold, short):
        return True
    return bool(ticker) and ticker == norm_ticker(gold.ticker)


def score_companies(
    pairs: Sequence[tuple[GoldArticle, StoredArticle | None]],
    resolver: CompanyResolver,
    short: dict[str, str],
) -> tuple[Tally, Tally]:
    """Recall over gold companies; precision over the companies stored articles list.

    A stored name matches a gold company by name or alias (normalised), else by
    the ticker and aliases `briefbot company` gives for it.  Names listed as
    optional in gold (unlisted firms, subsidiaries) count neither way.
    """
    unresolved = set()
    for g, s in pairs:
        if s is None:
            continue
        known = set().union(*(gold_names(c, short) for c in g.companies), set())
        known |= {norm_name(n) for n in g.optional_companies}
        unresolved |= {n for n in s.companies if norm_name(n) not in known}
    resolver.prefetch(unresolved)

    recall, precision = Tally(), Tally()
    for g, s in pairs:
        stored = s.companies if s is not None else []
        found: set[int] = set()
        for name in stored:
            ticker, names = resolver.get(name)
            names = names | {norm_name(name)}
            hit = next(
                (
                    i
                    for i, c in enumerate(g.companies)
                    if i not in found and same_company(names, ticker, c, short)
                ),
                None,
            )
            if hit is not None:
                found.add(hit)
                precision.hit += 1
                precision.total += 1
            elif not names & {norm_name(n) for n in g.optional_companies}:
                precision.total += 1
                precision.misses.append(f"{g.file}: extra company {name}")
        recall.total += len(g.companies)
        recall.hit += len(found)
        recall.misses += [
            f"{g.file}: missing company {c.name} ({c.ticker}); stored: {stored}"
            for i, c in enumerate(g.companies)
            if i not in found
        ]
    return recall, precision


def score_headings(
    pairs: Sequence[tuple[GoldArticle, StoredArticle | None]],
) -> tuple[Tally, Tally]:
    """Recall of gold headings among the stored ones; precision of stored headings."""
    recall, precision = Tally(), Tally()
    for g, s in pairs:
        stored = [sec.heading for sec in s.sections if sec.heading] if s else []
        for heading in g.headings:
            recall.total += 1
            if any(same_heading(heading, h) for h in stored):
                recall.hit += 1
            else:
                recall.misses.append(f"{g.file}: missing heading {heading!r}; stored: {stored}")
        for heading in stored:
            precision.total += 1
            if any(same_heading(h, heading) for h in [*g.headings, *g.optional_headings]):
                precision.hit += 1
            else:
                precision.misses.append(f"{g.file}: spurious heading {heading!r}")
    return recall, precision


def score_sectors(
    pairs: Sequence[tuple[GoldArticle, StoredArticle | None]], db: Path, per_process: bool
) -> Tally:
    """Does the gold article appear among the articles `briefbot sector WORD` answers?"""
    words = sorted({w for g, _ in pairs for w in g.sectors})
    answers = dict(zip(words, ask(db, [("sector", w) for w in words], per_process), strict=True))
    tally = Tally()
    for g, s in pairs:
        for word in g.sectors:
            answer = answers[word]
            ids = [a["id"] for a in answer.get("articles", [])]
            tally.total += 1
            if s is not None and s.id in ids:
                tally.hit += 1
            else:
                topic = answer.get("error") or (answer.get("topic") or {}).get("id")
                tally.misses.append(
                    f"{g.file}: sector {word!r} → topic {topic}, articles {ids}, "
                    f"wanted {s.id if s else None}"
                )
    return tally


@dataclass
class FactScores:
    """Key-fact tallies: all facts, and those whose stored section is over the budget."""

    digest: Tally = field(default_factory=Tally)
    lead: Tally = field(default_factory=Tally)
    in_text: Tally = field(default_factory=Tally)
    long_digest: Tally = field(default_factory=Tally)
    long_lead: Tally = field(default_factory=Tally)
    # In its section's digest or in the article summary: since a summary sentence is no
    # longer repeated in its section's digest (issue 14), a fact may move to the summary.
    view: Tally = field(default_factory=Tally)


def score_facts(pairs: Sequence[tuple[GoldArticle, StoredArticle | None]]) -> FactScores:
    """Key facts found in the section digests, in Lead at the same budget, and in the text.

    Both methods see the same stored sections; a fact lost before digesting
    (dropped as chrome, cut by a wrong split) is a miss for both.  Facts whose
    section is longer than the budget are also counted apart: in a shorter
    section Lead keeps nearly everything, so only the long ones tell the
    methods apart.
    """
    scores = FactScores()
    for g, s in pairs:
        secs = s.sections if s else []
        summary = norm_text("".join(s.summary)) if s else ""
        for heading, fact in g.sections:
            key = norm_text(fact)
            where = next((sec for sec in secs if key in norm_text(sec.text)), None)
            in_digest = bool(where) and key in norm_text("".join(where.digest))
            in_lead = bool(where) and key in norm_text("".join(lead(where.text)))
            checks = [(scores.digest, in_digest), (scores.lead, in_lead)]
            checks.append((scores.in_text, where is not None))
            checks.append((scores.view, in_digest or key in summary))
            if where is not None and len(where.text) > BUDGET:
                checks += [(scores.long_digest, in_digest), (scores.long_lead, in_lead)]
            for tally, hit in checks:
                tally.total += 1
                tally.hit += hit
            if not in_digest:
                shown = where.digest if where else "(not in any stored section)"
                scores.digest.misses.append(
                    f"{g.file}: fact {fact!r} ({heading or 'intro'}) not in digest {shown}"
                )
    return scores


def score_fragments(stored: Sequence[StoredArticle]) -> Tally:
    """Fragments among every distinct digest and summary sentence of every article."""
    tally = Tally()
    for art in stored:
        sentences = dict.fromkeys(
            [s for sec in art.sections for s in sec.digest] + list(art.summary)
        )
        for sentence in sentences:
            tally.total += 1
            reason = fragment_reason(sentence)
            if reason:
                tally.hit += 1
                tally.misses.append(f"{art.file} #{art.id}: {reason}: {sentence!r}")
    return tally
