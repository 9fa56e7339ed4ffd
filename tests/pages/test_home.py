"""The home page and the served report PDF (query counts: tests/pages/test_query_counts.py)."""

import pytest
from django.urls import reverse

from tests.html import site_html

pytestmark = pytest.mark.django_db


def test_home_lists_the_sessions_with_counts(client, ingested):
    response = client.get(reverse("home"))
    html = site_html(response)
    sessions = client.get(reverse("home-json")).json()["sessions"]
    assert [(s["number"], s["talks"], s["key_messages"]) for s in sessions] == [
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
    assert (response.status_code, "No report has been ingested yet." in site_html(response)) == (200, True)
    assert client.get(reverse("home-json")).json() == {"reports": [], "themes_across_reports": []}


def test_report_pdf_is_served(client, ingested):
    response = client.get(reverse("report-pdf", args=["2023-siena"]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
