"""The home page (the report, its sessions, themes and a themes × sessions grid) and the report PDF."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import reverse

from icpermed_kb.models import Theme
from icpermed_kb.web import representations
from icpermed_kb.web.pages import Page, page_view
from sessions.models import KeyMessage, Report, Session

SUMMARY_EXCERPT_WORDS = 70
GRID_LEVELS = 4  # shades of a grid cell: a heat map readable without colour, as the number is printed


def current_report_or_404() -> Report:
    report = Report.objects.current()
    if report is None:
        raise Http404("No report has been ingested yet")
    return report


def session_with_counts(session, absolute) -> dict:
    """A session with its number of talks and key messages (`with_counts()`)."""
    return {
        **representations.session_brief(session, absolute),
        "talks": session.talk_count,
        "key_messages": session.message_count,
    }


def theme_grid(report: Report, sessions: list[Session], themes: list[Theme], absolute) -> list[dict]:
    """Rows of themes × sessions with the number of key messages in each cell (themes with any)."""
    counts = KeyMessage.objects.of_report(report).theme_counts("session_id")
    peak = max(counts.values(), default=0)
    list_url = absolute(reverse("keymessage-list"))
    rows = []
    for theme in themes:
        cells = [(session, counts.get((theme.id, session.id), 0)) for session in sessions]
        if not any(count for _, count in cells):
            continue
        rows.append(
            {
                "theme": theme.slug,
                "name": theme.name,
                "url": absolute(theme.get_absolute_url()),
                "key_messages": {session.number: count for session, count in cells},
                "cells": [
                    {
                        "session": session.number,
                        "count": count,
                        "level": -(-GRID_LEVELS * count // peak) if count else 0,
                        "url": f"{list_url}?theme={theme.slug}&session={session.number.lower()}" if count else None,
                    }
                    for session, count in cells
                ],
            }
        )
    return rows


@page_view("html", "json")
def home(request):
    """The report, its sessions in order with counts, its themes and a themes × sessions grid."""
    report = Report.objects.current()
    if report is None:
        return Page({"report": None, "sessions": [], "themes": []}, "sessions/home.html")
    absolute = request.build_absolute_uri
    sessions = list(Session.objects.of_report(report).with_counts().in_report_order())
    themes = list(Theme.objects.with_item_counts(*report.themed_items()))
    with_messages = [session for session in sessions if session.message_count]
    summary = next((session for session in sessions if session.kind == "summary"), None)
    data = {
        "report": representations.report(report, absolute),
        "summary": None
        if summary is None
        else {
            "url": absolute(summary.get_absolute_url()),
            "excerpt": " ".join(" ".join(summary.paragraphs).split()[:SUMMARY_EXCERPT_WORDS]),
        },
        "sessions": [session_with_counts(session, absolute) for session in sessions],
        "themes": [
            {**representations.theme(theme, absolute), "items": theme.item_count} for theme in themes if theme.item_count
        ],
        "grid_sessions": [representations.session_brief(session, absolute) for session in with_messages],
        "grid": theme_grid(report, with_messages, themes, absolute),
    }
    return Page(data, "sessions/home.html")


def report_pdf(request):
    """The bundled report PDF, so "p. N" links can point at #page=N."""
    return FileResponse(open(settings.REPORT_PDF, "rb"), content_type="application/pdf")
