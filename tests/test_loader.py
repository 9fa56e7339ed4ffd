"""Loading into the database: complete, idempotent, in place, keeping editors' themes."""

import copy

import pytest

from icpermed_kb.ingest.loader import KEPT, NOT_RESTORED, load_report
from icpermed_kb.ingest.pipeline import ingest
from icpermed_kb.models import FileIngestion, Theme, ThemedItem
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
    FileIngestion.objects.all().delete()  # the loader itself, not the short cut that skips a known file
    again = ingest(REPORT_PDF)
    assert again.report is not None and again.summary.changed is False
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


def test_items_keep_the_regions_they_are_printed_in(ingested, parsed_report):
    # Boxes are the parser's (checked against the page in tests/ingest/test_parser.py), stored as
    # JSON and kept out of the items' history, where they would only be noise.
    weber = Talk.objects.get(speaker__name="Silvio Weber")
    parsed_weber = parsed_report.sessions[4].talks[2]
    assert weber.boxes == parsed_weber.boxes
    assert weber.key_messages.get(order=1).boxes == parsed_weber.key_messages[0].boxes
    assert [box["page"] for box in weber.key_messages.get(order=1).boxes] == [13, 14]
    assert Recommendation.objects.filter(boxes=[]).count() == KeyMessage.objects.filter(boxes=[]).count() == 0
    assert "boxes" not in {field.name for field in KeyMessage.history.model._meta.fields}


# --- editors' work survives re-ingestion (the admin sets these marks; see tests/admin/)


def mark_edited(item, **values):
    """What the admin does: change fields and list them in edited_fields."""
    import django.utils.timezone

    for name, value in values.items():
        if name != "themes":
            setattr(item, name, value)
    item.edited_fields = sorted(values)
    item.edited_at = django.utils.timezone.now()
    item.save()
    return item


def corrected_load(parsed, **kwargs):
    return load_report(
        parsed,
        filename="corrected.pdf",
        sha256="1" * 64,
        themes=load_vocabulary(ROOT / "fixtures" / "themes.toml"),
        **kwargs,
    )


def weber_message(order=1):
    return KeyMessage.objects.get(talk__speaker__name="Silvio Weber", order=order)


def test_reingestion_never_overwrites_an_edited_field(ingested):
    message = mark_edited(weber_message(), text="An editor's wording.")
    again = ingest(REPORT_PDF)
    message.refresh_from_db()
    assert message.text == "An editor's wording."
    assert again.summary.counts["key messages"][KEPT] == 1
    assert again.summary.kept_edited == 1
    assert again.summary.changed is False  # idempotent: nothing written
    assert KeyMessage.objects.count() == 264


def test_corrected_report_updates_unedited_fields_of_edited_items_in_place(ingested, parsed_report):
    message = mark_edited(weber_message(), text="An editor's wording.")
    corrected = copy.deepcopy(parsed_report)
    printed = corrected.sessions[4].talks[2].key_messages[0]
    printed.text, printed.page = "The corrected PDF's wording.", 99
    _, summary = corrected_load(corrected)
    message.refresh_from_db()
    assert (message.pk, message.text, message.page) == (weber_message().pk, "An editor's wording.", 99)
    assert summary.counts["key messages"][KEPT] == 1 and summary.changed


def test_edited_items_the_report_no_longer_has_are_kept(ingested, parsed_report):
    corrected = copy.deepcopy(parsed_report)
    weber = corrected.sessions[4].talks[2]
    last = mark_edited(weber_message(len(weber.key_messages)), page=1)
    weber.key_messages.pop()
    corrected.sessions[4].talks.pop()  # the whole talk is gone from the corrected PDF
    unedited_neighbour = weber_message(1)
    _, summary = corrected_load(corrected)
    assert KeyMessage.objects.filter(pk=last.pk).exists()
    assert Talk.objects.filter(pk=last.talk_id).exists()  # it holds an edited message: kept with it
    assert not KeyMessage.objects.filter(pk=unedited_neighbour.pk).exists()
    assert summary.counts["talks"][KEPT] == 1 and summary.counts["key messages"][KEPT] == 1


def test_a_deleted_item_stays_deleted(ingested):
    from icpermed_kb.models import Tombstone
    from icpermed_kb.models.editable import natural_key

    message = weber_message(2)
    Tombstone.objects.create(model="workshop_sessions.keymessage", key=natural_key(message))
    message.delete()
    session = Session.objects.get(number="VIII")
    Tombstone.objects.create(model="workshop_sessions.session", key=natural_key(session))
    session.delete()
    again = ingest(REPORT_PDF)
    assert not KeyMessage.objects.filter(talk__speaker__name="Silvio Weber", order=2).exists()
    assert not Session.objects.filter(number="VIII").exists()
    assert again.summary.counts["key messages"][NOT_RESTORED] == 1
    assert again.summary.counts["sessions"][NOT_RESTORED] == 1
    assert again.summary.not_restored == 2
    # Only the people of the deleted session, left with no role and no talk, were cleaned up.
    assert set(again.summary.counts["speakers"]) == {"unchanged", "deleted"}
    assert ingest(REPORT_PDF).summary.changed is False
    Tombstone.objects.filter(model="workshop_sessions.session").delete()  # "restore" in the admin
    assert ingest(REPORT_PDF).summary.counts["sessions"]["created"] == 1


def test_a_deleted_theme_is_not_recreated_nor_applied(ingested):
    from icpermed_kb.models import Tombstone

    Tombstone.objects.create(model="core.theme", key="imaging")
    Theme.objects.filter(slug="imaging").delete()
    ingest(REPORT_PDF)
    assert not Theme.objects.filter(slug="imaging").exists()
    assert not ThemedItem.objects.filter(tag__slug="imaging").exists()


def test_themes_an_editor_changed_are_left_alone_by_the_rules(ingested):
    message = KeyMessage.objects.get(text__startswith="Insertion-deletions (indels) occur")
    assert list(message.themes.values_list("slug", flat=True)) == ["genomics-omics"]
    message.themes.set([Theme.objects.get(slug="imaging")])  # the editor removed the rule theme
    mark_edited(message, themes=None)
    again = ingest(REPORT_PDF)
    assert list(message.themes.values_list("slug", flat=True)) == ["imaging"]
    assert again.summary.counts["themed items"][KEPT] == 1  # the rule tag not put back
    assert again.summary.changed is False


def test_curated_speaker_details_survive(ingested):
    speaker = Speaker.objects.get(slug="ejner-moltzen")
    mark_edited(speaker, organisation="Curated organisation", country="Denmark")
    ingest(REPORT_PDF)
    speaker.refresh_from_db()
    assert (speaker.organisation, speaker.country) == ("Curated organisation", "Denmark")


def test_ingestion_writes_history_without_a_user(ingested):
    message = weber_message()
    (record,) = message.history.all()
    assert (record.history_user, record.history_type, record.history_change_reason) == (
        None,
        "+",
        "Ingestion of icpermed-workshop-2023-siena.pdf",
    )


def test_every_row_written_has_its_creation_in_the_history(ingested):
    """Rows are written in bulk: each still gets the one "+" record a save writes, with the row's values."""
    for model in (Theme, Report, Session, Speaker, SessionRole, Talk, KeyMessage, Recommendation):
        history = model.history.model
        tracked = [field.attname for field in history.tracked_fields]
        rows = {row["id"]: row for row in model.objects.values("id", *tracked)}
        records = list(history.objects.values("id", "history_type", "history_user", "history_change_reason", *tracked))
        assert sorted(record["id"] for record in records) == sorted(rows), model
        for record in records:
            assert (record["history_type"], record["history_user"], record["history_change_reason"]) == (
                "+",
                None,
                "Ingestion of icpermed-workshop-2023-siena.pdf",
            ), model
            assert {name: record[name] for name in tracked} == rows[record["id"]], model
        versions = set(model.objects.values_list("version", flat=True))
        assert versions == {1}, model


def test_command_prints_what_it_kept(ingested):
    import io

    from django.core.management import call_command

    mark_edited(weber_message(), text="An editor's wording.")
    out = io.StringIO()
    call_command("ingest_report", str(REPORT_PDF), stdout=out)
    lines = out.getvalue().splitlines()
    assert "  key messages: 0 created, 0 updated, 263 unchanged, 0 deleted, 1 kept (edited)" in lines
    assert "Kept editors' work: 1 edited items kept, 0 deleted items not restored." in lines
    assert lines[-1] == "Done: nothing changed."


# --- a file that parses but lost much of the report


def drop_second_half_of_each_talks_messages(parsed):
    shrunk = copy.deepcopy(parsed)
    for session in shrunk.sessions:
        for talk in session.talks:
            del talk.key_messages[len(talk.key_messages) // 2 :]
    return shrunk


def test_a_report_much_smaller_than_the_stored_one_is_refused_and_nothing_changes(ingested, parsed_report):
    from icpermed_kb.export import export_knowledge_base
    from icpermed_kb.ingest.records import RefusedDocument

    shrunk = drop_second_half_of_each_talks_messages(parsed_report)
    stored, in_file = KeyMessage.objects.count(), len(shrunk.key_messages())
    before = export_knowledge_base()
    with pytest.raises(RefusedDocument) as refusal:
        corrected_load(shrunk)
    assert str(refusal.value) == (
        f"it holds {in_file} key messages where the stored report has {stored}: it looks damaged or incomplete "
        "(to load it anyway, use --allow-shrink)"
    )
    assert export_knowledge_base() == before


def test_allow_shrink_loads_the_smaller_report(ingested, parsed_report):
    shrunk = drop_second_half_of_each_talks_messages(parsed_report)
    stored = KeyMessage.objects.count()
    _, summary = corrected_load(shrunk, allow_shrink=True)
    assert KeyMessage.objects.count() == len(shrunk.key_messages())
    assert summary.counts["key messages"]["deleted"] == stored - len(shrunk.key_messages())


def drop_key_messages(parsed, count: int):
    """A copy of the report without `count` talk key messages, taken one per talk in turn."""
    shrunk = copy.deepcopy(parsed)
    talks = shrunk.talks()
    while count:
        for talk in talks:
            if count and talk.key_messages:
                talk.key_messages.pop()
                count -= 1
    return shrunk


@pytest.mark.parametrize("over", [0, 1])
def test_a_corrected_report_may_drop_up_to_a_tenth_of_the_items(ingested, parsed_report, over):
    from icpermed_kb.ingest.loader import SHRINK_LIMIT
    from icpermed_kb.ingest.records import RefusedDocument

    stored = KeyMessage.objects.count()
    budget = int(stored * SHRINK_LIMIT)  # how many a corrected file may drop
    shrunk = drop_key_messages(parsed_report, budget + over)
    if over:
        with pytest.raises(RefusedDocument):
            corrected_load(shrunk)
        assert KeyMessage.objects.count() == stored
    else:
        _, summary = corrected_load(shrunk)
        assert summary.counts["key messages"]["deleted"] == budget


def test_the_summary_counts_each_person_once(db):
    """A person named in several places (people lists, talk headings) is one speaker, counted once."""
    first = ingest(REPORT_PDF).summary.counts["speakers"]
    assert (first["created"], first["updated"], first["unchanged"]) == (Speaker.objects.count(), 0, 0) == (25, 0, 0)
    FileIngestion.objects.all().delete()  # forget the short cut's record, so the file is read and loaded again
    again = ingest(REPORT_PDF).summary.counts["speakers"]
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 25)
