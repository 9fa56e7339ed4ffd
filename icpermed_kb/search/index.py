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

from .schema import FIELDS
from .text import analyse, analyse_repeated

KEY_MESSAGE, RECOMMENDATION = "key_message", "recommendation"
FACETS = ("report", "session", "kind", "speaker", "country")  # SearchFacets' columns, as the search filters spell them
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
    SearchFacets: type | None = None  # None in migrations before the table existed

    @classmethod
    def current(cls) -> Models:
        from icpermed_kb.models import SearchDocument, SearchFacets, SearchWord
        from recommendations.models import Recommendation
        from sessions.models import KeyMessage

        return cls(KeyMessage, Recommendation, SearchDocument, SearchWord, SearchFacets)

    @classmethod
    def historical(cls, apps, *, facets: bool = True) -> Models:
        """The models as a migration sees them; `facets=False` before the facets table existed (migration 0007)."""
        return cls(
            KeyMessage=apps.get_model("workshop_sessions", "KeyMessage"),
            Recommendation=apps.get_model("recommendations", "Recommendation"),
            SearchDocument=apps.get_model("core", "SearchDocument"),
            SearchWord=apps.get_model("core", "SearchWord"),
            SearchFacets=apps.get_model("core", "SearchFacets") if facets else None,
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
    # Migrations before the facets table (0003) have no report slugs yet: their facet values stay blank.
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


def _document(models: Models, kind: str, row: tuple) -> Document:
    pk, *values = row
    texts = [text or "" for text in values[: len(FIELDS)]]
    report, session, item_kind, speaker, country = values[len(FIELDS) :]
    body, heading, *context = texts  # the item's own texts, then its talk's, speaker's and session's
    analysed = [analyse(body), analyse(heading), *(analyse_repeated(text) for text in context)]
    document = models.SearchDocument(
        id=document_id(kind, pk),
        **{name: lexemes for name, (lexemes, _) in zip(FIELDS, analysed, strict=True)},
        words=" ".join(sorted(frozenset().union(*(words for _, words in analysed)))),
    )
    facets = models.SearchFacets and models.SearchFacets(
        id=document.id,
        report=report,
        session=f"{report}-{session.lower()}",  # as the search filter spells a session
        kind=item_kind,
        speaker=speaker or "",
        country=country or "",
    )
    return Document(document, facets)


@dataclass(frozen=True)
class Document:
    """An item as indexed: its search document, and its facet values (None before the facets table existed)."""

    text: object
    facets: object | None

    @property
    def id(self) -> int:
        return self.text.id


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
    models = Models.current()
    for using, keys in pending.items():
        _apply(keys, using, models)


def rebuild(using: str = "default", models: Models | None = None) -> int:
    """Index every item from scratch; returns the number of documents."""
    models = models or Models.current()
    with transaction.atomic(using=using):
        for model in (models.SearchDocument, models.SearchFacets, models.SearchWord):
            if model is not None:
                model._base_manager.using(using).all().delete()
        count = 0
        for kind in TYPES:
            for rows in _batches(_sources(models, kind, None, using)):
                documents = [_document(models, kind, row) for row in rows]
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
                document = _document(models, kind, row)
                current[document.id] = document
    texts = models.SearchDocument._base_manager.using(using).filter(id__in=ids)
    facets = {}
    if models.SearchFacets is not None:
        facets = {row.id: row for row in models.SearchFacets._base_manager.using(using).filter(id__in=ids)}
    indexed = {text.id: Document(text, facets.get(text.id)) for text in texts}
    changed = [
        document
        for key, document in current.items()
        if key not in indexed or _fields(indexed[key]) != _fields(document)
    ]
    gone = [indexed[key] for key in indexed.keys() - current.keys()]
    _write(models, using, changed, gone, indexed)


def _fields(document: Document) -> tuple[str, ...]:
    texts = tuple(getattr(document.text, name) for name in (*FIELDS, "words"))
    return texts + (tuple(getattr(document.facets, name) for name in FACETS) if document.facets else ())


def _write(models: Models, using: str, changed: list[Document], gone: list[Document], indexed: dict) -> None:
    """Upsert `changed`, delete `gone`, and move the word counts by the difference."""
    counts: Counter[str] = Counter()
    for document in changed:
        counts.update(document.text.words.split())
        if document.id in indexed:
            counts.subtract(indexed[document.id].text.words.split())
    for document in gone:
        counts.subtract(document.text.words.split())
    tables = [(models.SearchDocument, [*FIELDS, "words"], "text")]
    if models.SearchFacets is not None:
        tables.append((models.SearchFacets, list(FACETS), "facets"))
    for model, fields, part in tables:
        manager = model._base_manager.using(using)
        if changed:
            rows = [getattr(document, part) for document in changed]
            manager.bulk_create(rows, update_conflicts=True, unique_fields=["id"], update_fields=fields, batch_size=BATCH)
        if gone:
            manager.filter(id__in=[document.id for document in gone]).delete()
    deltas = [(word, delta) for word, delta in counts.items() if delta]
    if deltas:
        table = connections[using].ops.quote_name(models.SearchWord._meta.db_table)
        with connections[using].cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (word, documents) VALUES (%s, %s) "
                f"ON CONFLICT (word) DO UPDATE SET documents = {table}.documents + excluded.documents",
                deltas,
            )
            if any(delta < 0 for _, delta in deltas):
                cursor.execute(f"DELETE FROM {table} WHERE documents <= 0")
