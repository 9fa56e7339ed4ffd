"""Each item's `theme_list` (ThemedQuerySet.with_themes, attach_themes): the themes as tagged, in one query."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from icpermed_kb.models import Theme, ThemedItem, attach_themes
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Session, Talk
from tests.factories import build_knowledge_base

pytestmark = pytest.mark.django_db


def slugs(item) -> list[str]:
    return [theme.slug for theme in item.theme_list]


def tag(item, *themes: Theme) -> None:
    """Tag `item` with `themes`, one row each, in this order."""
    for theme in themes:
        ThemedItem.objects.create(content_type=ContentType.objects.get_for_model(item), object_id=item.pk, tag=theme)


def test_an_items_themes_come_in_vocabulary_order_however_they_were_tagged():
    built = build_knowledge_base(1)
    message = built.messages[0]
    ThemedItem.objects.all().delete()
    zeroth, first, second = (Theme.objects.create(name=f"Added {i}", slug=f"added-{i}", order=i) for i in range(3))
    same_place = Theme.objects.create(name="Added 1 too", slug="added-1-too", order=1)  # by name after "Added 1"
    tag(message, second, same_place, zeroth, first)
    assert slugs(KeyMessage.objects.with_themes().get(pk=message.pk)) == ["added-0", "added-1", "added-1-too", "added-2"]


def test_items_of_different_types_with_the_same_id_keep_their_own_themes():
    alpha, beta, gamma = (Theme.objects.create(name=name, slug=name.lower()) for name in ("Alpha", "Beta", "Gamma"))
    items = [Talk(pk=7), KeyMessage(pk=7), Recommendation(pk=7)]  # the same id in three tables
    tag(items[0], alpha)
    tag(items[1], gamma, beta)
    tag(KeyMessage(pk=8), alpha)
    with CaptureQueriesContext(connection) as queries:
        attach_themes(items)
    assert (len(queries), [slugs(item) for item in items]) == (1, [["alpha"], ["beta", "gamma"], []])


def test_one_theme_is_one_instance_with_only_what_the_pages_read_loaded():
    built = build_knowledge_base(2)
    messages = list(KeyMessage.objects.filter(talk__isnull=False).with_themes().order_by("id"))
    first, second = messages[0].theme_list, messages[1].theme_list
    assert [theme.slug for theme in first] == ["theme-0", "theme-1"]
    assert [theme is other for theme, other in zip(first, second, strict=True)] == [True, True]
    assert first[0].get_deferred_fields() == {field.attname for field in Theme._meta.concrete_fields} - {"id", "name", "slug"}
    with CaptureQueriesContext(connection) as queries:
        description = first[0].description  # not loaded: read on demand, as any deferred field
    assert (description, len(queries)) == (built.themes[0].description, 1)


@pytest.mark.parametrize(("n", "queries"), [(1, 2), (3, 2)])
def test_a_list_of_items_takes_one_query_for_its_themes_however_many(n, queries):
    build_knowledge_base(n)
    with CaptureQueriesContext(connection) as captured:
        messages = list(KeyMessage.objects.with_themes())
    assert (len(captured), [len(slugs(message)) for message in messages]) == (queries, [n] * len(messages))


def test_a_nested_prefetch_of_themed_items_gets_their_themes_in_one_query_per_level():
    build_knowledge_base(2)
    sessions = Session.objects.prefetch_related(
        Prefetch("talks", queryset=Talk.objects.with_themes().order_by("order")),
        Prefetch("talks__key_messages", queryset=KeyMessage.objects.with_themes().order_by("order")),
    ).order_by("id")
    with CaptureQueriesContext(connection) as captured:
        fetched = list(sessions)
    talks = [talk for session in fetched for talk in session.talks.all()]
    messages = [message for talk in talks for message in talk.key_messages.all()]
    # sessions, talks, the talks' themes, key messages, their themes
    assert (len(captured), len(talks), len(messages)) == (5, 4, 8)
    assert [slugs(item) for item in (*talks, *messages)] == [["theme-0", "theme-1"]] * 12


def test_more_items_than_one_statement_takes_are_read_in_batches():
    built = build_knowledge_base(1)
    session, theme = built.sessions[0], built.themes[0]
    KeyMessage.objects.bulk_create(
        KeyMessage(session=session, kind="panel", text=f"Bulk {i}", order=100 + i, page=1) for i in range(1500)
    )
    bulk = list(KeyMessage.objects.filter(text__startswith="Bulk ").order_by("id"))
    tagged = bulk[::2]
    types = ContentType.objects.get_for_model(KeyMessage)
    ThemedItem.objects.bulk_create(ThemedItem(content_type=types, object_id=item.pk, tag=theme) for item in tagged)
    with CaptureQueriesContext(connection) as captured:
        attach_themes(bulk)
    assert len(captured) == 2  # 1,000 items per statement
    assert [slugs(item) for item in bulk] == [["theme-0"] if index % 2 == 0 else [] for index in range(1500)]


def test_values_and_counts_are_not_themed():
    build_knowledge_base(1)
    with CaptureQueriesContext(connection) as captured:
        rows = list(KeyMessage.objects.with_themes().values_list("id", flat=True).order_by("id"))
        count = KeyMessage.objects.with_themes().count()
    assert (len(captured), len(rows), count) == (2, 2, 2)
