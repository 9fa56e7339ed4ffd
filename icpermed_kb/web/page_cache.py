"""Rendered public pages, cached and keyed on the data version, so a cached page is never stale.

Every public page and twin is a function of the database alone (no user, no session, no
messages), so its rendering can be reused until the data changes. A page request reads the data
version's token (icpermed_kb/models/data_version.py: one query) and looks up (token, absolute
URL) in the "pages" cache; a miss renders and stores the response. An old token's entries are
never read again and age out of the cache's bounded size.

Why this is safe under concurrency: a reader that sees the new token started after the write
committed, so it renders the new data; a reader that saw the old token may store either version
of the page under that token, which no later request asks for.
"""

from __future__ import annotations

import functools
import hashlib

from django.core.cache import caches
from django.http import HttpResponse

from icpermed_kb.models.data_version import current_token

PAGE_CACHE = "pages"

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
