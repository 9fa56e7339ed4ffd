"""Filters every template has (a builtin library, settings.TEMPLATES): pages read JSON-ready data."""

import datetime

from django import template

register = template.Library()


@register.filter
def isodate(value: str | None) -> datetime.date | None:
    """An ISO date of the page's data ("2023-11-14") as a date, for the `date` filter."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None

