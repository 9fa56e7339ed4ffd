"""Other printings of the same report parse to the same records as the transcription.

Every PDF in fixtures/renderings/ is a printing by another producer (tests/renderings/README.md:
LibreOffice, Typst, ReportLab, Chromium in two and three columns, WeasyPrint), each with its own
page size, columns, fonts, list markers (glyphs, private-use Symbol glyphs, ZapfDingbats letters,
numbers on their own line, vector shapes), spacing and hyphenation. The parser must read each to
the complete structure, with (almost) every item exact and no text lost.
"""

import dataclasses

import pytest

from icpermed_kb.ingest.parser import parse_document
from icpermed_kb.ingest.pdf_text import read_document
from tests.conftest import RENDERINGS

RENDERING_FILES = sorted(path.name for path in RENDERINGS.glob("*.pdf"))
# Share of key messages, recommendations and people lines that must equal the transcription.
EXACT_SHARE = 0.99
# Items that printings most easily get wrong, each identified by a fragment of its text: compounds
# and slashes at line ends, a number run across a break, items across columns and pages, a marker
# left at a page foot, a suspended hyphen, a lead-in printed under its label.
TRICKY = [
    "Genotype-guided",
    "knowledge/education",
    "non-small-cell",
    "Electroporator",
    "Example: Azimuth",
    "More than 10.000 patients",
    "The Toscana region has participated actively",
    "real-world",
    "bio-engineering",
    "ospedaliero-universitaria",
    "middle- and",
]


def structure(report: dict) -> list:
    """Chapters, people with roles and affiliations, talks, and how many items each holds."""
    return [
        (
            s["number"],
            s["title"],
            s["kind"],
            [(p["name"], p["role"], p["affiliation"]) for p in s["people"]],
            [(t["speaker"]["name"], t["title"], t["topic"]) for t in s["talks"]],
            [len(t["key_messages"]) for t in s["talks"]],
            len(s["key_messages"]),
            len(s["recommendations"]),
        )
        for s in report["sessions"]
    ]


def items(report: dict) -> list[tuple]:
    """Key messages and recommendations, in report order, with their kind and label."""
    result = []
    for s in report["sessions"]:
        for t in s["talks"]:
            result += [(s["number"], m["kind"], m["group"], m["text"]) for m in t["key_messages"]]
        result += [(s["number"], m["kind"], m["group"], m["text"]) for m in s["key_messages"]]
        result += [(s["number"], r["kind"], r["lead"], r["text"]) for r in s["recommendations"]]
    return result


def outline(report: dict) -> list:
    """The structure without the printed affiliations (counted with the items instead)."""
    return [
        (number, title, kind, [(name, role) for name, role, _ in people], talks, counts, panel, recommendations)
        for number, title, kind, people, talks, counts, panel, recommendations in structure(report)
    ]


def items_and_people(report: dict) -> list[tuple]:
    people = [(s["number"], p["role"], p["name"], p["affiliation"]) for s in report["sessions"] for p in s["people"]]
    return items(report) + people


@pytest.fixture(scope="module", params=RENDERING_FILES)
def rendering(request):
    report = parse_document(read_document((RENDERINGS / request.param).read_bytes()))
    data = dataclasses.asdict(report)
    data["file"] = request.param
    return data


def test_there_are_printings_by_every_producer():
    producers = {name.split("-", 1)[0] for name in RENDERING_FILES}
    assert {"libreoffice", "typst", "reportlab", "chromium", "weasyprint"} <= producers
    assert {"chromium-a4-two-column-disc.pdf", "chromium-a4-landscape-three-column-square.pdf"} <= set(RENDERING_FILES)


def test_structure_is_complete(rendering, transcription):
    counts = (
        len(rendering["sessions"]),
        sum(len(s["talks"]) for s in rendering["sessions"]),
        sum(len(s["people"]) for s in rendering["sessions"]),
    )
    assert counts == (9, 21, 26)
    assert outline(rendering) == outline(transcription)


def test_at_least_99_percent_of_items_are_exact(rendering, transcription):
    got, want = items_and_people(rendering), items_and_people(transcription)
    assert len(got) == len(want) == 291 + 26
    mismatches = [(a[-1], b[-1]) for a, b in zip(got, want, strict=True) if a != b]
    assert (len(want) - len(mismatches)) / len(want) >= EXACT_SHARE, mismatches[:5]


def texts(report: dict) -> list[str]:
    """Every printed text unit: items, people lines, titles, topics, aims and paragraphs."""
    result = [item[-1] for item in items_and_people(report)]
    for s in report["sessions"]:
        result += [s["aim"], *s["paragraphs"]]
        for t in s["talks"]:
            result += [t["title"], t["topic"], *t["paragraphs"]]
    return result


def test_the_tricky_items_are_exact(rendering, transcription):
    got, want = texts(rendering), texts(transcription)
    for fragment in TRICKY:
        expected = [text for text in want if fragment in text]
        assert expected, fragment  # the fragment names a text of the report
        assert [text for text in got if fragment in text] == expected, fragment


def test_paragraphs_and_aims_are_whole(rendering, transcription):
    assert [(s["aim"], s["paragraphs"]) for s in rendering["sessions"]] == [
        (s["aim"], s["paragraphs"]) for s in transcription["sessions"]
    ]
    assert [t["paragraphs"] for s in rendering["sessions"] for t in s["talks"]] == [
        t["paragraphs"] for s in transcription["sessions"] for t in s["talks"]
    ]


def test_no_text_is_lost_and_nothing_looks_missing(rendering):
    accounting = rendering["accounting"]
    assert rendering["problems"] == []
    assert accounting["unaccounted"] == 0
    assert sum(count for name, count in accounting.items() if name != "read") == accounting["read"]
    # Every item's marker is set aside as one (a drawn marker has no characters to count).
    assert accounting["in records"] > 0.9 * accounting["read"]
