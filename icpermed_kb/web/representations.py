"""The JSON shape of each item, shared by every page so an item reads the same everywhere.

A page's data is built from these dicts, and both its HTML template and its JSON twin read that
data (icpermed_kb/web/pages.py). Functions take prefetched objects and never query: the views
prepare the QuerySets. URLs are absolute (`absolute` is absolute_urls(request)).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from icpermed_kb import links
from icpermed_kb.export import speaker_record

Absolute = Callable[[str], str]  # request.build_absolute_uri (remembered: absolute_urls)


class AbsoluteUrls:
    """request.build_absolute_uri, remembered for one request, with the briefs built from it.

    A page names the same session, report, speaker and themes once per item: each URL is made
    absolute once (a URL split and an IRI quoting each time otherwise), and each brief is built
    once and shared by every item that names it (the dicts are read, never changed).
    """

    def __init__(self, request):
        self.request = request
        self.urls: dict[str, str] = {}
        self.briefs: dict[tuple, dict] = {}

    def __call__(self, location: str) -> str:
        url = self.urls.get(location)
        if url is None:
            url = self.urls[location] = self.request.build_absolute_uri(location)
        return url


def absolute_urls(request) -> AbsoluteUrls:
    """The request's AbsoluteUrls (one per request, however many times it is asked for)."""
    known = request.__dict__.get("_absolute_urls")
    if known is None:
        known = request.__dict__["_absolute_urls"] = AbsoluteUrls(request)
    return known


def remembered(kind: str):
    """Decorate a brief builder (item, absolute) -> dict: built once per item (by primary key) and request
    when `absolute` is an AbsoluteUrls, so every item naming it shares the one dict."""

    def decorator(build: Callable) -> Callable:
        @functools.wraps(build)
        def brief(item, absolute: Absolute):
            briefs = getattr(absolute, "briefs", None)
            if briefs is None or item is None or item.pk is None:
                return build(item, absolute)
            key = (kind, item.pk)
            found = briefs.get(key)
            if found is None:
                found = briefs[key] = build(item, absolute)
            return found

        return brief

    return decorator


@functools.cache
def _labels(model, field: str) -> dict:
    return {str(value): str(label) for value, label in model._meta.get_field(field).flatchoices}


def label(item, field: str = "kind") -> str:
    """What get_<field>_display() gives, from a dictionary made once per model (Django's rebuilds its choices each call)."""
    value = getattr(item, field)
    return _labels(type(item), field).get(str(value), value)


def pdf_link(absolute: Absolute, report, page: int) -> str:
    """The report's PDF opened at a page."""
    return absolute(links.reverse("report-pdf", report.slug)) + f"#page={page}"


@remembered("report")
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


@remembered("theme")
def theme_brief(theme, absolute: Absolute) -> dict:
    return {"slug": theme.slug, "name": theme.name, "url": absolute(theme.get_absolute_url())}


def themes(item, absolute: Absolute) -> list[dict]:
    """An item's themes; needs them in `theme_list` (ThemedQuerySet.with_themes, attach_themes)."""
    return [theme_brief(theme, absolute) for theme in item.theme_list]


@remembered("speaker")
def speaker_brief(speaker, absolute: Absolute) -> dict | None:
    return None if speaker is None else speaker_record(speaker, absolute)


@remembered("session")
def session_brief(session, absolute: Absolute) -> dict:
    """A session and its report; needs session.report loaded."""
    return {
        "number": session.number,
        "title": session.title,
        "kind": session.kind,
        "kind_label": label(session),
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
        "pdf": absolute(links.reverse("report-pdf", item.slug)),
    }


def key_message(item, absolute: Absolute) -> dict:
    """A key message or panel item; needs session, talk__speaker and themes loaded."""
    talk = item.talk
    return {
        "type": "key_message",
        "id": item.id,
        "kind": item.kind,
        "kind_label": label(item),
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
        "kind_label": label(item),
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
        "role_label": label(item, "role"),
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
        "group_label": label(item, "group"),
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
        "kind_label": label(item),
        "session": session_brief(item.session, absolute),
        "speaker": speaker_brief(speaker, absolute),
        "themes": themes(item, absolute),
        "page": item.page,
        "pdf": pdf_link(absolute, item.session.report, item.page),
        "url": absolute(item.get_absolute_url()),
        "in_context": absolute(item.in_context_url()),
        "score": round(result.score, 6),
    }
