"""The open-data export and the health check: site-wide endpoints with one format each."""

from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static

from icpermed_kb.export import export_knowledge_base
from icpermed_kb.web import outage, representations
from icpermed_kb.web.page_cache import cached_page
from icpermed_kb.web.pages import json_response


@cached_page
def export_json(request):
    """The whole knowledge base as JSON (the export_kb command's shape), for download."""
    response = json_response(export_knowledge_base(representations.absolute_urls(request)))
    response["Content-Disposition"] = 'inline; filename="icpermed-kb-export.json"'
    return response


def healthz(request):
    """Liveness and readiness for a load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        outage.database.failed(error)  # logged once per outage, however often the balancer asks
        response = json_response({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
        response._has_been_logged = True  # see outage.unavailable_response
        return response
    outage.database.answered()
    return json_response({"status": "ok", "database": connection.vendor})


def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the site's icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
