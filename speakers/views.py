"""Public pages of the speakers app: the speaker list and each speaker's page."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from icpermed_kb import representations
from icpermed_kb.listing import FacetedListing
from icpermed_kb.models import themes_prefetch
from icpermed_kb.page_cache import cached_page
from icpermed_kb.responses import json_response, listing_response
from sessions.grouping import group_messages
from sessions.models import KeyMessage, Talk
from sessions.views import KIND_LABELS, current_report_or_404

from .filters import SpeakerFilter
from .models import SessionRole, Speaker


@cached_page
def speaker_list(request, format="html"):
    """Everyone listed in the report, filterable by role, country and organisation."""
    report = current_report_or_404()
    queryset = Speaker.objects.in_report(report).for_listing().with_talk_counts()
    listing = FacetedListing(SpeakerFilter, request.GET, queryset, report=report, per_page=100)
    return listing_response(
        request,
        listing,
        format,
        template="speakers/speaker_list.html",
        serialize=_speaker_with_talk_count,
        twins=[("JSON", "speaker-list-json")],
    )


def _speaker_with_talk_count(item, absolute) -> dict:
    return {**representations.speaker(item, absolute), "talks": item.talk_count}


@cached_page
def speaker_detail(request, slug: str, format="html"):
    """A speaker: affiliation, roles, talks and every key message credited to them."""
    speaker = get_object_or_404(
        Speaker.objects.prefetch_related(
            Prefetch("roles", queryset=SessionRole.objects.select_related("session").order_by("session__order", "order")),
            Prefetch("talks", queryset=Talk.objects.select_related("session").prefetch_related(themes_prefetch()).in_report_order()),
        ),
        slug=slug,
    )
    talks = list(speaker.talks.all())
    messages = list(KeyMessage.objects.credited_to(speaker).select_related("session", "talk").prefetch_related(themes_prefetch()).in_report_order())
    talk_by_id = {talk.id: talk for talk in talks}
    for talk in talks:
        talk.speaker = speaker
    messages_by_talk: dict[int, list] = {talk.id: [] for talk in talks}
    for message in messages:
        message.talk = talk_by_id.get(message.talk_id, message.talk)
        messages_by_talk.setdefault(message.talk_id, []).append(message)
    absolute = request.build_absolute_uri
    if format == "json":
        return json_response(
            {
                **representations.speaker(speaker, absolute),
                "talks": [
                    representations.talk(talk, absolute, messages_by_talk[talk.id]) for talk in talks
                ],
            }
        )
    return render(
        request,
        "speakers/speaker_detail.html",
        {
            "speaker": speaker,
            "crumbs": [("Speakers", reverse("speaker-list")), (speaker.name, None)],
            "roles": speaker.roles.all(),
            "talks": [(talk, group_messages(messages_by_talk[talk.id], KIND_LABELS)) for talk in talks],
            "message_count": len(messages),
        },
    )


