"""No N+1 in the admin: every changelist, change form and history page costs the same number of
queries with 1 row as with 3 (list_select_related tuples, prefetching, fixed key fields)."""

import pytest
from django.urls import reverse

from tests.admin.conftest import make_rows

pytestmark = pytest.mark.django_db

# Measured; the point is that each number holds for 1 and for 3 rows.
CHANGELISTS = {
    "workshop_sessions_report": 7,
    "workshop_sessions_session": 6,
    "workshop_sessions_talk": 9,
    "workshop_sessions_keymessage": 9,
    "speakers_speaker": 11,  # + the report filter's choices and the roles' reports
    "speakers_sessionrole": 8,
    "recommendations_recommendation": 9,
    "core_theme": 5,
    "core_tombstone": 8,
}
CHANGE_FORMS = {
    "workshop_sessions_report": ("report", 4),
    "workshop_sessions_session": ("session", 7),  # with roles, talks, panel items, recommendations inline
    "workshop_sessions_talk": ("talk", 8),  # with its key messages inline
    "workshop_sessions_keymessage": ("message", 6),
    "speakers_speaker": ("speaker", 8),  # with its roles inline
    "speakers_sessionrole": ("role", 6),
    "recommendations_recommendation": ("recommendation", 6),
    "core_theme": ("theme", 4),
}


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(editor_client, editor, django_assert_num_queries, name, rows):
    make_rows(rows, editor)
    url = reverse(f"admin:{name}_changelist")
    editor_client.get(url)  # warm per-process caches (content types): then measure
    with django_assert_num_queries(CHANGELISTS[name]):
        response = editor_client.get(url)
    assert response.status_code == 200
    per_report = {"workshop_sessions_session": 2, "workshop_sessions_keymessage": 2, "speakers_speaker": 2}
    per_report["speakers_sessionrole"] = 3
    assert response.context["cl"].result_count == per_report.get(name, 1) * rows


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("name", CHANGE_FORMS)
def test_change_form_queries_do_not_grow_with_rows(editor_client, editor, django_assert_num_queries, name, rows):
    """Rows here are inline rows (several talks, messages, roles per parent) and vocabulary size."""
    made = make_rows(1, editor, per_parent=rows)
    key, expected = CHANGE_FORMS[name]
    url = reverse(f"admin:{name}_change", args=[made[key].pk])
    editor_client.get(url)
    with django_assert_num_queries(expected):
        response = editor_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("entries", [1, 3])
def test_history_page_queries_do_not_grow_with_entries(editor_client, editor, django_assert_num_queries, entries):
    made = make_rows(1, editor)
    message = made["message"]
    for index in range(entries - 1):
        message.text = f"Edit {index}"
        message.save()
    assert message.history.count() == entries
    url = reverse("admin:workshop_sessions_keymessage_history", args=[message.pk])
    editor_client.get(url)
    with django_assert_num_queries(6):
        response = editor_client.get(url)
    assert response.status_code == 200
