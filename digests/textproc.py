"""Script conversion, segmentation and sentence splitting.

jieba's default dictionary is trained on Simplified text and shreds Traditional
text, so analysis runs on an OpenCC t2s copy.  The copy is kept the same length as
the original (character-aligned), which lets every token and sentence found in the
copy be shown to readers in the original script by plain offset slicing.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import pickle
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import opencc

from digests import regexcache, wordshards
from digests.cachedir import cache_dir, can_write, write_cache_file
from digests.fragments import MIN_CLAUSE, is_fragment
from digests.wordindex import StoredFreq, open_index, write_index
from digests.wordshards import WordShards

if TYPE_CHECKING:
    import jieba

_lock = threading.RLock()


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert to Simplified script, keeping exactly one output char per input char."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return _keep_bmp(text, converted)
    # Phrase rules changed the length somewhere: redo line by line, and char by
    # char only on the offending lines, so offsets stay aligned with the original.
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        conv = _t2s().convert(line)
        if len(conv) != len(line):
            conv = "".join(_char_t2s(ch) for ch in line)
        out.append(conv)
    return _keep_bmp(text, "".join(out))


def _keep_bmp(original: str, converted: str) -> str:
    """Undo conversions to characters outside the Basic Multilingual Plane.

    OpenCC maps a few Traditional characters to rare Extension-B forms (鋐 -> 𬭎) that
    jieba treats as non-Chinese and splits off; the Traditional form segments better.

    The characters past the plane are found by one regex scan (a character class, C's
    fast loop: a twelfth of what ``max`` over the text took) and only they are swapped,
    instead of a comparison per character.
    """
    if converted.isascii():
        return converted
    parts: list[str] = []
    done = 0
    for match in _ASTRAL_RE.finditer(converted):
        at = match.start()
        parts += (converted[done:at], original[at])
        done = at + 1
    if not parts:
        return converted
    if len(original) != len(converted):
        raise ValueError("the conversion must keep one character per character")
    parts.append(converted[done:])
    return "".join(parts)


_ASTRAL_RE = regexcache.compile("[\U00010000-\U0010ffff]")
"""One character outside the Basic Multilingual Plane."""


def _char_t2s(ch: str) -> str:
    conv = _t2s().convert(ch)
    return conv if len(conv) == 1 else ch


_our_words: set[str] = set()
"""Words we taught the segmenter (user dictionary, topic terms, company names)."""

ADDED_WORD_FREQ = 800


def _import_jieba():  # type: ignore[no-untyped-def]
    """``import jieba`` without its ``pkg_resources`` import.

    jieba reads its bundled files through ``pkg_resources`` when it can import it, which
    costs about 80 ms of start-up (a fifth of a one-shot command's budget); without it
    jieba opens the same files by path.  Nothing else this process runs needs it.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes its import fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


_PREPARED_VERSION = 1
"""Bump when what the prepared dictionary holds changes."""


def _prepared_path(jieba_module: object, kind: str, extra: str = "") -> Path:
    """A prepared file in :func:`cache_dir`, named by everything it is built from:
    jieba's version and dictionary file, and ``extra`` (our user dictionary)."""
    dict_file = Path(getattr(jieba_module, "__file__", "")).parent / "dict.txt"
    try:
        stat = dict_file.stat()
        dict_id = f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        dict_id = "?"
    version = getattr(jieba_module, "__version__", "")
    key = hashlib.sha256(
        f"{_PREPARED_VERSION}|{version}|{dict_id}|".encode() + extra.encode("utf-8")
    ).hexdigest()[:16]
    return cache_dir() / f"jieba-{kind}-{key}.pickle"


def prepared_file(kind: str, extra: str, suffix: str) -> Path:
    """Where another module keeps data derived from jieba's dictionary (the keyword
    filter's dropped words): named like the segmenter's prepared files, so a new jieba,
    dictionary or ``extra`` writes a new file."""
    return _prepared_path(_import_jieba(), kind, extra).with_suffix(suffix)


def _read_cache(path: Path) -> object | None:
    """A prepared file's content, or None when it is missing or unreadable.

    These files are written by this module into the user's own cache folder (or the
    image's), which is as trusted as the installed code that reads them.
    """
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None


def _write_cache(path: Path, value: object) -> None:
    """Keep ``value`` pickled in ``path`` (files of an older jieba or word list go)."""
    kind = path.name.rsplit("-", 1)[0]
    write_cache_file(path, pickle.dumps(value, protocol=5), f"{kind}-*.pickle")


_loaded: jieba.Tokenizer | None = None
_building: jieba.Tokenizer | None = None
_on_load: list[Callable[[], None]] = []


def when_segmenter_loads(hook: Callable[[], None]) -> None:
    """Run ``hook`` once the segmenter is loaded (at once if it already is).

    A command that may never segment anything (a company look-up) must not pay for
    loading jieba; what it would have taught the segmenter is taught on first use, so
    whatever it does segment comes out exactly as the pipeline segments it.
    """
    if _loaded is not None:
        hook()
    else:
        _on_load.append(hook)


def load_segmenter() -> None:
    """Load the segmenter now (and run its load hooks), not on first use."""
    _tokenizer()


def _tokenizer() -> jieba.Tokenizer:
    """The segmenter, loaded on first use; load hooks run before anyone else uses it."""
    global _loaded, _building
    tok = _loaded
    if tok is not None:
        return tok
    with _lock:
        if _loaded is not None:
            return _loaded
        if _building is not None:
            return _building  # a load hook teaching it words
        _building = _load_tokenizer()
        try:
            while _on_load:
                _on_load.pop(0)()
        finally:
            _loaded, _building = _building, None
        return _loaded


_USERDICT = resources.files("digests") / "data" / "userdict.txt"
"""Our company and sector terms, taught to jieba's dictionary when it is prepared."""


def _userdict_words(text: str) -> Iterator[str]:
    """The words of a jieba user dictionary (``word [count] [tag]`` per line)."""
    return (line.split()[0] for line in text.splitlines() if line.strip())


def _load_tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer with our user dictionary of company and sector terms.

    Building it (jieba's 350,000-word dictionary, then ours) takes most of a second; the
    result is kept in :func:`cache_dir` in shards (:mod:`digests.wordshards`), of which a
    process loads only what the texts it segments ask for.
    """
    with _lock:
        jieba = _import_jieba()
        jieba.setLogLevel(60)
        text = _USERDICT.read_text(encoding="utf-8")
        prepared = _prepared_path(jieba, "prepared", text)
        index = prepared.with_suffix(".sqlite")
        stored = open_index(index) if _index_wanted else None
        if stored is not None:
            tok = jieba.Tokenizer()
            tok.FREQ, tok.total = stored  # type: ignore[assignment]  # read on demand
            tok.initialized = True
            _our_words.update(_userdict_words(text))
            return tok
        shard_file = prepared.with_suffix(".shards")
        shards = _read_shards(shard_file)
        if shards is None:
            built = jieba.Tokenizer()
            built.tmp_dir = str(cache_dir()) if cache_dir().is_dir() else None
            built.initialize()
            _our_words.update(_userdict_words(text))
            with resources.as_file(_USERDICT) as path:
                built.load_userdict(str(path))
            if not can_write(cache_dir()):  # a read-only image: nothing to keep it in
                return built
            data = wordshards.build(built.FREQ, built.total, sorted(_our_words))
            if data is None:
                return built
            write_cache_file(shard_file, data, "jieba-prepared-*")  # (older: pickles)
            shards = WordShards(data)
        _our_words.update(shards.extra)  # type: ignore[arg-type]  # a list (_read_shards)
        tok = _covering_tokenizer(jieba)(shards)
        if _index_wanted and not index.exists():
            shards.load_all()
            _write_index_if_wanted(index, tok)
        return tok


def prepared_dictionary() -> tuple[dict[str, int], int]:
    """The segmenter's whole prepared table (jieba's and our user dictionary's words, and
    their prefixes) and its total, read afresh: what the live tokenizer, loaded in parts
    and taught words since, started from."""
    _tokenizer()  # writes the file if it was missing
    text = _USERDICT.read_text(encoding="utf-8")
    shards = _read_shards(_prepared_path(_import_jieba(), "prepared", text).with_suffix(".shards"))
    if shards is None:
        raise FileNotFoundError("the prepared dictionary could not be kept (cache folder)")
    shards.load_all()
    return shards.freq, shards.total


def _read_shards(path: Path) -> WordShards | None:
    """The shard file at ``path``, or None when it is missing or not one (see
    :func:`_read_cache` on why its content is trusted)."""
    try:
        shards = WordShards(path.read_bytes())
    except (OSError, ValueError):
        return None
    return shards if isinstance(shards.extra, list) else None


@cache
def _covering_tokenizer(jieba):  # type: ignore[no-untyped-def]
    """jieba's ``Tokenizer`` over a dictionary loaded as texts ask for it: every way in
    that reads the dictionary for a text or a word covers it first."""

    class CoveringTokenizer(jieba.Tokenizer):  # type: ignore[misc,name-defined]
        def __init__(self, shards: WordShards) -> None:
            super().__init__()
            self.shards = shards
            self.FREQ = shards.freq
            self.total = shards.total
            self.initialized = True

        def cut(self, sentence, cut_all=False, HMM=True, use_paddle=False):  # type: ignore[no-untyped-def]
            self.shards.cover(jieba.strdecode(sentence))
            return super().cut(sentence, cut_all, HMM, use_paddle)

        def add_word(self, word, freq=None, tag=None):  # type: ignore[no-untyped-def]
            self.shards.cover_word(jieba.strdecode(word))  # the word and its prefixes
            return super().add_word(word, freq, tag)

        def suggest_freq(self, segment, tune=False):  # type: ignore[no-untyped-def]
            words = [segment] if isinstance(segment, str | bytes) else segment
            self.shards.cover("".join(map(jieba.strdecode, words)))
            return super().suggest_freq(segment, tune)

    return CoveringTokenizer


def dictionary_count(tok: jieba.Tokenizer, word: str) -> int:
    """How often ``tok``'s dictionary counts ``word``, its bucket loaded first if the
    dictionary is loaded in parts."""
    count = tok.FREQ.get(word)
    if count is not None:  # (a word in the table: its bucket is loaded)
        return count
    shards = getattr(tok, "shards", None)
    if shards is None or not shards.cover_word(word):
        return 0
    return tok.FREQ.get(word, 0)


_index_wanted = False


def prefer_word_index() -> None:
    """Segment with the dictionary read word by word from its index (``digests.wordindex``)
    instead of loading it whole: for a one-shot command that segments a few words.  The
    index is written on the first such load that lacks it.  Call before anything segments;
    a process that goes on to segment whole articles must not call it."""
    global _index_wanted
    _index_wanted = True


def _write_index_if_wanted(path: Path, tok: jieba.Tokenizer) -> None:
    if _index_wanted and not path.exists():
        # A read-only cache folder only costs the next command the whole dictionary again.
        with contextlib.suppress(OSError, sqlite3.Error):
            write_index(path, tok.FREQ, tok.total)
            week_ago = time.time() - 7 * 86400
            for stale in path.parent.glob("jieba-prepared-*.sqlite"):
                if stale != path and stale.stat().st_atime < week_ago:
                    stale.unlink(missing_ok=True)  # built from an older word list


@cache
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of every word of its dictionary (what ``jieba.posseg``
    reads as ``dt.word_tag_tab``), kept in :func:`cache_dir` like the segmenter.

    Importing ``jieba.posseg`` to get it costs about 0.4 s (its models, then parsing the
    5 MB dictionary again); the pickle loads in a quarter of that.
    """
    jieba = _import_jieba()
    dict_file = Path(jieba.__file__).parent / "dict.txt"
    path = _prepared_path(jieba, "tags")
    cached = _read_cache(path)
    if isinstance(cached, dict):
        return cached
    tags: dict[str, str] = {}
    with dict_file.open("rb") as fh:
        for line in fh:  # jieba.posseg.POSTokenizer.load_word_tag, line for line
            text = line.strip().decode("utf-8")
            if text:
                word, _, tag = text.split(" ")
                tags[word] = tag
    _write_cache(path, tags)
    return tags


def word_tags_loaded() -> bool:
    """Whether :func:`word_tags` is in memory already (a worker pool's parent loads it
    before forking), so that a filter can use it rather than load a table of its own."""
    return word_tags.cache_info().currsize > 0


@cache
def words_tagged(tags: frozenset[str]) -> frozenset[str]:
    """The words of jieba's dictionary whose part-of-speech tag is one of ``tags``, kept
    in :func:`cache_dir` like :func:`word_tags` (named by ``tags`` too).

    A filter that only asks whether a word's tag is one of a few needs a third of the
    table: 105,000 words load in a fifth of the time :func:`word_tags` takes (0.03 s
    against 0.15 s), once per process that digests.
    """
    jieba = _import_jieba()
    path = _prepared_path(jieba, "tagged", " ".join(sorted(tags)))
    cached = _read_cache(path)
    if isinstance(cached, frozenset):
        return cached
    words = frozenset(word for word, tag in word_tags().items() if tag in tags)
    _write_cache(path, words)
    return words


def general_word_freq(word: str) -> int:
    """How common ``word`` is in jieba's general dictionary (0 for words we added)."""
    if word in _our_words:
        return 0
    return dictionary_count(_loaded or _tokenizer(), word)


def segmenter_word_freq(word: str) -> int:
    """How often the segmenter's dictionary counts ``word`` (ours included; 0 if unknown).

    Unlike :func:`general_word_freq`, sector terms we taught it (鋼價) still count:
    the company finder asks whether a name's edge character belongs to a real word.
    """
    return dictionary_count(_loaded or _tokenizer(), word)


def add_words(words: set[str] | frozenset[str]) -> None:
    """Teach the segmenter multi-character Chinese terms so they come out as one token."""
    tok = _tokenizer()
    with _lock:
        # A directory's whole vocabulary comes again after each lesson: the words taught
        # before are passed over first, and only the new ones are looked up.
        new = [w for w in words if w not in _our_words and len(w) >= 2 and not w.isascii()]
        if not new:
            return
        if isinstance(tok.FREQ, StoredFreq):  # one query for all, not one per word
            tok.FREQ.fetch(w[:n] for w in new for n in range(1, len(w) + 1))
        shards = getattr(tok, "shards", None)
        if shards is not None:  # each word's count is read, and add_word writes its prefixes
            shards.cover_words(new)
        for word in new:
            _our_words.add(word)
            _taught[0] += 1
            if not tok.FREQ.get(word):
                tok.add_word(word, ADDED_WORD_FREQ)
                # Every weight is relative to the dictionary's total, which just grew: a
                # weight kept from before would make an article's terms depend on which
                # articles this process happened to digest first (and on which worker).
                _idf_cache.clear()


_taught = [0]


def words_taught() -> int:
    """How many words :func:`add_words` has taught: what a cache of word facts
    (:func:`general_word_freq`) must be keyed on, since teaching changes them."""
    return _taught[0]


def fetch_words(words: Iterable[str]) -> None:
    """Look ``words`` up in one go when the dictionary is read on demand (else nothing to do):
    the directory's aliases before their ambiguity is checked word by word."""
    tok = _loaded or _building
    if tok is not None and isinstance(tok.FREQ, StoredFreq):
        tok.FREQ.fetch(words)
    shards = getattr(tok, "shards", None)
    if shards is not None:
        shards.cover_words(words)


def segment(simplified: str) -> list[str]:
    """jieba tokens of an already simplified text (whitespace tokens dropped)."""
    return [t for t in _tokenizer().lcut(simplified) if not t.isspace()]


def word_spans(simplified: str) -> tuple[list[str], list[int]]:
    """jieba tokens and their start offsets; the offsets fit the original text too."""
    words = _tokenizer().lcut(simplified)
    starts = list(accumulate(map(len, words), initial=0))
    starts.pop()
    return words, starts


def word_idf(word: str) -> float:
    """Inverse frequency from jieba's own dictionary (already in memory for segmenting).

    Cheaper than loading jieba.analyse's separate 6 MB IDF table and equivalent in
    spirit: words frequent in general Chinese text carry little information.
    Unknown words (names, new terms found by the HMM) count as rare.
    """
    try:
        return _idf_cache[word]
    except KeyError:
        pass
    tok = _tokenizer()
    freq = dictionary_count(tok, word)
    value = min(_MAX_IDF, math.log(tok.total / freq)) if freq else _UNKNOWN_IDF
    if len(_idf_cache) < _IDF_MEMO_MAX:
        _idf_cache[word] = value
    return value


_idf_cache: dict[str, float] = {}
_IDF_MEMO_MAX = 500_000


def word_idfs(words: Iterable[str]) -> list[float]:
    """:func:`word_idf` of each word, reading its memo in C (:func:`_read_memo`): a
    digest weighs every term of an article and of each of its sections, most of them
    already known (all but an article's new terms, or every term after the segmenter
    was taught a word)."""
    return _read_memo(_idf_cache, words, word_idf, _IDF_MEMO_MAX)


_T = TypeVar("_T")

_READ_PER_MISS = 16
"""Known words :func:`_read_memo` must have read per new word (beyond a first allowance
of :data:`_MISSES_FIRST` new words) to go on reading in C.  A new word costs an
exception, about what reading 16 words by the plain loop instead of the map costs; a
list of mostly new words (a process's first article, the first weighing after the
segmenter was taught a word) is read by the plain loop instead."""
_MISSES_FIRST = 32


def _read_memo(
    memo: dict[str, _T], words: Iterable[str], judge: Callable[[str], _T], limit: int
) -> list[_T]:
    """``judge`` of each word, read from ``memo`` (which ``judge`` fills, up to ``limit``
    entries) by one ``map`` in C.

    A word not in the memo stops ``list.extend`` with the word in its ``KeyError`` (what
    was read so far is kept): it is judged, and the same ``map`` goes on from the next
    word (a map is not spent by an exception in its function).  Where new words come
    thick (:data:`_READ_PER_MISS`), or with a full memo (a new word would raise at every
    occurrence), the rest is read by the plain loop, from where the map stopped.
    """
    if len(memo) >= limit:
        return [memo[w] if w in memo else judge(w) for w in words]
    out: list[_T] = []
    rest = iter(words)
    lookup = map(memo.__getitem__, rest)
    allowance = _MISSES_FIRST * _READ_PER_MISS
    while True:
        try:
            out.extend(lookup)
        except KeyError as missing:
            out.append(judge(missing.args[0]))
            allowance -= _READ_PER_MISS
            if allowance + len(out) < 0:
                break
        else:
            return out
    out += [memo[w] if w in memo else judge(w) for w in rest]
    return out


_UNKNOWN_IDF = 12.0
_MAX_IDF = 13.0


_SENTENCE_END = "。!?！？"
_CLAUSE_SEP_RE = regexcache.compile("[;；]")
_CLOSERS = "」』”’)）》〉】"
_OPENERS = "「『“‘(（《〈【"

OVERLONG_SENTENCE = 160
"""A sentence longer than a whole digest may be cut at ；, and only there."""


_BOUNDARY_RE = regexcache.compile(
    f"[{re.escape(_SENTENCE_END)}\n](?:(?<=[{re.escape(_SENTENCE_END)}])"
    f"[{re.escape(_SENTENCE_END)}]*[{re.escape(_CLOSERS)}]*)?"
)
"""A sentence's end: a run of 。!? and the closing quotes after it, or a line break.

The same matches as ``[。!?！？]+[」』”…]*|\n`` (a run of ends, or a line break): a match
starts at one of the ends or at a line break, and only after an end (the lookbehind on
the character just read) does it take the rest of the run and the closers.  Starting
with one character class instead of an alternation lets ``re`` scan for it in its fast
loop: half the time on article paragraphs (``tests/test_analysis_onepass.py``)."""


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``.

    Splits after 。!? and line breaks, keeps closing quotes with their sentence
    and does not split inside an open 「…」 quotation (a line break always splits).
    A ； joins clauses of one sentence, so it splits only an over-long sentence (one
    that could never share a digest), and only where both sides are whole sentences
    of :data:`~digests.fragments.MIN_CLAUSE` characters or more: a clause cut at ；
    read alone is the most common digest fragment.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    # No opening quote anywhere: no piece of the text can hold one more than it closes.
    quoted = "「" in text or "『" in text or "“" in text
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if quoted and match.group() != "\n" and _open_quotes(text, start, end):
            continue
        _push_sentence(text, start, end, spans)
        start = end
    _push_sentence(text, start, len(text), spans)
    return spans


def _open_quotes(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` opens more quotations than it closes: counted in place
    (``str.count`` with bounds, no slice), and closers only when something opened (a
    piece without an opener never has more open)."""
    count = text.count
    opened = count("「", start, end) + count("『", start, end) + count("“", start, end)
    return bool(opened) and opened > (
        count("」", start, end) + count("』", start, end) + count("”", start, end)
    )


def _push_sentence(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    if end - start <= OVERLONG_SENTENCE:
        _push(text, start, end, spans)
        return
    piece = start
    for match in _CLAUSE_SEP_RE.finditer(text, start, end):
        cut = match.end()
        left, right = text[piece:cut].strip(), text[cut:end].strip()
        if (
            len(left) >= MIN_CLAUSE
            and len(right) >= MIN_CLAUSE
            and not is_fragment(left)
            and not is_fragment(right)
        ):
            _push(text, piece, cut, spans)
            piece = cut
    _push(text, piece, end, spans)


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


_PUNCT_RE = regexcache.compile(r"^[\W_]+$", re.UNICODE)
_NUMBER_RE = regexcache.compile(r"^[\d.,%]+$")


@cache
def stopwords() -> frozenset[str]:
    path = resources.files("digests") / "data" / "stopwords.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(words) | frozenset(_t2s().convert(w) for w in words)


_content_cache: dict[str, str | None] = {}


def content_term(word: str) -> str | None:
    """The term a token contributes (lower-cased if Latin), or None for punctuation,
    numbers, stopwords and lone CJK characters.  Memoised: called once per token."""
    try:
        return _content_cache[word]
    except KeyError:
        pass
    term: str | None = word.lower() if word.isascii() else word
    if (
        _PUNCT_RE.match(word)
        or _NUMBER_RE.match(word)
        or word.lower() in stopwords()
        or (len(word) == 1 and not word.isascii())
    ):
        term = None
    if len(_content_cache) < _CONTENT_MEMO_MAX:
        _content_cache[word] = term
    return term


_CONTENT_MEMO_MAX = 500_000


def content_terms(words: list[str]) -> list[str | None]:
    """:func:`content_term` over a token list, reading the memo in C
    (:func:`_read_memo`): all but a few new words an article are known."""
    return _read_memo(_content_cache, words, content_term, _CONTENT_MEMO_MAX)
