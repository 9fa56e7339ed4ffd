"""Every public page costs a fixed number of queries: the same with 1 and with 3 of everything."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icpermed_kb.web.page_cache import PAGE_CACHE
from tests.factories import build_knowledge_base


def page_urls(built) -> dict[str, str]:
    """One URL per page type (and twin), pointing at the last-built items."""
    session, talk, speaker, theme = built.sessions[-1], built.talks[-1], built.speakers[-1], built.themes[-1]
    number = session.number.lower()
    return {
        "home": "/",
        "home json": "/index.json",
        "session list": "/sessions/",
        "session list json": "/sessions.json",
        "session": f"/sessions/{number}/",
        "session json": f"/sessions/{number}.json",
        "talk": f"/talks/{talk.pk}/",
        "talk json": f"/talks/{talk.pk}.json",
        "key messages": "/key-messages/",
        "key messages filtered": f"/key-messages/?theme={theme.slug}&session={number}&kind=presentation",
        "key messages json": f"/key-messages.json?theme={theme.slug}",
        "key messages csv": "/key-messages.csv",
        "speaker list": "/speakers/",
        "speaker list json": "/speakers.json?country=Italy",
        "speaker": f"/speakers/{speaker.slug}/",
        "speaker json": f"/speakers/{speaker.slug}.json",
        "recommendations": "/recommendations/",
        "recommendations json": f"/recommendations.json?kind=conclusion&theme={theme.slug}",
        "recommendations csv": "/recommendations.csv",
        "theme list": "/themes/",
        "theme list json": "/themes.json",
        "theme": f"/themes/{theme.slug}/",
        "theme json": f"/themes/{theme.slug}.json",
        "export": "/export.json",
        "search": f"/search/?q=message&theme={theme.slug}",
        "search json": "/search.json?q=message&kind=presentation",
    }


EXPECTED = {
    "home": 4,
    "home json": 4,
    "session list": 2,
    "session list json": 2,
    "session": 11,
    "session json": 11,
    "talk": 4,
    "talk json": 4,
    "key messages": 13,
    "key messages filtered": 13,
    "key messages json": 13,
    "key messages csv": 7,
    "speaker list": 8,
    "speaker list json": 8,
    "speaker": 6,
    "speaker json": 6,
    "recommendations": 9,
    "recommendations json": 9,
    "recommendations csv": 5,
    "theme list": 2,
    "theme list json": 2,
    "theme": 8,
    "theme json": 8,
    "export": 8,
    "search": 11,
    "search json": 11,
}


# Every cached page reads the data version first (icpermed_kb/web/page_cache.py).
DATA_VERSION_READ = 1


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("page", list(EXPECTED))
def test_query_count_does_not_grow_with_the_data(client, db, page, size):
    built = build_knowledge_base(size)
    url = page_urls(built)[page]
    client.get(url)  # warm the content-type cache, as a running server has
    caches[PAGE_CACHE].clear()  # count the rendering, then the cached copy
    with CaptureQueriesContext(connection) as rendering:
        rendered = client.get(url)
    assert rendered.status_code == 200
    assert len(rendering) == DATA_VERSION_READ + EXPECTED[page], "\n".join(
        query["sql"][:200] for query in rendering.captured_queries
    )
    with CaptureQueriesContext(connection) as serving:
        cached = client.get(url)
    assert len(serving) == DATA_VERSION_READ
    assert (cached.status_code, cached.content) == (200, rendered.content)
