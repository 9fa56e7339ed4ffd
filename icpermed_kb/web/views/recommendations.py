"""The recommendation list, with its JSON and CSV twins."""

from icpermed_kb.web import representations
from icpermed_kb.web.filters import RecommendationFilter
from icpermed_kb.web.listing import FacetedListing, ListPage
from icpermed_kb.web.pages import column, joined, page_view
from recommendations.models import Recommendation

COLUMNS = [
    column("id"),
    column("kind"),
    column("lead"),
    column("text"),
    column("session", "session.number"),
    column("session_title", "session.title"),
    joined("themes", "themes"),
    column("page"),
    column("url"),
    column("report", "session.report.slug"),
]


@page_view("html", "json", "csv")
def recommendation_list(request):
    """Session conclusions and perspectives, filtered by theme, session and kind."""
    # 50 a page: a report's recommendations (27 in the 2023 report) fit on one.
    listing = FacetedListing(RecommendationFilter, request.GET, Recommendation.objects.all().for_listing(), per_page=50)
    return ListPage(
        request,
        listing,
        serialize=representations.recommendation,
        template="recommendations/recommendation_list.html",
        columns=COLUMNS,
        filename="recommendations.csv",
    )
