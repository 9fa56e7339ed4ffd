"""Ranked full-text search of key messages and recommendations, filtered and faceted like the lists."""

from icpermed_kb.web import representations
from icpermed_kb.web.listing import ListPage
from icpermed_kb.web.pages import page_view
from icpermed_kb.web.search_results import SearchResults


@page_view("html", "json")
def search(request):
    """The hits for `q`, best first, with the key-message list's filters and facets, and a suggestion."""
    results = SearchResults(request.GET)
    extra = {"query": results.query, "partial": results.partial, "suggestion": results.suggestion()}
    return ListPage(request, results, serialize=representations.search_hit, template="core/search.html", extra=extra)
