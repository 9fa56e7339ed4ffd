"""Read, parse and load a report file: the one function the ingest command calls."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DataError, connection

from icpermed_kb import write_turns
from icpermed_kb.themes import load_vocabulary

from .pdf_text import MAX_BYTES
from .records import RefusedDocument, Report, first_line
from .sandbox import parse_in_child


class IngestionBusy(Exception):
    """Another ingestion kept the write lock longer than this one could wait: nothing was written."""


@dataclass
class IngestResult:
    report: Report
    summary: object | None  # a LoadSummary, or None for a dry run


def ingest(
    path: Path | str,
    *,
    dry_run: bool = False,
    allow_shrink: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> IngestResult:
    """Ingest one report PDF; raise RefusedDocument for bad input, IngestionBusy while another ingestion writes."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RefusedDocument(f"the file is over the {MAX_BYTES // 1_000_000} MB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise RefusedDocument(f"cannot read {path}: {exc.strerror or exc}") from None
    progress(f"Reading {path.name} ({len(data):,} bytes)")
    # PyMuPDF and the parser run in a child process under a time limit and memory cap (sandbox.py);
    # a refusal there leaves the database untouched: only this process writes, and only after.
    report = parse_in_child(data)
    progress(f"Read {report.page_count} pages")
    progress("Parsed " + ", ".join(f"{count} {name}" for name, count in report.counts().items()))
    if dry_run:
        return IngestResult(report=report, summary=None)
    from .loader import load_report  # imports models: only when writing

    progress("Writing to the database")
    rules = load_vocabulary(settings.THEME_VOCABULARY)
    from icpermed_kb.search.index import deferred

    wait = settings.INGEST_WAIT_SECONDS
    try:
        # One transaction holding the ingestion lock (icpermed_kb/write_turns.py): editors' saves and
        # other ingestions wait until it commits, and the loader reads edit marks and tombstones only
        # inside it. The search index is written once, at the end, in the same transaction.
        with (
            write_turns.ingestion_turn(
                wait=wait, on_wait=lambda: progress(f"Another writer holds the database: waiting for it (at most {wait:g} s)")
            ),
            deferred(),
        ):
            _, summary = load_report(
                report,
                filename=path.name,
                sha256=hashlib.sha256(data).hexdigest(),
                content=data,
                themes=rules,
                allow_shrink=allow_shrink,
            )
    except write_turns.WriterBusy:
        raise IngestionBusy(
            f"another ingestion is running (the database stayed busy for {wait:g} s): nothing was written; "
            "try again when it has finished"
        ) from None
    except DataError as exc:  # text the database refuses (too long for its column…): rolled back, so a refusal
        raise RefusedDocument(f"the report's content cannot be stored ({first_line(exc)})") from None
    refresh_planner_statistics()
    return IngestResult(report=report, summary=summary)


def refresh_planner_statistics() -> None:
    """ANALYZE after a load: PostgreSQL plans from table statistics, and freshly filled tables
    have none until autovacuum comes round. Without them the nested IN subqueries of a filtered
    list with facets were planned as nested loops over "empty" tables: minutes instead of ms."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
