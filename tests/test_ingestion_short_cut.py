"""A file ingested before, with nothing changed since, is answered "nothing changed" without being read.

Whatever an ingestion would see makes it read the file again: an editor's save, a deleted item
restored, edits forgotten, another vocabulary, other ingestion code, the same bytes under another
name.
"""

import io
import shutil
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from icpermed_kb.ingest import pipeline
from icpermed_kb.ingest.pipeline import ingest
from icpermed_kb.models import FileIngestion, Tombstone
from icpermed_kb.models.editable import natural_key
from sessions.models import KeyMessage, Report
from tests.conftest import REPORT_PDF, ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads():
    """The child-process reads ingest() starts, counted (each still runs)."""
    with mock.patch.object(pipeline, "parse_in_child", wraps=pipeline.parse_in_child) as spy:
        yield spy


def weber_message(order=1):
    return KeyMessage.objects.get(talk__speaker__name="Silvio Weber", order=order)


def test_the_same_file_again_is_not_read(ingested, reads):
    before = sorted(KeyMessage.objects.values_list("id", "text", "version"))
    result = ingest(REPORT_PDF)
    assert reads.call_count == 0
    assert (result.report, result.summary.counts, result.summary.changed) == (None, {}, False)
    assert sorted(KeyMessage.objects.values_list("id", "text", "version")) == before


def test_the_command_says_it_did_not_read_the_file(ingested, reads):
    out = io.StringIO()
    call_command("ingest_report", str(REPORT_PDF), stdout=out)
    assert out.getvalue().splitlines() == [
        f"Reading icpermed-workshop-2023-siena.pdf ({REPORT_PDF.stat().st_size:,} bytes)",
        "Loaded before from this very file, and nothing has changed since: not read again",
        "Done: nothing changed.",
    ]
    assert reads.call_count == 0


def test_a_dry_run_always_reads_the_file(ingested, reads):
    assert ingest(REPORT_PDF, dry_run=True).summary is None
    assert reads.call_count == 1


def test_what_the_last_ingestion_saw_is_recorded(ingested):
    from icpermed_kb.models import data_version

    (record,) = FileIngestion.objects.all()
    assert (record.filename, record.sha256, record.inputs, record.data_version) == (
        "icpermed-workshop-2023-siena.pdf",
        Report.objects.get().sha256,
        pipeline.ingestion_inputs(),
        data_version.current_token(),
    )


def edit_a_message():
    message = weber_message()
    message.text, message.edited_fields, message.edited_at = "An editor's wording.", ["text"], timezone.now()
    message.save()


def restore_a_deleted_message():
    message = weber_message(2)
    Tombstone.objects.create(model="workshop_sessions.keymessage", key=natural_key(message))
    message.delete()
    assert ingest(REPORT_PDF).summary.counts["key messages"]["not restored (deleted by an editor)"] == 1
    Tombstone.objects.all().delete()  # "restore" in the admin: the next ingestion brings it back


def forget_edits_in_the_admin(client):
    from django.contrib.auth import get_user_model

    edit_a_message()
    ingest(REPORT_PDF)  # the edit kept; then the editor hands the item back to the ingestion
    client.force_login(get_user_model().objects.create_superuser("alice", "a@example.org", "a-long-password-1"))
    response = client.post(
        reverse("admin:workshop_sessions_keymessage_changelist"),
        {"action": "forget_edits", "_selected_action": [weber_message().pk]},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "change, outcome",
    [
        (lambda client, tmp_path, settings: edit_a_message(), ("key messages", "kept (edited)", 1)),
        (lambda client, tmp_path, settings: restore_a_deleted_message(), ("key messages", "created", 1)),
        (lambda client, tmp_path, settings: forget_edits_in_the_admin(client), ("key messages", "updated", 1)),
    ],
    ids=["an editor's save", "a deleted item restored", "edits forgotten"],
)
def test_a_write_since_makes_it_read_the_file_again(ingested, reads, client, tmp_path, settings, change, outcome):
    change(client, tmp_path, settings)
    reads.reset_mock()
    summary = ingest(REPORT_PDF).summary
    assert reads.call_count == 1
    model, kind, count = outcome
    assert summary.counts[model][kind] == count
    reads.reset_mock()
    assert ingest(REPORT_PDF).summary.counts == {}  # and then the short cut again
    assert reads.call_count == 0


def test_another_vocabulary_makes_it_read_the_file_again(ingested, reads, tmp_path, settings):
    vocabulary = tmp_path / "themes.toml"
    text = (ROOT / "fixtures" / "themes.toml").read_text(encoding="utf-8")
    vocabulary.write_text(text.replace('name = "Imaging"', 'name = "Medical imaging"', 1), encoding="utf-8")
    settings.THEME_VOCABULARY = vocabulary
    summary = ingest(REPORT_PDF).summary
    assert reads.call_count == 1
    assert summary.counts["themes"]["updated"] == 1


def test_other_ingestion_code_makes_it_read_the_file_again(ingested, reads, tmp_path, monkeypatch):
    module = tmp_path / "parser.py"
    module.write_text("# a changed parser\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "INGESTION_CODE", (*pipeline.INGESTION_CODE, module))
    assert ingest(REPORT_PDF).summary.changed is False
    assert reads.call_count == 1


def test_the_same_bytes_under_another_name_are_read(ingested, reads, tmp_path):
    renamed = tmp_path / "siena-report.pdf"
    shutil.copyfile(REPORT_PDF, renamed)
    summary = ingest(renamed).summary
    assert reads.call_count == 1
    assert summary.counts["reports"]["updated"] == 1  # its source filename
    assert Report.objects.get().source_filename == "siena-report.pdf"


def test_the_code_digest_covers_the_ingestion_modules_and_word_sets():
    names = sorted(path.name for path in pipeline.INGESTION_CODE)
    assert names == sorted(
        [path.name for path in (ROOT / "icpermed_kb" / "ingest").glob("*.py")]
        + ["known.txt.gz", "common-english.txt.gz", "names.json.gz", "themes.py"]
    )


def test_an_incomplete_parse_loaded_anyway_is_read_and_refused_again(tmp_path, report_bytes, reads):
    from icpermed_kb.ingest.records import RefusedDocument
    from tests.ingest.test_plausibility import KARI_STEFANSSON_PRESENTATION_ITEMS, redacted

    path = tmp_path / "report.pdf"
    path.write_bytes(redacted(report_bytes, KARI_STEFANSSON_PRESENTATION_ITEMS))
    assert ingest(path, allow_incomplete=True).summary.changed
    assert FileIngestion.objects.count() == 0  # not remembered as loaded: the next time reads it
    with pytest.raises(RefusedDocument, match="the parse looks incomplete"):
        ingest(path)
    assert reads.call_count == 2
