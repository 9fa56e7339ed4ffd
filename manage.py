#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import argparse
import gc
import os
import sys


def _named_pdf(arguments):
    """The PDF path in `ingest_report`'s arguments, told apart without Django (None if there is none)."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("path", nargs="?")
    for option in (("--settings",), ("--pythonpath",), ("-v", "--verbosity")):  # Django's options that take a value
        parser.add_argument(*option)
    try:
        return parser.parse_known_args(arguments)[0].path
    except (argparse.ArgumentError, SystemExit):  # arguments argparse cannot read: the command will say what is wrong with them
        return None


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpermed_kb.settings")
    if sys.argv[1:2] == ["ingest_report"]:
        # The PDF reader's fork server warms up (PyMuPDF, the parser's word sets) and reads the named
        # file while Django starts, on the other core (tests/benchmarks/ingest-results.md). The
        # command reads the file itself and uses this head start only if the bytes are the same.
        from icpermed_kb.ingest.sandbox import start_reader

        start_reader(_named_pdf(sys.argv[2:]))
    from django.core.management import execute_from_command_line
    from django.db import connections

    execute_from_command_line(sys.argv)
    # Close what holds a resource (SQLite checkpoints its write-ahead log here), then exit without the
    # interpreter's last garbage collection over every object Django loaded.
    connections.close_all()
    gc.freeze()
