"""Which follows an article hits, and the sentence that names each: pure matching.

A chat follows companies (by directory key) and keywords (any phrase the reader typed).
Company hits come from the pipeline's own mention finder (the store hands over the
company keys an article names and the sentences naming them), so following 台積電 has
exactly the precision of ``/company``.  Keywords are found in a normalised copy of the
text (NFKC, case-folded, Simplified script), so 矽光子, 硅光子 and ＣＰＯ/cpo all match;
a keyword that starts or ends with a Latin letter or digit only counts at a word
boundary, so ``AI`` is not found inside ``SAID``.

Fan-out is inverted: :class:`FollowIndex` maps each followed key to the chats following
it, so one new article costs one scan of its text for every distinct keyword at once
(a two-character prefix table) plus a dictionary look-up per company it names, whatever
the number of chats.  :class:`FollowWindow` answers the briefing's question the other
way round (which recent articles hit this follow), memoising each keyword's hits.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from digests import regexcache
from digests.answers import stands_alone
from digests.textproc import sentences as split_sentences
from digests.textproc import to_simplified

COMPANY, KEYWORD = "company", "keyword"
KINDS = (COMPANY, KEYWORD)
MIN_KEYWORD = 2
MAX_KEYWORD = 40
SENTENCES_PER_HIT = 2
_SPACES = regexcache.compile(r"\s+")
_VARIANTS = str.maketrans({"矽": "硅"})
"""Taiwan and mainland spellings OpenCC's t2s keeps apart (矽晶圓 / 硅晶圆)."""


def _fold(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text).casefold()).translate(_VARIANTS)


def keyword_key(text: str) -> str:
    """The form a keyword is stored and matched in: NFKC, case-folded, Simplified, one space."""
    return _SPACES.sub(" ", _fold(text)).strip()


def valid_keyword(key: str) -> bool:
    """Long enough to mean something, short enough to be a phrase, not only punctuation."""
    return MIN_KEYWORD <= len(key) <= MAX_KEYWORD and any(ch.isalnum() for ch in key)


def _word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class MatchArticle:
    """What matching needs of one stored article."""

    id: int
    title: str
    texts: tuple[str, ...]
    """Section texts in document order."""
    companies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Company key -> the sentences naming it (document order), from the mention finder."""
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Hit:
    kind: str
    key: str
    sentences: tuple[str, ...]
    """The sentences that name the company or use the keyword (the title when only it does)."""


class PreparedArticle:
    """An article's normalised text, computed once; sentences split only where a keyword is.

    Splitting every section into sentences would cost more than the whole match, and
    most sections use none of the followed keywords.
    """

    __slots__ = ("_sentences", "article", "joined", "norms", "title_norm")

    def __init__(self, article: MatchArticle) -> None:
        self.article = article
        self.title_norm = keyword_key(article.title)
        self.norms = [_SPACES.sub(" ", _fold(text)) for text in article.texts]
        self.joined = "\n".join([self.title_norm, *self.norms])
        self._sentences: dict[int, list[tuple[str, str]]] = {}

    def _split(self, section: int) -> list[tuple[str, str]]:
        """(original, normalised) sentences of one section."""
        found = self._sentences.get(section)
        if found is None:
            found = [(s, keyword_key(s)) for s in split_sentences(self.article.texts[section])]
            self._sentences[section] = found
        return found

    def keyword_sentences(self, key: str) -> tuple[str, ...] | None:
        """The sentences using ``key`` (word-bounded), the title if only it does, or None.

        A sentence that does not read alone (2. 車用：…、其…) is not quoted: the next one
        is, or the title when the body uses ``key`` only in such sentences.
        """
        if key not in self.joined:
            return None
        found: list[str] = []
        used = False
        for section, norm in enumerate(self.norms):
            if len(found) >= SENTENCES_PER_HIT or key not in norm:
                continue
            for original, sentence in self._split(section):
                if _contains(sentence, key) and len(found) < SENTENCES_PER_HIT:
                    used = True
                    if stands_alone(original):
                        found.append(original)
        if found:
            return tuple(found)
        return (self.article.title,) if used or _contains(self.title_norm, key) else None


def _contains(text: str, key: str) -> bool:
    start = text.find(key)
    while start != -1:
        if _bounded(text, start, key):
            return True
        start = text.find(key, start + 1)
    return False


def _bounded(text: str, start: int, key: str) -> bool:
    end = start + len(key)
    if _word_char(key[0]) and start > 0 and _word_char(text[start - 1]):
        return False
    return not (_word_char(key[-1]) and end < len(text) and _word_char(text[end]))


class KeywordScanner:
    """Every keyword of a set found in one pass over a text (two-character prefix table)."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self._by_prefix: dict[str, list[str]] = {}
        for key in set(keywords):
            if len(key) >= MIN_KEYWORD:
                self._by_prefix.setdefault(key[:2], []).append(key)

    def __len__(self) -> int:
        return sum(len(keys) for keys in self._by_prefix.values())

    def scan(self, text: str) -> set[str]:
        found: set[str] = set()
        by_prefix = self._by_prefix
        for start in range(len(text) - 1):
            candidates = by_prefix.get(text[start : start + 2])
            if candidates is None:
                continue
            for key in candidates:
                if key not in found and text.startswith(key, start) and _bounded(text, start, key):
                    found.add(key)
        return found


def match_article(
    prepared: PreparedArticle, companies: Iterable[str], scanner: KeywordScanner
) -> list[Hit]:
    """The follows ``prepared`` hits: the followed ``companies`` it names, then keywords."""
    article = prepared.article
    hits = [
        Hit(COMPANY, key, _alone(article.companies[key]) or (article.title,))
        for key in companies
        if key in article.companies
    ]
    for key in sorted(scanner.scan(prepared.joined)):
        found = prepared.keyword_sentences(key)
        if found:
            hits.append(Hit(KEYWORD, key, found))
    return hits


def _alone(sentences: Sequence[str]) -> tuple[str, ...]:
    """The first sentences naming a company that read alone: a follow line shows a
    sentence away from its article, so a lone list item (2. 車用：…) or one pointing back
    (其營收…) gives way to the next, or to the title."""
    return tuple(s for s in sentences if stands_alone(s))[:SENTENCES_PER_HIT]


class FollowIndex:
    """Followed key -> the chats following it: one article is matched for all chats at once."""

    def __init__(self) -> None:
        self._chats: dict[tuple[str, str], array] = {}
        self._scanner: KeywordScanner | None = None

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, str]]) -> FollowIndex:
        index = cls()
        for chat_id, kind, key in rows:
            index.add(chat_id, kind, key)
        return index

    def add(self, chat_id: int, kind: str, key: str) -> None:
        self._chats.setdefault((kind, key), array("q")).append(chat_id)
        if kind == KEYWORD:
            self._scanner = None

    def __len__(self) -> int:
        return sum(len(chats) for chats in self._chats.values())

    @property
    def keys(self) -> int:
        return len(self._chats)

    def _keywords(self) -> KeywordScanner:
        if self._scanner is None:
            self._scanner = KeywordScanner(k for kind, k in self._chats if kind == KEYWORD)
        return self._scanner

    def hits(self, article: MatchArticle | PreparedArticle) -> list[tuple[Hit, array]]:
        """The follows ``article`` hits (companies first), each with the chats following it."""
        prepared = article if isinstance(article, PreparedArticle) else PreparedArticle(article)
        followed = [k for k in prepared.article.companies if (COMPANY, k) in self._chats]
        found = match_article(prepared, followed, self._keywords())
        return [(hit, self._chats[(hit.kind, hit.key)]) for hit in found]

    def match(self, article: MatchArticle | PreparedArticle) -> dict[int, Hit]:
        """Chat id -> the strongest hit of ``article`` on that chat's follows (a company
        before a keyword): one alert per article and chat.

        Filled from the weakest hit up, one ``dict.update`` per hit, so tens of thousands
        of chats following 台積電 cost a C loop, not a Python one.
        """
        by_chat: dict[int, Hit] = {}
        for hit, chats in reversed(self.hits(article)):
            by_chat.update(dict.fromkeys(chats, hit))
        return by_chat


class FollowWindow:
    """Recent articles, newest first, asked which of them hit a follow (briefings)."""

    def __init__(self, articles: Sequence[MatchArticle]) -> None:
        self.articles = {a.id: a for a in articles}
        self.rank = {a.id: position for position, a in enumerate(articles)}
        self._prepared: list[PreparedArticle] | None = None
        self._source = articles
        self._companies: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for article in articles:
            for key, found in article.companies.items():
                sentences = found[:SENTENCES_PER_HIT] or (article.title,)
                self._companies.setdefault(key, []).append((article.id, sentences))
        self._keywords: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self.memo: dict[tuple, object] = {}
        """Per-window memo of composed entries (see ``digests.briefing``)."""

    def hits(self, kind: str, key: str) -> list[tuple[int, tuple[str, ...]]]:
        """(article id, sentences) of the window's articles hitting the follow, newest first."""
        if kind == COMPANY:
            return self._companies.get(key, [])
        cached = self._keywords.get(key)
        if cached is None:
            if self._prepared is None:
                self._prepared = [PreparedArticle(a) for a in self._source]
            cached = []
            for prepared in self._prepared:
                found = prepared.keyword_sentences(key)
                if found:
                    cached.append((prepared.article.id, found))
            self._keywords[key] = cached
        return cached

    def sentences(self, kind: str, key: str, article_id: int) -> tuple[str, ...]:
        """The sentences of one article hitting the follow (empty when it does not)."""
        return next((found for a, found in self.hits(kind, key) if a == article_id), ())
