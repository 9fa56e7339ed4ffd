"""The report printed by ReportLab.

Layout "reportlab-b5-zapf-soft-hyphens": B5, one justified column of DejaVu Serif; soft hyphens
(U+00AD) put into every long word by Pyphen, so ReportLab hyphenates at them (it prints "-" at
a break and drops the others); ZapfDingbats bullets ("l" ● for key messages and
recommendations, "n" ■ for people, "u" ◆ for the agenda and criteria: PyMuPDF reports the
letters); labels in the body weight, not bold, set one line step below the line before (no space
above: glued to it); paragraphs 1.24 line steps apart; justified lines that PyMuPDF returns as one
line per word. Needs DejaVu Serif (Debian's fonts-dejavu-core, or `font_dir`).

    from tests.renderings.reportlab_writer import render
    pdf_bytes = render(transcription)
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from tests.renderings import model

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BULLETS = {"key_messages": "l", "recommendations": "l", "people": "n", "agenda": "u", "criteria": "u"}
MIN_HYPHENATED = 7  # letters a word needs before Pyphen's soft hyphens go in


def _soft_hyphens(text: str, dic) -> str:
    """Every long word with U+00AD at its hyphenation points."""
    return re.sub(r"[^\W\d_]{%d,}" % MIN_HYPHENATED, lambda m: dic.inserted(m.group(0), hyphen="\u00ad"), text)


def render(transcription: dict, *, layout: str = "reportlab-b5-zapf-soft-hyphens", font_dir: Path = FONT_DIR) -> bytes:
    """The report of `transcription` (cover, contents, chapters all from the dict) as PDF bytes."""
    if layout != "reportlab-b5-zapf-soft-hyphens":
        raise ValueError(f"unknown ReportLab layout {layout!r}")
    document = model.document(transcription)
    first = _build(document, font_dir, contents_pages=None)
    return _build(document, font_dir, contents_pages=first[1])[0]


def _build(document: model.Document, font_dir: Path, contents_pages: dict | None) -> tuple[bytes, dict]:
    import pyphen
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import B5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        KeepTogether,
        ListFlowable,
        ListItem,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    for name, file in (("Serif", "DejaVuSerif.ttf"), ("Serif-Bold", "DejaVuSerif-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(font_dir / file)))
    dic = pyphen.Pyphen(lang="en_GB")
    size, leading = 9.5, 12.5
    body = ParagraphStyle(
        "body",
        fontName="Serif",
        fontSize=size,
        leading=leading,
        alignment=TA_JUSTIFY,
        spaceAfter=3,
        embeddedHyphenation=1,
    )
    label = ParagraphStyle("label", parent=body, alignment=TA_LEFT, spaceBefore=0, spaceAfter=0)
    item = ParagraphStyle("item", parent=body, spaceAfter=1.5)
    speaker = ParagraphStyle(
        "speaker",
        parent=body,
        fontName="Serif-Bold",
        fontSize=11,
        leading=14,
        spaceBefore=8,
        spaceAfter=2,
        textColor=colors.HexColor("#7a2b12"),
        alignment=TA_LEFT,
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontName="Serif-Bold", fontSize=15, leading=19, spaceAfter=12, alignment=TA_LEFT
    )
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER, fontSize=12, leading=16)

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(html.escape(_soft_hyphens(text, dic), quote=False), style)

    class Doc(BaseDocTemplate):
        def __init__(self, out):
            super().__init__(
                out,
                pagesize=B5,
                leftMargin=18 * mm,
                rightMargin=18 * mm,
                topMargin=22 * mm,
                bottomMargin=20 * mm,
                title=document.title,
                author="ICPerMed Secretariat",
            )
            frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
            self.addPageTemplates([PageTemplate("page", [frame], onPageEnd=self.furniture)])
            self.chapter, self.starts = "", {}

        def afterFlowable(self, flowable):
            if getattr(flowable, "chapter", None):
                self.chapter = flowable.chapter
                self.starts[flowable.chapter] = self.page

        def furniture(self, canvas, doc):
            if doc.page == 1:
                return
            w, h = B5
            canvas.saveState()
            canvas.setFont("Serif", 7)
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.drawString(18 * mm, h - 13 * mm, document.report_name)
            canvas.drawRightString(w - 18 * mm, h - 13 * mm, self.chapter)
            canvas.drawCentredString(w / 2, 10 * mm, str(doc.page))
            canvas.restoreState()

    story = [Spacer(1, 35 * mm)]
    cover_sizes = (12, 20, 14, 12, 13)
    for text, font_size in zip(document.cover_lines, cover_sizes, strict=True):
        style = ParagraphStyle(
            f"cover{font_size}", parent=centre, fontSize=font_size, leading=font_size * 1.3, spaceAfter=12
        )
        story.append(Paragraph(html.escape(text, quote=False), style))
    story += [PageBreak(), Paragraph(model.TOC_TITLE, heading)]
    rows = [
        [Paragraph(html.escape(c.heading, quote=False), label), str((contents_pages or {}).get(c.heading, 0))]
        for c in document.chapters
    ]
    toc = Table(rows, colWidths=[115 * mm, 15 * mm])
    toc.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("FONT", (1, 0), (1, -1), "Serif", size),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
            ]
        )
    )
    story.append(toc)

    for chapter in document.chapters:
        story.append(PageBreak())
        title = Paragraph(html.escape(chapter.heading, quote=False), heading)
        title.chapter = chapter.heading
        story.append(title)
        blocks = chapter.blocks
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if block.kind == "item":
                run = []
                while i < len(blocks) and blocks[i].kind == "item" and blocks[i].list_id == block.list_id:
                    run.append(ListItem(p(blocks[i].text, item)))
                    i += 1
                story.append(
                    ListFlowable(
                        run,
                        bulletType="bullet",
                        start=BULLETS[block.role],
                        bulletFontName="ZapfDingbats",
                        bulletFontSize=5.5,
                        leftIndent=11,
                        bulletOffsetY=-1.5,
                        spaceAfter=3,
                    )
                )
                continue
            if block.kind == "speaker":
                story.append(KeepTogether([p(block.text, speaker)]))
            elif block.kind == "label":
                story.append(p(block.text, label))
            else:
                story.append(p(block.printed, body))
            i += 1

    out = io.BytesIO()
    doc = Doc(out)
    doc.build(story)
    return out.getvalue(), doc.starts
