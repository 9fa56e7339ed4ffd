"""Two writers indexing a new combination of facet values at once share one row (index._combination_ids)."""

import threading

import pytest
from django.db import connection, transaction

from icpermed_kb.models import SearchFacetCombination
from icpermed_kb.search import index

pytestmark = pytest.mark.django_db(transaction=True)

NEW = ("2023-siena", "2023-siena-ix", "presentation", "a-new-speaker", "Malta")


def test_a_writer_adding_a_combination_another_is_adding_waits_and_gets_the_same_row():
    models = index.Models.current()
    first_added, first_may_commit = threading.Event(), threading.Event()
    found: dict[str, dict] = {}
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                found["first"] = index._combination_ids(models, "default", {NEW})
                first_added.set()
                first_may_commit.wait(10)  # the row is added, not committed yet
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            first_added.set()
            connection.close()

    def second():
        try:
            with transaction.atomic():
                found["second"] = index._combination_ids(models, "default", {NEW})
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    writers = [threading.Thread(target=first), threading.Thread(target=second)]
    writers[0].start()
    assert first_added.wait(10)
    writers[1].start()
    writers[1].join(0.5)
    waited = writers[1].is_alive()  # PostgreSQL: on the unique index; SQLite: for the write lock
    first_may_commit.set()
    for writer in writers:
        writer.join(20)
    assert (errors, waited) == ([], True)
    row = SearchFacetCombination.objects.get(
        report=NEW[0], session=NEW[1], kind=NEW[2], speaker=NEW[3], country=NEW[4]
    )
    assert found == {"first": {NEW: row.id}, "second": {NEW: row.id}}
    assert SearchFacetCombination.objects.filter(speaker=NEW[3]).count() == 1
