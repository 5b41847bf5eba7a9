"""Follows: the pure matcher, the fan-out index, the follow section, the store (issue 11)."""

from __future__ import annotations

from pathlib import Path

from digests.briefing import compose_follows
from digests.follows import (
    COMPANY,
    KEYWORD,
    FollowIndex,
    FollowWindow,
    KeywordScanner,
    MatchArticle,
    PreparedArticle,
    keyword_key,
    match_article,
    valid_keyword,
)
from store import alerts, chats, follows, open_db

GLASS = MatchArticle(
    id=7,
    title="玻璃基板接棒,封裝材料的下一場競賽",
    texts=(
        "業界預估玻璃基板最快在2027年量產。台積電(2330)也在評估這項技術。",
        "另一方面,矽光子與CPO的進度同樣受到關注,相關設備商接單暢旺。",
    ),
    companies={"TWSE:2330": ("台積電(2330)也在評估這項技術。",)},
)
SAID = MatchArticle(id=8, title="Notes", texts=("He SAID the quarter was fine.",))


def test_keyword_forms_are_folded() -> None:
    assert keyword_key("ＣＰＯ") == "cpo"
    assert keyword_key("矽光子") == keyword_key("硅光子")
    assert keyword_key("  Glass   Substrate ") == "glass substrate"
    assert not valid_keyword("a") and not valid_keyword("!!") and valid_keyword("ai")


def test_keywords_found_with_their_sentence_and_word_boundaries() -> None:
    prepared = PreparedArticle(GLASS)
    assert prepared.keyword_sentences(keyword_key("CPO")) == (
        "另一方面,矽光子與CPO的進度同樣受到關注,相關設備商接單暢旺。",
    )
    assert prepared.keyword_sentences(keyword_key("硅光子"))  # Simplified finds Traditional
    assert PreparedArticle(SAID).keyword_sentences("ai") is None  # not inside SAID
    scanner = KeywordScanner(["cpo", "矽光子", "玻璃基板", "ai", "量子电脑"])
    assert scanner.scan(prepared.joined) == {"cpo", "玻璃基板"}
    scanner = KeywordScanner([keyword_key("矽光子")])
    assert scanner.scan(prepared.joined) == {keyword_key("矽光子")}


def test_index_inverts_follows_to_chats() -> None:
    index = FollowIndex.from_rows(
        [
            (1, COMPANY, "TWSE:2330"),
            (2, KEYWORD, keyword_key("CPO")),
            (2, COMPANY, "TWSE:2330"),
            (3, KEYWORD, "量子"),
        ]
    )
    assert len(index) == 4 and index.keys == 3
    hits = index.match(GLASS)
    assert set(hits) == {1, 2}
    assert hits[2].kind == COMPANY  # the strongest reason first
    assert hits[1].sentences == ("台積電(2330)也在評估這項技術。",)
    assert [(h.kind, list(chats)) for h, chats in index.hits(GLASS)] == [
        (COMPANY, [1, 2]),
        (KEYWORD, [2]),
    ]


def test_follow_section_companies_first_each_article_once() -> None:
    older = MatchArticle(9, "舊聞:CPO", ("CPO 題材再起。",))
    window = FollowWindow([GLASS, older])  # newest first
    chat = [
        (KEYWORD, "cpo", "CPO"),
        (COMPANY, "TWSE:2330", "台積電"),
        (KEYWORD, keyword_key("玻璃基板"), "玻璃基板"),
    ]
    items = compose_follows(window, chat, received=set(), alerted={9}, limit=8)
    assert [i.article_id for i in items] == [7, 9]
    assert [h.label for h in items[0].hits] == ["台積電", "CPO", "玻璃基板"]
    assert not items[0].alerted and items[1].alerted
    again = compose_follows(window, chat, received={7}, alerted=set(), limit=8)
    assert [i.article_id for i in again] == [9]


def test_follows_store_limits_and_cleanup(tmp_path: Path) -> None:
    db = open_db(tmp_path / "f.db")
    chats.register_chat(db, 5, "private", None)
    before = follows.follows_version(db)
    assert follows.add_follow(db, 5, COMPANY, "TWSE:2330", "台積電") == follows.ADDED
    assert follows.add_follow(db, 5, COMPANY, "TWSE:2330", "台積電") == follows.EXISTS
    for n in range(follows.MAX_FOLLOWS - 1):
        assert follows.add_follow(db, 5, KEYWORD, f"kw{n}", f"kw{n}") == follows.ADDED
    assert follows.add_follow(db, 5, KEYWORD, "one more", "one more") == follows.FULL
    assert follows.follows_version(db) > before
    listed = follows.list_follows(db, 5)
    assert listed[0].kind == COMPANY and len(listed) == follows.MAX_FOLLOWS
    assert follows.remove_follow(db, 5, KEYWORD, "kw0") is not None
    assert follows.remove_follow(db, 5, KEYWORD, "kw0") is None
    assert follows.remove_follow_id(db, 6, listed[0].id) is None  # not another chat's
    follows.set_alerts(db, 5, True)
    follows.set_quiet(db, 5, "22:00-07:00")
    follows.set_days(db, 5, "weekdays")
    chat = chats.get_chat(db, 5)
    assert chat is not None and chat.alerts and chat.quiet == "22:00-07:00"
    assert chat.days == "weekdays"
    assert next(iter(follows.alerting_follows(db))) == (5, COMPANY, "TWSE:2330")
    chats.delete_chat(db, 5)
    assert db["follows"].count == 0
    alerts.start_watermark(db, 3)
    alerts.start_watermark(db, 9)
    assert alerts.watermark(db) == 3
    db.close()


def test_follow_lines_skip_lone_list_items() -> None:
    """A follow line is read away from its article: "2. 車用：…" gives way to the next
    sentence naming the follow, or to the title (QUALITY2)."""
    listed = MatchArticle(
        id=9,
        title="宏碩電子法說會重點",
        texts=(
            "公司提出三項成長動能。\n1. 資料中心：伺服器電源明年出貨可望倍增。\n"
            "2. 車用：宏碩(6799)今年車用營收占比將提升至18%。\n"
            "宏碩(6799)第三季營收36.5億元，季增12%。",
        ),
        companies={
            "TWSE:6799": (
                "2. 車用：宏碩(6799)今年車用營收占比將提升至18%。",
                "宏碩(6799)第三季營收36.5億元，季增12%。",
            )
        },
    )
    hits = {
        h.kind: h
        for h in match_article(
            PreparedArticle(listed), ["TWSE:6799"], KeywordScanner([keyword_key("車用")])
        )
    }
    assert hits[COMPANY].sentences == ("宏碩(6799)第三季營收36.5億元，季增12%。",)
    assert hits[KEYWORD].sentences == (listed.title,)  # only a lone item uses 車用 in the body
