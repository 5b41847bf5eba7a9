"""Encodings are detected, not guessed: UTF-8, Big5, GB18030, UTF-16 (with and without BOM)."""

from __future__ import annotations

import pytest

from digests.sources import parse_raw
from digests.sources.decoding import decode
from digests.sources.errors import SourceError
from digests.sources.fetch import RawSource

TRADITIONAL = (
    "台灣的儲能產業正快速成長,預估2030年全球儲能裝置容量將達到500GWh。"
    "稀土精煉產能約九成集中在中國,供應鏈風險不容忽視。"
)
SIMPLIFIED = (
    "鸿海精密工业是全球最大的电子代工厂,2024年营收达到6.8兆元新台币,人工智能服务器出货大增。"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (TRADITIONAL, "utf-8"),
        (TRADITIONAL, "utf-8-sig"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "utf-16"),
        (TRADITIONAL, "utf-16-le"),
        (TRADITIONAL, "utf-16-be"),
        (SIMPLIFIED, "gb18030"),
        (SIMPLIFIED, "gbk"),
        (SIMPLIFIED, "utf-16"),
    ],
)
def test_decodes(text: str, encoding: str) -> None:
    assert decode((text * 2).encode(encoding)) == text * 2


def test_declared_charset_is_used_when_not_utf8() -> None:
    data = TRADITIONAL.encode("big5")
    assert decode(data, declared="big5") == TRADITIONAL


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", "\ufeff".encode()])
def test_empty_is_an_error(data: bytes) -> None:
    with pytest.raises(SourceError, match="empty"):
        decode(data)


def test_binary_is_an_error() -> None:
    payload = bytes(range(256)) * 40
    with pytest.raises(SourceError, match="binary"):
        decode(payload)


def test_big5_page_dump_parses_to_original_script() -> None:
    text = "\n\n".join(
        [
            "半導體設備商的下一個成長引擎,在哪裡?",
            TRADITIONAL * 3,
            "市場規模:從百億到千億的跳躍",
            TRADITIONAL * 2,
        ]
    )
    kind, [article] = parse_raw(RawSource("big5.txt", text.encode("big5")))
    assert kind == "text"
    assert article.title == "半導體設備商的下一個成長引擎,在哪裡?"
    assert article.sections[-1].heading == "市場規模:從百億到千億的跳躍"


@pytest.mark.parametrize("encoding", ["utf-16", "big5", "utf-8-sig"])
def test_feed_in_its_declared_encoding(encoding: str) -> None:
    """The feed's own encoding declaration is honoured once, by our decoder, not twice."""
    name = "utf-16" if encoding == "utf-16" else encoding.removesuffix("-sig")
    feed = (
        f'\n<?xml version="1.0" encoding="{name}"?>\n<rss version="2.0"><channel><title>財經</title>'
        f"<item><title>儲能產業展望</title><description>{TRADITIONAL}</description></item>"
        "</channel></rss>\n"
    )
    kind, [article] = parse_raw(RawSource("feed.xml", feed.encode(encoding)))
    assert kind == "feed"
    assert article.title == "儲能產業展望"
    assert article.body == TRADITIONAL
