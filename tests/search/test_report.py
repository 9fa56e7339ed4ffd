"""Search over the ingested report: everything indexed, real questions answered, hostile input survived."""

from __future__ import annotations

import pytest

from icpermed_kb.models.search_index import SearchDocument
from recommendations.models import Recommendation
from sessions.models import KeyMessage

pytestmark = pytest.mark.django_db

# Real questions, and the start of a key message (read in the report) that must be in the top three.
QUESTIONS = {
    "IVDR": "There is the need for conformity of medical devices to the IVDR.",
    "drug resistance testing": "More than 20% of individuals may be resistant to one or more first line drugs.",
    "digital twins": "Digital twins’ technology can help to avoid inappropriate medication",
    "reimbursement of genomic tests": "There is an increased interest in PM on the political side, e.g. the intention of Germany to reimburse",
    "data sharing": "Was a patients’ platform developed to share data on national and international level?",
    "who said what about digital twins: Frederic Dayan digital twins": "Digital twins’ technology can help",
    "Pharmacogenomics adverse drug reactions": "Pharmacogenomics (PGx) has shown the importance of genetic tests",
}

HOSTILE = [
    '"',
    '""',
    '"""',
    "'",
    "''",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "AND(",
    "OR)",
    "NOT NOT",
    "NEAR(drug data)",
    "NEAR/3",
    "drug AND",
    "AND drug",
    "drug OR",
    "OR drug",
    "drug NOT data",
    "*",
    "**",
    "drug*",
    "*drug",
    ":",
    "drug:data",
    "body:drug",
    "^",
    "^drug",
    "\\",
    "\\\\",
    "drug\\data",
    "\\x00",
    "\x00",
    "drug\x00data",
    "\x00" * 100,
    "\x01\x02\x1b[31m\x1f\x7f",
    "\u200b\u200e\u202e\ufeff",
    "\ud800\udfff",
    "x" * 10_000,
    "drug " * 2_000,
    '"' * 10_000,
    "(" * 5_000,
    "-" * 10_000,
    "drug " + "\\" * 5_000,
    "\U0001f9ec\U0001f600",
    "🧬 genomics 🧬",
    "'; DROP TABLE x; --",
    '" OR 1=1 --',
    "1' OR '1'='1",
    "drug'; DELETE FROM core_searchdocument; --",
    "%",
    "%s",
    "%(x)s",
    "$1",
    "?",
    "{}",
    "[]",
    "<script>alert(1)</script>",
    "&amp;",
    "-",
    "--",
    "- -",
    "OR OR OR",
    "-OR",
    '-"',
    '"-"',
    "drug | data",
    "!drug",
    "drug & data",
    "drug <-> data",
    "'drug':*",
    "drug:*",
    "drug:A",
    "中文",
    "ÄÖÜ",
    "İ",
    "\u0301",
    "e\u0301",
    "ǅ",
    "Ⅻ",
    "½",
    "٣",
    "\uffff",
    "\U0010ffff",
    "a" * 65,
    "a" * 64,
    "data " * 40,
    " ".join(f'"w{i}"' for i in range(100)),
    "-data " * 50,
    "genomic -genomic",
    '"genomic" -"genomic"',
]


def top(engine, query: str, count: int = 3) -> list[str]:
    texts = {}
    hits = engine.search(query)[:count]
    for hit in hits:
        model = KeyMessage if hit.type == "key_message" else Recommendation
        texts[(hit.type, hit.id)] = model.objects.get(pk=hit.id).text
    return [texts[(hit.type, hit.id)] for hit in hits]


def test_ingestion_indexes_every_item(ingested, engine):
    messages = list(KeyMessage.objects.values_list("id", "text"))
    recommendations = list(Recommendation.objects.values_list("id", "text"))
    assert SearchDocument.objects.count() == len(messages) + len(recommendations) == 291
    for kind, items in (("key_message", messages), ("recommendation", recommendations)):
        for pk, text in items:
            phrase = '"' + " ".join(text.split()[:5]) + '"'
            assert (kind, pk) in [(hit.type, hit.id) for hit in engine.search(phrase)], phrase


def test_real_questions_find_the_relevant_key_message_in_the_top_three(ingested, engine):
    for question, expected in QUESTIONS.items():
        query = question.split(": ")[-1]
        assert any(text.startswith(expected) for text in top(engine, query)), (question, top(engine, query))


def test_did_you_mean_on_the_report(ingested, engine):
    assert engine.suggest("pharmacogenomcs") == "pharmacogenomics"
    assert engine.suggest("reimbursment of genomic tests") is None  # the stem is known: it finds results
    assert engine.suggest("personalized medicin") is None
    assert engine.suggest("digitl twins") == "digital twins"
    # The suggestion does not wait for an empty result: "twins" alone finds statements.
    assert engine.search("digitl twins") and all(hit.partial for hit in engine.search("digitl twins"))
    assert engine.suggest("adverse drug reactons") == "adverse drug reactions"


def test_hostile_input_gives_results_or_nothing_never_an_exception(ingested, engine):
    for text in HOSTILE:
        hits = engine.search(text)
        assert isinstance(hits, list), repr(text)
        snippets = engine.snippets(text, hits[:20])
        assert set(snippets) == {(hit.type, hit.id) for hit in hits[:20]}, repr(text)
        assert all("<script" not in snippet for snippet in snippets.values())
        suggestion = engine.suggest(text)
        assert suggestion is None or isinstance(suggestion, str)
        restricted = engine.search(
            text, key_messages=KeyMessage.objects.filter(kind="panel"), recommendations=Recommendation.objects.none()
        )
        assert {hit.type for hit in restricted} <= {"key_message"}
    assert SearchDocument.objects.count() == 291  # and nothing was dropped or deleted


def facet_values_of(hit) -> dict[str, str]:
    """A hit's facet values read from its item (not from the index), as the search filters spell them."""
    if hit.type == "key_message":
        item = KeyMessage.objects.select_related("session__report", "talk__speaker").get(id=hit.id)
        speaker = item.talk.speaker if item.talk else None
    else:
        item, speaker = Recommendation.objects.select_related("session__report").get(id=hit.id), None
    report = item.session.report.slug
    return {
        "report": report,
        "session": f"{report}-{item.session.number.lower()}",
        "kind": item.kind,
        "speaker": speaker.slug if speaker else "",
        "country": speaker.country if speaker else "",
    }


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("data", {}),
        ("data", {"kind": ["overall", "discussion"]}),
        ("genomic", {"kind": ["presentation"], "country": ["Italy"]}),
        ("digitl twins", {}),  # no item has both words: the partial ranking
        ("reimbursement -genomic", {"session": ["2023-siena-iv", "2023-siena-v"]}),
    ],
)
def test_summarise_counts_what_search_finds(ingested, engine, query, filters):
    """summarise() (counted in SQL) against search() and the items themselves (counted here): the same hits,
    order, scores, count, and facet counts, each facet with its own filter lifted, themes over the filtered hits."""
    from collections import Counter

    from icpermed_kb.search.base import FACETS

    hits = engine.search(query)
    values = {(hit.type, hit.id): facet_values_of(hit) for hit in hits}

    def passes(hit, lifting=None):
        return all(values[(hit.type, hit.id)][name] in chosen for name, chosen in filters.items() if name != lifting)

    filtered = [hit for hit in hits if passes(hit)]
    assert filtered, "the case must have hits to count"
    expected_facets = {
        name: Counter(values[(hit.type, hit.id)][name] for hit in hits if passes(hit, lifting=name)) for name in FACETS
    }
    themes = Counter()
    for hit in filtered:
        model = KeyMessage if hit.type == "key_message" else Recommendation
        themes.update(model.objects.get(id=hit.id).themes.values_list("slug", flat=True))
    for offset in (0, 2):
        summary = engine.summarise(query, filters=filters, offset=offset, limit=3)
        assert (summary.hits, summary.count, summary.partial) == (len(hits), len(filtered), hits[0].partial)
        assert summary.page == filtered[offset : offset + 3]
        assert {name: dict(summary.facets[name]) for name in FACETS} == {
            name: {value: count for value, count in counted.items() if value} for name, counted in expected_facets.items()
        }
        assert dict(summary.facets["theme"]) == dict(themes)
