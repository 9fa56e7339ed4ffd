"""Keeping the index in step with the items: documents built from the models, written in batches.

`reindex(keys)` is the one writer: it reads the items' current text (and their talk title,
speaker name and session title), compares it with what is indexed and writes only what changed
— a missing item's document is deleted. The signal receivers (signals.py) call it on every save
and delete, so an edit in the admin is searchable at once, in the same transaction. Inside
`deferred()` the keys are collected instead and indexed once when the block ends (the loader
and the benchmark use it for bulk work).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connections, transaction

from . import schema
from .schema import FIELDS
from .text import analyse, analyse_repeated

KEY_MESSAGE, RECOMMENDATION = "key_message", "recommendation"
FACETS = ("report", "session", "kind", "speaker", "country")  # SearchFacetCombination's columns, as the search filters spell them
TYPES = (KEY_MESSAGE, RECOMMENDATION)
BATCH = 500

Key = tuple[str, int]

_pending: ContextVar[dict[str, set[Key]] | None] = ContextVar("search_index_pending", default=None)


def document_id(kind: str, pk: int) -> int:
    """The SearchDocument id of an item: its id * 2, plus 1 for a recommendation."""
    return pk * 2 + TYPES.index(kind)


def item_of(document: int) -> Key:
    """The (type, id) of a SearchDocument id."""
    return TYPES[document & 1], document >> 1


@dataclass(frozen=True)
class Models:
    """The model classes the index reads and writes (historical ones in a migration)."""

    KeyMessage: type
    Recommendation: type
    SearchDocument: type
    SearchWord: type
    SearchFacets: type | None = None  # None in migrations before the facet tables existed (0008)
    SearchFacetCombination: type | None = None

    @classmethod
    def current(cls) -> Models:
        from icpermed_kb.models import SearchDocument, SearchFacetCombination, SearchFacets, SearchWord
        from recommendations.models import Recommendation
        from sessions.models import KeyMessage

        return cls(KeyMessage, Recommendation, SearchDocument, SearchWord, SearchFacets, SearchFacetCombination)

    @classmethod
    def historical(cls, apps, *, facets: bool = True) -> Models:
        """The models as a migration sees them; `facets=False` before the facet tables existed (migration 0008)."""
        return cls(
            KeyMessage=apps.get_model("workshop_sessions", "KeyMessage"),
            Recommendation=apps.get_model("recommendations", "Recommendation"),
            SearchDocument=apps.get_model("core", "SearchDocument"),
            SearchWord=apps.get_model("core", "SearchWord"),
            SearchFacets=apps.get_model("core", "SearchFacets") if facets else None,
            SearchFacetCombination=apps.get_model("core", "SearchFacetCombination") if facets else None,
        )


# What a document is built from: the item's id, its indexed texts (FIELDS' order), then its facet values.
_KEY_MESSAGE_COLUMNS = (
    "id", "text", "group", "talk__title", "talk__speaker__name", "session__title",
    "session__report__slug", "session__number", "kind", "talk__speaker__slug", "talk__speaker__country",
)  # fmt: skip
_RECOMMENDATION_COLUMNS = ("id", "text", "lead", "session__title", "session__report__slug", "session__number", "kind")


def _sources(models: Models, kind: str, ids: list[int] | None, using: str) -> Iterator[tuple]:
    """(id, text, heading, title, speaker, session title, report slug, session numeral, kind, speaker slug, country)."""
    columns = _KEY_MESSAGE_COLUMNS if kind == KEY_MESSAGE else _RECOMMENDATION_COLUMNS
    facet_columns = 5 if kind == KEY_MESSAGE else 3
    # Migrations before the facet tables (0003) have no report slugs yet: their facet values stay blank.
    blank = ("",) * facet_columns if models.SearchFacets is None else ()
    if blank:
        columns = columns[:-facet_columns]
    queryset = (models.KeyMessage if kind == KEY_MESSAGE else models.Recommendation)._base_manager.using(using)
    queryset = queryset.values_list(*columns)
    if ids is not None:
        queryset = queryset.filter(id__in=ids)
    for row in queryset.order_by("id").iterator(chunk_size=2000):
        row = (*row, *blank)
        if kind == KEY_MESSAGE:
            yield row
        else:  # no talk, so no title or speaker
            pk, text, lead, session_title, *facets = row
            yield (pk, text, lead, "", "", session_title, *facets, "", "")


TEXT_COLUMNS = ("id", *FIELDS, "words")  # a SearchDocument row, as _write() writes it
FACET_COLUMNS = ("id", *(f"combination__{name}" for name in FACETS))  # a SearchFacets row with its values, as read


def _document(kind: str, row: tuple) -> Document:
    pk, *values = row
    texts = [text or "" for text in values[: len(FIELDS)]]
    report, session, item_kind, speaker, country = values[len(FIELDS) :]
    body, heading, *context = texts  # the item's own texts, then its talk's, speaker's and session's
    analysed = [analyse(body), analyse(heading), *(analyse_repeated(text) for text in context)]
    document = document_id(kind, pk)
    words = " ".join(sorted(frozenset().union(*(words for _, words in analysed))))
    session = f"{report}-{session.lower()}"  # as the search filter spells a session
    return Document(
        (document, *(lexemes for lexemes, _ in analysed), words),
        (document, report, session, item_kind, speaker or "", country or ""),
    )


@dataclass(frozen=True)
class Document:
    """An item as indexed: its SearchDocument row (TEXT_COLUMNS) and its facet values ((id, *FACETS))."""

    text: tuple
    facets: tuple | None

    @property
    def id(self) -> int:
        return self.text[0]

    @property
    def words(self) -> list[str]:
        return self.text[-1].split()


def _batches(values: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def reindex(keys: Iterable[Key], using: str = "default") -> None:
    """Bring the documents of these items up to date (deferred inside `deferred()`)."""
    pending = _pending.get()
    if pending is not None:
        pending.setdefault(using, set()).update(keys)
        return
    _apply(set(keys), using, Models.current())


@contextmanager
def deferred():
    """Collect the items saved or deleted inside the block; index them once, when it ends without error."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[str, set[Key]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _apply_collected(pending)


def index_collected() -> None:
    """Inside deferred(): index the items collected so far now; the block goes on collecting (outside it, nothing to do)."""
    pending = _pending.get()
    if pending:
        _apply_collected(pending)
        pending.clear()


def _apply_collected(pending: dict[str, set[Key]]) -> None:
    models = Models.current()
    for using, keys in pending.items():
        _apply(keys, using, models)


def rebuild(using: str = "default", models: Models | None = None) -> int:
    """Index every item from scratch; returns the number of documents."""
    models = models or Models.current()
    with transaction.atomic(using=using), schema.indexed_once_at_the_end(connections[using]):
        for model in (models.SearchDocument, models.SearchFacets, models.SearchFacetCombination, models.SearchWord):
            if model is not None:
                model._base_manager.using(using).all().delete()
        count = 0
        for kind in TYPES:
            for rows in _batches(_sources(models, kind, None, using)):
                documents = [_document(kind, row) for row in rows]
                _write(models, using, documents, [], {})
                count += len(documents)
    return count


def _apply(keys: set[Key], using: str, models: Models) -> None:
    with transaction.atomic(using=using, savepoint=False):  # one commit, not one per statement
        for batch in _batches(sorted(keys)):
            _apply_batch(batch, using, models)


def _apply_batch(batch: list[Key], using: str, models: Models) -> None:
    ids = [document_id(kind, pk) for kind, pk in batch]
    current = {}
    for kind in TYPES:
        pks = [pk for item_kind, pk in batch if item_kind == kind]
        if pks:
            for row in _sources(models, kind, pks, using):
                document = _document(kind, row)
                current[document.id] = document
    texts = models.SearchDocument._base_manager.using(using).filter(id__in=ids).values_list(*TEXT_COLUMNS)
    facets = {}
    if models.SearchFacets is not None:
        facets = {
            row[0]: row
            for row in models.SearchFacets._base_manager.using(using).filter(id__in=ids).values_list(*FACET_COLUMNS)
        }
    indexed = {text[0]: Document(text, facets.get(text[0])) for text in texts}
    changed = [
        document
        for key, document in current.items()
        if key not in indexed
        or indexed[key].text != document.text
        or (models.SearchFacets and indexed[key].facets != document.facets)
    ]
    gone = [indexed[key] for key in indexed.keys() - current.keys()]
    _write(models, using, changed, gone, indexed)


def _write(models: Models, using: str, changed: list[Document], gone: list[Document], indexed: dict) -> None:
    """Upsert `changed`, delete `gone`, and move the word counts by the difference."""
    counts: Counter[str] = Counter()
    for document in changed:
        counts.update(document.words)
        if document.id in indexed:
            counts.subtract(indexed[document.id].words)
    for document in gone:
        counts.subtract(document.words)
    connection = connections[using]
    tables = [(models.SearchDocument, TEXT_COLUMNS, [document.text for document in changed])]
    if models.SearchFacets is not None:
        combinations = _combination_ids(models, using, {document.facets[1:] for document in changed})
        rows = [(document.id, combinations[document.facets[1:]]) for document in changed]
        tables.append((models.SearchFacets, ("id", "combination_id"), rows))
    with connection.cursor() as cursor:
        for model, columns, rows in tables:
            if changed:
                # Plain upsert statements: Django's bulk_create builds each row's SQL values in Python.
                # On SQLite the FTS triggers see each row as an insert or an update, as with the ORM's.
                # One statement per batch, not per row (PostgreSQL's statistics triggers run per
                # statement), within the parameters the database takes (SQLite's is set when built).
                size = min(BATCH, (connection.features.max_query_params or BATCH * len(columns)) // len(columns))
                for batch in _batches(rows, size):
                    sql = _upsert_sql(connection, model._meta.db_table, columns, len(batch))
                    cursor.execute(sql, [value for row in batch for value in row])
            if gone:
                model._base_manager.using(using).filter(id__in=[document.id for document in gone]).delete()
    deltas = [(word, delta) for word, delta in counts.items() if delta]
    if deltas:
        table = connection.ops.quote_name(models.SearchWord._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (word, documents) VALUES (%s, %s) "
                f"ON CONFLICT (word) DO UPDATE SET documents = {table}.documents + excluded.documents",
                deltas,
            )
            if any(delta < 0 for _, delta in deltas):
                cursor.execute(f"DELETE FROM {table} WHERE documents <= 0")


def _combination_ids(models: Models, using: str, wanted: set[tuple]) -> dict[tuple, int]:
    """The SearchFacetCombination id of each combination of facet values (FACETS' order), adding those not there yet.

    Nothing wanted, no query (Django answers an empty `__in` itself).
    """
    combinations = models.SearchFacetCombination._base_manager.using(using)

    def known() -> dict[tuple, int]:
        # Those of the wanted sessions (a session's numeral is spelled with its report's slug): a few dozen rows.
        rows = combinations.filter(session__in={values[1] for values in wanted}).values_list("id", *FACETS)
        return {tuple(values): pk for pk, *values in rows}

    found = known()
    missing = sorted(wanted - found.keys())
    if missing:
        connection = connections[using]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # ON CONFLICT: a writer adding the same combination at the same time added it first (it waits for
            # that writer's commit on PostgreSQL; SQLite has one writer at a time).
            cursor.executemany(
                f"INSERT INTO {quote(models.SearchFacetCombination._meta.db_table)} "
                f"({', '.join(quote(name) for name in FACETS)}) VALUES ({', '.join(['%s'] * len(FACETS))}) "
                "ON CONFLICT DO NOTHING",
                missing,
            )
        found = known()
    return found


def _upsert_sql(connection, table: str, columns: tuple[str, ...], rows: int) -> str:
    """INSERT of `rows` rows … ON CONFLICT (id) DO UPDATE of every other column: the same statement on SQLite and PostgreSQL."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * rows)
    updates = ", ".join(f"{quote(column)} = excluded.{quote(column)}" for column in columns if column != "id")
    return f"INSERT INTO {quote(table)} ({names}) VALUES {values} ON CONFLICT ({quote('id')}) DO UPDATE SET {updates}"
