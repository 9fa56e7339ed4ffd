#!/usr/bin/env python3
"""Print the report from its transcription with one producer, and check the printing.

    python -m tests.renderings.build --transcription fixtures/transcription.json \
        --printing typst-a4-two-column-tight --output fixtures/renderings/typst-a4-two-column-tight.pdf --verify

`--printing all --output-dir fixtures/renderings` prints every one of them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

from tests.renderings.verify import verify

# printing -> (writer module, header band, footer band in points, text engine for the check)
PRINTINGS = {
    "libreoffice-a4-symbol-bullets": ("libreoffice_writer", 60, 55, "pymupdf"),
    "typst-a4-two-column-tight": ("typst_writer", 60, 52, "pymupdf"),
    "reportlab-b5-zapf-soft-hyphens": ("reportlab_writer", 48, 40, "pymupdf"),
    "chromium-a4-two-column-disc": ("chromium_writer", 50, 44, "pymupdf"),
    "chromium-a4-landscape-three-column-square": ("chromium_writer", 50, 44, "pymupdf"),
    "weasyprint-b5-numbered-marker-lines": ("weasyprint_writer", 56, 53, "pymupdf"),
}


def render(printing: str, transcription: dict) -> bytes:
    """PDF bytes of one named printing."""
    writer = importlib.import_module(f"tests.renderings.{PRINTINGS[printing][0]}")
    return writer.render(transcription, layout=printing)


def build(printing: str, transcription: dict, output: Path, check: bool) -> int:
    started = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(render(printing, transcription))
    print(f"{output}: {time.perf_counter() - started:.1f} s")
    if not check:
        return 0
    _, top, bottom, engine = PRINTINGS[printing]
    report = verify(output, transcription, top, bottom, engine)
    print(f"  {report.summary()}")
    for problem in report.problems:
        print(f"  {problem}")
    return 1 if report.problems else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transcription", required=True, type=Path)
    parser.add_argument("--printing", required=True, choices=[*PRINTINGS, "all"])
    parser.add_argument("--output", type=Path, help="the PDF to write (one printing)")
    parser.add_argument("--output-dir", type=Path, help="where to write <printing>.pdf (all printings)")
    parser.add_argument("--verify", action="store_true", help="check words, order, contents and cover")
    args = parser.parse_args(argv)
    transcription = json.loads(args.transcription.read_text(encoding="utf-8"))
    if args.printing == "all":
        if not args.output_dir:
            parser.error("--printing all needs --output-dir")
        return max(build(p, transcription, args.output_dir / f"{p}.pdf", args.verify) for p in PRINTINGS)
    if not args.output:
        parser.error("--output is required for one printing")
    return build(args.printing, transcription, args.output, args.verify)


if __name__ == "__main__":
    sys.exit(main())
