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
