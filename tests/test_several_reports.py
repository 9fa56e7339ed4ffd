"""A knowledge base of two reports: a second edition, made from the transcription and printed by Typst,
ingested beside the 2023 report. Both are complete and exact, every URL that answered before answers
with the same content, lists and search facet by report, one person has one page, and the themes
come out report by report."""

from __future__ import annotations

import copy
import dataclasses
import re

import pytest
from django.core.management import call_command

from icpermed_kb.ingest.pipeline import ingest
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import Speaker
from tests.conftest import REPORT_PDF

KEPT = "Frédéric Dayan"  # the one person of 2023 who is in the second edition too
EDITION = {
    "number": 6,
    "title": "From Data to Decisions: Personalised Medicine in Everyday Care",
    "place": "Lisbon, Portugal",
    "start_date": "2024-10-08",
    "end_date": "2024-10-09",
}
SLUG = "2024-lisbon"


def renamed(name: str) -> str:
    """Another person for everyone but KEPT: the same initials, another surname."""
    return name if name == KEPT else f"{name.split()[0]} Moreira-{len(name)}"


def second_edition(transcription: dict) -> dict:
    """The 6th workshop: another number, title, place and dates; chapter IX dropped; people renamed but
    one; every key message and recommendation reworded."""
    report = copy.deepcopy(transcription)
    report.update(EDITION)
    report["sessions"] = [session for session in report["sessions"] if session["number"] != "IX"]
    for session in report["sessions"]:
        for person in session["people"]:
            person["name"] = renamed(person["name"])
        for talk in session["talks"]:
            talk["speaker"]["name"] = renamed(talk["speaker"]["name"])
            for message in talk["key_messages"]:
                message["text"] = reworded(message["text"])
        for message in session["key_messages"]:
            message["text"] = reworded(message["text"])
        for item in session["recommendations"]:
            item["text"] = reworded(item["text"])
    return report


def reworded(text: str) -> str:
    return "In 2024, " + text[0].lower() + text[1:] if text[:2] != text[:2].upper() else "In 2024: " + text


def items(report: dict) -> list[tuple]:
    """Every statement of a report (a parse or a transcription) as printed, in order."""
    found = []
    for session in report["sessions"]:
        for talk in session["talks"]:
            found += [(session["number"], talk["speaker"]["name"], m["kind"], m["text"]) for m in talk["key_messages"]]
        found += [(session["number"], "", m["kind"], m["text"]) for m in session["key_messages"]]
        found += [(session["number"], "", r["kind"], r["text"]) for r in session["recommendations"]]
    return found


@pytest.fixture(scope="module")
def second_pdf(tmp_path_factory, transcription):
    from tests.renderings.typst_writer import render

    path = tmp_path_factory.mktemp("second") / "icpermed-workshop-2024-lisbon.pdf"
    path.write_bytes(render(second_edition(transcription)))
    return path


# URLs of the 2023 report's pages, and their JSON twins, that links in use point at.
def published_urls() -> list[str]:
    report = Report.objects.get(slug="2023-siena")
    urls = ["/sessions/v/", "/sessions/ix.json", "/report.pdf", f"/reports/{report.slug}/", f"/reports/{report.slug}.json"]
    urls += [f"/reports/{report.slug}/sessions/", f"/reports/{report.slug}/sessions.json"]
    for session in Session.objects.of_report(report).select_related("report"):
        urls += [session.get_absolute_url(), session.get_absolute_url().rstrip("/") + ".json"]
    for talk in Talk.objects.of_report(report)[:6]:
        urls += [talk.get_absolute_url(), f"/talks/{talk.pk}.json"]
    for message in KeyMessage.objects.of_report(report).order_by("id")[::40]:
        urls += [message.get_absolute_url(), f"/key-messages/{message.pk}.json", f"/key-messages/{message.pk}.bib"]
    for item in Recommendation.objects.of_report(report).order_by("id")[::9]:
        urls += [item.get_absolute_url(), f"/recommendations/{item.pk}.json"]
    for speaker in Speaker.objects.in_report(report).exclude(name=KEPT).order_by("slug")[::5]:
        urls += [speaker.get_absolute_url(), f"/speakers/{speaker.slug}.json"]
    return urls


def content(client, url: str) -> tuple:
    response = client.get(url, follow=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, [hop for hop, _ in response.redirect_chain], body


@pytest.fixture
def two_reports(db, client, second_pdf):
    """The 2023 report, what its published URLs answer, then the second edition ingested beside it."""
    ingest(REPORT_PDF)
    before = {url: content(client, url) for url in published_urls()}
    result = ingest(second_pdf)
    return before, result


def test_the_second_edition_is_a_new_report_complete_and_exact(two_reports, transcription):
    _, result = two_reports
    second = second_edition(transcription)
    assert dataclasses.asdict(result.report)["number"] == 6
    assert result.summary.counts["reports"]["created"] == 1
    assert list(Report.objects.newest_first().values_list("slug", "number", "place")) == [
        (SLUG, 6, "Lisbon, Portugal"),
        ("2023-siena", 5, "Siena, Italy"),
    ]
    exported = {report["slug"]: report for report in _export()["reports"]}
    assert items(exported[SLUG]) == items(second)
    assert items(exported["2023-siena"]) == items(transcription)
    assert [s["number"] for s in exported[SLUG]["sessions"]] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def _export() -> dict:
    from icpermed_kb.export import export_knowledge_base

    return export_knowledge_base()


def test_every_published_url_answers_as_before(two_reports, client):
    before, _ = two_reports
    changed = [url for url, answer in before.items() if content(client, url) != answer]
    assert changed == []
    assert all(status == 200 for status, _, _ in before.values())
    assert len(before) > 60


def test_lists_and_search_filter_and_facet_by_report(two_reports, client):
    counts = {
        slug: KeyMessage.objects.filter(session__report__slug=slug).count() for slug in ("2023-siena", SLUG)
    }
    data = client.get("/key-messages.json").json()
    assert data["count"] == sum(counts.values())
    assert {v["value"]: v["count"] for v in data["facets"]["report"]} == counts
    assert client.get(f"/key-messages.json?report={SLUG}").json()["count"] == counts[SLUG]
    widened = client.get(f"/key-messages.json?report={SLUG}&report=2023-siena&kind=presentation").json()
    assert widened["count"] == KeyMessage.objects.filter(kind="presentation").count()
    assert widened["filters"]["report"] == [SLUG, "2023-siena"]  # in the facet's order: newest first
    session = client.get(f"/key-messages.json?session={SLUG}-v").json()
    assert session["count"] == KeyMessage.objects.filter(session__report__slug=SLUG, session__number="V").count()
    assert {result["session"]["report"]["slug"] for result in session["results"]} == {SLUG}
    legacy = client.get("/key-messages.json?session=v").json()  # a link of the one-report site: the 2023 session
    assert legacy["filters"]["session"] == ["2023-siena-v"]
    rows = client.get(f"/recommendations.csv?report={SLUG}").content.decode("utf-8-sig").splitlines()
    assert len(rows) - 1 == Recommendation.objects.filter(session__report__slug=SLUG).count()
    assert all(row.endswith(f",{SLUG}") for row in rows[1:])
    found = client.get("/search.json?q=2024").json()
    by_report = {v["value"]: v["count"] for v in found["facets"]["report"]}
    statements = KeyMessage.objects.filter(session__report__slug=SLUG).count()
    statements += Recommendation.objects.filter(session__report__slug=SLUG).count()
    assert by_report[SLUG] == statements  # every statement of the second edition was reworded "In 2024…"
    assert by_report[SLUG] + by_report["2023-siena"] == found["count"]
    only_second = client.get(f"/search.json?q=2024&report={SLUG}").json()
    assert {result["session"]["report"]["slug"] for result in only_second["results"]} == {SLUG}
    speakers = client.get(f"/speakers.json?report={SLUG}").json()
    assert KEPT in [s["name"] for s in speakers["results"]]
    assert {s["name"] for s in speakers["results"]} == set(
        Speaker.objects.filter(roles__session__report__slug=SLUG).values_list("name", flat=True)
    )


def test_one_person_one_page_with_roles_in_each_report(two_reports, client):
    speaker = Speaker.objects.get(name=KEPT)
    data = client.get(f"/speakers/{speaker.slug}.json").json()
    assert sorted({role["session"]["report"]["slug"] for role in data["roles"]}) == ["2023-siena", SLUG]
    assert sorted({talk["session"]["report"]["slug"] for talk in data["talks"]}) == ["2023-siena", SLUG]
    assert Speaker.objects.filter(name=KEPT).count() == 1


def test_home_lists_both_reports_and_the_themes_by_report(two_reports, client):
    home = client.get("/index.json").json()
    assert [(r["slug"], r["number"], r["sessions"]) for r in home["reports"]] == [(SLUG, 6, 8), ("2023-siena", 5, 9)]
    assert home["report"]["slug"] == "2023-siena"  # what /index.json said before the series, kept
    themes = client.get("/themes.json").json()
    assert [r["slug"] for r in themes["reports"]] == [SLUG, "2023-siena"]
    for theme in themes["results"]:
        for cell in theme["reports"]:
            assert cell["key_messages"] == KeyMessage.objects.filter(
                session__report__slug=cell["report"], themes__slug=theme["slug"]
            ).count()
            assert cell["recommendations"] == Recommendation.objects.filter(
                session__report__slug=cell["report"], themes__slug=theme["slug"]
            ).count()
    html = client.get("/themes/").content.decode()
    assert len(re.findall(r'<th scope="col"><abbr title="[^"]+">(\d{4}) · (\w+)</abbr></th>', html)) == 2
    theme = client.get("/themes/regulation-ethics.json").json()
    assert [(cell["slug"], cell["key_messages"]) for cell in theme["reports"]] == [
        (slug, KeyMessage.objects.filter(session__report__slug=slug, themes__slug="regulation-ethics").count())
        for slug in (SLUG, "2023-siena")
    ]


def test_reingesting_either_report_changes_nothing_and_each_keeps_its_pdf(two_reports, client, second_pdf):
    assert ingest(second_pdf).summary.changed is False
    assert ingest(REPORT_PDF).summary.changed is False
    for slug, source in ((SLUG, second_pdf), ("2023-siena", REPORT_PDF)):
        _, _, body = content(client, f"/reports/{slug}/report.pdf")
        assert body == source.read_bytes()


def test_the_export_command_holds_both(two_reports, tmp_path):
    path = tmp_path / "kb.json"
    call_command("export_kb", "--output", str(path), "--base-url", "https://kb.example.org/", stderr=open("/dev/null", "w"))
    import json

    exported = json.loads(path.read_text(encoding="utf-8"))
    assert [(r["slug"], r["url"]) for r in exported["reports"]] == [
        ("2023-siena", "https://kb.example.org/reports/2023-siena/"),
        (SLUG, f"https://kb.example.org/reports/{SLUG}/"),
    ]


@pytest.mark.parametrize(
    ("number", "spelled"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (5, "5th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th"), (112, "112th")],
)  # fmt: skip
def test_an_edition_is_spelled_as_an_english_ordinal(number, spelled):
    """The report's edition and its filter label say the same ordinal."""
    from icpermed_kb.web.filters import report_label
    from sessions.models import ordinal

    assert ordinal(number) == spelled
    assert report_label(number, "Siena, Italy", 2023) == f"2023 · Siena ({spelled} workshop)"
