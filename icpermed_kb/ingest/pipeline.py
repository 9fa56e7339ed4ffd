"""Read, parse and load a report file: the one function the ingest command calls."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DataError, connection, transaction

from icpermed_kb.themes import load_vocabulary

from .pdf_text import MAX_BYTES
from .records import RefusedDocument, Report, first_line
from .sandbox import parse_in_child


@dataclass
class IngestResult:
    report: Report
    summary: object | None  # a LoadSummary, or None for a dry run


def ingest(
    path: Path | str,
    *,
    dry_run: bool = False,
    allow_shrink: bool = False,
    allow_incomplete: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> IngestResult:
    """Ingest one report PDF; raise RefusedDocument (nothing written) for bad input.

    A parse that looks incomplete (report.problems) is refused too, unless `allow_incomplete`:
    then it is loaded and every problem is reported as missing.
    """
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
    progress(accounting_line(report.accounting))
    if report.problems and not allow_incomplete:
        more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
        raise RefusedDocument(
            f"the parse looks incomplete: {report.problems[0]}{more} (to load it anyway, use --allow-incomplete)"
        )
    for problem in report.problems:
        progress(f"Missing (loaded anyway, --allow-incomplete): {problem}")
    if dry_run:
        return IngestResult(report=report, summary=None)
    from .loader import load_report  # imports models: only when writing

    progress("Writing to the database")
    rules = load_vocabulary(settings.THEME_VOCABULARY)
    from icpermed_kb.search.index import deferred

    try:
        with transaction.atomic(), deferred():  # the search index is written once, at the end, in the same transaction
            _, summary = load_report(
                report,
                filename=path.name,
                sha256=hashlib.sha256(data).hexdigest(),
                content=data,
                themes=rules,
                allow_shrink=allow_shrink,
            )
    except DataError as exc:  # text the database refuses (too long for its column…): rolled back, so a refusal
        raise RefusedDocument(f"the report's content cannot be stored ({first_line(exc)})") from None
    refresh_planner_statistics()
    return IngestResult(report=report, summary=summary)


def accounting_line(accounting: dict[str, int]) -> str:
    """Where the extracted text went, as one line: kept in records, set aside, unaccounted."""
    kept = accounting.get("in records", 0) + accounting.get("in labels and headings", 0)
    aside = {name: count for name, count in accounting.items() if name not in ("read", "in records", "in labels and headings", "unaccounted")}
    return (
        f"Text: {accounting.get('read', 0):,} characters read; {kept:,} kept "
        f"({accounting.get('in records', 0):,} in records, {accounting.get('in labels and headings', 0):,} in labels "
        f"and headings); {sum(aside.values()):,} set aside ("
        + ", ".join(f"{count:,} {name}" for name, count in aside.items() if count)
        + f"); {accounting.get('unaccounted', 0):,} unaccounted"
    )


def refresh_planner_statistics() -> None:
    """ANALYZE after a load: PostgreSQL plans from table statistics, and freshly filled tables
    have none until autovacuum comes round. Without them the nested IN subqueries of a filtered
    list with facets were planned as nested loops over "empty" tables: minutes instead of ms."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
