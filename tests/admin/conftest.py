"""Admin test fixtures: staff users, a logged-in client, and rows made directly (no PDF)."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from icpermed_kb.models import Theme, Tombstone
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import SessionRole, Speaker


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("alice", "alice@example.org", "a-long-test-password")


@pytest.fixture
def second_editor(db):
    return get_user_model().objects.create_superuser("bob", "bob@example.org", "another-long-test-password")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def make_rows(count: int, editor=None, per_parent: int = 1) -> dict:
    """`count` reports, each with a session, a speaker with a role and a talk, a key message, a
    panel item, a recommendation, a theme and a tombstone; every item themed and, given an
    editor, marked edited. `per_parent` repeats the inline rows: talks, messages per talk, panel
    items, recommendations, roles per session and per speaker, themes per item."""
    made = {}
    for index in range(1, count + 1):
        themes = [
            Theme.objects.create(name=f"Theme {index}.{n}", slug=f"theme-{index}-{n}", order=n, patterns=["x"])
            for n in range(per_parent)
        ]
        report = Report.objects.create(
            title=f"Report {index}",
            series="ICPerMed Workshop",
            number=index,
            place="Siena, Italy",
            start_date=datetime.date(2020 + index, 11, 14),
            end_date=datetime.date(2020 + index, 11, 15),
            source_filename="r.pdf",
            sha256="0" * 64,
            page_count=27,
        )
        session = Session.objects.create(
            report=report, number="IV", title=f"Session {index}", kind="panel_session", order=4, page=8
        )
        speaker = Speaker.objects.create(
            name=f"Person {index}", slug=f"person-{index}", organisation="Org", country="Italy"
        )
        for n in range(per_parent):
            other = Session.objects.create(
                report=report, number=f"X{n}", title=f"Other {index}.{n}", kind="other", order=10 + n, page=20
            )
            role = SessionRole.objects.create(speaker=speaker, session=other, role="moderator", order=1)
            guest = Speaker.objects.create(name=f"Guest {index}.{n}", slug=f"guest-{index}-{n}")
            SessionRole.objects.create(speaker=guest, session=session, role="panellist", order=n + 2)
        SessionRole.objects.create(speaker=speaker, session=session, role="speaker", order=1, affiliation="Org, Italy")
        items = []
        for n in range(per_parent):
            talk = Talk.objects.create(session=session, speaker=speaker, title=f"Talk {index}.{n}", order=n + 1, page=9)
            items.append(talk)
            for m in range(per_parent):
                message = KeyMessage.objects.create(
                    session=session,
                    talk=talk,
                    kind="presentation",
                    text=f"Message {index}.{n}.{m}",
                    order=m + 1,
                    page=9,
                )
                items.append(message)
            panel = KeyMessage.objects.create(
                session=session, kind="panel", text=f"Panel item {index}.{n}", order=n + 1, page=10
            )
            recommendation = Recommendation.objects.create(
                session=session, kind="conclusion", text=f"Recommendation {index}.{n}", order=n + 1, page=11
            )
            items += [panel, recommendation]
        for item in items:
            item.themes.add(*themes)
        Tombstone.objects.create(model="workshop_sessions.keymessage", key=f"gone {index}", description=f"Gone {index}")
        made = {
            "report": report,
            "session": session,
            "speaker": speaker,
            "role": role,
            "talk": Talk.objects.filter(session=session).first(),
            "message": KeyMessage.objects.filter(session=session, talk__isnull=False).first(),
            "recommendation": recommendation,
            "theme": themes[0],
        }
    if editor is not None:
        for model in (Report, Session, Speaker, SessionRole, Talk, KeyMessage, Recommendation, Theme):
            model.objects.update(
                edited_fields=["text"], edited_by=editor, edited_at=datetime.datetime.now(datetime.UTC)
            )
    return made


def form_data(response) -> dict:
    """The POST data a browser would send back for an admin change form, as rendered."""
    context = response.context
    data = {}

    def add(form):
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, (list, tuple)):
                data[key] = [str(item.pk if hasattr(item, "pk") else item) for item in value]
            elif value is None:
                data[key] = ""
            else:
                data[key] = field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
                if data[key] is None:
                    data[key] = ""

    add(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.initial_forms:
            add(form)
    return data
