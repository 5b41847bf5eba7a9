"""jieba's prepared dictionary in shards, loaded as the texts to segment ask for them.

jieba's table holds half a million entries (350,000 words and their prefixes); digesting
a hundred articles looks into about a tenth of them.  Loading all of it costs a process
0.12 s, and segmenting against the whole table is slower too (0.78 s against 0.70 s for
the bench's 100 articles, on a table of their tenth): the bigger the table, the more of
jieba's lookups miss the processor's caches.

jieba only ever looks up substrings of the text it segments (``in``, ``[]`` and ``get``
on ``Tokenizer.FREQ``, growing a fragment from each position until it is neither a word
nor a prefix), so a table holding every entry whose first two characters occur next to
each other in the text, plus every one-character entry, answers each of those lookups
as the whole table does.  This module keeps the table on disk grouped by that key (an
entry's first two UTF-16 code units) in buckets, and :meth:`WordShards.cover` loads the
buckets a text needs into the one plain dict jieba reads, before the text is segmented.
The 12,000 one-character entries are always loaded.

The keys of a text are read in C: the pairs of neighbouring code units as arrays of
integers (no string per character), then one set difference with the keys covered so
far.  Once half the buckets are loaded the rest are loaded too, and covering stops.
"""

from __future__ import annotations

import marshal
import sys
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence

FORMAT = b"briefbot-word-shards-2\n"

BUCKETS = 262_139
"""About two entries per bucket, so a bucket loaded for one key brings little else.  A
prime, so that a key's bucket (the key modulo this) depends on both of its units."""

LOAD_ALL_SHARE = 0.5
"""Once this share of the buckets is loaded, the rest are loaded at once."""

_ENCODING = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
"""Code units in the machine's byte order, as ``array`` reads them."""

_PAIR = "I"
_USABLE = array(_PAIR).itemsize == 4
"""Whether this platform's ``I`` array reads two code units as one integer (all common
ones do); where not, the dictionary is loaded whole instead."""


def text_keys(text: str) -> set[int]:
    """The keys of every entry a segmentation of ``text`` can look up: each pair of
    neighbouring code units, as one integer (the pair's four bytes read as one)."""
    units = text.encode(_ENCODING)
    keys = set(array(_PAIR, units[: len(units) // 4 * 4]))  # pairs from an even unit
    if len(units) >= 6:
        keys.update(array(_PAIR, units[2 : 2 + (len(units) - 2) // 4 * 4]))  # from an odd one
    return keys


def word_key(word: str) -> int:
    """The key of an entry of two characters or more: its first two code units."""
    return array(_PAIR, word.encode(_ENCODING)[:4])[0]


def words_keys(words: list[str]) -> set[int]:
    """:func:`word_key` of each of ``words`` (two characters or more), read in one go: their
    first two characters, joined, are one array of pairs when every one of them is in the
    Basic Multilingual Plane (one code unit each), as a directory's names nearly always are."""
    units = "".join([word[:2] for word in words]).encode(_ENCODING)
    if len(units) == 4 * len(words):
        return set(array(_PAIR, units))
    return {word_key(word) for word in words}


def build(freq: dict[str, int], total: int, extra: object = None) -> bytes | None:
    """The shard file of jieba's ``FREQ`` and ``total`` (plus ``extra``, any marshal-able
    value kept beside them), or None where it cannot be kept so (an entry holding a NUL
    or a count that is not an integer below 2**32; a platform without 4-byte arrays).

    Layout: the format line, a marshal header (bucket count, byte order, total, extra);
    then, for the one-character entries and each bucket in turn, where its words start
    (byte offsets) and where its counts start (entry offsets), as 4-byte integers; the
    counts (4-byte integers: read as they are, no text to parse); the words (UTF-8, each
    followed by a NUL).
    """
    if not _USABLE:
        return None
    parts: list[list[tuple[str, int]]] = [[] for _ in range(BUCKETS + 1)]  # 0: the core
    for word, count in freq.items():
        if not word or "\0" in word or type(count) is not int or not 0 <= count < 1 << 32:
            return None
        parts[0 if len(word) == 1 else word_key(word) % BUCKETS + 1].append((word, count))
    words = ["".join(f"{word}\0" for word, _ in part).encode("utf-8") for part in parts]
    word_offsets, entry_offsets, counts = array(_PAIR, [0]), array(_PAIR, [0]), array(_PAIR)
    for part, encoded in zip(parts, words, strict=True):
        word_offsets.append(word_offsets[-1] + len(encoded))
        entry_offsets.append(entry_offsets[-1] + len(part))
        counts.extend(count for _, count in part)
    header = marshal.dumps((BUCKETS, sys.byteorder, total, extra))
    return b"".join(
        [
            FORMAT,
            len(header).to_bytes(8, "little"),
            header,
            word_offsets.tobytes(),
            entry_offsets.tobytes(),
            counts.tobytes(),
            *words,
        ]
    )


class WordShards:
    """The table of a shard file, loaded bucket by bucket into :attr:`freq`.

    Whatever writes to :attr:`freq` (jieba's ``add_word``) must cover the word first: a
    bucket is loaded once, and would overwrite a word written before it with the
    dictionary's count.
    """

    def __init__(self, data: bytes) -> None:
        """Read the header of ``data`` (a file :func:`build` wrote) and load its
        one-character entries; ValueError if it is not such a file."""
        if not _USABLE or not data.startswith(FORMAT):
            raise ValueError("not a word shard file")
        at = len(FORMAT)
        size = int.from_bytes(data[at : at + 8], "little")
        try:
            buckets, byteorder, total, extra = marshal.loads(data[at + 8 : at + 8 + size])
        except (EOFError, TypeError) as exc:
            raise ValueError("damaged word shard file") from exc
        if buckets != BUCKETS or byteorder != sys.byteorder:
            raise ValueError("word shards of another layout")
        at += 8 + size
        table = 4 * (BUCKETS + 2)
        self._word_offsets = array(_PAIR)
        self._word_offsets.frombytes(data[at : at + table])
        self._entry_offsets = array(_PAIR)
        self._entry_offsets.frombytes(data[at + table : at + 2 * table])
        if len(self._entry_offsets) != BUCKETS + 2:
            raise ValueError("truncated word shard file")
        at += 2 * table
        view = memoryview(data)
        self._counts = view[at : at + 4 * self._entry_offsets[-1]]
        self._entries: memoryview | None = view[at + 4 * self._entry_offsets[-1] :]
        if len(self._entries) != self._word_offsets[-1]:
            raise ValueError("truncated word shard file")
        self.total: int = total
        self.extra: object = extra
        self.freq: dict[str, int] = {}
        self._keys: set[int] = set()
        self._loaded: set[int] = set()
        self._lock = threading.RLock()
        self._load_parts([0])

    @property
    def complete(self) -> bool:
        """Whether the whole table is loaded."""
        return self._entries is None

    def cover(self, text: str) -> None:
        """Load every bucket a segmentation of ``text`` may look into."""
        if self._entries is not None:
            keys = text_keys(text) - self._keys  # (not -=, which walks self._keys)
            if keys:
                self._load_keys(keys)

    def cover_words(self, words: Iterable[str]) -> None:
        """Load the buckets of ``words`` themselves: enough to read their counts, and for
        ``add_word`` (which also writes their prefixes: of one character, or in the
        same bucket)."""
        if self._entries is not None:
            keys = words_keys([word for word in words if len(word) > 1]) - self._keys
            if keys:
                self._load_keys(keys)

    def cover_word(self, word: str) -> bool:
        """:meth:`cover_words` of one word, without a list and a set for the common case of
        a bucket loaded already: whether it loaded anything."""
        if self._entries is None or len(word) < 2:
            return False
        key = word_key(word)
        if key in self._keys:
            return False
        self._load_keys({key})
        return True

    def load_all(self) -> None:
        """Load every entry not loaded yet: the whole table (0.14 s, read in one go)."""
        with self._lock:
            if self._entries is None:
                return
            rest = dict(self._read(range(1, BUCKETS + 1)))
            for word in rest.keys() & self.freq.keys():  # loaded already, or taught since
                del rest[word]
            self.freq.update(rest)
            self._entries = None  # nothing more to read from it

    def _load_keys(self, keys: set[int]) -> None:
        with self._lock:
            if self._entries is None:
                return
            self._keys.update(keys)
            parts = {key % BUCKETS + 1 for key in keys} - self._loaded  # part 0: the core
            if len(self._loaded) + len(parts) >= LOAD_ALL_SHARE * BUCKETS:
                self.load_all()
            elif parts:
                self._load_parts(parts)

    def _load_parts(self, parts: Iterable[int]) -> None:
        parts = list(parts)
        self.freq.update(self._read(parts))
        self._loaded.update(parts)

    def _read(self, parts: Sequence[int]) -> Iterator[tuple[str, int]]:
        """The entries of ``parts`` (0: the core; bucket b: b + 1), word and count."""
        entries = self._entries
        assert entries is not None
        words_at, counts_at, counts = self._word_offsets, self._entry_offsets, self._counts
        if isinstance(parts, range) and parts.step == 1:  # contiguous: one slice each
            first, end = parts.start, parts.stop
            text = bytes(entries[words_at[first] : words_at[end]])
            raw = bytes(counts[4 * counts_at[first] : 4 * counts_at[end]])
        else:
            text = b"".join([entries[words_at[p] : words_at[p + 1]] for p in parts])
            raw = b"".join([counts[4 * counts_at[p] : 4 * counts_at[p + 1]] for p in parts])
        words = text.decode("utf-8").split("\0")
        words.pop()  # the empty string after the last word's NUL
        values = array(_PAIR)
        values.frombytes(raw)
        return zip(words, values, strict=True)
