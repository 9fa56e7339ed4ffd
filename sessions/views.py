"""Public pages of the sessions app: home, sessions, talks and the key-message list (each with a JSON twin)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from icpermed_kb import representations
from icpermed_kb.listing import FacetedListing
from icpermed_kb.models import Theme, themes_prefetch
from icpermed_kb.page_cache import cached_page
from icpermed_kb.responses import csv_response, invalid_filters_text, json_response, listing_response
from recommendations.models import Recommendation

from .filters import KeyMessageFilter
from .grouping import group_messages
from .models import KeyMessage, Report, Session, Talk

KIND_LABELS = dict(KeyMessage.KINDS)
SUMMARY_EXCERPT_WORDS = 70


def current_report_or_404() -> Report:
    report = Report.objects.current()
    if report is None:
        raise Http404("No report has been ingested yet")
    return report


def theme_counts(report: Report):
    """Each theme with how many talks, key messages and recommendations of the report carry it."""
    types = ContentType.objects.get_for_models(Talk, KeyMessage, Recommendation)
    in_report = (
        Q(tagged_items__content_type=types[Talk], tagged_items__object_id__in=Talk.objects.filter(session__report=report).values("id"))
        | Q(tagged_items__content_type=types[KeyMessage], tagged_items__object_id__in=KeyMessage.objects.of_report(report).values("id"))
        | Q(
            tagged_items__content_type=types[Recommendation],
            tagged_items__object_id__in=Recommendation.objects.of_report(report).values("id"),
        )
    )
    return Theme.objects.annotate(item_count=Count("tagged_items", filter=in_report)).order_by("order", "name")


def theme_grid(report: Report, sessions: list[Session], themes) -> list[dict]:
    """Rows of themes × sessions with the number of key messages in each cell."""
    cells = {
        (row["themes__id"], row["session_id"]): row["n"]
        for row in KeyMessage.objects.of_report(report)
        .filter(themes__isnull=False)
        .values("themes__id", "session_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    peak = max(cells.values(), default=0)
    rows = []
    for theme in themes:
        counts = [cells.get((theme.id, session.id), 0) for session in sessions]
        if any(counts):
            rows.append(
                {
                    "theme": theme,
                    "cells": [
                        # level 0–4 shades the cell: a heat map readable without colour, as the number is printed
                        {"session": session, "count": count, "level": -(-4 * count // peak) if count else 0}
                        for session, count in zip(sessions, counts, strict=True)
                    ],
                }
            )
    return rows


@cached_page
def home(request, format="html"):
    """The report, its sessions in order with counts, its themes and a themes × sessions grid."""
    report = Report.objects.current()
    if report is None:
        if format == "json":
            return json_response({"report": None, "sessions": [], "themes": []})
        return render(request, "sessions/home.html", {"report": None})
    sessions = list(Session.objects.of_report(report).with_counts().in_report_order())
    summary = next((session for session in sessions if session.kind == "summary"), None)
    themes = list(theme_counts(report))
    grid = theme_grid(report, [session for session in sessions if session.message_count], themes)
    absolute = request.build_absolute_uri
    if format == "json":
        return json_response(
            {
                "report": _report_data(report, absolute),
                "sessions": [
                    {**representations.session_brief(session, absolute), "talks": session.talk_count, "key_messages": session.message_count}
                    for session in sessions
                ],
                "themes": [{**representations.theme(theme, absolute), "items": theme.item_count} for theme in themes],
                "grid": [
                    {"theme": row["theme"].slug, "key_messages": {cell["session"].number: cell["count"] for cell in row["cells"]}}
                    for row in grid
                ],
            }
        )
    excerpt = " ".join(" ".join(summary.paragraphs).split()[:SUMMARY_EXCERPT_WORDS]) if summary else ""
    return render(
        request,
        "sessions/home.html",
        {
            "report": report,
            "sessions": sessions,
            "summary": summary,
            "excerpt": excerpt,
            "themes": themes,
            "grid": grid,
            "grid_sessions": [session for session in sessions if session.message_count],
        },
    )


def _report_data(report: Report, absolute) -> dict:
    return {
        "title": report.title,
        "series": report.series,
        "number": report.number,
        "place": report.place,
        "start_date": report.start_date.isoformat(),
        "end_date": report.end_date.isoformat(),
        "pages": report.page_count,
        "pdf": absolute(reverse("report-pdf")),
    }


@cached_page
def session_list(request, format="html"):
    """Every session of the report in order, with counts."""
    report = current_report_or_404()
    sessions = list(Session.objects.of_report(report).with_counts().in_report_order())
    if format == "json":
        absolute = request.build_absolute_uri
        return json_response(
            {
                "count": len(sessions),
                "results": [
                    {**representations.session_brief(session, absolute), "talks": session.talk_count, "key_messages": session.message_count, "page": session.page}
                    for session in sessions
                ],
            }
        )
    return render(
        request, "sessions/session_list.html", {"report": report, "sessions": sessions, "crumbs": [("Sessions", None)]}
    )


@cached_page
def session_detail(request, number: str, format="html"):
    """A session: its people, aim, talks with grouped key messages, panel discussion and recommendations."""
    report = current_report_or_404()
    session = get_object_or_404(Session.objects.of_report(report).by_number(number).with_programme())
    roles = list(session.roles.all())
    talks = list(session.talks.all())
    recommendations = list(session.recommendations.all())
    talk_messages = [message for talk in talks for message in talk.key_messages.all()]
    for item in [*talk_messages, *session.panel_items, *recommendations]:
        item.session = session  # already loaded: permalinks need its number, not a query per item
    absolute = request.build_absolute_uri
    if format == "json":
        return json_response(
            {
                **representations.session_brief(session, absolute),
                "aim": session.aim,
                "paragraphs": session.paragraphs,
                "page": session.page,
                "people": [
                    {"role": role.role, "affiliation": role.affiliation, **representations.speaker_brief(role.speaker, absolute)}
                    for role in roles
                ],
                "talks": [representations.talk(talk, absolute, talk.key_messages.all()) for talk in talks],
                "panel_discussion": [_panel_item(item, absolute) for item in session.panel_items],
                "recommendations": [representations.recommendation(item, absolute) for item in recommendations],
            }
        )
    return render(
        request,
        "sessions/session_detail.html",
        {
            "report": report,
            "session": session,
            "crumbs": [("Sessions", reverse("session-list")), (f"{session.number}. {session.title}", None)],
            "moderators": [role for role in roles if role.role == "moderator"],
            "panellists": [role for role in roles if role.role == "panellist"],
            "other_people": [role for role in roles if role.role not in ("moderator", "panellist", "speaker")],
            "talks": [(talk, group_messages(talk.key_messages.all(), KIND_LABELS)) for talk in talks],
            "panel_sections": group_messages(session.panel_items, KIND_LABELS),
            "perspectives": [item for item in recommendations if item.kind == "perspective"],
            "conclusions": [item for item in recommendations if item.kind == "conclusion"],
        },
    )


def _panel_item(item: KeyMessage, absolute) -> dict:
    item.talk = None  # a panel item has no talk: skip the lookup
    return representations.key_message(item, absolute)


@cached_page
def talk_detail(request, pk: int, format="html"):
    """One talk (its permalink): speaker, title, topic and key messages grouped as printed."""
    talk = get_object_or_404(Talk.objects.for_display(), pk=pk)
    messages = list(talk.key_messages.prefetch_related(themes_prefetch()).order_by("order"))
    for message in messages:
        message.talk = talk
        message.session = talk.session
    if format == "json":
        return json_response(representations.talk(talk, request.build_absolute_uri, messages))
    return render(
        request,
        "sessions/talk_detail.html",
        {
            "talk": talk,
            "session": talk.session,
            "sections": group_messages(messages, KIND_LABELS),
            "crumbs": [
                ("Sessions", reverse("session-list")),
                (f"{talk.session.number}. {talk.session.title}", talk.session.get_absolute_url()),
                (talk.title or f"Talk by {talk.speaker.name}", None),
            ],
        },
    )


@cached_page
def key_message_list(request, format="html"):
    """Key messages filtered by theme, session, kind, speaker and country, with facet counts."""
    report = current_report_or_404()
    listing = FacetedListing(KeyMessageFilter, request.GET, KeyMessage.objects.of_report(report).for_listing(), report=report)
    absolute = request.build_absolute_uri
    if format == "csv":
        if not listing.is_valid:
            return invalid_filters_text(listing)
        return csv_response("key-messages.csv", KEY_MESSAGE_COLUMNS, (_key_message_row(item, absolute) for item in listing.queryset))
    return listing_response(
        request,
        listing,
        format,
        template="sessions/key_message_list.html",
        serialize=representations.key_message,
        twins=[("JSON", "keymessage-list-json"), ("CSV", "keymessage-list-csv")],
    )


KEY_MESSAGE_COLUMNS = ["id", "kind", "group", "text", "session", "talk", "speaker", "organisation", "country", "themes", "page", "url"]


def _key_message_row(item: KeyMessage, absolute) -> list:
    speaker = item.talk.speaker if item.talk else None
    return [
        item.id,
        item.kind,
        item.group,
        item.text,
        item.session.number,
        item.talk.title if item.talk else "",
        speaker.name if speaker else "",
        speaker.organisation if speaker else "",
        speaker.country if speaker else "",
        "; ".join(theme.name for theme in item.theme_list),
        item.page,
        absolute(item.get_absolute_url()),
    ]


def report_pdf(request):
    """The bundled report PDF, so "p. N" links can point at #page=N."""
    return FileResponse(open(settings.REPORT_PDF, "rb"), content_type="application/pdf")
