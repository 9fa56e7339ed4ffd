"""Filters and tags every template has (a builtin library, settings.TEMPLATES): pages read JSON-ready data.

The tags are the fragments a page repeats for every item — the "p. N" link, the theme chips, the
"(inferred)" mark — written once here instead of as included templates: an {% include %} costs a
template render (context push, render-context state) per item, which on a session's page of 60
statements was a fifth of its rendering (tests/benchmarks/render-results.md).
"""

import datetime

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

INFERRED = mark_safe('<span class="inferred" title="Inferred: not printed as such in the affiliation">(inferred)</span>')


@register.filter
def isodate(value: str | None) -> datetime.date | None:
    """An ISO date of the page's data ("2023-11-14") as a date, for the `date` filter."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.simple_tag
def page_ref(item: dict) -> SafeString:
    """An item's "p. N", linking to its page of the report's PDF (the item's `pdf` and `page`)."""
    return format_html(
        '<a class="page-ref" href="{}" title="Page {} of the report (PDF)">p. {}</a>', item["pdf"], item["page"], item["page"]
    )


@register.simple_tag
def theme_chips(themes: list[dict] | None) -> SafeString:
    """An item's themes as links, or nothing when it has none."""
    if not themes:
        return mark_safe("")
    chips = format_html_join("", '<li><a href="{}">{}</a></li>', ((theme["url"], theme["name"]) for theme in themes))
    return format_html('<ul class="chips" aria-label="Themes">{}</ul>', chips)


@register.simple_tag
def inferred() -> SafeString:
    """The mark of a speaker's organisation or country that is not printed as such."""
    return INFERRED
