"""Company names found on an article's jieba tokens, and the tables that find them fast.

A name is a token (台積電), two tokens (台灣 + 大哥大), a token with a company word
glued on (東元電機) or after a word (韓國三星電子); a short name whose edge makes a
word with its neighbour (新產 in 新產能) is in doubt.  :class:`MentionIndex` keeps,
per directory generation, what each distinct token may be, so that most tokens are
passed over with a set lookup.  :mod:`digests.mentions` weighs what is found here
together with tickers, phrases and mixed-script names.

Suffixes are Simplified, as the segmenter's tokens are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress, count, islice, repeat
from operator import contains, eq, not_

from digests import regexcache
from digests.companies import COMMON_WORD_FREQ, CompanyDirectory
from digests.name_suffixes import suffix_fits
from digests.textproc import general_word_freq, segmenter_word_freq, words_taught

LETTER_RUN = regexcache.compile("[A-Za-z]+")

CROSSING_WORD_FREQ = 50
"""A word the segmenter knows at least this often is a real word a short name may
have been cut out of (新產 in 新產能)."""

_MARKET_WORDS = frozenset(
    "营收 产线 财测 法说 法说会 营益率 净利 稼动率 拉货 备货 制程 扩产 量产 殖利率 除息 "
    "出货 获利 毛利 毛利率 先进制程 封测".split()
)
"""Words of Taiwanese market prose that jieba's (mainland) dictionary lacks or barely
knows: 台灣大 + 營收 is the company and its revenue, 新產 + 線 is a production line."""


def token_aliases(
    tokens: list[str], directory: CompanyDirectory, index: MentionIndex
) -> list[tuple[str, bool, bool]]:
    """Aliases named by the tokens: whole tokens, two tokens that form one name
    (台灣 + 大哥大, 南亞 + 科技 -> 南亞科), a name with a company-type word
    (東元電機, 台塑集團) and a name after a word jieba glued to it (韓國三星電子).
    The first flag says the name came with more than itself (a compound): that
    counts as surely as a distinctive name, even for a short or everyday one.  The
    second says a two-character name may have been cut out of a word (新產能).

    Only the tokens that may start a name are looked at (see :meth:`MentionIndex.places`):
    most sentences have a few, many none."""
    places = index.places([tokens])
    return aliases_at(tokens, places[0], directory, index) if places else []


def aliases_at(
    tokens: list[str], places: Sequence[int], directory: CompanyDirectory, index: MentionIndex
) -> list[tuple[str, bool, bool]]:
    """:func:`token_aliases` read at ``places`` only: what :meth:`MentionIndex.places`
    gave for these tokens (every other token yields nothing and joins no pair that does)."""
    by_alias = directory.by_alias
    count = len(tokens)
    out: list[tuple[str, bool, bool]] = []
    taken = 0  # tokens before this were read as the second half of a pair
    for i in places:
        if i < taken:
            continue
        token = tokens[i]
        key = token.lower() if token.isascii() else token
        if i + 1 < count and not key.isascii() and not tokens[i + 1].isascii():
            pair = key + tokens[i + 1]
            # Most pairs are neither a name nor end like one (company_stem): skip the call.
            joined = (
                _joined_alias(pair, directory)
                if pair in by_alias or pair[-2:] in _SUFFIX_ENDINGS
                else None
            )
            if joined is not None:
                out.append((joined, True, False))
                taken = i + 2
                continue
            if pair[-2:] in _SUFFIX_ENDINGS and (other := misfit_stem(pair, directory)):
                out.append((other, False, True))  # 晶華 + 半導體: needs its ticker
                taken = i + 2
                continue
        if key in by_alias:
            crossed = _loosely_bound(key, directory) and index.crosses(tokens, i, directory)
            out.append((key, False, crossed))
        elif len(key) >= 3 and not key.isascii():
            found = company_stem(key, directory) or _after_word(key, directory)
            if found is not None:
                out.append((found, True, False))
            elif (other := misfit_stem(key, directory)) is not None:
                out.append((other, False, True))
    return out


class MentionIndex:
    """Lookup tables derived from one generation of a directory (see
    :meth:`CompanyDirectory.derived`), and what they said of the tokens met so far.

    :func:`token_aliases` finds something at a token only when the token is a name,
    starts with one (南亞科 + 技, 東元電機: company_stem and misfit_stem keep a prefix
    of two characters or more), ends with one from its third character on (韓國三星電子:
    _after_word) or, for a pair, when the name the pair starts is longer than the
    first token: then the first token and the next one's first character start an
    alias (台灣 + 大哥大).  Tokens of the first three kinds are ``named``; tokens that
    only start an alias are ``opens`` and count when the next token continues it.
    Every other token yields nothing and never joins a pair that does.

    Each distinct token is classified once per generation (a set difference per
    article finds the new ones), so a sentence costs a set test unless it has such a
    token, and then a look at those tokens only.
    """

    def __init__(self, directory: CompanyDirectory, previous: MentionIndex | None = None) -> None:
        """The tables for ``directory`` as it is now, grown from those ``previous``
        built for an earlier generation when it can be: aliases are only ever added
        (a learned name), so the earlier prefixes still hold and only the new aliases'
        are added; what tokens were found to be is kept unless a new alias or phrase
        may change it."""
        by_alias = directory.by_alias
        self.by_alias = by_alias
        self.alias_count = len(by_alias)
        self.phrases = directory.phrases
        self.phrase_count = len(directory.phrases)
        self.phrase_firsts = directory.phrases.keys()
        if (
            previous is not None
            and previous.by_alias is by_alias
            and previous.alias_count <= self.alias_count
            and previous.phrases is directory.phrases
            and previous.phrase_count <= self.phrase_count
        ):
            new = list(islice(by_alias, previous.alias_count, None))
            # Grown in place: an index still in use elsewhere then reads more starts
            # than its aliases have, which only sends more tokens to the exact scan.
            self.prefixes, self.starts = previous.prefixes, previous.starts
            for alias in new:
                heads = [alias[:end] for end in range(1, len(alias))]
                self.prefixes.update(heads)
                self.starts.update(heads)
                self.starts.add(alias)
        else:
            previous, new = None, []
            self.prefixes = {alias[:end] for alias in by_alias for end in range(1, len(alias))}
            """Every proper prefix of every alias."""
            self.starts = self.prefixes | by_alias.keys()
            """... and the aliases themselves."""
        self.crossing: dict[tuple[str, str, str], bool] = {}
        self.crossing_at = -1
        self.seen: set[str] = set()
        self.named: set[str] = set()
        self.relevant: set[str] = set()
        """``named`` and ``opens`` tokens."""
        self.phrase_words: set[str] = set()
        """Latin tokens that are the first word of a multi-word name (GE of GE Vernova)."""
        if previous is not None:
            # A token's classes only grow with the aliases and phrases (each is a test of
            # membership in them), so they are kept; a token a new alias or phrase may
            # add a class to is forgotten as seen, to be classified again when met.
            self.seen, self.named = previous.seen, previous.named
            self.relevant, self.phrase_words = previous.relevant, previous.phrase_words
            firsts = set(islice(self.phrases, previous.phrase_count, None))
            if new or firsts:
                self.seen.difference_update(_touched(new, firsts, tuple(self.seen)))
            if not new:  # nothing a crossing depends on has changed
                self.crossing, self.crossing_at = previous.crossing, previous.crossing_at
        self.mixed_by_run: dict[str, list[tuple[int, str]]] = {}
        """Mixed-script names by their first run of Latin letters, with their place in
        ``directory.mixed`` (the order they are reported in)."""
        for order, alias in enumerate(directory.mixed):
            run = LETTER_RUN.search(alias)
            if run is not None:
                self.mixed_by_run.setdefault(run.group(), []).append((order, alias))
        self.mixed_runs = frozenset(self.mixed_by_run)

    def crosses(self, tokens: list[str], i: int, directory: CompanyDirectory) -> bool:
        """:func:`_crosses_word`, remembered: it reads only the name and its Chinese
        neighbours, and asks the segmenter's dictionary up to a dozen times."""
        taught = words_taught()
        if self.crossing_at != taught or len(self.crossing) > _MEMO_LIMIT:
            self.crossing.clear()  # a word taught changes the frequencies it read
            self.crossing_at = taught
        before = tokens[i - 1] if i > 0 and _is_cjk(tokens[i - 1]) else ""
        after = tokens[i + 1] if i + 1 < len(tokens) and _is_cjk(tokens[i + 1]) else ""
        place = (before, tokens[i], after)
        answer = self.crossing.get(place)
        if answer is None:
            answer = self.crossing[place] = _crosses_word(list(place), 1, directory)
        return answer

    def places(self, units: list[list[str]]) -> dict[int, list[int]]:
        """Where :func:`aliases_at` must look in each token list of ``units`` (all of an
        article's, classified first): unit number -> positions, for the units that have
        any.  A place is a ``named`` token, or an ``opens`` token followed, in its own
        unit, by a non-Latin token whose first character continues it to the start of an
        alias (``token + next[:1]`` in ``starts``): the tokens :func:`token_aliases` used
        to pass over one by one yield nothing there, nor join a pair that does.

        The units without a ``relevant`` token (one in ten) are found in C; in the others
        one comprehension finds the places, where the finder used to collect every
        ``relevant`` token first and then loop over them to drop most (only about one
        ``opens`` token in 300 is continued)."""
        relevant, named, starts = self.relevant, self.named, self.starts
        out: dict[int, list[int]] = {}
        for unit in compress(count(), map(not_, map(relevant.isdisjoint, units))):
            tokens = units[unit]
            last = len(tokens) - 1
            found = [
                i
                for i, token in enumerate(tokens)
                if token in relevant
                and (
                    token in named
                    or (
                        i < last
                        and not tokens[i + 1].isascii()
                        and token + tokens[i + 1][:1] in starts
                    )
                )
            ]
            if found:
                out[unit] = found
        return out

    def classify(self, tokens: Iterable[str]) -> None:
        """Classify the tokens not met before (``tokens`` of a whole article at once)."""
        # find_mentions passes a set: no copy of it is needed to take the difference.
        fresh = (tokens if isinstance(tokens, set) else set(tokens)).difference(self.seen)
        if not fresh:
            return
        by_alias = self.by_alias
        for token in fresh:
            if token.isascii():
                low = token.lower()
                if low in by_alias:
                    self.named.add(token)
                    self.relevant.add(token)
                if low in self.phrase_firsts:
                    self.phrase_words.add(token)
                continue
            size = len(token)
            if token in by_alias or (
                size > 2
                and (
                    any(token[:end] in by_alias for end in range(2, size))
                    or (size > 4 and any(token[cut:] in by_alias for cut in range(2, size - 2)))
                )
            ):
                self.named.add(token)
                self.relevant.add(token)
            elif token in self.prefixes:
                self.relevant.add(token)
        # Classes first: a token in ``seen`` is already in its class (threads may share
        # this).  Past the limit only ``seen`` starts again: the classes stay exact.
        if len(self.seen) > _MEMO_LIMIT:
            self.seen.clear()
        self.seen.update(fresh)


def _touched(aliases: list[str], firsts: set[str], seen: tuple[str, ...]) -> set[str]:
    """The tokens of ``seen`` whose class new ``aliases`` or phrases (their ``firsts``)
    may change: an alias itself (a Latin one in any case), its starts, the tokens that
    hold it (a name with a company word or after a word), a phrase's first word.

    Each test runs over ``seen`` (up to :data:`_MEMO_LIMIT` tokens) in C (``map`` with
    ``contains``, ``eq``, ``str.lower``); the few tokens it keeps are then checked for
    being ASCII, the rest of the test, in Python."""
    touched: set[str] = set()
    if firsts or any(map(str.isascii, aliases)):
        lowered = list(map(str.lower, seen))
    if firsts:
        hit = compress(seen, map(firsts.__contains__, lowered))
        touched.update(t for t in hit if t.isascii())
    for alias in aliases:
        touched.update(alias[:end] for end in range(1, len(alias)))
        touched.update(compress(seen, map(contains, seen, repeat(alias))))
        if alias.isascii():
            hit = compress(seen, map(eq, lowered, repeat(alias)))
            touched.update(t for t in hit if t.isascii())
    return touched


_MEMO_LIMIT = 200_000
"""Tokens (or name places) remembered per directory generation: a long-running bot
meets new ones forever."""


def _is_cjk(token: str) -> bool:
    return bool(token) and "\u3400" <= token[0] <= "\u9fff" and "\u3400" <= token[-1] <= "\u9fff"


def _loosely_bound(name: str, directory: CompanyDirectory) -> bool:
    """Names whose edges the segmenter may have drawn wrongly: two characters (新產),
    or a common word plus one character (先進 + 光 in 先進光罩, 系統 + 電 in 系統電源)."""
    if not _is_cjk(name):
        return False
    if len(name) == 2:
        return True
    return len(name) == 3 and _plain_word(name[:2], directory)


def _crosses_word(keys: list[str], i: int, directory: CompanyDirectory) -> bool:
    """Whether the two-character name ``keys[i]`` shares an edge character with a
    common word the text may really mean: 新產 + 能 (產能 capacity), 超微 + 型電腦
    (微型), 美 + 國巨 (美國).  Teaching the segmenter every listed name makes it
    prefer the name, so the name's edges are checked against the words around it.
    A neighbour that is itself a solid word keeps the name (緯創 + 新高: reading
    創新 would leave 高 alone)."""
    name = keys[i]
    if i + 1 < len(keys) and _is_cjk(keys[i + 1]):
        after = keys[i + 1]
        for k in range(1, min(2, len(after)) + 1):
            words = (name[-1] + after[:k], name + after[:k])
            if any(_common_word(w, directory) for w in words) and not (
                k < len(after) and _solid_word(after, directory)
            ):
                return True
    if i > 0 and _is_cjk(keys[i - 1]):
        before = keys[i - 1]
        for k in range(1, min(2, len(before)) + 1):
            words = (before[-k:] + name[0], before[-k:] + name)
            if any(_common_word(w, directory) for w in words) and not (
                k < len(before) and _solid_word(before, directory)
            ):
                return True
    return False


def _common_word(word: str, directory: CompanyDirectory) -> bool:
    """A word the text may mean instead of the name: a common word, or another
    company's name (先進光 + 罩 vs 光罩: the segmenter chose between two names by the
    weights we gave them, not by the text)."""
    return word in directory.by_alias or _word_freq(word) >= CROSSING_WORD_FREQ


def _plain_word(word: str, directory: CompanyDirectory) -> bool:
    """A very common word that is no company's name (先進, 系統, 台灣)."""
    if word in directory.by_alias and word not in directory.ambiguous:
        return False
    return segmenter_word_freq(word) >= COMMON_WORD_FREQ


def _solid_word(token: str, directory: CompanyDirectory) -> bool:
    return len(token) >= 2 and (
        token in directory.by_alias or _word_freq(token) >= CROSSING_WORD_FREQ
    )


def _word_freq(word: str) -> int:
    return CROSSING_WORD_FREQ if word in _MARKET_WORDS else segmenter_word_freq(word)


def _joined_alias(joined: str, directory: CompanyDirectory) -> str | None:
    if len(joined) < 3:
        return None
    if joined in directory.by_alias:
        plain = joined not in directory.ambiguous and joined not in directory.weak
        return joined if plain else None
    return company_stem(joined, directory)


def _after_word(token: str, directory: CompanyDirectory) -> str | None:
    """``韓國三星電子`` (one jieba word) -> 三星電子: a known word, then a full name."""
    for cut in range(2, len(token) - 2):
        tail = token[cut:]
        if (
            tail in directory.by_alias
            and tail not in directory.ambiguous
            and tail not in directory.weak
            and general_word_freq(token[:cut]) > 0
        ):
            return tail
    return None


_NAME_SUFFIXES = (
    "电机",
    "电子",
    "电信",
    "科技",
    "集团",
    "公司",
    "股份",
    "企业",
    "工业",
    "实业",
    "控股",
    "投控",
    "国际",
    "精密",
    "光电",
    "半导体",
    "航空",
    "海运",
    "航运",
    "金控",
    "电脑",
    "化学",
    "化工",
    "塑胶",
    "钢铁",
    "晶圆",
    "通讯",
    "生技",
    "材料",
)


_SUFFIX_ENDINGS = frozenset(suffix[-2:] for suffix in _NAME_SUFFIXES)


def company_stem(token: str, directory: CompanyDirectory) -> str | None:
    """A known name followed by a company-type word is that name: ``东元电机`` ->
    ``东元``; the word may share its first character with the name's last
    (``南亚科`` + ``科技``, ``华邦电`` + ``电子``, ``环球晶`` + ``晶圆``)."""
    return _stem(token, directory, fitting=True)


def misfit_stem(token: str, directory: CompanyDirectory) -> str | None:
    """A short name followed by an industry word its company's industry contradicts
    (晶華 + 半導體: a hotel group): probably another company of that name, so the
    short name counts only with stronger evidence (its ticker)."""
    return _stem(token, directory, fitting=False)


def _stem(token: str, directory: CompanyDirectory, fitting: bool) -> str | None:
    if len(token) < 3 or token.isascii() or token[-2:] not in _SUFFIX_ENDINGS:
        return None
    for suffix in _NAME_SUFFIXES:
        if token.endswith(suffix):
            for name, shortest in ((token[: -len(suffix) + 1], 3), (token[: -len(suffix)], 2)):
                # The name may share the suffix's first character (南亞科 + 科技).
                if (
                    len(name) >= shortest
                    and name in directory.by_alias
                    and _fits(name, suffix, directory) == fitting
                ):
                    return name
    return None


def _fits(name: str, suffix: str, directory: CompanyDirectory) -> bool:
    """Any company of that name may carry the suffix (see :mod:`digests.name_suffixes`)."""
    companies = directory.companies
    return any(suffix_fits(suffix, companies[k].industry) for k in directory.by_alias[name])
