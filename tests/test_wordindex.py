"""Segmenting with the dictionary read word by word from its index gives jieba's own tokens."""

from __future__ import annotations

from pathlib import Path

from digests.textproc import _import_jieba, prepared_dictionary, to_simplified
from digests.wordindex import StoredFreq, open_index, write_index

TEXTS = [
    "半導體設備",
    "電源供應器",
    "散熱模組族群",
    "晶研創新的矽光子新品本季送樣，AI伺服器需求續強",
    "Wi-Fi 7 晶片與驅動IC",
    "跨境電商小額包裹",
]


def _pair(tmp_path: Path):  # type: ignore[no-untyped-def]
    jieba = _import_jieba()
    full = jieba.Tokenizer()
    full.FREQ, full.total = prepared_dictionary()
    full.initialized = True
    write_index(tmp_path / "words.sqlite", full.FREQ, full.total)
    stored = open_index(tmp_path / "words.sqlite")
    assert stored is not None
    lazy = jieba.Tokenizer()
    lazy.FREQ, lazy.total = stored
    lazy.initialized = True
    return full, lazy


def test_same_tokens_as_the_full_dictionary(tmp_path: Path) -> None:
    full, lazy = _pair(tmp_path)
    assert isinstance(lazy.FREQ, StoredFreq)
    for text in TEXTS:
        simplified = to_simplified(text)
        assert lazy.lcut(simplified) == full.lcut(simplified)
    # Words taught afterwards (a directory's names) count the same on both.
    for tok in (full, lazy):
        tok.add_word("晶研创新", 800)
        tok.add_word("散热模组", 800)
    assert lazy.total == full.total
    for text in TEXTS:
        simplified = to_simplified(text)
        assert lazy.lcut(simplified) == full.lcut(simplified)


def test_fetch_answers_like_single_lookups(tmp_path: Path) -> None:
    full, lazy = _pair(tmp_path)
    words = ["半导体", "半导", "不是词语啊", "设备", "晶研创新"]
    lazy.FREQ.fetch(words)
    for word in words:
        assert lazy.FREQ.get(word) == full.FREQ.get(word)
        assert (word in lazy.FREQ) == (word in full.FREQ)


def test_missing_index(tmp_path: Path) -> None:
    assert open_index(tmp_path / "absent.sqlite") is None
