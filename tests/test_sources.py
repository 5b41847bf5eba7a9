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


def test_ill_formed_feed_keeps_its_entries_with_a_warning(fixtures: Path) -> None:
    """A truncated feed (unclosed CDATA) is read leniently, as feedparser reads it."""
    loaded = load(str(fixtures / "feeds" / "broken.xml"))
    kind, articles = loaded
    assert kind == "feed" and len(articles) == 2
    assert articles[0].title.startswith("美債殖利率曲線")
    [warning] = loaded.warnings
    assert "ill-formed feed XML" in warning and "line 20" in warning


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
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x00\x01" + bytes(range(256)) * 50)
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


def test_connection_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_ALLOW_PRIVATE_URLS", "1")  # else loopback is refused first
    with pytest.raises(SourceError, match="cannot fetch"):
        load("http://127.0.0.1:9/nothing-listens-here")


# --- Feeds as feedparser reads them ------------------------------------------------------

ENTRY_TEXT = "半導體設備商第二季營收年增三成,先進封裝訂單能見度已延伸到明年下半年。"


def _feed_file(tmp_path: Path, text: str, name: str = "feed.xml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>測試頻道</title>
<item><title>設備商營收成長</title><link>https://example.com/a</link>
<description>{ENTRY_TEXT}</description></item>
</channel></rss>
"""


@pytest.mark.parametrize(
    "prefix",
    [
        "\n",
        "\n\n  \t\n",
        "\ufeff\n",
        "\r\n\r\n",
        "Notice: Undefined index: lang in functions.php on line 12\n",
    ],
)
def test_feed_with_junk_before_the_xml_declaration(tmp_path: Path, prefix: str) -> None:
    """WordPress feeds often start with blank lines (or a PHP notice) before <?xml."""
    loaded = load(_feed_file(tmp_path, prefix + RSS))
    assert loaded.kind == "feed"
    assert [a.title for a in loaded.articles] == ["設備商營收成長"]
    assert ENTRY_TEXT in loaded.articles[0].body


@pytest.mark.parametrize(
    "feed",
    [
        # RSS 1.0 (RDF)
        f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://example.com/"><title>頻道</title><link>https://example.com/</link></channel>
<item rdf:about="https://example.com/a"><title>設備商營收成長</title><link>https://example.com/a</link>
<description>{ENTRY_TEXT}</description></item></rdf:RDF>""",
        # RSS 0.91, no declaration
        f"""<rss version="0.91"><channel><title>頻道</title>
<item><title>設備商營收成長</title><link>https://example.com/a</link>
<description>{ENTRY_TEXT}</description></item></channel></rss>""",
        # Atom 0.3
        f"""<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>頻道</title>
<entry><title>設備商營收成長</title><link rel="alternate" href="https://example.com/a"/>
<content type="text/html" mode="escaped">&lt;p&gt;{ENTRY_TEXT}&lt;/p&gt;</content></entry></feed>""",
        # CDF, after an XML comment
        f"""<!-- channel definition format -->
<CHANNEL HREF="https://example.com/"><TITLE>頻道</TITLE>
<ITEM HREF="https://example.com/a"><TITLE>設備商營收成長</TITLE><ABSTRACT>{ENTRY_TEXT}</ABSTRACT></ITEM>
</CHANNEL>""",
    ],
    ids=["rss1-rdf", "rss091", "atom03", "cdf"],
)
def test_feed_dialects(tmp_path: Path, feed: str) -> None:
    kind, [article] = load(_feed_file(tmp_path, feed))
    assert kind == "feed"
    assert article.title == "設備商營收成長"
    assert ENTRY_TEXT in article.body
    assert article.url == "https://example.com/a"


def test_ill_formed_feed_with_undefined_entity(tmp_path: Path) -> None:
    feed = RSS.replace(
        "<title>設備商營收成長</title>", "<title>設備商營收成長&nbsp;&hellip;</title>"
    )
    loaded = load(_feed_file(tmp_path, feed))
    assert loaded.kind == "feed" and len(loaded.articles) == 1
    assert loaded.articles[0].title.startswith("設備商營收成長")
    assert any("ill-formed" in w and "undefined entity" in w for w in loaded.warnings)


def test_declared_encoding_is_not_applied_twice(tmp_path: Path) -> None:
    """Decoded text is UTF-8 whatever the declaration said: no mojibake."""
    path = tmp_path / "latin1.xml"
    path.write_bytes(
        RSS.replace("UTF-8", "ISO-8859-1")
        .replace("測試頻道", "Marchés")
        .replace("設備商營收成長", "Café société à Zürich")
        .replace(
            ENTRY_TEXT, "Les marchés européens ont clôturé en hausse après une séance très calme."
        )
        .encode("iso-8859-1")
    )
    _, [article] = load(str(path))
    assert article.title == "Café société à Zürich"


def test_entries_without_text_are_skipped_with_a_warning(tmp_path: Path) -> None:
    feed = RSS.replace(
        "</channel>",
        '<item><description>&lt;img src="https://example.com/x.png"/&gt;</description></item></channel>',
    )
    loaded = load(_feed_file(tmp_path, feed))
    assert len(loaded.articles) == 1
    assert loaded.warnings == ("1 of 2 entries without text skipped",)


def test_html_title_markup_is_stripped(tmp_path: Path) -> None:
    feed = f"""<feed xmlns="http://www.w3.org/2005/Atom"><title>頻道</title>
<entry><title type="html">&lt;b&gt;設備商&lt;/b&gt;營收成長</title>
<content type="html">&lt;p&gt;{ENTRY_TEXT}&lt;/p&gt;</content></entry></feed>"""
    _, [article] = load(_feed_file(tmp_path, feed))
    assert article.title == "設備商營收成長"


# --- What is not an article: one line saying what it looks like --------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"title": "x", "items": [1, 2, 3]}', "looks like JSON"),
        (b'[{"ticker": "2330", "price": 1000}]', "looks like JSON"),
        (b'{"a": 1}\n{"a": 2}\n', "looks like JSON"),
        (b"date,ticker,close\n2025-06-02,2330,1000\n2025-06-03,2330,1015\n2025-06-04,2330,990\n", "looks like CSV data"),
        ("代號\t名稱\t收盤價\n2330\t台積電\t1000\n2317\t鴻海\t210\n2454\t聯發科\t1350\n".encode(), "looks like CSV data"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "unreadable PDF"),
        (b"%PDF-1.4\n", "unreadable PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image file"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, "image file"),
        (b"GIF89a\x01\x00\x01\x00" + bytes(64), "image file"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', "image file"),
        (b"<!--\nDescription: nothing but a comment\n-->\n", "XML without feed entries"),
        (b'<?xml version="1.0"?>\n<config><timeout>30</timeout><retries>3</retries></config>', "XML without feed entries"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>', "feed has no entries"),
        (b"<html><head><title></title></head><body><img src='a.png'><script>var a = 1;</script></body></html>", "markup without text"),
        (b"2330\n2317\n2454\n3008\n", "text without sentences"),
        (b"timeout=30\nretries=3\nmode=fast\n", "text without sentences"),
        (b"aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGFuIGFydGljbGU=\n", "text without sentences"),
    ],
    ids=[
        "json", "json-array", "json-lines", "csv", "tsv-chinese", "pdf", "pdf-header-only", "png",
        "jpeg", "gif", "svg", "xml-comment-only", "xml-other-root", "feed-without-entries",
        "markup-without-text", "tickers", "key-value", "base64",
    ],
)  # fmt: skip
def test_not_an_article(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "source"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason) as caught:
        load(str(path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        # a two-line news flash
        "台積電法說會\n第二季營收優於預期。",
        # Chinese prose written with ASCII commas, the same number on every line
        "\n".join(
            [
                "記憶體報價回升,模組廠庫存去化接近尾聲,下半年出貨可望成長。",
                "伺服器需求強勁,高頻寬記憶體供不應求,供應商積極擴產。",
                "消費性電子疲弱,手機與個人電腦需求仍待觀察,備貨態度保守。",
            ]
        ),
        # a list of stock picks with tickers and ASCII commas
        "\n".join(
            [
                "本週觀察名單",
                "台積電(2330),目標價1200元,AI需求強勁",
                "鴻海(2317),目標價250元,伺服器出貨成長",
                "聯發科(2454),目標價1500元,手機晶片回溫",
                "廣達(2382),目標價350元,AI伺服器放量",
                "緯穎(6669),目標價3000元,雲端客戶拉貨",
            ]
        ),
        # a short English note
        "Chip stocks rallied today\nInvestors bought the dip after the export data came out.",
    ],
    ids=["chinese-flash", "prose-with-ascii-commas", "stock-picks", "english"],
)
def test_short_real_text_is_an_article(tmp_path: Path, text: str) -> None:
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    kind, articles = load(str(path))
    assert kind == "text" and articles


def test_detect_kind_markup() -> None:
    assert detect_kind("\n\n<?xml version='1.0'?>\n<rss version='2.0'><channel/></rss>") == "feed"
    assert detect_kind("<!-- c -->\n<rdf:RDF xmlns:rdf='x'></rdf:RDF>") == "feed"
    assert detect_kind("<CHANNEL><TITLE>x</TITLE></CHANNEL>") == "feed"
    assert detect_kind("<div><p>段落。</p></div>") == "html"
    assert detect_kind("<b>注意</b> 台積電今日公布營收。") == "text"
    assert detect_kind("<config><a>1</a></config>") == "xml"


# --- Control and bidi characters never reach titles, sections or messages --------------

INVISIBLE = "\u202e\u200b\u200d\u2066\u200f\ufeff\x1b\x07\x85"


def _visible(text: str) -> bool:
    return not any(ch in text for ch in INVISIBLE)


def test_feed_entities_for_bidi_and_zero_width_are_stripped(tmp_path: Path) -> None:
    feed = RSS.replace("設備商營收成長", "設備商&#8238;營收&#8203;成長&#x2066;").replace(
        ENTRY_TEXT, ENTRY_TEXT[:10] + "&#8238;&#x200B;" + ENTRY_TEXT[10:]
    )
    _, [article] = load(_feed_file(tmp_path, feed))
    assert article.title == "設備商營收成長"
    assert article.body == ENTRY_TEXT


def test_page_dump_controls_are_stripped(tmp_path: Path) -> None:
    title = "記憶體\u202e報價\u200b回升"
    body = (
        "模組廠\x1b[2J庫存\u200d去化接近尾聲,\ufeff下半年出貨可望成長。" + "伺服器需求強勁。" * 20
    )
    path = tmp_path / "dump.txt"
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    _, [article] = load(str(path))
    assert article.title == "記憶體報價回升"
    assert _visible(article.title) and _visible(article.body)
    assert "[2J" in article.body  # only the control character itself goes


def test_html_title_controls_are_stripped(fixtures: Path, tmp_path: Path) -> None:
    page = (fixtures / "html" / "article.html").read_text(encoding="utf-8")
    expected = json.loads(_fixture_text(fixtures, "html", "article.expected.json"))["title"]
    page = page.replace(expected, expected[:4] + "&#x202E;\u200b" + expected[4:])
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    _, [article] = load(str(path))
    assert article.title == expected
    assert all(_visible(s.heading) and _visible(s.text) for s in article.sections)


def test_error_messages_are_one_clean_line() -> None:
    error = SourceError("bad\u202e name\x1b[31m\nsecond line\u200b")
    assert str(error) == "bad name[31m second line"


def test_clean_text_and_line() -> None:
    from digests.sanitize import clean_line, clean_text

    assert clean_text("a\r\nb\rc\x0cd\u2028e") == "a\nb\nc\nd\ne"
    assert clean_text("台\u200b積\u200d電\t(2330)\u2069\x00") == "台積電\t(2330)"
    assert clean_line("  標題\u202e\n第二行\t ") == "標題 第二行"


# --- Pages -------------------------------------------------------------------------------

PARAGRAPH = "散熱模組廠第二季出貨創新高,液冷方案在AI伺服器的滲透率持續提升,毛利率同步改善。"


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>散熱</title></head>'
        f"<body><article><h1>液冷散熱加速導入</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article>"
        "</body></html>"
    )
    path = tmp_path / "page.xhtml"
    path.write_text(page, encoding="utf-8")
    kind, [article] = load(str(path))
    assert kind == "html"
    assert article.title == "液冷散熱加速導入"
    assert PARAGRAPH in article.body


def test_html_fragment_is_read_without_page_chrome(tmp_path: Path) -> None:
    path = tmp_path / "fragment.html"
    path.write_text(f"<div>\n<h2>液冷散熱</h2>\n<p>{PARAGRAPH}</p>\n</div>\n", encoding="utf-8")
    kind, [article] = load(str(path))
    assert kind == "html"
    assert article.body == PARAGRAPH


def test_report_that_is_mostly_a_table_is_an_article(tmp_path: Path) -> None:
    """A subscription calendar pasted from a page: a title, then tab-separated rows."""
    rows = [
        "代號\t名稱\t申購期間\t承銷價(元)",
        "7777\t甲乙科技\t6/2-6/4\t58.00",
        "8888\t丙丁材料\t6/3-6/5\t120.50",
        "9999\t戊己生技\t6/9-6/11\t36.80",
        "6666\t庚辛電子\t6/10-6/12\t88.00",
    ]
    path = tmp_path / "ipo.txt"
    path.write_text("本週新股申購一覽,四檔抽籤\n" + "\n".join(rows) + "\n", encoding="utf-8")
    kind, articles = load(str(path))
    assert kind == "text" and articles


def test_feed_reader_crash_is_one_line(tmp_path: Path) -> None:
    """feedparser itself raises on a GeoRSS polygon with a non-number in it."""
    feed = """<feed xmlns="http://www.w3.org/2005/Atom" xmlns:georss="http://www.georss.org/georss"
 xmlns:gml="http://www.opengis.net/gml"><entry><title>園區擴建</title><georss:where><gml:Polygon>
<gml:exterior><gml:LinearRing><gml:posList>24.1 120.6 24.2 x120.7 24.3 120.8 24.1 120.6</gml:posList>
</gml:LinearRing></gml:exterior></gml:Polygon></georss:where></entry></feed>"""
    with pytest.raises(SourceError, match="feed reader failed"):
        load(_feed_file(tmp_path, feed))
