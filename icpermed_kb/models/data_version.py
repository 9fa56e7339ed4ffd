"""The data version: one row whose token changes with every write to what the public pages show.

The page cache (icpermed_kb/web/page_cache.py) keys every rendered page on this token, so a
cached page is never stale. The token is replaced in the write's own transaction: the receivers
below follow saves and deletes of the knowledge base's models (admin, shell) and theme changes
through taggit; the loader, whose bulk operations send no signals, bumps it once at the end of an
ingestion (`deferred_bump()` collects the receivers' bumps meanwhile). It also follows the deleted
items (Tombstone), which no page shows but which decide what an ingestion restores: the ingestion's
short cut for a file already loaded (models/ingestions.py) trusts that any write an ingestion would
see has changed the token.

A random token rather than a counter: a rolled-back transaction followed by another write must
never bring back a token whose cached pages showed the rolled-back data.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

TOKEN_ROW = 1
# The apps whose models the public pages show (each app's historical models excluded).
PUBLIC_APPS = ("workshop_sessions", "speakers", "recommendations")

_bump_requested: ContextVar[set[str] | None] = ContextVar("data_version_bump_requested", default=None)


class DataVersion(models.Model):
    """The one row (pk 1) whose token every write to the knowledge base replaces."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "core"

    def __str__(self):
        return f"data version {self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


def current_token(using: str = "default") -> str | None:
    """The data version's token, or None before the first migration wrote it (then nothing is cached)."""
    return DataVersion.objects.using(using).filter(pk=TOKEN_ROW).values_list("token", flat=True).first()


def bump(using: str = "default") -> None:
    """Give the data a new version: every page cached so far is out of date (deferred inside `deferred_bump()`)."""
    requested = _bump_requested.get()
    if requested is not None:
        requested.add(using)
        return
    token = secrets.token_hex(16)
    if not DataVersion.objects.using(using).filter(pk=TOKEN_ROW).update(token=token):
        try:
            with transaction.atomic(using=using):
                DataVersion.objects.using(using).create(pk=TOKEN_ROW, token=token)
        except IntegrityError:  # created meanwhile by a concurrent writer: replace its token
            DataVersion.objects.using(using).filter(pk=TOKEN_ROW).update(token=token)


@contextmanager
def deferred_bump():
    """Inside the block, bumps are collected and done once when it ends (the loader's many saves)."""
    if _bump_requested.get() is not None:
        yield
        return
    requested: set[str] = set()
    reset = _bump_requested.set(requested)
    try:
        yield
    finally:
        _bump_requested.reset(reset)
    for using in requested:
        bump(using)


def _changed(sender, using="default", **kwargs):
    bump(using)


def _themes_changed(sender, action, using="default", **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump(using)


def public_models() -> list[type[models.Model]]:
    """The models whose rows the public pages show: the public apps' models and the theme vocabulary."""
    from .themes import Theme

    found = [
        model
        for label in PUBLIC_APPS
        for model in apps.get_app_config(label).get_models()
        if not hasattr(model, "instance_type")  # simple-history's copies: written with their item
    ]
    return [*found, Theme]


def connect() -> None:
    """Connect the receivers (called once, from CoreConfig.ready)."""
    from .themes import ThemedItem
    from .tombstones import Tombstone

    for model in [*public_models(), Tombstone]:
        uid = f"icpermed_kb.data_version.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.deleted")
    # taggit's add/remove/set/clear on any item's `themes` send m2m_changed with the through model as sender.
    m2m_changed.connect(_themes_changed, sender=ThemedItem, dispatch_uid="icpermed_kb.data_version.themes")
