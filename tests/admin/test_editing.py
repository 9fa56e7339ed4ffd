"""Editing in the admin: edit marks, themes, history with a diff, revert, deletions remembered,
optimistic locking, staff-only access, links to the report PDF and the public pages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from icpermed_kb.models import Theme, ThemedItem, Tombstone
from icpermed_kb.models.editable import EditConflict
from sessions.models import KeyMessage, Talk
from speakers.models import SessionRole, Speaker
from tests.admin.conftest import form_data, make_rows

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def edit(client, obj, **changes):
    """Open the change form, change some fields, save; returns the response."""
    data = form_data(client.get(change_url(obj)))
    data.update(changes)
    return client.post(change_url(obj), data)


# --- access


def test_admin_is_for_staff_only(client):
    url = reverse("admin:workshop_sessions_keymessage_changelist")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    reader = get_user_model().objects.create_user("reader", password="a-long-test-password")
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_no_default_account_exists(db):
    assert not get_user_model().objects.exists()


# --- edit marks, themes, history


def test_saving_marks_the_changed_fields_and_who_changed_them(editor_client, editor):
    message = make_rows(1)["message"]
    response = edit(editor_client, message, text="Corrected text.", page="12")
    assert response.status_code == 302, response.content.decode()[:2000]
    message.refresh_from_db()
    assert (message.text, message.page) == ("Corrected text.", 12)
    assert message.edited_fields == ["page", "text"]
    assert message.edited_by == editor and message.edited_at is not None
    assert message.version == 2


def test_saving_without_changes_writes_nothing(editor_client):
    message = make_rows(1)["message"]
    before = message.history.count()
    assert edit(editor_client, message).status_code == 302
    message.refresh_from_db()
    assert (message.edited_fields, message.edited_at, message.version) == ([], None, 1)
    assert message.history.count() == before


def test_themes_edited_in_the_admin_are_editors_tags(editor_client):
    made = make_rows(1)
    message, rule_theme = made["message"], made["theme"]
    ThemedItem.objects.filter(object_id=message.pk, tag=rule_theme).update(by_rule=True)
    added = Theme.objects.create(name="Imaging", slug="imaging", order=9)
    response = edit(editor_client, message, themes=[str(added.pk)])  # rule theme unticked, Imaging ticked
    assert response.status_code == 302
    message.refresh_from_db()
    assert list(message.themes.values_list("slug", flat=True)) == ["imaging"]
    assert ThemedItem.objects.get(object_id=message.pk, tag=added).by_rule is False
    assert message.edited_fields == ["themes"]
    assert message.history.first().history_change_reason == f"Themes: +Imaging, −{rule_theme.name}"


def test_history_lists_who_changed_what_with_a_diff(editor_client, editor):
    message = make_rows(1)["message"]
    edit(editor_client, message, text="Corrected text.")
    html = editor_client.get(reverse("admin:workshop_sessions_keymessage_history", args=[message.pk])).content.decode()
    assert "alice" in html and "the ingestion" in html  # rows written without a user are named so
    assert "Message 1.0.0" in html and "Corrected text." in html  # the diff: old → new
    latest = message.history.first()
    assert (latest.history_user, latest.history_type) == (editor, "~")


def test_reverting_from_the_history(editor_client, editor):
    message = make_rows(1)["message"]
    original = message.history.earliest("history_date")
    edit(editor_client, message, text="Wrong correction.")
    url = reverse("admin:workshop_sessions_keymessage_simple_history", args=[message.pk, original.history_id])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert editor_client.post(url, form_data(response)).status_code == 302
    message.refresh_from_db()
    assert message.text == "Message 1.0.0"
    assert "text" in message.edited_fields  # the revert is an editor's decision too: ingestion keeps it
    assert message.history.count() == 3


def test_identifying_fields_are_fixed_once_the_item_exists(editor_client):
    message = make_rows(1)["message"]
    data = form_data(editor_client.get(change_url(message)))
    data["order"] = "7"
    assert editor_client.post(change_url(message), data).status_code == 302
    message.refresh_from_db()
    assert message.order == 1


def test_inline_edits_are_marked_too(editor_client):
    talk = make_rows(1)["talk"]
    data = form_data(editor_client.get(change_url(talk)))
    data["key_messages-0-text"] = "Edited inline."
    response = editor_client.post(change_url(talk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    message = KeyMessage.objects.get(text="Edited inline.")
    assert message.edited_fields == ["text"]
    talk.refresh_from_db()
    assert talk.edited_at is None  # the talk itself was not changed


def with_a_second_message(data: dict, *, order: int, text: str) -> dict:
    """The talk's change-form data with a new key-message row added after the first."""
    return data | {
        "key_messages-TOTAL_FORMS": "2",
        "key_messages-1-order": str(order),
        "key_messages-1-kind": "overall",
        "key_messages-1-text": text,
        "key_messages-1-page": "9",
        "key_messages-1-group": "",
        "key_messages-1-version": "",
    }


def test_adding_an_item_in_the_admin_marks_every_field(editor_client):
    talk = make_rows(1)["talk"]
    data = with_a_second_message(
        form_data(editor_client.get(change_url(talk))), order=2, text="A message the parser missed."
    )
    response = editor_client.post(change_url(talk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = KeyMessage.objects.get(text="A message the parser missed.")
    assert added.session_id == talk.session_id
    assert added.edited_fields == ["group", "kind", "page", "talk", "text"]


def test_adding_an_item_at_a_taken_position_is_refused(editor_client):
    talk = make_rows(1)["talk"]
    data = with_a_second_message(form_data(editor_client.get(change_url(talk))), order=1, text="Same position as the first.")
    response = editor_client.post(change_url(talk), data)
    assert response.status_code == 200
    assert "Two rows at position 1" in response.content.decode()
    assert not KeyMessage.objects.filter(text="Same position as the first.").exists()


def test_curating_a_speaker(editor_client):
    speaker = make_rows(1)["speaker"]
    assert edit(editor_client, speaker, organisation="University of Siena", country="Italy").status_code == 302
    speaker.refresh_from_db()
    assert (speaker.organisation, speaker.edited_fields) == ("University of Siena", ["organisation"])


def test_forget_edits_action(editor_client, editor):
    made = make_rows(1, editor)
    response = editor_client.post(
        reverse("admin:workshop_sessions_keymessage_changelist"),
        {"action": "forget_edits", "_selected_action": [made["message"].pk]},
    )
    assert response.status_code == 302
    made["message"].refresh_from_db()
    assert (made["message"].edited_fields, made["message"].edited_at) == ([], None)


# --- deletions


def test_deleting_records_a_tombstone(editor_client, editor):
    message = make_rows(1)["message"]
    url = reverse("admin:workshop_sessions_keymessage_delete", args=[message.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    tombstone = Tombstone.objects.get(model="workshop_sessions.keymessage", deleted_by=editor)
    assert tombstone.key == "ICPerMed Workshop 1 / IV / talk 1 / message 1"
    assert not ThemedItem.objects.filter(object_id=message.pk, content_type__model="keymessage").exists()
    assert message.history.first().history_type == "-"


def test_bulk_and_inline_deletions_record_tombstones(editor_client):
    made = make_rows(1, per_parent=2)
    response = editor_client.post(
        reverse("admin:speakers_sessionrole_changelist"),
        {"action": "delete_selected", "_selected_action": [made["role"].pk], "post": "yes"},
    )
    assert response.status_code == 302
    talk = made["talk"]
    data = form_data(editor_client.get(change_url(talk)))
    data["key_messages-1-DELETE"] = "on"
    assert editor_client.post(change_url(talk), data).status_code == 302
    assert sorted(Tombstone.objects.exclude(key__startswith="gone").values_list("model", "key")) == [
        ("speakers.sessionrole", "ICPerMed Workshop 1 / X1 / person-1 / moderator"),
        ("workshop_sessions.keymessage", "ICPerMed Workshop 1 / IV / talk 1 / message 2"),
    ]


def test_reverting_a_deletion_brings_the_item_back_and_lifts_its_tombstone(editor_client):
    message = make_rows(1)["message"]
    pk = message.pk
    editor_client.post(reverse("admin:workshop_sessions_keymessage_delete", args=[pk]), {"post": "yes"})
    record = KeyMessage.history.filter(id=pk, history_type="~").first() or KeyMessage.history.filter(id=pk).last()
    url = reverse("admin:workshop_sessions_keymessage_simple_history", args=[pk, record.history_id])
    response = editor_client.post(url, form_data(editor_client.get(url)))
    assert response.status_code == 302
    assert KeyMessage.objects.filter(pk=pk, text="Message 1.0.0").exists()
    assert not Tombstone.objects.filter(model="workshop_sessions.keymessage", key__contains="message 1").exists()


def test_a_report_cannot_be_deleted_from_the_admin(editor_client):
    report = make_rows(1)["report"]
    assert editor_client.get(reverse("admin:workshop_sessions_report_delete", args=[report.pk])).status_code == 403


# --- optimistic locking


def test_second_editor_is_told_the_item_changed_and_nothing_is_overwritten(client, editor, second_editor):
    message = make_rows(1)["message"]
    client.force_login(editor)
    alice_form = form_data(client.get(change_url(message)))
    client.force_login(second_editor)
    bob_form = form_data(client.get(change_url(message)))

    client.force_login(editor)
    alice_form["text"] = "Alice's correction."
    assert client.post(change_url(message), alice_form).status_code == 302

    client.force_login(second_editor)
    bob_form["text"] = "Bob's correction."
    response = client.post(change_url(message), bob_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "was changed by alice on" in html and "since you opened it" in html
    assert "your changes were not saved" in html
    message.refresh_from_db()
    assert (message.text, message.edited_by, message.version) == ("Alice's correction.", editor, 2)


def test_an_ingestion_since_opening_the_form_also_counts_as_a_change(client, editor):
    message = make_rows(1)["message"]
    client.force_login(editor)
    form = form_data(client.get(change_url(message)))
    message.page = 13
    message.save()  # what the loader does: a save without a user
    form["text"] = "Too late."
    response = client.post(change_url(message), form)
    assert "was changed by the ingestion on" in response.content.decode()


def test_a_save_that_loses_the_race_past_the_form_check_raises():
    made = make_rows(1)
    first, second = (KeyMessage.objects.get(pk=made["message"].pk) for _ in range(2))
    first.text = "first"
    first.save()
    second.text = "second"
    with pytest.raises(EditConflict):
        second.save()
    assert KeyMessage.objects.get(pk=first.pk).text == "first"


def test_a_race_past_the_form_check_is_reported_and_rolled_back(editor_client, monkeypatch):
    """Someone saves between the form's check and our save: the conditional UPDATE refuses."""
    from django.db.models import F

    from icpermed_kb.editing.admin import EditableAdmin

    message = make_rows(1)["message"]
    original_save_model = EditableAdmin.save_model

    def racing_save_model(self, request, obj, form, change):
        type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)  # the other save
        return original_save_model(self, request, obj, form, change)

    monkeypatch.setattr(EditableAdmin, "save_model", racing_save_model)
    response = edit(editor_client, message, text="Lost the race.")
    assert response.status_code == 302 and response["Location"] == change_url(message)
    page = editor_client.get(response["Location"]).content.decode()
    assert "since you opened it" in page
    message.refresh_from_db()
    assert (message.text, message.version, message.edited_at) == ("Message 1.0.0", 1, None)  # all rolled back


def test_inline_rows_are_locked_too(client, editor, second_editor):
    talk = make_rows(1)["talk"]
    client.force_login(second_editor)
    stale = form_data(client.get(change_url(talk)))
    message = talk.key_messages.get()
    message.text = "Changed meanwhile."
    message._history_user = editor
    message.save()
    stale["key_messages-0-text"] = "Stale edit."
    response = client.post(change_url(talk), stale)
    assert response.status_code == 200
    assert "since you opened it" in response.content.decode()
    assert KeyMessage.objects.get(pk=message.pk).text == "Changed meanwhile."


# --- links


def test_items_link_to_the_report_page_and_their_public_page(editor_client):
    made = make_rows(1)
    message = made["message"]
    pdf = f"/reports/{message.session.report.slug}/report.pdf"
    html = editor_client.get(reverse("admin:workshop_sessions_keymessage_changelist")).content.decode()
    assert f'<a href="{pdf}#page=9" target="_blank">p. 9</a>' in html
    assert f'href="/key-messages/{message.pk}/"' in html
    html = editor_client.get(change_url(message)).content.decode()
    assert "View on site" in html and f"{pdf}#page=9" in html
    for obj in (made["talk"], made["session"], made["speaker"], made["recommendation"], made["theme"]):
        assert "View on site" in editor_client.get(change_url(obj)).content.decode(), obj


def test_view_on_site_reaches_the_public_page(editor_client):
    made = make_rows(1)
    for obj in (made["talk"], made["speaker"], made["theme"]):
        html = editor_client.get(change_url(obj)).content.decode()
        start = html.index('class="viewsitelink"') if 'class="viewsitelink"' in html else html.index("View on site")
        href = html[html.rindex('href="', 0, start) + 6 :]
        href = href[: href.index('"')]
        response = editor_client.get(href, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].endswith(obj.get_absolute_url())


def test_roles_and_speakers_have_their_filters(editor_client):
    make_rows(2)
    url = reverse("admin:speakers_speaker_changelist")
    assert editor_client.get(url, {"roles__role__exact": "moderator"}).context["cl"].result_count == 2
    assert editor_client.get(url, {"country": "Italy"}).context["cl"].result_count == 2
    url = reverse("admin:workshop_sessions_keymessage_changelist")
    assert editor_client.get(url, {"theme": "theme-1-0"}).context["cl"].result_count == 2
    assert editor_client.get(url, {"edited": "yes"}).context["cl"].result_count == 0
    assert editor_client.get(url, {"q": "Panel item 2"}).context["cl"].result_count == 1
    assert SessionRole.objects.count() == 6 and Speaker.objects.count() == 4
    assert Talk.objects.count() == 2
