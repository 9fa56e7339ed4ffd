"""The key-message list, with its JSON and CSV twins."""

from icpermed_kb.web import representations
from icpermed_kb.web.filters import KeyMessageFilter
from icpermed_kb.web.listing import FacetedListing, ListPage
from icpermed_kb.web.pages import column, joined, page_view
from sessions.models import KeyMessage

COLUMNS = [
    column("id"),
    column("kind"),
    column("group"),
    column("text"),
    column("session", "session.number"),
    column("talk", "talk.title"),
    column("speaker", "speaker.name"),
    column("organisation", "speaker.organisation"),
    column("country", "speaker.country"),
    joined("themes", "themes"),
    column("page"),
    column("url"),
    column("report", "session.report.slug"),
]


@page_view("html", "json", "csv")
def key_message_list(request):
    """Key messages filtered by theme, session, kind, speaker and country, with facet counts."""
    listing = FacetedListing(KeyMessageFilter, request.GET, KeyMessage.objects.all().for_listing())
    return ListPage(
        request,
        listing,
        serialize=representations.key_message,
        template="sessions/key_message_list.html",
        columns=COLUMNS,
        filename="key-messages.csv",
    )
