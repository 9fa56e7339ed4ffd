"""The search interface, and everything in it that does not depend on the engine."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F
from django.utils.safestring import SafeString, mark_safe

from .index import KEY_MESSAGE, RECOMMENDATION, TYPES, item_of
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


def by_word(rows) -> dict[str, list[tuple[str, int]]]:
    """(word, candidate, documents) rows by word; a word without candidates has an empty list."""
    grouped: dict[str, list[tuple[str, int]]] = {}
    for word, candidate, documents in rows:
        listed = grouped.setdefault(word, [])
        if candidate is not None:
            listed.append((candidate, documents))
    return grouped


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

    def snippets(self, query: str, hits: list[Hit]) -> dict[tuple[str, int], SafeString]:
        """Each hit's own text as safe HTML: escaped, matched words in <mark>, cut around the matches if long."""
        texts = self._texts([(hit.type, hit.id) for hit in hits])
        phrases = [tuple(stem(word) for word in atom.words) for atom in parse(query).atoms()] if texts else []
        return {key: mark_safe(render(text, phrases)) for key, text in texts.items()}

    def mark(self, query: str, texts: list[str]) -> list[SafeString]:
        """Any texts (a talk's title, a speaker's name…) as snippets: escaped, the query's words in <mark>."""
        phrases = [tuple(stem(word) for word in atom.words) for atom in parse(query).atoms()]
        return [mark_safe(render(text, phrases)) for text in texts]

    def similar(
        self,
        text: str,
        *,
        key_messages: QuerySet[KeyMessage] | None = None,
        recommendations: QuerySet[Recommendation] | None = None,
        words_used: int = 12,
    ) -> list[Hit]:
        """Items that share the most telling words of `text`, best first: its rarest words in the index, OR-ed."""
        own = list(dict.fromkeys(word for _, _, word in words(clean(text)) if len(word) > 2 and word not in STOP_WORDS))
        if not own:
            return []
        frequency = self._frequencies(own)
        telling = sorted(own, key=lambda word: (frequency.get(word) or 10**9, own.index(word)))[:words_used]
        query = " OR ".join(f'"{word}"' for word in telling)
        return self.search(query, key_messages=key_messages, recommendations=recommendations)

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

    def _frequencies(self, folded: list[str]) -> dict[str, int]:
        """How many documents hold each of these folded words (the word list the suggestions read)."""
        from icpermed_kb.models import SearchWord

        return dict(SearchWord.objects.using(self.using).filter(word__in=folded).values_list("word", "documents"))

    def _unknown(self, lexemes: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
        """For each word (of {word: its lexeme}) that no document holds: indexed words that may be close, with counts.

        One query. The candidates are a superset of the words at SUGGEST_THRESHOLD.
        """
        raise NotImplementedError
