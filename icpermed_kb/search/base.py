"""The search interface, and everything in it that does not depend on the engine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F
from django.utils.safestring import SafeString, mark_safe

from .index import FACETS, KEY_MESSAGE, RECOMMENDATION, TYPES, item_of
from .query import MAX_LENGTH, Query, parse
from .snippets import render
from .text import STOP_WORDS, clean, similarity, stem, words

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from recommendations.models import Recommendation
    from sessions.models import KeyMessage

SUGGEST_THRESHOLD = 0.4  # pg_trgm similarity; PostgreSQL's candidate filter (% at 0.3) is looser


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the item's type and id, its score (higher is better), and `partial` if it lacks some words."""

    type: Literal["key_message", "recommendation"]
    id: int
    score: float
    partial: bool = False


Restriction = tuple[str, list]



@dataclass(frozen=True)
class Summary:
    """One search counted: all hits, those that pass the filters, each facet's counts, and one page, best first.

    `facets` maps a facet (FACETS, and "theme") to {value: count}; a facet counts the hits that pass
    every other facet's filter (so its counts say what choosing one more value gives), themes count
    what the filtered hits carry.
    """

    hits: int = 0
    count: int = 0
    partial: bool = False
    facets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    page: list[Hit] = field(default_factory=list)


def by_word(rows) -> dict[str, list[tuple[str, int]]]:
    """(word, candidate, documents) rows by word; a word without candidates has an empty list."""
    grouped: dict[str, list[tuple[str, int]]] = {}
    for word, candidate, documents in rows:
        listed = grouped.setdefault(word, [])
        if candidate is not None:
            listed.append((candidate, documents))
    return grouped


def _count_facets(
    combinations: list[tuple[tuple[str, ...], int]], filters: Mapping[str, Collection[str]], counts: dict[str, dict[str, int]]
) -> tuple[int, int]:
    """Sum the hits by combination of facet values (FACETS' order) into `counts`; (all hits, those passing every filter).

    A facet counts the hits that pass every other facet's filter, by its own value; a blank value
    (a recommendation has no speaker) is not counted.
    """
    chosen = [filters.get(name) for name in FACETS]
    hits = count = 0
    for values, number in combinations:
        hits += number
        failing = [index for index, value in enumerate(values) if chosen[index] is not None and value not in chosen[index]]
        if not failing:
            count += number
        if len(failing) > 1:
            continue  # fails two filters: lifting one still leaves it out
        for index, (name, value) in enumerate(zip(FACETS, values, strict=True)):
            if value and (not failing or failing[0] == index):
                counts[name][value] = counts[name].get(value, 0) + number
    return hits, count


class SearchEngine:
    """Search key messages and recommendations; subclasses run the SQL of one database vendor."""

    id_column = "id"  # how the engine's SQL names the SearchDocument id

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def connection(self):
        return connections[self.using]

    def search(
        self,
        query: str,
        *,
        key_messages: QuerySet[KeyMessage] | None = None,
        recommendations: QuerySet[Recommendation] | None = None,
    ) -> list[Hit]:
        """All items matching `query`, best first, among the given querysets (None: all of that type)."""
        parsed = parse(query)
        restriction = self._restriction(key_messages, recommendations) if parsed else None
        if restriction is None:
            return []
        rows = self._match(parsed, restriction)
        if rows or len(parsed.groups) < 2:
            return [Hit(*item_of(document), score) for document, score in rows]
        # Nothing has every word: rank the items by how many of the words they have, then by score.
        counts: Counter[int] = Counter()
        for index in range(len(parsed.groups)):
            counts.update(document for document, _ in self._match(parsed.single(index), restriction))
        scores = dict(self._match(parsed.any_of(), restriction))
        ranked = sorted(counts, key=lambda document: (-counts[document], -scores.get(document, 0.0), document))
        return [Hit(*item_of(document), scores.get(document, 0.0), partial=True) for document in ranked]

    def summarise(
        self,
        query: str,
        *,
        key_messages: QuerySet[KeyMessage] | None = None,
        recommendations: QuerySet[Recommendation] | None = None,
        filters: Mapping[str, Collection[str]] | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> Summary:
        """search(), counted in the database: the hits by facet (any of each facet's `filters` values) and one page.

        One statement in the common case: the ranked match is joined to each hit's combination of
        facet values and grouped there by it (GROUP BY over the match), so a broad query never
        brings its thousands of hits into Python, only the few combinations they fall into. The
        same items, order and scores as search().
        """
        parsed = parse(query)
        restriction = self._restriction(key_messages, recommendations) if parsed else None
        if restriction is None:
            return Summary()
        filters = {name: sorted(values) for name, values in (filters or {}).items() if values}
        strict_sql, params = self._match_sql(parsed, restriction)
        ranked = f"SELECT document, score, 0 AS matched FROM ({strict_sql}) strict"
        summary = self._summarise(ranked, params, filters, offset, limit)
        if summary.hits or len(parsed.groups) < 2:
            return summary
        # Nothing has every word: the items with any, those with most of the words first (as search()).
        counted, params = [], []
        for index in range(len(parsed.groups)):
            single_sql, single_params = self._match_sql(parsed.single(index), restriction)
            counted.append(f"(CASE WHEN relaxed.document IN (SELECT document FROM ({single_sql}) single{index}) THEN 1 ELSE 0 END)")
            params += single_params
        relaxed_sql, relaxed_params = self._match_sql(parsed.any_of(), restriction)
        ranked = f"SELECT relaxed.document, relaxed.score, {' + '.join(counted)} AS matched FROM ({relaxed_sql}) relaxed"
        return self._summarise(ranked, [*params, *relaxed_params], filters, offset, limit, partial=True)

    def _summarise(self, ranked: str, params: list, filters: dict, offset: int, limit: int, *, partial: bool = False) -> Summary:
        """Run `ranked` (SQL of (document, score, matched) rows) joined to the facets: counts and one page."""
        from django.contrib.contenttypes.models import ContentType

        from icpermed_kb.models import SearchFacetCombination, SearchFacets, Theme, ThemedItem
        from recommendations.models import Recommendation
        from sessions.models import KeyMessage

        quote = self.connection.ops.quote_name
        facets_table, combinations_table, themed, themes = (
            quote(model._meta.db_table) for model in (SearchFacets, SearchFacetCombination, ThemedItem, Theme)
        )
        types = ContentType.objects.get_for_models(KeyMessage, Recommendation)

        conditions, where_params = [], []
        for name, chosen in filters.items():
            conditions.append(f"chosen.{name} IN ({', '.join(['%s'] * len(chosen))})")
            where_params.extend(chosen)
        where = (
            f" WHERE hit.combination IN (SELECT chosen.id FROM {combinations_table} chosen WHERE {' AND '.join(conditions)})"
            if conditions
            else ""
        )
        blanks = ", ".join(["''"] * (len(FACETS) - 1))
        # The hits by combination of facet values: one GROUP BY of an integer over the match, instead of
        # one GROUP BY of strings per facet; each facet's counts are summed from them (_count_facets).
        # The first part types the columns for both engines (PostgreSQL would read a bare NULL as text).
        parts = [
            f"SELECT 'facets' AS part, {', '.join(f'combination.{name} AS {name}' for name in FACETS)}, "
            "counted.number AS number, CAST(NULL AS DOUBLE PRECISION) AS score FROM "
            "(SELECT hit.combination, count(*) AS number FROM hit GROUP BY hit.combination) counted "
            f"JOIN {combinations_table} combination ON combination.id = counted.combination"
        ]
        parts.append(
            f"SELECT 'theme', theme.slug, {blanks}, counted.number, NULL FROM (SELECT themed.tag_id, count(*) AS number FROM hit "
            f"JOIN {themed} themed ON themed.content_type_id = (CASE WHEN (hit.document & 1) = 0 THEN %s ELSE %s END) "
            f"AND themed.object_id = (hit.document >> 1){where} GROUP BY themed.tag_id) counted "
            f"JOIN {themes} theme ON theme.id = counted.tag_id"
        )
        part_params = [types[KeyMessage].id, types[Recommendation].id, *where_params]
        parts.append(
            f"SELECT * FROM (SELECT 'page', '', {blanks}, hit.document, hit.score FROM hit{where} "
            "ORDER BY hit.matched DESC, hit.score DESC, hit.document LIMIT %s OFFSET %s) page"
        )
        part_params += [*where_params, limit, offset]
        # Both CTEs are computed once and read by every part (MATERIALIZED: neither engine may copy them in).
        sql = (
            f"WITH ranked AS MATERIALIZED ({ranked}), "
            "hit AS MATERIALIZED (SELECT ranked.document, ranked.score, ranked.matched, facets.combination_id AS combination "
            f"FROM ranked JOIN {facets_table} facets ON facets.id = ranked.document) "
            + " UNION ALL ".join(parts)
        )
        combinations: list[tuple[tuple[str, ...], int]] = []
        counts: dict[str, dict[str, int]] = {name: {} for name in (*FACETS, "theme")}
        page = []
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, *part_params])
            for part, *values, number, score in cursor.fetchall():
                if part == "facets":
                    combinations.append((tuple(values), number))
                elif part == "page":
                    page.append(Hit(*item_of(number), float(score), partial=partial))
                elif values[0]:
                    counts[part][values[0]] = number
        hits, count = _count_facets(combinations, filters, counts)
        return Summary(hits=hits, count=count, partial=partial and bool(hits), facets=counts, page=page)

    def snippets(self, query: str, hits: list[Hit]) -> dict[tuple[str, int], SafeString]:
        """Each hit's own text as safe HTML: escaped, matched words in <mark>, cut around the matches if long."""
        texts = self._texts([(hit.type, hit.id) for hit in hits])
        phrases = [tuple(stem(word) for word in atom.words) for atom in parse(query).atoms()] if texts else []
        return {key: mark_safe(render(text, phrases)) for key, text in texts.items()}

    def mark(self, query: str, texts: list[str]) -> list[SafeString]:
        """Any texts (a talk's title, a speaker's name…) as snippets: escaped, the query's words in <mark>."""
        phrases = [tuple(stem(word) for word in atom.words) for atom in parse(query).atoms()]
        return [mark_safe(render(text, phrases)) for text in texts]

    def suggest(self, query: str) -> str | None:
        """The query with each word the index does not know replaced by the closest known word, or None.

        Whether the query found anything does not matter: "digitl twins" finds the items with
        "twins" and still suggests "digital twins". One query, whatever the number of words.
        """
        text = clean(query[: MAX_LENGTH * 4])[:MAX_LENGTH]
        found = [
            (start, end, word)
            for start, end, word in words(text)
            if len(word) >= 3 and not word.isdigit() and word not in STOP_WORDS
        ]
        if not found:
            return None
        candidates = self._unknown({word: stem(word) for _, _, word in found})
        corrections = {word: self._closest(word, listed) for word, listed in candidates.items()}
        replacements = [(start, end, corrections[word]) for start, end, word in found if corrections.get(word)]
        if not replacements:
            return None
        for start, end, replacement in reversed(replacements):
            text = text[:start] + replacement + text[end:]
        return text

    @staticmethod
    def _closest(word: str, candidates: list[tuple[str, int]]) -> str | None:
        """The candidate most like `word` (pg_trgm's similarity), then the most frequent, then the first in order."""
        scored = [
            (similarity(word, candidate), documents, candidate)
            for candidate, documents in candidates
            if candidate != word
        ]
        scored = [entry for entry in scored if entry[0] >= SUGGEST_THRESHOLD]
        if not scored:
            return None
        return min(scored, key=lambda entry: (-entry[0], -entry[1], entry[2]))[2]

    def _texts(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The own text of each item that still exists, in one query."""
        from django.db.models import Value

        from recommendations.models import Recommendation
        from sessions.models import KeyMessage

        querysets = []
        for bit, (kind, model) in enumerate(((KEY_MESSAGE, KeyMessage), (RECOMMENDATION, Recommendation))):
            ids = [pk for item_kind, pk in keys if item_kind == kind]
            if ids:
                rows = model._base_manager.using(self.using).filter(id__in=ids).order_by()
                querysets.append(rows.annotate(type_bit=Value(bit)).values_list("type_bit", "id", "text"))
        if not querysets:
            return {}
        rows = querysets[0].union(*querysets[1:], all=True).order_by() if len(querysets) > 1 else querysets[0]
        return {(TYPES[bit], pk): text for bit, pk, text in rows}

    def _restriction(self, key_messages, recommendations) -> Restriction | None:
        """SQL limiting the documents to the querysets' items; None when that leaves nothing."""
        if key_messages is None and recommendations is None:
            return "", []
        column, parts, params = self.id_column, [], []
        for bit, queryset in enumerate((key_messages, recommendations)):  # bit: document_id's type bit
            if queryset is None:
                parts.append(f"({column} & 1) = {bit}")
                continue
            if queryset.query.is_empty():
                continue
            try:
                items = queryset.order_by().values(search_item=F("pk"))
                sql, subquery_params = items.query.get_compiler(using=self.using).as_sql()
            except EmptyResultSet:
                continue
            # A correlated EXISTS, not IN (…): SQLite then looks up only the matching items by
            # primary key instead of listing every item of the queryset first (35 ms -> 0.1 ms
            # for a rare word at 100,000 key messages); PostgreSQL plans both as a semi-join.
            parts.append(
                f"(({column} & 1) = {bit} AND EXISTS (SELECT 1 FROM ({sql}) restricted "
                f"WHERE restricted.search_item = ({column} >> 1)))"
            )
            params.extend(subquery_params)
        if not parts:
            return None
        return " AND (" + " OR ".join(parts) + ")", params

    # What each engine implements.

    def _match(self, query: Query, restriction: Restriction) -> list[tuple[int, float]]:
        """(document id, score) of the matching documents, best first; higher scores are better."""
        raise NotImplementedError

    def _match_sql(self, query: Query, restriction: Restriction) -> tuple[str, list]:
        """SQL and parameters of the matching documents' (document, score) rows, in no order."""
        raise NotImplementedError

    def _unknown(self, lexemes: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
        """For each word (of {word: its lexeme}) that no document holds: indexed words that may be close, with counts.

        One query. The candidates are a superset of the words at SUGGEST_THRESHOLD.
        """
        raise NotImplementedError
