"""Ranked full-text search of key messages and recommendations, filtered and faceted like the lists."""

from urllib.parse import urlencode

from django.urls import reverse

from icpermed_kb.models import Theme
from icpermed_kb.themes import ThemeRule, themes_for_query
from icpermed_kb.web import page_cache, representations
from icpermed_kb.web.listing import ListPage
from icpermed_kb.web.pages import page_view
from icpermed_kb.web.search_results import SearchResults
from recommendations.models import Recommendation
from sessions.models import KeyMessage

# Queries that show what the search language does (README, "Search").
EXAMPLES = ["IVDR", "digital twins", '"real-world data"', "reimbursement -genomic", "data sharing OR privacy"]


def statement_counts_by_theme() -> list[Theme]:
    """Every theme, with how many key messages and recommendations carry it (`item_count`)."""
    return list(Theme.objects.with_item_counts(KeyMessage.objects.all(), Recommendation.objects.all()))


def themes_named(query: str, absolute) -> list[dict]:
    """The themes the query names (by name or matching rule), with how many statements carry each;
    before a query, every theme that tags something, to start from."""
    themes = page_cache.derived("search:theme-counts", statement_counts_by_theme)
    rules = [
        ThemeRule(name=theme.name, slug=theme.slug, group=theme.group, description=theme.description, patterns=tuple(theme.patterns))
        for theme in themes
    ]
    named = {rule.slug for rule in themes_for_query(rules, query)} if query else {rule.slug for rule in rules}
    return [
        {**representations.theme_brief(theme, absolute), "count": theme.item_count}
        for theme in themes
        if theme.slug in named and theme.item_count
    ]


@page_view("html", "json")
def search(request):
    """The hits for `q`, best first, with the key-message list's filters and facets, the themes the query
    names, and a correction of the words the index does not know."""
    results = SearchResults(request.GET)
    extra = {
        "query": results.query,
        "partial": results.partial,
        "suggestion": results.suggestion(),
        "themes": themes_named(results.query, representations.absolute_urls(request)),
    }
    if not results.query:  # what to type, before anything is typed
        search_url = request.build_absolute_uri(reverse("search"))
        extra["examples"] = [{"query": example, "url": f"{search_url}?{urlencode({'q': example})}"} for example in EXAMPLES]
    return ListPage(request, results, serialize=representations.search_hit, template="core/search.html", extra=extra)
