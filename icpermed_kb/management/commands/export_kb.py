import json

from django.core.management.base import BaseCommand

from icpermed_kb.export import export_knowledge_base


class Command(BaseCommand):
    help = "Write the whole knowledge base as JSON (stdout, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write instead of standard output")
        parser.add_argument(
            "--base-url", default="", help="the site's address (https://kb.example.org): items' URLs are then absolute"
        )

    def handle(self, *args, output=None, base_url="", **options):
        base = base_url.rstrip("/")
        text = json.dumps(export_knowledge_base(lambda path: base + path), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
