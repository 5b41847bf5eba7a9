"""ETFs (0050, 00878, 006208, 00919…) are securities readers hold and ask about.

The twstock tables list them with type ETF and no exchange industry; they are in the
company directory, found by code or name, and their codes count in running text even
without the name beside them (only ETF codes start with 00).  The sentences are
written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.summarize import digest_article
from digests.tickers import etf_codes
from store import open_db
from store.articles import save_article
from store.reference import sync_reference


def _names(text: str) -> set[str]:
    lexicon = default_lexicon()
    article = digest_article(Article("ETF觀察", (Section("", (text,)),), "t", "text"), lexicon)
    return {lexicon.directory.get(m.company_key).name for m in article.mentions}


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("0050", "元大台灣50"),
        ("00878", "國泰永續高股息"),
        ("006208", "富邦台50"),
        ("00919", "群益台灣精選高息"),
        ("元大台灣50", "元大台灣50"),
        ("國泰永續高股息", "國泰永續高股息"),
        ("00679b", "元大美債20年"),  # bond ETFs on TPEx, any case
    ],
)
def test_etfs_resolve_by_code_and_name(query: str, name: str) -> None:
    company = default_lexicon().directory.lookup(query)
    assert company is not None and company.name == name
    assert company.industry is None  # no exchange industry for a fund


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "元大台灣50(0050)與國泰永續高股息(00878)是存股族的最愛。",
            {"元大台灣50", "國泰永續高股息"},
        ),
        ("群益台灣精選高息（00919）的配息率受到矚目。", {"群益台灣精選高息"}),
        ("與其買0050，不如買費用率較低的006208。", {"元大台灣50", "富邦台50"}),
        ("小資族定期定額00878已經超過三年。", {"國泰永續高股息"}),
        ("今年(2025)台股大漲，台積電(2330)貢獻最多。", {"台積電"}),
        ("客服電話02-2700-0050，倍數1.0050，金額10050元。", set()),
    ],
)
def test_etf_mentions_by_code_alone(text: str, names: set[str]) -> None:
    assert _names(text) == names


def test_etf_codes_are_told_from_numbers() -> None:
    found = [code for code, _, _ in etf_codes("買0050, 0056與00878；0050正2不是0050；00679B")]
    assert found == ["0050", "0056", "00878", "0050", "00679B"]
    assert not list(etf_codes("2330、10050、0.0050、0050%、0050,000元"))


@pytest.fixture(scope="module")
def etf_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("etf") / "etf.db"
    db = open_db(path)
    lexicon = default_lexicon()
    sync_reference(db, lexicon)
    article = Article(
        "高股息ETF的配息季",
        (
            Section(
                "",
                (
                    "國泰永續高股息（00878）本季每單位配息0.5元，年化殖利率約7%。"
                    "受益人數已突破百萬，是國內規模成長最快的ETF之一。",
                ),
            ),
            Section(
                "市值型的選擇",
                ("長期投資人仍偏好0050與006208，兩者追蹤同一指數，費用率則有差距。",),
            ),
        ),
        "test",
        "text",
    )
    save_article(db, digest_article(article, lexicon))
    db.close()
    return path


def test_cli_company_answers_for_an_etf(capsys, etf_store: Path) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(etf_store), "company", "00878"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("國泰永續高股息 (TWSE:00878, ETF)")
    assert "1 article names it" in out  # not "1 articles"
    assert main(["--db", str(etf_store), "company", "聯發科"]) == 0
    out = capsys.readouterr().out  # none: said once, not again as "0 articles name it"
    assert "no stored article names this company yet" in out and "0 articles" not in out
    assert main(["--db", str(etf_store), "company", "元大台灣50", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["company"]["ticker"] == "0050" and data["company"]["market"] == "TWSE"
    assert [m["title"] for m in data["mentions"]] == ["高股息ETF的配息季"]


def test_bot_company_answers_for_an_etf(etf_store: Path, tmp_path: Path) -> None:
    import shutil

    from bot.loopback import FakeChat, FakeUser
    from tests.bot_harness import BotHarness, texts

    path = tmp_path / "bot.db"
    shutil.copy(etf_store, path)
    reader = FakeUser(id=701, first_name="Reader", username="reader", language_code="zh-hant")
    chat = FakeChat(id=701, type="private")
    with BotHarness(path) as bot:
        reply = "\n".join(texts(bot.send(chat, reader, "/company 0050")))
        assert "元大台灣50" in reply and "高股息ETF的配息季" in reply
        plain = "\n".join(texts(bot.send(chat, reader, "國泰永續高股息")))
        assert "國泰永續高股息" in plain and "配息" in plain
