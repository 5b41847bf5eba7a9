"""The faster scans of the boilerplate and byline rules match exactly what the plain rules do.

Three kinds of proof, one per trick in :mod:`digests.sources.rulescan`:

- rules used with ``match`` all start with ``^`` (read from the parsed pattern);
- a lookahead admits every character a match can start with (the first items of the
  parsed pattern, checked over every code point under the pattern's own flags);
- a word test (``any_of``) holds for every match: thousands of strings generated from
  each rule, alone and inside other text, all pass it.

Then ``kind_of`` is compared with the plain rules as they were (one ``search`` per
group of rules) on fixture lines, sentences and those generated strings.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from digests.sources import boilerplate as bp
from digests.sources import byline

try:  # Python 3.11+
    from re import _constants as c
    from re import _parser as sre
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse as sre  # type: ignore[no-redef]

FIXTURES = Path(__file__).parent / "fixtures"
ALL_CHARS = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)

AT_START = {
    "_CHROME": bp._CHROME,
    "_BREADCRUMB": bp._BREADCRUMB,
    "_DATELINE": bp._DATELINE,
    "_META": bp._META,
    "_META_REPORTER": bp._META_REPORTER,
    "_META_DATED": bp._META_DATED,
    "_META_REPORTED": bp._META_REPORTED,
    "_CREDIT": bp._CREDIT,
    "_CREDIT_CAPTION": bp._CREDIT_CAPTION,
    "_END": bp._END,
}
LED = {
    "_CTA_VERB": bp._CTA_VERB,
    "_END_ANYWHERE": bp._END_ANYWHERE,
    "_ANCHOR": byline._ANCHOR,
}
WORD_TESTS = [  # (test, rule it stands before, how the rule is used)
    (bp._DISCLAIMER_WORD, bp._DISCLAIMER_CORE, "search"),
    (bp._REPORTER_WORD, bp._META_REPORTER, "match"),
    (bp._DIGIT, bp._META_DATED, "match"),
    (bp._REPORTED_WORD, bp._META_REPORTED, "match"),
    (bp._WRITER_WORD, bp._META_WRITER, "search"),
    (bp._META_WORD, bp._META_REPORTER, "match"),
    (bp._META_WORD, bp._META_REPORTED, "match"),
    (bp._META_WORD, bp._META_WRITER, "search"),
    (bp._CAPTION_END, bp._CREDIT_CAPTION, "match"),
    (bp._CRUMB_MARK, bp._BREADCRUMB, "match"),
]


def _anchored(items: list[tuple[object, object]]) -> bool:
    if not items:
        return False
    op, av = items[0]
    if op is c.AT:
        return av is c.AT_BEGINNING
    if op is c.BRANCH:
        return all(_anchored(list(alt)) for alt in av[1])  # type: ignore[index]
    if op is c.SUBPATTERN:
        return _anchored(list(av[-1]))  # type: ignore[index]
    return False


@pytest.mark.parametrize("name", sorted(AT_START))
def test_rules_used_with_match_all_start_with_a_caret(name: str) -> None:
    pattern = AT_START[name]
    assert _anchored(list(sre.parse(pattern.pattern, pattern.flags))), name


def _inner(pattern: re.Pattern[str]) -> tuple[str, str]:
    """The class body of a led_by lookahead and the pattern behind it."""
    m = re.fullmatch(r"\(\?=\[(.*?)\]\)\(\?:(.*)\)", pattern.pattern, re.DOTALL)
    assert m, pattern.pattern
    return m.group(1), m.group(2)


def _first(items: list[tuple[object, object]]) -> tuple[list[str], bool]:
    """Patterns of single characters a match of ``items`` may start with, and whether
    ``items`` may match the empty string."""
    starts: list[str] = []
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the next item opens the match
        if op is c.LITERAL:
            return [*starts, re.escape(chr(av))], False  # type: ignore[arg-type]
        if op is c.IN:
            body = []
            for inner_op, inner in av:  # type: ignore[attr-defined]
                if inner_op is c.LITERAL:
                    body.append(re.escape(chr(inner)))
                elif inner_op is c.RANGE:
                    body.append(f"{re.escape(chr(inner[0]))}-{re.escape(chr(inner[1]))}")
                elif inner_op is c.CATEGORY and inner is c.CATEGORY_DIGIT:
                    body.append(r"\d")
                else:
                    raise AssertionError(f"unsupported class item {inner_op}")
            return [*starts, f"[{''.join(body)}]"], False
        if op is c.BRANCH:
            empty = False
            for alt in av[1]:  # type: ignore[index]
                found, may_be_empty = _first(list(alt))
                starts += found
                empty = empty or may_be_empty
            if not empty:
                return starts, False
            continue
        if op is c.SUBPATTERN:
            found, empty = _first(list(av[-1]))  # type: ignore[index]
            starts += found
            if not empty:
                return starts, False
            continue
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            found, empty = _first(list(av[2]))  # type: ignore[index]
            starts += found
            if av[0] >= 1 and not empty:  # type: ignore[index]
                return starts, False
            continue
        if op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            return [*starts, r"\d"], False
        raise AssertionError(f"unsupported item {op}")
    return starts, True


@pytest.mark.parametrize("name", sorted(LED))
def test_lookahead_admits_every_first_character(name: str) -> None:
    pattern = LED[name]
    head, inner = _inner(pattern)
    starts, empty = _first(list(sre.parse(inner, pattern.flags)))
    assert not empty
    could_start = set(re.findall("|".join(starts), ALL_CHARS, pattern.flags))
    admitted = set(re.findall(f"[{head}]", ALL_CHARS, pattern.flags))
    assert could_start <= admitted, sorted(could_start - admitted)[:20]


def test_word_tests_are_caseless() -> None:
    """The word tests are case-sensitive while some rules are not: their characters must
    match only themselves under IGNORECASE."""
    for test, _, _ in WORD_TESTS:
        for ch in set(re.sub(r"[|\\]", "", test.pattern)) - {"d"}:
            assert re.findall(re.escape(ch), ALL_CHARS, re.IGNORECASE) == [ch], ch


# Strings generated from a rule's parsed pattern.
_ALPHABET = (
    "台積電記者王小明林家豪編輯部研究員分析師報導综合即時新聞網社圖片來源文作者by：:／/｜|·•"
    "（）()【】〔〕[]▲▶ \u3000，,。；;！？!?-—.0123456789２０ABCabcxyz投資建議風險承擔自負代表本文"
    "年月日星期週一二三四五六天上午下午"
)


def _sample(items: list[tuple[object, object]], rng: random.Random) -> str:
    out = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(chr(av))  # type: ignore[arg-type]
        elif op is c.NOT_LITERAL:
            out.append(_pick(rng, f"[^{re.escape(chr(av))}]"))  # type: ignore[arg-type]
        elif op is c.ANY:
            out.append(_pick(rng, "."))
        elif op is c.IN:
            out.append(_pick(rng, _class(av)))  # type: ignore[arg-type]
        elif op is c.BRANCH:
            out.append(_sample(list(rng.choice(av[1])), rng))  # type: ignore[index]
        elif op is c.SUBPATTERN:
            out.append(_sample(list(av[-1]), rng))  # type: ignore[index]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high = av[0], min(av[1], av[0] + 4)  # type: ignore[index]
            for _ in range(rng.randint(low, high)):  # type: ignore[arg-type]
                out.append(_sample(list(av[2]), rng))  # type: ignore[index]
        elif op is c.CATEGORY:
            out.append(_pick(rng, _class([(op, av)])))
        # AT, ASSERT, ASSERT_NOT: nothing to emit; the caller keeps only real matches
    return "".join(out)


def _class(items: list[tuple[object, object]]) -> str:
    body, negate = [], False
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            body.append(re.escape(chr(av)))  # type: ignore[arg-type]
        elif op is c.RANGE:
            body.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")  # type: ignore[index]
        elif op is c.CATEGORY:
            body.append(
                {
                    c.CATEGORY_DIGIT: r"\d",
                    c.CATEGORY_NOT_DIGIT: r"\D",
                    c.CATEGORY_SPACE: r"\s",
                    c.CATEGORY_NOT_SPACE: r"\S",
                    c.CATEGORY_WORD: r"\w",
                    c.CATEGORY_NOT_WORD: r"\W",
                }[av]
            )
    return f"[{'^' if negate else ''}{''.join(body)}]"


def _pick(rng: random.Random, cls: str) -> str:
    """A character of the class ``cls``: from the alphabet when it holds one."""
    found = re.findall(cls, _ALPHABET)
    if found:
        return rng.choice(found)
    first = re.search(cls, ALL_CHARS[32:])
    assert first, cls
    return first.group()


def _generated(pattern: re.Pattern[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    tree = list(sre.parse(pattern.pattern, pattern.flags))
    out = []
    for _ in range(n):
        s = _sample(tree, rng)
        out += [s, s + rng.choice(_ALPHABET), rng.choice(_ALPHABET) + s, "本段 " + s]
    return out


def _plain(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A led_by pattern without its lookahead: the rule as it was written."""
    return re.compile(_inner(pattern)[1], pattern.flags)


def test_generated_strings_match_their_rules() -> None:
    """The generator does produce matches (else the tests below would prove nothing)."""
    for _, rule, how in WORD_TESTS:
        strings = _generated(rule, 200, 1)
        hits = sum(bool(getattr(rule, how)(s)) for s in strings)
        assert hits >= 100, rule.pattern[:60]


@pytest.mark.parametrize("index", range(len(WORD_TESTS)))
def test_every_match_holds_a_word_of_its_test(index: int) -> None:
    test, rule, how = WORD_TESTS[index]
    for s in _generated(rule, 1000, index):
        if getattr(rule, how)(s):
            assert test.search(s), s


@pytest.mark.parametrize("name", sorted(LED))
def test_lookahead_keeps_every_match(name: str) -> None:
    pattern = LED[name]
    plain = _plain(pattern)
    for s in _generated(plain, 500, 3) + _lines():
        assert [m.span() for m in pattern.finditer(s)] == [m.span() for m in plain.finditer(s)]
        assert pattern.sub("", s) == plain.sub("", s)


def _lines() -> list[str]:
    lines: set[str] = set()
    for path in sorted(FIXTURES.rglob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            lines.add(line)
            lines.update(re.split(r"(?<=[。！？!?；;])", line))
    return sorted(lines)


_PLAIN_META = bp._compile(
    bp._META_REPORTER.pattern,
    bp._META_DATED.pattern,
    bp._META_REPORTED.pattern,
    bp._META.pattern,
    bp._META_WRITER.pattern,
)
_PLAIN_END = bp._compile(bp._END.pattern, _plain(bp._END_ANYWHERE).pattern)
_PLAIN_CREDIT = bp._compile(bp._CREDIT.pattern, bp._CREDIT_CAPTION.pattern)
_PLAIN_CHROME = bp._compile(bp._CHROME.pattern, bp._BREADCRUMB.pattern)


def _reference_kind_of(line: str) -> bp.Kind | None:
    """kind_of as it was: one ``search`` per group of rules, in the original order."""
    chrome, meta, end = _PLAIN_CHROME, _PLAIN_META, _PLAIN_END
    text = line.strip()
    if not text:
        return None
    if len(text) > bp.LONG:
        return bp.Kind.END if bp._LIST_HEADER.match(text) or bp._BIO_HEADER.match(text) else None
    if byline.is_byline(text) or byline.is_credit_line(text):
        return bp.Kind.META
    dated = (len(text) <= bp.SHORT and bp._DATELINE.search(text)) or (
        byline.is_date_line(text) and not (len(text) <= bp.SHORT and chrome.search(text))
    )
    if dated and not byline.has_subject(text):
        return bp.Kind.META
    if len(text) <= bp.SHORT and chrome.search(text):
        return bp.Kind.CHROME
    if len(text) <= bp.SHORT + 20:
        if not byline.has_subject(text) and meta.search(text):
            return bp.Kind.META
        if _PLAIN_CREDIT.search(text):
            return bp.Kind.CHROME
    if bp.is_read_more(text):
        return bp.Kind.END
    if len(text) <= 200:
        if end.search(text):
            return bp.Kind.END
        if bp._DISCLAIMER_CORE.search(text) and (
            len(text) <= bp.DISCLAIMER_BARE_MAX or bp._DISCLAIMER_SUBJECT.search(text)
        ):
            return bp.Kind.END
    if bp._is_promotion(text):
        return bp.Kind.END
    if bp._LIST_HEADER.match(text) or bp._BIO_HEADER.match(text):
        return bp.Kind.END
    return None


def test_kind_of_matches_the_plain_rules() -> None:
    lines = _lines()
    rules = [bp._META_REPORTER, bp._META_DATED, bp._META_REPORTED, bp._META, bp._META_WRITER]
    rules += [bp._CHROME, bp._BREADCRUMB, bp._DATELINE, bp._CREDIT, bp._CREDIT_CAPTION, bp._END]
    rules += [bp._DISCLAIMER_CORE]
    for k, rule in enumerate(rules):
        lines += _generated(rule, 300, 100 + k)
    lines += _generated(_plain(bp._CTA_VERB), 300, 7) + _generated(_plain(byline._ANCHOR), 300, 8)
    kinds = [bp.kind_of(line) for line in lines]
    assert sum(k is not None for k in kinds) > 1000  # the generated lines reach the rules
    assert kinds == [_reference_kind_of(line) for line in lines]


# --- the gate: what every rule needs, tested before any rule runs -------------------------


def _varied(lines: list[str], seed: int) -> list[str]:
    """``lines`` with their letters in other cases, and some of them as the letters that
    match them under IGNORECASE without being ASCII (ſ, K, ı, İ)."""
    rng = random.Random(seed)
    odd = {"s": "\u017f", "k": "\u212a", "i": "\u0131", "I": "\u0130"}
    out = []
    for line in lines:
        out += [line.upper(), line.title(), line.swapcase()]
        out.append("".join(odd.get(ch, ch) if rng.random() < 0.5 else ch for ch in line))
    return out


def _gate_lines() -> list[str]:
    rules = [*AT_START.values(), *(_plain(p) for p in LED.values())]
    rules += [bp._DISCLAIMER_CORE, bp._READ_MORE, bp._PAYWALL, bp._LIST_HEADER]
    rules += [bp._BIO_HEADER, bp._CTA_NAMED, bp._CTA_GENERIC, bp._META_WRITER]
    rules += [byline._CREDIT, bp._PICTOGRAPH_LEAD]
    lines = _lines()
    for k, rule in enumerate(rules):
        generated = _generated(rule, 300, 200 + k)
        lines += generated + _varied(generated[::7], k)
    # promotions need a verb and a channel (and often a cue) in one line
    rng = random.Random(5)
    verbs = [
        m.group()
        for s in _generated(_plain(bp._CTA_VERB), 300, 9)
        for m in [bp._CTA_VERB.search(s)]
        if m
    ]
    channels = [
        m.group()
        for s in _generated(bp._CTA_NAMED, 200, 10)
        for m in [bp._CTA_NAMED.search(s)]
        if m
    ]
    generic = [
        m.group()
        for s in _generated(bp._CTA_GENERIC, 200, 11)
        for m in [bp._CTA_GENERIC.search(s)]
        if m
    ]
    for verb in verbs:
        for cue in ("請", "👉 ", "本站", "", "我們"):
            channel = rng.choice(channels + generic)
            lines += [f"{cue}{verb}{channel}", f"{cue} {verb} {channel}"]
            lines.append(f"{cue}{channel} {verb} {rng.choice(verbs)}")
    # English headers behind a bracket or a bullet (no Latin letter opens the line)
    words = ("related", "Related Posts", "more from", "recommended", "about the author")
    words += ("disclaimer", "Photo: 王小明", "image credit：x", "(c) 2026 本站", "By: 王小明")
    for word in words:
        for mark in "【〈《〔[(（▌▶►→➤➜⇒●■◆★☆":
            lines += [f"{mark}{word}", f"{mark} {word}】", f"{mark}{word.upper()}：", mark + word]
            lines += _varied([f"{mark}{word}"], len(lines))
    return lines


def test_the_gate_holds_for_every_line_a_rule_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    """kind_of without its gate (every line reaches the rules) says the same."""
    lines = _gate_lines()
    gated = [bp.kind_of(line) for line in lines]
    monkeypatch.setattr(bp, "_held", lambda text, size: 63)  # every flag
    plain = [bp.kind_of(line) for line in lines]
    assert sum(k is not None for k in plain) > 3000  # the generated lines reach the rules
    assert gated == plain
    assert gated == [_reference_kind_of(line) for line in lines]


def test_the_gate_rejects_most_sentences() -> None:
    sentences = [s for s in _lines() if 12 < len(s.strip()) <= bp.LONG and "。" in s]
    rejected = sum(not bp._held(s.strip(), len(s.strip())) for s in sentences)
    assert rejected > len(sentences) // 3


def test_lowered_english_words_find_what_ignorecase_finds() -> None:
    """_GATE_LATIN looks in ``text.lower()`` for what the rules look for ignoring case: every
    character the rules' letters match under IGNORECASE is an ASCII letter or one of
    _ODD_LATIN (lines holding one of those skip the shortcut), and lowering keeps every
    other character's place and turns no other character into a letter, space or bracket."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    matched = set(re.findall(f"[{letters}]", ALL_CHARS, re.IGNORECASE))
    assert matched == set(letters + letters.upper() + "\u0130\u0131\u017f\u212a")
    assert set(re.findall(bp._LATIN_LETTER.pattern, ALL_CHARS)) == matched
    assert set(re.findall(bp._ODD_LATIN.pattern, ALL_CHARS)) == matched - set(
        letters + letters.upper()
    )
    kept = set(letters + " ()")
    for ch in ALL_CHARS:
        if ch in matched - set(letters + letters.upper()):
            continue
        low = ch.lower()
        assert len(low) == 1, ch
        assert (low in kept) == (ch in kept or ch in letters.upper()), ch
        if ch in letters.upper():
            assert low == ch.swapcase()
    assert set(bp._GATE_LATIN.pattern) <= kept | {"|", "\\"}
