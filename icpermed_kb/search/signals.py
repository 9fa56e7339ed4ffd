"""Signal receivers that keep the index in step with every save and delete (admin, loader, shell).

What an item's document holds, and so what must be reindexed when it changes:
key message — its text, group and kind, its talk's title, the talk speaker's name, slug and country, its
session's title and numeral (and report, whose slug never changes); recommendation — its text, lead-in
and kind, its session's title and numeral. Deleting a talk or a session
cascades to its items, and Django sends post_delete for each of them. Bulk operations
(QuerySet.update, bulk_create, raw SQL) send no signals: after one, call index.reindex() for the
items it touched, or index.rebuild(), and data_version.bump() (icpermed_kb/models/data_version.py) so no cached page shows the old data.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .index import KEY_MESSAGE, RECOMMENDATION, reindex


def _relevant(update_fields, fields: set[str]) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


def _message_saved(sender, instance, update_fields=None, using="default", **kwargs):
    if _relevant(update_fields, {"text", "group", "kind", "talk", "talk_id", "session", "session_id"}):
        reindex([(KEY_MESSAGE, instance.pk)], using)


def _recommendation_saved(sender, instance, update_fields=None, using="default", **kwargs):
    if _relevant(update_fields, {"text", "lead", "kind", "session", "session_id"}):
        reindex([(RECOMMENDATION, instance.pk)], using)


def _message_deleted(sender, instance, using="default", **kwargs):
    reindex([(KEY_MESSAGE, instance.pk)], using)


def _recommendation_deleted(sender, instance, using="default", **kwargs):
    reindex([(RECOMMENDATION, instance.pk)], using)


def _talk_saved(sender, instance, created=False, update_fields=None, using="default", **kwargs):
    if not created and _relevant(update_fields, {"title", "speaker", "speaker_id"}):
        from sessions.models import KeyMessage

        ids = KeyMessage._base_manager.using(using).filter(talk_id=instance.pk).values_list("id", flat=True)
        reindex([(KEY_MESSAGE, pk) for pk in ids], using)


def _speaker_saved(sender, instance, created=False, update_fields=None, using="default", **kwargs):
    if not created and _relevant(update_fields, {"name", "slug", "country"}):
        from sessions.models import KeyMessage

        ids = KeyMessage._base_manager.using(using).filter(talk__speaker_id=instance.pk).values_list("id", flat=True)
        reindex([(KEY_MESSAGE, pk) for pk in ids], using)


def _session_saved(sender, instance, created=False, update_fields=None, using="default", **kwargs):
    if not created and _relevant(update_fields, {"title", "number"}):
        from recommendations.models import Recommendation
        from sessions.models import KeyMessage

        messages = KeyMessage._base_manager.using(using).filter(session_id=instance.pk).values_list("id", flat=True)
        recommendations = (
            Recommendation._base_manager.using(using).filter(session_id=instance.pk).values_list("id", flat=True)
        )
        reindex([(KEY_MESSAGE, pk) for pk in messages] + [(RECOMMENDATION, pk) for pk in recommendations], using)


def connect() -> None:
    """Connect the receivers (called once, from CoreConfig.ready)."""
    from recommendations.models import Recommendation
    from sessions.models import KeyMessage, Session, Talk
    from speakers.models import Speaker

    uid = "icpermed_kb.search"
    post_save.connect(_message_saved, sender=KeyMessage, dispatch_uid=f"{uid}.message_saved")
    post_delete.connect(_message_deleted, sender=KeyMessage, dispatch_uid=f"{uid}.message_deleted")
    post_save.connect(_recommendation_saved, sender=Recommendation, dispatch_uid=f"{uid}.recommendation_saved")
    post_delete.connect(_recommendation_deleted, sender=Recommendation, dispatch_uid=f"{uid}.recommendation_deleted")
    post_save.connect(_talk_saved, sender=Talk, dispatch_uid=f"{uid}.talk_saved")
    post_save.connect(_speaker_saved, sender=Speaker, dispatch_uid=f"{uid}.speaker_saved")
    post_save.connect(_session_saved, sender=Session, dispatch_uid=f"{uid}.session_saved")


def after_migrate(sender, using="default", **kwargs):
    """post_migrate: put back SQLite triggers that a table rebuild dropped (see schema.py)."""
    from django.db import connections

    from .schema import ensure_sqlite_triggers

    ensure_sqlite_triggers(connections[using])
