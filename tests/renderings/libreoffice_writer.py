"""The report as a Word file (python-docx) printed by LibreOffice (`soffice --headless --convert-to pdf`).

Layout "libreoffice-a4-symbol-bullets": A4, one left-aligned column of Carlito; real Word list
styles in numbering.xml: key messages and people as Symbol-font bullets (the private-use glyph
U+F0B7, as Word and LibreOffice print bullets), recommendations numbered "1.", "2." …, the agenda
and the award criteria lettered "a)", "b)" …; bold labels; each chapter a section of its own, with
the chapter in the running header and the page number in the footer. LibreOffice does not
hyphenate: lines break only at spaces and real hyphens. The contents' page numbers come from a
first conversion (the contents stay one page, so a second conversion keeps them).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from tests.renderings import model
from tests.renderings.verify import chapter_starts

SOFFICE = os.environ.get("SOFFICE", "soffice")
BULLET, DECIMAL, LETTER = 90, 91, 92  # abstractNum ids added to the template's numbering part
LIST_FORMAT = {
    "key_messages": BULLET,
    "people": BULLET,
    "recommendations": DECIMAL,
    "agenda": LETTER,
    "criteria": LETTER,
}


def _numbering(document) -> None:
    """Add a Symbol bullet, a decimal and a lower-letter list definition to numbering.xml."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    formats = {
        BULLET: ("bullet", "\uf0b7", '<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr>'),
        DECIMAL: ("decimal", "%1.", ""),
        LETTER: ("lowerLetter", "%1)", ""),
    }
    for abstract_id, (fmt, text, run) in formats.items():
        numbering.insert(
            0,
            parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="400" w:hanging="300"/></w:pPr>{run}</w:lvl>'
                "</w:abstractNum>"
            ),
        )


def _new_list(document, abstract_id: int) -> int:
    """A w:num of its own, so every list starts again at 1 / a."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    num_id = 100 + len(numbering.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num"))
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    return num_id


def _list_item(paragraph, num_id: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().insert(
        0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _page_field(paragraph) -> None:
    """A PAGE field: the page number, filled in by the program that prints the file."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    run = paragraph.add_run()
    for xml in (
        '<w:fldChar %s w:fldCharType="begin"/>',
        '<w:instrText %s xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar %s w:fldCharType="end"/>',
    ):
        run._r.append(parse_xml(xml % nsdecls("w")))


def docx_bytes(document: model.Document, contents_pages: dict[str, int]) -> bytes:
    """The Word file of the report; `contents_pages`: chapter heading -> page for the contents."""
    import io

    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    _numbering(doc)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Carlito", Pt(10.5)
    style.paragraph_format.space_after, style.paragraph_format.line_spacing = Pt(6), 1.15
    doc.core_properties.title, doc.core_properties.author = document.title, "ICPerMed Secretariat"

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(27), Mm(25)
    section.different_first_page_header_footer = True

    def set_furniture(section, chapter: str) -> None:
        section.header.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        header.text = ""
        header.paragraph_format.tab_stops.add_tab_stop(Mm(160), WD_TAB_ALIGNMENT.RIGHT)
        run = header.add_run(f"{document.report_name}\t{chapter}")
        run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x55, 0x55, 0x55)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if not footer.runs:
            _page_field(footer)
            footer.runs[0].font.size = Pt(8)

    set_furniture(section, "")
    for text, size, bold in zip(
        document.cover_lines, (13, 26, 16, 13, 15), (False, True, False, False, False), strict=True
    ):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(30 if size == 13 and not paragraph.text else 12)
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    title = doc.add_paragraph()
    title_run = title.add_run(model.TOC_TITLE)
    title_run.bold, title_run.font.size = True, Pt(18)
    for chapter in document.chapters:
        row = doc.add_paragraph()
        row.paragraph_format.tab_stops.add_tab_stop(Mm(160), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        row.add_run(f"{chapter.heading}\t{contents_pages.get(chapter.heading, 0)}")

    for chapter in document.chapters:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        set_furniture(section, chapter.heading)
        heading = doc.add_paragraph()
        heading.paragraph_format.space_after = Pt(14)
        run = heading.add_run(chapter.heading)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(17), RGBColor(0x1F, 0x4E, 0x79)
        list_id, num_id = None, 0
        for block in chapter.blocks:
            paragraph = doc.add_paragraph()
            if block.kind == "item":
                if block.list_id != list_id:
                    list_id, num_id = block.list_id, _new_list(doc, LIST_FORMAT[block.role])
                _list_item(paragraph, num_id)
                paragraph.paragraph_format.space_after = Pt(3)
                paragraph.add_run(block.text)
                continue
            list_id = None
            if block.kind == "speaker":
                paragraph.paragraph_format.space_before, paragraph.paragraph_format.keep_with_next = Pt(10), True
                run = paragraph.add_run(block.text)
                run.bold, run.font.size, run.font.color.rgb = True, Pt(12.5), RGBColor(0x1F, 0x4E, 0x79)
            elif block.kind == "label":
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.space_after = Pt(3)
                paragraph.add_run(block.text).bold = True
            else:
                if block.label:
                    paragraph.add_run(block.label + " ").bold = True
                paragraph.add_run(block.text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def convert(docx: bytes) -> bytes:
    """PDF bytes of a Word file, by LibreOffice in a throw-away profile."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx)
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return (Path(tmp) / "report.pdf").read_bytes()


def render(transcription: dict, *, layout: str = "libreoffice-a4-symbol-bullets") -> bytes:
    """The report of `transcription` as PDF bytes (needs LibreOffice Writer)."""
    if layout != "libreoffice-a4-symbol-bullets":
        raise ValueError(f"unknown LibreOffice layout {layout!r}")
    document = model.document(transcription)
    first = convert(docx_bytes(document, {}))
    return convert(docx_bytes(document, chapter_starts(first, document)))
