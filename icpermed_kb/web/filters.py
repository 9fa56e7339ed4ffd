"""The list pages' filters (django-filter), each also a facet: key messages, recommendations, speakers, search.

Within a facet, values combine with OR (two sessions: the items of either); across facets, AND;
themes are the exception, an item must carry every chosen theme (listing.py).
"""

from icpermed_kb.web.listing import THEMES, AnyOfFilter, FacetedFilterSet, SessionFilter, ThemeFilter
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Session, ordinal
from speakers.models import SessionRole, Speaker


def report_label(number: int, place: str, year: int) -> str:
    """A report as a filter choice: "2023 · Siena (5th workshop)"."""
    return f"{year} · {place.split(',')[0]} ({ordinal(number)} workshop)"


def report_and_session_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every report, newest first, and its sessions in printed order, as (value, label): one query."""
    rows = Session.objects.in_report_order().values_list(
        "report__slug", "report__number", "report__place", "report__start_date", "number", "title"
    )
    reports, sessions = {}, []
    for slug, number, place, start, numeral, title in rows:
        reports.setdefault(slug, report_label(number, place, start.year))
        sessions.append((slug, f"{slug}-{numeral.lower()}", f"{numeral}. {title}"))
    several = len(reports) > 1
    return (
        list(reports.items()),
        [(value, f"{reports[slug]}: {label}" if several else label) for slug, value, label in sessions],
    )


class KeyMessageFilter(FacetedFilterSet):
    theme = ThemeFilter(label="Theme")
    report = AnyOfFilter(label="Report", field_name="session__report__slug")
    session = SessionFilter(label="Session")
    kind = AnyOfFilter(label="Kind", choices=KeyMessage.KINDS)
    speaker = AnyOfFilter(label="Speaker", field_name="talk__speaker__slug")
    country = AnyOfFilter(label="Country", field_name="talk__speaker__country")

    facet_paths = {
        "theme": THEMES,
        "report": "session__report__slug",
        "session": ("session__report__slug", "session__number"),
        "kind": "kind",
        "speaker": "talk__speaker__slug",
        "country": "talk__speaker__country",
    }

    class Meta:
        model = KeyMessage
        fields = []

    def choices(self):
        speakers = Speaker.objects.filter(talks__isnull=False).distinct().order_by("name")
        countries = sorted({country for country in speakers.values_list("country", flat=True) if country})
        reports, sessions = report_and_session_choices()
        return {
            "theme": self.theme_choices(),
            "report": reports,
            "session": sessions,
            "speaker": list(speakers.values_list("slug", "name")),
            "country": [(country, country) for country in countries],
        }


class SearchFilter(FacetedFilterSet):
    """The search page's filters: the key-message list's, with kinds of both key messages and recommendations.

    Only themes filter in SQL; the others are applied to the hits by the search page, which spans two models.
    """

    theme = ThemeFilter(label="Theme")
    report = AnyOfFilter(label="Report", method="no_filter")
    session = AnyOfFilter(label="Session", method="no_filter")
    kind = AnyOfFilter(label="Kind", method="no_filter")
    speaker = AnyOfFilter(label="Speaker", method="no_filter")
    country = AnyOfFilter(label="Country", method="no_filter")

    facet_paths = KeyMessageFilter.facet_paths

    class Meta:
        model = KeyMessage
        fields = []

    def no_filter(self, queryset, name, value):
        return queryset

    def choices(self):
        choices = KeyMessageFilter.choices(self)
        choices["kind"] = [*KeyMessage.KINDS, *Recommendation.KINDS]
        return choices


class RecommendationFilter(FacetedFilterSet):
    theme = ThemeFilter(label="Theme")
    report = AnyOfFilter(label="Report", field_name="session__report__slug")
    session = SessionFilter(label="Session")
    kind = AnyOfFilter(label="Kind", choices=Recommendation.KINDS)

    facet_paths = {
        "theme": THEMES,
        "report": "session__report__slug",
        "session": ("session__report__slug", "session__number"),
        "kind": "kind",
    }

    class Meta:
        model = Recommendation
        fields = []

    def choices(self):
        reports, sessions = report_and_session_choices()
        return {"theme": self.theme_choices(), "report": reports, "session": sessions}


class SpeakerFilter(FacetedFilterSet):
    """People by the reports that list them, their roles, country and organisation."""

    report = AnyOfFilter(label="Report", field_name="roles__session__report__slug", distinct=True)
    role = AnyOfFilter(label="Role", field_name="roles__role", choices=SessionRole.ROLES, distinct=True)
    country = AnyOfFilter(label="Country")
    organisation = AnyOfFilter(label="Organisation")

    facet_paths = {
        "report": "roles__session__report__slug",
        "role": "roles__role",
        "country": "country",
        "organisation": "organisation",
    }

    class Meta:
        model = Speaker
        fields = []

    def choices(self):
        rows = self.queryset.order_by().values_list("country", "organisation").distinct()
        countries = sorted({country for country, _ in rows if country})
        organisations = sorted({organisation for _, organisation in rows if organisation}, key=str.casefold)
        reports, _ = report_and_session_choices()
        return {
            "report": reports,
            "country": [(country, country) for country in countries],
            "organisation": [(organisation, organisation) for organisation in organisations],
        }

