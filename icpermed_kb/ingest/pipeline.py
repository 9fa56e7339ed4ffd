"""Read, parse and load a report file: the one function the ingest command calls."""

from __future__ import annotations

import hashlib
import importlib.metadata
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DataError, connection

from icpermed_kb import themes, write_turns
from icpermed_kb.themes import ThemeRule, load_vocabulary, matched_text

from . import places, words
from .records import MAX_BYTES, RefusedDocument, Report, first_line
from .sandbox import CHILD_MODULE, Limits, parse_in_child, start_in_child

# Besides the file and the database, what an ingestion's outcome depends on (see ingestion_inputs()):
# the ingestion's code, the word sets and place names the parser consults and the theme rules' code.
INGESTION_CODE = (
    *sorted(Path(__file__).resolve().parent.glob("*.py")),
    *words.FILES,
    places.FILE,
    Path(themes.__file__).resolve(),
)
READER_PACKAGES = ("PyMuPDF",)
MATCH_TARGET = f"{CHILD_MODULE}:which_match"


class IngestionBusy(Exception):
    """Another ingestion kept the write lock longer than this one could wait: nothing was written."""


@dataclass
class IngestResult:
    report: Report | None  # None when the file was not read again: loaded before, nothing changed since
    summary: object | None  # a LoadSummary, or None for a dry run


def ingest(
    path: Path | str,
    *,
    dry_run: bool = False,
    allow_shrink: bool = False,
    allow_incomplete: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> IngestResult:
    """Ingest one report PDF; raise RefusedDocument (nothing written) for bad input, IngestionBusy while another ingestion writes.

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
    sha256 = hashlib.sha256(data).hexdigest()
    if not dry_run and unchanged_since_last_ingestion(path.name, sha256):
        from .loader import LoadSummary

        progress("Loaded before from this very file, and nothing has changed since: not read again")
        return IngestResult(report=None, summary=LoadSummary())
    # Read now, while the reader's child may still be parsing (manage.py starts it early): a wait anyway.
    rules = None if dry_run else load_vocabulary(settings.THEME_VOCABULARY)
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
    rule_matches = rule_matches_in_child(rules, report)
    from icpermed_kb.search.index import deferred

    wait = settings.INGEST_WAIT_SECONDS
    try:
        # One transaction holding the ingestion lock (icpermed_kb/write_turns.py): editors' saves and
        # other ingestions wait until it commits, and the loader reads edit marks and tombstones only
        # inside it. The search index is written once, after the rows, in the same transaction.
        with (
            write_turns.ingestion_turn(
                wait=wait, on_wait=lambda: progress(f"Another writer holds the database: waiting for it (at most {wait:g} s)")
            ),
            deferred(),
        ):
            _, summary = load_report(
                report,
                filename=path.name,
                sha256=sha256,
                content=data,
                themes=rules,
                allow_shrink=allow_shrink,
                rule_matches=rule_matches,
            )
            if not report.problems:  # an incomplete parse, loaded anyway, is read again next time (and refused)
                record_ingestion(path.name, sha256)
    except write_turns.WriterBusy:
        raise IngestionBusy(
            f"another ingestion is running (the database stayed busy for {wait:g} s): nothing was written; "
            "try again when it has finished"
        ) from None
    except DataError as exc:  # text the database refuses (too long for its column…): rolled back, so a refusal
        raise RefusedDocument(f"the report's content cannot be stored ({first_line(exc)})") from None
    refresh_planner_statistics()
    return IngestResult(report=report, summary=summary)


def rule_matches_in_child(rules: list[ThemeRule], report: Report) -> Callable[[], dict[str, list[str]]]:
    """Start matching the rule themes against the report's texts in a reader's child; the function returned waits for the matches.

    The regular expressions are a good part of the writing's time, and the other core is idle
    while the rows are written: so they run there meanwhile (the loader asks for them last). The
    same compiled patterns on the same texts (themes.matching_slugs); if the child fails, the
    function gives {} and the loader matches every item itself.
    """
    from .loader import theme_texts

    texts = sorted({matched_text(*texts) for texts in theme_texts(report)})
    pending = start_in_child(MATCH_TARGET, pickle.dumps(([rule.regex for rule in rules], texts)), Limits.from_settings())

    def matches() -> dict[str, list[str]]:
        try:
            found = pending.result()
        except RefusedDocument:  # what run_in_child raises for any failure of the child
            return {}
        return {text: [rules[index].slug for index in indices] for text, indices in zip(texts, found, strict=True)}

    return matches


def ingestion_inputs() -> str:
    """sha256 of the theme vocabulary, the ingestion code, word sets and place names, and the PDF reader's version."""
    digest = hashlib.sha256()
    for path in (Path(settings.THEME_VOCABULARY), *INGESTION_CODE):
        digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    for package in READER_PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\0".encode())
    return digest.hexdigest()


def unchanged_since_last_ingestion(filename: str, sha256: str) -> bool:
    """Whether this file was the last one ingested under this name with these inputs, and no write has happened since.

    Then a full ingestion would find every row as it is and change nothing (two small queries
    instead of reading and comparing the whole report). Every write an ingestion would see, by the
    admin, a shell or another ingestion, changes the data version (models/data_version.py).
    """
    from icpermed_kb.models import FileIngestion, data_version

    token = data_version.current_token()
    if token is None:
        return False
    return FileIngestion.objects.filter(
        sha256=sha256, filename=filename, inputs=ingestion_inputs(), data_version=token
    ).exists()


def record_ingestion(filename: str, sha256: str) -> None:
    """Remember what this ingestion read and the data version it left (in its own transaction, after its writes)."""
    from icpermed_kb.models import FileIngestion, data_version

    FileIngestion.objects.update_or_create(
        sha256=sha256,
        defaults={"filename": filename, "inputs": ingestion_inputs(), "data_version": data_version.current_token() or ""},
    )


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
