"""People lines: "Name, affiliation" (award winners "Name: affiliation").

The affiliation is kept as printed; organisation and country are derived from
it for filtering, and editors can correct them.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from .records import Person
from .text import clean

# Words that make a comma-separated part of an affiliation an organisation.
_ORGANISATION_WORDS = re.compile(
    r"\b(universit\w*|hospital|agency|foundation|fund|commission|ministry|institut\w*|cent(?:re|er)|"
    r"secretariat|biotec\w*|biosciences|genetics|council|consortium|society|school|college|company|"
    r"laborator\w*|clinic|gemelli|exactcure|inserm|cea)\b",
    re.IGNORECASE,
)
# A job title before the organisation: "Director of … at the Regional Ministry of Health".
_ROLE_BEFORE = re.compile(r"^.*\b(?:at|of|in) the\s+(?=[A-Z])|^.*?\b(?:President|Director|Head|Chair) of\s+(?=[A-Z])")


@cache
def _countries() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None) or country.name
        for name in {country.name, common, getattr(country, "official_name", common)}:
            names[name.casefold()] = common
    return names


def country_name(text: str) -> str:
    """The country a text names, tolerating a one-letter typo ("Icelend"), or ""."""
    key = clean(text).casefold()
    if not key:
        return ""
    countries = _countries()
    if key in countries:
        return countries[key]
    if len(key) >= 5:
        close = difflib.get_close_matches(key, countries, n=1, cutoff=0.85)
        if close:
            return countries[close[0]]
    return ""


def parse_person(line: str, role: str) -> Person:
    """Split a people line into name and affiliation, and derive organisation and country."""
    line = clean(line)
    separator = ":" if role == "award_winner" and ":" in line else ","
    name, _, affiliation = line.partition(separator)
    affiliation = affiliation.strip()
    organisation, country = split_affiliation(affiliation)
    return Person(name=name.strip(), affiliation=affiliation, organisation=organisation, country=country, role=role)


def split_affiliation(affiliation: str) -> tuple[str, str]:
    """(organisation, country) from an affiliation as printed."""
    parts = [part.strip() for part in affiliation.split(",") if part.strip()]
    parts = [re.sub(r"^and\s+", "", part) for part in parts]
    country = ""
    if parts and country_name(parts[-1]):
        country = country_name(parts.pop())
    if not parts:
        return "", country
    organisations = [part for part in parts if _ORGANISATION_WORDS.search(part)]
    organisation = organisations[-1] if organisations else parts[0]
    organisation = _ROLE_BEFORE.sub("", organisation)
    if not country:
        # "… (CEDIGEA) Argentina", "Innovation Fund Denmark": a country at the end of the name.
        words = organisation.split()
        for size in (3, 2, 1):
            if len(words) > size and country_name(" ".join(words[-size:])):
                country = country_name(" ".join(words[-size:]))
                if words[-size - 1].endswith(")"):
                    organisation = " ".join(words[:-size])
                break
    return organisation.removeprefix("the ").strip(), country


def unify_organisations(persons, lines) -> None:
    """placeholder during development"""
