"""The affiliation reader's country, nationality and place names (icpermed_kb/ingest/places/)."""

from icpermed_kb.ingest import people, places
from icpermed_kb.ingest.places import build


def test_the_shipped_file_is_what_the_build_script_writes_from_the_installed_packages():
    assert places.FILE.read_bytes() == build.encode(build.tables())


def test_names_of_each_kind():
    # Looked up by hand in the packages' own data (pycountry's ISO 3166, countryinfo's Italy,
    # countrystatecity's Tuscany), and "Central" is an English word too common to be a place.
    assert (people._countries()["iceland"], people._countries()["italian republic"]) == ("Iceland", "Italy")
    assert people._nationalities()["italian"] == "Italy"
    assert (people._places()["tuscany"], people._places()["toscana"]) == ("Italy", "Italy")
    assert "central" not in people._places()
