"""Property-based tests: any query text and any filter value gives a page (200, or 400 for a bad
filter value), never an exception or a 5xx — on whichever database the suite runs on."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icpermed_kb.search import get_engine
from tests.factories import build_knowledge_base

# Any Unicode except lone surrogates, which no client can send as UTF-8 (raw bytes are tested in
# tests/pages/test_search_page.py); control characters, NUL, quotes and operators included.
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
query_like = st.lists(
    st.one_of(
        any_text,
        st.sampled_from(['"', "'", "(", ")", "AND", "OR", "NOT", "NEAR", "*", ":", "^", "\\", "-", "\x00", "message", "key", "théme"]),
    ),
    max_size=12,
).map(" ".join)

PROPERTY_SETTINGS = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

LIST_FILTERS = {
    "/key-messages/": ["theme", "session", "kind", "speaker", "country", "page"],
    "/key-messages.json": ["theme", "session", "kind", "speaker", "country", "page"],
    "/key-messages.csv": ["theme", "session", "kind", "speaker", "country"],
    "/recommendations/": ["theme", "session", "kind", "page"],
    "/recommendations.json": ["theme", "session", "kind", "page"],
    "/speakers/": ["role", "country", "organisation", "page"],
    "/speakers.json": ["role", "country", "organisation", "page"],
    "/search/": ["q", "theme", "session", "kind", "speaker", "country", "page"],
    "/search.json": ["q", "theme", "session", "kind", "speaker", "country", "page"],
}


@pytest.fixture
def small_site(db):
    return build_knowledge_base(2)


def test_search_queries_never_fail(client, small_site):
    engine = get_engine()

    @PROPERTY_SETTINGS
    @given(text=st.one_of(any_text, query_like))
    def check(text):
        hits = engine.search(text)
        assert all(hit.type in ("key_message", "recommendation") for hit in hits)
        assert set(engine.snippets(text, hits[:20])) == {(hit.type, hit.id) for hit in hits[:20]}
        suggestion = engine.suggest(text)
        assert suggestion is None or isinstance(suggestion, str)
        for path in ("/search/", "/search.json"):
            assert client.get(path, {"q": text}).status_code == 200

    check()


@pytest.mark.parametrize("path", list(LIST_FILTERS))
def test_any_filter_values_give_200_or_400(client, small_site, path):
    valid = {"theme": "theme-0", "session": "i", "kind": "presentation", "speaker": "speaker-0-0", "country": "Italy", "role": "moderator", "organisation": "Org 0", "page": "2", "q": "message"}
    names = LIST_FILTERS[path]

    @PROPERTY_SETTINGS
    @given(
        params=st.dictionaries(
            st.sampled_from(names),
            st.lists(st.one_of(any_text, st.sampled_from([valid[name] for name in names])), min_size=1, max_size=3),
            max_size=len(names),
        )
    )
    def check(params):
        response = client.get(path, params)
        assert response.status_code in (200, 400), (path, params)

    check()
