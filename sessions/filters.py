"""The key-message list's filters, each also a facet."""

import django_filters

from icpermed_kb.listing import THEMES, FacetedFilterSet, ThemeFilter
from speakers.models import Speaker

from .models import KeyMessage, Session


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
        sessions = Session.objects.of_report(self.report).in_report_order().values_list("number", "title")
        speakers = Speaker.objects.filter(talks__session__report=self.report).distinct().order_by("name")
        countries = sorted({country for country in speakers.values_list("country", flat=True) if country})
        return {
            "theme": self.theme_choices(),
            "session": [(number.lower(), f"{number}. {title}") for number, title in sessions],
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
        from recommendations.models import Recommendation

        choices = KeyMessageFilter.choices(self)
        choices["kind"] = [*KeyMessage.KINDS, *Recommendation.KINDS]
        return choices
