"""The JSON shape of each item, shared by every page so an item reads the same everywhere.

A page's data is built from these dicts, and both its HTML template and its JSON twin read that
data (icpermed_kb/web/pages.py). Functions take prefetched objects and never query: the views
prepare the QuerySets. URLs are absolute (`absolute` is absolute_urls(request)).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

Absolute = Callable[[str], str]  # request.build_absolute_uri (remembered: absolute_urls)


def absolute_urls(request) -> Absolute:
    """request.build_absolute_uri, remembered for the request: a page names the same session, report and
    themes once per item, and each costs a URL split and an IRI quoting."""
    known: dict[str, str] = request.__dict__.setdefault("_absolute_urls", {})

    def absolute(location: str) -> str:
        url = known.get(location)
        if url is None:
            url = known[location] = request.build_absolute_uri(location)
        return url

    return absolute


def pdf_link(absolute: Absolute, report, page: int) -> str:
    """The report's PDF opened at a page."""
    return absolute(reverse("report-pdf", args=[report.slug])) + f"#page={page}"


def report_brief(item, absolute: Absolute) -> dict:
    """Which report: enough to name it and link to it."""
    return {
        "slug": item.slug,
        "title": item.title,
        "number": item.number,
        "edition": item.edition,
        "place": item.place,
        "city": item.place.split(",")[0].strip(),
        "year": item.start_date.year,
        "url": absolute(item.get_absolute_url()),
    }


def theme_brief(theme, absolute: Absolute) -> dict:
    return {"slug": theme.slug, "name": theme.name, "url": absolute(theme.get_absolute_url())}


def themes(item, absolute: Absolute) -> list[dict]:
    """An item's themes; needs them prefetched into `theme_list` (themes_prefetch)."""
    return [theme_brief(theme, absolute) for theme in item.theme_list]


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
    """A session and its report; needs session.report loaded."""
    return {
        "number": session.number,
        "title": session.title,
        "kind": session.kind,
        "kind_label": session.get_kind_display(),
        "url": absolute(session.get_absolute_url()),
        "report": report_brief(session.report, absolute),
    }


def report(item, absolute: Absolute) -> dict:
    """A report's identity, its dates and its PDF."""
    return {
        **report_brief(item, absolute),
        "series": item.series,
        "start_date": item.start_date.isoformat(),
        "end_date": item.end_date.isoformat(),
        "pages": item.page_count,
        "pdf": absolute(reverse("report-pdf", args=[item.slug])),
    }


def key_message(item, absolute: Absolute) -> dict:
    """A key message or panel item; needs session, talk__speaker and themes loaded."""
    talk = item.talk
    return {
        "type": "key_message",
        "id": item.id,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "group": item.group,
        "text": item.text,
        "session": session_brief(item.session, absolute),
        "talk": None if talk is None else {"id": talk.id, "title": talk.title, "url": absolute(talk.get_absolute_url())},
        "speaker": speaker_brief(talk.speaker if talk else None, absolute),
        "themes": themes(item, absolute),
        "page": item.page,
        "pdf": pdf_link(absolute, item.session.report, item.page),
        "url": absolute(item.get_absolute_url()),
        "in_context": absolute(item.in_context_url()),
    }


def recommendation(item, absolute: Absolute) -> dict:
    """A conclusion or perspective; needs session and themes loaded."""
    return {
        "type": "recommendation",
        "id": item.id,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "lead": item.lead,
        "text": item.text,
        "session": session_brief(item.session, absolute),
        "themes": themes(item, absolute),
        "page": item.page,
        "pdf": pdf_link(absolute, item.session.report, item.page),
        "url": absolute(item.get_absolute_url()),
        "in_context": absolute(item.in_context_url()),
    }


def talk(item, absolute: Absolute, messages=None) -> dict:
    """A talk; with `messages`, its key messages too."""
    data = {
        "id": item.id,
        "title": item.title,
        "topic": item.topic,
        "speaker": speaker_brief(item.speaker, absolute),
        "session": session_brief(item.session, absolute),
        "themes": themes(item, absolute),
        "page": item.page,
        "pdf": pdf_link(absolute, item.session.report, item.page),
        "url": absolute(item.get_absolute_url()),
    }
    if messages is not None:
        data["key_messages"] = [key_message(message, absolute) for message in messages]
    return data


def role(item, absolute: Absolute) -> dict:
    """A person's role in a session; needs the session loaded."""
    return {
        "role": item.role,
        "role_label": item.get_role_display(),
        "session": session_brief(item.session, absolute),
        "affiliation": item.affiliation,
    }


def speaker(item, absolute: Absolute) -> dict:
    """A speaker with their roles; needs roles__session loaded."""
    return {
        **speaker_brief(item, absolute),
        "affiliation": item.affiliation,
        "roles": [role(entry, absolute) for entry in item.roles.all()],
    }


def theme(item, absolute: Absolute) -> dict:
    return {
        **theme_brief(item, absolute),
        "group": item.group,
        "group_label": item.get_group_display(),
        "description": item.description,
    }


def facets(facet_list) -> dict:
    """Facets by name, each a list of its values with their counts (`Facet` objects of listing.py)."""
    return {
        facet.name: [
            {"value": value.value, "label": value.label, "count": value.count, "selected": value.selected}
            for value in facet.values
        ]
        for facet in facet_list
    }


def search_hit(result, absolute: Absolute) -> dict:
    """A search result (icpermed_kb/web/search_results.py): the item, its marked snippet and its score."""
    item = result.item
    speaker = item.talk.speaker if result.type == "key_message" and item.talk else None
    return {
        "type": result.type,
        "id": result.id,
        "text": item.text,
        "snippet": result.snippet,  # escaped, then marked by the engine: safe to show as it is
        "context": result.context,  # where the query matched, when not in the item's own text (marked likewise)
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "session": session_brief(item.session, absolute),
        "speaker": speaker_brief(speaker, absolute),
        "themes": themes(item, absolute),
        "page": item.page,
        "pdf": pdf_link(absolute, item.session.report, item.page),
        "url": absolute(item.get_absolute_url()),
        "in_context": absolute(item.in_context_url()),
        "score": round(result.score, 6),
    }
