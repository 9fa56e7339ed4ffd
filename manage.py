#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import gc
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpermed_kb.settings")
    if sys.argv[1:2] == ["ingest_report"]:
        # The PDF reader's fork server warms up (PyMuPDF, the parser's word sets) while Django starts,
        # on the other core (tests/benchmarks/ingest-results.md).
        from icpermed_kb.ingest.sandbox import start_reader

        start_reader()
    from django.core.management import execute_from_command_line
    from django.db import connections

    execute_from_command_line(sys.argv)
    # Close what holds a resource (SQLite checkpoints its write-ahead log here), then exit without the
    # interpreter's last garbage collection over every object Django loaded.
    connections.close_all()
    gc.freeze()
