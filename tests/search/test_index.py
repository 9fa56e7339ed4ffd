"""The index itself: the lexemes both engines hold, the word list, deferral, rebuilds, and SQLite's triggers."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from icpermed_kb.models.search_index import SearchDocument, SearchWord
from icpermed_kb.search import index
from icpermed_kb.search.schema import FTS_TABLE, SQLITE_TRIGGERS
from icpermed_kb.search.text import lexemes

from .conftest import KB, key

TRICKY = [
    "COVID-19 and e-mail a@b.com at https://www.icpermed.eu/en/page 3.5 mg, 1e5 0x1f T1D",
    "Straße Æsthetic Søren Łódź İstanbul ٣ ½ ﬁrst Ⅻ naïve café",
    "technology technological as is us vs ms ay ies eed skies news",
    "中文 検索 αβγ Ωmega ǅ don't patients’ real-life",
]


def indexed_body(document_id: int) -> list[str]:
    """The body lexemes the engine holds for a document, in position order."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, {FTS_TABLE}, instance)"
            )
            cursor.execute(
                "SELECT term FROM temp.vocab WHERE doc = %s AND col = 'body' ORDER BY \"offset\"", [document_id]
            )
        else:
            cursor.execute(
                "SELECT u.lexeme FROM core_searchdocument d, unnest(d.vector) u, "
                "unnest(u.positions, u.weights) AS p(position, weight) WHERE d.id = %s AND p.weight = 'A' ORDER BY p.position",
                [document_id],
            )
        return [term for (term,) in cursor.fetchall()]


@pytest.mark.django_db
def test_both_engines_hold_exactly_the_lexemes_of_text_py(kb):
    for text in TRICKY:
        message = kb.message(text)
        assert indexed_body(index.document_id(*key(message))) == lexemes(text).split(), text


@pytest.mark.django_db
def test_the_word_list_counts_documents(kb):
    first = kb.message("Biobanks and biobanks.")
    kb.message("Biobanks again.")

    def count(word):
        return SearchWord.objects.filter(word=word).values_list("documents", flat=True).first()

    assert count("biobanks") == 2 and count("again") == 1
    first.text = "Registries."
    first.save()
    assert count("biobanks") == 1 and count("registries") == 1
    first.delete()
    assert count("registries") is None


@pytest.mark.django_db
def test_deferred_indexing_writes_once_at_the_end(kb, engine):
    with index.deferred():
        message = kb.message("Deferred words.")
        with index.deferred():
            kb.message("Nested deferral.")
        assert engine.search("deferred") == [] and engine.search("nested") == []
    assert [hit.id for hit in engine.search("deferred")] == [message.id]
    assert len(engine.search("nested")) == 1
    with pytest.raises(RuntimeError), index.deferred():
        kb.message("Never indexed.")
        raise RuntimeError
    assert engine.search("never") == []


def test_what_a_deferral_collected_can_be_indexed_before_it_ends(kb, engine):
    index.index_collected()  # outside a deferral: nothing collected, nothing to do
    with index.deferred():
        first = kb.message("Collected words.")
        index.index_collected()
        assert [hit.id for hit in engine.search("collected")] == [first.id]
        second = kb.message("Later words.")
        assert engine.search("later") == []  # collected again, for the end of the block
        with CaptureQueriesContext(connection) as queries:
            index.index_collected()
            index.index_collected()  # the first call took everything collected
        documents_read = [query for query in queries if query["sql"].startswith('SELECT') and "core_searchdocument" in query["sql"]]
        assert len(documents_read) == 1
    assert [hit.id for hit in engine.search("later")] == [second.id]
    assert [hit.id for hit in engine.search("collected")] == [first.id]


@pytest.mark.django_db
def test_saves_that_change_no_indexed_text_write_nothing_to_the_index(kb):
    message = kb.message("Stable text.")
    message.page = 7
    with CaptureQueriesContext(connection) as queries:
        message.save(update_fields=["page"])
    assert [query for query in queries if "core_search" in query["sql"]] == []  # not even read
    with CaptureQueriesContext(connection) as queries:
        message.save()
    touched = [query["sql"] for query in queries if "core_search" in query["sql"]]
    # Compared (the document, then its facet values), found equal, not written.
    assert len(touched) == 2 and all(sql.startswith("SELECT") for sql in touched)


@pytest.mark.django_db
def test_facet_values_follow_the_items_and_their_speakers(kb):
    """The search page counts and filters by SearchFacets: a kind, a speaker's country or a session's numeral
    changed in the admin is what the next search counts."""
    from icpermed_kb.models import SearchFacets

    message = kb.message("Facets follow edits.", talk=kb.talk("A talk"))
    document = index.document_id(index.KEY_MESSAGE, message.pk)

    def facets():
        row = SearchFacets.objects.select_related("combination").get(id=document).combination
        return (row.report, row.session, row.kind, row.speaker, row.country)

    speaker = message.talk.speaker
    report = message.session.report.slug
    assert report == "2023-siena"
    assert facets() == (report, f"2023-siena-{message.session.number.lower()}", "overall", speaker.slug, "")
    message.kind = "discussion"
    message.save(update_fields=["kind"])
    speaker.country = "Portugal"
    speaker.save(update_fields=["country"])
    message.session.number = "XIV"
    message.session.save(update_fields=["number"])
    assert facets() == (report, f"{report}-xiv", "discussion", speaker.slug, "Portugal")
    message.delete()
    assert SearchFacets.objects.filter(id=document).exists() is False


@pytest.mark.django_db
def test_rebuild_gives_what_the_signals_gave(ingested):
    def snapshot():
        return (
            sorted(SearchDocument.objects.values_list("id", "body", "heading", "title", "people", "session", "words")),
            sorted(SearchWord.objects.values_list("word", "documents")),
        )

    before = snapshot()
    assert index.rebuild() == len(before[0]) == 291
    assert snapshot() == before


@pytest.mark.django_db
def test_after_a_rebuild_the_index_follows_edits(kb, engine):
    """On SQLite a rebuild drops the FTS triggers and indexes once at the end: they must be back."""
    message = kb.message("Written before the rebuild.")
    assert index.rebuild() == 1
    assert [hit.id for hit in engine.search("before")] == [message.id]
    message.text = "Edited after the rebuild."
    message.save()
    assert engine.search("before") == []
    assert [hit.id for hit in engine.search("edited")] == [message.id]
    other = kb.message("Added after the rebuild.")
    assert [hit.id for hit in engine.search("added")] == [other.id]


@pytest.mark.django_db
def test_index_writes_stay_within_the_databases_parameter_limit(kb, engine, monkeypatch):
    messages = [kb.message(f"Message {number} about the limit.") for number in range(5)]
    # Two rows' worth of parameters. A property on SQLite, a (cached) attribute on PostgreSQL.
    monkeypatch.setattr(type(connection.features), "max_query_params", 2 * len(index.TEXT_COLUMNS))
    monkeypatch.delitem(vars(connection.features), "max_query_params", raising=False)
    with CaptureQueriesContext(connection) as queries:
        assert index.rebuild() == 5
    writes = [query["sql"] for query in queries.captured_queries if query["sql"].startswith('INSERT INTO "core_searchdocument"')]
    assert [sql.count("), (") + 1 for sql in writes] == [2, 2, 1]
    assert sorted(hit.id for hit in engine.search("limit")) == sorted(message.id for message in messages)


@pytest.mark.django_db
def test_a_failed_rebuild_changes_nothing(kb, engine, monkeypatch):
    message = kb.message("Kept through the failed rebuild.")

    def failing_write(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index, "_write", failing_write)  # after the documents were deleted, before any is written
    with pytest.raises(RuntimeError, match="disk full"):
        index.rebuild()
    monkeypatch.undo()
    assert [hit.id for hit in engine.search("kept")] == [message.id]
    message.text = "Changed after the failed rebuild."
    message.save()
    assert engine.search("kept") == []
    assert [hit.id for hit in engine.search("changed")] == [message.id]


@pytest.mark.django_db
def test_the_migration_builds_the_index_from_existing_items(kb, engine):
    message = kb.message("Indexed by the migration.")
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()
    assert engine.search("migration") == []
    migration = importlib.import_module("icpermed_kb.migrations.0003_search")
    state = MigrationExecutor(connection).loader.project_state(("core", "0003_search"))
    migration.build_index(state.apps, SimpleNamespace(connection=connection))
    assert [hit.id for hit in engine.search("migration")] == [message.id]


@pytest.mark.django_db(transaction=True)
def test_the_index_survives_a_table_rebuild_of_its_documents(engine):
    """Django rebuilds a SQLite table to alter a column, which drops its triggers: migrate puts them back."""
    kb = KB()
    message = kb.message("Before the rebuild.")
    field = SearchDocument._meta.get_field("words")
    nullable = models.TextField(blank=True, null=True)
    nullable.set_attributes_from_name("words")
    nullable.model = SearchDocument
    try:
        with connection.schema_editor() as editor:
            editor.alter_field(SearchDocument, field, nullable)
        if connection.vendor == "sqlite":
            assert _triggers() == set()  # the rebuild dropped them
        message.text = "Changed while the triggers were missing."
        message.save()
        call_command("migrate", verbosity=0)  # post_migrate restores the triggers and resynchronises
        assert _triggers() == (set(SQLITE_TRIGGERS) if connection.vendor == "sqlite" else set())
        assert [hit.id for hit in engine.search("missing")] == [message.id]
        assert engine.search("before") == []
        message.text = "After the rebuild."
        message.save()
        assert [hit.id for hit in engine.search("after")] == [message.id]
        message.delete()
        assert engine.search("after") == []
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(SearchDocument, nullable, field)
        call_command("migrate", verbosity=0)


def _triggers() -> set[str]:
    if connection.vendor != "sqlite":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_searchdocument'")
        return {name for (name,) in cursor.fetchall()}
