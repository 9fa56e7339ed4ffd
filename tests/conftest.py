"""Shared fixtures: the bundled report, parsed once, and its hand-checked transcription."""

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORT_PDF = ROOT / "fixtures" / "icpermed-workshop-2023-siena.pdf"
TRANSCRIPTION = ROOT / "fixtures" / "transcription.json"
RENDERINGS = ROOT / "fixtures" / "renderings"

# Benchmarks are scripts run by hand (their results are committed), not tests.
collect_ignore_glob = ["benchmarks/*"]


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL", "")
    return f"database: {url.split('@')[-1] if url else 'SQLite (default)'}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file rather than in memory: the overlap tests
    (tests/admin/test_overlap.py) run an ingestion in another process against it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith(".sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


def test_database_url() -> str:
    """The test database as a DATABASE_URL, for another process (an ingestion, a server) to use."""
    from urllib.parse import quote

    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    credentials = f"{quote(settings['USER'], safe='')}:{quote(settings['PASSWORD'], safe='')}"
    return f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def report_bytes() -> bytes:
    return REPORT_PDF.read_bytes()


@pytest.fixture(scope="session")
def parsed_report(report_bytes):
    from icpermed_kb.ingest.parser import parse_document
    from icpermed_kb.ingest.pdf_text import read_document

    return parse_document(read_document(report_bytes))


@pytest.fixture(scope="session")
def transcription() -> dict:
    return json.loads(TRANSCRIPTION.read_text(encoding="utf-8"))


@pytest.fixture
def ingested(db):
    """The bundled report ingested into the test database."""
    from icpermed_kb.ingest.pipeline import ingest

    return ingest(REPORT_PDF)
