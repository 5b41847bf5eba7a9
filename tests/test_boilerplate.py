"""Boilerplate recognition: one set of rules for page dumps, HTML and feed entries."""

from __future__ import annotations

import pytest

from digests.sources.boilerplate import (
    Kind,
    classify,
    clean_paragraph,
    drop_boilerplate,
    is_boilerplate,
    is_dateline,
    kind_of,
)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("記者林家豪／台北報導", Kind.META),
        ("經濟日報 記者蔡明倫／台北即時報導", Kind.META),
        ("鉅亨網記者許家瑜 台北", Kind.META),
        ("文／股海老王（資深投資人）", Kind.META),
        ("作者：理財週報編輯部", Kind.META),
        ("採訪／林佩珊　整理／吳家豪", Kind.META),
        ("2025-11-12 13:45", Kind.META),
        ("圖／本報資料照", Kind.CHROME),
        ("圖片來源：Shutterstock", Kind.CHROME),
        ("▲中央銀行。（本報資料照）", Kind.CHROME),
        ("財經新聞 > 產業", Kind.CHROME),
        ("#台積電 #AI伺服器", Kind.CHROME),
        ("👉 加入LINE@好友，搶先收到每週存股清單：https://lin.ee/abc", Kind.END),
        ("▶ 訂閱YouTube頻道「股海老王」，每週三晚上九點直播解盤", Kind.END),
        ("訂閱YouTube頻道：阿哲的投資筆記", Kind.END),
        ("📱 下載理財週報APP，隨時掌握最新財經資訊", Kind.END),
        ("喜歡這篇文章的話，歡迎追蹤我的粉絲專頁與IG，新文章發布會第一時間通知。", Kind.END),
        ("免責聲明：本文僅為作者個人心得，不構成任何投資建議。", Kind.END),
        ("【免責聲明】", Kind.END),
        ("本報告所提供之資訊僅供參考，投資人應自行判斷並承擔投資風險。", Kind.END),
        ("© 2025 工商時報 版權所有，未經授權不得轉載", Kind.END),
        ("Copyright © 2025 理財週報 All rights reserved.", Kind.END),
        ("延伸閱讀", Kind.END),
        ("相關新聞：", Kind.END),
        ("閱讀更多", Kind.END),
        # Bylines and date+desk lines in more outlets' forms (never headings).
        ("【記者林某某／新竹報導】", Kind.META),
        ("2025/03/21 財經新報編輯部", Kind.META),
        ("2025/03/20 14:05 | 財經新報編輯部", Kind.META),
        ("2025.03.21 | 財經新報 | 王小明", Kind.META),
        ("財經新報編輯部／2025-03-21", Kind.META),
        ("撰文者：產業研究中心 蔡宜蓁", Kind.META),
        ("撰文｜陳大文", Kind.META),
        ("中央社 記者王小明 台北21日電", Kind.META),
        ("By 王小明", Kind.META),
        ("（編輯：王大明）", Kind.META),
        ("更新時間 2025-03-21 10:32", Kind.META),
        ("最後更新：2025-03-21 10:32", Kind.META),
        ("2025年3月21日 週五 上午10:32", Kind.META),
        ("Mar 21, 2025", Kind.META),
        # Promotions without a named channel, with emoji or arrows, paywalls, disclaimers.
        ("喜歡這篇文章嗎？歡迎訂閱電子報", Kind.END),
        ("追蹤我們的 Facebook 粉絲專頁", Kind.END),
        ("想看更多分析，請加入會員", Kind.END),
        ("點我加入官方LINE", Kind.END),
        ("按讚追蹤", Kind.END),
        ("👉 立即訂閱", Kind.END),
        ("👉 點此看完整報告", Kind.END),
        ("➡️ 更多精彩內容請上官網", Kind.END),
        ("🔔 開啟小鈴鐺，不錯過每一集", Kind.END),
        ("📌 訂閱《小資理財週報》，每週一早上送到你的信箱", Kind.END),
        ("按讚、分享、訂閱，是對我們最大的支持！", Kind.END),
        ("歡迎分享給身邊需要的朋友", Kind.END),
        ("成為付費會員，閱讀全文", Kind.END),
        ("加入會員，解鎖完整報告", Kind.END),
        ("★ 本週限時優惠，訂閱享7折 ★", Kind.END),
        ("本文僅供參考，不構成投資建議", Kind.END),
        ("本文不代表任何投資建議", Kind.END),
        ("投資有風險，請審慎評估", Kind.END),
        ("文章僅代表作者個人觀點，不代表本站立場", Kind.END),
        ("編按：本文為作者觀點，不代表本刊立場", Kind.END),
        ("【個股報告】光聯科技(4977) 研究員：林以安", Kind.META),
    ],
)
def test_boilerplate_lines(line: str, kind: Kind) -> None:
    assert kind_of(line) is kind


@pytest.mark.parametrize(
    "line",
    [
        # Article text that merely mentions a channel, a subscription or a reporter.
        "YouTube廣告營收年增20%，訂閱用戶數突破一億，是母公司成長最快的業務之一。",
        "訂閱制營收占比提高，毛利率同步改善",
        "公司推出新APP，下載量在三個月內突破百萬次，帶動會員數成長兩成。",
        "記者會重點：明年資本支出上修",
        "這並非投資人樂見的結果，但公司仍維持全年財測不變。",
        "相關報導指出，該公司正與兩家車廠洽談長期供貨合約，最快明年第二季簽約。",
        "營收年增35%，毛利率創新高",
        "2330 台積電",
        "鴻海 (2317-TW)",
        "【盤勢回顧】",
        "※ 觀察一：合約價連三季上漲",
        "Key Takeaways",
        "申購期間：11/10～11/12",
        # Text that shares words with promotions, bylines or dates.
        "公司分享了新產品的規劃，並前往美國拜訪客戶。",
        "公司歡迎投資人加入股東行列。",
        "董事長在法說會上分享今年的展望",
        "年訂閱用戶成長三成",
        "開啟第二成長曲線",
        "解鎖新市場：東南亞布局",
        "投資人可前往公司官網查閱財報",
        "2025/03/21 台股收盤",
        "2025/03/21 財報公布",
        "2025年3月21日 五大重點",
        "✅ 營收年增30%",
        "★ 台積電：先進製程領先",
    ],
)
def test_article_text_is_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_dateline_is_weaker_than_a_byline() -> None:
    assert is_dateline("2025/11/10")
    assert is_dateline("更新時間 2025-03-21 10:32")
    assert not is_dateline("記者林家豪／台北報導")
    # A date with a desk or writer beside it names who wrote it: a byline.
    for line in (
        "永新投顧研究部　2025年12月",
        "2025/03/21 財經新報編輯部",
        "財經新報編輯部／2025-03-21",
    ):
        assert kind_of(line) is Kind.META
        assert not is_dateline(line)


def test_related_list_ends_before_the_next_title() -> None:
    lines = [
        "結尾段落，說明公司的展望與風險，字數足夠長，是一般的文章段落而不是連結。",
        "延伸閱讀",
        "散熱雙雄營收同步創高",
        "水冷滲透率快速攀升",
        "另一篇文章的標題在這裡",
        "另一篇文章的第一段，這是一段很長的文字，用來說明文章的背景與主要論點，因此不是連結標題。",
    ]
    kinds = classify(lines)
    assert kinds[1:4] == [Kind.END, Kind.END, Kind.END]
    assert kinds[4] is None and kinds[5] is None
    assert drop_boilerplate(lines) == [lines[0], lines[4], lines[5]]


def test_bulleted_related_list_is_dropped_whole() -> None:
    lines = ["相關新聞", "‧台積電ADR大漲3%", "‧輝達財報優於預期 盤後股價走高"]
    assert drop_boilerplate(lines) == []


def test_inline_byline_is_trimmed_from_a_paragraph() -> None:
    assert (
        clean_paragraph("（中央社記者王小明台北15日電）台積電今天公布營收。")
        == "台積電今天公布營收。"
    )
    assert clean_paragraph("【記者陳怡君／台北報導】光通訊廠營收創高。") == "光通訊廠營收創高。"
    assert clean_paragraph("（上市櫃公司）營收創高。") == "（上市櫃公司）營收創高。"


@pytest.mark.parametrize(
    "line",
    [
        # An outlet, desk or person beside a date or time, in the orders outlets print them.
        "財經快報記者王怡婷 台北 2026/03/18 14:30",
        "大安證券分析師 謝承翰｜2026/03/02",
        "投資小白筆記 編輯部 整理｜2026.03.12",
        "2026-02-24 by 小岑",
        "2026/02/24 By Alice Chen",
        "小岑的理財日記 ｜ 2026/03/02",
        "穩健投顧 研究員 周以恆｜2026年3月9日",
        "發布於 2026/02/23 ／ 作者：周以恆",
        "林小樹 · 6 min read",
        "文/林小樹 圖/陳阿光",
        "Posted on 2026/02/17 by 小岑",
        "Posted on March 2, 2026 by Alice",
        "2026-03-16 09:45 ｜ 產經日報 黃柏崴",
        "2026/03/16 14:05 產經日報 黃柏崴",
        "王大明／2026-03-16",
        "2026.03.16 · 王大明",
        "主筆 老吳 2026/01/05",
        "工商時報 記者 林某某 / 台北 2026-01-05",
        "115/03/16 財經快報",
        "阿哲 2026-03-16 閱讀時間 5 分鐘",
    ],
)
def test_byline_forms_are_bylines(line: str) -> None:
    assert kind_of(line) is Kind.META
    assert not is_dateline(line)  # a name beside the date: the strong mark of a title


@pytest.mark.parametrize(
    "line",
    [
        # Headings that carry a date, a year or a name, and dated headlines.
        "2026年展望：營收拚雙位數成長",
        "董事長林某某：明年是擴產年",
        "2026/03/21｜台股盤後重點",
        "2026/03/21 法說會重點整理",
        "2026/03/16｜聯準會按兵不動",
        "美國CPI 2026/03/12",
        "研究員觀點：2026年半導體三大趨勢",
        "王品董事長：2026年展店50家",
        "公司預計2026/04/17召開法說會",
    ],
)
def test_dated_headings_are_not_bylines(line: str) -> None:
    assert kind_of(line) is None


@pytest.mark.parametrize("header", ["【延伸閱讀】", "▶ 延伸閱讀：", "相關新聞》", "更多相關新聞"])
def test_related_list_headers_in_more_forms(header: str) -> None:
    body = "結尾段落，說明公司的展望與風險，字數足夠長，是一般的文章段落而不是連結。"
    lines = [body, header, "", "‧ 散熱雙雄營收同步創高", "‧ 水冷滲透率快速攀升"]
    assert drop_boilerplate(lines) == [body, ""]


def test_arrow_led_headlines_closing_a_page_are_a_related_list() -> None:
    body = "結尾段落，說明公司的展望與風險，字數足夠長，是一般的文章段落而不是連結。"
    links = ["▶ 記憶體報價連三季上漲 模組廠獲利翻倍", "→ 成熟製程降價壓力浮現"]
    assert drop_boilerplate([body, *links]) == [body]
    # Inside an article (text follows) or with a colon (a pick), arrow lines are text.
    assert drop_boilerplate([body, *links, body]) == [body, *links, body]
    picks = ["▶ 台積電：先進製程領先", "▶ 鴻海：AI伺服器出貨倍增"]
    assert drop_boilerplate([body, *picks]) == [body, *picks]
