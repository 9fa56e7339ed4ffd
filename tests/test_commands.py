"""The management commands: exit codes, dry run and the export's shape."""

import io
import json

import pytest
from django.core.management import call_command

from sessions.models import KeyMessage
from tests.conftest import REPORT_PDF

pytestmark = pytest.mark.django_db


def test_dry_run_parses_and_writes_nothing():
    out = io.StringIO()
    call_command("ingest_report", str(REPORT_PDF), "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "Dry run: nothing written."
    assert lines[2].startswith("Parsed 9 chapters, 21 talks, 26 people, 107 key messages (presentation)")
    assert KeyMessage.objects.count() == 0


def test_ingest_reports_progress_and_summary():
    out = io.StringIO()
    call_command("ingest_report", str(REPORT_PDF), stdout=out)
    text = out.getvalue()
    assert "  key messages: 264 created, 0 updated, 0 unchanged, 0 deleted" in text.splitlines()
    assert text.splitlines()[-1] == "Done."
    out = io.StringIO()
    call_command("ingest_report", str(REPORT_PDF), stdout=out)
    assert out.getvalue().splitlines()[-1] == "Done: nothing changed."


def test_export_holds_every_printed_unit_in_report_order(ingested, transcription, tmp_path):
    path = tmp_path / "kb.json"
    call_command("export_kb", "--output", str(path), stderr=io.StringIO())
    exported = json.loads(path.read_text(encoding="utf-8"))["reports"][0]
    assert {key: exported[key] for key in ("title", "series", "number", "place", "start_date", "end_date")} == {
        key: transcription[key] for key in ("title", "series", "number", "place", "start_date", "end_date")
    }
    assert exported["source"]["pages"] == 27
    for got, want in zip(exported["sessions"], transcription["sessions"], strict=True):
        assert (got["number"], got["title"], got["kind"], got["page"], got["aim"], got["paragraphs"]) == (
            want["number"],
            want["title"],
            want["kind"],
            want["page"],
            want["aim"],
            want["paragraphs"],
        )
        assert [(p["name"], p["role"], p["affiliation"]) for p in got["people"]] == [
            (p["name"], p["role"], p["affiliation"]) for p in want["people"]
        ]
        assert [(t["speaker"]["name"], t["title"], t["topic"], t["paragraphs"]) for t in got["talks"]] == [
            (t["speaker"]["name"], t["title"], t["topic"], t["paragraphs"]) for t in want["talks"]
        ]
        got_messages = [(m["kind"], m["group"], m["text"], m["page"]) for t in got["talks"] for m in t["key_messages"]]
        want_messages = [
            (m["kind"], m["group"], m["text"], m["page"]) for t in want["talks"] for m in t["key_messages"]
        ]
        assert got_messages == want_messages
        assert [(m["text"], m["page"]) for m in got["key_messages"]] == [
            (m["text"], m["page"]) for m in want["key_messages"]
        ]
        assert [(r["kind"], r["lead"], r["text"], r["page"]) for r in got["recommendations"]] == [
            (r["kind"], r["lead"], r["text"], r["page"]) for r in want["recommendations"]
        ]


def test_export_to_stdout_is_json(ingested):
    out = io.StringIO()
    call_command("export_kb", stdout=out)
    assert [s["number"] for s in json.loads(out.getvalue())["reports"][0]["sessions"]] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
    ]
