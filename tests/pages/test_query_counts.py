"""Every public page costs a fixed number of queries: the same with 1 and 3 of everything, and with 1 and 2 reports."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icpermed_kb.web.page_cache import PAGE_CACHE
from tests.factories import build_knowledge_base


def page_urls(built) -> dict[str, str]:
    """One URL per page type (and twin), pointing at the last-built items (of the last report)."""
    report, session, talk, speaker, theme = built.reports[-1], built.sessions[-1], built.talks[-1], built.speakers[-1], built.themes[-1]
    number = session.number.lower()
    at = f"/reports/{report.slug}"
    return {
        "home": "/",
        "home json": "/index.json",
        "report": f"{at}/",
        "report json": f"{at}.json",
        "session list": f"{at}/sessions/",
        "session list json": f"{at}/sessions.json",
        "session": f"{at}/sessions/{number}/",
        "session json": f"{at}/sessions/{number}.json",
        "talk": f"/talks/{talk.pk}/",
        "talk json": f"/talks/{talk.pk}.json",
        "key message": f"/key-messages/{built.messages[-1].pk}/",
        "key message json": f"/key-messages/{built.messages[-1].pk}.json",
        "key message bibtex": f"/key-messages/{built.messages[-1].pk}.bib",
        "panel item": f"/key-messages/{built.panel_items[-1].pk}/",
        "recommendation": f"/recommendations/{built.recommendations[-1].pk}/",
        "recommendation ris": f"/recommendations/{built.recommendations[-1].pk}.ris",
        "recommendation csl": f"/recommendations/{built.recommendations[-1].pk}.csl.json",
        "key messages": "/key-messages/",
        "key messages filtered": f"/key-messages/?theme={theme.slug}&session={session.facet_value}&kind=presentation&kind=panel",
        "key messages json": f"/key-messages.json?theme={theme.slug}&report={report.slug}",
        "key messages csv": "/key-messages.csv",
        "speaker list": "/speakers/",
        "speaker list json": f"/speakers.json?country=Italy&report={report.slug}",
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
        "search json": f"/search.json?q=message&kind=presentation&report={report.slug}",
    }


# Measured. A statement page: the item with its themes, the report's statement sequence (2), the
# word frequencies and the match for related statements, their shared themes, and the briefs (2).
# Home: the reports with their counts, the vocabulary, the themes × reports counts (2), and
# the legacy report's sessions, themes and grid that /index.json keeps. The theme pages add the
# reports and the themes × reports counts (3). List pages: the base query, the count, the themes'
# prefetch, the choices of the filters (sessions and reports in one) and one GROUP BY per facet.
EXPECTED = {
    "home": 7,
    "home json": 7,
    "report": 4,
    "report json": 4,
    "session list": 2,
    "session list json": 2,
    "session": 11,
    "session json": 11,
    "talk": 4,
    "talk json": 4,
    "key message": 9,
    "key message json": 9,
    "key message bibtex": 9,
    "panel item": 9,
    "recommendation": 9,
    "recommendation ris": 9,
    "recommendation csl": 9,
    "key messages": 13,
    "key messages filtered": 13,
    "key messages json": 13,
    "key messages csv": 6,
    "speaker list": 9,
    "speaker list json": 9,
    "speaker": 6,
    "speaker json": 6,
    "recommendations": 9,
    "recommendations json": 9,
    "recommendations csv": 4,
    "theme list": 4,
    "theme list json": 4,
    "theme": 10,
    "theme json": 10,
    "export": 8,
    "search": 9,
    "search json": 9,
}


# Every cached page reads the data version first (icpermed_kb/web/page_cache.py).
DATA_VERSION_READ = 1


@pytest.mark.parametrize("reports", [1, 2])
@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("page", list(EXPECTED))
def test_query_count_does_not_grow_with_the_data(client, db, page, size, reports):
    built = build_knowledge_base(size, reports=reports)
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
