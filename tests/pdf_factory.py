"""Generate broker-style Traditional-Chinese PDF reports for tests and benchmarks.

Every text here is our own composition.  The reports are built the way real research
PDFs are laid out, so the reader is tested on what it will meet: reportlab's built-in
CID font for Traditional Chinese (``MSung-Light``, text stored as CIDs with a CMap, no
embedded glyphs), a running header and footer with a page number on every page, a
disclaimer repeated at the foot of each page, a title and headings set larger (some
in a bold face, ``MSung-Light,Bold``), a table of figures, and optionally a page in two
columns.  ``expected_text`` gives what a perfect reader would recover, in order, for
fidelity measurements (``bench/pdf.py``).

Needs reportlab (test extra).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TITLE = "先進封裝與AI伺服器供應鏈展望"
HEADER = "寶島證券投資顧問 產業研究報告｜2026年11月"
DISCLAIMER = "本報告內容僅供參考，不構成任何投資建議，投資人應審慎評估並自負盈虧。"

# Body paragraphs, composed for these tests: an analyst's voice, figures with units.
PARAGRAPHS = (
    "受惠於雲端服務業者持續擴大資本支出，AI伺服器出貨量今年預估年增四成，帶動先進封裝產能供不應求。"
    "我們認為，晶圓代工龍頭的CoWoS月產能將在明年底前倍增，相關設備與材料供應商的營收能見度已延伸至2027年。",
    "從財報來看，封測大廠第三季營收達新台幣1,620億元，季增8.5%，毛利率回升至24.3%，優於市場預期。"
    "管理層表示，高階測試需求強勁，明年資本支出將較今年增加兩成以上，主要投入先進封裝與測試產線。",
    "散熱模組廠同樣受惠於功耗提升，液冷方案滲透率預估由今年的一成提升至明年的三成。"
    "由於單機櫃功耗突破一百二十千瓦，水冷板與分歧管的單價較氣冷方案高出五倍以上，毛利率結構明顯改善。",
    "不過，我們也提醒投資人留意庫存調整的風險。部分二線品牌客戶在第四季放緩拉貨，"
    "電源供應器與機殼廠的訂單出現遞延，短期營收動能可能低於先前預期。",
    "在評價方面，目前族群本益比約為明年預估每股盈餘的十八倍，低於過去五年平均的二十二倍。"
    "考量獲利成長率仍有三成以上，我們維持產業正向看法，並建議逢回分批布局具技術門檻的公司。",
    "載板產業則處於築底階段，ABF載板稼動率由年初的六成回升至七成五，但價格仍承受壓力。"
    "我們預期高層數載板的需求將隨新一代加速器平台放量而改善，明年下半年有機會出現供需反轉。",
)

SENTENCES = tuple(
    sentence + "。" for text in PARAGRAPHS for sentence in text.split("。") if sentence
)


def paragraph(number: int) -> str:
    """The ``number``-th paragraph: sentences of the pool, a different choice each time.

    Two sentences for the first 132 paragraphs (about ten pages), a third after that,
    unique up to 1,320 paragraphs, so reading order can be checked paragraph by
    paragraph even in a long report.
    """
    count = len(SENTENCES)
    first = number % count
    second = (first + 1 + (number // count) % (count - 1)) % count
    text = SENTENCES[first] + SENTENCES[second]
    rounds = number // (count * (count - 1))
    if rounds:
        text += SENTENCES[(second + rounds) % count]
    return text


HEADINGS = (
    "一、產業概況",
    "二、封測廠營運分析",
    "散熱方案的結構性轉變",
    "三、短期風險",
    "評價與投資建議",
    "載板產業循環",
)

TABLE = (
    ("公司", "代號", "2025營收(億元)", "年增率", "目標價(元)"),
    ("日月光投控", "3711", "6,120", "12.5%", "210"),
    ("京元電子", "2449", "412", "18.2%", "145"),
    ("奇鋐", "3017", "1,055", "45.8%", "980"),
    ("欣興", "3037", "1,248", "9.6%", "205"),
)
TABLE_CAPTION = "表一、主要公司營運預估"


CHART_CAPTION = "圖一、AI伺服器出貨量預估（萬台）"
CHART_LABELS = ("2024", "2025", "2026F", "出貨量", "年增率")


def _chart_class():  # type: ignore[no-untyped-def]
    from reportlab.platypus import Flowable

    class Chart(Flowable):  # type: ignore[misc]
        """Bars, tick labels, a legend and a caption inside one form XObject."""

        def __init__(self, font: str) -> None:
            super().__init__()
            self.font = font
            self.width, self.height = 300, 150

        def draw(self) -> None:
            canvas = self.canv
            canvas.beginForm("chart", 0, 0, self.width, self.height)
            canvas.setFont(self.font, 10)
            canvas.drawString(0, 138, CHART_CAPTION)
            canvas.setFont(self.font, 7)
            for i, (year, value) in enumerate(zip(CHART_LABELS[:3], (40, 65, 90), strict=True)):
                canvas.rect(30 + i * 70, 20, 30, value, fill=1)
                canvas.drawString(32 + i * 70, 8, year)
            canvas.drawString(250, 100, CHART_LABELS[3])
            canvas.drawString(250, 88, CHART_LABELS[4])
            canvas.endForm()
            canvas.doForm("chart")

    return Chart


def _Chart(font: str):  # type: ignore[no-untyped-def]  # a flowable, its class built lazily
    return _chart_class()(font)


@dataclass
class Report:
    """What was put in a generated PDF, for checking what a reader recovers."""

    path: Path
    title: str
    headings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    """Title, headings, paragraphs and table rows (cells joined by spaces), in order."""
    pages: int = 0

    def expected_text(self) -> str:
        """The content a reader should keep, in reading order (no header/footer)."""
        return "\n".join(self.blocks)


BODY_FONT = "MSung-Light"
BOLD_FONT = "MSung-Light,Bold"
"""The ``,Bold`` suffix is how Word and other Windows producers name a synthesised bold
of a CJK font (``PMingLiU,Bold``), with the ForceBold flag set: the usual way headings
in Taiwanese reports are bold without a bold font file."""


def _cns_font():  # type: ignore[no-untyped-def]
    """reportlab's MSung-Light, named with the CMap of its own character collection.

    reportlab (5.x) labels MSung-Light's UTF-16 text ``UniGB-UCS2-H``, the CMap of the
    Simplified collection, so viewers and extractors map the codes to the wrong CNS1
    glyphs; ``UniCNS-UCS2-H`` is the Traditional one.  The bytes written are the same.
    """
    from reportlab.pdfbase import cidfonts

    font = cidfonts.UnicodeCIDFont(BODY_FONT)
    font.encodingName = "UniCNS-UCS2-H"
    return font


def _fonts() -> tuple[str, str]:
    import copy

    from reportlab.pdfbase import cidfonts, pdfmetrics

    registered = pdfmetrics.getRegisteredFontNames()
    if BODY_FONT not in registered:
        pdfmetrics.registerFont(_cns_font())
    if BOLD_FONT not in registered:
        info = copy.deepcopy(cidfonts.CIDFontInfo[BODY_FONT])
        info["BaseFont"] = f"/{BOLD_FONT}"
        descendant = info["DescendantFonts"][0]
        descendant["BaseFont"] = f"/{BOLD_FONT}"
        descendant["FontDescriptor"]["FontName"] = f"/{BOLD_FONT}"
        descendant["FontDescriptor"]["Flags"] |= 1 << 18  # ForceBold
        cidfonts.CIDFontInfo[BOLD_FONT] = info
        bold = _cns_font()
        bold.face.name = bold.name = bold.fontName = BOLD_FONT
        pdfmetrics.registerFont(bold)
    return BODY_FONT, BOLD_FONT


def build_report(
    path: Path,
    *,
    sections: int = 6,
    two_columns: bool = False,
    table: bool = True,
    header: bool = True,
    title: str = TITLE,
    author: str | None = None,
    metadata_title: str | None = None,
    plain: bool = False,
    chart: bool = False,
    leading: float = 16,
    password: str | None = None,
) -> Report:
    """Write a report of ``sections`` sections (about a third of a page each) to ``path``.

    ``plain`` sets every line in the body font and size (a PDF whose headings are not
    set apart by type); ``password`` encrypts it with that user password; ``chart`` adds
    a bar chart after the first section, drawn as a form XObject with axis labels, a
    legend and a caption (``CHART_LABELS``, ``CHART_CAPTION``), as office software does.

    Each section is a heading (16 pt, alternately in the body font and in a second,
    heavier font) and paragraphs at 10.5 pt; the table follows the second section.
    With ``two_columns`` the pages are set in two frames side by side.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    body_font, heavy_font = _fonts()
    body = ParagraphStyle(
        "body", fontName=body_font, fontSize=10.5, leading=leading, wordWrap="CJK", spaceAfter=6
    )
    fonts = (body_font, heavy_font)
    title_style = ParagraphStyle(
        "title",
        fontName=body_font if plain else heavy_font,
        fontSize=10.5 if plain else 22,
        leading=16 if plain else 28,
        spaceAfter=12,
        wordWrap="CJK",
    )
    report = Report(path=path, title=title)
    width, height = A4
    margin = 20 * mm

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        if header:
            canvas.setFont(body_font, 8)
            canvas.drawString(margin, height - 12 * mm, HEADER)
        canvas.setFont(body_font, 7.5)
        canvas.drawString(margin, 14 * mm, DISCLAIMER)
        canvas.setFont(body_font, 8)
        canvas.drawCentredString(width / 2, 9 * mm, f"第 {doc.page} 頁")
        canvas.restoreState()

    if two_columns:
        gap = 6 * mm
        column = (width - 2 * margin - gap) / 2
        frames = [
            Frame(margin, margin, column, height - 2 * margin, id="left"),
            Frame(margin + column + gap, margin, column, height - 2 * margin, id="right"),
        ]
    else:
        frames = [Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="body")]
    doc = BaseDocTemplate(
        str(path),
        pagesize=A4,
        pageTemplates=[PageTemplate(id="page", frames=frames, onPage=decorate)],
        title=metadata_title or "",
        author=author or "",
        encrypt=password,
        invariant=1,  # fixed dates and ids: the same bytes on every run
    )
    story: list[object] = [Paragraph(title, title_style)]
    report.blocks.append(title)
    for index in range(sections):
        heading = HEADINGS[index % len(HEADINGS)]
        if index >= len(HEADINGS):
            heading = f"{heading}（續{index // len(HEADINGS)}）"
        style = ParagraphStyle(
            f"h{index}",
            fontName=body_font if plain else fonts[index % 2],
            fontSize=10.5 if plain else 16,
            leading=22,
            spaceBefore=10,
            spaceAfter=6,
        )
        story.append(Paragraph(heading, style))
        report.headings.append(heading)
        report.blocks.append(heading)
        for _ in range(4):
            text = paragraph(len(report.paragraphs))
            story.append(Paragraph(text, body))
            report.paragraphs.append(text)
            report.blocks.append(text)
        if chart and index == 0:
            story.append(_Chart(body_font))
            report.blocks.append(CHART_CAPTION)
        if table and index == 1:
            caption = ParagraphStyle("caption", parent=body, fontSize=10)
            story.append(Paragraph(TABLE_CAPTION, caption))
            report.paragraphs.append(TABLE_CAPTION)
            report.blocks.append(TABLE_CAPTION)
            grid = Table([list(row) for row in TABLE], hAlign="LEFT")
            grid.setStyle(
                TableStyle(
                    [
                        ("FONT", (0, 0), (-1, -1), body_font, 10),
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                    ]
                )
            )
            story.append(grid)
            story.append(Spacer(1, 8))
            report.blocks.extend(" ".join(row) for row in TABLE)
    doc.build(story)
    report.pages = doc.page
    return report


def build_scan(path: Path) -> Path:
    """A PDF of pages without a text layer (vector shapes only), like a scanned report."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(3):
        for row in range(40):
            pdf.rect(60, 760 - row * 18, 300 + (row * 37 + page * 11) % 170, 8, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def build_bomb(path: Path, gigabytes: int = 2) -> Path:
    """A one-page PDF whose content stream inflates to ``gigabytes`` GB of zeros.

    About 1 MB per GB on disk.  Each 16 MB of zeros is deflated once, closed with a full
    flush (byte-aligned, no history), and the block repeated, so writing it costs a
    fraction of a second; the zlib trailer's Adler-32 of n zeros is (n mod 65521) << 16 | 1.
    """
    import struct
    import zlib

    chunk = 1 << 24
    blocks = gigabytes * 64
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(bytes(chunk)) + deflate.flush(zlib.Z_FULL_FLUSH)
    size = blocks * chunk
    stream = (
        b"\x78\xda" + block * blocks + deflate.flush() + struct.pack(">I", (size % 65521) << 16 | 1)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path
