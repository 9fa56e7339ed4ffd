"""The whole `ingest_report` command on a fresh database, against a bare PyMuPDF process, interleaved.

    .venv/bin/python tests/benchmarks/ingest_benchmark.py [--runs 15] [--pdf PDF] [--output tests/benchmarks/ingest-results.md]

A = `manage.py ingest_report PDF` into an empty, migrated SQLite database (a copy of one migrated
once, made before each run and not timed): the real ingestion, every row written, not the short
cut and not --dry-run. B = a Python process that imports PyMuPDF and extracts every page's
styled text as the reader does (`page.get_text("dict")` with the reader's flags): the floor an
ingestion cannot go under. They run in turn (A B A B …) after one warm-up each, and the ratio
A/B is taken pair by pair, so a machine that gets busier or quieter during the run moves both
sides of each pair alike; the median of the pairs is the figure. Wall time is the whole process,
start-up included, with Python's default bytecode cache (see main()). Then one more ingestion,
its output read line by line as it comes, gives a time stamp per stage (start-up to the first
line, reading and parsing in the child, writing).

It writes the results, with the commands, the load average before and after, and the machine's
processor count, to the output file (Markdown) and prints them.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BARE = (
    "import sys, pymupdf\n"
    "flags = (pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_LIGATURES) | pymupdf.TEXT_COLLECT_VECTORS\n"
    "for page in pymupdf.open(sys.argv[1]):\n"
    "    page.get_text('dict', flags=flags)\n"
)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def timed(command: list[str], env: dict) -> float:
    """Wall seconds of one run of `command` (its output thrown away); fails loudly if it fails."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def stages(command: list[str], env: dict) -> list[tuple[float, str]]:
    """(seconds since start, line) for each line the command prints, as it prints it, and its exit."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, text=True
    )
    lines: list[tuple[float, str]] = []
    # Read in a thread: the reader's fork server holds the pipe open a moment after the command exits.
    reader = threading.Thread(target=lambda: lines.extend((time.perf_counter() - start, text.rstrip()) for text in process.stdout))
    reader.start()
    process.wait()
    exited = time.perf_counter() - start
    reader.join(10)
    return [*lines, (exited, f"(the command exits, status {process.returncode})")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed pairs (default 15)")
    parser.add_argument("--pdf", type=Path, default=ROOT / "fixtures" / "icpermed-workshop-2023-siena.pdf")
    parser.add_argument("--output", type=Path, default=ROOT / "tests" / "benchmarks" / "ingest-results.md")
    arguments = parser.parse_args(argv)
    pdf = arguments.pdf.resolve()
    with tempfile.TemporaryDirectory(prefix="ingest-benchmark-") as scratch:
        template, database = Path(scratch) / "migrated.sqlite3", Path(scratch) / "run.sqlite3"
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
        env["DATABASE_URL"] = f"sqlite:///{database}"
        # Python as it runs by default: it caches the bytecode of what it imports (here under the
        # scratch directory, not in the tree) and reuses it from the warm-up on. A machine that sets
        # PYTHONDONTWRITEBYTECODE would otherwise compile the project's modules from source on every
        # run, while B's PyMuPDF, like every installed package, has its bytecode from its installation.
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "bytecode")
        subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, check=True,
                       env={**env, "DATABASE_URL": f"sqlite:///{template}"})
        ingest = [PYTHON, "manage.py", "ingest_report", str(pdf)]
        bare = [PYTHON, "-c", BARE, str(pdf)]

        def fresh_ingestion() -> float:
            shutil.copyfile(template, database)  # an empty migrated database, not timed
            return timed(ingest, env)

        before = load_average()
        fresh_ingestion(), timed(bare, env)  # warm-up: the file cache, the compiled modules
        pairs = []
        for _ in range(arguments.runs):
            pairs.append((fresh_ingestion(), timed(bare, env)))
        after = load_average()
        shutil.copyfile(template, database)
        profile = stages(ingest, env)

    ratios = sorted(a / b for a, b in pairs)
    a_times, b_times = sorted(a for a, _ in pairs), sorted(b for _, b in pairs)

    relative = os.path.relpath(pdf, ROOT)
    report = [
        "# Ingestion against the bare PyMuPDF process",
        "",
        f"`{Path(PYTHON).relative_to(ROOT) if Path(PYTHON).is_relative_to(ROOT) else PYTHON} "
        f"tests/benchmarks/ingest_benchmark.py --runs {arguments.runs}` "
        f"on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({platform.machine()}), "
        f"Python {platform.python_version()}; load average (1, 5, 15 min) {before} before, {after} after.",
        "",
        f"- A: `manage.py ingest_report {relative}` into an empty migrated SQLite database (a fresh copy each run)",
        f"- B: `python -c '<import pymupdf; get_text(\"dict\") of every page, the reader's flags>' {relative}`",
        "",
        f"{arguments.runs} pairs, run in turn (A B A B …) after one warm-up each; wall time of the whole process. "
        "Both with Python's default bytecode cache (PYTHONDONTWRITEBYTECODE unset, PYTHONPYCACHEPREFIX in the scratch "
        "directory), so the project's modules are compiled once, in the warm-up, as PyMuPDF's were when it was installed.",
        "",
        "| | median | min | max |",
        "| --- | --- | --- | --- |",
        f"| A, ingestion | {statistics.median(a_times):.3f} s | {a_times[0]:.3f} s | {a_times[-1]:.3f} s |",
        f"| B, bare PyMuPDF | {statistics.median(b_times):.3f} s | {b_times[0]:.3f} s | {b_times[-1]:.3f} s |",
        f"| **A/B**, pair by pair | **{statistics.median(ratios):.2f}×** | {ratios[0]:.2f}× | {ratios[-1]:.2f}× |",
        "",
        "One more ingestion, each line stamped as it was printed (seconds since the start):",
        "",
        "```",
        *[f"{at:6.3f}  {line}" for at, line in profile],
        "```",
        "",
    ]
    text = "\n".join(report)
    arguments.output.write_text(text, encoding="utf-8")
    print(text)
    print(f"(written to {os.path.relpath(arguments.output, ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
