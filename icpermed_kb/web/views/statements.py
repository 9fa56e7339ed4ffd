"""A page per statement — a key message or a recommendation — with its context, its neighbours in
the report, related statements from other talks and sessions, and how to cite it."""

from __future__ import annotations

import math
from collections import Counter

from django.db.models import Q
from django.shortcuts import get_object_or_404

from icpermed_kb.search.text import STOP_WORDS, clean, stem, words
from icpermed_kb.web import citations, representations
from icpermed_kb.web.pages import Page, page_view
from recommendations.models import Recommendation
from sessions.models import KeyMessage

from .sessions import report_crumbs

RELATED = 5  # related statements shown
FORMATS = ("html", "json", "bib", "ris", "csl")
MODELS = {"key_message": KeyMessage, "recommendation": Recommendation}


def briefs(keys: list[tuple[str, int]], absolute) -> dict[tuple[str, int], dict]:
    """Short descriptions (text, session, speaker, themes, link) of these statements: two queries, always."""
    found = {}
    for kind, model in MODELS.items():
        ids = [pk for item_kind, pk in keys if item_kind == kind]
        # [-1] when there is none: the query still runs, so the page's query count does not depend on its neighbours.
        items = model.objects.filter(pk__in=ids or [-1]).select_related("session__report").order_by()
        if kind == "key_message":
            items = items.select_related("talk__speaker")
        for item in items:
            speaker = item.talk.speaker if kind == "key_message" and item.talk_id else None
            found[(kind, item.pk)] = {
                "type": kind,
                "id": item.pk,
                "kind_label": item.get_kind_display(),
                "text": item.text,
                "session": representations.session_brief(item.session, absolute),
                "speaker": representations.speaker_brief(speaker, absolute),
                "url": absolute(item.get_absolute_url()),
            }
    return found


def neighbour(brief: dict | None) -> dict | None:
    """A previous or next statement: which it is and its text (its session and speaker are the page's, or near)."""
    return None if brief is None else {key: brief[key] for key in ("type", "id", "kind_label", "text", "url")}


def related_keys(item, kind: str) -> list[tuple[str, int]]:
    """Statements of the same report that share this one's telling words, from other talks (or other
    sessions, for a panel item or recommendation): each shared word weighs its rarity in the report
    (idf), a shared theme weighs as much as the rarest word. Only the report's own statements are read,
    so a page published once keeps its content when later reports arrive."""
    report = item.session.report_id
    messages = KeyMessage.objects.filter(session__report_id=report)
    recommendations = Recommendation.objects.filter(session__report_id=report)
    if kind == "key_message" and item.talk_id:
        messages = messages.exclude(talk_id=item.talk_id)
    else:
        same_session = Q(session_id=item.session_id)
        messages = messages.exclude(same_session & Q(talk=None))
        recommendations = recommendations.exclude(same_session)
    candidates = {("key_message", pk): text for pk, text in messages.values_list("id", "text")}
    candidates |= {("recommendation", pk): text for pk, text in recommendations.values_list("id", "text")}
    candidates.pop((kind, item.pk), None)
    stems = {key: significant_stems(text) for key, text in candidates.items()}
    own = significant_stems(item.text)
    documents = len(stems) + 1
    frequency = Counter(stem for found in stems.values() for stem in found & own)
    rarity = {stem: math.log(documents / (1 + frequency[stem])) + 1 for stem in own}
    shared = shared_theme_counts(messages, recommendations, {theme.id for theme in item.theme_list})
    theme_weight = max(rarity.values(), default=1.0)
    scores = {
        key: sum(rarity[stem] for stem in found & own) + theme_weight * shared.get(key, 0)
        for key, found in stems.items()
        if found & own
    }
    return sorted(scores, key=lambda key: (-scores[key], key))[:RELATED]


def significant_stems(text: str) -> set[str]:
    """The stems of a text's words that say something: stop words and words of two letters left out."""
    return {stem(word) for _, _, word in words(clean(text)) if len(word) > 2 and word not in STOP_WORDS}


def shared_theme_counts(messages, recommendations, own_themes: set[int]) -> dict[tuple[str, int], int]:
    """How many of `own_themes` each of these statements carries (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from icpermed_kb.models import ThemedItem

    types = ContentType.objects.get_for_models(*MODELS.values())
    kind_of = {types[model].id: kind for kind, model in MODELS.items()}
    wanted = Q(content_type=types[KeyMessage], object_id__in=messages.values("id"))
    wanted |= Q(content_type=types[Recommendation], object_id__in=recommendations.values("id"))
    counts: dict[tuple[str, int], int] = {}
    rows = ThemedItem.objects.filter(wanted, tag_id__in=own_themes or [-1]).values_list("content_type_id", "object_id")
    for content_type, object_id in rows:
        key = (kind_of[content_type], object_id)
        counts[key] = counts.get(key, 0) + 1
    return counts


def statement_page(request, item, kind: str) -> Page:
    absolute = representations.absolute_urls(request)
    data = representations.key_message(item, absolute) if kind == "key_message" else representations.recommendation(item, absolute)
    report = item.session.report
    sequence = report.statements()
    position = sequence.index((kind, item.pk))
    previous = sequence[position - 1] if position > 0 else None
    following = sequence[position + 1] if position + 1 < len(sequence) else None
    related = related_keys(item, kind)
    described = briefs([key for key in (previous, following, *related) if key], absolute)
    report_data = representations.report(report, absolute)
    csl = citations.citation(data, report_data)
    data |= {
        "report": report_data,
        "position": {"number": position + 1, "of": len(sequence)},
        "previous": neighbour(described.get(previous)),
        "next": neighbour(described.get(following)),
        "related": [described[key] for key in related if key in described],
        "cite": {"text": citations.plain_text(csl), "csl": csl},
    }
    label = "Key message" if kind == "key_message" else item.get_kind_display()
    crumbs = report_crumbs(
        report, (f"{item.session.number}. {item.session.title}", item.session.get_absolute_url()), (f"{label} {item.pk}", None)
    )
    return Page(data, "statements/statement_detail.html", chrome={"crumbs": crumbs})


@page_view(*FORMATS)
def key_message_detail(request, pk: int):
    """One key message or panel-discussion item: its text, talk, speaker, session, themes and page."""
    item = get_object_or_404(KeyMessage.objects.for_listing(), pk=pk)
    return statement_page(request, item, "key_message")


@page_view(*FORMATS)
def recommendation_detail(request, pk: int):
    """One recommendation (a session's conclusion or perspective, or the report's conclusion)."""
    item = get_object_or_404(Recommendation.objects.for_listing(), pk=pk)
    return statement_page(request, item, "recommendation")
