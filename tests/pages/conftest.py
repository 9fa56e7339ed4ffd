"""The bundled report, ingested once for a whole test module (pages only read it)."""

import pytest
from django.core.management import call_command

from tests.conftest import REPORT_PDF


@pytest.fixture(scope="module")
def report_site(django_db_setup, django_db_blocker):
    """Ingest the report once per module; the tests' own transactions roll back on top of it."""
    from icpermed_kb.ingest.pipeline import ingest

    with django_db_blocker.unblock():
        ingest(REPORT_PDF)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def kb(report_site, db):
    """The ingested report, inside a test transaction."""
    from sessions.models import Report

    return Report.objects.get()
