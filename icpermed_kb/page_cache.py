"""Rendered public pages, cached and keyed on the data version, so a cached page is never stale.

Every public page and twin is a function of the database alone (no user, no session, no
messages), so its rendering can be reused until the data changes. One row (`DataVersion`) holds a
random token that every write to what the pages show replaces, in the write's own transaction:
the receivers below follow saves and deletes of the knowledge base's models (admin, shell) and
theme changes through taggit; the loader, whose bulk operations send no signals, bumps it once
at the end of an ingestion (`deferred_bump()` collects the receivers' bumps meanwhile). A page
request reads the token (one query) and looks up (token, absolute URL) in the "pages" cache; a
miss renders and stores the response. An old token's entries are never read again and age out of
the cache's bounded size.

Why this is safe under concurrency: a reader that sees the new token started after the write
committed, so it renders the new data; a reader that saw the old token may store either version
of the page under that token, which no later request asks for.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

PAGE_CACHE = "pages"
TOKEN_ROW = 1

_bump_requested: ContextVar[set[str] | None] = ContextVar("data_version_bump_requested", default=None)


def current_token(using: str = "default") -> str | None:
    """The data version's token, or None before the first migration wrote it (then nothing is cached)."""
    from icpermed_kb.models import DataVersion

    return DataVersion.objects.using(using).filter(pk=TOKEN_ROW).values_list("token", flat=True).first()


def bump(using: str = "default") -> None:
    """Give the data a new version: every page cached so far is out of date (deferred inside `deferred_bump()`)."""
    requested = _bump_requested.get()
    if requested is not None:
        requested.add(using)
        return
    from icpermed_kb.models import DataVersion

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


def cached_page(view):
    """Serve a GET or HEAD of this view from the page cache when the data has not changed since it was rendered."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        token = current_token()
        if token is None:
            return view(request, *args, **kwargs)
        # The absolute URL: JSON twins print absolute links, so the scheme and host are part of the page.
        url = request.build_absolute_uri()
        key = f"page:{token}:{hashlib.sha256(url.encode('utf-8', 'surrogatepass')).hexdigest()}"
        cache = caches[PAGE_CACHE]
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if _storable(response):
            cache.set(key, (response.status_code, list(response.items()), response.content))
        return response

    return wrapper


def _storable(response) -> bool:
    # Only complete successful pages that depend on nothing but the URL: no cookie set, no Vary.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
    )


# -- what changes the data version


def _changed(sender, using="default", **kwargs):
    bump(using)


def _themes_changed(sender, action, using="default", **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump(using)


def connect() -> None:
    """Connect the receivers (called once, from CoreConfig.ready)."""
    from icpermed_kb.models import Theme, ThemedItem
    from recommendations.models import Recommendation
    from sessions.models import KeyMessage, Report, Session, Talk
    from speakers.models import SessionRole, Speaker

    for model in (Report, Session, Talk, KeyMessage, Speaker, SessionRole, Recommendation, Theme):
        uid = f"icpermed_kb.page_cache.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.deleted")
    # taggit's add/remove/set/clear on any item's `themes` send m2m_changed with the through model as sender.
    m2m_changed.connect(_themes_changed, sender=ThemedItem, dispatch_uid="icpermed_kb.page_cache.themes")
