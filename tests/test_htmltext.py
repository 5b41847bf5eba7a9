"""HTML headings and boilerplate: h2–h6 and bold-only paragraphs start sections, for HTML
pages (trafilatura's tree) and feed entries (HTML fragments) alike."""

from __future__ import annotations

from collections.abc import Sequence

from digests.models import Section
from digests.sources.html_page import parse_html_page
from digests.sources.htmltext import fragment_blocks, is_heading_text, sections_from_blocks

BODY = """
<p>記者林家豪／台北報導</p>
<p>（中央社記者林家豪台北3日電）光通訊元件廠今天公布第三季財報，營收年增35%，毛利率達到38.2%，
改寫歷史新高，公司表示高速雷射晶片的產能利用率維持滿載，擴產計畫將提前半年完成。</p>
<p><strong>營收年增35%，毛利率創新高</strong></p>
<p>法人分析，高階產品比重提升是毛利率改善的主因，200G以上雷射晶片的單價約為傳統產品的三倍，
隨著出貨比重從兩成提高到四成，獲利結構將持續優化，明年營收成長幅度有機會超過三成。</p>
<h5>海外布局</h5>
<p>公司在泰國的新廠預計明年第二季量產，初期月產能約為現有產能的三成，主要供應北美雲端客戶，
美國客戶也要求在亞洲以外建立第二供應來源，公司正在評估在墨西哥設置後段封裝產線的可行性。</p>
<p><b>資本支出</b></p>
<p>今年資本支出從原先規劃的30億元上修至45億元，其中<b>矽光子封裝</b>與測試產線占六成以上，
公司強調新產能將優先供應已簽訂長約的客戶，以降低擴產後產能閒置的風險，財務結構仍然穩健。</p>
<p><strong>公司強調，新產能將優先供應已簽訂長約的客戶，以降低擴產後產能閒置的風險。</strong></p>
<h6>風險</h6>
<p>主要風險包括上游數位訊號處理器交期長達40週，以及新台幣升值帶來的匯兌損失，
公司表示已提高備料水位並加強避險操作，對全年獲利的影響可望控制在一個百分點以內。</p>
<p>延伸閱讀</p>
<ul><li>矽光子量產元年 光通訊廠明年營收看增三成</li><li>800G模組出貨倍增 供應鏈搶擴產</li></ul>
<p>👉 加入LINE@好友，搶先收到最新產業分析：https://lin.ee/opt123</p>
<p>免責聲明：本文僅供參考，不構成任何投資建議，投資人應自行判斷並承擔投資風險。</p>
"""

PAGE = f"""<!doctype html><html><head><meta charset="utf-8">
<title>光通訊廠第三季毛利率創新高 - 範例財經</title>
<meta property="og:title" content="光通訊廠第三季毛利率創新高">
</head><body><nav><a href="/">首頁</a></nav><article><h1>光通訊廠第三季毛利率創新高</h1>
{BODY}</article><footer>© 2025 範例財經</footer></body></html>"""

HEADINGS = ["營收年增35%，毛利率創新高", "海外布局", "資本支出", "風險"]
BOILERPLATE_MARKERS = ("記者林家豪", "LINE@", "免責聲明", "延伸閱讀", "800G模組出貨倍增")


def _lines(sections: Sequence[Section]) -> list[str]:
    return [line for s in sections for line in (s.heading, *s.paragraphs)]


def _check(sections: Sequence[Section]) -> None:
    assert [s.heading for s in sections if s.heading] == HEADINGS
    lines = _lines(sections)
    for marker in BOILERPLATE_MARKERS:
        assert not any(marker in line for line in lines), marker
    # The inline byline is trimmed; emphasis inside a sentence and a bold sentence stay prose.
    assert lines[1].startswith("光通訊元件廠今天公布")
    assert any("矽光子封裝" in p for s in sections for p in s.paragraphs)
    assert any(p.startswith("公司強調，新產能") for s in sections for p in s.paragraphs)


def test_html_page_bold_and_h5_h6_headings() -> None:
    [article] = parse_html_page(PAGE, "page.html")
    assert article.title == "光通訊廠第三季毛利率創新高"
    _check(article.sections)


def test_feed_fragment_uses_the_same_rules() -> None:
    sections = sections_from_blocks(fragment_blocks(BODY), "光通訊廠第三季毛利率創新高")
    _check(sections)


def test_bold_heading_text() -> None:
    assert is_heading_text("營收年增35%，毛利率創新高")
    assert not is_heading_text("公司強調新產能將優先供應長約客戶。")
    assert not is_heading_text("一" * 80)


def test_boilerplate_heading_is_dropped() -> None:
    blocks = [
        ("para", "第一段內容，說明公司的營運狀況與展望，字數足夠長，是一般的文章段落。"),
        ("head", "相關新聞"),
        ("para", "半導體設備在地化 台廠的下一步"),
        ("head", "免責聲明"),
        ("para", "本文僅供參考，不構成任何投資建議。"),
    ]
    [section] = sections_from_blocks(blocks, "標題")
    assert section.heading == ""
    assert section.paragraphs == (blocks[0][1],)


def test_bold_question_is_text_of_its_section() -> None:
    """Interviews often bold the question: it is the answer's context, not a heading."""
    blocks = fragment_blocks(
        "<h3>法說會問答</h3>"
        "<p><strong>問：新產能何時開出？</strong></p><p>答：竹北新廠預計7月量產。</p>"
        "<p><b>Q2. 毛利率能否維持？</b></p><p>A2. 產品組合改善，全年毛利率可望維持在45%以上。</p>"
    )
    [section] = sections_from_blocks(blocks, "晶測法說會")
    assert section.heading == "法說會問答"
    assert section.paragraphs[0] == "問：新產能何時開出？"
    assert len(section.paragraphs) == 4
