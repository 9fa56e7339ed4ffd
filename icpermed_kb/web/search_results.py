"""The search page's results: ranked hits from the search engine, filtered and faceted like the lists.

The engine ranks the query within the chosen themes (an item must carry them all) and counts
the hits in the database (SearchEngine.summarise): session, kind, speaker and country filter the
hits there, each of those facets counting with its own filter lifted, exactly as on the
key-message list; only the page shown comes back as items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.http import QueryDict

from icpermed_kb.search import get_engine
from icpermed_kb.search.base import FACETS, Summary
from icpermed_kb.search.text import clean
from icpermed_kb.web.filters import SearchFilter
from icpermed_kb.web.listing import Facet, FilteredList, as_values, facet_values
from recommendations.models import Recommendation
from sessions.models import KeyMessage

MAX_QUERY_DISPLAY = 1000  # the engine reads at most 500 characters; the box shows a little more
MAX_PAGE = 10**9  # beyond it, an offset could overflow the database's integers; the paginator shows the last page
ANY_OF_FACETS = FACETS  # report, session, kind, speaker, country: OR within each, counted with its own filter lifted


@dataclass
class Result:
    """One hit of the page shown: the item, its marked snippet, and where else the query matched."""

    type: str
    id: int
    score: float
    item: object = None
    snippet: str = ""
    context: dict | None = None  # {"field", "text"}: where the query matched when the item's own text does not


class RankedHits:
    """The filtered hits as Django's paginator sees them: their count, and any page of them, summarised on demand."""

    def __init__(self, results: SearchResults):
        self.results = results

    def count(self) -> int:
        return self.results.summary.count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Result]:
        return self.results.results_from(window.start or 0)


class SearchResults(FilteredList):
    """One search request: the filter form, the filtered ranked results, their facets and one page."""

    def __init__(self, data: QueryDict, *, per_page: int = 20):
        self.engine = get_engine()
        self.query = clean(data.get("q", ""))[:MAX_QUERY_DISPLAY]
        self.per_page = per_page
        # The page asked for, so that one statement counts the hits and fetches that page (see summary).
        self.asked_offset = (_page_number(data.get("page")) - 1) * per_page
        data = data.copy()
        data.pop("page", None)
        self.filterset = SearchFilter(data, queryset=KeyMessage.objects.all())
        self.data = self.filterset.data  # as the choices spell the values
        self.is_valid = self.filterset.is_valid()
        chosen = self.filterset.form.cleaned_data
        self.selected = {name: set(as_values(chosen.get(name))) for name in ("theme", *ANY_OF_FACETS)}

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in messages] for name, messages in self.filterset.errors.items()}

    @cached_property
    def summary(self) -> Summary:
        """The hits counted by facet, with the page asked for."""
        return self._summarise(self.asked_offset)

    def _summarise(self, offset: int) -> Summary:
        if not self.query:
            return Summary()
        themes = sorted(self.selected["theme"])
        return self.engine.summarise(
            self.query,
            key_messages=self.filterset.qs,  # themes applied in SQL
            recommendations=self.filterset.filters["theme"].filter(Recommendation.objects.all(), themes),
            filters={name: self.selected[name] for name in ANY_OF_FACETS},
            offset=offset,
            limit=self.per_page,
        )

    @property
    def partial(self) -> bool:
        """No item had every word: the results are the closest ones."""
        return self.summary.partial

    @property
    def count(self) -> int:
        return self.summary.count

    def results_from(self, offset: int) -> list[Result]:
        """The page of results starting at `offset` (the page asked for is already summarised)."""
        summary = self.summary if offset == self.asked_offset else self._summarise(offset)
        return [Result(hit.type, hit.id, hit.score) for hit in summary.page]

    def facets(self) -> list[Facet]:
        """The same facets as the key-message list, counted over the hits."""
        facets = []
        for name in ("theme", *ANY_OF_FACETS):
            field = self.filterset.form.fields[name]
            values = facet_values(field.choices, self.summary.facets.get(name, {}), self.selected[name])
            facets.append(Facet(name=name, label=str(field.label), all_of=name == "theme", values=values))
        return facets

    def page(self, number) -> Page:
        """One page of results, with their items loaded and their snippets made."""
        page = Paginator(RankedHits(self), self.per_page).get_page(number)
        self._load(page.object_list)
        return page

    def _load(self, results: Iterable[Result]) -> None:
        results = list(results)
        # In no order: the ranking orders them, so the lists' report order would only be compiled and sorted for nothing.
        messages = KeyMessage.objects.filter(id__in=[r.id for r in results if r.type == "key_message"]).for_listing().order_by()
        recommendations = (
            Recommendation.objects.filter(id__in=[r.id for r in results if r.type == "recommendation"]).for_listing().order_by()
        )
        items = {("key_message", item.id): item for item in messages}
        items |= {("recommendation", item.id): item for item in recommendations}
        for result in results:
            result.item = items.get((result.type, result.id))
        shown = [result for result in results if result.item is not None]
        # The items are loaded already: their texts are marked as the engine's snippets() would, without reading them again.
        for result, snippet in zip(shown, self.engine.mark(self.query, [result.item.text for result in shown]), strict=True):
            result.snippet = snippet
            if "<mark>" not in result.snippet:
                result.context = self._matched_context(result.item, result.type)

    def _matched_context(self, item, kind: str) -> dict | None:
        """The first of the item's context fields (as indexed) that holds a match, marked: why it is a hit."""
        if kind == "key_message":
            talk = item.talk
            fields = [
                ("talk", talk.title if talk else ""),
                ("speaker", talk.speaker.name if talk else ""),
                ("group", item.group),
                ("session", item.session.title),
            ]
        else:
            fields = [("lead", item.lead), ("session", item.session.title)]
        fields = [(name, text) for name, text in fields if text]
        for (name, _), marked in zip(fields, self.engine.mark(self.query, [text for _, text in fields]), strict=True):
            if "<mark>" in marked:
                return {"field": name, "text": marked}
        return None

    def suggestion(self) -> str | None:
        """The query with each word the index does not know corrected (even when others matched), else None."""
        return self.engine.suggest(self.query) if self.query else None


def _page_number(value) -> int:
    """A page number as the paginator reads it (1 for anything else), bounded so that its offset fits the database."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)
