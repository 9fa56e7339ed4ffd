"""The answer key (fixtures/transcription.json) against the print, read by poppler, not by our parser.

fixtures/poppler/icpermed-workshop-2023-siena.tsv is poppler's text of the bundled report, one
printed line per row in reading order (tests/renderings/poppler_reference.py). Every line that
ends in "-", "/" or a soft hyphen is decided in fixtures/poppler/line-end-decisions.tsv, and every
column or page break in fixtures/poppler/column-break-decisions.tsv, each with its reason (read
at the page images where in doubt). With those decisions the printed body falls into units —
paragraphs, list items, labels, headings — that must equal, one for one and in order, the blocks
the transcription describes (tests/renderings/model.py), so a lost word, a merged or split item,
a wrong order or a wrongly joined line end in the answer key fails here.
"""

import collections
import csv
import difflib
import itertools
import re
import unicodedata
from typing import NamedTuple

import pytest

from tests.conftest import ROOT
from tests.renderings import model

POPPLER = ROOT / "fixtures" / "poppler"
REFERENCE = POPPLER / "icpermed-workshop-2023-siena.tsv"
LINE_END_DECISIONS = POPPLER / "line-end-decisions.tsv"
COLUMN_BREAK_DECISIONS = POPPLER / "column-break-decisions.tsv"
BREAKING_ENDS = ("-", "/", "\u00ad")
BULLET = "• "
FIRST_CHAPTER_PAGE = 3  # pages 1 and 2: cover and contents


class Line(NamedTuple):
    page: int
    zone: str
    column: str
    top: float
    x0: float
    x1: float
    text: str


def read_tsv(path) -> list[dict]:
    rows = (line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return list(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))


def reference_lines() -> list[Line]:
    return [
        Line(int(r["page"]), r["zone"], r["column"], float(r["top"]), float(r["x0"]), float(r["x1"]), r["text"])
        for r in read_tsv(REFERENCE)
    ]


def body(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if ln.zone == "body" and ln.page >= FIRST_CHAPTER_PAGE]


def line_end_key(line: Line, following: Line) -> tuple:
    """Where the line is, its last word and the next line's first (both kept for the reader)."""
    return (line.page, line.column, line.top, line.text.split(" ")[-1], following.text.split(" ")[0])


def line_end_cases(lines: list[Line]) -> list[tuple]:
    return [line_end_key(a, b) for a, b in itertools.pairwise(lines) if a.text.endswith(BREAKING_ENDS)]


def line_pitch(lines: list[Line]) -> float:
    """The most common distance between two lines of one column: the body's line step."""
    steps = collections.Counter(
        round(b.top - a.top, 1) for a, b in itertools.pairwise(lines) if (a.page, a.column) == (b.page, b.column)
    )
    return steps.most_common(1)[0][0]


def normalise(text: str) -> str:
    """One space between words, composed accents."""
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())


def printed_units(lines: list[Line], line_ends: dict, column_breaks: dict) -> list[tuple[str, int]]:
    """(text, page) of each paragraph, list item, label or heading of the body, in reading order.

    A unit ends at a gap wider than 1.2 line steps within a column, at a bullet, and at a column
    or page break decided "ends"; a chapter banner (full-width, maybe wrapped) makes one unit.
    Text is compared in Unicode's composed form (NFC): poppler returns "ś" as "s" + U+0301."""
    pitch = line_pitch(lines)
    units: list[list] = []
    for prev, line in itertools.pairwise([None, *lines]):
        text = line.text
        if prev is None:
            starts = True
        elif (prev.page, prev.column) == (line.page, line.column):
            starts = line.column != "F" and line.top - prev.top > 1.2 * pitch
        elif prev.column == "F" and line.page == prev.page and line.top - prev.top < 2 * pitch:
            starts = False  # the second line of a wrapped chapter banner
        elif prev.column == "F" or line.column == "F":
            starts = True
        else:
            starts = column_breaks[(prev.page, prev.column)] == "ends"
        if text.startswith(BULLET):
            starts, text = True, text[len(BULLET) :]
        if starts:
            assert prev is None or not prev.text.endswith(BREAKING_ENDS), f"a unit ends in a break: {prev}"
            units.append([text, line.page])
            continue
        current = units[-1][0]
        if current.endswith(BREAKING_ENDS):
            decision = line_ends[line_end_key(prev, line)]
            if decision == "hyphenation":
                current = current[:-1]
            elif decision == "dash":
                current += " "
            else:
                current = current.removesuffix("\u00ad")
            units[-1][0] = current + text
        else:
            units[-1][0] = f"{current} {text}"
    return [(normalise(text), page) for text, page in units]


def expected_units(transcription: dict) -> list[tuple[str, int | None]]:
    """(text, page) of every block the transcription describes, in the original's reading order."""
    document = model.document(transcription)
    pages = {s["number"]: s["page"] for s in transcription["sessions"]}
    result = []
    for chapter in document.chapters:
        result.append((normalise(chapter.heading), pages[chapter.number]))
        result += [(normalise(block.printed), block.page) for block in chapter.blocks]
    return result


@pytest.fixture(scope="module")
def lines():
    return reference_lines()


@pytest.fixture(scope="module")
def line_ends():
    decisions = {}
    for row in read_tsv(LINE_END_DECISIONS):
        key = (int(row["page"]), row["column"], float(row["top"]), row["line_end"], row["next_start"])
        assert key not in decisions, f"decided twice: {key}"
        assert row["decision"] in {"hyphenation", "compound", "slash", "dash"}, row
        assert row["reason"], row
        decisions[key] = row["decision"]
    return decisions


@pytest.fixture(scope="module")
def column_breaks():
    decisions = {}
    for row in read_tsv(COLUMN_BREAK_DECISIONS):
        assert row["decision"] in {"continues", "ends"} and row["reason"], row
        decisions[(int(row["page"]), row["column"])] = row["decision"]
    return decisions


def test_every_line_end_of_the_print_is_decided_once(lines, line_ends):
    assert sorted(line_end_cases(body(lines))) == sorted(line_ends)


def test_every_column_break_of_the_print_is_decided_once(lines, column_breaks):
    text = body(lines)
    breaks = [
        (a.page, a.column)
        for a, b in itertools.pairwise(text)
        if (a.page, a.column) != (b.page, b.column) and a.column != "F"
    ]
    assert sorted(breaks) == sorted(column_breaks)


def test_the_decisions_cover_the_known_cases(line_ends, column_breaks):
    assert line_ends[(21, "L", 376.5, "knowledge/", "education,")] == "slash"
    assert line_ends[(24, "L", 453.3, "non-", "governmental")] == "compound"
    assert line_ends[(3, "L", 119.7, "Medi-", "cine")] == "hyphenation"
    assert column_breaks[(3, "L")] == "continues"  # one paragraph of the executive summary


def test_cover_as_printed(lines, transcription):
    cover = " ".join(ln.text for ln in lines if ln.page == 1 and ln.zone == "body")
    assert cover == " ".join(model.document(transcription).cover_lines)


def test_contents_as_printed(lines, transcription):
    rows = [ln.text for ln in lines if ln.page == 2 and ln.zone == "body"]
    assert rows[0] == model.TOC_TITLE
    contents = [re.fullmatch(r"(.+?) ?(?:\. ?)+(\d+)", row).groups() for row in rows[1:]]
    assert contents == [(f"{s['number']}. {s['title']}", str(s["page"])) for s in transcription["sessions"]]


def test_every_text_of_the_transcription_is_printed_so(lines, line_ends, column_breaks, transcription):
    printed = printed_units(body(lines), line_ends, column_breaks)
    expected = expected_units(transcription)
    got_text, want_text = [t for t, _ in printed], [t for t, _ in expected]
    differences = []
    matcher = difflib.SequenceMatcher(a=want_text, b=got_text, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            differences.append((op, want_text[i1:i2], got_text[j1:j2]))
    assert differences == []
    # The page the transcription gives each record is the page its text starts on.
    assert [(t, p) for (t, p), (_, q) in zip(expected, printed, strict=True) if p is not None and p != q] == []
