"""The mention finder's shortcuts find exactly what the plain scans they replace find.

``digests.name_tokens`` looks only at tokens that may take part in a name, only at the
mixed-script names whose Latin word the sentence has, and ``digests.aliases`` and
``digests.tickers`` find their name-beside-parenthesis and name-before-code shapes
from the parenthesis or the code back.  Each is compared here with the plain version
(the regex, or the loop over every token or name) on the fixture articles and on
generated text.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from digests.aliases import names_with_parens
from digests.analysis import analyze
from digests.companies import Company, CompanyDirectory, phrase_pattern
from digests.directory_sources import build_directory
from digests.lexicon import default_lexicon
from digests.mentions import (
    AMBIGUOUS,
    CERTAIN,
    NAME_WITH_PARENS,
    WEAK,
    Mention,
    _accented_names,
    _bare_acronym,
    _comparable,
    _has_latin_word,
    _inside_phrases,
    _ky_names,
    _mixed_hits,
    _phrase_hits,
    _pick,
    _ticker_hits,
    find_mentions,
)
from digests.models import Article, Section
from digests.name_tokens import (
    MentionIndex,
    _after_word,
    _crosses_word,
    _joined_alias,
    _loosely_bound,
    _touched,
    company_stem,
    misfit_stem,
    token_aliases,
)
from digests.sources import load
from digests.textproc import to_simplified
from digests.tickers import (
    CODE_BEFORE_NAME,
    NAME_BEFORE_CODE,
    codes_before_names,
    lead_in,
    names_before_codes,
)

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_DUMPS = Path(__file__).parent.parent / "bot" / "cli" / "demo_data" / "pagedumps"

EXTRA = [
    "台灣大哥大與南亞科技、東元電機、台塑集團都在名單上，韓國三星電子也是。",
    "晶華半導體不是晶華，新產能與先進光罩也不是公司。",
    "三星SDI、LG化學與SK海力士(000660-KR)擴產，ai伺服器與AI晶片需求強。",
    "GE Vernova 與 GE、Shin-Etsu、Ørsted 和 Nestlé 都在歐美上市。",
    "譜瑞-KY(4966)與信驊 ( 5274 )、2330 台積電、台積電2330、鴻海KY 2317 同列。",
    "溫度單位\u212aelvin與İstanbul的LG化學，以及ＬＧ化學。",
    "LG電子推出新機。ABB集團擴產。統一FANG+規模成長。凱基台灣TOP50配息。XLG電子不算。",
]


@pytest.fixture(scope="module")
def directory() -> CompanyDirectory:
    return default_lexicon().directory


@pytest.fixture(scope="module")
def units(directory: CompanyDirectory) -> list[tuple[str, list[str]]]:
    """(text, tokens) of every title and sentence of the fixture articles."""
    articles = [Article("測試", (Section("", (text,)),), "t", "text") for text in EXTRA]
    for folder in (FIXTURES / "dev_articles", FIXTURES / "sectors", DEMO_DUMPS):
        for path in sorted(folder.glob("*.txt")):
            articles += load(str(path)).articles
    found = []
    for article in articles:
        analysis = analyze(article)
        found.append((article.title, analysis.title_tokens))
        found += [(s.text, s.tokens) for sec in analysis.sections for s in sec.sentences]
    assert len(found) > 900
    return found


def _plain_token_aliases(
    tokens: list[str], directory: CompanyDirectory
) -> list[tuple[str, bool, bool]]:
    """The scan over every token that ``token_aliases`` replaced."""
    by_alias = directory.by_alias
    keys = [t.lower() if t.isascii() else t for t in tokens]
    out: list[tuple[str, bool, bool]] = []
    i = 0
    while i < len(keys):
        key = keys[i]
        if i + 1 < len(keys) and not key.isascii() and not keys[i + 1].isascii():
            pair = key + keys[i + 1]
            joined = _joined_alias(pair, directory)
            if joined is not None:
                out.append((joined, True, False))
                i += 2
                continue
            if (other := misfit_stem(pair, directory)) is not None:
                out.append((other, False, True))
                i += 2
                continue
        if key in by_alias:
            crossed = _loosely_bound(key, directory) and _crosses_word(keys, i, directory)
            out.append((key, False, crossed))
        elif len(key) >= 3 and not key.isascii():
            found = company_stem(key, directory) or _after_word(key, directory)
            if found is not None:
                out.append((found, True, False))
            elif (other := misfit_stem(key, directory)) is not None:
                out.append((other, False, True))
        i += 1
    return out


def _plain_mixed_hits(text: str, directory: CompanyDirectory) -> list[tuple[str, int, int]]:
    """The search for every mixed-script name that ``_mixed_hits`` replaced."""
    if not directory.mixed or text.isascii():
        return []
    low = _comparable(text)
    out = []
    for alias, keys in directory.mixed.items():
        at = low.find(alias)
        while at >= 0:
            end = at + len(alias)
            before = at > 0 and low[at - 1].isascii() and low[at - 1].isalpha()
            after = end < len(low) and low[end].isascii() and low[end].isalnum()
            if not ((alias[0].isascii() and before) or (alias[-1].isascii() and after)):
                out.append((_pick(keys, directory), at, end))
                break
            at = low.find(alias, at + 1)
    return out


def _shuffled_tokens(units: list[tuple[str, list[str]]]) -> list[list[str]]:
    """Token lists that put every kind of token beside every other (pairs the
    articles never write: a name's start before a company word, and so on)."""
    rng = random.Random(13)
    pool = [t for _, tokens in units for t in tokens]
    return [rng.sample(pool, rng.randint(1, 30)) for _ in range(3000)]


def _split_names(
    units: list[tuple[str, list[str]]], directory: CompanyDirectory
) -> list[list[str]]:
    """Names cut in two tokens anywhere (台 + 積電, 台灣 + 大哥大), some with a
    company word glued on (南亞 + 科技), between tokens of the articles."""
    rng = random.Random(17)
    pool = [t for _, tokens in units for t in tokens]
    names = sorted(a for a in directory.by_alias if not a.isascii() and len(a) >= 2)
    out = []
    for name in names * 2:
        cut = rng.randint(1, len(name) - 1)
        rest = name[cut:] + (
            rng.choice(("科技", "电子", "集团", "公司", "")) if rng.random() < 0.5 else ""
        )
        out.append([rng.choice(pool), name[:cut], rest, rng.choice(pool)])
    return out


def test_token_aliases_match_the_plain_scan(directory, units) -> None:
    index = MentionIndex(directory)
    token_lists = [tokens for _, tokens in units] + _shuffled_tokens(units)
    token_lists += _split_names(units, directory)
    named = 0
    for tokens in token_lists:
        index.classify(tokens)
        expected = _plain_token_aliases(tokens, directory)
        named += bool(expected)
        assert token_aliases(tokens, directory, index) == expected, tokens
    assert named > 150


def test_mixed_hits_match_the_plain_search(directory, units) -> None:
    index = MentionIndex(directory)
    found = 0
    for text, _ in units:
        expected = _plain_mixed_hits(text, directory)
        found += bool(expected)
        assert _mixed_hits(text, directory, index) == expected, text
    assert found >= 3


def test_opencc_leaves_latin_letters_alone() -> None:
    """What the mixed-name shortcut relies on: the Simplified text has Latin letters
    exactly where the text has them (OpenCC converts Chinese only)."""
    latin = "".join(map(chr, range(32, 127))) + "ＬＧ\u212aİß"
    assert to_simplified(latin) == latin
    chinese = "".join(map(chr, range(0x3400, 0xA000)))
    assert not any(ch.isascii() for ch in to_simplified(chinese))


def test_a_learned_name_is_found_at_once() -> None:
    """The finder's tables follow the directory when it learns (a new generation)."""
    directory = CompanyDirectory()
    directory.add(Company("TWSE:2330", "台積電", ("TSMC",), "2330", "TWSE"))
    article = Article(
        "測試", (Section("", ("晶研創新與台積電合作，晶研LG化學同步擴產。",)),), "t", "text"
    )
    assert {m.company_key for m in find_mentions(analyze(article), directory)} == {"TWSE:2330"}
    directory.add(Company("TW:7854", "晶研創新", ("晶研LG化學",), "7854", "TW", source="learned"))
    keys = {m.company_key for m in find_mentions(analyze(article), directory)}
    assert keys == {"TWSE:2330", "TW:7854"}


def test_tables_grown_for_a_new_generation_equal_tables_built_anew() -> None:
    directory = build_directory()
    tokens = ["台積電", "晶研", "晶研創新", "lg", "LG", "化学", "Acme", "acme", "是", "中国"]
    tokens += ["晶", "晶研创", "晶研创新", "晶研创新公司", "韩国晶研创新", "晶研lg化学"]
    tokens += ["ACMEROBOTICS", "AcmeRobotics", "acmerobotics公司", "台积电公司债", "Acme-Robotics"]
    grown = directory.derived("mentions", MentionIndex)
    grown.classify(tokens)
    learned = (
        Company("TW:7854", "晶研創新", ("晶研LG化學",), "7854", "TW", source="learned"),
        Company("US:ACME", "ACMEROBOTICS", (), "ACME", "US", source="learned"),
        Company("TWSE:2330", "台積電", ("台積電公司",), "2330", "TWSE"),
        Company("name:Acme Robotics", "Acme Robotics", (), source="learned"),
    )
    kept = 0
    for company in learned:
        before = grown
        directory.add(company)
        grown = directory.derived("mentions", MentionIndex)
        kept += grown.seen is before.seen
        built = MentionIndex(directory)
        grown.classify(tokens)
        built.classify(tokens)
        assert grown.prefixes == built.prefixes
        assert grown.starts == built.starts
        assert grown.mixed_by_run == built.mixed_by_run
        assert grown.named == built.named
        assert grown.relevant == built.relevant
        assert grown.phrase_words == built.phrase_words
    assert kept == len(learned)
    assert {"晶研创新公司", "韩国晶研创新", "AcmeRobotics", "acmerobotics公司"} <= grown.named
    assert {"acme", "Acme"} <= grown.phrase_words


def _random_texts(seed: int, pieces: list[str], shapes: list[str]) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(20000):
        parts: list[str] = []
        while len(parts) < rng.randint(1, 14):
            parts.append(rng.choice(shapes) if rng.random() < 0.3 else rng.choice(pieces))
        texts.append("".join(parts))
    return texts


def test_names_with_parens_match_the_pattern(units) -> None:
    pieces = [
        *"台積電鴻海公司的與集團（）() \u3000\n\t\x85\xa0AaZ19-,，。",
        "\u3400",
        "\u9fff",
        "\u33ff",
        "\ua000",
        "台" * 15,
        " " * 70,
        "x" * 49,
    ]
    shapes = ["台積電 (TSMC)", "輝達（NVDA）", "萊納斯稀土公司(Lynas Rare Earths)", "( 5274 )"]
    texts = [text for text, _ in units] + _random_texts(5, pieces, shapes)
    found = 0
    for text in texts:
        expected = [(m["zh"], m["other"]) for m in NAME_WITH_PARENS.finditer(text)]
        found += bool(expected)
        assert list(names_with_parens(text)) == expected, text
    assert found > 1000


def test_names_before_codes_match_the_pattern(units) -> None:
    pieces = [
        *"台積電鴻海 \u3000\t\n-－KYkS0123456789５.,%",
        "\u3400",
        "\u9fff",
        "\u33ff",
        "１２",
        "台" * 13,
        "2330",
        "123456",
        "1234567",
    ]
    shapes = ["台積電2330", "譜瑞-KY 4966", "鴻海KY2317", "聯發科 2454", "年增2024.5"]
    texts = [text for text, _ in units] + _random_texts(7, pieces, shapes)
    found = 0
    for text in texts:
        expected = [
            (m["name"], m["code"], m.start(), m.end()) for m in NAME_BEFORE_CODE.finditer(text)
        ]
        found += bool(expected)
        assert list(names_before_codes(text)) == expected, text
    assert found > 1000


def test_codes_before_names_match_the_pattern(units) -> None:
    pieces = [
        *"台積電鴻海 \u3000\t\n-－.TWOKYa_,，%0123456789５",
        "年",
        "億",
        "2330",
        "1234567",
        "台" * 13,
    ]
    shapes = ["2330 台積電", "\n2454聯發科技：", "6488-TWO 環球晶", "0050.TW 元大", "10050年"]
    texts = [text for text, _ in units] + _random_texts(11, pieces, shapes)
    found = 0
    for text in texts:
        expected = [m.span() for m in CODE_BEFORE_NAME.finditer(text)]
        found += bool(expected)
        assert [m.span() for m in codes_before_names(text)] == expected, text
    assert found > 1000


_OLD_PAREN_GAP = re.compile(r"\s*(?:[*＊]?\s*[-－]?\s*KY創?|[-－]創|[*＊])?\s*$")
_OLD_LEAD_IN = re.compile(r"[\u3400-\u9fff]{1,14}$|[A-Za-z][A-Za-z0-9&.,' -]{0,40}$")


def _plain_lead_in(text: str, end: int) -> str:
    """``lead_in`` as it was: both patterns searched from the first character."""
    before = text[max(0, end - 48) : end]
    gap = _OLD_PAREN_GAP.search(before)
    before = before[: gap.start()] if gap else before
    match = _OLD_LEAD_IN.search(before)
    return match.group().strip() if match else ""


def test_lead_in_matches_the_plain_search(units) -> None:
    pieces = [
        *"台積電鴻海 \u3000\t\n\x85\xa0*＊-－KY創ky&.,' AaZz09５(（",
        "\u3400",
        "\u9fff",
        "\u33ff",
        "\ua000",
        "台" * 15,
        "Corp " * 9,
        " " * 50,
        "-KY",
        "* - KY創",
    ]
    shapes = ["譜瑞-KY ", "CoreWeave", "晶片廠譜瑞*KY創 ", "including NVIDIA Corp."]
    texts = [text for text, _ in units] + _random_texts(19, pieces, shapes)
    found = 0
    for text in texts:
        for end in range(len(text) + 1):
            expected = _plain_lead_in(text, end)
            found += bool(expected)
            assert lead_in(text, end) == expected, (text, end)
    assert found > 10000


def _plain_phrase_hits(
    text: str, tokens: list[str], directory: CompanyDirectory, index: MentionIndex
) -> list[tuple[str, int, int]]:
    """``_phrase_hits`` as it was: every candidate's pattern searched."""
    if tokens and not text.isascii():
        if index.phrase_words.isdisjoint(tokens):
            return []
        lowered = {t.lower() for t in tokens if t.isascii()}
        candidates = [
            p for first in lowered & directory.phrases.keys() for p in directory.phrases[first]
        ]
    else:
        lowered_text = text.lower()
        candidates = [
            p
            for first, labels in directory.phrases.items()
            if first in lowered_text
            for p in labels
        ]
    out = []
    for label, key in candidates:
        match = phrase_pattern(label).search(text)
        if match:
            out.append((key, match.start(), match.end()))
    return out


def _written_variants(label: str, rng: random.Random) -> str:
    """A name as a writer may print it: any case, hyphens as spaces or dropped, the
    letters ``re.IGNORECASE`` pairs with ASCII ones (ı, İ, ſ, the Kelvin sign)."""
    twins = {"i": "ıİ", "s": "ſ", "k": "\u212a"}
    out = []
    for ch in label:
        r = rng.random()
        if ch == "-" and r < 0.5:
            out.append(rng.choice(("", " ", "\u3000", "--")))
        elif ch.lower() in twins and r < 0.15:
            out.append(rng.choice(twins[ch.lower()]))
        elif ch == " " and r < 0.3:
            out.append(rng.choice(("  ", "\t", "\u00a0", "")))
        else:
            out.append(ch.upper() if r < 0.3 else ch.lower() if r < 0.6 else ch)
    return "".join(out)


def test_phrase_hits_match_the_plain_search(directory, units) -> None:
    index = MentionIndex(directory)
    rng = random.Random(23)
    labels = sorted(label for ps in directory.phrases.values() for label, _ in ps)
    cases = list(units)
    for _ in range(4000):
        names = [_written_variants(rng.choice(labels), rng) for _ in range(rng.randint(1, 3))]
        text = "與".join(names) + rng.choice(("", "公司", "。", "Inc"))
        cases.append((text, []))
        cases.append((text, [t for name in names for t in name.split()]))
    found = 0
    for text, tokens in cases:
        index.classify(tokens)
        expected = _plain_phrase_hits(text, tokens, directory, index)
        found += bool(expected)
        assert _phrase_hits(text, tokens, directory, index) == expected, text
    assert found > 2000


def _plain_find_mentions(analysis, directory: CompanyDirectory) -> list[Mention]:
    """``find_mentions`` as it was: every finder run on every sentence."""
    found: dict[tuple[str, int, str], None] = {}
    doubtful: list[Mention] = []
    confirmed: set[str] = set()
    units = [(-1, analysis.article.title, analysis.title_tokens)]
    units += [(s.section, s.text, s.tokens) for sec in analysis.sections for s in sec.sentences]
    index = MentionIndex(directory)
    for _, _, tokens in units:
        index.classify(tokens)
    for section, text, tokens in units:
        cited, hits = _ticker_hits(text, directory)
        phrases = _phrase_hits(text, tokens, directory, index)
        phrases = phrases + _mixed_hits(text, directory, index)
        for alias, compound, crossed in token_aliases(tokens, directory, index):
            labels = directory.exact_case.get(alias)
            if labels and not any(_has_latin_word(text, label) for label in labels):
                continue
            if not compound and _inside_phrases(alias, text, phrases):
                continue
            key = _pick(directory.by_alias[alias], directory)
            if key in cited or (compound and alias not in directory.ambiguous):
                hits.append((key, CERTAIN))
            elif alias in directory.ambiguous or crossed or _bare_acronym(alias, text):
                hits.append((key, AMBIGUOUS))
            elif alias in directory.weak:
                hits.append((key, WEAK))
            else:
                hits.append((key, CERTAIN))
        hits.extend((key, CERTAIN) for key, _, _ in phrases)
        hits.extend((key, CERTAIN) for key in _ky_names(text, directory))
        hits.extend((key, CERTAIN) for key in _accented_names(text, directory))
        sure = {key for key, level in hits if level == CERTAIN}
        for key, level in hits:
            if level == CERTAIN or (level == WEAK and sure - {key}):
                confirmed.add(key)
                found[(key, section, text)] = None
            elif level == AMBIGUOUS:
                doubtful.append(Mention(key, section, text))
    for mention in doubtful:
        if mention.company_key in confirmed:
            found[(mention.company_key, mention.section, mention.sentence)] = None
    return [Mention(*k) for k in found]


def test_find_mentions_matches_every_finder_on_every_sentence(directory) -> None:
    """The finders a sentence is spared (no letter, no ticker mark, no phrase word, no
    place on its tokens) would have found nothing in it."""
    alone = [
        "定期定額買00878與0050。",
        "他說去年買進(NVDA-US)與(2330-TW)，又買了（6488.TWO）。",
        "歐洲的Ørsted與Nestlé，日本的Shin-Etsu，澳洲的Lynas Rare Earths。",
        "新創公司晶研創新(7854)與譜瑞＊KY都在名單上。",
    ]
    articles = [Article("測試", (Section("", (text,)),), "t", "text") for text in EXTRA + alone]
    articles.append(
        Article(
            "ASCII title only",
            (Section("", ("", "2330", "ｋ", "...", "台積電", "7-Eleven 與 7 Eleven")),),
            "t",
            "text",
        )
    )
    for folder in (FIXTURES / "dev_articles", FIXTURES / "sectors", DEMO_DUMPS):
        for path in sorted(folder.glob("*.txt")):
            articles += load(str(path)).articles
    named = 0
    for article in articles:
        analysis = analyze(article)
        expected = _plain_find_mentions(analysis, directory)
        named += len(expected)
        assert find_mentions(analysis, directory) == expected, article.title
    assert named > 150


def test_find_mentions_runs_each_finder_where_it_alone_finds_a_name() -> None:
    """Sentences in which one finder alone names a company: a mixed-script name (a
    letter, no token place), a name of digits and spaces (a phrase word, no letter),
    a name with diacritics (cut apart by the segmenter)."""
    directory = CompanyDirectory()
    directory.add(Company("KRX:051910", "LG化學", (), "051910", "KRX"))
    directory.add(Company("US:SEVEN", "7 11", (), "SEVN", "US"))
    directory.add(Company("TWSE:2330", "台積電", (), "2330", "TWSE"))
    directory.add(Company("name:Ørsted", "Ørsted"))
    texts = ["LG化學擴產。", "他說買7 11的人多。", "台積電擴產。", "丹麥的Ørsted擴產。", "天氣好。"]
    article = Article("測試", (Section("", tuple(texts)),), "t", "text")
    analysis = analyze(article)
    found = find_mentions(analysis, directory)
    assert found == _plain_find_mentions(analysis, directory)
    keys = {m.company_key for m in found}
    assert keys == {"KRX:051910", "US:SEVEN", "TWSE:2330", "name:Ørsted"}


def _plain_touched(aliases: list[str], firsts: set[str], seen: tuple[str, ...]) -> set[str]:
    """``_touched`` as it was: each test a generator over ``seen``."""
    touched: set[str] = set()
    if firsts:
        touched.update(t for t in seen if t.isascii() and t.lower() in firsts)
    for alias in aliases:
        touched.update(alias[:end] for end in range(1, len(alias)))
        touched.update(token for token in seen if alias in token)
        if alias.isascii():
            touched.update(token for token in seen if token.isascii() and token.lower() == alias)
    return touched


def test_touched_matches_the_plain_scan(units) -> None:
    rng = random.Random(29)
    pool = sorted({t for _, tokens in units for t in tokens} | {"ACME", "Acme", "\u212aLA", "kla"})
    for _ in range(200):
        seen = tuple(rng.sample(pool, min(len(pool), 400)))
        aliases = [rng.choice(pool).lower() for _ in range(rng.randint(0, 3))] + ["kla"]
        firsts = {rng.choice(pool).lower() for _ in range(rng.randint(0, 2))} | {"acme"}
        for chosen in (aliases, aliases[:0]):
            for heads in (firsts, set()):
                assert _touched(chosen, heads, seen) == _plain_touched(chosen, heads, seen)


def test_name_patterns_kept_between_runs_equal_compiled_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phrase and word patterns built from names come from regexcache.compile_data's own
    file in a later process: each equals re.compile's (source, flags and code)."""
    from digests import regexcache

    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regexcache._NAMES, "entries", None)
    monkeypatch.setattr(regexcache._NAMES, "added", 0)
    monkeypatch.setattr(regexcache.atexit, "register", lambda fn: None)
    labels = ["Shin-Etsu Chemical", "GE Vernova", "Lynas Rare Earths", "AT&T", "S&P Global"]
    sources = [
        (rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", flags)
        for w in ("AMD", "Coherent", "GIS")
        for flags in (0, int(re.IGNORECASE))
    ]
    first = [regexcache.compile_data(s, f) for s, f in sources]
    regexcache._NAMES.save()
    assert len(list(tmp_path.glob("names-regex-*.marshal"))) == 1
    assert not list(tmp_path.glob("regex-*.marshal"))  # the module patterns' file is apart
    monkeypatch.setattr(regexcache._NAMES, "entries", None)
    monkeypatch.setattr(regexcache._NAMES, "added", 0)
    again = [regexcache.compile_data(s, f) for s, f in sources]
    assert regexcache._NAMES.added == 0  # every one came from the file
    for (source, flags), one, two in zip(sources, first, again, strict=True):
        assert one == two == re.compile(source, flags)
    for label in labels:
        pattern = phrase_pattern(label)
        assert pattern == re.compile(pattern.pattern, re.IGNORECASE)


def test_refs_named_later_equal_refs_named_at_once(units) -> None:
    """``ticker_refs(text, names=False)`` then :func:`with_name` gives each citation as
    ``ticker_refs(text)`` does, for sentences and for whole texts (alias learning reads
    an article's text at once)."""
    from digests.tickers import ticker_refs, with_name

    texts = [text for text, _ in units]
    texts += ["\n".join(texts[i : i + 40]) for i in range(0, len(texts), 40)]
    seen = 0
    for text in texts:
        named = list(ticker_refs(text))
        later = [with_name(ref, text) for ref in ticker_refs(text, names=False)]
        assert later == named, text
        seen += sum(ref.form == "paren" and bool(ref.name) for ref in named)
    assert seen > 50
