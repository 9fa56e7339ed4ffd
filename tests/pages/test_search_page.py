"""The search page and its JSON twin over the ingested report: ranking, filters, facets, safety."""

from collections import Counter

import pytest

from icpermed_kb.search import get_engine
from recommendations.models import Recommendation
from sessions.models import KeyMessage
from tests.pages.test_browse import passes
from tests.search.test_report import HOSTILE


def describe(hit) -> dict:
    """What the search page filters on, read from the models for one hit."""
    if hit.type == "key_message":
        item = KeyMessage.objects.select_related("session__report", "talk__speaker").get(pk=hit.id)
        speaker = item.talk.speaker if item.talk else None
    else:
        item, speaker = Recommendation.objects.select_related("session__report").get(pk=hit.id), None
    return {
        "key": (hit.type, hit.id),
        "theme": {theme.slug for theme in item.themes.all()},
        "report": item.session.report.slug,
        "session": f"{item.session.report.slug}-{item.session.number.lower()}",
        "kind": item.kind,
        "speaker": speaker.slug if speaker else "",
        "country": speaker.country if speaker and speaker.country else "",
    }


def every_result(client, url):
    payload = client.get(url).json()
    results, page = list(payload["results"]), 1
    while page < payload["pages"]:
        page += 1
        results += client.get(f"{url}&page={page}").json()["results"]
    return payload, results


def test_search_json_has_the_documented_shape_in_rank_order(client, kb):
    payload = client.get("/search.json?q=digital+twins").json()
    assert sorted(payload) == [
        "count", "facets", "filters", "next", "page", "pages", "partial", "previous", "query", "results", "suggestion", "themes"
    ]
    assert payload["partial"] is False
    assert (payload["query"], payload["suggestion"]) == ("digital twins", None)
    first = payload["results"][0]
    assert sorted(first) == [
        "context", "id", "in_context", "kind", "kind_label", "page", "pdf", "score", "session", "snippet", "speaker", "text",
        "themes", "type", "url",
    ]
    hits = get_engine().search("digital twins")
    assert [(result["type"], result["id"]) for result in payload["results"]] == [(hit.type, hit.id) for hit in hits[:20]]
    assert payload["count"] == len(hits)
    assert "<mark>" in first["snippet"].replace("\\u003C", "<")
    scores = [result["score"] for result in payload["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "query, filters",
    [
        ("data", {"theme": ["regulation-ethics"]}),
        ("patients", {"session": ["vi"], "kind": ["presentation"]}),
        ("research", {"country": ["Germany"]}),
        ("health", {"kind": ["conclusion"], "theme": ["implementation-healthcare"]}),
        ("data", {"session": ["2023-siena-v", "vi"], "kind": ["conclusion", "presentation"], "country": ["germany", "Italy"]}),
        ("research", {"report": ["2023-siena"], "speaker": ["carlotta-masciocchi", "frederic-dayan"]}),
    ],
)
def test_search_filters_and_facets_match_the_list_pages_semantics(client, kb, query, filters):
    rows = [describe(hit) for hit in get_engine().search(query)]
    url = f"/search.json?q={query}&" + "&".join(f"{name}={value}" for name, values in filters.items() for value in values)
    payload, results = every_result(client, url)
    expected = [row["key"] for row in rows if passes(row, filters)]
    assert [(result["type"], result["id"]) for result in results] == expected
    assert payload["count"] == len(expected) > 0
    for name, values in payload["facets"].items():
        if name == "theme":
            counted = Counter(slug for row in rows if passes(row, filters) for slug in row["theme"])
        else:
            counted = Counter(row[name] for row in rows if passes(row, filters, lifting=name))
        assert {v["value"]: v["count"] for v in values} == {v["value"]: counted.get(v["value"], 0) for v in values}, name


def test_the_query_stays_in_the_box_escaped(client, kb):
    html = client.get('/search/?q="><script>alert(1)</script>').content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>alert(1)" not in html


def test_nothing_found_says_so_and_offers_a_correction(client, kb):
    response = client.get("/search/?q=pharmacogenomcs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 results for “pharmacogenomcs”" in html
    assert 'Did you mean <a href="?q=pharmacogenomics">pharmacogenomics</a>?' in html
    assert client.get("/search.json?q=pharmacogenomcs").json()["suggestion"] == "pharmacogenomics"


def test_results_are_paginated(client, kb):
    hits = get_engine().search("research")
    second = client.get("/search.json?q=research&page=2").json()
    assert (second["page"], second["pages"]) == (2, -(-len(hits) // 20))
    assert [(r["type"], r["id"]) for r in second["results"]] == [(h.type, h.id) for h in hits[20:40]]


# A lone surrogate cannot be sent as UTF-8 at all; its raw bytes are tested below instead.
SENDABLE = [text for text in HOSTILE if text.encode("utf-8", "surrogatepass") == text.encode("utf-8", "replace")]


@pytest.mark.parametrize("text", SENDABLE, ids=range(len(SENDABLE)))
def test_hostile_queries_give_a_page_never_a_5xx(client, kb, text):
    for path in ("/search/", "/search.json"):
        response = client.get(path, {"q": text, "theme": "regulation-ethics"})
        assert response.status_code == 200, (path, repr(text))
        assert b"<script" not in response.content.replace(b'<script src="', b"")


def test_a_bad_filter_value_is_a_400_not_a_500(client, kb):
    assert client.get("/search/?q=data&session=nope").status_code == 400
    assert client.get("/search.json?q=data&theme=nope").json()["errors"] == {
        "theme": ["Select a valid choice. nope is not one of the available choices."]
    }


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%C0%AF", "%00", "%E2%80%AE%00%0A"])
def test_undecodable_query_bytes_give_a_page(client, kb, raw):
    for path in ("/search/", "/search.json", "/key-messages/"):
        assert client.get(f"{path}?q={raw}&speaker={raw}").status_code in (200, 400), (path, raw)


def test_when_no_item_has_every_word_the_page_says_so(client, kb):
    payload = client.get("/search.json?q=digital+twins+zebra").json()
    assert (payload["partial"], payload["count"]) == (True, len(get_engine().search("digital twins zebra")))
    assert "No item has every word; these have most of them." in client.get("/search/?q=digital+twins+zebra").content.decode()


def test_a_query_that_names_a_theme_points_to_it(client, kb):
    from icpermed_kb.models import Theme

    theme = Theme.objects.get(slug="data-sharing-standards-privacy")
    statements = KeyMessage.objects.filter(themes=theme).count() + Recommendation.objects.filter(themes=theme).count()
    payload = client.get("/search.json?q=data+sharing").json()
    assert payload["themes"] == [
        {"slug": theme.slug, "name": theme.name, "url": f"http://testserver/themes/{theme.slug}/", "count": statements}
    ]
    assert payload["count"] < statements  # the words find fewer than the theme holds: hence the pointer
    html = client.get("/search/?q=data+sharing").content.decode()
    assert (
        f'A theme of the vocabulary matches “data sharing”: <a href="http://testserver/themes/{theme.slug}/">'
        f"Data sharing, standards &amp; privacy</a> ({statements} statements)."
    ) in html
    assert client.get("/search.json?q=zebra").json()["themes"] == []


def test_an_unknown_word_is_corrected_even_when_other_words_match(client, kb):
    payload = client.get("/search.json?q=digitl+twins").json()
    assert (payload["suggestion"], payload["partial"]) == ("digital twins", True)
    assert payload["count"] == len(get_engine().search("digitl twins")) > 0
    html = client.get("/search/?q=digitl+twins").content.decode()
    assert 'Did you mean <a href="?q=digital%20twins">digital twins</a>?' in html
    assert client.get("/search.json?q=digital+twins").json()["suggestion"] is None


def test_a_hit_found_through_its_context_shows_the_context_marked(client, kb):
    payload, results = every_result(client, "/search.json?q=Gemelli")
    by_context = [result for result in results if result["context"]]
    assert by_context and all("<mark>" not in result["snippet"].replace("\\u003C", "<") for result in by_context)
    first = by_context[0]
    talk = KeyMessage.objects.select_related("talk").get(pk=first["id"]).talk
    assert first["context"] == {"field": "talk", "text": talk.title.replace("Gemelli", "<mark>Gemelli</mark>")}
    html = client.get("/search/?q=Gemelli").content.decode()
    assert f"Matched in the talk's title: {first['context']['text']}" in html
    own = [result for result in results if not result["context"]]
    assert own and all("<mark>" in result["snippet"] for result in own)


def test_the_empty_search_page_offers_examples_and_the_themes(client, kb):
    payload = client.get("/search.json").json()
    assert [example["query"] for example in payload["examples"]] == [
        "IVDR", "digital twins", '"real-world data"', "reimbursement -genomic", "data sharing OR privacy"
    ]
    from icpermed_kb.models import Theme

    tagging = [theme.slug for theme in Theme.objects.order_by("order", "name") if theme.tagged_items.exists()]
    assert [theme["slug"] for theme in payload["themes"]] == tagging
