"""Script conversion, segmentation and sentence splitting.

jieba's default dictionary is trained on Simplified text and shreds Traditional
text, so analysis runs on an OpenCC t2s copy.  The copy is kept the same length as
the original (character-aligned), which lets every token and sentence found in the
copy be shown to readers in the original script by plain offset slicing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jieba
import opencc

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
        return converted
    # Phrase rules changed the length somewhere: redo line by line, and char by
    # char only on the offending lines, so offsets stay aligned with the original.
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        conv = _t2s().convert(line)
        if len(conv) != len(line):
            conv = "".join(_char_t2s(ch) for ch in line)
        out.append(conv)
    return "".join(out)


def _char_t2s(ch: str) -> str:
    conv = _t2s().convert(ch)
    return conv if len(conv) == 1 else ch


def to_traditional(text: str) -> str:
    """Simplified to Taiwan Traditional, used to normalise Simplified input."""
    return _s2twp().convert(text)


@cache
def _tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer with our user dictionary of company and sector terms."""
    with _lock:
        tok = jieba.Tokenizer()
        jieba.setLogLevel(60)
        tok.initialize()
        userdict = resources.files("digests") / "data" / "userdict.txt"
        with resources.as_file(userdict) as path:
            tok.load_userdict(str(path))
        return tok


def segment(simplified: str) -> list[str]:
    """jieba tokens of an already simplified text (whitespace tokens dropped)."""
    return [t for t in _tokenizer().lcut(simplified) if not t.isspace()]


@dataclass(frozen=True)
class Token:
    text: str
    """Token in simplified script (what analysis compares)."""
    start: int
    end: int


def tokenize(simplified: str) -> list[Token]:
    """Tokens with character offsets, valid in both the simplified and original text."""
    tokens: list[Token] = []
    pos = 0
    for word in _tokenizer().cut(simplified):
        end = pos + len(word)
        if not word.isspace():
            tokens.append(Token(word, pos, end))
        pos = end
    return tokens


_SENTENCE_END = "。!?!?;;"
_CLOSERS = "」』”’)）》〉】"
_OPENERS = "「『“‘(（《〈【"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``.

    Splits after 。!?; and line breaks, keeps closing quotes with their sentence
    and never splits inside an open 「…」 quotation unless it runs past the line.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        if ch == "\n":
            _push(text, start, i, spans)
            start = i + 1
            depth = 0
        elif ch in _SENTENCE_END and depth == 0:
            j = i + 1
            while j < n and (text[j] in _CLOSERS or text[j] in _SENTENCE_END):
                j += 1
            _push(text, start, j, spans)
            start = j
            i = j
            continue
        i += 1
    _push(text, start, n, spans)
    return spans


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


def is_content_token(word: str) -> bool:
    """Tokens that carry meaning: not punctuation, numbers, stopwords or lone CJK chars."""
    if _PUNCT_RE.match(word) or _NUMBER_RE.match(word):
        return False
    if word.lower() in stopwords():
        return False
    return not (len(word) == 1 and not word.isascii())


def iter_content(tokens: list[Token]) -> Iterator[str]:
    for tok in tokens:
        if is_content_token(tok.text):
            yield tok.text.lower() if tok.text.isascii() else tok.text
