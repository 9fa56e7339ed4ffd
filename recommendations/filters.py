"""The recommendation list's filters, each also a facet."""

import django_filters

from icpermed_kb.listing import THEMES, FacetedFilterSet, ThemeFilter
from sessions.models import Session

from .models import Recommendation


class RecommendationFilter(FacetedFilterSet):
    theme = ThemeFilter(label="Theme")
    session = django_filters.ChoiceFilter(label="Session", field_name="session__number", lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(label="Kind", choices=Recommendation.KINDS)

    facet_paths = {"theme": THEMES, "session": "session__number", "kind": "kind"}

    class Meta:
        model = Recommendation
        fields = []

    def choices(self):
        sessions = Session.objects.of_report(self.report).in_report_order().values_list("number", "title")
        return {
            "theme": self.theme_choices(),
            "session": [(number.lower(), f"{number}. {title}") for number, title in sessions],
        }
