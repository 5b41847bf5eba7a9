"""The keyword filter's part-of-speech test reads only the dropped words' set, with the
same answers as jieba's whole tag table."""

from __future__ import annotations

import pytest

import digests.keywords as keywords
from digests.keywords import DROP_TAGS
from digests.textproc import word_tags, words_tagged


def test_the_dropped_words_are_the_words_tagged_with_a_dropped_tag() -> None:
    tags = word_tags()
    assert "n" not in DROP_TAGS  # words the table does not tag count as nouns
    dropped = words_tagged(DROP_TAGS)
    assert dropped == {word for word, tag in tags.items() if tag in DROP_TAGS}
    unknown = ["矽光子封裝", "晶研創新", "ESG", "", "的的的"]
    for word in [*tags, *unknown]:
        assert (word in dropped) == (tags.get(word, "n") in DROP_TAGS)


@pytest.mark.parametrize("table_loaded", [False, True])
def test_either_table_answers_alike(table_loaded: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whichever table the process holds (a worker pool's parent loads the whole one
    before forking), every word of jieba's dictionary gets the same answer."""
    monkeypatch.setattr(keywords, "word_tags_loaded", lambda: table_loaded)
    tags = word_tags()
    for word in list(tags)[::7]:
        assert keywords._tag_dropped(word) == (tags[word] in DROP_TAGS)
    assert not keywords._tag_dropped("晶研創新")


def test_the_word_groups_answer_as_the_frozenset() -> None:
    """The form the filter loads (keywords._WordGroups) holds the same words."""
    tags = word_tags()
    dropped = words_tagged(DROP_TAGS)
    data = keywords._WordGroups.encode(dropped)
    assert data is not None
    groups = keywords._WordGroups.decode(data)
    assert groups is not None
    odd = ["", "\t", "的\t", "\t的", "的\n", "\ud800", "的\udfff", "ab", "a", "a\tb", "这个\t那个"]
    for word in dropped:  # each word, and each word with one character more or less
        odd.extend((word[:-1], word[1:], word + "的", "的" + word))
    for word in [*tags, *odd, "矽光子封裝", "晶研創新", "ESG", "的的的"]:
        assert (word in groups) == (word in dropped), repr(word)
    assert 1 not in groups  # type: ignore[comparison-overlap]


def test_a_damaged_file_is_rebuilt(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path))
    keywords._dropped_words.cache_clear()
    try:
        first = keywords._dropped_words()  # builds the file: answers from the frozenset
        path = keywords._dropped_path()
        assert path.parent == tmp_path and path.exists()
        keywords._dropped_words.cache_clear()
        assert isinstance(keywords._dropped_words()._words, keywords._WordGroups)
        assert first["这个"] == keywords._dropped_words()["这个"]
        data = path.read_bytes()
        for damaged in (data[:-1], data[: len(data) // 2], b"", data.replace(b"\t", b"", 1)):
            path.write_bytes(damaged)
            assert keywords._WordGroups.read(path) is None
            keywords._dropped_words.cache_clear()
            again = keywords._dropped_words()
            assert path.read_bytes() == data
            assert again["这个"] == ("这个" in words_tagged(DROP_TAGS))
    finally:
        keywords._dropped_words.cache_clear()


def test_a_read_only_cache_folder_costs_no_encoding(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(keywords, "can_write", lambda folder: False)
    monkeypatch.setattr(keywords._WordGroups, "encode", None)  # would fail if called
    keywords._dropped_words.cache_clear()
    try:
        answers = keywords._dropped_words()
        assert not keywords._dropped_path().exists()
        assert answers["这个"] == ("这个" in words_tagged(DROP_TAGS))
    finally:
        keywords._dropped_words.cache_clear()
