"""The speaker list and each speaker's page (roles, talks and the key messages credited to them)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from icpermed_kb.web import representations
from icpermed_kb.web.filters import SpeakerFilter
from icpermed_kb.web.listing import FacetedListing, ListPage
from icpermed_kb.web.pages import Page, page_view
from sessions.models import KeyMessage, Talk
from speakers.models import Speaker


def speaker_with_talk_count(item, absolute) -> dict:
    return {**representations.speaker(item, absolute), "talks": item.talk_count}


@page_view("html", "json")
def speaker_list(request):
    """Everyone the reports list, filterable by report, role, country and organisation."""
    queryset = Speaker.objects.listed().for_listing().with_talk_counts()
    listing = FacetedListing(SpeakerFilter, request.GET, queryset, per_page=100)
    return ListPage(request, listing, serialize=speaker_with_talk_count, template="speakers/speaker_list.html")


@page_view("html", "json")
def speaker_detail(request, slug: str):
    """A speaker: affiliation, roles, talks and every key message credited to them."""
    speaker = get_object_or_404(Speaker.objects.with_roles(), slug=slug)
    talks = list(Talk.objects.filter(speaker=speaker).select_related("session__report").with_themes().in_report_order())
    messages = list(KeyMessage.objects.credited_to(speaker).select_related("session__report").with_themes().in_report_order())
    messages_by_talk: dict[int, list] = {talk.id: [] for talk in talks}
    for talk in talks:
        talk.speaker = speaker
    talk_by_id = {talk.id: talk for talk in talks}
    for message in messages:
        message.talk = talk_by_id[message.talk_id]
        messages_by_talk[message.talk_id].append(message)
    absolute = representations.absolute_urls(request)
    data = {
        **representations.speaker(speaker, absolute),
        "key_message_count": len(messages),
        "talks": [representations.talk(talk, absolute, messages_by_talk[talk.id]) for talk in talks],
    }
    crumbs = [("Speakers", reverse("speaker-list")), (speaker.name, None)]
    return Page(data, "speakers/speaker_detail.html", chrome={"crumbs": crumbs})
