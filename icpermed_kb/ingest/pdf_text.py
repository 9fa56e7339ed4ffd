"""The only module that imports PyMuPDF: PDF bytes -> pages of styled lines.

It refuses what is not a usable text PDF before anything else runs, so callers
never see a PyMuPDF exception; running out of memory is raised as MemoryError. The
ingestion calls it in a child process with time and memory limits (sandbox.py).
"""

from __future__ import annotations

import re
import threading

import pymupdf

from .records import MAX_BYTES, MAX_PAGES, Document, Line, Mark, Page, RefusedDocument, Span, first_line

# A page with fewer extractable characters than this is treated as an image.
MIN_TEXT_CHARS_PER_PAGE = 20
_BOLD_FLAG = 1 << 4
# How MuPDF reports a failed allocation (FzErrorSystem): "malloc (75000000 bytes) failed".
_OUT_OF_MEMORY = re.compile(r"\b(?:malloc|calloc|realloc)\b.*\bfailed\b|out of memory", re.IGNORECASE)
# MuPDF prints every syntax error it recovers from to stderr (thousands for a damaged file); what
# matters reaches us as an exception or as missing text, so the refusal stays the one line shown.
pymupdf.TOOLS.mupdf_display_errors(False)
# Characters a damaged font map can yield that no text column should get: C0 controls but tab and
# line breaks (PostgreSQL refuses NUL), DEL, and lone surrogates (not encodable as UTF-8).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Drawn shapes handed to the parser as marker candidates: about the size of a glyph, roughly as wide
# as high (rules, underlines, boxes and banners are not). The parser decides, relative to the text.
_MARK_SIZE = (0.8, 12.0)
_MARK_ASPECT = 2.0
_FLAGS = (pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_LIGATURES) | pymupdf.TEXT_COLLECT_VECTORS
_VECTOR_BLOCK = 3


def read_document(data: bytes) -> Document:
    """Open PDF bytes and return every page's styled lines, or raise RefusedDocument."""
    if not data:
        raise RefusedDocument("the file is empty")
    if len(data) > MAX_BYTES:
        raise RefusedDocument(f"the file is {len(data) / 1e6:.1f} MB, over the {MAX_BYTES // 1_000_000} MB limit")
    if b"%PDF-" not in data[:1024]:
        raise RefusedDocument("the file is not a PDF (no %PDF- header)")
    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises RuntimeError subclasses, and others on garbage
        _raise_if_out_of_memory(exc)
        raise RefusedDocument(f"the PDF is corrupt and cannot be opened ({first_line(exc)})") from None
    with pdf:
        if pdf.needs_pass or pdf.is_encrypted:
            raise RefusedDocument("the PDF is encrypted")
        # A file with only an owner password opens for anyone (what pdftotext and every viewer read);
        # its permissions still say whether its text may be copied, and the knowledge base copies it.
        if not pdf.permissions & pymupdf.PDF_PERM_COPY:
            raise RefusedDocument("the PDF's permissions forbid copying its text (owner-password protected)")
        if pdf.page_count == 0:
            raise RefusedDocument("the PDF has no pages (truncated or corrupt)")
        if pdf.page_count > MAX_PAGES:
            raise RefusedDocument(f"the PDF has {pdf.page_count} pages, over the {MAX_PAGES}-page limit")
        try:
            pages = tuple(_read_page(page) for page in pdf)
        except Exception as exc:
            _raise_if_out_of_memory(exc)
            raise RefusedDocument(f"the PDF is corrupt: a page cannot be read ({first_line(exc)})") from None
        title = _UNSTORABLE.sub("", (pdf.metadata or {}).get("title") or "")
    characters = sum(len(line.text.strip()) for page in pages for line in page.lines)
    if characters < MIN_TEXT_CHARS_PER_PAGE * len(pages):
        raise RefusedDocument("the PDF has no text layer (a scan?): nothing to read")
    return Document(pages=pages, title=title)


def _read_page(page: pymupdf.Page) -> Page:
    lines = []
    marks = []
    # One pass over the page gives its text and (TEXT_COLLECT_VECTORS) the boxes of its drawn shapes.
    content = page.get_text("dict", flags=_FLAGS)
    for block in content["blocks"]:
        if block["type"] == _VECTOR_BLOCK:
            mark = _mark(block)
            if mark is not None:
                marks.append(mark)
            continue
        for raw_line in block.get("lines", ()):
            raw_spans = [(raw, text) for raw in raw_line["spans"] if (text := _storable(raw["text"]))]
            spans = tuple(
                Span(
                    text=text,
                    bold=bool(raw["flags"] & _BOLD_FLAG) or "bold" in raw["font"].lower(),
                    size=round(raw["size"], 2),
                    font=raw["font"],
                    x0=raw["bbox"][0],
                    x1=raw["bbox"][2],
                )
                for raw, text in raw_spans
            )
            if not "".join(span.text for span in spans).strip():
                continue
            longest = max(raw_spans, key=lambda pair: len(pair[1].strip()))[0]
            x0, y0, x1, y1 = raw_line["bbox"]
            lines.append(Line(spans=spans, x0=x0, y0=y0, x1=x1, y1=y1, baseline=longest["origin"][1]))
    rect = page.rect
    return Page(
        number=page.number + 1, width=rect.width, height=rect.height, lines=tuple(lines), marks=tuple(marks)
    )


def _storable(text: str) -> str:
    return text if text.isprintable() else _UNSTORABLE.sub("", text)  # most runs have nothing to drop


def _mark(block: dict) -> Mark | None:
    """A small visible shape: Chromium (Skia) draws list markers as filled discs and squares, not glyphs."""
    low, high = _MARK_SIZE
    x0, y0, x1, y1 = block["bbox"]
    width, height = x1 - x0, y1 - y0
    if not (low <= width <= high and low <= height <= high) or max(width, height) > _MARK_ASPECT * min(width, height):
        return None
    if block.get("alpha") == 0 or block.get("color") == 0xFFFFFF:
        return None  # invisible, or white on white: not something a reader sees
    return Mark(x0=x0, y0=y0, x1=x1, y1=y1)


def _raise_if_out_of_memory(exc: Exception) -> None:
    """Out of memory is not corruption: let it through as MemoryError (the sandbox's memory cap)."""
    if isinstance(exc, MemoryError):
        raise exc
    if _OUT_OF_MEMORY.search(str(exc)):
        raise MemoryError(first_line(exc)) from exc



# --- the printed passage of an item, for the admin ------------------------------------------

# Around the item's boxes, this much of the page (points): the lines before and after, for context.
PASSAGE_MARGIN = (14.0, 28.0)  # horizontal, vertical
PASSAGE_ZOOM = 2.0  # 144 dpi: the print's small type stays legible
_HIGHLIGHT = {"color": (0.85, 0.55, 0.0), "fill": (1.0, 0.85, 0.1), "fill_opacity": 0.3, "stroke_opacity": 0.9, "width": 1.0}
# MuPDF is not thread-safe and the web server runs threads: one rendering at a time per process.
_render_lock = threading.Lock()


def render_passage(data: bytes, page_number: int, boxes: list[dict]) -> bytes:
    """PNG of the region of page `page_number` (1-based) that holds `boxes` (points, origin top left), each highlighted.

    Raises RefusedDocument (one line) when the PDF cannot be opened, the page is not in it, or no
    box lies on that page.
    """
    rectangles = [
        pymupdf.Rect(box["x0"], box["y0"], box["x1"], box["y1"]) for box in boxes if box.get("page") == page_number
    ]
    if not rectangles:
        raise RefusedDocument(f"no box on page {page_number}")
    with _render_lock:
        try:
            pdf = pymupdf.open(stream=data, filetype="pdf")
        except Exception as exc:
            raise RefusedDocument(f"the PDF cannot be opened ({first_line(exc)})") from None
        with pdf:
            if not 1 <= page_number <= pdf.page_count:
                raise RefusedDocument(f"the PDF has no page {page_number} ({pdf.page_count} pages)")
            page = pdf[page_number - 1]
            region = pymupdf.Rect(rectangles[0])
            for rectangle in rectangles[1:]:
                region |= rectangle
            across, down = PASSAGE_MARGIN
            region = (region + (-across, -down, across, down)) & page.rect
            if region.is_empty:
                raise RefusedDocument(f"the boxes lie outside page {page_number}")
            try:
                for rectangle in rectangles:
                    page.draw_rect(rectangle + (-1.5, -1.0, 1.5, 1.0), overlay=True, **_HIGHLIGHT)
                pixmap = page.get_pixmap(matrix=pymupdf.Matrix(PASSAGE_ZOOM, PASSAGE_ZOOM), clip=region, alpha=False)
                return pixmap.tobytes("png")
            except Exception as exc:
                raise RefusedDocument(f"page {page_number} cannot be rendered ({first_line(exc)})") from None
