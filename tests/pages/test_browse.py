"""Browsing the ingested report: pages, filters, facets, twins, provenance, errors and reachability."""

import csv
import io
import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from icpermed_kb.export import export_knowledge_base
from icpermed_kb.models import Theme
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Session, Talk
from speakers.models import Speaker
from tests.html import site_html

# ---------------------------------------------------------------- helpers


def all_pages(client, url: str) -> tuple[int, list[dict], dict]:
    """Follow a JSON list's pages; return its count, every result and the first page's facets."""
    first = client.get(url).json()
    results, payload = list(first["results"]), first
    while payload["next"]:
        payload = client.get(payload["next"]).json()
        results += payload["results"]
    return first["count"], results, first["facets"]


def described_messages(report) -> list[dict]:
    """Every key message of the report with what the filters look at, read straight from the models."""
    rows = []
    for item in KeyMessage.objects.of_report(report).select_related("session__report", "talk__speaker").prefetch_related("themes").in_report_order():
        speaker = item.talk.speaker if item.talk else None
        rows.append(
            {
                "id": item.id,
                "theme": {theme.slug for theme in item.themes.all()},
                "report": item.session.report.slug,
                "session": f"{item.session.report.slug}-{item.session.number.lower()}",
                "kind": item.kind,
                "speaker": speaker.slug if speaker else "",
                "country": speaker.country if speaker else "",
            }
        )
    return rows


def canonical(filters: dict) -> dict:
    """The filters as the site spells them: legacy bare numerals are the 2023 report's sessions, countries capitalised."""
    spelt = {}
    for name, values in filters.items():
        if name == "session":
            values = [value if "-" in value else f"2023-siena-{value}" for value in values]
        if name == "country":
            values = [value.title() for value in values]
        spelt[name] = values
    return spelt


def passes(row: dict, filters: dict, lifting: str | None = None) -> bool:
    """Themes: every one; any other facet: any of its values; across facets: all."""
    for name, values in canonical(filters).items():
        if name == lifting:
            continue
        if name == "theme":
            if not set(values) <= row["theme"]:
                return False
        elif row[name] not in values:
            return False
    return True


COMBINATIONS = [
    {"theme": ["data-sharing-standards-privacy"]},
    {"theme": ["data-sharing-standards-privacy", "regulation-ethics"]},
    {"theme": ["ai-computational-models", "digital-health-twins"], "session": ["v"]},
    {"kind": ["discussion"], "country": ["Germany"]},
    {"session": ["vi"], "kind": ["presentation"], "theme": ["regulation-ethics"]},
    {"speaker": ["carlotta-masciocchi"]},
    {"theme": ["cancer", "imaging", "rare-diseases"]},
    {"session": ["2023-siena-v", "2023-siena-vi"]},
    {"kind": ["presentation", "discussion"], "country": ["Germany", "italy"], "theme": ["regulation-ethics"]},
    {"report": ["2023-siena"], "speaker": ["carlotta-masciocchi", "frederic-dayan"]},
]


def query(filters: dict) -> str:
    return "&".join(f"{name}={value}" for name, values in filters.items() for value in values)


# ---------------------------------------------------------------- filters and facets


@pytest.mark.parametrize("filters", COMBINATIONS, ids=query)
def test_combined_filters_give_the_right_items_in_report_order(client, kb, filters):
    rows = described_messages(kb)
    expected = [row["id"] for row in rows if passes(row, filters)]
    count, results, _ = all_pages(client, "/key-messages.json?" + query(filters))
    assert [result["id"] for result in results] == expected
    assert count == len(expected)


@pytest.mark.parametrize("filters", COMBINATIONS, ids=query)
def test_facet_counts_follow_the_filters(client, kb, filters):
    rows = described_messages(kb)
    _, _, facets = all_pages(client, "/key-messages.json?" + query(filters))
    for name, values in facets.items():
        if name == "theme":  # themes narrow: counted within the current results
            counted = Counter(slug for row in rows if passes(row, filters) for slug in row["theme"])
        else:  # any-of: counts with its own filter lifted, so each number says what choosing it adds
            counted = Counter(row[name] for row in rows if passes(row, filters, lifting=name))
        assert {value["value"]: value["count"] for value in values} == {
            value["value"]: counted.get(value["value"], 0) for value in values
        }, name
        assert {value["value"] for value in values if value["selected"]} == set(canonical(filters).get(name, []))


def test_the_html_list_says_how_many_and_offers_removal_of_each_filter(client, kb):
    response = client.get("/key-messages/?theme=imaging&session=vii")
    html = site_html(response)
    expected = KeyMessage.objects.of_report(kb).filter(themes__slug="imaging", session__number="VII").count()
    assert re.search(r'<p class="count-line" role="status">(\d+) results?', html).group(1) == str(expected)
    assert re.findall(r'aria-label="Remove filter ([^"]+)"', html) == [
        "Theme: Imaging",
        "Session: VII. Sessions: Collaboration of research and healthcare providers to foster innovations",
    ]
    assert 'href="?session=2023-siena-vii"' in html and 'href="?theme=imaging"' in html


def test_recommendations_filter_by_kind_session_and_theme(client, kb):
    count, results, facets = all_pages(client, "/recommendations.json?kind=perspective")
    expected = list(Recommendation.objects.of_report(kb).filter(kind="perspective").in_report_order().values_list("id", flat=True))
    assert ([result["id"] for result in results], count) == (expected, len(expected))
    kinds = {value["value"]: value["count"] for value in facets["kind"]}
    assert kinds == {
        "conclusion": Recommendation.objects.filter(kind="conclusion").count(),
        "perspective": Recommendation.objects.filter(kind="perspective").count(),
    }


def test_speaker_list_filters_by_country_and_role(client, kb):
    count, results, _ = all_pages(client, "/speakers.json?country=Germany&role=panellist")
    expected = sorted(
        Speaker.objects.filter(country="Germany", roles__role="panellist").distinct().values_list("name", flat=True)
    )
    assert [result["name"] for result in results] == expected
    assert count == len(expected) > 0


# ---------------------------------------------------------------- pages


def test_session_page_shows_people_talks_messages_and_provenance(client, kb):
    session = Session.objects.get(report=kb, number="V")
    response = client.get("/reports/2023-siena/sessions/v/")
    html = site_html(response)
    assert response.status_code == 200
    assert re.findall(r'<dt>(Moderator|Panellists?)</dt>', html) == ["Moderator", "Panellists"]
    talk_titles = [talk.title for talk in session.talks.order_by("order")]
    assert [re.sub("<[^>]+>", "", title) for title in re.findall(r'<h3 id="talk-\d+-title">(.*?)</h3>', html)] == talk_titles
    messages = list(KeyMessage.objects.filter(session=session).order_by("talk__order", "order"))
    anchors = re.findall(r'<li class="item" id="(km-\d+)">', html)
    assert sorted(anchors) == sorted(f"km-{message.id}" for message in messages)
    pages = re.findall(r'href="/reports/2023-siena/report.pdf#page=(\d+)" title="Page \d+ of the report \(PDF\)">p\. \d+</a>', html)
    recommendations = session.recommendations.all()
    assert Counter(map(int, pages)) == Counter(
        [session.page, *(t.page for t in session.talks.all()), *(m.page for m in messages), *(r.page for r in recommendations)]
    )


def test_session_page_title_is_text_and_its_divisions_close(client, kb):
    """The title block held two stray "</div>" (shown in the browser's tab; the breadcrumbs' block
    closed the page's column before the content): the title is the session's, every <div> closes."""
    session = Session.objects.get(report=kb, number="V")
    html = client.get("/reports/2023-siena/sessions/v/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert unescape(title) == f"V. {session.title} · ICPerMed workshop knowledge base"
    assert len(re.findall(r"<div[\s>]", html)) == html.count("</div>")


def test_talk_page_and_its_json_twin(client, kb):
    talk = Talk.objects.filter(session__report=kb, title__icontains="Digital Twin").get()
    html = site_html(client.get(f"/talks/{talk.pk}/"))
    data = client.get(f"/talks/{talk.pk}.json").json()
    expected = list(talk.key_messages.order_by("order").values_list("text", flat=True))
    assert [message["text"] for message in data["key_messages"]] == expected
    assert (data["title"], data["speaker"]["name"], data["session"]["number"]) == (talk.title, talk.speaker.name, talk.session.number)
    assert html.count('<li class="item" id="km-') == len(expected)
    assert f'<a href="/speakers/{talk.speaker.slug}/">{talk.speaker.name}</a>' in html


def test_speaker_page_lists_roles_talks_and_credited_messages(client, kb):
    speaker = Speaker.objects.get(slug="frederic-dayan")
    data = client.get("/speakers/frederic-dayan.json").json()
    credited = KeyMessage.objects.filter(talk__speaker=speaker).count()
    assert sum(len(talk["key_messages"]) for talk in data["talks"]) == credited > 0
    assert [(role["role"], role["session"]["number"]) for role in data["roles"]] == list(
        speaker.roles.order_by("session__order", "order").values_list("role", "session__number")
    )
    html = site_html(client.get("/speakers/frederic-dayan/"))
    assert f"{credited} key messages credited to Frédéric Dayan." in html


def test_speakers_from_italy_and_what_was_inferred(client, kb):
    # "Which speakers came from Italy?": seven, five of them placed by a nationality or a place.
    count, results, _ = all_pages(client, "/speakers.json?country=Italy")
    assert count == 7
    assert sorted((r["name"], r["country_inferred"]) for r in results) == [
        ("Carlotta Masciocchi", False),
        ("Chiara Ciccarelli", True),
        ("Elisa Nannicini", True),
        ("Fabrizio Landi", True),
        ("Francesco Dotta", False),
        ("Gianni D’Errico", True),
        ("Nicoletta Fabio", True),
    ]
    tls = Speaker.objects.filter(organisation="Toscana Life Sciences (TLS)").order_by("name")
    assert [(s.name, s.organisation_inferred) for s in tls] == [("Fabrizio Landi", True), ("Gianni D’Errico", False)]
    data = client.get("/speakers/nicoletta-fabio.json").json()
    assert {key: data[key] for key in ("position", "organisation", "country", "country_inferred", "affiliation")} == {
        "position": "Mayor of Siena",
        "organisation": "",
        "country": "Italy",
        "country_inferred": True,
        "affiliation": "the Mayor of Siena",
    }
    html = client.get("/speakers/fabrizio-landi/").content.decode()
    inferred = '<span class="inferred" title="Inferred: not printed as such in the affiliation">(inferred)</span>'
    assert "<dt>Affiliation as printed</dt><dd>President of Toscana Life Science (TLS) Foundation</dd>" in html
    assert f"<dt>Read as</dt><dd>President · Toscana Life Sciences (TLS) {inferred} · Italy {inferred}</dd>" in html
    listing = client.get("/speakers/?country=International").content.decode()
    assert "Indridi Benediktsson" in listing and f"International {inferred}" in listing


def test_theme_page_holds_everything_tagged_with_it(client, kb):
    data = client.get("/themes/regulation-ethics.json").json()
    assert [item["id"] for item in data["key_messages"]] == list(
        KeyMessage.objects.of_report(kb).filter(themes__slug="regulation-ethics").in_report_order().values_list("id", flat=True)
    )
    assert [item["id"] for item in data["recommendations"]] == list(
        Recommendation.objects.of_report(kb).filter(themes__slug="regulation-ethics").in_report_order().values_list("id", flat=True)
    )
    assert [item["id"] for item in data["talks"]] == list(
        Talk.objects.filter(session__report=kb, themes__slug="regulation-ethics").in_report_order().values_list("id", flat=True)
    )


def test_home_grid_cells_count_and_link_to_the_filtered_list(client, kb):
    data = client.get("/index.json").json()
    row = next(row for row in data["grid"] if row["theme"] == "regulation-ethics")
    expected = {
        session.number: KeyMessage.objects.filter(session=session, themes__slug="regulation-ethics").count()
        for session in Session.objects.of_report(kb).with_counts().in_report_order()
        if session.message_count
    }
    assert row["key_messages"] == expected
    assert client.get("/reports/2023-siena.json").json()["grid"] == data["grid"]
    html = site_html(client.get("/reports/2023-siena/"))
    assert f'href="/key-messages/?theme=regulation-ethics&amp;session=2023-siena-vi" aria-label="{expected["VI"]} key messages on Regulation &amp; ethics in session VI"' in html


def test_key_message_csv_has_every_message(client, kb):
    response = client.get("/key-messages.csv?session=iv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = list(KeyMessage.objects.filter(session__number="IV").in_report_order())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == ["id", "kind", "group", "text", "session", "talk", "speaker", "organisation", "country", "themes", "page", "url", "report"]
    assert {row[12] for row in rows[1:]} == {"2023-siena"}
    assert [int(row[0]) for row in rows[1:]] == [message.id for message in expected]
    assert rows[1][3] == expected[0].text


def test_export_json_is_the_export_command_shape(client, kb):
    assert client.get("/export.json").json() == export_knowledge_base(lambda path: "http://testserver" + path)


def test_export_items_join_with_the_csv_twins_and_the_permalinks(client, kb):
    exported = client.get("/export.json").json()["reports"][0]
    messages = [m for s in exported["sessions"] for t in s["talks"] for m in t["key_messages"]]
    messages += [m for s in exported["sessions"] for m in s["key_messages"]]
    rows = list(csv.DictReader(io.StringIO(client.get("/key-messages.csv").content.decode("utf-8-sig"))))
    by_id = {int(row["id"]): row for row in rows}
    assert sorted(m["id"] for m in messages) == sorted(by_id)
    for message in messages:
        row = by_id[message["id"]]
        assert (message["url"], message["text"], "; ".join(message["themes"])) == (row["url"], row["text"], row["themes"])
        assert message["theme_slugs"] == list(
            Theme.objects.filter(tagged_items__object_id=message["id"], tagged_items__content_type__model="keymessage")
            .order_by("order", "name")
            .values_list("slug", flat=True)
        )
    assert client.get(messages[0]["url"].removeprefix("http://testserver")).status_code == 200


def test_key_message_json_result_shape(client, kb):
    result = client.get("/key-messages.json?session=v").json()["results"][0]
    assert sorted(result) == [
        "group", "id", "in_context", "kind", "kind_label", "page", "pdf", "session", "speaker", "talk", "text", "themes", "type", "url"
    ]
    message = KeyMessage.objects.get(id=result["id"])
    assert result["pdf"] == f"http://testserver/reports/2023-siena/report.pdf#page={message.page}"
    assert result["url"] == f"http://testserver/key-messages/{message.id}/"
    assert result["in_context"] == f"http://testserver/talks/{message.talk_id}/#km-{message.id}"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "url",
    ["/reports/2023-siena/sessions/xl/", "/reports/2023-siena/sessions/xl.json", "/reports/nowhere/", "/reports/nowhere/sessions/v/", "/reports/nowhere/report.pdf", "/talks/999999/", "/talks/999999.json", "/speakers/nobody/", "/speakers/nobody.json", "/themes/nothing/", "/themes/nothing.json"],
)
def test_unknown_items_are_404(client, kb, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/key-messages/?theme=no-such-theme",
        "/key-messages.json?session=<script>",
        "/key-messages.csv?kind=DROP TABLE",
        "/recommendations/?kind=speech",
        "/recommendations.json?session=%00",
        "/speakers/?role=chair",
        "/speakers.json?country=Atlantis",
    ],
)
def test_malformed_filter_values_are_a_400(client, kb, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"<script>" not in response.content


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1e9", "%00"])
def test_odd_page_numbers_give_the_nearest_page(client, kb, page):
    response = client.get(f"/key-messages/?page={page}")
    assert response.status_code == 200


# ---------------------------------------------------------------- reachability


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def crawl(client, start: str, depth: int):
    """Breadth-first over the site's own HTML links: {path: clicks from start} and the anchors seen within `depth`."""
    seen, anchors, frontier, statuses = {start: 0}, set(), [start], {}
    for clicks in range(depth + 1):
        next_frontier = []
        for url in frontier:
            response = client.get(url)
            statuses[url] = response.status_code
            if "text/html" not in response.get("Content-Type", ""):
                continue
            parser = Links()
            parser.feed(site_html(response))
            anchors |= {(urlsplit(url).path, anchor) for anchor in parser.ids}
            for href in parser.links:
                parts = urlsplit(href)
                if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/admin/"):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in seen and clicks < depth:
                    seen[target] = clicks + 1
                    next_frontier.append(target)
        frontier = next_frontier
    return seen, anchors, statuses


def test_everything_is_within_three_clicks_of_home_and_nothing_fails(client, kb):
    seen, anchors, statuses = crawl(client, "/", depth=3)
    paths = {urlsplit(url).path for url in seen}
    assert {s.get_absolute_url() for s in Session.objects.of_report(kb)} <= paths
    assert {t.get_absolute_url() for t in Talk.objects.filter(session__report=kb)} <= paths
    assert {s.get_absolute_url() for s in Speaker.objects.in_report(kb)} <= paths
    assert {theme.get_absolute_url() for theme in Theme.objects.filter(tagged_items__isnull=False).distinct()} <= paths
    recommendation_anchors = {(r.session.get_absolute_url(), r.anchor) for r in Recommendation.objects.of_report(kb).select_related("session__report")}
    assert recommendation_anchors <= anchors
    assert sorted({status for status in statuses.values()}) == [200]
    assert len(statuses) > 100


def test_report_pdf_links_resolve_to_the_served_pdf(client, kb):
    response = client.get("/reports/2023-siena/report.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    html = site_html(client.get("/key-messages/"))
    targets = {dict(parse_qsl(urlsplit(href).fragment)).get("page") for href in re.findall(r'href="(/reports/2023-siena/report\.pdf#[^"]+)"', html)}
    assert targets and all(target.isdigit() and 1 <= int(target) <= kb.page_count for target in targets)
