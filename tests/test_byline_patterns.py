"""byline._LABEL matches its CJK class case-sensitively (cheaper to compile): the same
matches as the pattern it replaced, frozen here."""

from __future__ import annotations

import re
from pathlib import Path

from digests.sources import byline

_LABEL_BEFORE = re.compile(
    r"(?:最後|最后)?(?:發布|發佈|发布|發表|发表|更新|上稿|刊登|出版)(?:時間|时间|日期|於|于)?|"
    r"\b(?:posted|published|updated|written)(?:\s+(?:on|by))?\b|\bby\b|(?<![\u3400-\u9fff])[文圖图](?=\s*[:：/／|｜])|"
    r"(?:時間|时间|日期)(?=\s*[:：])",
    re.IGNORECASE,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_no_character_folds_into_or_out_of_the_cjk_range() -> None:
    folded = re.compile("[\u3400-\u9fff]", re.IGNORECASE)
    scoped = re.compile("(?-i:[\u3400-\u9fff])", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        inside = 0x3400 <= code <= 0x9FFF
        assert (folded.match(char) is not None) == inside, hex(code)
        assert (scoped.match(char) is not None) == inside, hex(code)


def _lines() -> list[str]:
    lines = [
        line
        for path in sorted(FIXTURES.rglob("*"))
        if path.is_file() and path.suffix in (".txt", ".md", ".html", ".xml", ".toml", ".json")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    befores = ["", " ", "a", "A", "1", "的", "王", "\u3400", "\u9fff", "\u33ff", "\ua000", "K", "ſ"]
    for before in befores:
        for char in "文圖图":
            for after in (":", "：", " /", "／王小明", "|", "｜", "", "字"):
                lines.append(f"{before}{char}{after}")
                lines.append(f"Posted by {before}{char}{after} 2026/03/18")
    return lines


def test_the_label_pattern_matches_as_before() -> None:
    lines = _lines()
    assert len(lines) > 1000
    for line in lines:
        old = [(m.start(), m.end()) for m in _LABEL_BEFORE.finditer(line)]
        assert [(m.start(), m.end()) for m in byline._LABEL.finditer(line)] == old, line
