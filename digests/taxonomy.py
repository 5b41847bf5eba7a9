"""Sector taxonomy (``digests/data/topics.toml``) and topic scoring over segmented text.

A topic is scored by the weights of its signal terms found among an article's
tokens, headings and title counting extra; a sublinear count keeps one term repeated
twenty times from outweighing ten different signals.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import opencc

from digests.cachedir import cache_dir, write_cache_file
from digests.models import TopicScore
from digests.normalize import name_key

HEADING_WEIGHT = 2.0
TITLE_WEIGHT = 3.0
MIN_ARTICLE_SCORE = 6.0
"""Weighted evidence an article needs before a topic is listed for it at all."""
MIN_SHARE_OF_TOP = 0.3
"""Secondary topics must reach this fraction of the main topic's score."""


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    aliases: tuple[str, ...]
    terms: Mapping[str, float]
    """Normalised (Simplified, lower-case) term -> weight."""
    name_en: str = ""
    """English display name (data from topics.toml; the interface picks the name)."""


class Taxonomy:
    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.by_id = {t.id: t for t in self.topics}
        self._term_topics: dict[str, list[tuple[str, float]]] = {}
        for topic in self.topics:
            for term, weight in topic.terms.items():
                self._term_topics.setdefault(term, []).append((topic.id, weight))
        self._names: dict[str, Topic] = {}
        for topic in self.topics:
            for label in (topic.id, topic.name, *topic.aliases, topic.name_en):
                if not label:
                    continue
                self._names.setdefault(name_key(label), topic)

    @property
    def vocabulary(self) -> set[str]:
        """Every normalised signal term (added to the segmenter's dictionary)."""
        return set(self._term_topics)

    def lookup(self, query: str) -> Topic | None:
        """Exact match on id, name or alias in any script."""
        return self._names.get(name_key(query))

    def labels(self) -> dict[str, Topic]:
        return dict(self._names)

    def score_terms(
        self,
        body: Mapping[str, int],
        headings: Mapping[str, int] | None = None,
        title: Mapping[str, int] | None = None,
    ) -> dict[str, float]:
        """Topic id -> weighted evidence from term counts of body, headings and title."""
        scores: dict[str, float] = {}
        parts = ((body, 1.0), (headings or {}, HEADING_WEIGHT), (title or {}, TITLE_WEIGHT))
        table = self._term_topics
        for counts, factor in parts:
            # Only signal terms score: picked out in C, in the same order as before.
            for term in filter(table.__contains__, counts):
                hits = table[term]
                if not hits:
                    continue
                damped = factor * math.sqrt(counts[term])
                for topic_id, weight in hits:
                    scores[topic_id] = scores.get(topic_id, 0.0) + weight * damped
        return scores

    def rank(
        self, scores: Mapping[str, float], minimum: float = MIN_ARTICLE_SCORE
    ) -> list[TopicScore]:
        """Topics worth listing, main first: above ``minimum`` and near the top score."""
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked or ranked[0][1] < minimum:
            return []
        top = ranked[0][1]
        return [
            TopicScore(tid, round(score, 3))
            for tid, score in ranked
            if score >= minimum and score >= MIN_SHARE_OF_TOP * top
        ]


def parse_taxonomy(text: str) -> Taxonomy:
    data = tomllib.loads(text)
    topics = []
    for raw in data.get("topic", []):
        topic_id = str(raw["id"])
        if not topic_id.isascii() or len(topic_id.encode()) > 32:
            raise ValueError(f"topic id must be short ASCII: {topic_id!r}")
        terms: dict[str, float] = {}
        for term, weight in raw.get("terms", {}).items():
            key = name_key(term)
            if len(key) >= 2:
                terms[key] = max(terms.get(key, 0.0), float(weight))
        topics.append(
            Topic(
                id=topic_id,
                name=str(raw["name"]),
                aliases=tuple(str(a) for a in raw.get("aliases", [])),
                terms=terms,
                name_en=str(raw.get("name_en", "")),
            )
        )
    return Taxonomy(topics)


@cache
def load_taxonomy() -> Taxonomy:
    """The taxonomy shipped in ``digests/data/topics.toml``, parsed once per version of
    the file (:func:`_parsed_once`)."""
    path = resources.files("digests") / "data" / "topics.toml"
    return _parsed_once(path.read_text(encoding="utf-8"))


_CACHE_FORMAT = 1
"""Bump when what the kept taxonomy file holds changes."""

_KEY_MODULES = ("taxonomy.py", "normalize.py", "textproc.py")
"""The code :func:`parse_taxonomy` runs: its terms go through ``name_key``, which goes
through ``textproc.to_simplified`` (OpenCC)."""


def _cache_key(text: str) -> str:
    """Everything a parsed taxonomy is built from: the file's text, the code that parses
    and normalises it, OpenCC's and Unicode's versions."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT}|{sys.version}|".encode())
    digest.update(f"{getattr(opencc, '__version__', '')}|{unicodedata.unidata_version}|".encode())
    here = Path(__file__).parent
    for module in _KEY_MODULES:
        digest.update((here / module).read_bytes())
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:16]


def _parsed_once(text: str) -> Taxonomy:
    """:func:`parse_taxonomy` of ``text``, kept in :func:`cache_dir` as the parsed topics.

    Parsing costs every process that loads the lexicon about 10 ms (TOML, then
    ``name_key`` of each of the ~1,000 terms through OpenCC); the kept file is named by
    everything the result is built from (:func:`_cache_key`), so it holds exactly what
    parsing gives, terms in the same order with the same weights (JSON keeps a float's
    exact value).  It is JSON, checked field by field: anything unreadable is parsed
    afresh, and a missing or read-only folder only costs the parse.
    """
    try:
        path = cache_dir() / f"taxonomy-{_cache_key(text)}.json"
    except OSError:
        return parse_taxonomy(text)
    try:
        return Taxonomy(_topics_from_json(json.loads(path.read_bytes())))
    except (OSError, ValueError, TypeError, KeyError):
        pass
    taxonomy = parse_taxonomy(text)
    rows = [[t.id, t.name, list(t.aliases), dict(t.terms), t.name_en] for t in taxonomy.topics]
    write_cache_file(path, json.dumps(rows, ensure_ascii=False).encode(), "taxonomy-*.json")
    return taxonomy


def _topics_from_json(rows: Any) -> list[Topic]:
    """The topics :func:`_parsed_once` kept, or ValueError when the file is not one."""
    if not isinstance(rows, list):
        raise ValueError("not a kept taxonomy")
    topics = []
    for topic_id, name, aliases, terms, name_en in rows:
        if not (
            isinstance(topic_id, str)
            and isinstance(name, str)
            and isinstance(name_en, str)
            and isinstance(aliases, list)
            and all(isinstance(a, str) for a in aliases)
            and isinstance(terms, dict)
            and all(type(w) is float for w in terms.values())
        ):
            raise ValueError("not a kept taxonomy")
        topics.append(Topic(topic_id, name, tuple(aliases), terms, name_en))
    return topics
