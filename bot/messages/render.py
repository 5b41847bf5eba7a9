"""HTML rendering for Telegram and splitting of long replies.

Every dynamic string goes through :func:`esc`.  Telegram refuses messages over 4096
visible characters, so long replies are split at paragraph (then line) boundaries,
closing and reopening any tag a split would cut through.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from digests import regexcache
from digests.sanitize import clean_text

LIMIT = 4096
_TAG_RE = regexcache.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>")


def esc(text: object) -> str:
    """Escaped for Telegram's HTML, and without control or bidi characters: every dynamic
    string passes here, so none of them can reorder or hide what a reader sees."""
    return html.escape(clean_text(str(text)), quote=False)


def link(title: str, url: str | None) -> str:
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{esc(title)}</a>'
    return f"<b>{esc(title)}</b>"


ARTICLE_COMMAND = "/a"
"""``/a12`` opens article 12 in one tap: Telegram makes a command without a space tappable
(``/article 12`` is not, and inside ``<code>`` a tap only copies it)."""


def article_command(article_id: int) -> str:
    """The one-tap way into an article, for every list that names one."""
    return f"{ARTICLE_COMMAND}{int(article_id)}"


def visible_length(markup: str) -> int:
    """Characters Telegram counts: tags removed, entities decoded, in UTF-16 code units."""
    plain = html.unescape(_TAG_RE.sub("", markup))
    return len(plain.encode("utf-16-le")) // 2


def split_html(markup: str, limit: int = LIMIT) -> list[str]:
    """Pieces of ``markup`` that each fit ``limit`` visible characters, tags balanced."""
    if visible_length(markup) <= limit:
        return [markup]
    pieces: list[str] = []
    current = ""
    for block in _blocks(markup, limit):
        candidate = f"{current}\n\n{block}" if current else block
        if visible_length(_balanced(candidate)[0]) <= limit:
            current = candidate
            continue
        if current:
            closed, reopen = _balanced(current)
            pieces.append(closed)
            current = reopen + block
        else:
            current = block
    if current:
        pieces.append(_balanced(current)[0])
    return [p for p in (p.strip() for p in pieces) if p]


def _blocks(markup: str, limit: int) -> Iterable[str]:
    """Paragraphs; a paragraph that alone is too long is cut at lines, then characters."""
    for paragraph in markup.split("\n\n"):
        if visible_length(paragraph) <= limit:
            yield paragraph
            continue
        line_buffer = ""
        for line in paragraph.split("\n"):
            joined = f"{line_buffer}\n{line}" if line_buffer else line
            if visible_length(joined) <= limit:
                line_buffer = joined
                continue
            if line_buffer:
                yield line_buffer
            while visible_length(line) > limit:
                head, line = _cut(line, limit)
                yield head
            line_buffer = line
        if line_buffer:
            yield line_buffer


def _cut(markup: str, limit: int) -> tuple[str, str]:
    """Cut a single over-long line after ``limit`` visible characters, outside tags."""
    count = 0
    i = 0
    while i < len(markup) and count < limit - 1:
        if markup[i] == "<":
            i = markup.index(">", i) + 1
            continue
        if markup[i] == "&":
            end = markup.find(";", i)
            i = end + 1 if end != -1 else i + 1
        else:
            i += 1
        count += 1
    head, tail = markup[:i], markup[i:]
    closed, reopen = _balanced(head)
    return closed, reopen + tail


def _balanced(markup: str) -> tuple[str, str]:
    """``markup`` with its open tags closed, and the tags to reopen in the next piece."""
    stack: list[tuple[str, str]] = []
    for match in _TAG_RE.finditer(markup):
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if stack and stack[-1][0] == name:
                stack.pop()
        elif not attrs.rstrip().endswith("/"):
            stack.append((name, match.group(0)))
    closers = "".join(f"</{name}>" for name, _ in reversed(stack))
    reopen = "".join(tag for _, tag in stack)
    return markup + closers, reopen
