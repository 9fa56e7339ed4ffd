"""Public pages of the recommendations app: the filterable list and its JSON and CSV twins."""

from icpermed_kb import representations
from icpermed_kb.listing import FacetedListing
from icpermed_kb.page_cache import cached_page
from icpermed_kb.responses import csv_response, invalid_filters_text, listing_response
from sessions.views import current_report_or_404

from .filters import RecommendationFilter
from .models import Recommendation

COLUMNS = ["id", "kind", "lead", "text", "session", "session_title", "themes", "page", "url"]


@cached_page
def recommendation_list(request, format="html"):
    """Session conclusions and perspectives, filtered by theme, session and kind."""
    report = current_report_or_404()
    queryset = Recommendation.objects.of_report(report).for_listing()
    listing = FacetedListing(RecommendationFilter, request.GET, queryset, report=report)
    absolute = request.build_absolute_uri
    if format == "csv":
        if not listing.is_valid:
            return invalid_filters_text(listing)
        rows = (
            [
                item.id,
                item.kind,
                item.lead,
                item.text,
                item.session.number,
                item.session.title,
                "; ".join(theme.name for theme in item.theme_list),
                item.page,
                absolute(item.get_absolute_url()),
            ]
            for item in listing.queryset
        )
        return csv_response("recommendations.csv", COLUMNS, rows)
    return listing_response(
        request,
        listing,
        format,
        template="recommendations/recommendation_list.html",
        serialize=representations.recommendation,
        twins=[("JSON", "recommendation-list-json"), ("CSV", "recommendation-list-csv")],
    )
