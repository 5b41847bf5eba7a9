"""Per-chat articles (issue 12): what a reader sends is theirs; the shared library is everyone's."""

from __future__ import annotations

from pathlib import Path

from bot.core.quota import DigestQuota
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.summarize import digest_article
from store import open_db
from store.answers import company_answer, search_answer, sector_answer, topic_counts
from store.articles import (
    delete_owned_articles,
    get_article,
    list_articles,
    save_article,
    share_article,
    unchanged_article_id,
)
from store.briefings import candidate_articles
from store.deliveries import migrate_chat
from store.highlights import busiest_topics, most_named_companies
from store.reference import sync_reference

ALICE, BOB, GROUP = 501, 502, -100600

# Original text written for these tests.
PRIVATE_TEXT = (
    "散熱大廠奇鋐(3017)今年液冷板出貨量預估年增80%,水冷散熱營收占比可望突破三成。",
    "法人認為,伺服器液冷滲透率明年將從15%提升到30%,奇鋐與雙鴻(3324)同步受惠。",
)
SHARED_TEXT = (
    "儲能系統需求持續成長,台達電(2308)表示明年儲能營收將倍增,毛利率維持在三成以上。",
    "電網業者擴大採購,大型儲能案場的建置規模預估在2030年達到500GWh。",
)


def _digested(title: str, paragraphs: tuple[str, ...], url: str | None = None):  # type: ignore[no-untyped-def]
    article = Article(title, (Section("", paragraphs),), "test", "text", url=url)
    return digest_article(article, default_lexicon())


def _open(path: Path):  # type: ignore[no-untyped-def]
    db = open_db(path)
    sync_reference(db, default_lexicon())
    return db


def _store(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = _open(tmp_path / "private.db")
    shared = save_article(db, _digested("儲能產業展望", SHARED_TEXT)).article_id
    private = save_article(db, _digested("液冷散熱追蹤", PRIVATE_TEXT), owner_chat=ALICE).article_id
    return db, shared, private


def test_reads_see_own_and_shared_only(tmp_path: Path) -> None:
    db, shared, private = _store(tmp_path)
    lexicon = default_lexicon()
    assert get_article(db, private, viewer=ALICE) is not None
    assert get_article(db, private, viewer=BOB) is None
    assert get_article(db, private) is None  # the command line reads the shared library
    assert get_article(db, shared, viewer=BOB) is not None
    assert {a.id for a in list_articles(db, viewer=ALICE)} == {private, shared}
    assert [a.id for a in list_articles(db, viewer=BOB)] == [shared]

    assert [h.article_id for h in search_answer(db, "液冷", viewer=ALICE).results] == [private]
    assert search_answer(db, "液冷", viewer=BOB).results == []
    assert search_answer(db, "液冷").results == []

    mine = company_answer(db, lexicon, "奇鋐", viewer=ALICE)
    assert [m.article_id for m in mine.mentions] == [private]
    assert company_answer(db, lexicon, "奇鋐", viewer=BOB).mentions == []

    theirs = sector_answer(db, lexicon, "液冷滲透率", viewer=BOB)
    assert private not in [a.id for a in theirs.articles]
    own = sector_answer(db, lexicon, "液冷滲透率", viewer=ALICE)
    assert private in [a.id for a in own.articles]


def test_briefings_highlights_and_counts_are_shared_only(tmp_path: Path) -> None:
    db, shared, _private = _store(tmp_path)
    assert [c.id for c in candidate_articles(db, (), 10)] == [shared]
    assert "奇鋐" not in most_named_companies(db, 10)
    counts = {c.topic.id: c.articles for c in topic_counts(db, default_lexicon())}
    assert counts["cooling"] == 0 and counts["energy_storage"] == 1
    assert all("散熱" not in name for name in busiest_topics(db, 50))


def test_same_link_gives_each_reader_a_copy_and_sharing_moves_it(tmp_path: Path) -> None:
    db = _open(tmp_path / "copies.db")
    url = "https://example.com/liquid-cooling"
    first = save_article(db, _digested("液冷散熱追蹤", PRIVATE_TEXT, url), owner_chat=ALICE)
    second = save_article(db, _digested("液冷散熱追蹤", PRIVATE_TEXT, url), owner_chat=BOB)
    assert first.article_id != second.article_id
    assert save_article(
        db, _digested("液冷散熱追蹤", PRIVATE_TEXT, url), owner_chat=ALICE
    ).status == ("unchanged")
    assert share_article(db, first.article_id) == first.article_id
    assert get_article(db, first.article_id, viewer=BOB) is not None
    assert [c.id for c in candidate_articles(db, (), 10)] == [first.article_id]
    # Bob's copy is left as it was; sharing again finds the shared article.
    assert share_article(db, second.article_id) == first.article_id
    assert get_article(db, second.article_id, viewer=BOB) is not None
    # A reader sending what the library already has reads the library's article.
    digested = _digested("液冷散熱追蹤", PRIVATE_TEXT, url)
    from digests.summarize import fingerprint

    known = unchanged_article_id(
        db, fingerprint(digested.article), digested.content_hash, owner_chat=GROUP
    )
    assert known == first.article_id
    assert share_article(db, 9999) is None


def test_stop_and_migration_follow_the_owner(tmp_path: Path) -> None:
    db, shared, private = _store(tmp_path)
    group_article = save_article(
        db, _digested("群組的文章", PRIVATE_TEXT), owner_chat=GROUP
    ).article_id
    db["chats"].insert({"id": GROUP, "type": "group", "created_at": "2026-01-01T00:00:00+00:00"})
    migrate_chat(db, GROUP, -1009999)
    assert get_article(db, group_article, viewer=-1009999) is not None
    assert get_article(db, group_article, viewer=GROUP) is None
    assert delete_owned_articles(db, ALICE) == 1
    assert get_article(db, private, viewer=ALICE) is None
    assert db["search_index"].count_where("article_id = ?", [private]) == 0
    assert get_article(db, shared, viewer=ALICE) is not None


def test_quota_per_hour_and_one_at_a_time() -> None:
    quota = DigestQuota(per_hour=2)
    assert quota.try_start(1, now=0.0) is None
    busy = quota.try_start(1, now=1.0)
    assert busy is not None and busy.reason == "busy"
    assert quota.try_start(2, now=1.0) is None  # others are not held up
    quota.finish(1)
    assert quota.try_start(1, now=2.0) is None
    quota.finish(1)
    refused = quota.try_start(1, now=600.0)
    assert refused is not None and refused.reason == "rate" and refused.wait_minutes == 50
    assert quota.try_start(1, now=3600.5) is None  # the first one has left the window
