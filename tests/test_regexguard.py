"""A first-character lookahead changes no match, and is added only when certain."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from digests.regexguard import _c, _p, grouped, guarded, needs, starts
from digests.salience import CALL_PATTERN, THESIS_RE

TEXTS = [
    "我們認為明年營收可望成長兩成，首選晶研。",
    "如果你重視配息，中華電仍是比較適合的選擇。",
    "資金大約七成放在高股息，保留約三成現金。",
    "投顧將評等由中立調升為買進，目標價128元。",
    "營收年增12%，毛利率38.6%。",
    "",
    "逢低分批布局",
]


def test_same_matches_as_the_plain_pattern() -> None:
    plain = re.compile(CALL_PATTERN)
    fast = guarded(plain)
    assert fast.pattern.startswith("(?=[")
    for text in TEXTS:
        a, b = plain.search(text), fast.search(text)
        assert (a and a.span()) == (b and b.span())
        assert plain.findall(text) == fast.findall(text)
    assert THESIS_RE.pattern.startswith("(?=[")  # the salience rule is guarded


def test_left_alone_when_unsure_or_already_fast() -> None:
    for pattern in (
        re.compile(r"^記者\S+"),  # an anchor
        re.compile(r"(?:subscribe|訂閱)", re.IGNORECASE),  # Latin letters have other cases
        re.compile(r"[^。]{0,3}(?:看好|首選)"),  # may start with anything
        re.compile(
            r"看好|首選|推薦"
        ),  # every alternative starts with a literal: re skips by itself
        re.compile(r"\d+元"),
    ):
        assert guarded(pattern) is pattern


def test_case_free_characters_under_ignorecase() -> None:
    pattern = re.compile(
        r"(?:加入|按讚)(?:LINE|YouTube)|(?:訂閱|追蹤)[^。]{0,4}頻道", re.IGNORECASE
    )
    fast = guarded(pattern)
    assert fast is not pattern
    for text in ("歡迎加入line好友", "記得訂閱我們的頻道", "加入YOUTUBE", "沒有"):
        assert bool(pattern.search(text)) == bool(fast.search(text))


# --- needs: the literals every match contains ------------------------------------------

_POOL = "的是在有我們這來看好以為主，。、：！？「」（）() 0123456789abcXYZ\n年日點成元%"


def _sample(items, rng: random.Random, out: list[str]) -> None:
    """Append a random string ``items`` (a parsed pattern) can match, or one close to it:
    every class and repeat is drawn from, so most samples do match."""
    for op, av in items:
        if op is _c.LITERAL:
            out.append(chr(av))
        elif op is _c.NOT_LITERAL or op is _c.ANY:
            out.append(rng.choice(_POOL))
        elif op is _c.IN:
            members = []
            for inner_op, inner in av:
                if inner_op is _c.LITERAL:
                    members.append(chr(inner))
                elif inner_op is _c.RANGE:
                    members.append(chr(rng.randint(inner[0], inner[1])))
                elif inner_op is _c.CATEGORY:
                    members.append(rng.choice("0123456789" if "DIGIT" in str(inner) else " \n"))
            out.append(rng.choice(_POOL if not members or av[0][0] is _c.NEGATE else members))
        elif op is _c.BRANCH:
            _sample(rng.choice(av[1]).data, rng, out)
        elif op is _c.SUBPATTERN:
            _sample(av[3].data, rng, out)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            low, high, body = av
            for _ in range(rng.randint(low, min(high, low + 3))):
                _sample(body.data, rng, out)
        # AT, ASSERT, ASSERT_NOT: nothing to add; the final search decides


def _matching_samples(pattern: re.Pattern[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    data = _p.parse(pattern.pattern, pattern.flags).data
    found = []
    for _ in range(count):
        out: list[str] = []
        _sample(data, rng, out)
        core = "".join(out)
        for text in (core, rng.choice(_POOL) + core + rng.choice(_POOL), "我們看好" + core):
            if pattern.search(text):
                found.append(text)
    return found


def test_needs_finds_the_literals_of_every_alternative() -> None:
    assert needs(re.compile(r"ab|c(?:d|e)")).pattern == "ab|c(?:d|e)"
    # an optional part and a negated class add nothing; the closing word is needed
    assert needs(re.compile(r"(?:先|就)?[^。]{0,4}來(?:看看|聊聊)")).pattern == "來(?:看看|聊聊)"
    assert needs(re.compile(r"建[議议]")).pattern == "建(?:議|议)"
    # what a lookahead needs stands in the text too (one string: the fewest to look for)
    assert needs(re.compile(r"建[議议](?=[^。]{0,3}投資人)")).pattern == "投資人"
    # 今日 adds nothing to 日: wherever it stands, 日 does
    assert needs(re.compile(r"\d日|今日")).pattern == "日"


def test_needs_matches_everything_when_unsure() -> None:
    for pattern in (
        re.compile(r"\d+"),
        re.compile(r"看好|\w+"),  # one alternative needs no literal
        re.compile(r"(?:看好)?"),
        re.compile(r"(?:buy|sell)", re.IGNORECASE),  # Latin letters have other cases
    ):
        assert needs(pattern).pattern == ""
        assert needs(pattern).search("任何文字")


def test_needs_is_found_in_every_match() -> None:
    from digests import salience

    patterns = [
        salience.CALL_RE,
        salience.THESIS_RE,
        salience._META_RE,
        salience._SIGN_OFF_RE,
        salience._PLATITUDE_RE,
        salience._DATELINE_RE,
        salience._OPENS_STEPS_RE,
        salience._HISTORY_RE,
        salience._INDEX_POINTS_RE,
        salience._FLOW_RE,
        salience._SPEAKER_RE,
        re.compile(r"(?:甲|乙)?(?:丙丁|戊)[^。]{0,2}(?:己|庚辛)?壬", re.IGNORECASE),
    ]
    for seed, pattern in enumerate(patterns):
        hint = needs(pattern)
        samples = _matching_samples(pattern, 400, seed)
        assert len(samples) >= 200, pattern.pattern[:40]  # the sampler reaches the pattern
        for text in samples:
            assert hint.search(text), (pattern.pattern[:40], text)


def test_letters_of_every_script_have_cases() -> None:
    for text in ("Ａ", "ａ", "\U00010400", "K", "ſ"):  # full-width, Deseret, Kelvin sign, long s
        pattern = re.compile(f"(?:{text}|訂閱)[^。]{{0,2}}頻道", re.IGNORECASE)
        assert guarded(pattern) is pattern
        assert needs(pattern).pattern == "頻道"  # what every match holds, whatever the case
        assert needs(re.compile(f"{text}|訂閱", re.IGNORECASE)).pattern == ""


def test_starts_holds_the_first_character_of_every_match() -> None:
    from digests import preparation, salience

    for pattern in (preparation._CONNECTIVE_RE, salience._ASIDE_RE, re.compile(r"^(?:ab|c)d")):
        first = starts(pattern)
        assert first
        samples = _matching_samples(pattern, 400, 7)
        assert len(samples) > 100
        for text in samples:
            if pattern.match(text):
                assert text[:1] in first, text
    assert starts(re.compile(r"ab|c")) == frozenset("ac")  # with match(), also unanchored
    for unsure in (r"^\s*其次", r"^[^，]{0,3}回顧", r"^(?:但)?這", r"^a", r"^"):
        assert starts(re.compile(unsure, re.IGNORECASE if unsure == r"^a" else 0)) is None


def test_grouped_words_match_the_same_texts() -> None:
    from digests import preparation, salience
    from tests.test_salience_prefilters import TEXTS

    pairs = [(p, grouped(p)) for p in (*salience._CATEGORIES, salience._GLOBAL_RE)]
    pairs += [
        (preparation._CLAIM_RE, preparation._CLAIM_ANY),
        (preparation._STANCE_RE, preparation._STANCE_ANY),
    ]
    for k, (plain, fast) in enumerate(pairs):
        assert fast is not plain and fast.pattern != plain.pattern
        texts = TEXTS + _matching_samples(plain, 300, 20 + k)
        for text in texts:
            assert bool(plain.search(text)) == bool(fast.search(text)), text
    # anything but plain words is left alone
    for pattern in (CALL_PATTERN, r"ab|c\d", r"(?i:ab)|c", r"a+b", r"^ab"):
        compiled = re.compile(pattern)
        assert grouped(compiled) is compiled
    case_folded = re.compile("subscribe|訂閱", re.IGNORECASE)
    assert grouped(case_folded) is case_folded


def test_values_kept_between_runs_are_what_the_functions_compute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """needs, guarded, starts and grouped read from the cache file give exactly what they
    compute from the parsed pattern, for every rule of the modules that use them."""
    from digests import preparation, regexcache, regexguard, salience

    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regexcache.atexit, "register", lambda fn: None)
    patterns = [
        *salience._CATEGORIES,
        salience._GLOBAL_RE,
        preparation._CLAIM_RE,
        preparation._STANCE_RE,
        preparation._CONNECTIVE_RE,
        salience._ASIDE_RE,
        re.compile(CALL_PATTERN),
        re.compile(r"(?:加入|按讚)(?:LINE|YouTube)|(?:訂閱|追蹤)[^。]{0,4}頻道", re.I),
        re.compile(r"^記者\S+"),
        re.compile(r"\d+元"),
        re.compile("subscribe|訂閱", re.IGNORECASE),
    ]

    def results() -> list[object]:
        out: list[object] = []
        for p in patterns:
            out += [needs(p), guarded(p), starts(p), grouped(p)]
        return out

    runs = []
    for _ in range(2):  # computed (an empty file), then read back (a new process)
        monkeypatch.setattr(regexcache._PATTERNS, "entries", None)
        monkeypatch.setattr(regexcache._PATTERNS, "added", 0)
        runs.append(results())
        if not regexcache._PATTERNS.added:
            break
        regexcache._PATTERNS.save()
    assert len(runs) == 2 and regexcache._PATTERNS.added == 0  # the second run computed nothing
    kept = [key for key in regexcache._PATTERNS.load() if len(key) == 3]
    assert len(kept) >= 4 * len(patterns) - 4 and all(regexguard._CODE_ID in k[2] for k in kept)

    def fresh(p: re.Pattern[str]) -> list[object]:
        source = regexguard._guarded_source(p)
        needed = regexcache.compile(regexguard._needs_source(p))
        return [
            needed,
            p if source is None else re.compile(source, p.flags),
            regexguard._starts(p),
            needed if regexguard._plain_words(p) else p,
        ]

    computed = [x for p in patterns for x in fresh(p)]
    for first, second, fresh in zip(runs[0], runs[1], computed, strict=True):
        assert first == second == fresh  # pattern equality: source, flags and code
