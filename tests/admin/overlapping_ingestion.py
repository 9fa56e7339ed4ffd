"""A real ingestion — the ingest_report command, in its own process — that can stop inside its write phase.

    DATABASE_URL=… python tests/admin/overlapping_ingestion.py REPORT.pdf [--pause load|themes]

The overlap tests (test_overlap.py) run it against their database. With --pause, when the loader
reaches that point of its write phase it prints a line "PAUSED" and waits for a line on its
standard input before it goes on: "load" is the start of the load (the tombstones just read),
"themes" is after every row was written and before the themes are applied (the edit marks read).
Those are the windows in which issue 15's editors lost their work. Nothing else is changed: the
command parses the PDF in its sandbox, takes the write lock, loads, commits and prints its summary.
"""

import argparse
import functools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def paused(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        print("PAUSED", flush=True)
        sys.stdin.readline()
        return method(*args, **kwargs)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pdf")
    parser.add_argument("--pause", choices=["load", "themes"])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpermed_kb.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    from icpermed_kb.ingest import loader

    if args.pause == "load":
        loader._Loader.load = paused(loader._Loader.load)
    elif args.pause == "themes":
        loader._Loader.apply_themes = paused(loader._Loader.apply_themes)
    execute_from_command_line(["manage.py", "ingest_report", args.pdf])


if __name__ == "__main__":  # the sandbox's fork server imports this file again: only run as a script
    main()
