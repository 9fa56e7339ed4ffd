"""The production configuration: start-up refusals, `check --deploy`, security headers, health check."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError

from tests.conftest import ROOT
from tests.factories import build_knowledge_base
from tests.pages.test_query_counts import page_urls

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-test-secret-key-that-is-long-and-random-enough-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "kb.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_the_documented_production_setup():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert (result.returncode, result.stdout.strip()) == (0, "System check identified no issues (0 silenced).")


def test_check_deploy_warns_behind_a_tls_proxy_without_trusted_proxies():
    behind = PRODUCTION | {"DJANGO_BEHIND_TLS_PROXY": "true"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **behind)
    assert result.returncode == 1
    assert "(icpermed_kb.W001) DJANGO_BEHIND_TLS_PROXY is on but DJANGO_TRUSTED_PROXIES is empty" in result.stderr
    trusted = manage("check", "--deploy", "--fail-level", "WARNING", **behind, DJANGO_TRUSTED_PROXIES="127.0.0.1")
    assert (trusted.returncode, trusted.stdout.strip()) == (0, "System check identified no issues (0 silenced).")


@pytest.mark.parametrize(
    "missing, message",
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off (comma-separated host names)"),
    ],
)
def test_production_refuses_to_start_without_a_secret_or_hosts(missing, message):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"django.core.exceptions.ImproperlyConfigured: {message}"


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def test_every_response_carries_the_security_headers(client, db):
    built = build_knowledge_base(1)
    urls = [*page_urls(built).values(), "/talks/999999/", "/admin/login/", "/healthz", "/report.pdf", "/reports/2023-siena/report.pdf", "/static/css/site.css"]
    for url in urls:
        response = client.get(url)
        headers = {
            name: response.get(name)
            for name in ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options", "Cross-Origin-Opener-Policy")
        }
        assert headers == {
            "Content-Security-Policy": CSP,
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
        }, url


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": os.environ.get("DATABASE_URL", "sqlite").split(":")[0].replace("postgres", "postgresql")})


def test_healthz_is_503_when_the_database_does_not_answer(client, db):
    with mock.patch("icpermed_kb.web.views.site.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "database": "unreachable"})


def test_templates_have_no_inline_scripts_or_styles():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "<style" in text or " style=" in text or "<script>" in text or " on" + "click=" in text or "<script " in text:
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("postgres://kb:secret@127.0.0.1:5432/kb", {"options": "-c random_page_cost=1.1"}),
        # The URL's own options replace the default.
        ("postgres://kb:secret@127.0.0.1:5432/kb?options=-c%20random_page_cost%3D2", {"options": "-c random_page_cost=2"}),
    ],
)
def test_postgresql_connections_plan_for_data_in_memory_unless_the_url_says_otherwise(url, options):
    """random_page_cost 1.1: a search's 1,800 hits are looked up in the facets table rather than all of it hashed."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "icpermed_kb.settings", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, str(options), "")


@pytest.mark.django_db
def test_the_postgresql_connection_has_that_cost():
    """What the server was told, read back from it (on PostgreSQL; SQLite has no planner costs)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's planner has no page costs")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
