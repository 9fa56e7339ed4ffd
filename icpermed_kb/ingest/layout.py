"""Geometry -> reading order: pages of styled lines become a flat list of text blocks.

Pure Python. It knows about columns, running headers and footers, bullets and
paragraph gaps, but nothing about what the report says. Every threshold is
relative to the page or to the document's own body text, never an absolute
coordinate or font, so other renderings of the same report read the same.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from .records import Document, Line, Page

BULLET_GLYPHS = "•◦▪▫‣●○■□–—-*·►▸➢✓"
_BULLET_PREFIX = re.compile(rf"^\s*[{re.escape(BULLET_GLYPHS)}]\s+")
_LEADER = re.compile(r"(?:\.\s?){4,}")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d+(?:\s*(?:of|/)\s*\d+)?\s*$", re.IGNORECASE)
# Glyphs that mark a bullet even when set in the same run as the text; a dash
# there is more often punctuation ("dilemma – When …") and only counts drawn apart.
_INLINE_BULLETS = "•◦▪▫‣●○■□►▸➢✓·"
# The share of the page height, at top and bottom, where running headers and footers live.
_FURNITURE_BAND = 0.1


@dataclass
class TextLine:
    """A body line in reading order, with what the parser needs to know about it."""

    text: str
    page: int
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    bold: bool
    bold_prefix: str
    bullet: bool
    column: int  # 0 full width or single column, 1 left, 2 right
    contents: bool = False  # on a table-of-contents page


@dataclass
class Block:
    """A paragraph, a bullet item or a heading: consecutive lines read as one unit."""

    lines: list[TextLine] = field(default_factory=list)
    bullet: bool = False

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def bold(self) -> bool:
        return self.lines[0].bold

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def raw_lines(self) -> list[str]:
        return [line.text for line in self.lines]


def body_size(document: Document) -> float:
    """The font size most characters are set in."""
    sizes: Counter[float] = Counter()
    for page in document.pages:
        for line in page.lines:
            for span in line.spans:
                sizes[round(span.size, 1)] += len(span.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def reading_order(document: Document) -> list[TextLine]:
    """Every body line of the document in reading order, furniture removed."""
    body = body_size(document)
    furniture = _furniture_keys(document, body)
    result: list[TextLine] = []
    for page in document.pages:
        lines = [line for line in page.lines if _furniture_key(page, line, body) not in furniture]
        lines = [line for line in lines if not _is_page_number(page, line, body)]
        result.extend(_page_in_reading_order(page, lines))
    return result


def blocks(lines: list[TextLine], body: float) -> list[Block]:
    """Group reading-ordered lines into blocks by bullets, gaps, headings and indents."""
    result: list[Block] = []
    pitch = _line_pitch(lines)
    edges = _column_edges(lines)
    previous: TextLine | None = None
    for line in lines:
        if previous is None or _starts_block(previous, line, pitch, edges, body):
            result.append(Block(bullet=line.bullet))
        result[-1].lines.append(line)
        previous = line
    return result


def _starts_block(previous: TextLine, line: TextLine, pitch: float, edges, body: float) -> bool:
    if line.bullet:
        return True
    heading = _is_heading(line, body)
    if heading != _is_heading(previous, body):
        return True
    if heading:
        # A heading set on two lines stays one block.
        return line.page != previous.page or line.y0 - previous.y1 > pitch
    if line.bold and line.bold_prefix.rstrip().endswith(":") and not previous.bold:
        return True
    if previous.bold_prefix == previous.text and previous.text.endswith(":") and not line.bold:
        return True  # text after a label that stands alone on its line is a block of its own
    same_flow = line.page == previous.page and line.column == previous.column and line.y0 > previous.y0
    if same_flow:
        return line.y0 - previous.y0 > pitch * 1.35
    # A new column or page: continue the open block only if the text clearly runs on.
    left, right = edges.get((line.page, line.column), (line.x0, line.x1))
    prev_left, prev_right = edges.get((previous.page, previous.column), (previous.x0, previous.x1))
    indented = line.x0 - left > (right - left) * 0.015
    previous_full = previous.x1 >= prev_right - (prev_right - prev_left) * 0.03
    runs_on = previous_full or line.text[:1].islower() or not previous.text.rstrip().endswith((".", ":", "!", "?"))
    if line.bold and not previous.bold:
        return True
    return not (runs_on and (indented or previous_full or line.text[:1].islower()))


def is_heading_size(size: float, body: float) -> bool:
    """A heading is set clearly larger than body text."""
    return size > body * 1.08


def _is_heading(line: TextLine, body: float) -> bool:
    return is_heading_size(line.size, body)


def _line_pitch(lines: list[TextLine]) -> float:
    steps = [
        b.y0 - a.y0
        for a, b in pairwise(lines)
        if a.page == b.page and a.column == b.column and 0 < b.y0 - a.y0 < 40
    ]
    return statistics.median(steps) if steps else 12.0


def _column_edges(lines: list[TextLine]) -> dict[tuple[int, int], tuple[float, float]]:
    """The left and right edge of every column, from the whole document's lines."""
    lefts: dict[int, list[float]] = {}
    rights: dict[int, list[float]] = {}
    for line in lines:
        lefts.setdefault(line.column, []).append(line.x0)
        rights.setdefault(line.column, []).append(line.x1)
    edges = {}
    for line in lines:
        column = line.column
        edges[(line.page, column)] = (min(lefts[column]), max(rights[column]))
    return edges


def _furniture_key(page: Page, line: Line, body: float) -> tuple[str, str] | None:
    """Lines in the top or bottom band no bigger than body text may be running headers."""
    if line.size > body * 1.05 or not any(char.isalnum() for char in line.text):
        return None
    if line.y1 <= page.height * _FURNITURE_BAND:
        band = "top"
    elif line.y0 >= page.height * (1 - _FURNITURE_BAND):
        band = "bottom"
    else:
        return None
    return band, re.sub(r"\d+", "#", " ".join(line.text.split()).lower())


def _furniture_keys(document: Document, body: float) -> set:
    """Band texts repeated on several pages: running headers and footers."""
    pages_per_key: Counter = Counter()
    for page in document.pages:
        keys = {_furniture_key(page, line, body) for line in page.lines}
        pages_per_key.update(key for key in keys if key)
    repeated = {key for key, count in pages_per_key.items() if count >= 2}
    # A chapter of one page prints its name in the header once: a header line is
    # smaller than body text, so band lines set small count as furniture too.
    for page in document.pages:
        for line in page.lines:
            key = _furniture_key(page, line, body)
            if key and line.size < body * 0.95:
                repeated.add(key)
    return repeated


def _is_page_number(page: Page, line: Line, body: float) -> bool:
    in_band = line.y1 <= page.height * _FURNITURE_BAND or line.y0 >= page.height * (1 - _FURNITURE_BAND)
    return in_band and bool(_PAGE_NUMBER.match(line.text))


def is_contents_page(lines: list[Line]) -> bool:
    """A page with several dot leaders is a table of contents."""
    return sum(1 for line in lines if _LEADER.search(line.text)) >= 3


def _page_in_reading_order(page: Page, lines: list[Line]) -> list[TextLine]:
    if is_contents_page(lines):
        # Entries are rows: read them top to bottom, left to right, as one column.
        rows = sorted(lines, key=lambda line: (round((line.y0 + line.y1) / 2 / 3), line.x0))
        return [_text_line(page, line, False, 0, contents=True) for line in rows]
    lines = _attach_bullets(lines)
    middle = page.width / 2
    margin = page.width * 0.02
    right_starters = [line for line, _ in lines if line.x0 >= middle - margin]
    left_enders = [line for line, _ in lines if line.x1 <= middle + margin and line.x0 < middle - margin]
    # One line starting right of the middle is enough (a chapter's last page may hold a
    # short right column); one-column pages have no such lines once headers are gone.
    two_columns = len(right_starters) >= 1 and len(left_enders) >= 1

    def column_of(line: Line) -> int:
        if not two_columns:
            return 0
        if line.x0 >= middle - margin:
            return 2
        if line.x1 <= middle + margin:
            return 1
        return 0

    # Full-width lines cut the page into bands; within a band, left column then right.
    placed = [(line, bullet, column_of(line)) for line, bullet in lines]
    placed.sort(key=lambda item: item[0].y0)
    ordered: list[tuple[Line, bool, int]] = []
    band: list[tuple[Line, bool, int]] = []
    for item in placed:
        if item[2] == 0:
            ordered.extend(sorted(band, key=lambda i: (i[2], i[0].y0, i[0].x0)))
            band = []
            ordered.append(item)
        else:
            band.append(item)
    ordered.extend(sorted(band, key=lambda i: (i[2], i[0].y0, i[0].x0)))
    return [_text_line(page, line, bullet, column) for line, bullet, column in ordered]


def _attach_bullets(lines: list[Line]) -> list[tuple[Line, bool]]:
    """Fold a bullet glyph drawn on its own into the text line beside it."""
    glyphs = [line for line in lines if len(line.text.strip()) == 1 and line.text.strip() in BULLET_GLYPHS]
    others = [line for line in lines if line not in glyphs]
    bulleted: set[int] = set()
    for glyph in glyphs:
        middle = (glyph.y0 + glyph.y1) / 2
        candidates = [
            (line.x0 - glyph.x1, index)
            for index, line in enumerate(others)
            if line.y0 <= middle <= line.y1 and line.x0 >= glyph.x1 - 0.5
        ]
        if candidates:
            bulleted.add(min(candidates)[1])
    result = []
    for index, line in enumerate(others):
        if _BULLET_PREFIX.match(line.text) and line.text.strip()[:1] in _INLINE_BULLETS:
            result.append((line, True))
        else:
            result.append((line, index in bulleted))
    return result


def _text_line(page: Page, line: Line, bullet: bool, column: int, contents: bool = False) -> TextLine:
    text = line.text
    if bullet and _BULLET_PREFIX.match(text) and text.strip()[:1] in _INLINE_BULLETS:
        text = _BULLET_PREFIX.sub("", text, count=1)
    bold_prefix = ""
    for span in line.spans:
        if not span.bold:
            break
        bold_prefix += span.text
    return TextLine(
        text=" ".join(text.split()),
        page=page.number,
        x0=line.x0,
        x1=line.x1,
        y0=line.y0,
        y1=line.y1,
        size=line.size,
        bold=line.bold,
        bold_prefix=" ".join(bold_prefix.split()),
        bullet=bullet,
        column=column,
        contents=contents,
    )
