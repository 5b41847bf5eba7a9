"""Company directory: resolution across scripts and tickers, learned aliases, boundaries."""

from __future__ import annotations

import pytest

from digests.aliases import learn_aliases, trim_chinese_name
from digests.analysis import analyze
from digests.lexicon import build_lexicon
from digests.mentions import find_mentions
from digests.models import Article, Section
from digests.resolve import resolve_company
from digests.summarize import digest_article


@pytest.fixture(scope="module")
def directory():
    """A directory of its own, built from the data files alone.

    Not ``default_lexicon()``: that one is shared by the whole test process, and
    ``digest_article(article)`` learns every alias an article introduces into it (the
    seed page of test_summarize teaches 萊納斯稀土 = 萊納斯).  ``learn_aliases`` only
    reports what the directory does not know yet, so what these tests expect would
    depend on which tests ran before them.
    """
    return build_lexicon().directory


def _names(text: str, directory) -> set[str]:
    article = Article("測試", (Section("", (text,)),), "t", "text")
    return {directory.get(m.company_key).name for m in find_mentions(analyze(article), directory)}


@pytest.mark.parametrize(
    "query", ["台積電", "台积电", "臺積電", "TSMC", "tsmc", "ＴＳＭＣ", "2330", " 台積電 "]
)
def test_tsmc_in_any_script_width_case_or_ticker(directory, query: str) -> None:
    assert resolve_company(directory, query).match.key == "TWSE:2330"


@pytest.mark.parametrize("query", ["輝達", "英伟达", "英偉達", "NVIDIA", "nvda", "NVDA"])
def test_nvidia_aliases(directory, query: str) -> None:
    assert resolve_company(directory, query).match.name == "輝達"


def test_prefix_resolves_unique_company(directory) -> None:
    assert resolve_company(directory, "台積").match.name == "台積電"


def test_unknown_name_gets_suggestions(directory) -> None:
    result = resolve_company(directory, "Blackrok")
    assert result.match is None
    assert "貝萊德" in result.suggestions
    # Only what is close: no 立益物流 for 日立-like near-misses, nothing for gibberish.
    assert resolve_company(directory, "zzqx").suggestions == []
    assert resolve_company(directory, "鴻海精蜜").suggestions == ["鴻海"]


def test_twstock_listed_stocks_only(directory) -> None:
    # Stocks and ETFs are in the directory; warrants (not 股票 or ETF in twstock) are not.
    assert directory.by_code("2317").name == "鴻海"
    assert directory.by_code("0050").name == "元大台灣50"
    assert directory.by_code("700001") is None


def test_learned_aliases(directory) -> None:
    text = (
        "澳洲的萊納斯稀土公司(Lynas Rare Earths)擴大產能,約華爾街的貝萊德(BlackRock)也加碼。"
        "新創公司晶馳科技(Jingchi Technology)獲得投資,國際能源署(IEA)與儲能系統(ESS)不是公司。"
        "台積電(2330)持續擴產。"
    )
    learned = {(item.alias, item.company.name) for item in learn_aliases(text, directory)}
    assert ("萊納斯稀土", "萊納斯") in learned
    assert ("晶馳科技", "晶馳科技") in learned
    assert ("Jingchi Technology", "晶馳科技") in learned
    aliases = {alias for alias, _ in learned}
    assert not aliases & {"IEA", "ESS", "國際能源署", "儲能系統", "約華爾街的貝萊德"}


def test_learned_alias_is_reported_once() -> None:
    """What made test_learned_aliases depend on test order: once a lexicon has learned
    an alias (``digest_article`` learns into the lexicon it is given, the process-wide
    default when none), the alias resolves and ``learn_aliases`` no longer reports it."""
    lexicon = build_lexicon()
    text = "澳洲的萊納斯稀土公司(Lynas Rare Earths)擴大產能。"
    assert {item.alias for item in learn_aliases(text, lexicon.directory)} == {"萊納斯稀土"}
    digest_article(Article("測試", (Section("", (text,)),), "t", "text"), lexicon)
    assert lexicon.directory.lookup("萊納斯稀土").name == "萊納斯"
    assert not learn_aliases(text, lexicon.directory)


def test_trim_chinese_name() -> None:
    assert trim_chinese_name("約華爾街的貝萊德") == "貝萊德"
    assert trim_chinese_name("晶片巨頭輝達") == "輝達"
    assert trim_chinese_name("美國地質調查局") is None


def test_mentions_match_whole_words_only(directory) -> None:
    assert "鴻海" not in _names("這家飛鴻海報設計公司的作品很受歡迎。", directory)
    assert "鴻海" in _names("台積電與鴻海擴大合作。", directory)
    assert "東元" in _names("東元電機公布第三季財報。", directory)


def test_common_word_names_need_corroboration(directory) -> None:
    assert "統一" not in _names("業界希望統一規格,降低成本。", directory)
    assert "統一" in _names("統一(1216)公布上月營收。", directory)
    assert not _names("全球綠電需求大增,市場供不應求。", directory)


def test_short_listed_names_count_beside_peers(directory) -> None:
    names = _names("散熱族群如奇鋐、雙鴻與力致都受惠。", directory)
    assert {"奇鋐", "雙鴻", "力致"} <= names


def test_mentions_keep_the_sentence(directory) -> None:
    article = Article(
        "測試",
        (Section("市場", ("前一句沒有公司。星巴克在中國展店放緩。後一句。",)),),
        "t",
        "text",
    )
    [mention] = find_mentions(analyze(article), directory)
    assert mention.sentence == "星巴克在中國展店放緩。"
    assert mention.section == 0


class _FallingCounts(dict[str, int]):
    """Word counts that only fall, as jieba's general counts do when words are taught."""

    never_rises = True
    asked = 0

    def get(self, key: str, default: int = 0) -> int:  # type: ignore[override]
        self.asked += 1
        return super().get(key, default)


def test_ambiguity_marked_again_after_learning_equals_marking_afresh() -> None:
    """mark_ambiguous looks up only new and formerly ambiguous aliases when the counts
    never rise: the marks equal those a full pass over every alias gives, through
    learned names (new aliases, aliases joining a curated company) and counts that
    fall to 0."""
    import random

    from digests.companies import Company
    from digests.directory_sources import build_directory

    rng = random.Random(7)
    directory = build_directory()
    chinese = [a for a in directory.by_alias if not a.isascii()]
    counts = _FallingCounts({a: rng.choice((0,) * 8 + (10, 40, 500, 3000)) for a in chinese})
    directory.mark_ambiguous(counts)
    curated = [c for c in directory.companies.values() if c.source == "curated"]
    for step in range(6):
        new = [f"新名{step}{i}字" for i in range(3)] + [f"新{step}"]
        for word in new:
            counts[word] = rng.choice((0, 40, 3000))
        directory.add(Company(f"name:learned{step}", new[0], tuple(new[1:]), source="learned"))
        # A learned alias of a curated company makes that name curated (threshold rises).
        taken = rng.choice(chinese)
        directory.add(Company(curated[step].key, taken, (), source="learned"))
        for word in rng.sample(sorted(counts), 40):
            counts[word] = 0  # taught: its general count falls to 0
        counts.asked = 0
        directory.mark_ambiguous(counts)
        assert 0 < counts.asked < len(chinese) // 3  # the new and the ambiguous only
        plain = build_directory()
        plain.companies, plain.by_alias = directory.companies, directory.by_alias
        plain.mark_ambiguous(dict(counts))  # a plain dict: every alias looked up
        assert directory.ambiguous == plain.ambiguous
        assert directory.weak == plain.weak
