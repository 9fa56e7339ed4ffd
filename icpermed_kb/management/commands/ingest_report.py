from django.core.management.base import BaseCommand, CommandError

from icpermed_kb.ingest.pipeline import IngestionBusy, ingest
from icpermed_kb.ingest.records import RefusedDocument


class Command(BaseCommand):
    help = "Parse a workshop report PDF and load it into the knowledge base (one transaction)."
    # No system checks first: they import every URL module and view for nothing the command uses;
    # `manage.py check`, the server and the test suite run them (tests/benchmarks/ingest-results.md).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="the report PDF")
        parser.add_argument("--dry-run", action="store_true", help="parse and summarise without writing")
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="load the report even if it has far fewer items than the stored copy of its edition",
        )
        parser.add_argument(
            "--allow-incomplete",
            action="store_true",
            help="load a parse that looks incomplete (a label with no items, text that went nowhere…), saying what is missing",
        )

    def handle(self, *args, path, dry_run, allow_shrink, allow_incomplete, **options):
        try:
            result = ingest(
                path,
                dry_run=dry_run,
                allow_shrink=allow_shrink,
                allow_incomplete=allow_incomplete,
                progress=lambda line: self.stdout.write(line),
            )
        except RefusedDocument as exc:
            raise CommandError(f"refused {path}: {exc}") from None
        except IngestionBusy as exc:
            raise CommandError(f"{path}: {exc}") from None
        if result.summary is None:
            self.stdout.write("Dry run: nothing written.")
            return
        for line in result.summary.lines():
            self.stdout.write(f"  {line}")
        summary = result.summary
        if summary.kept_edited or summary.not_restored:
            self.stdout.write(
                f"Kept editors' work: {summary.kept_edited} edited items kept, "
                f"{summary.not_restored} deleted items not restored."
            )
        self.stdout.write(self.style.SUCCESS("Done." if result.summary.changed else "Done: nothing changed."))
