"""Theme pages and the open-data export."""

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from icpermed_kb import representations
from icpermed_kb.export import export_knowledge_base
from icpermed_kb.models import Theme
from icpermed_kb.page_cache import cached_page
from icpermed_kb.responses import json_response
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Session, Talk
from sessions.views import current_report_or_404, theme_counts

logger = logging.getLogger(__name__)


@dataclass
class SessionThemeItems:
    """What one session holds on a theme."""

    session: Session
    talks: list = field(default_factory=list)
    key_messages: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)


@cached_page
def theme_list(request, format="html"):
    """The theme vocabulary by group, with how many items carry each theme."""
    report = current_report_or_404()
    themes = list(theme_counts(report))
    if format == "json":
        absolute = request.build_absolute_uri
        return json_response(
            {
                "count": len(themes),
                "results": [{**representations.theme(theme, absolute), "items": theme.item_count} for theme in themes],
            }
        )
    groups = [(label, [theme for theme in themes if theme.group == key]) for key, label in Theme.GROUPS]
    return render(request, "core/theme_list.html", {"groups": groups})


@cached_page
def theme_detail(request, slug: str, format="html"):
    """Everything tagged with one theme, grouped by session in report order."""
    report = current_report_or_404()
    theme = get_object_or_404(Theme, slug=slug)
    talks = list(Talk.objects.filter(session__report=report, themes=theme).for_display().in_report_order())
    messages = list(KeyMessage.objects.of_report(report).filter(themes=theme).for_listing())
    recommendations = list(Recommendation.objects.of_report(report).filter(themes=theme).for_listing())
    absolute = request.build_absolute_uri
    if format == "json":
        return json_response(
            {
                **representations.theme(theme, absolute),
                "talks": [representations.talk(talk, absolute) for talk in talks],
                "key_messages": [representations.key_message(item, absolute) for item in messages],
                "recommendations": [representations.recommendation(item, absolute) for item in recommendations],
            }
        )
    by_session: dict[int, SessionThemeItems] = {}

    def bucket(session):
        return by_session.setdefault(session.id, SessionThemeItems(session))

    for talk in talks:
        bucket(talk.session).talks.append(talk)
    for message in messages:
        bucket(message.session).key_messages.append(message)
    for item in recommendations:
        bucket(item.session).recommendations.append(item)
    sessions = sorted(by_session.values(), key=lambda entry: entry.session.order)
    return render(
        request,
        "core/theme_detail.html",
        {
            "theme": theme,
            "crumbs": [("Themes", reverse("theme-list")), (theme.name, None)],
            "sessions": sessions,
            "counts": {"talks": len(talks), "key_messages": len(messages), "recommendations": len(recommendations)},
        },
    )


@cached_page
def export_json(request):
    """The whole knowledge base as JSON (the export_kb command's shape), for download."""
    response = json_response(export_knowledge_base())
    response["Content-Disposition"] = 'inline; filename="icpermed-kb-export.json"'
    return response


@cached_page
def search(request, format="html"):
    """Ranked full-text search of key messages and recommendations, with the list pages' filters and facets."""
    from icpermed_kb.search_page import SearchResults

    report = current_report_or_404()
    results = SearchResults(request.GET, report)
    page = results.page(request.GET.get("page"))
    facets = results.facets()
    suggestion = results.suggestion()
    if format == "json":
        if not results.is_valid:
            return json_response({"error": "invalid filter values", "errors": results.errors}, status=400)
        absolute = request.build_absolute_uri
        return json_response(
            {
                "query": results.query,
                "count": results.count,
                "partial": results.partial,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "suggestion": suggestion,
                "results": [_search_result(result, absolute) for result in page.object_list],
                "facets": representations.facets(facets),
            }
        )
    query_prefix = results.data.urlencode()
    return render(
        request,
        "core/search.html",
        {
            "results": results,
            "listing": results,
            "page": page,
            "facets": facets,
            "suggestion": suggestion,
            "extra_query": results.query,
            "query_prefix": f"{query_prefix}&" if query_prefix else "",
        },
        status=200 if results.is_valid else 400,
    )


def _search_result(result, absolute) -> dict:
    item = result.item
    speaker = item.talk.speaker if result.type == "key_message" and item.talk else None
    return {
        "type": result.type,
        "id": result.id,
        "text": item.text,
        "snippet": str(result.snippet),
        "kind": item.kind,
        "session": representations.session_brief(item.session, absolute),
        "speaker": representations.speaker_brief(speaker, absolute),
        "themes": representations.themes(item),
        "page": item.page,
        "pdf": representations.pdf_link(absolute, item.page),
        "url": absolute(item.get_absolute_url()),
        "score": round(result.score, 6),
    }


def healthz(request):
    """Liveness and readiness for a load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("health check: the database does not answer: %s", error)
        return json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    return json_response({"status": "ok", "database": connection.vendor})
