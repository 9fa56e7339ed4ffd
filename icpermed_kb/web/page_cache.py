"""Rendered public pages, cached and keyed on the data version, so a cached page is never stale.

Every public page and twin is a function of the database alone (no user, no session, no
messages), so its rendering can be reused until the data changes. A page request reads the data
version's token (icpermed_kb/models/data_version.py: one query) and looks up (token, absolute
URL) in the "pages" cache; a miss renders and stores the response. An old token's entries are
never read again and age out of the cache's bounded size.

Why this is safe under concurrency: a reader that sees the new token started after the write
committed, so it renders the new data; a reader that saw the old token may store either version
of the page under that token, which no later request asks for.

When the data version cannot be read (the database is down), a page is served from the cache
under the last token this process read (or, for a process started since, the last one any server
stored in a shared cache): stale by at most the outage, during which nothing can change the data.
A page not in the cache then answers the site's 503 (outage.py). When the cache itself fails (a
shared Redis down), pages are rendered without it. Either outage is logged once, not per request.

The "pages" cache is per process (LocMem) by default; with CACHE_URL (settings.py) it is a Redis
shared by several servers, and a page rendered by one is served by all until the data changes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from contextvars import ContextVar

from django.core.cache import caches
from django.http import HttpResponse

from icpermed_kb.models.data_version import current_token
from icpermed_kb.web import outage

PAGE_CACHE = "pages"
LAST_TOKEN_KEY = "page:last-token"
try:  # what a shared cache raises when it cannot be reached
    from redis.exceptions import RedisError

    CACHE_DOWN: tuple[type[BaseException], ...] = (RedisError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency; without it only LocMem, which does not fail
    CACHE_DOWN = (OSError,)

_last_token: str | None = None  # the data version this process read last
_page_token: ContextVar[str | None] = ContextVar("page_token", default=None)  # the page being rendered's


def cached_page(view):
    """Serve a GET or HEAD of this view from the page cache when the data has not changed since it was rendered."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        try:
            token = current_token()
        except outage.DATABASE_DOWN as error:
            outage.database.failed(error)
            return _stale_or_unavailable(request)
        outage.database.answered()
        if token is None:
            return view(request, *args, **kwargs)
        _remember(token)
        key = _page_key(token, request)
        stored = _cache_get(key)
        if stored is not None:
            return _response(stored)
        reset = _page_token.set(token)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _page_token.reset(reset)
        if _storable(response):
            _cache_set(key, (response.status_code, list(response.items()), response.content))
        return response

    return wrapper


def derived[T](key: str, build: Callable[[], T]) -> T:
    """What `build` derives from the data alone (a filter's choices), computed once per data version.

    While a cached page renders, its data version is known: the first page to ask computes and
    stores the answer in the page cache beside the pages, under that version; every later page of
    the same version reuses it (a copy: the cache pickles). A write changes the version, and the
    next page computes afresh; clearing the page cache clears these too. Outside a page, or before
    the data version exists, `build` runs every time. Safe for the same reason as the pages.
    """
    token = _page_token.get()
    if token is None:
        return build()
    cache_key = f"derived:{token}:{key}"
    value = _cache_get(cache_key)
    if value is None:
        value = build()
        _cache_set(cache_key, value)
    return value


def _page_key(token: str, request) -> str:
    # The absolute URL: JSON twins print absolute links, so the scheme and host are part of the page.
    url = request.build_absolute_uri()
    return f"page:{token}:{hashlib.sha256(url.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _response(stored) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _remember(token: str) -> None:
    """Keep the token for an outage: in this process, and in the cache for servers started during one."""
    global _last_token
    if token != _last_token:
        _last_token = token
        _cache_set(LAST_TOKEN_KEY, token, timeout=None)


def _stale_or_unavailable(request) -> HttpResponse:
    """The database is down: the page as last cached, or the site's 503."""
    token = _last_token or _cache_get(LAST_TOKEN_KEY)
    stored = _cache_get(_page_key(token, request)) if token else None
    if stored is None:
        return outage.unavailable_response(request)
    return _response(stored)


def _cache_get(key: str):
    try:
        stored = caches[PAGE_CACHE].get(key)
    except CACHE_DOWN as error:
        outage.page_cache.failed(error)
        return None
    outage.page_cache.answered()
    return stored


def _cache_set(key: str, value, **options) -> None:
    try:
        caches[PAGE_CACHE].set(key, value, **options)
    except CACHE_DOWN as error:
        outage.page_cache.failed(error)


def _storable(response) -> bool:
    # Only complete successful pages that depend on nothing but the URL: no cookie set, no Vary.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
    )
