"""What a source looks like, from its content: a feed, a page, plain text, or no article at all.

File names and HTTP content types lie (WordPress serves feeds as ``text/html``, exports
are called ``.txt``), so the kind is read from the content itself, the way a person
glancing at the file would: magic numbers for binary formats, the root element of markup
after any prolog (BOM, blank lines, ``<?xml?>``, comments, doctype), JSON and CSV by their
shape, and prose by having at least one sentence.  Everything that is not an article gets
a one-line reason instead of becoming a junk "article".
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

from digests import regexcache

PDF_REASON = "looks like a PDF"
JSON_REASON = "looks like JSON"
CSV_REASON = "looks like CSV data"
NO_SENTENCES_REASON = "text without sentences"
NO_TEXT_REASON = "markup without text"
XML_REASON = "XML without feed entries"

# (magic bytes at offset 0, name); checked on the raw bytes, before any decoding.
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
)
_OTHER_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_ISO_IMAGE_BRANDS = {b"avif": "AVIF", b"avis": "AVIF", b"heic": "HEIC", b"heix": "HEIC"}

_FEED_ROOTS = {"rss", "feed", "rdf", "channel"}  # RSS 0.9x/2.0, Atom, RSS 1.0 (RDF), CDF
_HTML_ROOTS = {
    "html", "head", "body", "div", "p", "article", "section", "main", "header", "nav",
    "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "span", "a", "img", "meta",
    "link", "title", "script", "style", "form", "blockquote", "pre", "figure", "br", "b",
    "i", "strong", "em", "font", "center", "frameset", "iframe", "noscript", "template",
}  # fmt: skip
_PROLOG_RE = regexcache.compile(
    # The internal subset is [^\]]*: a lazy ".*?" there backtracks exponentially on "[][]…".
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^\[>]*(?:\[[^\]]*\][^\[>]*)?>)",
    re.DOTALL | re.IGNORECASE,
)
_ELEMENT_RE = regexcache.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_DOCTYPE_HTML_RE = regexcache.compile(r"<!doctype\s+html", re.IGNORECASE)
_FEED_TAG_RE = regexcache.compile(r"<\?xml\s|<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_RE = regexcache.compile(r"<(?:!doctype\s+html|html|head|body|article)[\s>]", re.IGNORECASE)
_HTML_CLOSE_RE = regexcache.compile(r"</(?:p|div|body|html)>", re.IGNORECASE)
_JSON_START_RE = regexcache.compile(r'[{]\s*"|\[\s*(?:[{\["]|-?\d+(?:\.\d+)?\s*,|\])|[{]\s*[}]')
_CJK_RE = regexcache.compile(
    "[\u2e80-\u2fff\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_NUMBER_RE = regexcache.compile(r"^[-+(]?[$€£¥]?\d[\d.,:/%\-\s]*\)?$")
_SENTENCE_END_RE = regexcache.compile(r"[。！？!?.]\s*$")

PREFIX_LIMIT = 1024
"""Junk tolerated before a feed's markup (blank lines, a PHP notice), in characters."""


def is_pdf(data: bytes) -> bool:
    """A PDF: ``%PDF-`` at the start, after at most some whitespace (read by ``pdf.py``)."""
    return data[:1024].lstrip()[:5] == b"%PDF-"


def binary_reason(data: bytes) -> str | None:
    """Why these bytes are a known non-text format (PDF, image, archive), or None.

    A PDF is read by ``digests.sources.pdf`` before this is asked; the reason stays for
    callers that only want to know whether bytes are text.
    """
    head = data[:64]
    if is_pdf(data):
        return PDF_REASON
    for magic, name in _IMAGE_MAGIC:
        if head.startswith(magic):
            return f"image file ({name})"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image file (WebP)"
    if head[4:8] == b"ftyp" and head[8:12] in _ISO_IMAGE_BRANDS:
        return f"image file ({_ISO_IMAGE_BRANDS[head[8:12]]})"
    if head[:2] == b"BM" and len(data) > 26 and b"\x00" in head[2:14]:
        return "image file (BMP)"
    for magic, name in _OTHER_MAGIC:
        if head.startswith(magic):
            return f"binary content, not text: looks like {name}"
    return None


def markup_start(text: str) -> int | None:
    """Where a document's markup starts, tolerating a short non-markup prefix; else None.

    Feeds from WordPress and other PHP sites often begin with blank lines, a BOM or a
    PHP notice before ``<?xml``; a strict XML parser refuses them, a feed reader should not.
    """
    stripped = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    if text.startswith("<", stripped):
        return stripped
    match = _FEED_TAG_RE.search(text, 0, PREFIX_LIMIT + 64)
    if match and match.start() <= PREFIX_LIMIT and "<" not in text[: match.start()]:
        return match.start()
    return None


def root_element(text: str) -> str | None:
    """The root element's name (lower case, without namespace prefix) after any prolog.

    ``""`` when the document is a prolog alone (comments, ``<?xml?>``, a doctype) and
    None when text, not an element, follows the prolog.
    """
    pos = 0
    while True:
        match = _PROLOG_RE.match(text, pos)
        if not match:
            break
        pos = match.end()
    element = _ELEMENT_RE.match(text, pos)
    if element:
        return element.group(1).rsplit(":", 1)[-1].lower()
    return "" if not text[pos:].strip() else None


def detect_kind(text: str) -> str:
    """'feed', 'html', 'xml', 'image', 'json', 'csv' or 'text', from the content alone.

    'xml' is markup with no known feed root (or no element at all): feedparser still gets
    a look at it, since it reads more dialects than the roots listed here.
    """
    start = markup_start(text)
    if start is not None:
        head = text[start : start + 65536]
        root = root_element(head)
        if root in _FEED_ROOTS:
            return "feed"
        if root == "svg":
            return "image"
        if root in _HTML_ROOTS or _DOCTYPE_HTML_RE.match(head.lstrip()):
            if root in ("html", "head", "body") or _looks_like_markup(head, text):
                return "html"
        elif root == "" or (root is not None and _looks_like_markup(head, text)):
            return "xml"
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    if _HTML_RE.search(head) and _HTML_CLOSE_RE.search(text[:65536]):
        return "html"
    if _looks_like_json(text):
        return "json"
    if _looks_like_csv(text):
        return "csv"
    return "text"


def _looks_like_markup(head: str, text: str) -> bool:
    """The whole document is markup (it ends with a tag), not text that opens with one."""
    return head.lstrip().startswith("<?xml") or text.rstrip().endswith(">")


def _looks_like_json(text: str) -> bool:
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{":
        return False
    if _JSON_START_RE.match(stripped):
        return True
    first_line = stripped.split("\n", 1)[0]
    try:  # JSON Lines: one object per line
        return isinstance(json.loads(first_line), dict | list)
    except ValueError:
        return False


def _looks_like_csv(text: str) -> bool:
    """Rows of the same number (≥ 2) of short fields under one delimiter, one column numeric.

    Prose never keeps the same number of commas line after line, and its lines end with
    sentence punctuation; a list of stock picks written with ASCII commas (``台積電(2330),
    目標價1200元,AI需求強勁``) has no column of plain numbers, and a report that is mostly
    a table (an IPO calendar) opens with its title: both stay articles.
    """
    lines = [line for line in text.splitlines()[:200] if line.strip()][:100]
    if len(lines) < 3:
        return False
    for delimiter in (",", "\t", ";", "|"):
        if sum(delimiter in line for line in lines) < 0.8 * len(lines):
            continue
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        width, count = Counter(len(row) for row in rows).most_common(1)[0]
        if width < 2 or count < 0.8 * len(rows) or len(rows[0]) != width:
            continue  # a data file starts with its header or first row, not a title
        fields = sorted(len(field.strip()) for row in rows for field in row)
        ended = sum(bool(_SENTENCE_END_RE.search(line)) for line in lines)
        if fields[len(fields) // 2] > 40 or ended >= 0.2 * len(lines):
            continue
        body = [row for row in rows[1:] if len(row) == width]  # the first row may be a header
        for column in range(width):
            numeric = sum(bool(_NUMBER_RE.match(row[column].strip())) for row in body)
            if numeric >= 0.8 * len(body):
                return True
    return False


def has_sentences(text: str) -> bool:
    """At least one line reads as a sentence: six or more CJK characters, or five words.

    Generous on purpose: a two-line Chinese news flash is an article; a list of tickers,
    a key=value file, a hex dump or a base64 blob is not.
    """
    for line in text.splitlines():
        if len(_CJK_RE.findall(line)) >= 6:
            return True
        tokens = line.split()
        if any(not t.isascii() and sum(ch.isalpha() for ch in t) >= 12 for t in tokens):
            return True  # scripts written without spaces (Thai, Lao, Khmer …)
        words = [t for t in (t.strip("\"'()[]{}.,;:!?-") for t in tokens) if _is_word(t)]
        if len(words) >= 5 and len(words) >= 0.5 * len(tokens):
            return True
    return False


def _is_word(token: str) -> bool:
    letters = sum(ch.isalpha() for ch in token)
    return letters >= 1 and letters >= 0.7 * len(token) and len(token) <= 30
