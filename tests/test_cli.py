"""The ``briefbot`` command line: ingest, articles, digest, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import PAGEDUMPS, ROOT


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _empty_store(path: Path) -> None:
    from store import open_db

    open_db(path).close()


def test_ingest_mixed_sources_one_bad(
    capsys, db_path: Path, fixtures: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, out, _ = run(
        capsys,
        "--db",
        str(db_path),
        "ingest",
        str(PAGEDUMPS / "dump_c.txt"),
        str(fixtures / "feeds" / "expected.json"),  # JSON, not a feed: refused
        str(empty),
        "/no/such/file.txt",
        str(fixtures / "feeds" / "rss.xml"),
        str(fixtures / "html" / "article.html"),
    )
    lines = out.strip().splitlines()
    assert code == 1
    assert len(lines) == 7
    assert lines[0].startswith("ok") and "3 articles" in lines[0]
    assert lines[1].startswith("error") and "expected.json: looks like JSON" in lines[1]
    assert lines[2].startswith("error") and "empty" in lines[2]
    assert lines[3].startswith("error") and "no such file" in lines[3]
    assert lines[4].startswith("ok") and "3 articles" in lines[4]
    assert lines[5].startswith("ok") and "1 article " in lines[5]
    assert lines[6].startswith("total: 6 sources, 3 ok, 3 failed; 7 articles")
    assert "Traceback" not in out


def test_ingest_twice_is_idempotent(capsys, db_path: Path, fixtures: Path) -> None:
    source = str(fixtures / "feeds" / "atom.xml")
    assert run(capsys, "--db", str(db_path), "ingest", source)[0] == 0
    code, out, _ = run(capsys, "--db", str(db_path), "ingest", source)
    assert code == 0
    assert "0 new, 0 updated, 2 unchanged" in out
    _, out, _ = run(capsys, "--db", str(db_path), "articles", "--json")
    assert len(json.loads(out)) == 2


def test_articles_and_digest_json(capsys, db_path: Path, fixtures: Path) -> None:
    run(capsys, "ingest", "--db", str(db_path), str(fixtures / "html" / "article.html"))
    code, out, _ = run(capsys, "articles", "--json", "--db", str(db_path))
    assert code == 0
    [row] = json.loads(out)
    assert {"id", "title", "url", "published", "source", "sections", "summary", "keywords"} <= set(
        row
    )
    assert row["url"] == "https://example.com/analysis/ai-cooling"
    assert row["published"] == "2025-06-18T09:30:00+08:00"
    assert row["sections"] == 5
    assert isinstance(row["summary"], list) and row["summary"]
    code, out, _ = run(capsys, "--db", str(db_path), "digest", str(row["id"]), "--json")
    assert code == 0
    digest = json.loads(out)
    assert {"id", "title", "url", "published", "summary", "keywords", "key_figures"} <= set(digest)
    assert digest["sections"][0]["heading"] == ""
    assert all({"heading", "digest", "keywords"} == set(s) for s in digest["sections"])


def test_digest_unknown_id(capsys, db_path: Path) -> None:
    _empty_store(db_path)
    code, _, err = run(capsys, "--db", str(db_path), "digest", "42")
    assert code == 3
    assert "no article with id 42" in err


def test_usage_errors_exit_2(capsys, db_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db_path), "ingest"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_db_from_environment(capsys, tmp_path: Path, fixtures: Path, monkeypatch) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("BRIEFBOT_DB", str(target))
    assert run(capsys, "ingest", str(fixtures / "feeds" / "atom.xml"))[0] == 0
    assert target.exists()


def test_console_script_runs_as_a_process(db_path: Path, fixtures: Path) -> None:
    """The real entry point, in a subprocess: no traceback on bad input, exit code 1."""
    env = {**os.environ, "BRIEFBOT_DB": str(db_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", str(fixtures / "feeds" / "expected.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "looks like JSON" in proc.stdout


def test_seed_page_ingest(capsys, db_path: Path, corpus_path: Path) -> None:
    code, out, _ = run(capsys, "--db", str(db_path), "ingest", str(corpus_path))
    assert code == 0
    assert "10 articles (10 new" in out
    _, out, _ = run(capsys, "--db", str(db_path), "articles", "--json")
    assert len(json.loads(out)) == 10


def test_run_without_token_exits_2(capsys, monkeypatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and len(err.strip().splitlines()) == 1


def test_run_with_bad_setting_exits_2(capsys, monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("BRIEFBOT_TZ", "Mars/Olympus")
    assert main(["run"]) == 2
    assert "BRIEFBOT_TZ" in capsys.readouterr().err


def test_demo_is_a_working_chat(tmp_path) -> None:
    """The offline demo: typed lines go to the bot, replies come back as text."""
    from bot.cli.demo import run_demo

    lines: list[str] = []
    script = "/subscribe 散熱\n/company 英伟达\n/topics\n1\n/quit\n"
    import io

    assert run_demo(stdin=io.StringIO(script), out=lines.append) == 0
    output = "\n".join(lines)
    assert "歡迎使用" in output
    assert "已訂閱「散熱」" in output
    assert "輝達(NASDAQ:NVDA)" in output
    assert "ⓘ 已訂閱 半導體" in output
    assert "Bot API refused" not in output


def test_demo_greeting_suggests_what_the_samples_answer() -> None:
    """Each /company and /sector the greeting suggests finds the demo's own articles."""
    import io
    import re

    from bot.cli.demo import run_demo

    greeting: list[str] = []
    run_demo(stdin=io.StringIO(""), out=greeting.append)
    suggested = re.findall(r"/(company|sector) ([^,;]+)", "\n".join(greeting))
    assert {kind for kind, _ in suggested} == {"company", "sector"}
    script = "".join(f"/{kind} {name}\n" for kind, name in suggested) + "/quit\n"
    lines: list[str] = []
    assert run_demo(stdin=io.StringIO(script), out=lines.append) == 0
    output = "\n".join(lines)
    assert "找不到" not in output and "還沒有" not in output
    assert re.search(r" /a\d+", output)  # answers cite the sample articles, one tap each


def test_ill_formed_feed_is_read_with_a_warning(capsys, db_path: Path, fixtures: Path) -> None:
    """feedparser's lenient entries are stored; the source's line and the log say why."""
    code, out, _ = run(
        capsys, "--db", str(db_path), "ingest", str(fixtures / "feeds" / "broken.xml")
    )
    line = out.splitlines()[0]
    assert code == 0
    assert line.startswith("ok") and "2 articles" in line
    assert "warning: ill-formed feed XML" in line
    from store import open_db
    from store.ingestions import recent_ingestions

    db = open_db(db_path)
    [logged] = recent_ingestions(db, limit=1)
    assert logged.warnings and "ill-formed feed XML" in logged.warnings


def test_source_names_lose_invisible_characters(capsys, db_path: Path, tmp_path: Path) -> None:
    sneaky = tmp_path / "report\u202etxt.json"
    sneaky.write_text('{"a": 1}', encoding="utf-8")
    code, out, _ = run(capsys, "--db", str(db_path), "ingest", str(sneaky))
    assert code == 1
    assert "\u202e" not in out
    assert "looks like JSON" in out


def test_demo_survives_stale_buttons_tickers_and_broken_pastes() -> None:
    """Stale presses, a number meant as a ticker and a paste cut mid-character never crash it."""
    import io

    from bot.cli.demo import run_demo, typed_text

    cut_paste = ("台積電" * 2000).encode("utf-8")[:17999].decode("utf-8", "surrogateescape")
    assert "\ufffd" in typed_text(cut_paste)
    script = f"/stop\n2\n1\n2330\n{cut_paste}\n/stats\n/quit\n"
    lines: list[str] = []
    assert run_demo(stdin=io.StringIO(script), out=lines.append) == 0
    output = "\n".join(lines)
    assert "已取消" in output
    assert "Traceback" not in output and "Bot API refused" not in output
    assert "cut to Telegram's limit" in output
    assert "文章：1" in output  # /stats (full-width colon): the demo user is an operator


def test_demo_help_says_where_its_store_is(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "temporary store of sample articles" in help_text
    assert "$BRIEFBOT_DB is ignored" in help_text


def test_topics_table_aligns_chinese_names(capsys, db_path: Path) -> None:
    from bot.cli.answers import display_width

    _empty_store(db_path)
    code, out, _ = run(capsys, "--db", str(db_path), "topics")
    assert code == 0
    counts_end_at = {display_width(line[: line.rindex(" ")]) for line in out.splitlines()}
    assert len(counts_end_at) == 1, out  # every count ends in the same terminal column


@pytest.mark.parametrize(
    "argv",
    [
        ["articles", "--limit", "0"],
        ["articles", "--limit", "-3"],
        ["ingest", "--workers", "0", "x.txt"],
        ["ingest", "--workers", "-5", "x.txt"],
        ["company", ""],
        ["sector", " "],
    ],
)
def test_impossible_arguments_are_usage_errors(capsys, db_path: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db_path), *argv])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_unsupported_url_scheme_is_named(capsys, db_path: Path) -> None:
    code, out, _ = run(capsys, "--db", str(db_path), "ingest", "ftp://example.com/report.txt")
    assert code == 1
    assert "ftp: URLs are not supported (only http and https)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["articles"],
        ["digest", "1"],
        ["topics"],
        ["company", "台積電"],
        ["sector", "半導體"],
        ["search", "台積電", "--json"],
    ],
)
def test_read_only_command_never_creates_a_database(
    capsys, tmp_path: Path, argv: list[str]
) -> None:
    """A mistyped --db is named, exit 2, and no empty store appears in its place."""
    mistyped = tmp_path / "brefbot.db"
    code, out, err = run(capsys, "--db", str(mistyped), *argv)
    assert code == 2
    assert f"no database at {mistyped}" in err and "--db" in err
    assert not out
    assert not list(tmp_path.iterdir())


def test_quiet_ingest_prints_only_what_needs_a_look(capsys, db_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        str(db_path),
        "ingest",
        "--quiet",
        str(PAGEDUMPS / "dump_c.txt"),
        "/no/such/file.txt",
    )
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error") and "no such file" in lines[0]
    code, out, _ = run(
        capsys, "--db", str(db_path), "ingest", "--quiet", str(PAGEDUMPS / "dump_c.txt")
    )
    assert code == 0 and out == ""


def test_ingest_collects_rarely_and_restores_the_collector(
    capsys, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``briefbot ingest`` runs under INGEST_GC_THRESHOLD and puts the thresholds back;
    a caller passing argv (not the program exiting next) gets nothing frozen."""
    import gc

    import bot.ingest.orchestrate as orchestrate
    from bot.cli.main import INGEST_GC_THRESHOLD

    seen: list[tuple[int, ...]] = []
    real = orchestrate.ingest_all

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(orchestrate, "ingest_all", spy)
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    code, _, _ = run(capsys, "--db", str(db_path), "ingest", str(PAGEDUMPS / "dump_c.txt"))
    assert code == 0
    assert seen == [INGEST_GC_THRESHOLD]
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
