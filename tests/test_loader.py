"""Loading into the database: complete, idempotent, in place, keeping editors' themes."""

import copy

import pytest

from icpermed_kb.ingest.loader import load_report
from icpermed_kb.ingest.pipeline import ingest
from icpermed_kb.models import Theme, ThemedItem
from icpermed_kb.themes import load_vocabulary
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import SessionRole, Speaker
from tests.conftest import REPORT_PDF, ROOT

pytestmark = pytest.mark.django_db


def database_counts():
    return {
        "reports": Report.objects.count(),
        "sessions": Session.objects.count(),
        "talks": Talk.objects.count(),
        "speakers": Speaker.objects.count(),
        "roles": SessionRole.objects.count(),
        "key messages": KeyMessage.objects.count(),
        "panel items": KeyMessage.objects.filter(talk=None).count(),
        "recommendations": Recommendation.objects.count(),
        "themes": Theme.objects.count(),
    }


def test_ingestion_writes_every_record(ingested):
    assert database_counts() == {
        "reports": 1,
        "sessions": 9,
        "talks": 21,
        "speakers": 25,  # Ejner Moltzen is listed in III and in V
        "roles": 26,
        "key messages": 264,
        "panel items": 20,
        "recommendations": 27,
        "themes": 23,
    }
    report = Report.objects.get()
    assert (report.source_filename, report.page_count, len(report.sha256)) == (
        "icpermed-workshop-2023-siena.pdf",
        27,
        64,
    )


def test_second_ingestion_changes_nothing(ingested):
    before = {
        "ids": sorted(KeyMessage.objects.values_list("id", "text")),
        "themes": sorted(ThemedItem.objects.values_list("content_type_id", "object_id", "tag_id")),
    }
    again = ingest(REPORT_PDF)
    assert again.summary.changed is False
    assert sorted(KeyMessage.objects.values_list("id", "text")) == before["ids"]
    assert sorted(ThemedItem.objects.values_list("content_type_id", "object_id", "tag_id")) == before["themes"]


def test_corrected_report_updates_in_place(ingested, parsed_report):
    corrected = copy.deepcopy(parsed_report)
    weber = corrected.sessions[4].talks[2]
    weber.key_messages[0].text = "More than 10,000 patients have been treated."
    removed = weber.key_messages.pop()
    first = KeyMessage.objects.get(talk__speaker__name="Silvio Weber", order=1)
    _, summary = load_report(
        corrected, filename="corrected.pdf", sha256="0" * 64, themes=load_vocabulary(ROOT / "fixtures" / "themes.toml")
    )
    first.refresh_from_db()
    assert first.text == "More than 10,000 patients have been treated."
    assert summary.counts["key messages"]["updated"] == 1
    assert summary.counts["key messages"]["deleted"] == 1
    assert not KeyMessage.objects.filter(text=removed.text).exists()
    assert Report.objects.count() == 1


def test_editor_theme_survives_reapplied_rules(ingested):
    message = KeyMessage.objects.get(text__startswith="Insertion-deletions (indels) occur")
    imaging = Theme.objects.get(slug="imaging")
    message.themes.add(imaging)  # an editor's tag: by_rule stays False
    ingest(REPORT_PDF)
    assert list(message.themes.values_list("slug", flat=True).order_by("slug")) == [
        "genomics-omics",
        "imaging",
    ]


def test_speakers_carry_organisation_and_roles(ingested):
    moltzen = Speaker.objects.get(slug="ejner-moltzen")
    assert sorted(moltzen.roles.values_list("session__number", "role")) == [("III", "speaker"), ("V", "moderator")]
    assert list(Talk.objects.filter(speaker=moltzen).values_list("session__number", flat=True)) == ["III"]
