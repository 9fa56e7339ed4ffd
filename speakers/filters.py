"""The speaker list's filters, each also a facet."""

import django_filters

from icpermed_kb.listing import FacetedFilterSet

from .models import SessionRole, Speaker


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
