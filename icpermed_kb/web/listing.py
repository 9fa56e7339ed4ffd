"""Filtered, faceted, paginated lists: what every list page and its JSON and CSV twins share.

A list page is a FilterSet over a base QuerySet. Choice filters double as facets:
each facet counts the current results per value. A single-choice facet (session,
kind…) counts with its own filter lifted, so it shows what choosing another value
would give; the theme facet counts within the current results, because choosing
several themes narrows them (an item must carry every chosen theme).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import django_filters
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from icpermed_kb.models import Theme, ThemedItem
from icpermed_kb.web import page_cache, representations
from icpermed_kb.web.pages import Column, Table

THEMES = "themes"  # the facet path that counts ThemedItem rows rather than a column


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    all_of: bool  # items must carry every chosen value (themes); else any of them
    values: list[FacetValue]

    @property
    def selected(self) -> list[FacetValue]:
        return [value for value in self.values if value.selected]


@dataclass(frozen=True)
class ActiveFilter:
    """One applied filter value, with the query string that removes it."""

    label: str
    value: str
    remove_query: str


def as_values(value) -> list[str]:
    """A cleaned filter value as the list of strings facets compare with ([] when not applied)."""
    if value in (None, "", []):
        return []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def facet_values(choices, counts: dict[str, int], selected) -> list[FacetValue]:
    """A facet's values in choice order, each with its count and whether it is chosen."""
    chosen = set(selected)
    return [
        FacetValue(str(value), str(label), counts.get(str(value), 0), str(value) in chosen)
        for value, label in choices
        if value != ""
    ]


class ThemeFilter(django_filters.MultipleChoiceFilter):
    """Items carrying every chosen theme (by slug): choosing more themes narrows the list."""

    all_of = True

    def filter(self, queryset, value):
        if not value:
            return queryset
        content_type = ContentType.objects.get_for_model(queryset.model)
        for slug in value:
            tagged = ThemedItem.objects.filter(content_type=content_type, tag__slug=slug).values("object_id")
            queryset = queryset.filter(id__in=tagged)
        return queryset


class AnyOfFilter(django_filters.MultipleChoiceFilter):
    """Items with any of the chosen values: choosing more values of one facet widens the list."""

    all_of = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)  # a column of the item or of a to-one relation: no duplicates
        super().__init__(*args, **kwargs)


class SessionFilter(AnyOfFilter):
    """Items of any of the chosen sessions, each named by report and numeral ("2023-siena-vi")."""

    def __init__(self, *args, prefix: str = "session", **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix = prefix

    def filter(self, queryset, value):
        if not value:
            return queryset
        sessions = [item.rpartition("-") for item in value]
        return queryset.filter(
            functools.reduce(
                operator.or_,
                (Q(**{f"{self.prefix}__report__slug": report, f"{self.prefix}__number__iexact": number}) for report, _, number in sessions),
            )
        )


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice filters are also facets; `facet_paths` maps a filter to what it counts.

    A path is a field ("kind"), THEMES, or a tuple of fields whose values make one facet value
    joined by "-" ("session": report slug and numeral). Submitted values are matched to the choices
    without regard to case (?country=italy), and a bare session numeral (?session=vi, the form of
    the links published while the site held one report) means that session of the legacy report.
    """

    facet_paths: ClassVar[dict[str, str | tuple[str, ...]]] = {}

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        # Two to four queries (and their compiling) on every list page otherwise, for what only a write changes.
        self.choice_lists = page_cache.derived(f"choices:{type(self).__module__}.{type(self).__qualname__}", self.choices)
        self.data = self.canonical(self.data)
        for name, choices in self.choice_lists.items():
            self.filters[name].extra["choices"] = choices
            self.form.fields[name].choices = choices

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """The values each choice filter accepts, as (value, label): derived from the data alone (the
        same whatever the request), so computed once per data version (page_cache.derived)."""
        return {}

    def canonical(self, data) -> QueryDict:
        """The submitted values spelt as the choices spell them (case, legacy session numerals)."""
        data = data.copy() if isinstance(data, QueryDict) else QueryDict(mutable=True)
        for name, choices in self.choice_lists.items():
            if name not in data:
                continue
            spelt = {str(value).casefold(): str(value) for value, _ in choices}
            values = []
            for value in data.getlist(name):
                if name == "session" and "-" not in value:
                    value = f"{settings.LEGACY_REPORT_SLUG}-{value}"
                values.append(spelt.get(value.casefold(), value))
            data.setlist(name, values)
        return data

    @staticmethod
    def theme_choices() -> list[tuple[str, str]]:
        return list(Theme.objects.order_by("order", "name").values_list("slug", "name"))


class FilteredList:
    """What every filtered list shares: the request's filter values, and query strings built from them."""

    data: QueryDict  # the query string without `page`

    def active_filters(self, facets: list[Facet]) -> list[ActiveFilter]:
        """The applied filter values, each with a query string that removes just that value."""
        active = []
        for facet in facets:
            for value in facet.selected:
                remaining = self.data.copy()
                remaining.setlist(facet.name, [v for v in remaining.getlist(facet.name) if v != value.value])
                active.append(ActiveFilter(label=facet.label, value=value.label, remove_query=remaining.urlencode()))
        return active

    def query_string(self, **changes) -> str:
        """The current filters as a query string, with some parameters replaced."""
        data = self.data.copy()
        for key, value in changes.items():
            data[key] = value
        return data.urlencode()


class FacetedListing(FilteredList):
    """One request's view of a list: the filter form, the filtered items, one page of them, facets."""

    def __init__(self, filterset_class: type[FacetedFilterSet], data: QueryDict, queryset: QuerySet, *, per_page: int = 25):
        data = data.copy()
        data.pop("page", None)
        self.base_queryset = queryset
        self.per_page = per_page
        self.filterset = filterset_class(data, queryset=queryset)
        self.data = self.filterset.data  # as the choices spell the values, so links and chips agree
        self.is_valid = self.filterset.is_valid()
        self.queryset = self.filterset.qs
        self._count = None

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in messages] for name, messages in self.filterset.errors.items()}

    @property
    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def page(self, number) -> Page:
        """One page of results; a page number that is not a number, or out of range, gives the nearest page."""
        paginator = Paginator(self.queryset, self.per_page)
        paginator.count = self.count  # already counted: save the paginator's own COUNT query
        return paginator.get_page(number)

    def cleaned(self, name: str) -> list[str]:
        return as_values(self.filterset.form.cleaned_data.get(name))  # an invalid value is absent: not applied

    def facets(self) -> list[Facet]:
        """Every facet with its values' counts under the current filters."""
        facets = []
        for name, path in self.filterset.facet_paths.items():
            form_field = self.filterset.form.fields[name]
            all_of = self.filterset.filters[name].all_of
            # All-of (themes): what the results carry; any-of: what adding a value would add.
            counted = self.queryset if all_of else self.filtered_without(name)
            values = facet_values(form_field.choices, facet_counts(counted, path), self.cleaned(name))
            facets.append(Facet(name=name, label=str(form_field.label), all_of=all_of, values=values))
        return facets

    def filtered_without(self, lifted: str) -> QuerySet:
        """The items under every applied filter but one, so a facet counts what switching its value gives.

        The same as FilterSet.filter_queryset with that filter's value left out (each field is
        validated on its own, so the others' cleaned values are the same): no second FilterSet,
        whose construction deep-copies every filter and builds and validates a form again. A facet
        whose own filter is not applied counts the results themselves (the filters are not applied
        a second time: compiling them is most of a facet's cost).
        """
        if not self.cleaned(lifted):
            return self.queryset
        queryset = self.base_queryset.all()
        for name, value in self.filterset.form.cleaned_data.items():
            if name != lifted:
                queryset = self.filterset.filters[name].filter(queryset, value)
        return queryset


def facet_counts(queryset: QuerySet, path: str | tuple[str, ...]) -> dict[str, int]:
    """How many of these items have each value of a facet (one GROUP BY)."""
    if path == THEMES:
        content_type = ContentType.objects.get_for_model(queryset.model)
        rows = (
            ThemedItem.objects.filter(content_type=content_type, object_id__in=queryset.values("id"))
            .values_list("tag__slug")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {slug: n for slug, n in rows}
    fields = (path,) if isinstance(path, str) else path
    rows = queryset.order_by().values_list(*fields).annotate(n=Count("id", distinct=True))
    counts: dict[str, int] = {}
    for *values, n in rows:
        if any(value in (None, "") for value in values):
            continue
        key = "-".join(str(value) for value in values).lower() if len(fields) > 1 else str(values[0])
        counts[key] = counts.get(key, 0) + n
    return counts


class ListPage:
    """A list as a Page (icpermed_kb/web/pages.py): one page of results with the facets, and, for
    the CSV twin, every filtered item as the same dict. Each part is computed when a renderer
    first reads it, so the CSV twin counts no facets and the HTML page and JSON twin no rows beyond
    their page."""

    def __init__(
        self,
        request,
        listing: FacetedListing,
        *,
        serialize: Callable,
        template: str,
        columns: Sequence[Column] = (),
        filename: str = "",
        extra: dict | None = None,
    ):
        self.request = request
        self.listing = listing
        self.serialize = serialize
        self.template = template
        self.extra = extra or {}
        self.status = 200 if listing.is_valid else 400
        self.errors = listing.errors
        self.table = Table(filename, columns, self._rows()) if columns else None

    def _rows(self) -> Iterator[dict]:
        absolute = representations.absolute_urls(self.request)
        for item in self.listing.queryset:
            yield self.serialize(item, absolute)

    @cached_property
    def _page(self) -> Page:
        return self.listing.page(self.request.GET.get("page"))

    @cached_property
    def _facets(self) -> list[Facet]:
        return self.listing.facets()

    @cached_property
    def data(self) -> dict:
        """The JSON twin: count, page, links, applied filters, results and facets (and what was not understood)."""
        page, facets, absolute = self._page, self._facets, representations.absolute_urls(self.request)

        def link(number):
            return absolute("?" + self.listing.query_string(page=number))

        data = {"error": "invalid filter values", "errors": self.errors} if self.errors else {}
        return {
            **data,
            **self.extra,
            "count": self.listing.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "filters": {facet.name: [value.value for value in facet.selected] for facet in facets},
            "results": [self.serialize(item, absolute) for item in page.object_list],
            "facets": representations.facets(facets),
        }

    @cached_property
    def chrome(self) -> dict:
        """The filter form and the applied filters, each removable."""
        return {"filter_form": self._facets, "active_filters": self.listing.active_filters(self._facets)}
