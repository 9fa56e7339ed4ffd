"""The whole knowledge base as one JSON-ready dict (the open-data download)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from icpermed_kb.models import ThemedItem
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import SessionRole


def export_knowledge_base(absolute: Callable[[str], str] = str) -> dict:
    """Every report with its sessions, people, talks, key messages and recommendations, in report order.

    Each item carries its id and the URL of its page, made absolute by `absolute` (the web page passes
    request.build_absolute_uri; the command gives site paths, or joins them to --base-url), so the
    export joins with the CSV twins and the permalinks.
    """
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
    return {"reports": [_report(report, themes, absolute) for report in reports]}


def _themes_by_item() -> dict[tuple[int, int], list[tuple[str, str]]]:
    """(name, slug) of each item's themes, in vocabulary order, by (content type, id)."""
    themes: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    rows = ThemedItem.objects.select_related("tag").order_by("tag__order", "tag__name")
    for row in rows:
        themes[(row.content_type_id, row.object_id)].append((row.tag.name, row.tag.slug))
    return themes


def speaker_record(speaker, absolute) -> dict:
    """A person as every JSON shows them: name, slug, position, organisation, country (and which were inferred), page."""
    return {
        "name": speaker.name,
        "slug": speaker.slug,
        "position": speaker.position,
        "organisation": speaker.organisation,
        "organisation_inferred": speaker.organisation_inferred,
        "country": speaker.country,
        "country_inferred": speaker.country_inferred,
        "url": absolute(speaker.get_absolute_url()),
    }


def _report(report: Report, themes, absolute) -> dict:
    types = ContentType.objects.get_for_models(KeyMessage, Recommendation)

    def themed(item, model) -> dict:
        found = themes.get((types[model].id, item.id), [])
        return {"themes": [name for name, _ in found], "theme_slugs": [slug for _, slug in found]}

    def message(item: KeyMessage) -> dict:
        return {
            "id": item.id,
            "kind": item.kind,
            "group": item.group,
            "text": item.text,
            "page": item.page,
            **themed(item, KeyMessage),
            "url": absolute(item.get_absolute_url()),
        }

    return {
        "slug": report.slug,
        "url": absolute(report.get_absolute_url()),
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
                "url": absolute(session.get_absolute_url()),
                "page": session.page,
                "aim": session.aim,
                "paragraphs": session.paragraphs,
                "people": [
                    {**speaker_record(role.speaker, absolute), "affiliation": role.affiliation, "role": role.role}
                    for role in session.roles.all()
                ],
                "talks": [
                    {
                        "id": talk.id,
                        "url": absolute(talk.get_absolute_url()),
                        "speaker": speaker_record(talk.speaker, absolute),
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
                        "id": item.id,
                        "kind": item.kind,
                        "lead": item.lead,
                        "text": item.text,
                        "page": item.page,
                        **themed(item, Recommendation),
                        "url": absolute(item.get_absolute_url()),
                    }
                    for item in session.recommendations.all()
                ],
            }
            for session in report.sessions.all()
        ],
    }
