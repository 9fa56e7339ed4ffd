"""A database (or page cache) outage is not an error storm.

While PostgreSQL is stopped every request used to end in a 500 and a traceback in the log (3,194
of them in 5 s, issue 15). Now:

- a public page whose rendering is in the page cache is served from it even when the data version
  cannot be read (page_cache.py): at worst it is as stale as the outage is long, since nothing can
  change the data while the database is down;
- any other request that meets the outage — an uncached page, the admin — is answered with the
  site's 503 page ("try again in a moment", `Retry-After`), by `DatabaseUnavailableMiddleware`;
- the log gets one line when a burst of failures starts and one when the database answers again,
  per server process, rather than a traceback per request;
- nothing needs restarting: Django reconnects on the next request once the database is back.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# What a lost, refused or closed database connection raises (psycopg's and sqlite3's, as Django wraps them).
DATABASE_DOWN = (OperationalError, InterfaceError)


class Outage:
    """One dependency's failures, logged once per burst: a line when it starts failing, one when it is back."""

    def __init__(self, name: str, meanwhile: str):
        self.name = name
        self.meanwhile = meanwhile
        self._lock = threading.Lock()
        self.since: float | None = None
        self.failures = 0

    @property
    def active(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> None:
        """Note a failure; the first of a burst is logged (one line, no traceback)."""
        with self._lock:
            self.failures += 1
            starting = self.since is None
            if starting:
                self.since = time.monotonic()
        if starting:
            lines = str(error).strip().splitlines()
            reason = lines[0][:200] if lines else type(error).__name__
            logger.error("%s unavailable (%s: %s); %s until it answers again", self.name, type(error).__name__, reason, self.meanwhile)

    def answered(self) -> None:
        """Note a success: ends the burst, if one was going on, with one line."""
        if self.since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self.since is None:
                return
            lasted, failures = time.monotonic() - self.since, self.failures
            self.since, self.failures = None, 0
        logger.warning("%s available again after %.1f s (%d requests met the outage)", self.name, lasted, failures)


database = Outage("database", "cached pages are served from the page cache and other requests answered 503")
page_cache = Outage("page cache", "pages are rendered without it")


def unavailable_response(request) -> HttpResponse:
    """The site's 503 page (a JSON body for a JSON twin), with Retry-After; needs no database."""
    match = getattr(request, "resolver_match", None)
    format = match.kwargs.get("format") if match else None
    if format == "json":
        body = json.dumps({"status": "unavailable", "retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(body, status=503, content_type="application/json")
    elif format == "csv":
        response = HttpResponse("The knowledge base is briefly unavailable: try again in a moment.\n", status=503, content_type="text/plain; charset=utf-8")
    else:
        response = render(request, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Logged once per burst by `database`, not once per request by django.request's log_response.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """A view that meets a database outage answers the styled 503, logged once per burst, not a 500 with a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            database.failed(exception)
            return unavailable_response(request)
        return None
