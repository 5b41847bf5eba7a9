"""Store: migrations, WAL, idempotent upserts, atomic writes, Chinese full-text search."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.summarize import content_hash, digest_article, fingerprint
from digests.textproc import segment, to_simplified
from store import open_db
from store.articles import get_article, list_articles, save_article
from store.migrations import migrations
from store.reference import sync_reference

PARAGRAPH = (
    "台積電在高雄的先進製程新廠預計2026年量產,月產能約3萬片,"
    "將成為全球AI晶片供應鏈的關鍵據點。法人估計相關投資金額超過新台幣5000億元。"
)


def _article(
    title: str = "台積電高雄廠的量產時程", url: str | None = None, extra: str = ""
) -> Article:
    return Article(
        title=title,
        sections=(Section("", (PARAGRAPH,)), Section("供應鏈影響", (PARAGRAPH + extra,))),
        source="test",
        source_kind="text",
        url=url,
        published=datetime(2025, 6, 1, 8, tzinfo=UTC),
    )


def _db(path: Path) -> Database:
    """An opened store with the reference data (topics, companies) in place."""
    db = open_db(path)
    sync_reference(db, default_lexicon())
    return db


def test_migrations_and_wal(db_path: Path) -> None:
    db = open_db(db_path)
    assert db.journal_mode == "wal"
    assert {"articles", "sections", "ingestions", "search_index"} <= set(db.table_names())
    assert not migrations.pending(db)
    db.close()
    # Opening again applies nothing new and keeps data.
    assert not migrations.pending(open_db(db_path))


def test_idempotent_by_content_hash(db_path: Path) -> None:
    db = _db(db_path)
    first = save_article(db, digest_article(_article()))
    second = save_article(db, digest_article(_article()))
    assert (first.status, second.status) == ("new", "unchanged")
    assert first.article_id == second.article_id
    assert db["articles"].count == 1
    assert db["sections"].count == 2


def test_stored_under_the_fingerprint_without_hashing_twice(db_path: Path) -> None:
    """save_article keys a URL-less article by the content hash digesting computed: the
    same key as fingerprint(), for articles with and without a URL."""
    db = _db(db_path)
    for article in (_article(), _article(title="另一篇", url="https://example.com/a")):
        digested = digest_article(article)
        assert digested.content_hash == content_hash(article)
        saved = save_article(db, digested)
        row = db.execute("SELECT fingerprint FROM articles WHERE id = ?", [saved.article_id])
        assert row.fetchone()[0] == fingerprint(article)
    assert fingerprint(_article()) == f"hash:{content_hash(_article())}"


def test_same_url_updates_in_place(db_path: Path) -> None:
    db = _db(db_path)
    url = "https://example.com/tsmc"
    first = save_article(db, digest_article(_article(url=url)))
    updated = save_article(db, digest_article(_article(url=url, extra="新增一段更新內容。")))
    assert updated.status == "updated"
    assert updated.article_id == first.article_id
    assert db["articles"].count == 1
    assert db["sections"].count == 2
    assert db.execute("SELECT count(*) FROM search_index").fetchone()[0] == 2


def test_failed_write_rolls_back(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _db(db_path)
    import store.articles as articles_module

    def boom(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(articles_module, "_insert_sections", boom)
    with pytest.raises(RuntimeError):
        save_article(db, digest_article(_article()))
    assert db["articles"].count == 0


def test_read_back_typed(db_path: Path) -> None:
    db = _db(db_path)
    # The summary already says PARAGRAPH; the section digest says what the summary does not.
    extra = (
        "設備商指出，相關機台訂單已排到明年第三季，營收可望年增兩成。"
        "封測廠也規劃在鄰近園區擴建產線，預計雇用約兩千名員工。"
    )
    saved = save_article(db, digest_article(_article(url="https://example.com/x", extra=extra)))
    [stored] = list_articles(db)
    assert stored.id == saved.article_id
    assert stored.url == "https://example.com/x"
    assert stored.published == "2025-06-01T08:00:00+00:00"
    detail = get_article(db, saved.article_id)
    assert detail is not None
    assert [s.heading for s in detail.sections] == ["", "供應鏈影響"]
    assert detail.sections[1].digest
    assert get_article(db, 999) is None


def test_chinese_full_text_search(db_path: Path) -> None:
    db = _db(db_path)
    save_article(db, digest_article(_article()))
    for query in ("台積電", "台积电", "先進製程"):
        terms = " ".join(f'"{t}"' for t in segment(to_simplified(query)))
        rows = list(
            db.query("SELECT article_id FROM search_index WHERE search_index MATCH ?", [terms])
        )
        assert rows, query
    none = list(db.query("SELECT * FROM search_index WHERE search_index MATCH ?", ['"咖啡"']))
    assert none == []


def test_readable_by_plain_sqlite(db_path: Path) -> None:
    db = _db(db_path)
    save_article(db, digest_article(_article()))
    db.close()
    plain = Database(db_path)
    row = next(plain.query("SELECT title, summary, keywords FROM articles"))
    assert row["title"] == "台積電高雄廠的量產時程"
    assert row["summary"].startswith('["')


def test_readable_by_sqlite_utils_cli(db_path: Path) -> None:
    """The sqlite-utils command line (what operators and Datasette users reach for) opens it."""
    import json
    import shutil
    import subprocess

    db = _db(db_path)
    save_article(db, digest_article(_article()))
    db.close()
    cli = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
    proc = subprocess.run(
        [cli, "tables", str(db_path), "--counts", "--json-cols"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    counts = {t["table"]: t["count"] for t in json.loads(proc.stdout)}
    assert counts["articles"] == 1
    assert counts["sections"] == 2
    assert counts["search_index"] == 2


def test_key_figures_shown_are_the_ones_not_said_elsewhere() -> None:
    from store.records import ArticleDetail, StoredArticle, StoredSection

    article = StoredArticle(
        id=1,
        title="t",
        url=None,
        published=None,
        source="s",
        source_kind="text",
        section_count=1,
        summary=("營收年增35%。",),
        keywords=(),
        key_figures=("營收年增35%。", "毛利率48.2%。", "EPS 3.1元。"),
        ingested_at="2025-01-01T00:00:00+00:00",
        updated_at="2025-01-01T00:00:00+00:00",
    )
    detail = ArticleDetail(article, (StoredSection("h", ("EPS 3.1元。",), ()),))
    assert detail.figures_not_shown() == ["毛利率48.2%。"]


def test_digest_text_shows_key_figures(capsys, db_path) -> None:
    from bot.cli import main
    from tests.conftest import PAGEDUMPS

    assert main(["--db", str(db_path), "ingest", "--quiet", str(PAGEDUMPS / "dump_a.txt")]) == 0
    capsys.readouterr()
    from store import open_db
    from store.articles import get_article, list_articles

    db = open_db(db_path)
    details = [get_article(db, a.id) for a in list_articles(db)]
    with_figures = [d for d in details if d and d.figures_not_shown()]
    assert with_figures, "the fixture dumps carry figures the digests do not show"
    main(["--db", str(db_path), "digest", str(with_figures[0].article.id)])
    out = capsys.readouterr().out
    assert "key figures:" in out
    assert with_figures[0].figures_not_shown()[0] in out


def test_deliverable_chats_sql_agrees_with_receives_briefings(db_path: Path) -> None:
    """``deliverable_chats`` restates ``ChatSettings.receives_briefings`` in SQL so a pass
    over 100,000 chats need not load each; every combination must get the same answer."""
    from itertools import product

    from store import chats
    from store.deliveries import deliverable_chats

    db = _db(db_path)
    combinations = product(("private", "group", "supergroup"), *[(False, True)] * 4)
    for chat_id, (kind, active, enrolled, paused, topics) in enumerate(combinations, 1):
        chats.register_chat(db, chat_id, kind, None if kind == "private" else "g")
        if enrolled:
            chats.enrol(db, chat_id)
        if topics:
            chats.subscribe(db, chat_id, "semiconductors")
        chats.set_paused(db, chat_id, paused)
        chats.set_active(db, chat_id, active)
    settings = [chats.get_chat(db, chat_id) for chat_id in range(1, chat_id + 1)]
    expected = {c.id for c in settings if c is not None and c.receives_briefings}
    assert set(deliverable_chats(db)) == expected
    assert 0 < len(expected) < chat_id
    db.close()


DEFERRED_CHECK = """
import sys
import store  # first: it imports sqlite-utils
import sqlite_utils.recipes

assert "dateutil.parser._parser" not in sys.modules
db = store.open_db(sys.argv[1])
assert db["search_index"].virtual_table_using == "FTS5"
assert sqlite_utils.recipes.parsedate("2025-03-14") == "2025-03-14"
print("ok")
"""


def test_deferred_sqlite_utils_imports_work_when_used(db_path: Path) -> None:
    """sqlite-utils' ``dateutil.parser`` is loaded on first use
    (``store._import_sqlite_utils``), then answers as if imported as usual."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", DEFERRED_CHECK, str(db_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_company_ids_same_for_many_keys_as_looked_up_in_chunks(db_path: Path) -> None:
    """Over 500 keys are read in one pass over the table; the same ids as per chunk."""
    from store.reference import _KEYS_PER_QUERY, company_ids

    db = open_db(db_path)
    sync_reference(db, default_lexicon())
    stored = sorted(key for (key,) in db.conn.execute("SELECT key FROM companies"))
    keys = {*stored[::3], "TWSE:no-such-company", "learned:不存在"}
    assert len(keys) > _KEYS_PER_QUERY
    ordered = sorted(keys)
    by_chunk: dict[str, int] = {}
    for start in range(0, len(ordered), _KEYS_PER_QUERY):
        by_chunk.update(company_ids(db, set(ordered[start : start + _KEYS_PER_QUERY])))
    assert company_ids(db, keys) == by_chunk
    assert len(by_chunk) == len(keys) - 2
