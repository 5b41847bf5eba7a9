"""HTML pages, RSS/Atom feeds, URLs and every kind of bad source."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import pytest

from digests.sources import detect_kind, expand, load
from digests.sources.errors import SourceError
from digests.sources.fetch import fetch_url


def _fixture_text(fixtures: Path, *parts: str) -> str:
    return fixtures.joinpath(*parts).read_text(encoding="utf-8")


def test_html_page(fixtures: Path) -> None:
    expected = json.loads(_fixture_text(fixtures, "html", "article.expected.json"))
    kind, [article] = load(str(fixtures / "html" / "article.html"))
    assert kind == "html"
    assert article.title == expected["title"]
    assert article.url == expected["url"]
    assert article.published == datetime.fromisoformat(expected["published"])
    assert article.published.utcoffset() is not None
    assert [s.heading for s in article.sections if s.heading] == expected["headings"]
    text = "\n".join([article.title, *(s.heading + "\n" + s.text for s in article.sections)])
    for junk in expected["must_not_contain"]:
        assert junk not in text
    for needed in expected["must_contain"]:
        assert needed in text


def test_html_detected_by_content_not_name(fixtures: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "page.txt"
    renamed.write_bytes((fixtures / "html" / "article.html").read_bytes())
    kind, _ = load(str(renamed))
    assert kind == "html"


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_feeds(fixtures: Path, name: str) -> None:
    expected = json.loads(_fixture_text(fixtures, "feeds", "expected.json"))[name]
    kind, articles = load(str(fixtures / "feeds" / name))
    assert kind == "feed"
    assert [a.title for a in articles] == [e["title"] for e in expected["entries"]]
    for article, entry in zip(articles, expected["entries"], strict=True):
        assert article.url == entry["link"]
        assert article.published == datetime.fromisoformat(entry["published"])
        if entry.get("has_content"):
            assert [s.heading for s in article.sections if s.heading] == entry["headings"]
        assert article.body.strip()


def test_broken_feed_is_an_error(fixtures: Path) -> None:
    with pytest.raises(SourceError, match="broken feed XML"):
        load(str(fixtures / "feeds" / "broken.xml"))


def test_feed_detected_by_content(fixtures: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "feed.txt"
    renamed.write_bytes((fixtures / "feeds" / "atom.xml").read_bytes())
    assert load(str(renamed))[0] == "feed"


def test_detect_kind() -> None:
    assert detect_kind("<?xml version='1.0'?><rss version='2.0'><channel/></rss>") == "feed"
    assert detect_kind('<feed xmlns="http://www.w3.org/2005/Atom"></feed>') == "feed"
    assert detect_kind("<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert detect_kind("標題\n\n內文 <b>粗體</b> 段落。") == "text"


def test_missing_file() -> None:
    with pytest.raises(SourceError, match="no such file"):
        load("/nonexistent/briefbot/source.txt")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        load(str(empty))


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 50)
    with pytest.raises(SourceError, match="binary"):
        load(str(binary))


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)  # sparse: no 20 MB written to disk
    with pytest.raises(SourceError, match="too large"):
        load(str(big))


def test_directory_expands_to_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("y")
    (tmp_path / ".hidden").write_text("z")
    assert list(expand([str(tmp_path)])) == [str(tmp_path / "a.txt"), str(tmp_path / "sub/b.html")]


def test_url_html(fixtures: Path, http_server) -> None:
    body = (fixtures / "html" / "article.html").read_bytes()
    http_server.routes["/a"] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)
    kind, [article] = load(http_server.url("/a"))
    assert kind == "html"
    assert article.url == "https://example.com/analysis/ai-cooling"  # canonical wins


def test_url_feed_big5_declared(http_server) -> None:
    rss = (
        '<?xml version="1.0" encoding="big5"?><rss version="2.0"><channel><title>測試</title>'
        "<item><title>台積電擴產</title><link>https://example.com/1</link>"
        "<description>台積電宣布在高雄擴建先進製程產能,投資金額約新台幣5000億元。</description>"
        "</item></channel></rss>"
    ).encode("big5")
    http_server.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, rss)
    kind, [article] = load(http_server.url("/feed"))
    assert kind == "feed"
    assert article.title == "台積電擴產"
    assert "5000億元" in article.body


def test_url_404(http_server) -> None:
    with pytest.raises(SourceError, match="HTTP 404"):
        load(http_server.url("/missing"))


def test_url_timeout(http_server) -> None:
    def slow() -> bytes:
        time.sleep(1.5)
        return b"late"

    http_server.routes["/slow"] = (200, {"Content-Type": "text/plain"}, slow)
    with pytest.raises(SourceError, match="timed out"):
        fetch_url(http_server.url("/slow"), timeout=0.3)


def test_url_over_size_cap(http_server) -> None:
    http_server.routes["/big"] = (200, {"Content-Type": "text/plain"}, b"x" * 5000)
    with pytest.raises(SourceError, match="too large"):
        fetch_url(http_server.url("/big"), max_bytes=1000)
    # Without a Content-Length header the cap still holds while streaming.
    http_server.routes["/big-unsized"] = (200, {"X-No-Length": "1"}, b"x" * 5000)
    with pytest.raises(SourceError, match="too large"):
        fetch_url(http_server.url("/big-unsized"), max_bytes=1000)


def test_connection_refused() -> None:
    with pytest.raises(SourceError, match="cannot fetch"):
        load("http://127.0.0.1:9/nothing-listens-here")
