"""The series (home), a report's page (its sessions, themes and themes × sessions grid), its PDF, and the
redirects that keep the URLs published while the site held one report."""

import io

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from icpermed_kb.models import Theme
from icpermed_kb.web import representations
from icpermed_kb.web.pages import Page, page_view
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, ReportFile, Session

SUMMARY_EXCERPT_WORDS = 70
GRID_LEVELS = 4  # shades of a grid cell: a heat map readable without colour, as the number is printed
# What /index.json held while the site held one report; it keeps them, for the legacy report.
LEGACY_HOME_KEYS = ("report", "summary", "sessions", "themes", "grid_sessions", "grid")


def report_or_404(slug: str) -> Report:
    return get_object_or_404(Report, slug=slug)


def session_with_counts(session, absolute) -> dict:
    """A session with its number of talks and key messages (`with_counts()`)."""
    return {
        **representations.session_brief(session, absolute),
        "talks": session.talk_count,
        "key_messages": session.message_count,
    }


def level(count: int, peak: int) -> int:
    """A grid cell's shade, 0–4: how its count compares with the grid's largest."""
    return -(-GRID_LEVELS * count // peak) if count else 0


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
                        "session_title": session.title,
                        "count": count,
                        "level": level(count, peak),
                        "url": f"{list_url}?theme={theme.slug}&session={session.facet_value}" if count else None,
                    }
                    for session, count in cells
                ],
            }
        )
    return rows


def theme_reports(themes: list[Theme], reports: list[Report], absolute) -> dict[int, list[dict]]:
    """For each theme (by id), how many key messages and recommendations of each report carry it,
    with links to those filtered lists: the themes × reports picture (two queries for all)."""
    messages = KeyMessage.objects.theme_counts("session__report_id")
    recommendations = Recommendation.objects.theme_counts("session__report_id")
    message_list, recommendation_list = absolute(reverse("keymessage-list")), absolute(reverse("recommendation-list"))
    peak = max([*messages.values(), *recommendations.values(), 0])
    rows = {}
    for theme in themes:
        cells = []
        for report in reports:
            query = f"?theme={theme.slug}&report={report.slug}"
            key_messages = messages.get((theme.id, report.id), 0)
            found = recommendations.get((theme.id, report.id), 0)
            cells.append(
                {
                    "report": report.slug,
                    "key_messages": key_messages,
                    "recommendations": found,
                    "level": level(key_messages + found, peak),
                    "key_messages_url": f"{message_list}{query}" if key_messages else None,
                    "recommendations_url": f"{recommendation_list}{query}" if found else None,
                }
            )
        rows[theme.id] = cells
    return rows


def report_page_data(report: Report, absolute) -> dict:
    """A report: its identity, summary excerpt, sessions with counts, themes and themes × sessions grid."""
    sessions = list(Session.objects.of_report(report).select_related("report").with_counts().in_report_order())
    themes = list(Theme.objects.with_item_counts(*report.themed_items()))
    with_messages = [session for session in sessions if session.message_count]
    summary = next((session for session in sessions if session.kind == "summary"), None)
    return {
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


def report_with_counts(report: Report, absolute) -> dict:
    return {
        **representations.report(report, absolute),
        "sessions": report.session_count,
        "talks": report.talk_count,
        "key_messages": report.message_count,
        "recommendations": report.recommendation_count,
        "people": report.people_count,
    }


@page_view("html", "json")
def home(request):
    """The series: every report, newest first, with counts, and how often each theme came up in each."""
    absolute = representations.absolute_urls(request)
    reports = list(Report.objects.with_counts().newest_first())
    themes = list(Theme.objects.in_vocabulary_order())
    by_report = theme_reports(themes, reports, absolute)
    data = {
        "reports": [report_with_counts(report, absolute) for report in reports],
        "themes_across_reports": [
            {**representations.theme_brief(theme, absolute), "reports": by_report[theme.id]}
            for theme in themes
            if any(cell["key_messages"] or cell["recommendations"] for cell in by_report[theme.id])
        ],
    }
    legacy = next((report for report in reports if report.slug == settings.LEGACY_REPORT_SLUG), None)
    if legacy is not None:  # /index.json answered these for that report: it still does, beside "reports"
        data.update(report_page_data(legacy, absolute))
    return Page(data, "sessions/home.html", chrome={"legacy_keys": LEGACY_HOME_KEYS})


@page_view("html", "json")
def report_detail(request, report: str):
    """One report: its sessions in order with counts, its themes and a themes × sessions grid."""
    found = report_or_404(report)
    crumbs = [(found.title, None)]
    return Page(report_page_data(found, representations.absolute_urls(request)), "sessions/report_detail.html", chrome={"crumbs": crumbs})


def report_pdf(request, report: str) -> FileResponse:
    """The report's PDF, as ingested, so "p. N" links can point at #page=N."""
    found = report_or_404(report)
    stored = ReportFile.objects.filter(report=found).first()
    if stored is not None:
        content = io.BytesIO(bytes(stored.content))
    elif found.slug == settings.LEGACY_REPORT_SLUG and settings.REPORT_PDF.exists():
        content = open(settings.REPORT_PDF, "rb")  # ingested before reports kept their file: the bundled copy
    else:
        raise Http404("This report's PDF is not stored: ingest it again")
    return FileResponse(content, content_type="application/pdf", filename=found.source_filename or f"{found.slug}.pdf")


def legacy_redirect(request, to: str, **kwargs) -> HttpResponsePermanentRedirect:
    """A URL of the one-report site (/sessions/v/, /report.pdf), permanently at its report's URL now."""
    legacy = Report.objects.legacy()
    if legacy is None:
        raise Http404("The report these links meant is not loaded")
    target = reverse(to, kwargs={"report": legacy.slug, **kwargs})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
