"""The page cache (icpermed_kb/web/page_cache.py): a cached page is reused until the data changes, and
every way the data changes — saves, deletes, theme changes, ingestion — shows on the next request."""

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from icpermed_kb.models import DataVersion, Theme, data_version
from icpermed_kb.web.page_cache import PAGE_CACHE
from speakers.models import SessionRole
from tests.factories import build_knowledge_base, save_fields


@pytest.fixture
def built(db):
    knowledge_base = build_knowledge_base(2)
    Theme.objects.create(name="Spare theme", slug="spare-theme")  # on no item yet
    return knowledge_base


def served_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_page_is_rendered_once_then_served_with_one_query(client, built):
    url = built.talks[0].get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert [query["sql"] for query in queries.captured_queries] == [
        'SELECT "core_dataversion"."token" AS "token" FROM "core_dataversion" WHERE "core_dataversion"."id" = 1 '
        'ORDER BY "core_dataversion"."id" ASC LIMIT 1'
    ]
    assert (second.status_code, second.content, second["Content-Type"]) == (200, first.content, first["Content-Type"])


def test_a_cached_page_keeps_its_headers_and_gets_the_security_headers(client, built):
    rendered = client.get("/key-messages.csv")
    cached = client.get("/key-messages.csv")
    assert cached["Content-Type"] == "text/csv; charset=utf-8"
    assert cached["Content-Disposition"] == 'attachment; filename="key-messages.csv"'
    assert sorted(cached.items()) == sorted(rendered.items())  # the middleware's headers (CSP, frames…) too


def edit_text(built):
    save_fields(built.messages[0], text="Rewritten by an editor")


def moderator_role(built):
    return SessionRole.objects.filter(speaker=built.speakers[0], role="moderator").get()


# Each write, as a name and what it does; every one changes the export.
WRITES = {
    "edit key message": edit_text,
    "delete key message": lambda built: built.messages[0].delete(),
    "add theme": lambda built: built.messages[0].themes.add(Theme.objects.get(slug="spare-theme")),
    "remove theme": lambda built: built.messages[0].themes.remove(built.themes[0]),
    "set themes": lambda built: built.messages[0].themes.set([built.themes[1]]),
    "clear themes": lambda built: built.messages[0].themes.clear(),
    "rename theme": lambda built: save_fields(built.themes[0], name="Renamed theme"),
    "delete theme": lambda built: built.themes[0].delete(),
    "rename speaker": lambda built: save_fields(built.speakers[0], name="Another Name"),
    "change role": lambda built: save_fields(moderator_role(built), affiliation="A new affiliation"),
    "retitle talk": lambda built: save_fields(built.talks[0], title="A new title"),
    "retitle session": lambda built: save_fields(built.sessions[0], title="A new session title"),
    "edit recommendation": lambda built: save_fields(built.recommendations[0], text="A new recommendation"),
    "move report": lambda built: save_fields(built.report, place="Rome, Italy"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_kind_of_write_shows_on_the_next_request(client, built, write):
    url = "/export.json"  # every item, theme, speaker, role and the report, so every write changes it
    before = client.get(url).content
    WRITES[write](built)
    after = client.get(url).content
    caches[PAGE_CACHE].clear()
    assert after == client.get(url).content  # what a fresh rendering gives
    assert after != before


def speaker_choices(client, url: str) -> list[str]:
    return [value["label"] for value in client.get(url).json()["facets"]["speaker"]]


def test_a_lists_filter_choices_are_read_once_per_data_version(client, built):
    """The key-message list's choices (speakers, countries, reports and sessions, themes: four queries)
    are derived once per data version: another list page of the same version reads none of them and
    shows what a fresh rendering shows; after a write they are read again."""
    first = served_queries(client, "/key-messages/")
    assert served_queries(client, "/key-messages/?kind=presentation") == first - 4
    reused = client.get("/key-messages/?kind=panel").content
    caches[PAGE_CACHE].clear()  # the page and the choices with it
    assert client.get("/key-messages/?kind=panel").content == reused
    old_name, names = built.speakers[0].name, speaker_choices(client, "/key-messages.json")
    assert old_name in names
    save_fields(built.speakers[0], name="Zoe Renamed")  # last in name order
    assert speaker_choices(client, "/key-messages.json?kind=presentation") == [
        *(name for name in names if name != old_name),
        "Zoe Renamed",
    ]


def test_a_rolled_back_write_keeps_the_cached_pages(client, built):
    url = built.talks[0].get_absolute_url()
    client.get(url)
    token = data_version.current_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        edit_text(built)
        raise RuntimeError("the editor's transaction fails")
    assert data_version.current_token() == token
    assert served_queries(client, url) == 1


def test_a_bump_after_a_rollback_never_reuses_a_token(built):
    seen = {data_version.current_token()}
    for _ in range(3):
        with pytest.raises(RuntimeError), transaction.atomic():
            data_version.bump()
            seen.add(data_version.current_token())
            raise RuntimeError
        data_version.bump()
        seen.add(data_version.current_token())
    assert len(seen) == 7


def test_deferred_bumps_write_the_version_once(built):
    with CaptureQueriesContext(connection) as queries, data_version.deferred_bump():
        for message in built.messages:
            message.text += " (revised)"
            message.save()
    updates = [query["sql"] for query in queries.captured_queries if query["sql"].startswith('UPDATE "core_dataversion"')]
    assert len(updates) == 1


def test_failing_deferred_block_does_not_bump(built):
    token = data_version.current_token()
    with pytest.raises(RuntimeError), data_version.deferred_bump():
        data_version.bump()
        raise RuntimeError
    assert data_version.current_token() == token


def test_json_twins_are_cached_per_host(client, built, settings):
    settings.ALLOWED_HOSTS = ["a.example.org", "b.example.org"]
    first = client.get("/index.json", HTTP_HOST="a.example.org").json()["report"]["pdf"]
    second = client.get("/index.json", HTTP_HOST="b.example.org").json()["report"]["pdf"]
    assert (first, second) == ("http://a.example.org/reports/2023-siena/report.pdf", "http://b.example.org/reports/2023-siena/report.pdf")


def test_each_query_string_is_its_own_page(client, built):
    client.get("/key-messages/")
    filtered = client.get("/key-messages/", {"theme": built.themes[0].slug, "kind": "panel"})
    assert filtered.context["count"] == len(built.panel_items)


@pytest.mark.parametrize("url", ["/speakers/nobody/", "/key-messages/?kind=nonsense", "/key-messages.json?kind=nonsense"])
def test_errors_are_not_cached(client, built, url):
    first = client.get(url)
    assert first.status_code in (400, 404)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == first.status_code
    assert len(queries) > 1  # rendered again


def test_without_a_version_row_pages_are_rendered_each_time_until_the_next_write(client, built):
    url = built.talks[0].get_absolute_url()
    DataVersion.objects.all().delete()
    client.get(url)
    assert served_queries(client, url) > 1
    WRITES["retitle talk"](built)
    client.get(url)
    assert served_queries(client, url) == 1


def test_the_health_check_always_asks_the_database(client, built):
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert [query["sql"] for query in queries.captured_queries] == ["SELECT 1"]


def test_every_public_model_is_connected(built):
    """A model added to the public apps (or the themes) changes the version when saved or deleted."""
    from django.apps import apps
    from django.db.models.signals import post_delete

    public = [
        model
        for label in ("workshop_sessions", "speakers", "recommendations")
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ] + [Theme]
    assert sorted(model.__name__ for model in public) == sorted(
        ["Report", "ReportFile", "Session", "Talk", "KeyMessage", "Speaker", "SessionRole", "Recommendation", "Theme"]
    )
    from sessions.models import ReportFile

    ReportFile.objects.create(report=built.report, sha256="0" * 64, content=b"%PDF-")
    for model in public:
        instance = model.objects.first()
        token = data_version.current_token()
        instance.save()
        assert data_version.current_token() != token, f"saving a {model.__name__}"
        with transaction.atomic():
            token = data_version.current_token()
            post_delete.send(sender=model, instance=instance, using="default", origin=instance)
            assert data_version.current_token() != token, f"deleting a {model.__name__}"
            transaction.set_rollback(True)


def test_the_pages_cache_is_the_shared_redis_when_cache_url_is_set(client, built):
    """.ci/run runs this file again with CACHE_URL pointing at a real redis-server: then every page is
    stored there (under the data version), where every server sharing it finds it."""
    import os

    cache_url = os.environ.get("CACHE_URL")
    backend = caches[PAGE_CACHE]
    if not cache_url:
        assert type(backend).__name__ == "LocMemCache"
        return
    import redis

    assert (type(backend).__name__, backend._servers) == ("RedisCache", [cache_url])
    backend.clear()
    url = built.talks[0].get_absolute_url()
    client.get(url)
    token = data_version.current_token()
    stored = {key.decode() for key in redis.Redis.from_url(cache_url).keys("icpermed-kb:*")}
    assert {key.split(":")[3] for key in stored} == {"last-token", token}  # icpermed-kb:1:page:<token>:<url hash>
    assert len(stored) == 2
