"""The home page: content, and a query count that does not grow with the sessions."""

import datetime

import pytest
from django.urls import reverse

from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import Speaker

pytestmark = pytest.mark.django_db


def make_sessions(count: int) -> None:
    report = Report.objects.create(
        title="A report",
        series="ICPerMed Workshop",
        number=5,
        place="Siena, Italy",
        start_date=datetime.date(2023, 11, 14),
        end_date=datetime.date(2023, 11, 15),
        source_filename="r.pdf",
        sha256="0" * 64,
        page_count=1,
    )
    speaker = Speaker.objects.create(name="A Person", slug="a-person")
    for index in range(count):
        session = Session.objects.create(
            report=report, number=f"S{index}", title=f"Session {index}", kind="panel_session", order=index, page=1
        )
        talk = Talk.objects.create(session=session, speaker=speaker, order=1, page=1)
        KeyMessage.objects.create(session=session, talk=talk, kind="overall", text="x", order=1, page=1)


@pytest.mark.parametrize("sessions", [1, 3])
def test_home_query_count_is_constant(client, django_assert_num_queries, sessions):
    make_sessions(sessions)
    with django_assert_num_queries(2):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert len(response.context["sessions"]) == sessions


def test_home_lists_the_sessions_with_counts(client, ingested):
    response = client.get(reverse("home"))
    html = response.content.decode()
    sessions = list(response.context["sessions"])
    assert [(s.number, s.talk_count, s.message_count) for s in sessions] == [
        ("I", 0, 0),
        ("II", 0, 0),
        ("III", 5, 28),
        ("IV", 4, 59),
        ("V", 3, 49),
        ("VI", 3, 53),
        ("VII", 3, 39),
        ("VIII", 3, 36),
        ("IX", 0, 0),
    ]
    assert "Advancing Personalised Medicine through Technology Development" in html
    assert "AGPL-3.0-or-later" in html


def test_home_without_a_report(client):
    response = client.get(reverse("home"))
    assert (response.status_code, "No report yet" in response.content.decode()) == (200, True)


def test_report_pdf_is_served(client):
    response = client.get(reverse("report-pdf"))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
