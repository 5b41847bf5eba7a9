"""Follow test data: a chat following 台積電 and 矽光子, and articles that name them.

The alert, follow-section and end-to-end tests all build the same chats and articles;
kept here so a test module never imports another test module.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.loopback import FakeChat, FakeUser, LoopbackBotAPI
from digests.follows import COMPANY, KEYWORD, keyword_key
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.summarize import digest_article
from store import chats, follows
from store.articles import save_article

TSMC = "台積電"
NOON = datetime(2025, 6, 2, 4, 0, tzinfo=UTC)  # Monday 12:00 in Taipei
COMPANY_TEXT = (
    "台積電(2330)今日宣布擴大先進封裝產能,預計明年相關資本支出年增兩成。"
    "法人認為,設備供應鏈的接單能見度已延伸到下半年。"
)
KEYWORD_TEXT = (
    "矽光子與共同封裝光學被視為資料中心的下一個戰場,多家設備商已接獲試產訂單。"
    "業者估計,相關模組最快在後年進入量產。"
)


def tsmc_key() -> str:
    company = default_lexicon().directory.lookup(TSMC)
    assert company is not None
    return company.key


def add_article(db, n: int, body: str) -> int:  # type: ignore[no-untyped-def]
    article = Article(
        f"測試新聞第{n}則:產業動態",
        (Section("", (body,)),),
        f"test-{n}",
        "text",
        url=f"https://example.com/news/{n}",
    )
    return save_article(db, digest_article(article, default_lexicon())).article_id


def add_chat(db, api: LoopbackBotAPI, chat_id: int, alerts_on: bool = True, **fields):  # type: ignore[no-untyped-def]
    chats.register_chat(db, chat_id, "private", None)
    chats.enrol(db, chat_id)
    follows.add_follow(db, chat_id, COMPANY, tsmc_key(), TSMC)
    follows.add_follow(db, chat_id, KEYWORD, keyword_key("矽光子"), "矽光子")
    follows.set_alerts(db, chat_id, alerts_on)
    if "quiet" in fields:
        follows.set_quiet(db, chat_id, fields["quiet"])
    if "days" in fields:
        follows.set_days(db, chat_id, fields["days"])
    if "timezone" in fields:
        chats.set_timezone(db, chat_id, fields["timezone"])
    api.add_chat(FakeChat(id=chat_id), FakeUser(id=chat_id))
