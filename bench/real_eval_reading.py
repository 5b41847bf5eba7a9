"""What a reader is shown: repetition, meta sentences, dangling pronouns, lone list items,
the companies each section keeps, and publication dates (issue 14, "Reading").

Read from the product's own answers as a reader gets them: the text of
`briefbot digest ID` (the article view: summary, key figures, section digests)
and of `briefbot sector WORD`, plus `digest --json` for which sentence belongs
to the summary and which to a section.  Gold-based figures count what the
set's gold names (`bench/eval/real4` on); detector figures apply the issue's
wording to every sentence shown, gold or not, so they also run on the earlier
sets.  Nothing here imports the product: only its printed output is judged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from real_eval_gold import GoldArticle, norm_heading, norm_name
from real_eval_scoring import Tally
from real_eval_store import StoredArticle, run_many

TAIPEI = ZoneInfo("Asia/Taipei")
MIN_KEY = 6  # shorter normalised sentences (labels, stubs) are not compared

# ---------------------------------------------------------------- sentences

_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[」』）)]*|$)")
# A numbered-list marker at the start of a line: `1.`, `2、`, `(3)`, `（四）`, `①`.
_LIST_MARK = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．)）](?!\d)|[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]|[①-⑳])\s*"
)
# Openers that point back (這/此/其/它/它們/前者/後者, the list); 其實 is "actually",
# 此外 "besides", and 這 before a span of time (這幾年, 這週, 這個月) points at now, not back.
_PRONOUN = re.compile(
    r"^(?:這(?![幾兩半一個]?\s*(?:年|週|周|星期|月|季|天|陣子|段時間|段期間|波段))"
    r"|此(?!外|時)|其(?!實)|它|前者|後者)"
)
# The meta sentences: the article talking about itself, not about its subject.
_META = re.compile(
    r"本文將|本文要|本篇將|以下從|以下將|以下整理|以下就|以下為大家|讓我們來看|讓我們一起"
    r"|機遇與挑戰|機會與挑戰|希望這篇文章|我們下次見|今天就來聊|接下來就來看"
)
# A line that announces a list: ends with a colon, or says what follows (如下, 以下三點…).
_LEAD_IN = re.compile(
    r"[：:]\s*$|如下|以下|下列|[一二三四五六七八九十兩\d]+\s*(?:項|點|個|大|方面)"
)


def split_sentences(line: str) -> list[str]:
    """Whole sentences of one shown line (a closing quote stays with its sentence)."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(line) if m.group(0).strip()]


def key(text: str) -> str:
    """Comparable form: no list marker, width, case, spaces or punctuation."""
    return norm_heading(_LIST_MARK.sub("", text))


def _joined(lines: Sequence[str]) -> str:
    return "".join(key(line) for line in lines)


# ---------------------------------------------------------------- what is shown


@dataclass
class Block:
    """Lines shown together: the summary, key figures, one section's digest, one sector item."""

    label: str
    lines: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        return [s for line in self.lines for s in split_sentences(line)]


_BULLET = re.compile(r"^(?:[-*•・▪️]+\s*)+")
_SKIP = re.compile(
    r"^(?:https?://|published\b|collected\b|keywords:|key figures:|關鍵數據|關鍵字|topics:"
    r"|companies:|no stored article|\d+ articles? name|——|─|發布|發佈|收錄於|出版"
    r"|\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?\s*$)",
    re.IGNORECASE,
)


def article_blocks(view: str) -> list[Block]:
    """The article view (`briefbot digest ID`) as blocks, its title line left out."""
    blocks: list[Block] = []
    current = Block("summary")
    for raw in view.splitlines()[1:]:
        line = raw.strip()
        if raw.startswith("## "):
            blocks.append(current)
            current = Block(raw[3:].strip())
            continue
        if line.lower().startswith(("key figures", "關鍵數據")):
            blocks.append(current)
            current = Block("key figures")
            continue
        if not line:
            if current.label == "summary" and current.lines:
                blocks.append(current)
                current = Block("after summary")
            continue
        if _SKIP.match(line):
            continue
        current.lines.append(_BULLET.sub("", line))
    blocks.append(current)
    return [b for b in blocks if b.lines]


def sector_blocks(answer: str) -> list[Block]:
    """A `briefbot sector WORD` answer: each key point alone, each article's summary lines."""
    blocks: list[Block] = []
    current: Block | None = None
    for raw in answer.splitlines()[1:]:
        line = raw.strip()
        if not line or _SKIP.match(line):
            current = None
            continue
        if re.match(r"^\[\d+\]", line):
            current = Block(line)
            blocks.append(current)
        elif line.startswith(("-", "•", "▪")):
            blocks.append(Block("key point", [_BULLET.sub("", line)]))
            current = None
        elif current is not None:
            current.lines.append(line)
        else:
            blocks.append(Block("line", [line]))
    return [b for b in blocks if b.lines]


def repeated(blocks: Sequence[Block]) -> list[str]:
    """Sentences shown more than once in one message (each extra showing once)."""
    counts = Counter(k for b in blocks for s in b.sentences if len(k := key(s)) >= MIN_KEY)
    shown = {key(s): s for b in blocks for s in b.sentences}
    return [shown[k] for k, n in counts.items() for _ in range(n - 1)]


def _same(a: str, b: str) -> bool:
    """One shown sentence is the other, or one holds the other whole (a trimmed copy)."""
    ka, kb = key(a), key(b)
    if len(ka) < MIN_KEY or len(kb) < MIN_KEY:
        return False
    short, long_ = sorted((ka, kb), key=len)
    return short == long_ or (len(short) >= 12 and short in long_)


# ---------------------------------------------------------------- reader's answers


@dataclass
class Shown:
    """What the CLI printed: article views by article id, sector answers by word."""

    views: dict[int, str]
    sectors: dict[str, str]


def fetch_shown(
    db: Path, stored: Sequence[StoredArticle], words: Sequence[str], per_process: bool
) -> Shown:
    """`briefbot digest ID` and `briefbot sector WORD` as text, exactly as printed."""
    argvs = [["digest", str(a.id), "--db", str(db)] for a in stored]
    argvs += [["sector", w, "--db", str(db)] for w in words]
    outputs = run_many(db, argvs, per_process)
    views = {a.id: out[1] for a, out in zip(stored, outputs, strict=False)}
    sector_out = outputs[len(stored) :]
    return Shown(views, {w: out[1] for w, out in zip(words, sector_out, strict=True)})


# ---------------------------------------------------------------- figures


@dataclass
class Reading:
    """Every reading figure's tally."""

    summary_in_digests: Tally = field(default_factory=Tally)
    article_repeats: Tally = field(default_factory=Tally)  # articles whose view repeats
    repeated_sentences: int = 0
    sector_repeats: Tally = field(default_factory=Tally)  # sector answers that repeat
    meta_gold: Tally = field(default_factory=Tally)  # gold meta sentences shown
    meta_detected: Tally = field(default_factory=Tally)  # shown sentences that read as meta
    pronoun_gold: Tally = field(default_factory=Tally)  # shown ones without antecedent
    pronoun_detected: Tally = field(default_factory=Tally)
    list_gold: Tally = field(default_factory=Tally)  # shown items without lead-in
    list_detected: Tally = field(default_factory=Tally)
    companies_kept: Tally = field(default_factory=Tally)
    companies_view: Tally = field(default_factory=Tally)  # digest or its summary sentences
    empty_sections: Tally = field(default_factory=Tally)  # sections shown with no digest
    dates: Tally = field(default_factory=Tally)
    wrong_dates: int = 0
    shown_sentences: int = 0

    def as_json(self) -> dict[str, Any]:
        def pair(t: Tally) -> dict[str, Any]:
            return {"hit": t.hit, "total": t.total, "rate": t.rate}

        return {
            "summary_sentences_in_digests": pair(self.summary_in_digests),
            "articles_repeating_a_sentence": pair(self.article_repeats),
            "repeated_sentences_in_articles": self.repeated_sentences,
            "sector_answers_repeating_a_sentence": pair(self.sector_repeats),
            "gold_meta_sentences_shown": pair(self.meta_gold),
            "meta_like_sentences_shown": pair(self.meta_detected),
            "gold_pronoun_sentences_dangling": pair(self.pronoun_gold),
            "pronoun_openers_dangling": pair(self.pronoun_detected),
            "gold_list_items_without_lead_in": pair(self.list_gold),
            "numbered_lines_without_lead_in": pair(self.list_detected),
            "section_digests_keeping_a_company": pair(self.companies_kept),
            "section_digest_or_summary_keeping_a_company": pair(self.companies_view),
            "sections_with_empty_digest": pair(self.empty_sections),
            "publication_dates_exact": pair(self.dates),
            "publication_dates_wrong": self.wrong_dates,
            "shown_sentences": self.shown_sentences,
        }

    def misses(self) -> dict[str, list[str]]:
        return {
            "summary_in_digests": self.summary_in_digests.misses,
            "article_repeats": self.article_repeats.misses,
            "sector_repeats": self.sector_repeats.misses,
            "meta_gold": self.meta_gold.misses,
            "meta_detected": self.meta_detected.misses,
            "pronoun_gold": self.pronoun_gold.misses,
            "pronoun_detected": self.pronoun_detected.misses,
            "list_gold": self.list_gold.misses,
            "list_detected": self.list_detected.misses,
            "companies_kept": self.companies_kept.misses,
            "empty_sections": self.empty_sections.misses,
            "dates": self.dates.misses,
        }


def score_reading(
    pairs: Sequence[tuple[GoldArticle, StoredArticle | None]],
    stored: Sequence[StoredArticle],
    shown: Shown,
) -> Reading:
    r = Reading()
    for art in stored:
        blocks = article_blocks(shown.views.get(art.id, ""))
        _repetition(r, art, blocks)
        for sec in art.sections:
            r.empty_sections.total += 1
            if not sec.digest and sec.text.strip():
                r.empty_sections.hit += 1
                r.empty_sections.misses.append(f"{art.file} #{art.id}: {sec.heading or 'intro'}")
        _detectors(r, f"{art.file} #{art.id}", blocks, _source_sentences(art))
    sources = {a.id: _source_sentences(a) for a in stored}
    every_sector_block: list[Block] = []
    for word, answer in sorted(shown.sectors.items()):
        blocks = sector_blocks(answer)
        every_sector_block += [Block(f"sector {word!r} {b.label}", b.lines) for b in blocks]
        again = repeated(blocks)
        r.sector_repeats.total += 1
        if again:
            r.sector_repeats.hit += 1
            r.sector_repeats.misses.append(f"sector {word!r} repeats: {again}")
        for block in blocks:  # checked against the text of the article they come from
            m = re.match(r"^\[(\d+)\]", block.label)
            if m:
                source = sources.get(int(m.group(1)), [])
            else:  # a key point: the article whose text holds it
                k = key(block.lines[0])
                source = next((src for src in sources.values() if k in map(key, src)), [])
            _detectors(r, f"sector {word!r}", [block], source)
    for g, s in pairs:
        # The article's own view, then every sector answer (a gold sentence is its article's).
        blocks = article_blocks(shown.views.get(s.id, "")) if s is not None else []
        blocks = blocks + every_sector_block
        where = f"{g.file}" + (f" #{s.id}" if s is not None else " (not stored)")
        _gold_meta(r, g, blocks, where)
        _gold_pronouns(r, g, blocks, where)
        _gold_lists(r, g, blocks, where)
        _companies_kept(r, g, s, where)
        _date(r, g, s, where)
    return r


def _repetition(r: Reading, art: StoredArticle, blocks: Sequence[Block]) -> None:
    digest = [s for sec in art.sections for s in sec.digest]
    for sentence in art.summary:
        r.summary_in_digests.total += 1
        if any(_same(sentence, d) for d in digest):
            r.summary_in_digests.hit += 1
            r.summary_in_digests.misses.append(f"{art.file} #{art.id}: {sentence}")
    again = repeated(blocks)
    r.article_repeats.total += 1
    r.repeated_sentences += len(again)
    if again:
        r.article_repeats.hit += 1
        r.article_repeats.misses.append(f"{art.file} #{art.id} repeats: {again}")


def _source_sentences(art: StoredArticle) -> list[str]:
    return [
        s for sec in art.sections for line in sec.text.splitlines() for s in split_sentences(line)
    ]


def _detectors(r: Reading, where: str, blocks: Sequence[Block], source: Sequence[str]) -> None:
    """Meta, pronoun and numbered-line detectors over every sentence shown."""
    source_keys = [key(s) for s in source]
    for block in blocks:
        before = ""
        previous_line_leads = False
        for line in block.lines:
            numbered = bool(_LIST_MARK.match(line))
            if numbered:
                r.list_detected.total += 1
                if not previous_line_leads:
                    r.list_detected.hit += 1
                    r.list_detected.misses.append(f"{where} [{block.label}]: {line}")
            previous_line_leads = numbered or bool(_LEAD_IN.search(line))
            for sentence in split_sentences(line):
                k = key(sentence)
                r.shown_sentences += 1
                r.meta_detected.total += 1
                if _META.search(sentence):
                    r.meta_detected.hit += 1
                    r.meta_detected.misses.append(f"{where} [{block.label}]: {sentence}")
                if _PRONOUN.match(_LIST_MARK.sub("", sentence)) and k:
                    r.pronoun_detected.total += 1
                    if _dangles(k, before, source_keys):
                        r.pronoun_detected.hit += 1
                        r.pronoun_detected.misses.append(f"{where} [{block.label}]: {sentence}")
                before += k


def _dangles(k: str, before: str, source_keys: Sequence[str]) -> bool:
    """Shown without the sentence the source puts before it.

    Without the source (sector answers) or when the sentence is the source's
    first, a pointing opener dangles when it opens its block.
    """
    at = next((i for i, s in enumerate(source_keys) if s and (k in s or s in k)), None)
    if at is None or at == 0:
        return not before
    return not _follows(before, source_keys[at - 1])


def _follows(before: str, antecedent: str) -> bool:
    """`before` (what the block shows ahead of a sentence) ends with the antecedent,
    or with most of it: a shown sentence may lose its opening connective (換句話說，不過，)."""
    if not antecedent:
        return False
    shortest = max(MIN_KEY, int(len(antecedent) * 0.6))
    return any(before.endswith(antecedent[cut:]) for cut in range(len(antecedent) - shortest + 1))


def _gold_meta(r: Reading, g: GoldArticle, blocks: Sequence[Block], where: str) -> None:
    text = [_joined(b.lines) for b in blocks]
    for sentence in g.meta:
        r.meta_gold.total += 1
        if any(key(sentence) in t for t in text):
            r.meta_gold.hit += 1
            r.meta_gold.misses.append(f"{where}: meta shown: {sentence}")


def _gold_pronouns(r: Reading, g: GoldArticle, blocks: Sequence[Block], where: str) -> None:
    """Gold pronoun sentences shown, and of those, shown without their antecedent just before."""
    for sentence, antecedent in g.pronouns:
        k, ka = key(sentence), key(antecedent)
        for block in blocks:
            joined = _joined(block.lines)
            at = joined.find(k)
            if at < 0:
                continue
            r.pronoun_gold.total += 1
            if not _follows(joined[:at], ka):
                r.pronoun_gold.hit += 1
                r.pronoun_gold.misses.append(f"{where} [{block.label}]: {sentence}")


def _gold_lists(r: Reading, g: GoldArticle, blocks: Sequence[Block], where: str) -> None:
    """Gold list items shown, and of those, shown without their lead-in earlier in the block."""
    for lead_in, items in g.lists:
        kl = key(lead_in)
        for item in items:
            k = key(item)
            for block in blocks:
                joined = _joined(block.lines)
                at = joined.find(k)
                if at < 0:
                    continue
                r.list_gold.total += 1
                if kl not in joined[:at]:
                    r.list_gold.hit += 1
                    r.list_gold.misses.append(f"{where} [{block.label}]: {item}")


def _section_names(g: GoldArticle, names: Sequence[str]) -> set[str]:
    """Names as written, plus the gold aliases of the companies they are."""
    out = {norm_name(n) for n in names}
    for c in g.companies:
        own = {norm_name(c.name), *(norm_name(a) for a in c.aliases)}
        if own & out:
            out |= own
    return {n for n in out if n}


def _companies_kept(r: Reading, g: GoldArticle, s: StoredArticle | None, where: str) -> None:
    from real_eval_gold import norm_text, same_heading

    for (heading, fact), names in zip(g.sections, g.section_companies, strict=False):
        if not names:
            continue
        r.companies_kept.total += 1
        sec = None
        if s is not None:
            sec = next(
                (
                    x
                    for x in s.sections
                    if (same_heading(heading, x.heading) if heading else not x.heading)
                ),
                None,
            ) or next((x for x in s.sections if norm_text(fact) in norm_text(x.text)), None)
        digest = norm_name("".join(sec.digest)) if sec is not None else ""
        wanted = _section_names(g, names)
        # The summary sentences drawn from this section count for the wider figure.
        own = norm_text(sec.text) if sec is not None else ""
        drawn = [x for x in (s.summary if s is not None else []) if own and norm_text(x) in own]
        r.companies_view.total += 1
        if any(n in digest + norm_name("".join(drawn)) for n in wanted):
            r.companies_view.hit += 1
        if any(n in digest for n in wanted):
            r.companies_kept.hit += 1
        else:
            shown = sec.digest if sec is not None else "(section not stored)"
            r.companies_kept.misses.append(
                f"{where} [{heading or 'intro'}]: none of {list(names)} in {shown}"
            )


def published_date(value: str | None) -> str | None:
    """The Taipei calendar date of a stored `published` value (ISO date or date-time)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        m = re.search(r"\d{4}-\d{2}-\d{2}", value)
        return m.group(0) if m else None
    if moment.tzinfo is not None:
        moment = moment.astimezone(TAIPEI)
    return moment.date().isoformat()


def _date(r: Reading, g: GoldArticle, s: StoredArticle | None, where: str) -> None:
    if not g.published:
        return
    r.dates.total += 1
    got = published_date(s.published) if s is not None else None
    if got == g.published:
        r.dates.hit += 1
        return
    if got is not None:
        r.wrong_dates += 1
    r.dates.misses.append(
        f"{where}: published {got} (stored {s.published if s else None!r}), gold {g.published}"
    )


# ---------------------------------------------------------------- table


def reading_rows(j: dict[str, Any]) -> list[tuple[str, ...]]:
    """Rows for real_eval's table: (figure, value[, target, status])."""

    def frac(name: str, empty: str = "no gold") -> str:
        t = j[name]
        return f"{t['hit']} of {t['total']} ({t['rate']:.3f})" if t["total"] else empty

    def zero(name: str) -> tuple[str, str]:
        t = j[name]
        return ("0", "ok" if t["hit"] == 0 else "MISSED") if t["total"] else ("", "")

    rows: list[tuple[str, ...]] = [
        (
            "summary sentences repeated in digests",
            frac("summary_sentences_in_digests", "none shown"),
            *zero("summary_sentences_in_digests"),
        ),
        (
            "article views repeating a sentence",
            frac("articles_repeating_a_sentence", "none shown"),
            *zero("articles_repeating_a_sentence"),
        ),
        ("  extra showings of a sentence", str(j["repeated_sentences_in_articles"])),
        (
            "sector answers repeating a sentence",
            frac("sector_answers_repeating_a_sentence", "none shown"),
            *zero("sector_answers_repeating_a_sentence"),
        ),
        (
            "gold meta sentences shown",
            frac("gold_meta_sentences_shown"),
            *zero("gold_meta_sentences_shown"),
        ),
        ("meta-like sentences shown (detector)", frac("meta_like_sentences_shown", "none shown")),
        (
            "gold pronoun sentences shown dangling",
            frac("gold_pronoun_sentences_dangling"),
            *zero("gold_pronoun_sentences_dangling"),
        ),
        ("pronoun openers shown dangling (det.)", frac("pronoun_openers_dangling", "none shown")),
        (
            "gold list items shown without lead-in",
            frac("gold_list_items_without_lead_in"),
            *zero("gold_list_items_without_lead_in"),
        ),
        (
            "numbered lines w/o lead-in (detector)",
            frac("numbered_lines_without_lead_in", "none shown"),
        ),
        ("section digests keeping a company", frac("section_digests_keeping_a_company")),
        (
            "  in the digest or the summary",
            frac("section_digest_or_summary_keeping_a_company"),
        ),
        ("sections shown with an empty digest", frac("sections_with_empty_digest", "none shown")),
    ]
    dates = j["publication_dates_exact"]
    if dates["total"]:
        rows.append(
            (
                "publication dates exact",
                f"{frac('publication_dates_exact')}, {j['publication_dates_wrong']} wrong",
                "all",
                "ok" if dates["hit"] == dates["total"] else "MISSED",
            )
        )
    else:
        rows.append(("publication dates exact", "no gold"))
    return rows
