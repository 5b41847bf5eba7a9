"""Script conversion, segmentation and sentence splitting.

jieba's default dictionary is trained on Simplified text and shreds Traditional
text, so analysis runs on an OpenCC t2s copy.  The copy is kept the same length as
the original (character-aligned), which lets every token and sentence found in the
copy be shown to readers in the original script by plain offset slicing.
"""

from __future__ import annotations

import math
import os
import re
import threading
from functools import cache
from importlib import resources
from itertools import accumulate

import jieba
import opencc

from digests.fragments import MIN_CLAUSE, is_fragment

_lock = threading.Lock()


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _s2twp() -> opencc.OpenCC:
    return opencc.OpenCC("s2twp")


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
    """
    if converted.isascii() or max(converted) <= "\uffff":
        return converted
    return "".join(o if c > "\uffff" else c for o, c in zip(original, converted, strict=True))


def _char_t2s(ch: str) -> str:
    conv = _t2s().convert(ch)
    return conv if len(conv) == 1 else ch


def to_traditional(text: str) -> str:
    """Simplified to Taiwan Traditional, used to normalise Simplified input."""
    return _s2twp().convert(text)


_our_words: set[str] = set()
"""Words we taught the segmenter (user dictionary, topic terms, company names)."""

ADDED_WORD_FREQ = 800


@cache
def _tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer with our user dictionary of company and sector terms."""
    with _lock:
        tok = jieba.Tokenizer()
        jieba.setLogLevel(60)
        cache_dir = os.environ.get("BRIEFBOT_CACHE_DIR")
        if cache_dir:
            # A prepared dictionary cache (the Docker image builds one) makes start-up fast.
            tok.tmp_dir = cache_dir
        tok.initialize()
        userdict = resources.files("digests") / "data" / "userdict.txt"
        text = userdict.read_text(encoding="utf-8")
        _our_words.update(line.split()[0] for line in text.splitlines() if line.strip())
        with resources.as_file(userdict) as path:
            tok.load_userdict(str(path))
        return tok


def general_word_freq(word: str) -> int:
    """How common ``word`` is in jieba's general dictionary (0 for words we added)."""
    if word in _our_words:
        return 0
    return _tokenizer().FREQ.get(word, 0)


def segmenter_word_freq(word: str) -> int:
    """How often the segmenter's dictionary counts ``word`` (ours included; 0 if unknown).

    Unlike :func:`general_word_freq`, sector terms we taught it (鋼價) still count:
    the company finder asks whether a name's edge character belongs to a real word.
    """
    return _tokenizer().FREQ.get(word, 0)


def add_words(words: set[str] | frozenset[str]) -> None:
    """Teach the segmenter multi-character Chinese terms so they come out as one token."""
    tok = _tokenizer()
    with _lock:
        for word in words:
            if word in _our_words or len(word) < 2 or word.isascii():
                continue
            _our_words.add(word)
            if not tok.FREQ.get(word):
                tok.add_word(word, ADDED_WORD_FREQ)


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
    freq = tok.FREQ.get(word, 0)
    value = min(_MAX_IDF, math.log(tok.total / freq)) if freq else _UNKNOWN_IDF
    if len(_idf_cache) < 500_000:
        _idf_cache[word] = value
    return value


_idf_cache: dict[str, float] = {}


_UNKNOWN_IDF = 12.0
_MAX_IDF = 13.0


_SENTENCE_END = "。!?！？"
_CLAUSE_SEP_RE = re.compile("[;；]")
_CLOSERS = "」』”’)）》〉】"
_OPENERS = "「『“‘(（《〈【"

OVERLONG_SENTENCE = 160
"""A sentence longer than a whole digest may be cut at ；, and only there."""


_BOUNDARY_RE = re.compile("[" + re.escape(_SENTENCE_END) + "]+[" + re.escape(_CLOSERS) + "]*|\n")


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
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if match.group() != "\n" and _open_quotes(text, start, end):
            continue
        _push_sentence(text, start, end, spans)
        start = end
    _push_sentence(text, start, len(text), spans)
    return spans


def _open_quotes(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return sum(piece.count(ch) for ch in "「『“") > sum(piece.count(ch) for ch in "」』”")


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


_PUNCT_RE = re.compile(r"^[\W_]+$", re.UNICODE)
_NUMBER_RE = re.compile(r"^[\d.,%]+$")


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
    if len(_content_cache) < 500_000:
        _content_cache[word] = term
    return term


def content_terms(words: list[str]) -> list[str | None]:
    """:func:`content_term` over a token list, reading the memo inline for speed."""
    cache = _content_cache
    return [cache[w] if w in cache else content_term(w) for w in words]


def is_content_token(word: str) -> bool:
    return content_term(word) is not None
