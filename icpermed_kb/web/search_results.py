"""The search page's results: ranked hits from the search engine, filtered and faceted like the lists.

The engine ranks the query within the chosen themes (an item must carry them all);
session, kind, speaker and country are applied to the hits here, so each of those
facets can count with its own filter lifted, exactly as on the key-message list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.http import QueryDict

from icpermed_kb.models import ThemedItem
from icpermed_kb.search import Hit, get_engine
from icpermed_kb.search.text import clean
from icpermed_kb.web.filters import SearchFilter
from icpermed_kb.web.listing import Facet, FilteredList, as_values, facet_values
from recommendations.models import Recommendation
from sessions.models import KeyMessage

MAX_QUERY_DISPLAY = 1000  # the engine reads at most 500 characters; the box shows a little more
BATCH = 500  # ids per IN (...) list: far below every engine's parameter limit
ANY_OF_FACETS = ("report", "session", "kind", "speaker", "country")  # applied to the hits, OR within each


def batched(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass
class Result:
    """One hit with what filters and facets read."""

    type: str
    id: int
    score: float
    report: str = ""
    session: str = ""
    kind: str = ""
    speaker: str = ""
    country: str = ""
    themes: frozenset[str] = frozenset()
    item: object = None
    snippet: str = ""
    context: dict | None = None  # {"field", "text"}: where the query matched when the item's own text does not

    def value(self, name: str) -> str:
        return getattr(self, name)


class SearchResults(FilteredList):
    """One search request: the filter form, the filtered ranked results, their facets and one page."""

    def __init__(self, data: QueryDict, *, per_page: int = 20):
        self.engine = get_engine()
        self.query = clean(data.get("q", ""))[:MAX_QUERY_DISPLAY]
        data = data.copy()
        data.pop("page", None)
        self.per_page = per_page
        self.filterset = SearchFilter(data, queryset=KeyMessage.objects.all())
        self.data = self.filterset.data  # as the choices spell the values
        self.is_valid = self.filterset.is_valid()
        chosen = self.filterset.form.cleaned_data
        self.selected = {name: set(as_values(chosen.get(name))) for name in ("theme", *ANY_OF_FACETS)}
        self.partial = False
        self.hits = self._hits() if self.query else []
        self.results = [result for result in self.hits if self._passes(result)]

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in messages] for name, messages in self.filterset.errors.items()}

    @property
    def count(self) -> int:
        return len(self.results)

    def _hits(self) -> list[Result]:
        key_messages = self.filterset.qs  # themes applied in SQL
        recommendations = self.filterset.filters["theme"].filter(Recommendation.objects.all(), sorted(self.selected["theme"]))
        hits = self.engine.search(self.query, key_messages=key_messages, recommendations=recommendations)
        self.partial = any(hit.partial for hit in hits)  # no item had every word: the closest ones
        results = [Result(hit.type, hit.id, hit.score) for hit in hits]
        self._describe(results)
        return results

    def _describe(self, results: list[Result]) -> None:
        """Fill in each result's session, kind, speaker, country and themes, a few queries in all."""
        by_key = {(result.type, result.id): result for result in results}
        message_ids = [result.id for result in results if result.type == "key_message"]
        recommendation_ids = [result.id for result in results if result.type == "recommendation"]
        for ids in batched(message_ids):
            for pk, report, session, kind, speaker, country in KeyMessage.objects.filter(id__in=ids).values_list(
                "id", "session__report__slug", "session__number", "kind", "talk__speaker__slug", "talk__speaker__country"
            ):
                result = by_key[("key_message", pk)]
                result.report, result.session, result.kind = report, f"{report}-{session.lower()}", kind
                result.speaker, result.country = speaker or "", country or ""
        for ids in batched(recommendation_ids):
            rows = Recommendation.objects.filter(id__in=ids).values_list("id", "session__report__slug", "session__number", "kind")
            for pk, report, session, kind in rows:
                result = by_key[("recommendation", pk)]
                result.report, result.session, result.kind = report, f"{report}-{session.lower()}", kind
        types = ContentType.objects.get_for_models(KeyMessage, Recommendation)
        themes: dict[tuple[str, int], set[str]] = {}
        for type_name, model, ids in (("key_message", KeyMessage, message_ids), ("recommendation", Recommendation, recommendation_ids)):
            for chunk in batched(ids):
                rows = ThemedItem.objects.filter(content_type=types[model], object_id__in=chunk).values_list("object_id", "tag__slug")
                for pk, slug in rows:
                    themes.setdefault((type_name, pk), set()).add(slug)
        for key, slugs in themes.items():
            by_key[key].themes = frozenset(slugs)

    def _passes(self, result: Result, *, lifting: str | None = None) -> bool:
        for name in ANY_OF_FACETS:
            if name != lifting and self.selected[name] and result.value(name) not in self.selected[name]:
                return False
        return True

    def facets(self) -> list[Facet]:
        """The same facets as the key-message list, counted over the hits."""
        facets = []
        for name in ("theme", *ANY_OF_FACETS):
            field = self.filterset.form.fields[name]
            if name == "theme":
                counts = Counter(slug for result in self.results for slug in result.themes)
            else:
                counts = Counter(result.value(name) for result in self.hits if self._passes(result, lifting=name))
            values = facet_values(field.choices, counts, self.selected[name])
            facets.append(Facet(name=name, label=str(field.label), all_of=name == "theme", values=values))
        return facets

    def page(self, number) -> Page:
        """One page of results, with their items loaded and their snippets made."""
        page = Paginator(self.results, self.per_page).get_page(number)
        self._load(page.object_list)
        return page

    def _load(self, results: Iterable[Result]) -> None:
        results = list(results)
        messages = KeyMessage.objects.filter(id__in=[r.id for r in results if r.type == "key_message"]).for_listing()
        recommendations = Recommendation.objects.filter(id__in=[r.id for r in results if r.type == "recommendation"]).for_listing()
        items = {("key_message", item.id): item for item in messages}
        items |= {("recommendation", item.id): item for item in recommendations}
        snippets = self.engine.snippets(self.query, [Hit(type=r.type, id=r.id, score=r.score) for r in results])
        for result in results:
            result.item = items.get((result.type, result.id))
            result.snippet = snippets.get((result.type, result.id), "")
            if result.item is not None and "<mark>" not in result.snippet:
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
