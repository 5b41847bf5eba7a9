"""store.articles._json writes a list of strings exactly as ``json.dumps(list,
ensure_ascii=False)`` (the encoder it replaced on the write path), for any strings."""

from __future__ import annotations

import json
import random

from store.articles import _json

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _old(values: object) -> str:
    return _ENCODE(list(values))  # type: ignore[call-overload]


_ALPHABET = (
    'ab 台積電先進封裝「」，。"\\/\b\f\n\r\t\x00\x01\x1f\x7f\u2028\u2029\ufeff'
    "\U0001f600\ud800\udfff é１２３"
)


def test_many_random_lists_of_strings() -> None:
    rng = random.Random(13)
    for _ in range(5000):
        values = tuple(
            "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 12)))
            for _ in range(rng.randrange(0, 6))
        )
        assert _json(values) == _old(values)
        assert _json(list(values)) == _old(values)


def test_edge_cases() -> None:
    for values in [(), ("",), ("", ""), ('"',), ("a", "b"), ("x" * 10_000,)]:
        assert _json(values) == _old(values)


def test_anything_but_strings_goes_to_the_encoder() -> None:
    for values in [(1, "a"), ("a", None), (1.5,), ("a", 2, True)]:
        assert _json(values) == _old(values)  # type: ignore[arg-type]
