"""pdf_text.render_passage: the region of a page that holds an item's boxes, each box highlighted.

The coordinates come from poppler, not from our parser: `pdftotext -f 5 -l 5 -bbox-layout` on the
bundled report puts the block "• The association of AI and PM represents a revolution in modern
medicine." (the third main point of Nicoletta Fabio's talk, session III) at xMin 308.98, yMin
119.70, xMax 541.05, yMax 145.47 on page 5, in points from the top left corner, as our boxes are.
The gutter between the page's two columns runs from x 286.2 (the left column's right edge on that
page) to 309.0. Above the block, the chapter heading "III. Welcome & Introduction" is printed in
white on a blue band across the page; poppler puts its words down to yMax 95.48, so the band covers
the region's top edge (y 91.7) to at least there. So the highlight must lie on printed text, the
gutter must stay unhighlighted, and the region's first rows are the band (which a region read
from the bottom of the page would not be).
"""

import pymupdf
import pytest

from icpermed_kb.ingest.pdf_text import PASSAGE_MARGIN, PASSAGE_ZOOM, render_passage
from icpermed_kb.ingest.records import RefusedDocument

ASSOCIATION = {"page": 5, "x0": 309.0, "y0": 119.7, "x1": 541.1, "y1": 145.5}
ACROSS, DOWN = PASSAGE_MARGIN


def pixels(png: bytes):
    """(width, height, pixel(x, y) -> (r, g, b)) of a PNG."""
    pixmap = pymupdf.Pixmap(png)
    assert (pixmap.n, pixmap.alpha) == (3, 0)
    samples, stride = pixmap.samples, pixmap.stride

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        offset = y * stride + 3 * x
        return tuple(samples[offset : offset + 3])

    return pixmap.width, pixmap.height, pixel


def share(pixel, xs: range, ys: range, test) -> float:
    cells = [(x, y) for x in xs for y in ys]
    return sum(1 for x, y in cells if test(*pixel(x, y))) / len(cells)


def yellowish(r, g, b) -> bool:
    return r > 200 and g > 170 and r - b > 40


def dark(r, g, b) -> bool:
    return r + g + b < 300


def test_the_region_is_the_boxes_with_a_margin_at_144_dpi(report_bytes):
    png = render_passage(report_bytes, 5, [ASSOCIATION])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _ = pixels(png)
    expected_width = (ASSOCIATION["x1"] - ASSOCIATION["x0"] + 2 * ACROSS) * PASSAGE_ZOOM
    expected_height = (ASSOCIATION["y1"] - ASSOCIATION["y0"] + 2 * DOWN) * PASSAGE_ZOOM
    assert abs(width - expected_width) <= 2 and abs(height - expected_height) <= 2


def test_the_box_is_highlighted_where_poppler_prints_the_text(report_bytes):
    _, _, pixel = pixels(render_passage(report_bytes, 5, [ASSOCIATION]))
    zoom = PASSAGE_ZOOM
    inside_x = range(int((ACROSS + 4) * zoom), int((ASSOCIATION["x1"] - ASSOCIATION["x0"] + ACROSS - 4) * zoom))
    inside_y = range(int((DOWN + 2) * zoom), int((ASSOCIATION["y1"] - ASSOCIATION["y0"] + DOWN - 2) * zoom))
    assert share(pixel, inside_x, inside_y, yellowish) > 0.5  # the highlight…
    assert share(pixel, inside_x, inside_y, dark) > 0.03  # …over printed text
    gutter_x = range(0, int((ACROSS - 3) * zoom))  # x 295-306: between the columns
    gutter_y = range(int(DOWN * zoom), int((ASSOCIATION["y1"] - ASSOCIATION["y0"] + DOWN) * zoom))
    assert share(pixel, gutter_x, gutter_y, yellowish) == 0
    assert share(pixel, gutter_x, gutter_y, dark) == 0


def blue(r, g, b) -> bool:
    return b > r + 40


def test_the_region_is_read_from_the_top_of_the_page(report_bytes):
    width, _, pixel = pixels(render_passage(report_bytes, 5, [ASSOCIATION]))
    band_rows = range(0, int((95.48 - (ASSOCIATION["y0"] - DOWN)) * PASSAGE_ZOOM))
    assert len(band_rows) == 7
    assert share(pixel, range(int(ACROSS * PASSAGE_ZOOM), width - int(ACROSS * PASSAGE_ZOOM)), band_rows, blue) > 0.9


def test_boxes_in_two_columns_make_one_region_and_other_pages_boxes_are_left_out(report_bytes):
    left = {"page": 5, "x0": 54.2, "y0": 128.2, "x1": 286.2, "y1": 154.0}  # "The following speakers participated…"
    elsewhere = {"page": 6, "x0": 54.2, "y0": 500.0, "x1": 286.2, "y1": 540.0}
    width, height, _ = pixels(render_passage(report_bytes, 5, [ASSOCIATION, left, elsewhere]))
    expected_width = (ASSOCIATION["x1"] - left["x0"] + 2 * ACROSS) * PASSAGE_ZOOM
    expected_height = (left["y1"] - ASSOCIATION["y0"] + 2 * DOWN) * PASSAGE_ZOOM
    assert abs(width - expected_width) <= 2 and abs(height - expected_height) <= 2


def test_the_region_stops_at_the_page_edge(report_bytes):
    top = {"page": 5, "x0": 100.0, "y0": 5.0, "x1": 200.0, "y1": 20.0}
    width, height, _ = pixels(render_passage(report_bytes, 5, [top]))
    assert abs(height - (20.0 + DOWN) * PASSAGE_ZOOM) <= 2  # from the page's top, not 23 points above it
    assert abs(width - (100.0 + 2 * ACROSS) * PASSAGE_ZOOM) <= 2


@pytest.mark.parametrize(
    "page, boxes, data, message",
    [
        (99, [{**ASSOCIATION, "page": 99}], None, "the PDF has no page 99 (27 pages)"),
        (3, [ASSOCIATION], None, "no box on page 3"),
        (5, [{**ASSOCIATION, "x0": 700.0, "x1": 800.0}], None, "the boxes lie outside page 5"),
        (5, [ASSOCIATION], b"%PDF-1.7 not really a PDF", "the PDF cannot be opened"),
    ],
)
def test_what_cannot_be_rendered_is_refused_in_one_line(report_bytes, page, boxes, data, message):
    with pytest.raises(RefusedDocument) as refused:
        render_passage(data or report_bytes, page, boxes)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
