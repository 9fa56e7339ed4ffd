"""The theme vocabulary with counts, and everything one theme tags, session by session."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from icpermed_kb.models import Theme
from icpermed_kb.web import representations
from icpermed_kb.web.pages import Page, page_view
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Talk

from .reports import current_report_or_404

GROUP_ORDER = {key: rank for rank, (key, _) in enumerate(Theme.GROUPS)}


@page_view("html", "json")
def theme_list(request):
    """The theme vocabulary by group, with how many items of the report carry each theme."""
    report = current_report_or_404()
    absolute = request.build_absolute_uri
    themes = sorted(Theme.objects.with_item_counts(*report.themed_items()), key=lambda theme: GROUP_ORDER[theme.group])
    data = {
        "count": len(themes),
        "results": [{**representations.theme(theme, absolute), "items": theme.item_count} for theme in themes],
    }
    return Page(data, "core/theme_list.html")


def sessions_of(talks: list, key_messages: list, recommendations: list, absolute) -> list[dict]:
    """The sessions these items belong to, in report order, each with how many items of each kind."""
    sessions, counts = {}, {}
    for name, items in (("talks", talks), ("key_messages", key_messages), ("recommendations", recommendations)):
        for item in items:
            sessions[item.session_id] = item.session
            entry = counts.setdefault(item.session_id, {"talks": 0, "key_messages": 0, "recommendations": 0})
            entry[name] += 1
    ordered = sorted(sessions.values(), key=lambda session: session.order)
    return [{**representations.session_brief(session, absolute), **counts[session.id]} for session in ordered]


@page_view("html", "json")
def theme_detail(request, slug: str):
    """Everything tagged with one theme, grouped by session in report order."""
    report = current_report_or_404()
    theme = get_object_or_404(Theme, slug=slug)
    absolute = request.build_absolute_uri
    talks = list(Talk.objects.of_report(report).tagged(theme).for_display().in_report_order())
    messages = list(KeyMessage.objects.of_report(report).tagged(theme).for_listing())
    recommendations = list(Recommendation.objects.of_report(report).tagged(theme).for_listing())
    data = {
        **representations.theme(theme, absolute),
        "talks": [representations.talk(talk, absolute) for talk in talks],
        "key_messages": [representations.key_message(item, absolute) for item in messages],
        "recommendations": [representations.recommendation(item, absolute) for item in recommendations],
        "sessions": sessions_of(talks, messages, recommendations, absolute),
    }
    crumbs = [("Themes", reverse("theme-list")), (theme.name, None)]
    return Page(data, "core/theme_detail.html", chrome={"crumbs": crumbs})
