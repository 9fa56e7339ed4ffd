"""Open data is safe to open: no CSV cell the site writes can run as a spreadsheet formula.

OWASP's rule for CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return is read as a formula by Excel, LibreOffice and Google Sheets, so it gets a leading
apostrophe (which spreadsheets show as nothing and which makes the cell text). Every other cell
is written exactly as stored.
"""

import csv
import io

import pytest

from icpermed_kb.web.pages import neutralise_formula
from tests.factories import build_knowledge_base, save_fields

# One payload per dangerous leading character, each a real attack shape.
FORMULAS = {
    "=": '=HYPERLINK("http://x.example","y")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}
HARMLESS = ["Key message 1 = 2", "a-b", " =not first", "", "naïve café @ Siena", "'quoted already"]


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("lead", list(FORMULAS))
def test_a_dangerous_first_character_gets_an_apostrophe(lead):
    assert neutralise_formula(FORMULAS[lead]) == "'" + FORMULAS[lead]


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_kept_exactly(text):
    assert neutralise_formula(text) == text


def test_numbers_stay_numbers():
    assert [neutralise_formula(value) for value in (12, 0, 3.5)] == [12, 0, 3.5]


@pytest.fixture
def formula_site(db):
    built = build_knowledge_base(1)
    save_fields(built.messages[0], text=FORMULAS["="], group=FORMULAS["@"])
    save_fields(built.talks[0], title=FORMULAS["+"])
    save_fields(built.speakers[0], name=FORMULAS["-"], organisation=FORMULAS["\t"], country=FORMULAS["\r"])
    save_fields(built.themes[0], name="=Theme")
    save_fields(built.sessions[0], title="@Session")
    save_fields(built.recommendations[0], text=FORMULAS["-"], lead=FORMULAS["+"])
    return built


def test_every_column_of_the_key_message_csv_is_neutralised(client, formula_site):
    header, *body = rows(client.get("/key-messages.csv"))
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in body}
    message = formula_site.messages[0]
    row = by_id[message.pk]
    assert {name: row[name] for name in ("text", "group", "talk", "speaker", "organisation", "country", "themes")} == {
        "text": "'" + FORMULAS["="],
        "group": "'" + FORMULAS["@"],
        "talk": "'" + FORMULAS["+"],
        "speaker": "'" + FORMULAS["-"],
        "organisation": "'" + FORMULAS["\t"],
        "country": "'" + FORMULAS["\r"],
        "themes": "'=Theme",
    }
    panel = by_id[formula_site.panel_items[0].pk]
    assert panel["text"] == formula_site.panel_items[0].text  # untouched text stays exact
    assert panel["themes"] == "'=Theme"


def test_every_column_of_the_recommendation_csv_is_neutralised(client, formula_site):
    header, *body = rows(client.get("/recommendations.csv"))
    (row,) = [dict(zip(header, row, strict=True)) for row in body]
    assert {name: row[name] for name in ("text", "lead", "session_title", "themes", "session", "page")} == {
        "text": "'" + FORMULAS["-"],
        "lead": "'" + FORMULAS["+"],
        "session_title": "'@Session",
        "themes": "'=Theme",
        "session": "I",
        "page": "1",
    }
