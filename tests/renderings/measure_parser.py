#!/usr/bin/env python3
"""How today's parser reads each printing, against the transcription (measurement only, not a test).

    python -m tests.renderings.measure_parser [PDF ...]   # default: the bundled report and fixtures/renderings/*.pdf
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

from tests.ingest.test_renderings import items, structure

ROOT = Path(__file__).resolve().parents[2]


def measure(pdf: Path, transcription: dict) -> str:
    from icpermed_kb.ingest.parser import parse_document
    from icpermed_kb.ingest.pdf_text import read_document

    started = time.perf_counter()
    try:
        report = dataclasses.asdict(parse_document(read_document(pdf.read_bytes())))
    except Exception as error:  # a refusal is a result here
        return f"{pdf.name}: refused ({type(error).__name__}: {str(error).splitlines()[0][:90]})"
    seconds = time.perf_counter() - started
    got, want = items(report), items(transcription)
    exact = sum(1 for a, b in zip(got, want, strict=False) if a == b) if len(got) == len(want) else 0
    kms = sum(len(t["key_messages"]) for s in report["sessions"] for t in s["talks"]) + sum(
        len(s["key_messages"]) for s in report["sessions"]
    )
    people = sum(len(s["people"]) for s in report["sessions"])
    paragraphs = [(s["aim"], s["paragraphs"]) for s in report["sessions"]] == [
        (s["aim"], s["paragraphs"]) for s in transcription["sessions"]
    ]
    return (
        f"{pdf.name}: structure {'equal' if structure(report) == structure(transcription) else 'DIFFERENT'}, "
        f"{len(report['sessions'])} chapters, {sum(len(s['talks']) for s in report['sessions'])} talks, "
        f"{people} people, {kms} key messages, items {len(got)}/{len(want)}, "
        f"exact {exact}/{len(want)} ({exact / len(want):.1%}), paragraphs+aims {'equal' if paragraphs else 'differ'}, "
        f"{seconds:.2f} s"
    )


def main(argv: list[str]) -> int:
    transcription = json.loads((ROOT / "fixtures" / "transcription.json").read_text(encoding="utf-8"))
    pdfs = [Path(a) for a in argv] or [
        ROOT / "fixtures" / "icpermed-workshop-2023-siena.pdf",
        *sorted((ROOT / "fixtures" / "renderings").glob("*.pdf")),
    ]
    for pdf in pdfs:
        print(measure(pdf, transcription), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
