"""Bytes to text: detect the encoding (UTF-8, Big5, GB18030, UTF-16 …), never assume one.

Taiwanese sites still serve Big5, mainland ones GB2312/GB18030, and Windows tools
write UTF-16.  A BOM or a valid UTF-8 decode settles it; otherwise charset-normalizer
chooses by measuring how coherent each candidate decoding is.
"""

from __future__ import annotations

import codecs

from digests import regexcache
from digests.sources.errors import SourceError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# C0/C1 controls (bar tab, newlines, form feed), surrogates and private-use characters.
_CONTROL_RE = regexcache.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``; raise :class:`SourceError` for empty or binary content."""
    if not data.strip():
        raise SourceError("empty source")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data[len(bom) :].decode(encoding, errors="replace"))
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return _checked(utf16)
    if b"\x00" in data:
        raise SourceError("binary content, not text")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return _checked(data.decode(_normalize_declared(declared)))
        except (LookupError, UnicodeDecodeError):
            pass
    import charset_normalizer  # lazily: most sources are UTF-8

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise SourceError("binary content or unknown text encoding")
    encoding = best.encoding
    if encoding in ("gb2312", "gbk"):
        encoding = "gb18030"  # superset: never fails on characters GBK lacks
    elif encoding == "big5":
        encoding = "big5hkscs"
    return _checked(data.decode(encoding, errors="replace"))


def _normalize_declared(name: str) -> str:
    name = name.strip().lower()
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}.get(name, name)


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows up as NUL bytes on one side of every ASCII char."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    total = even_nuls + odd_nuls
    if total < max(2, len(data) // 40):
        return None
    if odd_nuls >= 0.9 * total:
        encoding = "utf-16-le"
    elif even_nuls >= 0.9 * total:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _checked(text: str) -> str:
    """Reject decodes that are mostly control characters: that is binary data."""
    if not text.strip():
        raise SourceError("empty source")
    sample = text[:20000]
    controls = len(_CONTROL_RE.findall(sample))
    replacement = sample.count("\ufffd")
    if controls > len(sample) * 0.01 or replacement > len(sample) * 0.02:
        raise SourceError("binary content, not text")
    return text
