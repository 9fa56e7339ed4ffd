"""Text from the PDF or the admin is data, never markup: every page type and JSON twin escapes it."""

import pytest
from django.utils.html import escape

from tests.factories import build_knowledge_base, save_fields
from tests.pages.test_query_counts import page_urls

PAYLOADS = [
    "<script>alert('kb')</script>",
    '"><img src=x onerror=alert(1)>',
    "<a href=\"javascript:alert('kb')\">click</a>",
]
RAW = ["<script>alert", "<img src=x", 'href="javascript:', "onerror=alert(1)>"]
PLAIN_TEXT_DOWNLOADS = {"text/csv", "application/x-bibtex", "application/x-research-info-systems"}


@pytest.fixture
def hostile_site(db):
    text = " ".join(PAYLOADS)
    built = build_knowledge_base(1, text=f"Key message {text}")
    save_fields(built.speakers[0], name=f"Dr {PAYLOADS[1]}", organisation=PAYLOADS[2])
    save_fields(built.themes[0], name=f"Theme {PAYLOADS[0]}", description=PAYLOADS[1])
    save_fields(built.talks[0], title=f"Talk {PAYLOADS[2]}", topic=PAYLOADS[0])
    save_fields(built.recommendations[0], text=f"Do {PAYLOADS[0]}", lead=PAYLOADS[1])
    return built


def test_every_page_and_twin_escapes_stored_markup(client, hostile_site):
    urls = [*page_urls(hostile_site).values(), "/search/?q=alert", "/search.json?q=alert", "/search/?q=onerror"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        if response["Content-Type"].split(";")[0] in PLAIN_TEXT_DOWNLOADS:
            assert response["Content-Disposition"].startswith("attachment;"), url
            continue  # a download holds the text as it is (CSV, BibTeX, RIS): nothing there runs markup
        assert [raw for raw in RAW if raw in body] == [], url


@pytest.mark.parametrize("page", ["session", "talk", "speaker", "theme", "key messages", "recommendations"])
def test_the_hostile_text_is_shown_as_text(client, hostile_site, page):
    body = client.get(page_urls(hostile_site)[page]).content.decode()
    shown = hostile_site.recommendations[0].text if page == "recommendations" else hostile_site.messages[0].text
    assert escape(shown) in body  # the whole stored text, every character escaped, nothing dropped


def test_json_twins_keep_the_text_exact_once_decoded(client, hostile_site):
    data = client.get(f"/talks/{hostile_site.talks[0].pk}.json").json()
    assert (data["title"], data["topic"], data["speaker"]["name"]) == (
        f"Talk {PAYLOADS[2]}",
        PAYLOADS[0],
        f"Dr {PAYLOADS[1]}",
    )
    assert data["key_messages"][0]["text"] == "Key message " + " ".join(PAYLOADS) + " 0-0-0"


def test_search_snippets_escape_before_marking(client, hostile_site):
    results = client.get("/search.json?q=alert").json()["results"]
    message, recommendation = hostile_site.messages[0], hostile_site.recommendations[0]
    assert {(result["type"], result["id"]): result["snippet"] for result in results} == {
        ("key_message", message.id): escape(message.text).replace("alert", "<mark>alert</mark>"),
        ("recommendation", recommendation.id): escape(recommendation.text).replace("alert", "<mark>alert</mark>"),
    }
