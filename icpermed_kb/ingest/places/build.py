"""Write the affiliation reader's country, nationality and place names from pycountry, countryinfo
and countrystatecity-countries.

    .venv/bin/python -m icpermed_kb.ingest.places.build           # rewrite names.json.gz
    .venv/bin/python -m icpermed_kb.ingest.places.build --check   # exit 1 if it differs from the packages

Reading these packages (pydantic models for 5,300 regions, a JSON file per country) took about
half a second in every ingestion, for three small tables; they are computed here once and shipped
(names.json.gz, ~50 KB), which people.py loads once. Run it again after upgrading any of the three
packages or the word sets (tests/ingest/test_place_names.py fails until then).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict

from icpermed_kb.ingest.places import FILE
from icpermed_kb.ingest.text import is_common_english

PACKAGES = ("pycountry", "countryinfo", "countrystatecity-countries")


def countries() -> dict[str, str]:
    """Country names (official, common, short) -> the common name used throughout."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None) or country.name
        for name in sorted({country.name, common, getattr(country, "official_name", common)}):
            names[name.casefold()] = common
    return names


def common_name(alpha2: str) -> str:
    """The common name of the country with this ISO code, or ""."""
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return (getattr(country, "common_name", None) or country.name) if country else ""


def nationalities() -> dict[str, str]:
    """Demonyms ("Italian") -> country; one shared by several territories goes to the most populous."""
    import countryinfo

    best: dict[str, tuple[int, str]] = {}
    for country in countryinfo.all_countries():
        try:
            demonym, alpha2, population = country.demonym(), country.iso()["alpha2"], country.population() or 0
        except (KeyError, TypeError, AttributeError, countryinfo.CountryNotFoundError):
            continue
        name = common_name(alpha2)
        if demonym and name and population >= best.get(demonym.casefold(), (-1, ""))[0]:
            best[demonym.casefold()] = (population, name)
    return {demonym: name for demonym, (_, name) in best.items()}


def places(country_names: dict[str, str]) -> dict[str, str]:
    """Regions and provinces, by their local (pycountry) and English (countrystatecity) names ->
    country; a name found in several countries says nothing and is left out."""
    import pycountry
    from countrystatecity_countries import get_countries, get_states_of_country

    found: dict[str, set[str]] = defaultdict(set)
    for subdivision in pycountry.subdivisions:
        found[subdivision.name.casefold()].add(subdivision.country_code)
    for country in get_countries():
        for state in get_states_of_country(country.iso2):
            for name in (state.name, state.native):
                if name:
                    found[name.casefold()].add(country.iso2)
    table = {}
    for name, codes in found.items():
        if len(codes) != 1 or name in country_names or len(name) < 4:
            continue
        if " " not in name and is_common_english(name):
            continue  # "Central", "Western", "Capital": an English word before it is a place
        table[name] = common_name(next(iter(codes)))
    return table


def tables() -> dict[str, dict[str, str]]:
    """The three tables, as names.json.gz holds them."""
    country_names = countries()
    return {"countries": country_names, "nationalities": nationalities(), "places": places(country_names)}


def encode(data: dict[str, dict[str, str]]) -> bytes:
    """The file's bytes, reproducible (no timestamp in the gzip header; the tables' own order)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    arguments = parser.parse_args(argv)
    data = encode(tables())
    if FILE.exists() and FILE.read_bytes() == data:
        print("the names are up to date")
        return 0
    if arguments.check:
        print(f"out of date: {FILE.name} (run python -m icpermed_kb.ingest.places.build)")
        return 1
    FILE.write_bytes(data)
    print(f"wrote {FILE.name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
