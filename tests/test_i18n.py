"""Interface text: full-width punctuation in Chinese, plurals in English, mainland wording
for zh-CN, one language per group, display names in the reader's language."""

from __future__ import annotations

import re
import string

import pytest

from bot.messages.i18n import EN, ZH, chat_language, localize, text
from bot.messages.names import english_company_name, topic_name
from bot.messages.punct import fullwidth, heading_lead, join_sentences
from digests.lexicon import default_lexicon
from store.chats import ChatSettings

CJK = r"[\u3400-\u9fff]"


def _rendered(lang: str, key: str) -> str:
    fields = {f: 1234 if spec else "X" for _, f, spec, _ in string.Formatter().parse(ZH[key]) if f}
    return text(lang, key, **fields)


@pytest.mark.parametrize("key", sorted(ZH))
def test_chinese_interface_text_uses_full_width_punctuation(key: str) -> None:
    shown = _rendered("zh-TW", key)
    assert not re.search(CJK + r"[ \t]*[:,;!?]", shown), shown
    assert not re.search(r"\([^()]*" + CJK + r"[^()]*\)", shown), shown
    assert not re.search(r"[。，；：！？][ \t]+\S", shown), shown


def test_every_key_has_an_english_text() -> None:
    assert set(ZH) <= set(EN)


def test_fullwidth_keeps_commands_times_and_placeholders() -> None:
    assert fullwidth("用法:/time 07:30,例如 /time 7:30") == "用法：/time 07:30，例如 /time 7:30"
    assert fullwidth("追蹤清單({count}/{max})") == "追蹤清單（{count}/{max}）"
    assert fullwidth("See https://example.com/a:b, ok") == "See https://example.com/a:b, ok"


def test_english_counts_are_plural_aware() -> None:
    assert text("en", "company_mentions", count=1, name="TSMC") == "1 article mentions TSMC."
    assert text("en", "company_mentions", count=3, name="TSMC") == "3 articles mention TSMC."
    assert "1 篇" in text("zh-TW", "company_mentions", count=1, name="台積電")


def test_simplified_readers_get_mainland_wording_once() -> None:
    assert localize("隨著伺服器與軟體的需求", "zh-CN") == "随着服务器与软件的需求"
    assert localize("今日簡報", "zh-CN") == "今日简报"  # a briefing, not a slide deck
    assert localize("資料中心的程式", "zh-CN") == "数据中心的程序"
    # text() leaves the script alone; the finished message is converted once where it is
    # sent (a second pass would turn 程序 into 进程).
    assert text("zh-CN", "help_title") == text("zh-TW", "help_title")


def test_a_group_speaks_its_own_language_not_each_senders() -> None:
    def group(language: str | None) -> ChatSettings:
        return ChatSettings(-5, "supergroup", "g", language, None, None, False, True, ())

    assert chat_language(group(None), "en", group=True) == "zh-TW"
    assert chat_language(None, "en") == "en"
    assert chat_language(group("en"), "zh-hans", group=True) == "en"


def test_display_names_in_english() -> None:
    lexicon = default_lexicon()
    semis = lexicon.taxonomy.by_id["semiconductors"]
    assert topic_name(semis, "en") == "Semiconductors" and topic_name(semis, "zh-TW") == "半導體"
    assert all(t.name_en for t in lexicon.taxonomy.topics)
    assert lexicon.taxonomy.lookup("Thermal management").id == "cooling"  # type: ignore[union-attr]
    tsmc = lexicon.directory.lookup("台積電")
    assert tsmc is not None and english_company_name(tsmc) == "TSMC"
    nvidia = lexicon.directory.lookup("NVDA")
    assert nvidia is not None and english_company_name(nvidia) == "NVIDIA"


def test_headings_meet_their_text_with_one_mark() -> None:
    assert "為何重要？" + heading_lead("為何重要？") + "這使得" == "為何重要？這使得"
    assert heading_lead("為何重要?") == ""
    assert heading_lead("展望") == "："
    assert heading_lead("結論：") == ""
    assert heading_lead("Outlook") == ": "


def test_sentences_join_without_ascii_space_after_chinese_stops() -> None:
    assert join_sentences(["營收成長。", "毛利率創新高。"]) == "營收成長。毛利率創新高。"
    assert join_sentences(["營收成長。 毛利率，  創新高"]) == "營收成長。毛利率，創新高"
    assert join_sentences(["Sales rose.", "Margins held."]) == "Sales rose. Margins held."
