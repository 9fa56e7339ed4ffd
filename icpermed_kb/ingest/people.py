"""People lines: "Name, affiliation" (award winners "Name: affiliation").

The affiliation is kept as printed; position, organisation and country are read from it for
filtering (editors can correct them), and what is not printed as such is marked inferred:

- the country, from a country the affiliation names (a typo forgiven: "Icelend"), a nationality
  ("Italian Ministry of Health", demonyms from countryinfo) or a place in a country ("Tuscany
  Region", "Mayor of Siena": the regions and provinces of pycountry and countrystatecity; these
  tables are precomputed from the packages by places/build.py); an
  international body ("European Commission") is marked "International";
- the position ("Mayor of Siena", "Head of Project Management Office") apart from the organisation;
- one organisation for one body the report writes two ways ("Toscana Life Science (TLS)
  Foundation", "Toscana Life Sciences (TLS)"): the form the document itself uses most.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from . import places
from .records import Person
from .text import clean

INTERNATIONAL = "International"
# Words that make a comma-separated part of an affiliation an organisation.
_ORGANISATION_WORDS = re.compile(
    r"\b(universit\w*|hospital|agency|foundation|fund|commission|ministry|institut\w*|cent(?:re|er)|council|"
    r"consortium|society|school|college|company|laborator\w*|clinic|region|government|authority|association|"
    r"organi[sz]ation|academy|corporation|bank|trust|alliance|network|service|federation|partnership|biotec\w*|biosciences|pharma\w*|inc|ltd|gmbh|plc|s\.?p\.?a)\b",
    re.IGNORECASE,
)
# Parts that name a unit inside an organisation, not the organisation ("Department of …", "DG …").
_UNIT_WORDS = re.compile(r"^(?:the )?(?:department|unit|division|secretariat|office|directorate|dg)\b|\bsecretariat$", re.IGNORECASE)
# Head nouns of job titles: a part led by one is a position ("Policy Officer on Health Research").
_TITLE_WORDS = re.compile(
    r"\b(president|vice-president|director|head|chair|chairman|chairwoman|chairperson|mayor|officer|coordinator|"
    r"manager|minister|secretary|professor|lead|leader|advis[eo]r|ceo|cso|cto|founder|co-founder|researcher|"
    r"scientist|deputy|member|fellow|consultant|physician|chief|dean|rector|expert|representative)\b",
    re.IGNORECASE,
)
# Bodies of several countries: named for a continent or the world, not a country.
_INTERNATIONAL_BODY = re.compile(
    r"^(?:the )?(?:european|international|world|global|united nations|african|asian|pan-\w+)\b.*"
    r"\b(?:commission|union|parliament|council|agency|organi[sz]ation|bank|office|court|consortium|alliance)\b"
    r"|^(?:the )?(?:who|oecd|unesco|unicef|ec|eu)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Affiliation:
    """What a printed affiliation says, as read."""

    position: str = ""
    organisation: str = ""
    country: str = ""
    country_inferred: bool = False


@cache
def _names() -> dict[str, dict[str, str]]:
    # Precomputed from pycountry, countryinfo and countrystatecity by places/build.py.
    return places.load()


def _countries() -> dict[str, str]:
    """Country names (official, common, short), case-folded -> the common name used throughout."""
    return _names()["countries"]


def _nationalities() -> dict[str, str]:
    """Demonyms ("italian") -> country; one shared by several territories goes to the most populous."""
    return _names()["nationalities"]


def _places() -> dict[str, str]:
    """Regions and provinces by their local and English names ("toscana", "tuscany") -> country; a
    name found in several countries, a country's name and a common English word are left out."""
    return _names()["places"]


def warm() -> None:
    """Load the country, nationality and place names (the reader's child process does it once)."""
    _names()


def country_name(text: str) -> str:
    """The country a text names, tolerating a one-letter typo ("Icelend"), or ""."""
    key = clean(text).casefold()
    if not key:
        return ""
    countries = _countries()
    if key in countries:
        return countries[key]
    if len(key) >= 5 and key[0].isalpha():
        close = difflib.get_close_matches(key, _countries_starting(key[0]), n=1, cutoff=0.85)
        if close:
            return countries[close[0]]
    return ""


@cache
def _countries_starting(letter: str) -> list[str]:
    # A typo rarely hits the first letter; comparing with these few names keeps difflib cheap.
    return [name for name in _countries() if name[:1] == letter]


def parse_person(line: str, role: str) -> Person:
    """Split a people line into name and affiliation, and read position, organisation and country."""
    line = clean(line)
    separator = ":" if role == "award_winner" and ":" in line else ","
    name, _, affiliation = line.partition(separator)
    affiliation = affiliation.strip()
    read = read_affiliation(affiliation)
    return Person(
        name=name.strip(),
        affiliation=affiliation,
        organisation=read.organisation,
        country=read.country,
        role=role,
        position=read.position,
        country_inferred=read.country_inferred,
    )


def split_affiliation(affiliation: str) -> tuple[str, str]:
    """(organisation, country) from an affiliation as printed."""
    read = read_affiliation(affiliation)
    return read.organisation, read.country


def read_affiliation(affiliation: str) -> Affiliation:
    """Position, organisation and country from an affiliation as printed."""
    text = clean(affiliation).rstrip(".").strip()
    parts = _parts(text)
    country, inferred = "", False
    if parts and country_name(parts[-1]):
        last = parts.pop()
        country = country_name(last)
        inferred = country.casefold() != last.casefold()
    positions: list[str] = []
    strong: list[str] = []
    weak: list[str] = []
    for part in parts:
        position, organisation = _position_and_organisation(part)
        if position:
            positions.append(position)
        if not organisation:
            continue
        if _ORGANISATION_WORDS.search(organisation):
            strong.append(organisation)
        elif not _UNIT_WORDS.search(organisation) and organisation.casefold() not in _places():
            weak.append(organisation)  # a part that is only a place ("Paris") is where, not who
    # The organisation usually comes after the unit ("NeuroSpin, CEA"): the last one named.
    organisation = (strong or weak or [""])[-1]
    if organisation and not country:
        organisation, country = _country_at_end(organisation)
        inferred = False
    if not country:
        country, inferred = _country_in(text)
    if not country and organisation and _INTERNATIONAL_BODY.search(organisation):
        country, inferred = INTERNATIONAL, True
    return Affiliation(
        position=", ".join(positions),
        organisation=re.sub(r"^the\s+", "", organisation).strip(),
        country=country,
        country_inferred=inferred,
    )


def _parts(text: str) -> list[str]:
    """Comma-separated parts, with a name's own comma kept ("Ministry of Education, Science and Research")."""
    parts: list[str] = []
    for part in (part.strip() for part in text.split(",")):
        if not part:
            continue
        part = re.sub(r"^and\s+", "", part)
        if parts and re.search(r"\b(?:of|for) [A-Z][\w-]*$", parts[-1]) and re.fullmatch(r"[A-Z][\w-]*(?: and [A-Z][\w-]*)?", part) and not country_name(part):
            parts[-1] = f"{parts[-1]}, {part}"
            continue
        parts.append(part)
    return parts


def _position_and_organisation(part: str) -> tuple[str, str]:
    """A part as (position, organisation): "Head of X at the Y" -> ("Head of X", "Y")."""
    part = re.sub(r"^the\s+", "", part)
    head = re.split(r"\s+(?:of|at|in|on|for)\s+", part, maxsplit=1)[0]
    if not _TITLE_WORDS.search(head) or _ORGANISATION_WORDS.search(head):
        return "", part
    at = re.split(r"\s+at\s+(?:the\s+)?", part, maxsplit=1)
    if len(at) == 2:
        return at[0], at[1]
    # "Coordinator in the … Department of the French National Research Agency": the last "of the"/
    # "in the" that an organisation follows.
    for match in reversed(list(re.finditer(r"\s+(?:of|in) the\s+", part))):
        tail = part[match.end() :]
        if _ORGANISATION_WORDS.search(tail):
            return part[: match.start()], tail
    title, of, rest = part.partition(" of ")
    if of and _ORGANISATION_WORDS.search(rest):
        return title, rest  # "President of Toscana Life Science (TLS) Foundation"
    return part, ""  # "Mayor of Siena", "Chair of ICPerMed": a position, no organisation


def _country_at_end(organisation: str) -> tuple[str, str]:
    """"… (CEDIGEA) Argentina", "Innovation Fund Denmark": a country at the end of the name."""
    words = organisation.split()
    for size in (3, 2, 1):
        if len(words) > size:
            country = country_name(" ".join(words[-size:]))
            if country:
                if words[-size - 1].endswith(")"):
                    organisation = " ".join(words[:-size])
                return organisation, country
    return organisation, ""


def _country_in(text: str) -> tuple[str, bool]:
    """A country named anywhere, then a nationality, then a place: (country, inferred)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    countries, nationalities, places = _countries(), _nationalities(), _places()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            window = " ".join(words[start : start + size]).casefold()
            if window in countries and words[start][:1].isupper():
                return countries[window], False
    for word in words:
        if word[:1].isupper() and word.casefold() in nationalities:
            return nationalities[word.casefold()], True
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            if all(word[:1].isupper() for word in window) and " ".join(window).casefold() in places:
                return places[" ".join(window).casefold()], True
    return "", False


def _organisation_key(name: str) -> tuple[str, ...]:
    """What two spellings of one organisation share: its acronym, else its distinctive words."""
    acronym = re.search(r"\(([A-Z][A-Za-z0-9&-]{1,11})\)", name)
    if acronym:
        return ("acronym", acronym.group(1))
    words = [word.rstrip("s") for word in re.findall(r"\w+", name.casefold())]
    generic = {"the", "of", "and", "for", "foundation", "fondazione"}
    return ("words", *[word for word in words if word not in generic])


def unify_organisations(persons: list[Person], document_lines: list) -> None:
    """One organisation for the spellings of one body: the form the document writes most often
    (people lines and running text alike), marked inferred where it replaces what was printed."""
    by_key: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    for person in persons:
        if person.organisation:
            by_key[_organisation_key(person.organisation)].append(person)
    if not any(len({p.organisation for p in group}) > 1 for group in by_key.values()):
        return
    text = " ".join(clean(getattr(line, "text", line)) for line in document_lines)
    for group in by_key.values():
        spellings = Counter(person.organisation for person in group)
        if len(spellings) < 2:
            continue
        # The spelling with the document's own support: how often its words appear in the text.
        chosen = max(spellings, key=lambda name: (_occurrences(text, name), spellings[name], -len(name)))
        for person in group:
            if person.organisation != chosen:
                person.organisation = chosen
                person.organisation_inferred = True


def _occurrences(text: str, name: str) -> int:
    core = re.sub(r"\s*\b(?:Foundation|Fondazione)\b\s*", " ", name).strip()
    return text.count(name) + text.count(core)
