"""The whole knowledge base as one JSON-ready dict (the open-data download)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from icpermed_kb.models import ThemedItem
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import SessionRole


def export_knowledge_base() -> dict:
    """Every report with its sessions, people, talks, key messages and recommendations, in report order."""
    themes = _themes_by_item()
    reports = Report.objects.order_by("start_date", "id").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("order")),
        Prefetch("sessions__roles", queryset=SessionRole.objects.select_related("speaker").order_by("order")),
        Prefetch("sessions__talks", queryset=Talk.objects.select_related("speaker").order_by("order")),
        Prefetch("sessions__talks__key_messages", queryset=KeyMessage.objects.order_by("order")),
        Prefetch(
            "sessions__key_messages",
            queryset=KeyMessage.objects.filter(talk=None).order_by("order"),
            to_attr="panel_items",
        ),
        Prefetch("sessions__recommendations", queryset=Recommendation.objects.order_by("order")),
    )
    return {"reports": [_report(report, themes) for report in reports]}


def _themes_by_item() -> dict[tuple[int, int], list[str]]:
    themes: dict[tuple[int, int], list[str]] = defaultdict(list)
    rows = ThemedItem.objects.select_related("tag").order_by("tag__order", "tag__name")
    for row in rows:
        themes[(row.content_type_id, row.object_id)].append(row.tag.name)
    return themes


def _report(report: Report, themes) -> dict:
    types = ContentType.objects.get_for_models(KeyMessage, Recommendation)

    def message(item: KeyMessage) -> dict:
        return {
            "kind": item.kind,
            "group": item.group,
            "text": item.text,
            "page": item.page,
            "themes": themes.get((types[KeyMessage].id, item.id), []),
        }

    return {
        "title": report.title,
        "series": report.series,
        "number": report.number,
        "place": report.place,
        "start_date": report.start_date.isoformat(),
        "end_date": report.end_date.isoformat(),
        "source": {"filename": report.source_filename, "sha256": report.sha256, "pages": report.page_count},
        "sessions": [
            {
                "number": session.number,
                "title": session.title,
                "kind": session.kind,
                "page": session.page,
                "aim": session.aim,
                "paragraphs": session.paragraphs,
                "people": [
                    {
                        "name": role.speaker.name,
                        "organisation": role.speaker.organisation,
                        "country": role.speaker.country,
                        "affiliation": role.affiliation,
                        "role": role.role,
                    }
                    for role in session.roles.all()
                ],
                "talks": [
                    {
                        "speaker": {
                            "name": talk.speaker.name,
                            "organisation": talk.speaker.organisation,
                            "country": talk.speaker.country,
                        },
                        "title": talk.title,
                        "topic": talk.topic,
                        "page": talk.page,
                        "paragraphs": talk.paragraphs,
                        "key_messages": [message(item) for item in talk.key_messages.all()],
                    }
                    for talk in session.talks.all()
                ],
                "key_messages": [message(item) for item in session.panel_items],
                "recommendations": [
                    {
                        "kind": item.kind,
                        "lead": item.lead,
                        "text": item.text,
                        "page": item.page,
                        "themes": themes.get((types[Recommendation].id, item.id), []),
                    }
                    for item in session.recommendations.all()
                ],
            }
            for session in report.sessions.all()
        ],
    }
