"""A database outage is not an error storm (issue 15, item 5), on both engines.

The outage is real: the test's database connection is closed and pointed where no database
answers (PostgreSQL: a port nothing listens on, so connecting is refused as when the server is
stopped; SQLite: a file in a directory that does not exist), so every query raises what Django
raises when the database is gone. Cached pages are still served, the rest answer the styled 503
with Retry-After, the log has one line for the outage instead of a traceback per request, and
the site recovers by itself.
"""

import logging
import socket
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.db import connection

from icpermed_kb.web import outage
from icpermed_kb.web.page_cache import PAGE_CACHE
from tests.factories import build_knowledge_base, save_fields


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: nothing listens there


@contextmanager
def database_down():
    """Until the block ends, every connection attempt fails as when the database server is stopped."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/knowledge-base.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(unused_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def built(transactional_db):
    caches[PAGE_CACHE].clear()
    yield build_knowledge_base(1)
    caches[PAGE_CACHE].clear()
    outage.database.answered()  # a test that failed midway leaves no outage behind


def test_cached_pages_are_served_and_the_rest_answer_the_styled_503(client, admin_client, built):
    talk = built.talks[0].get_absolute_url()
    cached = {url: client.get(url) for url in (talk, f"/talks/{built.talks[0].pk}.json", "/key-messages.csv")}
    with database_down():
        again = {url: client.get(url) for url in cached}
        uncached = client.get(f"/speakers/{built.speakers[0].slug}/")
        uncached_json = client.get("/recommendations.json")
        admin = admin_client.get("/admin/")  # its session and user are in the database
        healthz = client.get("/healthz")
    assert {url: (r.status_code, r.content) for url, r in again.items()} == {
        url: (200, r.content) for url, r in cached.items()
    }
    assert again["/key-messages.csv"]["Content-Type"] == "text/csv; charset=utf-8"
    assert (uncached.status_code, uncached["Retry-After"], uncached["Content-Type"]) == (503, "5", "text/html; charset=utf-8")
    page = uncached.content.decode()
    assert "<h1>Briefly unavailable</h1>" in page
    assert 'class="site-header"' in page and "/static/css/site.css" in page  # the site's own page
    assert (uncached_json.status_code, uncached_json.json()) == (503, {"status": "unavailable", "retry_after": 5})
    assert (admin.status_code, admin["Retry-After"]) == (503, "5")
    assert (healthz.status_code, healthz.json()["status"], healthz["Retry-After"]) == (503, "unavailable", "5")


def test_an_outage_is_one_log_line_and_recovery_another(admin_client, built, caplog):
    client = admin_client
    talk = built.talks[0].get_absolute_url()
    client.get(talk)
    caplog.set_level(logging.INFO)
    with database_down():
        statuses = [client.get(url).status_code for _ in range(10) for url in (talk, "/speakers/", "/healthz", "/admin/")]
    assert statuses == [200, 503, 503, 503] * 10
    during = [(record.name, record.levelname, record.exc_info) for record in caplog.records]
    assert [(name, level) for name, level, _ in during] == [("icpermed_kb.web.outage", "ERROR")]
    assert during[0][2] is None  # no traceback
    assert caplog.records[0].getMessage().startswith("database unavailable (OperationalError: ")

    caplog.clear()
    assert client.get(talk).status_code == 200
    assert [(r.name, r.levelname, r.getMessage().split(" after ")[0]) for r in caplog.records] == [
        ("icpermed_kb.web.outage", "WARNING", "database available again")
    ]
    assert caplog.records[0].getMessage().endswith("(40 requests met the outage)")


def test_the_site_recovers_by_itself_and_shows_new_data_at_once(client, built):
    talk = built.talks[0].get_absolute_url()
    client.get(talk)
    with database_down():
        assert client.get(talk).status_code == 200
    save_fields(built.talks[0], title="Retitled after the outage")
    assert "Retitled after the outage" in client.get(talk).content.decode()


def test_a_page_cache_that_cannot_be_reached_only_means_rendering(client, built, settings, caplog):
    """A shared cache (Redis) that is down: pages are rendered without it, and that is logged once."""
    settings.CACHES = {
        **settings.CACHES,
        PAGE_CACHE: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{unused_port()}/0"},
    }
    caplog.set_level(logging.INFO)
    talk = built.talks[0].get_absolute_url()
    responses = [client.get(talk) for _ in range(5)]
    assert [r.status_code for r in responses] == [200] * 5
    assert len({r.content for r in responses}) == 1
    assert [(r.name, r.levelname, r.getMessage().split(" (")[0]) for r in caplog.records] == [
        ("icpermed_kb.web.outage", "ERROR", "page cache unavailable")
    ]
    outage.page_cache.answered()
