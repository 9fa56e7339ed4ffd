"""The theme vocabulary with counts and a themes × reports picture, and everything one theme tags."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from icpermed_kb.models import Theme
from icpermed_kb.web import representations
from icpermed_kb.web.pages import Page, page_view
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Talk

from .reports import theme_reports

GROUP_ORDER = {key: rank for rank, (key, _) in enumerate(Theme.GROUPS)}


def all_themed_items() -> list:
    """Every report's talks, key messages and recommendations: what the theme counts count."""
    return [Talk.objects.all(), KeyMessage.objects.all(), Recommendation.objects.all()]


@page_view("html", "json")
def theme_list(request):
    """The theme vocabulary by group: how many items carry each theme, and how often in each report."""
    absolute = representations.absolute_urls(request)
    reports = list(Report.objects.newest_first())
    themes = sorted(Theme.objects.with_item_counts(*all_themed_items()), key=lambda theme: GROUP_ORDER[theme.group])
    by_report = theme_reports(themes, reports, absolute)
    data = {
        "count": len(themes),
        "reports": [representations.report_brief(report, absolute) for report in reports],
        "results": [
            {**representations.theme(theme, absolute), "items": theme.item_count, "reports": by_report[theme.id]}
            for theme in themes
        ],
    }
    return Page(data, "core/theme_list.html")


def sessions_of(talks: list, key_messages: list, recommendations: list, absolute) -> list[dict]:
    """The sessions these items belong to, newest report first and in printed order, with how many of each kind."""
    sessions, counts = {}, {}
    for name, items in (("talks", talks), ("key_messages", key_messages), ("recommendations", recommendations)):
        for item in items:
            sessions[item.session_id] = item.session
            entry = counts.setdefault(item.session_id, {"talks": 0, "key_messages": 0, "recommendations": 0})
            entry[name] += 1
    ordered = sorted(
        sessions.values(), key=lambda session: (-session.report.start_date.toordinal(), -session.report.number, session.order)
    )
    return [{**representations.session_brief(session, absolute), **counts[session.id]} for session in ordered]


@page_view("html", "json")
def theme_detail(request, slug: str):
    """Everything tagged with one theme, report by report and session by session, and how often in each report."""
    theme = get_object_or_404(Theme, slug=slug)
    absolute = representations.absolute_urls(request)
    reports = list(Report.objects.newest_first())
    talks = list(Talk.objects.tagged(theme).for_display().in_report_order())
    messages = list(KeyMessage.objects.tagged(theme).for_listing())
    recommendations = list(Recommendation.objects.tagged(theme).for_listing())
    data = {
        **representations.theme(theme, absolute),
        "reports": [
            {**representations.report_brief(report, absolute), **cell}
            for report, cell in zip(reports, theme_reports([theme], reports, absolute)[theme.id], strict=True)
        ],
        "talks": [representations.talk(talk, absolute) for talk in talks],
        "key_messages": [representations.key_message(item, absolute) for item in messages],
        "recommendations": [representations.recommendation(item, absolute) for item in recommendations],
        "sessions": sessions_of(talks, messages, recommendations, absolute),
    }
    crumbs = [("Themes", reverse("theme-list")), (theme.name, None)]
    return Page(data, "core/theme_detail.html", chrome={"crumbs": crumbs})
