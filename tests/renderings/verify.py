"""Check that a printing says what the transcription says, without our parser.

The printed text is read with PyMuPDF's plain text (content-stream order) and, where that order
is not the reading order, with poppler's pdftotext; the running header and footer are cut off by
the page's body area. Every printed block of the document model (tests/renderings/model.py) must
then be found, in order, in the body text compared letter by letter: spaces, line breaks, hyphens
and soft hyphens, list markers (bullets, ZapfDingbats letters, private-use glyphs, numbers) only
ever sit between letters, so leaving them out keeps the check exact about words and order and
neutral about how each producer marks lists and breaks lines. The contents must list every
chapter with the page it starts on, and the cover must carry title, edition, place and dates.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tests.renderings import model

MAX_BYTES = 400 * 1024


def letters(text: str) -> str:
    """Only letters and digits (composed, case kept): what no layout may change."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if c.isalnum())


@dataclass
class Report:
    pages: int
    size: int
    blocks: int
    found: int
    problems: list[str]

    def summary(self) -> str:
        return f"{self.pages} pages, {self.size} bytes, {self.found}/{self.blocks} blocks in order, {len(self.problems)} problem(s)"


def page_texts(pdf: Path, top: float, bottom: float, engine: str) -> list[str]:
    """Each page's text between `top` and `bottom` points from the edge (header, footer cut off)."""
    import pymupdf

    doc = pymupdf.open(pdf)
    texts = []
    for number, page in enumerate(doc, start=1):
        w, h = page.rect.width, page.rect.height
        if engine == "pymupdf":
            texts.append(page.get_text(clip=pymupdf.Rect(0, top, w, h - bottom)))
        else:
            texts.append(
                subprocess.run(
                    [
                        "pdftotext",
                        "-f",
                        str(number),
                        "-l",
                        str(number),
                        "-x",
                        "0",
                        "-y",
                        str(int(top)),
                        "-W",
                        str(int(w)),
                        "-H",
                        str(int(h - top - bottom)),
                        str(pdf),
                        "-",
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
    return texts


def chapter_starts(pdf: bytes, document: model.Document, after_page: int = 2) -> dict[str, int]:
    """Chapter heading -> first page after the contents whose text holds it (for two-pass contents)."""
    import pymupdf

    pages = [letters(page.get_text()) for page in pymupdf.open(stream=pdf, filetype="pdf")]
    return {
        c.heading: next(i + 1 for i, text in enumerate(pages) if i + 1 > after_page and letters(c.heading) in text)
        for c in document.chapters
    }


def find_in_order(haystack: str, needles: list[tuple[str, str]]) -> tuple[int, list[str]]:
    pos, found, problems = 0, 0, []
    for what, text in needles:
        needle = letters(text)
        at = haystack.find(needle, pos)
        if at < 0:
            where = "out of order" if haystack.find(needle) >= 0 else "missing"
            problems.append(f"{what} {where}: {text[:70]!r}")
            continue
        pos, found = at + len(needle), found + 1
    return found, problems


def verify(
    pdf: Path, transcription: dict, top: float, bottom: float, engine: str = "pymupdf", contents_page: int = 2
) -> Report:
    """Check one printing; top/bottom: the header and footer bands to leave out, in points."""
    document = model.document(transcription)
    texts = page_texts(pdf, top, bottom, engine)
    problems: list[str] = []
    size = pdf.stat().st_size
    if size > MAX_BYTES:
        problems.append(f"{size} bytes (> {MAX_BYTES})")

    cover = letters(texts[0])
    for line in document.cover_lines:
        if letters(line) not in cover:
            problems.append(f"cover lacks {line!r}")

    # Chapter starts: the first page after the contents whose body holds the heading.
    body_pages = [letters(t) for t in texts]
    starts = {}
    for chapter in document.chapters:
        pages = [i + 1 for i, t in enumerate(body_pages) if i + 1 > contents_page and letters(chapter.heading) in t]
        if not pages:
            problems.append(f"heading {chapter.heading!r} not printed")
            continue
        starts[chapter.heading] = pages[0]
    contents = re.sub(r"\s+", " ", texts[contents_page - 1])
    if model.TOC_TITLE not in contents:
        problems.append("no contents title")
    for heading, page in starts.items():
        row = re.search(re.escape(heading) + r"[\s.·…\u2060]*?(\d+)\b", contents)
        if not row:
            problems.append(f"no contents row for {heading!r}")
        elif int(row.group(1)) != page:
            problems.append(f"contents say {heading!r} is on p.{row.group(1)}, it starts on p.{page}")

    needles = []
    for chapter in document.chapters:
        needles.append(("heading", chapter.heading))
        needles += [(block.kind, block.printed) for block in chapter.blocks]
    # joined across pages: a block may run on overleaf
    found, missing = find_in_order(letters("".join(texts[contents_page:])), needles)
    problems += missing
    return Report(len(texts), size, len(needles), found, problems)
