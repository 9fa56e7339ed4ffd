#!/usr/bin/env python3
"""Write poppler's text of a two-column report as one line per printed line, in reading order.

The answer key (fixtures/transcription.json) is checked against this file, not against our
parser: the words and lines are poppler's (`pdftotext -bbox-layout`), and the only thing this
script decides is the reading order of a two-column page, by geometry: full-width lines (those
crossing the page's middle) first, then the left column top to bottom, then the right column
(a page without right-column text, the cover and the contents, is read top to bottom).
Lines that poppler splits at one baseline (very wide justified gaps) are joined in x order.

    python tests/renderings/poppler_reference.py fixtures/icpermed-workshop-2023-siena.pdf \
        > fixtures/poppler/icpermed-workshop-2023-siena.tsv
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

XHTML = "{http://www.w3.org/1999/xhtml}"
# Running header above, page number below (A4 pages of the bundled report, in points).
HEADER_BOTTOM = 50.0
FOOTER_TOP = 800.0
COLUMN_ORDER = {"F": 0, "L": 1, "R": 2}


def poppler_lines(pdf: Path) -> list[tuple]:
    """(page, zone, column, top, x0, x1, text) for every line poppler finds, in reading order."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    rows = []
    for number, page in enumerate(ET.fromstring(xhtml).iter(f"{XHTML}page"), start=1):
        middle = float(page.get("width")) / 2
        by_baseline: dict[tuple, list] = {}
        for line in page.iter(f"{XHTML}line"):
            x0, top, x1 = (float(line.get(k)) for k in ("xMin", "yMin", "xMax"))
            text = " ".join(word.text for word in line.iter(f"{XHTML}word"))
            column = "F" if x0 < middle < x1 else ("L" if x1 <= middle else "R")
            zone = "head" if top < HEADER_BOTTOM else ("foot" if top > FOOTER_TOP else "body")
            by_baseline.setdefault((zone, column, round(top, 1)), []).append((x0, x1, text))
        page_rows = []
        for (zone, column, top), parts in by_baseline.items():
            parts.sort()
            text = " ".join(p[2] for p in parts)
            page_rows.append((number, zone, column, top, round(parts[0][0], 1), round(parts[-1][1], 1), text))
        zone_order = {"head": 0, "body": 1, "foot": 2}
        # a page with no right-column text (cover, contents) is read top to bottom
        two_columns = any(r[1] == "body" and r[2] == "R" for r in page_rows)
        page_rows.sort(key=lambda r: (zone_order[r[1]], COLUMN_ORDER[r[2]] if two_columns else 0, r[3], r[4]))
        rows += page_rows
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: poppler_reference.py REPORT.pdf > lines.tsv", file=sys.stderr)
        return 2
    version = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True).stderr.split("\n")[0]
    print(f"# poppler lines of {Path(argv[0]).name} ({version}, -bbox-layout), in reading order")
    print("page\tzone\tcolumn\ttop\tx0\tx1\ttext")
    for row in poppler_lines(Path(argv[0])):
        print("\t".join(str(v) for v in row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
