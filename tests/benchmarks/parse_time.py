"""Wall and CPU time of reading and parsing a report: parse_document(read_document(bytes)), best of N.

    .venv/bin/python tests/benchmarks/parse_time.py [PDF] [runs]

The word lists and place names are loaded first (the ingestion's reader process has them loaded
before any file arrives), so the times are those of one file. Run it on a quiet machine: other
processes on the same cores inflate the wall time, and the CPU time less so.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from icpermed_kb.ingest import people, text
    from icpermed_kb.ingest.parser import parse_document
    from icpermed_kb.ingest.pdf_text import read_document

    text.is_word("qzqz")
    people.warm()
    path = Path(argv[0]) if argv else ROOT / "fixtures" / "icpermed-workshop-2023-siena.pdf"
    runs = int(argv[1]) if len(argv) > 1 else 20
    data = path.read_bytes()
    walls, cpus, reads = [], [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        document = read_document(data)
        reads.append(time.perf_counter() - wall)
        parse_document(document)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    walls.sort()
    cpus.sort()
    print(
        f"{path.name}: wall best {walls[0]:.3f} s, median {walls[len(walls) // 2]:.3f} s; "
        f"CPU best {cpus[0]:.3f} s, median {cpus[len(cpus) // 2]:.3f} s; read_document best {min(reads):.3f} s "
        f"({runs} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
