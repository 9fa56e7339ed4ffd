"""The list pages' filters (django-filter), each also a facet: key messages, recommendations, speakers, search."""

import django_filters

from icpermed_kb.web.listing import THEMES, FacetedFilterSet, ThemeFilter
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Session
from speakers.models import SessionRole, Speaker


def session_choices(report) -> list[tuple[str, str]]:
    """The report's sessions as filter values: the numeral in lower case, and "V. Title"."""
    sessions = Session.objects.of_report(report).in_report_order().values_list("number", "title")
    return [(number.lower(), f"{number}. {title}") for number, title in sessions]


class KeyMessageFilter(FacetedFilterSet):
    theme = ThemeFilter(label="Theme")
    session = django_filters.ChoiceFilter(label="Session", field_name="session__number", lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(label="Kind", choices=KeyMessage.KINDS)
    speaker = django_filters.ChoiceFilter(label="Speaker", field_name="talk__speaker__slug")
    country = django_filters.ChoiceFilter(label="Country", field_name="talk__speaker__country")

    facet_paths = {
        "theme": THEMES,
        "session": "session__number",
        "kind": "kind",
        "speaker": "talk__speaker__slug",
        "country": "talk__speaker__country",
    }

    class Meta:
        model = KeyMessage
        fields = []

    def choices(self):
        speakers = Speaker.objects.filter(talks__session__report=self.report).distinct().order_by("name")
        countries = sorted({country for country in speakers.values_list("country", flat=True) if country})
        return {
            "theme": self.theme_choices(),
            "session": session_choices(self.report),
            "speaker": list(speakers.values_list("slug", "name")),
            "country": [(country, country) for country in countries],
        }


class SearchFilter(FacetedFilterSet):
    """The search page's filters: the key-message list's, with kinds of both key messages and recommendations."""

    theme = ThemeFilter(label="Theme")
    session = django_filters.ChoiceFilter(label="Session", method="no_filter")
    kind = django_filters.ChoiceFilter(label="Kind", method="no_filter")
    speaker = django_filters.ChoiceFilter(label="Speaker", method="no_filter")
    country = django_filters.ChoiceFilter(label="Country", method="no_filter")

    facet_paths = KeyMessageFilter.facet_paths

    class Meta:
        model = KeyMessage
        fields = []

    def no_filter(self, queryset, name, value):
        return queryset  # applied to the hits by the search page, which spans two models

    def choices(self):
        choices = KeyMessageFilter.choices(self)
        choices["kind"] = [*KeyMessage.KINDS, *Recommendation.KINDS]
        return choices


class RecommendationFilter(FacetedFilterSet):
    theme = ThemeFilter(label="Theme")
    session = django_filters.ChoiceFilter(label="Session", field_name="session__number", lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(label="Kind", choices=Recommendation.KINDS)

    facet_paths = {"theme": THEMES, "session": "session__number", "kind": "kind"}

    class Meta:
        model = Recommendation
        fields = []

    def choices(self):
        return {"theme": self.theme_choices(), "session": session_choices(self.report)}


class SpeakerFilter(FacetedFilterSet):
    role = django_filters.ChoiceFilter(label="Role", field_name="roles__role", choices=SessionRole.ROLES, distinct=True)
    country = django_filters.ChoiceFilter(label="Country")
    organisation = django_filters.ChoiceFilter(label="Organisation")

    facet_paths = {"role": "roles__role", "country": "country", "organisation": "organisation"}

    class Meta:
        model = Speaker
        fields = []

    def choices(self):
        rows = self.queryset.order_by().values_list("country", "organisation").distinct()
        countries = sorted({country for country, _ in rows if country})
        organisations = sorted({organisation for _, organisation in rows if organisation}, key=str.casefold)
        return {
            "country": [(country, country) for country in countries],
            "organisation": [(organisation, organisation) for organisation in organisations],
        }
