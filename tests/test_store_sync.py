"""store.db.deferred_sync: commits inside skip their fsync, yet each survives a crash of
the process, the setting is restored, and ingest syncs before it reports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from store import open_db
from store.db import deferred_sync

ROOT = Path(__file__).resolve().parent.parent


def _synchronous(db: object) -> int:
    return int(db.conn.execute("PRAGMA synchronous").fetchone()[0])  # type: ignore[attr-defined]


def test_normal_inside_and_the_previous_setting_after(db_path: Path) -> None:
    db = open_db(db_path)
    before = _synchronous(db)
    assert before == 2  # FULL: every other commit of the store syncs, as before
    with deferred_sync(db):
        assert _synchronous(db) == 1
    assert _synchronous(db) == before
    try:
        with deferred_sync(db):
            raise KeyError("x")
    except KeyError:
        pass
    assert _synchronous(db) == before


def test_nothing_changes_outside_wal_mode() -> None:
    db = open_db(":memory:")
    before = _synchronous(db)
    with deferred_sync(db):
        assert _synchronous(db) == before


def test_a_commit_inside_survives_the_process_being_killed(db_path: Path) -> None:
    code = (
        "import os, signal, sys\n"
        "from store import open_db\n"
        "from store.db import deferred_sync\n"
        "db = open_db(sys.argv[1])\n"
        "db.execute('CREATE TABLE t (v TEXT)')\n"
        "with deferred_sync(db):\n"
        "    with db.atomic():\n"
        "        db.execute(\"INSERT INTO t VALUES ('kept')\")\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(db_path)],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert run.returncode == -signal.SIGKILL
    db = open_db(db_path)
    assert [r[0] for r in db.conn.execute("SELECT v FROM t")] == ["kept"]


def test_ingest_stores_under_deferred_sync_and_logs_with_full(
    db_path: Path, fixtures: Path, monkeypatch
) -> None:
    """Articles are saved with syncs deferred; the ingestion log that follows, and
    anything after ingest, commits with FULL again (that commit syncs the batch)."""
    import bot.ingest.orchestrate as orchestrate

    seen: list[tuple[str, int]] = []
    save, log = orchestrate.save_article, orchestrate.log_ingestion

    def saving(db, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(("save", _synchronous(db)))
        return save(db, *args, **kwargs)

    def logging_(db, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(("log", _synchronous(db)))
        return log(db, *args, **kwargs)

    monkeypatch.setattr(orchestrate, "save_article", saving)
    monkeypatch.setattr(orchestrate, "log_ingestion", logging_)
    db = open_db(db_path)
    source = sorted((fixtures / "dev_articles").glob("*.txt"))[0]
    [result] = orchestrate.ingest_all(db, [str(source)])
    assert result.ok and result.new
    assert ("save", 1) in seen and ("log", 2) in seen
    assert {mode for kind, mode in seen if kind == "log"} == {2}
    assert _synchronous(db) == 2


def test_the_same_text_gains_its_publication_date(db_path: Path) -> None:
    """save_article's read of the stored row (plain sqlite3 now): an unchanged article
    that now carries a date gets it; one without a date keeps the stored one."""
    from dataclasses import replace

    from digests.summarize import digest_article
    from store.articles import get_article, save_article
    from tests.test_store import _article, _db

    db = _db(db_path)
    undated = replace(_article(url="https://example.com/d"), published=None)
    first = save_article(db, digest_article(undated))
    again = save_article(db, digest_article(_article(url="https://example.com/d")))
    assert (first.status, again.status) == ("new", "unchanged")
    assert first.article_id == again.article_id
    detail = get_article(db, first.article_id)
    assert detail is not None and detail.article.published == "2025-06-01T08:00:00+00:00"
    kept = save_article(db, digest_article(undated))
    assert kept.status == "unchanged"
    detail = get_article(db, first.article_id)
    assert detail is not None and detail.article.published == "2025-06-01T08:00:00+00:00"
