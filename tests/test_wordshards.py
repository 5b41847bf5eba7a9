"""jieba's table loaded in shards segments exactly as the whole table does."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests import wordshards
from digests.textproc import (
    _covering_tokenizer,
    _import_jieba,
    _tokenizer,
    prepared_dictionary,
    to_simplified,
)
from digests.wordshards import WordShards, text_keys, word_key

from .conftest import PAGEDUMPS

TEXTS = [
    "",
    "台",
    "台積電",
    "半導體設備與散熱模組族群，本週漲幅居前。",
    "Wi-Fi 7 晶片、驅動IC與3D感測，A股與ETF資金流向",
    "鴻海(2317)法說會：AI伺服器出貨季增逾三成，毛利率6.5%",
    "罕用字𠀋𡃁與一般字夾雜：𠀋𡃁公司",  # characters past the Basic Multilingual Plane
    "全形ＡＢＣ１２３與半形abc123",
]

SMALL = {"a": 3, "ab": 5, "abc": 0, "abcd": 7, "b": 2, "bc": 4, "c": 1, "𠀋": 2, "𠀋𡃁": 6}


@pytest.fixture(scope="module")
def whole() -> tuple[dict[str, int], int]:
    return prepared_dictionary()


def _pair(whole: tuple[dict[str, int], int]):  # type: ignore[no-untyped-def]
    jieba = _import_jieba()
    full = jieba.Tokenizer()
    full.FREQ, full.total = dict(whole[0]), whole[1]
    full.initialized = True
    data = wordshards.build(*whole)
    assert data is not None
    parted = _covering_tokenizer(jieba)(WordShards(data))
    return full, parted


def test_keys_of_a_text_are_its_neighbouring_pairs() -> None:
    text = "ab𠀋c"
    keys = text_keys(text)
    # Past the plane a character is two units: its own pair, then its second half and c.
    assert {word_key("ab"), word_key("b𠀋"), word_key("𠀋")} < keys and len(keys) == 4
    assert text_keys("") == set() == text_keys("a")
    assert text_keys("ab") == {word_key("ab")}


def test_covering_loads_what_a_text_can_look_up() -> None:
    data = wordshards.build(SMALL, 30, ["ours"])
    assert data is not None
    shards = WordShards(data)
    assert (shards.total, shards.extra) == (30, ["ours"])
    assert shards.freq == {"a": 3, "b": 2, "c": 1, "𠀋": 2}  # one character: always there
    shards.cover("xbc")
    assert shards.freq["bc"] == 4 and "ab" not in shards.freq
    shards.cover("zab")
    assert {k: shards.freq[k] for k in ("ab", "abc", "abcd")} == {"ab": 5, "abc": 0, "abcd": 7}
    shards.cover_words(["𠀋𡃁"])
    assert shards.freq["𠀋𡃁"] == 6
    assert not shards.complete
    shards.load_all()
    assert shards.complete and shards.freq == SMALL


def test_a_word_written_after_covering_keeps_its_count() -> None:
    data = wordshards.build(SMALL, 30)
    assert data is not None
    shards = WordShards(data)
    assert shards.cover_word("ab") and not shards.cover_word("abc")  # one bucket
    shards.freq["ab"] = 800
    shards.cover("xxabcd")
    shards.load_all()
    assert shards.freq["ab"] == 800 and shards.freq["abcd"] == 7


def test_most_buckets_asked_loads_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordshards, "LOAD_ALL_SHARE", 0.0)
    data = wordshards.build(SMALL, 30)
    assert data is not None
    shards = WordShards(data)
    shards.cover("ab")
    assert shards.complete and shards.freq == SMALL


def test_what_cannot_be_kept() -> None:
    assert wordshards.build({"a\0b": 1}, 1) is None
    assert wordshards.build({"ab": 1.5}, 1) is None  # type: ignore[dict-item]
    assert wordshards.build({"ab": 1 << 32}, 1) is None  # counts are kept in 4 bytes
    data = wordshards.build(SMALL, 30)
    assert data is not None
    for bad in (b"", b"something else", data[:-3], data[:40]):
        with pytest.raises(ValueError):
            WordShards(bad)


def test_same_tokens_as_the_whole_table(whole: tuple[dict[str, int], int]) -> None:
    full, parted = _pair(whole)
    texts = [*TEXTS, *(p.read_text(encoding="utf-8") for p in sorted(PAGEDUMPS.glob("*.txt")))]
    for text in texts:
        simplified = to_simplified(text)
        assert parted.lcut(simplified) == full.lcut(simplified)
        assert parted.lcut(simplified, HMM=False) == full.lcut(simplified, HMM=False)
        assert parted.lcut_for_search(simplified) == full.lcut_for_search(simplified)
    assert not parted.shards.complete
    assert len(parted.FREQ) < len(full.FREQ) / 2


def test_words_taught_count_as_on_the_whole_table(whole: tuple[dict[str, int], int]) -> None:
    full, parted = _pair(whole)
    # A new word, a word the dictionary has, one whose prefixes are words: taught before
    # any text holding them is segmented.
    for tok in (full, parted):
        tok.add_word("晶研创新", 800)
        tok.add_word("半导体", 800)
        tok.add_word("散热模组族", 800)
        tok.suggest_freq(("台积", "电"), tune=True)
    assert parted.total == full.total
    for word in (
        "晶研创新",
        "晶研",
        "半导体",
        "散热模组",
        "散热模组族",
        "台积电",
        "台积",
        "无此词",
    ):
        parted.shards.cover_word(word)
        assert parted.FREQ.get(word) == full.FREQ.get(word)
    for text in TEXTS:
        simplified = to_simplified(text)
        assert parted.lcut(simplified) == full.lcut(simplified)


def test_the_segmenter_is_loaded_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    from digests import textproc

    monkeypatch.setattr(textproc, "_index_wanted", False)  # (a one-shot command's test sets it)
    tok = textproc._load_tokenizer()
    shards = getattr(tok, "shards", None)
    assert isinstance(shards, WordShards)
    assert tok.FREQ is shards.freq


def test_prepared_dictionary_is_read_afresh(tmp_path: Path) -> None:
    freq, total = prepared_dictionary()
    assert len(freq) > 400_000 and total > 0
    assert freq is not _tokenizer().FREQ


def test_teaching_passes_over_words_taught_before() -> None:
    from digests.textproc import ADDED_WORD_FREQ, add_words, words_taught

    tok = _tokenizer()
    new = {"晶研测试词甲", "晶研测试词乙"}
    add_words(frozenset(new))
    before = words_taught()
    # Again with the same words, a short one, a Latin one, a dictionary word and a new one.
    add_words(frozenset({*new, "晶", "CoWoS", "天气", "晶研测试词丙"}))
    assert words_taught() == before + 2  # 天气 and 晶研测试词丙
    assert tok.FREQ["晶研测试词丙"] == ADDED_WORD_FREQ
    assert tok.FREQ["天气"] != ADDED_WORD_FREQ  # a dictionary word keeps its count


def test_a_read_only_cache_folder_segments_with_the_whole_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from digests import textproc

    whole = len(prepared_dictionary()[0])
    monkeypatch.setattr(textproc, "_index_wanted", False)  # (a one-shot command's test sets it)
    monkeypatch.setattr(textproc, "_read_shards", lambda path: None)
    monkeypatch.setattr(textproc, "can_write", lambda folder: False)
    monkeypatch.setattr(
        wordshards, "build", lambda *a: pytest.fail("nothing to keep the shards in")
    )
    tok = textproc._load_tokenizer()
    assert not hasattr(tok, "shards")
    assert len(tok.FREQ) == whole


def test_keys_of_many_words_at_once() -> None:
    words = ["台積電", "ab", "鴻海精密", "𠀋𡃁公司", "x𠀋"]
    assert wordshards.words_keys(words) == {word_key(w) for w in words}  # past the plane
    assert wordshards.words_keys(words[:3]) == {word_key(w) for w in words[:3]}
    assert wordshards.words_keys([]) == set()
