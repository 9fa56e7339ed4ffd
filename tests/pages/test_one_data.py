"""Every public page is one piece of data: its HTML shows exactly the statements, people and themes its JSON twin holds."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from icpermed_kb.web.views.reports import LEGACY_HOME_KEYS
from tests.html import site_html

STATEMENT = re.compile(r"^(km|rec)-\d+$")
# A statement's own page, named as its anchor on the talk or session page is.
STATEMENT_PAGE = {"km": re.compile(r"^/key-messages/(\d+)/$"), "rec": re.compile(r"^/recommendations/(\d+)/$")}
# What a page can show, by the path of its page: each kind's identifying part.
KINDS = {
    "people": re.compile(r"^/speakers/([^/]+)/$"),
    "themes": re.compile(r"^/themes/([^/]+)/$"),
    "sessions": re.compile(r"^/reports/([^/]+/sessions/[^/]+)/$"),
    "talks": re.compile(r"^/talks/(\d+)/$"),
}


class Links(HTMLParser):
    """The hrefs and element ids of a page's main content (the header's navigation and footer left out)."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.ids, self.depth = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.depth += 1
        if not self.depth:
            return
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.append(attrs["id"])

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1


def classify(urls, own_path: str, anchors=()) -> dict[str, set[str]]:
    """Statements (by anchor), people, themes, sessions and talks these links point at (not the page itself)."""
    found = {"statements": {anchor for anchor in anchors if STATEMENT.match(anchor)}, **{name: set() for name in KINDS}}
    for url in urls:
        parts = urlsplit(url)
        if STATEMENT.match(parts.fragment):
            found["statements"].add(parts.fragment)
        elif page := next(
            (f"{prefix}-{match.group(1)}" for prefix, pattern in STATEMENT_PAGE.items() if (match := pattern.match(parts.path))), None
        ):
            if parts.path != own_path:
                found["statements"].add(page)
        elif parts.path != own_path:
            for name, pattern in KINDS.items():
                if match := pattern.match(parts.path):
                    found[name].add(match.group(1))
    return found


def shown(html: str, own_path: str) -> dict[str, set[str]]:
    """What the HTML page shows: the links and anchors of its main content."""
    parser = Links()
    parser.feed(html)
    return classify(parser.hrefs, own_path, parser.ids)


def held(data, own_path: str) -> dict[str, set[str]]:
    """What the JSON twin holds: every link anywhere in it."""
    urls = []

    def walk(value):
        if isinstance(value, dict):
            urls.extend(item for item in value.values() if isinstance(item, str) and item.startswith("http"))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return classify(urls, own_path)


def twin(url: str) -> str:
    path, _, query = url.partition("?")
    path = "/index.json" if path == "/" else path.rstrip("/") + ".json"
    return path + (f"?{query}" if query else "")


PAGES = [
    "/",
    "/reports/2023-siena/",
    "/reports/2023-siena/sessions/",
    "/reports/2023-siena/sessions/v/",
    "/reports/2023-siena/sessions/ix/",
    "/talks/{talk}/",
    "/key-messages/",
    "/key-messages/?theme=regulation-ethics&session=vi",
    "/key-messages/?page=3",
    "/speakers/",
    "/speakers/?country=Italy",
    "/speakers/frederic-dayan/",
    "/recommendations/",
    "/themes/",
    "/themes/data-sharing-standards-privacy/",
    "/search/?q=digital+twins",
    "/search/?q=data&theme=regulation-ethics",
    "/search/",
    "/key-messages/{statement}/",
    "/recommendations/{recommendation}/",
]


@pytest.mark.parametrize("url", PAGES)
def test_html_shows_what_its_json_twin_holds(client, kb, url):
    from recommendations.models import Recommendation
    from sessions.models import KeyMessage, Talk

    url = url.format(
        talk=Talk.objects.filter(session__number="V").order_by("order").first().pk,
        statement=KeyMessage.objects.filter(session__number="V").order_by("talk__order", "order").first().pk,
        recommendation=Recommendation.objects.filter(session__number="V").order_by("order").first().pk,
    )
    html, data = client.get(url), client.get(twin(url))
    assert (html.status_code, data.status_code) == (200, 200)
    own_path = urlsplit(url).path
    payload = data.json()
    if own_path == "/":  # /index.json also keeps what it said of the 2023 report before the series: not shown
        payload = {key: value for key, value in payload.items() if key not in LEGACY_HOME_KEYS}
    page, payload = shown(site_html(html), own_path), held(payload, own_path)
    assert sum(len(values) for values in payload.values()) > 0
    assert page == payload
