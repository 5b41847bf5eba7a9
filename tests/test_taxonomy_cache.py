"""digests.taxonomy: the taxonomy kept between runs is exactly what parsing gives."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from digests import taxonomy
from digests.taxonomy import _parsed_once, parse_taxonomy


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path))
    return tmp_path


def _shipped() -> str:
    return (resources.files("digests") / "data" / "topics.toml").read_text(encoding="utf-8")


def _same(a: taxonomy.Taxonomy, b: taxonomy.Taxonomy) -> None:
    assert a.topics == b.topics
    for x, y in zip(a.topics, b.topics, strict=True):
        assert list(x.terms.items()) == list(y.terms.items())  # order and exact weights
        assert [type(w) for w in x.terms.values()] == [type(w) for w in y.terms.values()]
    assert a.labels() == b.labels()
    assert a.vocabulary == b.vocabulary
    assert a._term_topics == b._term_topics


def test_kept_taxonomy_is_the_parsed_one(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _shipped()
    parsed = parse_taxonomy(text)
    first = _parsed_once(text)  # parses and keeps
    assert len(list(cache.glob("taxonomy-*.json"))) == 1

    def no_parse(text: str) -> taxonomy.Taxonomy:
        raise AssertionError("parsed again")

    monkeypatch.setattr(taxonomy, "parse_taxonomy", no_parse)
    second = _parsed_once(text)  # read back
    _same(parsed, first)
    _same(parsed, second)
    assert len(second.topics) > 20
    body = {term: 3 for term in list(parsed.vocabulary)[:50]}
    assert second.score_terms(body, body, body) == parsed.score_terms(body, body, body)


def test_another_text_is_parsed_afresh(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _shipped()
    _parsed_once(text)
    edited = text.replace('name = "', 'name = "X', 1)
    assert _parsed_once(edited).topics[0].name.startswith("X")
    assert len(list(cache.glob("taxonomy-*.json"))) == 2
    monkeypatch.setattr(taxonomy, "_CACHE_FORMAT", 99)  # another version of the code
    calls = []
    real = taxonomy.parse_taxonomy
    monkeypatch.setattr(taxonomy, "parse_taxonomy", lambda t: calls.append(1) or real(t))
    _parsed_once(text)
    assert calls == [1]


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b'{"a": 1}', b'[["id", "name", [], {"x": "1"}, ""]]', b"[[1, 2]]"],
)
def test_a_damaged_file_is_parsed_afresh(cache: Path, content: bytes) -> None:
    text = _shipped()
    _parsed_once(text)
    (kept,) = cache.glob("taxonomy-*.json")
    kept.write_bytes(content)
    _same(parse_taxonomy(text), _parsed_once(text))
    _same(parse_taxonomy(text), _parsed_once(text))  # the rewritten file


def test_an_unwritable_folder_only_costs_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(blocker / "sub"))
    text = _shipped()
    _same(parse_taxonomy(text), _parsed_once(text))
