"""The JSON shape of each item, shared by every JSON twin so an item reads the same everywhere.

Functions take prefetched objects and never query: the views prepare the QuerySets.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from icpermed_kb.listing import Facet

Absolute = Callable[[str], str]  # request.build_absolute_uri


def pdf_link(absolute: Absolute, page: int) -> str:
    return absolute(reverse("report-pdf")) + f"#page={page}"


def themes(item) -> list[dict]:
    return [{"slug": theme.slug, "name": theme.name} for theme in item.theme_list]


def speaker_brief(speaker, absolute: Absolute) -> dict | None:
    if speaker is None:
        return None
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


def session_brief(session, absolute: Absolute) -> dict:
    return {
        "number": session.number,
        "title": session.title,
        "kind": session.kind,
        "url": absolute(session.get_absolute_url()),
    }


def key_message(item, absolute: Absolute) -> dict:
    """A key message or panel item; needs session, talk__speaker and themes loaded."""
    talk = item.talk
    return {
        "id": item.id,
        "kind": item.kind,
        "group": item.group,
        "text": item.text,
        "session": session_brief(item.session, absolute),
        "talk": None if talk is None else {"id": talk.id, "title": talk.title, "url": absolute(talk.get_absolute_url())},
        "speaker": speaker_brief(talk.speaker if talk else None, absolute),
        "themes": themes(item),
        "page": item.page,
        "pdf": pdf_link(absolute, item.page),
        "url": absolute(item.get_absolute_url()),
    }


def recommendation(item, absolute: Absolute) -> dict:
    """A conclusion or perspective; needs session and themes loaded."""
    return {
        "id": item.id,
        "kind": item.kind,
        "lead": item.lead,
        "text": item.text,
        "session": session_brief(item.session, absolute),
        "themes": themes(item),
        "page": item.page,
        "pdf": pdf_link(absolute, item.page),
        "url": absolute(item.get_absolute_url()),
    }


def talk(item, absolute: Absolute, messages=None) -> dict:
    """A talk; with `messages`, its key messages too."""
    data = {
        "id": item.id,
        "title": item.title,
        "topic": item.topic,
        "speaker": speaker_brief(item.speaker, absolute),
        "session": session_brief(item.session, absolute),
        "themes": themes(item),
        "page": item.page,
        "pdf": pdf_link(absolute, item.page),
        "url": absolute(item.get_absolute_url()),
    }
    if messages is not None:
        data["key_messages"] = [key_message(message, absolute) for message in messages]
    return data


def speaker(item, absolute: Absolute) -> dict:
    """A speaker with their roles; needs roles__session loaded."""
    return {
        **speaker_brief(item, absolute),
        "affiliation": item.affiliation,
        "roles": [
            {"role": role.role, "session": session_brief(role.session, absolute), "affiliation": role.affiliation}
            for role in item.roles.all()
        ],
    }


def theme(item, absolute: Absolute) -> dict:
    return {
        "slug": item.slug,
        "name": item.name,
        "group": item.group,
        "description": item.description,
        "url": absolute(item.get_absolute_url()),
    }


def facets(facet_list: list[Facet]) -> dict:
    return {
        facet.name: [
            {"value": value.value, "label": value.label, "count": value.count, "selected": value.selected}
            for value in facet.values
        ]
        for facet in facet_list
    }
