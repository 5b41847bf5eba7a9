"""What a first user found walking the bot through in three languages (QA round).

Each test is one finding: the reply as it was, and what it must say instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.loopback import FakeChat, FakeUser
from tests.bot_harness import BotHarness, buttons, texts

ANN = FakeUser(id=871, first_name="Ann", language_code="zh-hant")
EVE = FakeUser(id=872, first_name="Eve", language_code="en")
LI = FakeUser(id=873, first_name="Li", language_code="zh-cn")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def bot(store_copy: Path) -> Iterator[BotHarness]:
    with BotHarness(store_copy) as harness:
        yield harness


def _last(bot: BotHarness, user: FakeUser, words: str) -> str:
    return texts(bot.send(FakeChat(user.id), user, words))[-1]


@pytest.mark.parametrize(
    ("user", "weekdays", "every_day"),
    [(ANN, "週一到週五", "每天"), (EVE, "Monday to Friday", "every day")],
)
def test_time_and_settings_say_weekdays_after_days_weekdays(
    bot: BotHarness, user: FakeUser, weekdays: str, every_day: str
) -> None:
    """After /days weekdays, /time 7點半, /time and /mytopics said "every day"."""
    assert every_day in _last(bot, user, "/time 7點半")
    bot.send(FakeChat(user.id), user, "/days weekdays")
    for reply in (_last(bot, user, "/time 7點半"), _last(bot, user, "/time")):
        assert weekdays in reply and every_day not in reply, reply
    settings = "\n".join(texts(bot.send(FakeChat(user.id), user, "/mytopics")))
    time_line = next(line for line in settings.splitlines() if "07:30" in line)
    assert weekdays in time_line and every_day not in time_line, time_line
    assert settings.count(weekdays) == 1, settings  # said once, not again as its own line


@pytest.mark.parametrize("user", [ANN, EVE, LI])
def test_quiet_and_days_replies_nest_no_parentheses(bot: BotHarness, user: FakeUser) -> None:
    """The zone label carries its own "(UTC+8)": "23:00–07:00(台北時間 (UTC+8))" nested."""
    bot.send(FakeChat(user.id), user, "/start")
    for words in ("/quiet 23:00-07:00", "/days weekdays"):
        reply = _last(bot, user, words)
        assert "UTC+8" in reply
        assert not re.search(r"[(（][^)）]*[(（]", reply), reply


def test_english_reader_follows_tsmc_by_its_english_name(bot: BotHarness) -> None:
    """English: 'Following the company “台積電”', /following and /mytopics in Chinese,
    joined with the Chinese list comma."""
    chat = FakeChat(EVE.id)
    confirmed = _last(bot, EVE, "/follow 台積電")
    assert "“TSMC” (2330)" in confirmed and "台積電" not in confirmed, confirmed
    bot.send(chat, EVE, "/follow 矽光子")
    listing = next(c for c in bot.send(chat, EVE, "/following") if c.method == "sendMessage")
    assert "🏢 TSMC" in texts([listing])[0]
    assert any("TSMC" in label for label, _ in buttons(listing))
    settings = "\n".join(texts(bot.send(chat, EVE, "/mytopics")))
    follows = next(line for line in settings.splitlines() if line.startswith("Following:"))
    assert "TSMC" in follows and "、" not in follows, follows
    again = _last(bot, EVE, "/follow 2330")
    assert "TSMC" in again and "台積電" not in again, again
    removed = _last(bot, EVE, "/unfollow TSMC")
    assert "TSMC" in removed and "台積電" not in removed, removed


def test_simplified_reader_gets_simplified_unfollow_buttons(bot: BotHarness) -> None:
    """zh-CN: the list said 硅光子 but its remove button ✖ 矽光子."""
    chat = FakeChat(LI.id)
    bot.send(chat, LI, "/follow 矽光子")
    listing = next(c for c in bot.send(chat, LI, "/following") if c.method == "sendMessage")
    labels = [label for label, _ in buttons(listing)]
    assert labels == ["✖ 硅光子"], labels
    assert not any(_HAN.search(label) and "矽" in label for label in labels)


PASTE_WITHOUT_TITLE = (
    "鼎盛電子今日公布第三季財報，營收達新台幣120億元，年增35%，毛利率提升至42.5%，創下歷史新高。"
    "公司表示，受惠於車用與工控客戶拉貨，第四季營收可望再成長一成，全年每股盈餘有機會突破8元。"
    "法人指出，新廠明年第二季量產後，產能將擴充三成，有助於鞏固在功率元件市場的地位。"
    "不過，市場也擔心同業削價競爭，可能壓縮明年下半年的毛利率表現，投資人宜留意庫存去化進度。"
    "總經理在法說會上強調，公司將持續投入碳化矽研發，預計三年內相關營收占比將提升至兩成以上。"
)


def test_pasted_text_does_not_repeat_its_first_sentence(bot: BotHarness) -> None:
    """A paste without a title line is titled by its first sentence; the summary picked the
    same sentence, so the answer opened with it twice, one line apart."""
    from tests.bot_harness import edited_texts, say_and_answer

    [answer] = edited_texts(say_and_answer(bot, FakeChat(ANN.id), ANN, PASTE_WITHOUT_TITLE))
    first = "鼎盛電子今日公布第三季財報"
    assert first in answer.splitlines()[0]  # the title
    assert answer.count(first) == 1, answer


@pytest.mark.parametrize(
    ("typed", "window"),
    [
        ("22:00-07:00", "22:00-07:00"),
        ("晚上11點到早上7點", "23:00-07:00"),
        ("11pm-7am", "23:00-07:00"),
        ("10:30 PM to 6:45 AM", "22:30-06:45"),
        ("２２：００～０７：００", "22:00-07:00"),
        ("abc", None),
        ("7點-7點", None),
    ],
)
def test_quiet_hours_read_times_as_time_does(typed: str, window: str | None) -> None:
    """/time took 7點半 but /quiet refused 晚上11點到早上7點: one way to type a time."""
    from bot.telegram_app.handlers.follow import parse_quiet

    assert parse_quiet(typed) == window


def test_quiet_hours_typed_in_words_e2e(bot: BotHarness) -> None:
    reply = _last(bot, ANN, "/quiet 晚上11點到早上7點")
    assert "23:00–07:00" in reply, reply


def test_english_topic_suggestions_and_wording(bot: BotHarness) -> None:
    """/subscribe semis offered a button "半導體" to an English reader; topics were
    "followed" in English although /follow is for companies and keywords."""
    chat = FakeChat(EVE.id)
    offer = next(c for c in bot.send(chat, EVE, "/subscribe semis") if c.method == "sendMessage")
    labels = [label for label, _ in buttons(offer)]
    assert labels and not any(_HAN.search(label) for label in labels), labels
    assert len(labels) == len(set(labels))
    assert "subscribed to" in _last(bot, EVE, "/unsubscribe Semiconductors")
    assert "subscribe" in _last(bot, EVE, "/topics")


@pytest.mark.parametrize(
    ("words", "expected"), [("/sector 半道體", "Semiconductors"), ("/company 台積店", "TSMC")]
)
def test_english_suggestion_buttons_name_things_in_english(
    bot: BotHarness, words: str, expected: str
) -> None:
    """Did-you-mean buttons under /sector and /company were labelled 半導體, 台積電 in English;
    pressing one still answers."""
    chat = FakeChat(EVE.id)
    offer = next(c for c in bot.send(chat, EVE, words) if c.method == "sendMessage")
    [(label, data)] = [b for b in buttons(offer) if b[0] == expected]
    assert label == expected
    answer = "\n".join(texts(bot.press(chat, EVE, offer.result["message_id"], data)))
    assert expected in answer, answer


def test_pagers_still_turn_after_a_restart(bot: BotHarness) -> None:
    """◀ ▶ under /latest and /search were kept in memory only: after a restart every
    pager answered "this button has expired".  Their buttons now say what to show."""
    chat = FakeChat(ANN.id)
    latest = next(c for c in bot.send(chat, ANN, "/latest") if c.method == "sendMessage")
    # 市場: most sample articles (的 alone now gets a hint, not the whole library)
    search = next(c for c in bot.send(chat, ANN, "/search 市場") if c.method == "sendMessage")
    bot.app.bot_data["services"].paged.clear()  # what a restart forgets
    for sent in (latest, search):
        forward = [data for label, data in buttons(sent) if label == "▶"]
        if not forward:
            continue  # a store too small for two pages
        calls = bot.press(chat, ANN, sent.result["message_id"], forward[0])
        edits = [c for c in calls if c.method == "editMessageText" and c.ok]
        assert edits, [c.describe() for c in calls]
        assert "2/" in str(edits[0].params.get("text")), edits[0].params
    assert any(label == "▶" for label, _ in buttons(latest) + buttons(search))


def test_follow_section_and_alerts_do_not_repeat_the_title() -> None:
    """A company named in the title has the title among its mention sentences: the follow
    section printed the title, then "🏢台積電：<the title> <a sentence>" right under it."""
    from bot.messages.follow_views import alert, follow_item
    from digests.briefing import FollowHit, FollowItem
    from store.alerts import Alert

    title = "台股:為何台積電(2330)都重押數位分身?"
    body = "晶圓代工龍頭台積電早已是數位分身的先行者。"
    item = FollowItem(1, title, None, None, (FollowHit("company", "台積電", (title, body)),), False)
    shown = follow_item(item, "zh-TW")
    assert shown.count("重押數位分身") == 1 and body in shown, shown
    only_title = FollowItem(
        1, title, None, None, (FollowHit("company", "台積電", (title,)),), False
    )
    assert follow_item(only_title, "zh-TW").count("重押數位分身") == 1
    note = Alert(1, 1, 1, "company", "k", "台積電", title, 0, "pending", title, None)
    markup, _ = alert(note, "zh-TW")
    assert markup.count("重押數位分身") == 1, markup


def test_english_digest_company_buttons_use_english_names(bot: BotHarness) -> None:
    """The companies under a digest on demand were buttons in Chinese (台積電) in English."""
    from tests.bot_harness import answer_after

    paste = PASTE_WITHOUT_TITLE.replace("鼎盛電子", "台積電(2330)")
    mark = len(bot.api.calls)
    bot.api.send_message(FakeChat(EVE.id), EVE, paste)
    calls = answer_after(bot, mark)
    labels = [label for call in calls for label, _ in buttons(call)]
    assert "TSMC" in labels and "台積電" not in labels, labels


def test_lang_alone_says_the_current_language(bot: BotHarness) -> None:
    """/time and /timezone alone say the current setting; /lang alone only gave usage."""
    reply = _last(bot, EVE, "/lang")
    assert "Usage: /lang" in reply and "Current language: English" in reply, reply
    bot.send(FakeChat(LI.id), LI, "/lang zh-CN")
    assert "简体中文" in _last(bot, LI, "/lang")
