"""The session list, a session's page (people, aim, talks, panel discussion, recommendations) and a talk's page."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from icpermed_kb.web import representations
from icpermed_kb.web.pages import Page, page_view
from sessions.models import Session, Talk

from .reports import report_or_404, session_with_counts


def report_crumbs(report, *more) -> list[tuple[str, str | None]]:
    """Breadcrumbs from a report's page down."""
    return [(f"{report.start_date.year} · {report.place.split(',')[0]}", report.get_absolute_url()), *more]


@page_view("html", "json")
def session_list(request, report: str):
    """Every session of a report in order, with counts."""
    found = report_or_404(report)
    absolute = representations.absolute_urls(request)
    sessions = list(Session.objects.of_report(found).select_related("report").with_counts().in_report_order())
    data = {
        "report": representations.report(found, absolute),
        "count": len(sessions),
        "results": [{**session_with_counts(session, absolute), "page": session.page} for session in sessions],
    }
    return Page(data, "sessions/session_list.html", chrome={"crumbs": report_crumbs(found, ("Sessions", None))})


@page_view("html", "json")
def session_detail(request, report: str, number: str):
    """A session: its people, aim, talks with their key messages, panel discussion and recommendations."""
    found = report_or_404(report)
    session = get_object_or_404(Session.objects.of_report(found).by_number(number).with_programme())
    talks = list(session.talks.all())
    recommendations = list(session.recommendations.all())
    for item in [*(message for talk in talks for message in talk.key_messages.all()), *session.panel_items, *recommendations]:
        item.session = session  # already loaded: permalinks need its number, not a query per item
    for item in session.panel_items:
        item.talk = None  # a panel item has no talk: skip the lookup
    absolute = representations.absolute_urls(request)
    data = {
        **representations.session_brief(session, absolute),
        "aim": session.aim,
        "paragraphs": session.paragraphs,
        "page": session.page,
        "pdf": representations.pdf_link(absolute, session.report, session.page),
        "people": [
            {
                "role": role.role,
                "role_label": representations.label(role, "role"),
                "affiliation": role.affiliation,
                **representations.speaker_brief(role.speaker, absolute),
            }
            for role in session.roles.all()
        ],
        "talks": [representations.talk(talk, absolute, talk.key_messages.all()) for talk in talks],
        "panel_discussion": [representations.key_message(item, absolute) for item in session.panel_items],
        "recommendations": [representations.recommendation(item, absolute) for item in recommendations],
    }
    crumbs = report_crumbs(
        found, ("Sessions", reverse("session-list", args=[found.slug])), (f"{session.number}. {session.title}", None)
    )
    return Page(data, "sessions/session_detail.html", chrome={"crumbs": crumbs})


@page_view("html", "json")
def talk_detail(request, pk: int):
    """One talk (its permalink): speaker, title, topic and key messages as printed."""
    talk = get_object_or_404(Talk.objects.for_display(), pk=pk)
    messages = list(talk.key_messages.with_themes().order_by("order"))
    for message in messages:
        message.talk = talk
        message.session = talk.session
    session = talk.session
    crumbs = report_crumbs(
        session.report,
        ("Sessions", reverse("session-list", args=[session.report.slug])),
        (f"{session.number}. {session.title}", session.get_absolute_url()),
        (talk.title or f"Talk by {talk.speaker.name}", None),
    )
    data = representations.talk(talk, representations.absolute_urls(request), messages)
    return Page(data, "sessions/talk_detail.html", chrome={"crumbs": crumbs})
