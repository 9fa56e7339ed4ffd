"""Geometry -> reading order -> blocks: pages of styled lines become a flat list of text blocks.

Pure Python. It knows about columns, running headers and footers, list markers and paragraph
gaps, but nothing about what the report says (the parser hands it a label matcher). Nothing here
depends on one printing: columns come from where each page's lines start and end, paragraph
breaks from the document's own measured line pitch, list markers from what stands left of a
line (a glyph of any font, a number, a drawn shape), and every threshold is relative to the
page or to the document's body text size.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise
from typing import Protocol

from .records import Document, Line, Mark, Page, Span

# Glyphs that only ever mark a list item at a line start, in any font.
BULLET_GLYPHS = "•◦▪▫‣●○■□►▸▹➢➤➔→✓✔❖◆◇∙⦁⁃"
# Glyphs that mark an item only when set apart from the text (a hanging indent, their own span):
# at a line start inside a paragraph they are punctuation ("perspective – A look …").
DASH_GLYPHS = "–—-*·"
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]")
# Fonts whose characters are pictures, whatever letter PyMuPDF reports for them (ZapfDingbats "l").
_PICTURE_FONT = re.compile(r"dingbat|symbol|wingding|webding", re.IGNORECASE)
_LEADER = re.compile(r"(?:\.\s?){4,}")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d+(?:\s*(?:of|/)\s*\d+)?\s*$", re.IGNORECASE)
# The share of the page height, at top and bottom, where running headers and footers live.
_FURNITURE_BAND = 0.1
# Where set-aside characters are counted (see Flow.set_aside).
FURNITURE = "running headers and footers"
PAGE_NUMBERS = "page numbers"
CONTENTS = "contents"
MARKERS = "list markers"


class LabelMatcher(Protocol):
    """What the parser tells the layout about its printed labels ("Moderator:", "Conclusions of …:")."""

    def starts(self, text: str) -> bool:
        """True when a line starting with `text` starts a label (perhaps printed over several lines)."""

    def rest(self, text: str) -> str | None:
        """What follows the label in `text` (its lines joined so far) once the label is complete, else None."""


@dataclass(slots=True)
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
    column: int  # 0: crosses the page's columns (or the page has one); 1, 2, 3…: left to right
    contents: bool = False  # on a table-of-contents page
    baseline: float = 0.0
    left: float = 0.0  # the edges of the line's column on its page
    right: float = 0.0
    marker_x0: float | None = None  # where its list marker starts and ends, when it has one
    marker_x1: float | None = None
    justified: bool = False  # its column's lines end at one edge (`right`)
    columns: int = 1  # how many columns its page has
    lone_marker: bool = False  # a list marker that marks no line of its column (yet)

    @property
    def chars(self) -> int:
        """Printed characters, spaces not counted: the unit of the ingestion's accounting."""
        return len(self.text) - self.text.count(" ")


@dataclass
class Block:
    """A paragraph, a list item, a label or a heading: consecutive lines read as one unit."""

    lines: list[TextLine] = field(default_factory=list)
    bullet: bool = False
    use: str | None = None  # where the parser put its text (see parser._Ledger)

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

    @property
    def chars(self) -> int:
        return sum(line.chars for line in self.lines)

    def boxes(self) -> list[dict]:
        """The regions the block is printed in: one per page column it runs through, in reading order."""
        boxes: list[dict] = []
        key = None
        for line in self.lines:
            x0 = line.x0 if line.marker_x0 is None else min(line.x0, line.marker_x0)
            if (line.page, line.column) != key:
                key = (line.page, line.column)
                boxes.append({"page": line.page, "x0": x0, "y0": line.y0, "x1": line.x1, "y1": line.y1})
                continue
            box = boxes[-1]
            box.update(x0=min(box["x0"], x0), y0=min(box["y0"], line.y0), x1=max(box["x1"], line.x1))
            box["y1"] = max(box["y1"], line.y1)
        return [{**box, **{k: round(box[k], 1) for k in ("x0", "y0", "x1", "y1")}} for box in boxes]


@dataclass
class Flow:
    """The document's body lines in reading order, and the characters set aside on the way."""

    lines: list[TextLine]
    set_aside: Counter = field(default_factory=Counter)


def _line_chars(line: Line) -> int:
    text = line.text
    return sum(1 for char in text if not char.isspace())


def body_size(document: Document) -> float:
    """The font size most characters are set in."""
    sizes: Counter[float] = Counter()
    for page in document.pages:
        for line in page.lines:
            for span in line.spans:
                sizes[round(span.size, 1)] += len(span.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def reading_order(document: Document, body: float | None = None) -> Flow:
    """Every body line of the document in reading order, furniture removed and counted."""
    body = body or body_size(document)
    furniture = _furniture_lines(document, body)
    flow = Flow(lines=[])
    for page in document.pages:
        lines = []
        for line in page.lines:
            if id(line) in furniture:
                flow.set_aside[FURNITURE] += _line_chars(line)
            elif _is_page_number(page, line, body):
                flow.set_aside[PAGE_NUMBERS] += _line_chars(line)
            else:
                lines.append(line)
        if is_contents_page(lines):
            # Entries are rows: read them top to bottom, left to right, as one column.
            rows = sorted(lines, key=lambda line: (round((line.y0 + line.y1) / 2 / 3), line.x0))
            flow.set_aside[CONTENTS] += sum(_line_chars(line) for line in rows)
            flow.lines.extend(_text_line(page, line, False, 0, (0.0, page.width), contents=True) for line in rows)
            continue
        flow.lines.extend(_page_in_reading_order(page, lines, body, flow.set_aside))
    _markers_before_a_break(flow)
    _share_column_edges(flow.lines, body)
    return flow


def _markers_before_a_break(flow: Flow) -> None:
    """A marker left alone at the foot of a column or page marks the line that starts the next one."""
    kept = []
    lines = flow.lines
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            line.lone_marker
            and following is not None
            and not following.bullet
            and not following.contents
            and (following.page, following.column) != (line.page, line.column)
        ):
            following.bullet = True
            flow.set_aside[MARKERS] += line.chars
            continue
        kept.append(line)
    flow.lines = kept


# ---------------------------------------------------------------------------------------------
# Furniture: running headers and footers, page numbers, contents


def _band_rows(page: Page, body: float) -> list[tuple[tuple[str, str], list[Line]]]:
    """The printed rows of the top and bottom bands, where running headers and footers live, with
    a key to compare them across pages. Lines PyMuPDF splits by word are one row: "the" at the foot
    of two pages is not a footer."""
    rows: list[tuple[str, float, list[Line]]] = []
    for line in page.lines:
        if line.y1 <= page.height * _FURNITURE_BAND:
            band = "top"
        elif line.y0 >= page.height * (1 - _FURNITURE_BAND):
            band = "bottom"
        else:
            continue
        for row_band, baseline, row in rows:
            if row_band == band and abs(baseline - line.baseline) <= line.size * 0.15:
                row.append(line)
                break
        else:
            rows.append((band, line.baseline, [line]))
    result = []
    for band, _, row in rows:
        if any(line.size > body * 1.05 for line in row) or all(
            _PICTURE_FONT.search(span.font) for line in row for span in line.spans
        ):
            continue  # larger than body text, or a ZapfDingbats "l" marker at the top of a column
        text = " ".join(line.text for line in sorted(row, key=lambda line: line.x0))
        if _ENUMERATOR.fullmatch(text.strip()):
            continue  # "9." over the first item of a page is a list marker, not a running header
        if any(char.isalnum() for char in text):
            result.append(((band, re.sub(r"\d+", "#", " ".join(text.split()).lower())), row))
    return result


def _furniture_lines(document: Document, body: float) -> set[int]:
    """Band rows set smaller than body text (a chapter of one page prints its name in the header
    once), or repeated on pages that follow each other (running headers and footers, page numbers):
    the ids of their lines. A label that happens to open two pages is not repeated on consecutive ones."""
    pages_per_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    rows_per_page = [_band_rows(page, body) for page in document.pages]
    for page, rows in zip(document.pages, rows_per_page, strict=True):
        for key, _ in rows:
            pages_per_key[key].add(page.number)
    running = {key for key, pages in pages_per_key.items() if any(page + 1 in pages for page in pages)}
    furniture = set()
    for rows in rows_per_page:
        for key, row in rows:
            if key in running or all(line.size < body * 0.95 for line in row):
                furniture.update(id(line) for line in row)
    return furniture


def _is_page_number(page: Page, line: Line, body: float) -> bool:
    in_band = line.y1 <= page.height * _FURNITURE_BAND or line.y0 >= page.height * (1 - _FURNITURE_BAND)
    return in_band and bool(_PAGE_NUMBER.match(line.text))


def is_contents_page(lines: list[Line]) -> bool:
    """A page with several dot leaders is a table of contents."""
    return sum(1 for line in lines if line.text.count(".") >= 4 and _LEADER.search(line.text)) >= 3


# ---------------------------------------------------------------------------------------------
# One page: columns, printed lines, list markers, reading order


def _page_in_reading_order(page: Page, lines: list[Line], body: float, set_aside: Counter) -> list[TextLine]:
    columns = _columns(lines, body)
    placed: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        placed[_column_of(line, columns)].append(line)
    # Lines PyMuPDF returns word by word (justified text, bold and regular runs) are one printed line.
    merged, apart = [], []
    for column, column_lines in placed.items():
        # A marker PyMuPDF gives as a line of its own, with nothing left of it, is kept apart from the
        # text on its baseline (a lone "–" between words of a justified line is not: text stands left of it).
        markers = [line for line in column_lines if _lone_marker(line, column_lines)]
        apart.extend((column, line) for line in markers)
        rest = [line for line in column_lines if not any(line is marker for marker in markers)]
        merged.extend((column, line) for line in _merge_by_baseline(rest))
    items = _find_markers(merged, apart, page.marks, body, set_aside)
    if len(columns) > 1:
        _headings_across(items, body)
    edges = {}
    for index, (left, right) in enumerate(columns, start=1):
        inside = [item for item in items if item.column == index]
        edges[index] = (min((item.x0 for item in inside), default=left), max((item.line.x1 for item in inside), default=right))
    edges[0] = (min((item.x0 for item in items), default=0.0), max((item.line.x1 for item in items), default=page.width))
    # Full-width lines cut the page into bands; within a band, columns left to right.
    ordered: list[_Item] = []
    band: list[_Item] = []
    for item in sorted(items, key=lambda item: item.line.y0):
        if item.column == 0:
            ordered.extend(sorted(band, key=lambda i: (i.column, i.line.baseline, i.line.x0)))
            band = []
            ordered.append(item)
        else:
            band.append(item)
    ordered.extend(sorted(band, key=lambda i: (i.column, i.line.baseline, i.line.x0)))
    count = max(len(columns), 1)
    result = []
    for item in ordered:
        line = _text_line(page, item.line, item.marker is not None, item.column, edges[item.column], marker=item.marker, columns=count)
        line.lone_marker = item.lone
        result.append(line)
    return result


def _columns(lines: list[Line], body: float) -> list[tuple[float, float]]:
    """The page's columns as x ranges, from gutters: vertical strips that (almost) no line crosses."""
    if len(lines) < 2:
        return []
    left = int(min(line.x0 for line in lines))
    right = int(max(line.x1 for line in lines)) + 1
    steps = [0] * (right - left + 2)
    # Lines wider than any column can be (a banner, a heading across the columns, the lines of a
    # one-column page) cross the gutters: they are left out, and cut the page into bands later.
    for line in lines:
        if line.x1 - line.x0 <= (right - left) * 0.6:
            steps[int(line.x0) - left] += 1
            steps[int(line.x1) - left + 1] -= 1
    coverage = list(accumulate(steps[:-1]))
    covered = sorted(count for count in coverage if count)
    peak = covered[int(len(covered) * 0.9)] if covered else 0
    low = peak * 0.05  # a stray line that overhangs into a gutter does not close it
    gutters = []
    start = None
    for x, count in enumerate(coverage):
        if count <= low and start is None:
            start = x
        elif count > low and start is not None:
            if x - start >= body * 1.2 and start > 0:  # wider than a stretched word space
                gutters.append((left + start, left + x))
            start = None
    # The columns are as wide as each other (a wide word space in a justified line is no gutter; the
    # last column may be short, on a chapter's last page) and as wide as a few words (a strip of list
    # markers or numbers is no column). Of the sets of gutters that give such columns, the one with
    # the most columns wins, then the one with the widest gutters.
    candidates = sorted(gutters, key=lambda g: g[0] - g[1])[:8]
    best: tuple[int, int, list[tuple[int, int]]] = (0, 0, [])
    for chosen in range(1, 1 << len(candidates)):
        trial = sorted(g for i, g in enumerate(candidates) if chosen >> i & 1)
        bounds = [left, *[edge for g in trial for edge in g], right]
        widths = [bounds[i + 1] - bounds[i] for i in range(0, len(bounds), 2)]
        if min(widths) < body * 6 or max(widths[:-1]) > min(widths[:-1]) * 1.3 or widths[-1] > max(widths[:-1]) * 1.3:
            continue
        best = max(best, (len(trial), sum(b - a for a, b in trial), trial))
    accepted = best[2]
    bounds = [left, *[edge for gutter in accepted for edge in gutter], right]
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)] if accepted else []


def _headings_across(items: list[_Item], body: float) -> None:
    """A heading alone in its row, with the other columns' text above it and below it (or ending
    together right above it), heads a band of its own ("Nicoletta Fabio" over a new pair of columns): it cuts
    the page like a banner. A heading whose own column goes on below it, beside a short column,
    is part of that column's flow."""
    for item in items:
        line = item.line
        if item.column == 0 or not is_heading_size(line.size, body):
            continue
        margin = (line.y1 - line.y0) * 0.5
        others = [other.line for other in items if other.column not in (0, item.column)]
        beside = any(other.y1 > line.y0 - margin and other.y0 < line.y1 + margin for other in others)
        above = any(other.y1 <= line.y0 for other in others)
        below = any(other.y0 >= line.y1 for other in others)
        # Near the foot of the page the band it heads may go on overleaf: then the columns of the
        # band above end together right above it, as balanced columns do.
        ends = defaultdict(float)
        for other in items:
            if other.column not in (0, item.column) and other.line.y1 <= line.y0:
                ends[other.column] = max(ends[other.column], other.line.y1)
        balanced = bool(ends) and all(end >= line.y0 - line.size * 3 for end in ends.values())
        if not beside and above and (below or balanced):
            item.column = 0


def _column_of(line: Line, columns: list[tuple[float, float]]) -> int:
    """The column a line starts in (a line starting in a gutter belongs to the column after it), or 0
    for a line that runs into the next column."""
    for index, (_, right) in enumerate(columns, start=1):
        if line.x0 <= right:
            following = columns[index][0] if index < len(columns) else float("inf")
            return index if line.x1 < following else 0
    return 0


def _merge_by_baseline(lines: list[Line]) -> list[Line]:
    """Join lines of one column that sit on the same baseline, left to right, into one line."""
    result: list[Line] = []
    rows: dict[int, list[Line]] = {}
    for line in sorted(lines, key=lambda line: line.baseline):
        size = line.size
        row = result[-1] if result else None
        if row is not None and abs(row.baseline - line.baseline) <= size * 0.15 and abs(row.size - size) <= size * 0.3:
            rows[id(row)].append(line)
            continue
        result.append(line)
        rows[id(line)] = [line]
    merged = []
    for first in result:
        row = rows[id(first)]
        if len(row) == 1:
            merged.append(first)
            continue
        row.sort(key=lambda line: line.x0)
        spans: list[Span] = []
        for previous, line in zip([None, *row], row, strict=False):
            if previous is not None:
                gap = line.x0 - previous.x1
                if gap > line.size * 0.1 and not previous.text[-1:].isspace() and not line.text[:1].isspace():
                    spans.append(Span(text=" ", bold=line.spans[0].bold, size=line.spans[0].size, x0=previous.x1, x1=line.x0))
            spans.extend(line.spans)
        longest = max(row, key=lambda line: len(line.text))
        merged.append(
            Line(
                spans=tuple(spans),
                x0=row[0].x0,
                y0=min(line.y0 for line in row),
                x1=max(line.x1 for line in row),
                y1=max(line.y1 for line in row),
                baseline=longest.baseline,
            )
        )
    return merged


@dataclass(slots=True)
class _Item:
    column: int
    line: Line
    marker: tuple[float, float, float, float] | None = None
    lone: bool = False  # a marker on a line of its own that marks no line on this page

    @property
    def x0(self) -> float:
        """Where the printed line starts, its marker included."""
        return self.line.x0 if self.marker is None else min(self.line.x0, self.marker[0])


def _marker_token(span: Span) -> str | None:
    """The kind of list marker a span's text is on its own, or None."""
    text = span.text.strip()
    if not text or len(text) > 4:
        return None
    if _PICTURE_FONT.search(span.font) and len(text) <= 2:
        return "picture"
    if len(text) == 1 and (text in BULLET_GLYPHS or 0xE000 <= ord(text) <= 0xF8FF):
        return "glyph"
    if len(text) == 1 and text in DASH_GLYPHS:
        return "dash"
    if _ENUMERATOR.fullmatch(text):
        return "number"
    return None


def _lone_marker(line: Line, column_lines: list[Line]) -> bool:
    if len(line.text) > 8:
        return False  # a marker is at most a few characters ("12.", "•", "(iv)")
    visible = [span for span in line.spans if span.text.strip()]
    if len(visible) != 1 or _marker_token(visible[0]) is None:
        return False
    return not any(
        other is not line and other.x1 <= line.x0 + 0.5 and abs(other.baseline - line.baseline) <= line.size * 0.3
        for other in column_lines
    )


def _find_markers(
    placed: list[tuple[int, Line]], apart: list[tuple[int, Line]], marks: tuple[Mark, ...], body: float, set_aside: Counter
) -> list[_Item]:
    """Take list markers off the lines, and mark the line each marker stands before.

    A marker is a glyph or number at a line's start, a glyph or number on a line of its own left of
    the text (even a few points above or below its baseline), or a small drawn shape there.
    """
    items: list[_Item] = []
    standalone = [((line.x0, line.y0, line.x1, line.y1), line, column) for column, line in apart]
    for column, line in placed:
        first = line.spans[0] if line.spans[0].text.strip() else (line.spans[1] if len(line.spans) > 1 else line.spans[0])
        visible = [span for span in line.spans if span.text.strip()]
        token = _marker_token(visible[0]) if visible else None
        if token and len(visible) == 1:
            standalone.append(((line.x0, line.y0, line.x1, line.y1), line, column))
            continue
        split = _split_inline_marker(line, visible, token, first)
        if split is not None:
            marker_box, rest = split
            set_aside[MARKERS] += _line_chars(line) - _line_chars(rest)
            items.append(_Item(column=column, line=rest, marker=marker_box))
        else:
            items.append(_Item(column=column, line=line))
    _enumerated_by_indent(items, body, set_aside)
    shapes = [
        (mark.x0, mark.y0, mark.x1, mark.y1)
        for mark in marks
        if body * 0.1 <= max(mark.x1 - mark.x0, mark.y1 - mark.y0) <= body * 0.75
    ]
    candidates = [(box, None, None) for box in shapes] + standalone
    for box, glyph_line, column in candidates:
        target = _line_right_of(box, items, body)
        if target is not None and target.marker is None:
            target.marker = box
            if glyph_line is not None:
                set_aside[MARKERS] += _line_chars(glyph_line)
        elif glyph_line is not None:
            # A lone marker with no line beside or below it: text, unless the item it marks starts
            # the next column or page (see _markers_before_a_break).
            items.append(_Item(column=column, line=glyph_line, lone=True))
    return items


def _split_inline_marker(line: Line, visible: list[Span], token: str | None, first: Span):
    """(marker box, the line without it) when the line starts with its own list marker, else None."""
    if token in ("picture", "glyph") or (token in ("dash", "number") and _set_apart(visible)):
        marker = visible[0]
        rest_spans = tuple(line.spans[line.spans.index(marker) + 1 :])
        rest_spans = _strip_leading(rest_spans)
        if not rest_spans:
            return None
        x0 = rest_spans[0].x0 if rest_spans[0].x1 > rest_spans[0].x0 else line.x0
        return (marker.x0, line.y0, marker.x1, line.y1), replace(line, spans=rest_spans, x0=x0)
    text = first.text.lstrip()
    if text[:1] and text[:1] in BULLET_GLYPHS and text[1:].strip():
        # "• Text" (or "◦Text") in one run: the glyph is the marker; the text starts after it.
        width = (first.x1 - first.x0) / max(len(first.text), 1)
        rest_text = text[1:].lstrip()
        spans = list(line.spans)
        index = spans.index(first)
        marker_x1 = first.x0 + width
        spans[index] = replace(first, text=rest_text, x0=first.x1 - width * len(rest_text))
        return (first.x0, line.y0, marker_x1, line.y1), replace(line, spans=tuple(spans), x0=spans[index].x0)
    return None


def _set_apart(visible: list[Span]) -> bool:
    """A dash or number in a span of its own, with a gap wider than a space before the text."""
    if len(visible) < 2:
        return False
    marker, text = visible[0], visible[1]
    return text.x0 - marker.x1 >= marker.size * 0.4


def _strip_leading(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    spans = list(spans)
    while spans and not spans[0].text.strip():
        spans.pop(0)
    if spans:
        spans[0] = replace(spans[0], text=spans[0].text.lstrip())
    return tuple(spans)


_INLINE_NUMBER = re.compile(r"^\s*((?:\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)])|[–—\-*·])\s+\S")


def _enumerated_by_indent(items: list[_Item], body: float, set_aside: Counter) -> None:
    """Numbers and dashes set in the same run as the text ("1. First item"): a marker when the item's
    next line hangs at the text's start, or when it stands where such a marker of its list stands
    (a one-line item of the same list, before or after it)."""
    candidates = []  # (item, token, kind, text_x0, hangs)
    by_column: dict[int, list[_Item]] = defaultdict(list)
    for item in items:
        by_column[item.column].append(item)
    for column_items in by_column.values():
        column_items.sort(key=lambda item: item.line.baseline)
        for index, item in enumerate(column_items):
            if item.marker is not None:
                continue
            line = item.line
            match = _INLINE_NUMBER.match(line.text)
            if not match or is_heading_size(line.size, body):
                continue  # a numbered heading ("V. Session: …") is no list item
            token = match.group(1)
            kind = "dash" if token in DASH_GLYPHS else "number"
            width = (line.x1 - line.x0) / max(len(line.text), 1)
            text_x0 = line.x0 + width * len(line.text[: match.end() - 1])
            after = column_items[index + 1] if index + 1 < len(column_items) else None
            following = after.line if after is not None else None
            # The item's next line starts right of the number, about where its text does (the
            # estimate from a justified line's average letter is rough), and is no item itself.
            hangs = (
                following is not None
                and after.marker is None
                and not _INLINE_NUMBER.match(following.text)
                and following.baseline - line.baseline <= line.size * 2.2
                and line.size * 0.6 <= following.x0 - line.x0 <= line.size * 3
                and following.x0 <= text_x0 + line.size * 0.45
            )
            if hangs:
                text_x0 = following.x0  # where the item's text starts, measured rather than estimated
            candidates.append((item, token, kind, text_x0, hangs))
    # The lists found by their hanging lines: where their markers and their text start in their
    # column. A one-line item of such a list stands there too (its number may be wider: "10.").
    lefts = {column: min(item.line.x0 for item in column_items) for column, column_items in by_column.items()}
    lists = [
        (kind, item.line.x0 - lefts[item.column], x - lefts[item.column])
        for item, _, kind, x, hangs in candidates
        if hangs
    ]
    for item, token, kind, text_x0, hangs in candidates:
        line = item.line
        if not hangs:
            left = lefts[item.column]
            found = [
                text + left
                for list_kind, marker, text in lists
                if list_kind == kind
                and abs(line.x0 - left - marker) <= line.size * 0.8
                and abs(text_x0 - left - text) <= line.size * 0.8
            ]
            if not found:
                continue
            text_x0 = found[0]
        first = line.spans[0] if line.spans[0].text.strip() else line.spans[1]
        start = first.text.find(token)
        rest = first.text[start + len(token) :].lstrip()
        spans = list(line.spans)
        position = spans.index(first)
        spans[position] = replace(first, text=rest, x0=text_x0)
        rest_spans = _strip_leading(tuple(spans[position:]))
        set_aside[MARKERS] += len(token)
        item.line = replace(line, spans=rest_spans, x0=text_x0)
        item.marker = (line.x0, line.y0, text_x0, line.y1)


def _line_right_of(box, items: list[_Item], body: float) -> _Item | None:
    """The line a marker stands before: starting just right of it, closest in height; or, for a
    marker on a line of its own, the line right under it that starts right of it."""
    x0, y0, x1, y1 = box
    middle = (y0 + y1) / 2
    best = None
    below = None
    reach = body * 3
    for item in items:
        line = item.line
        if line.y1 < y0 - reach or line.y0 > y1 + reach or line.x0 < x1 - 0.5 or line.x0 - x1 > reach:
            continue
        height = line.y1 - line.y0
        distance = abs((line.y0 + line.y1) / 2 - middle)
        if distance <= height * 0.75:
            key = (distance, line.x0 - x1)
            if best is None or key < best[0]:
                best = (key, item)
        elif y1 - height * 0.25 <= line.y0 <= y1 + height * 0.75:
            if below is None or line.y0 < below[0]:
                below = (line.y0, item)
    if best:
        return best[1]
    return below[1] if below else None


def _text_line(
    page: Page, line: Line, bullet: bool, column: int, edges, contents: bool = False, marker=None, columns: int = 1
) -> TextLine:
    bold_prefix = ""
    for span in line.spans:
        if not span.bold:
            break
        bold_prefix += span.text
    return TextLine(
        text=" ".join(line.text.split()),
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
        baseline=line.baseline or line.y1,
        left=edges[0],
        right=edges[1],
        marker_x0=marker[0] if marker else None,
        marker_x1=marker[2] if marker else None,
        columns=columns,
    )


def _share_column_edges(lines: list[TextLine], body: float) -> None:
    """A column's edges are where the document's columns at that place start and end, not where a
    short column's lines happen to (the last page of a chapter, a column of continuation lines); a
    justified column's right edge is the x where most of its lines end."""
    groups: dict[tuple[int, int], list[TextLine]] = defaultdict(list)
    for line in lines:
        groups[(line.columns, line.column)].append(line)
    for group in groups.values():
        lefts = Counter(round(line.left) for line in {id(line): line for line in group}.values())
        usual_left = lefts.most_common(1)[0][0]
        ends = Counter(round(line.x1 * 2) / 2 for line in group)
        edge, _ = max(ends.items(), key=lambda item: (item[1], item[0]))
        at_edge = [line.x1 for line in group if abs(line.x1 - edge) <= 0.5]
        justified = len(at_edge) >= max(3, len(group) * 0.25)
        right = max(at_edge) if justified else max(line.right for line in group)
        for line in group:
            if 0 < line.left - usual_left <= body * 3:
                line.left = usual_left
            line.right = right
            line.justified = justified


# ---------------------------------------------------------------------------------------------
# Blocks


def line_pitch(lines: list[TextLine], body: float) -> tuple[float, float]:
    """The document's line step within a paragraph and the step above which a new block begins.

    Measured from the baseline steps between consecutive body lines of one column: the most common
    step is the pitch; steps close to it (the same paragraph, rounding) form its cluster, and the
    threshold lies halfway between that cluster and the next larger step that occurs.
    """
    steps: Counter[float] = Counter()
    for a, b in pairwise(lines):
        if a.page == b.page and a.column == b.column and abs(a.size - body) < body * 0.05 and abs(b.size - body) < body * 0.05:
            step = round(b.baseline - a.baseline, 1)
            if body * 0.6 < step < body * 4:
                steps[step] += 1
    if not steps:
        return body * 1.2, body * 1.2 * 1.3
    pitch = max(steps, key=lambda step: (steps[step], -step))
    values = sorted(steps)
    top = pitch
    for value in values:
        if value > top and value - top <= pitch * 0.08:
            top = value  # still the pitch: rounding of the line positions
        elif value > top:
            return pitch, (top + value) / 2
    return pitch, top * 1.15


def blocks(lines: list[TextLine], body: float, labels: LabelMatcher | None = None) -> list[Block]:
    """Group reading-ordered lines into blocks by markers, gaps, labels, headings and indents."""
    result: list[Block] = []
    pitch, threshold = line_pitch(lines, body)
    label_text: str | None = None  # the label being read, while it runs over several lines
    label_ended = False  # the previous line ended with a complete label: the next line starts a block
    previous: TextLine | None = None
    for line in lines:
        starts_label = labels is not None and not line.bullet and labels.starts(line.text)
        new = (
            previous is None
            or label_ended
            or (starts_label and label_text is None)
            or _starts_block(previous, line, threshold, body, result[-1])
        )
        if new:
            result.append(Block(bullet=line.bullet))
            label_text = None
        result[-1].lines.append(line)
        label_ended = False
        if starts_label and label_text is None and new:
            label_text = ""
        if label_text is not None:
            label_text = f"{label_text} {line.text}".strip()
            rest = labels.rest(label_text)
            if rest is not None:
                label_ended = not rest  # nothing follows the colon on its line
                label_text = None
            elif len(label_text) > 200:
                label_text = None  # not a label after all
        previous = line
    return result


def _starts_block(previous: TextLine, line: TextLine, threshold: float, body: float, block: Block) -> bool:
    if line.bullet:
        return True
    heading = is_heading_size(line.size, body)
    if heading != is_heading_size(previous.size, body):
        return True
    if heading:
        # A heading set on two lines stays one block.
        return line.page != previous.page or line.baseline - previous.baseline > line.size * 1.6
    if line.bold and line.bold_prefix.rstrip().endswith(":") and not previous.bold:
        return True
    if previous.bold_prefix == previous.text and previous.text.endswith(":") and not line.bold:
        return True  # text after a label that stands alone on its line is a block of its own
    if block.bullet and _outdented(line, block):
        return True  # a line left of the item's text is not part of the item
    same_flow = line.page == previous.page and line.column == previous.column and line.baseline > previous.baseline
    if same_flow:
        return line.baseline - previous.baseline > threshold
    # A new column or page: continue the open block only if the text clearly runs on.
    if line.bold and not previous.bold:
        return True
    full = _full(previous, line)
    lower = line.text[:1].islower()
    open_sentence = not previous.text.rstrip().endswith((".", ":", "!", "?"))
    indented = line.x0 - line.left > (line.right - line.left) * 0.015
    if not block.bullet and indented:
        # A first-line indent starts a paragraph; text indented as a whole (as its previous line was) runs on.
        indented = (line.x0 - line.left) - (previous.x0 - previous.left) > line.size * 0.5
    if block.bullet:
        # An item goes on at its hanging indent; at the column's edge something else begins.
        return not (indented or lower) or not (full or lower or open_sentence)
    return not (full or lower or open_sentence) or indented


def _outdented(line: TextLine, block: Block) -> bool:
    """The item's text starts at a hanging indent; a line starting clearly left of it ends the item."""
    first = block.lines[0]
    if first.marker_x0 is None or line.page != first.page or line.column != first.column:
        same = [item for item in block.lines if item.page == line.page and item.column == line.column]
        if not same:
            return False
        indent = min(item.x0 for item in same)
    else:
        # The item's text starts right of its marker, at a tab stop that a wide number ("100.")
        # may push further right than the lines after it, which may even start under the number:
        # a line ends the item when it starts where the marker does, or left of it.
        indent = min(first.x0, first.marker_x0 + line.size)
    return line.x0 < indent - line.size * 0.5


def _full(previous: TextLine, line: TextLine) -> bool:
    """True when the previous line had no room left for the next line's first word: the text ran on."""
    if previous.text.endswith(("-", "\u00ad", "\u2010", "/")):
        return True
    if previous.justified:
        # Justified lines are stretched to the edge, all but a paragraph's last: a line that stops
        # short of it ends a paragraph, even one that nearly fills the column.
        return previous.x1 >= previous.right - 0.6
    word = line.text.split(" ", 1)[0]
    width = (line.x1 - line.x0) / max(len(line.text), 1)
    room = previous.right - previous.x1
    return room < width * (len(word) + 1)


def is_heading_size(size: float, body: float) -> bool:
    """A heading is set clearly larger than body text."""
    return size > body * 1.08

