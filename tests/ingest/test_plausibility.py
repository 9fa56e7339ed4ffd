"""A parse that looks incomplete is refused with one line, and nothing is written; --allow-incomplete
loads it and says what is missing. A report in the file twice is refused.

The damaged copies are the bundled report with printed marks removed by PyMuPDF's redaction (the
glyphs are taken out of the page, as if the printing had never drawn them): list markers, so that
items come out as paragraphs, or a label and its markers, so that a talk has no key messages.
"""

import io
import json

import pymupdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from icpermed_kb.export import export_knowledge_base
from icpermed_kb.ingest import sandbox
from sessions.models import KeyMessage, Talk
from tests.conftest import REPORT_PDF, TRANSCRIPTION

# Where the bundled report prints them (found with page.search_for and its "•" glyphs).
KARI_STEFANSSON_PRESENTATION_ITEMS = (8, pymupdf.Rect(50, 430, 62, 710))  # the 5 bullets under the label
FABRIZIO_LANDI_MAIN_POINTS = (6, pymupdf.Rect(50, 674, 170, 770))  # the label and its 3 bullets
CHAPTER_V_PANELLISTS = (12, pymupdf.Rect(50, 196, 62, 245))  # the 3 bullets under "Panellists:"


def redacted(data: bytes, *regions) -> bytes:
    """The PDF with the text inside each (page, rectangle) taken out."""
    document = pymupdf.open(stream=data, filetype="pdf")
    for number, rect in regions:
        page = document[number - 1]
        page.add_redact_annot(rect)
        page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    return document.tobytes()


def ingest(path, *options) -> str:
    out = io.StringIO()
    call_command("ingest_report", str(path), *options, stdout=out)
    return out.getvalue()


def refusal(path, *options) -> str:
    with pytest.raises(CommandError) as raised:
        ingest(path, *options)
    message = str(raised.value)
    assert "\n" not in message
    return message


@pytest.fixture
def database_state(ingested):
    return json.dumps(export_knowledge_base(), sort_keys=True)


INCOMPLETE = {
    # Key messages printed without markers read as paragraphs: the label is left with no items.
    "a key-message label with no items": (
        [KARI_STEFANSSON_PRESENTATION_ITEMS],
        "'Presentation’s key messages:' (talk of Kari Stefansson, p. 8) is followed by no items",
    ),
    "a talk without key messages while the others have them": (
        [FABRIZIO_LANDI_MAIN_POINTS],
        "1 of 21 talks have no key messages while the others have (Fabrizio Landi)",
    ),
    "a people label without people": (
        [CHAPTER_V_PANELLISTS],
        "'Panellists:' (chapter V, p. 12) is followed by no items",
    ),
}


@pytest.mark.parametrize("case", INCOMPLETE)
def test_an_incomplete_parse_is_refused_and_writes_nothing(case, tmp_path, report_bytes, database_state):
    regions, problem = INCOMPLETE[case]
    path = tmp_path / "report.pdf"
    path.write_bytes(redacted(report_bytes, *regions))
    message = refusal(path)
    assert message.startswith(f"refused {path}: the parse looks incomplete: {problem}")
    assert message.endswith("(to load it anyway, use --allow-incomplete)")
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_allow_incomplete_loads_and_says_what_is_missing(tmp_path, report_bytes, db):
    path = tmp_path / "report.pdf"
    path.write_bytes(redacted(report_bytes, KARI_STEFANSSON_PRESENTATION_ITEMS))
    output = ingest(path, "--allow-incomplete")
    assert (
        "Missing (loaded anyway, --allow-incomplete): 'Presentation’s key messages:' (talk of Kari Stefansson, p. 8) "
        "is followed by no items\n"
    ) in output
    assert output.rstrip().endswith("Done.")
    stefansson = Talk.objects.get(speaker__name="Kari Stefansson")
    # The five items are the talk's paragraphs now; its other key messages are there.
    assert (len(stefansson.paragraphs), stefansson.key_messages.filter(kind="presentation").count()) == (5, 0)
    assert KeyMessage.objects.count() == 264 - 5


def test_a_dry_run_reports_the_same_problem(tmp_path, report_bytes, db):
    path = tmp_path / "report.pdf"
    path.write_bytes(redacted(report_bytes, CHAPTER_V_PANELLISTS))
    assert "'Panellists:' (chapter V, p. 12) is followed by no items" in refusal(path, "--dry-run")


def test_text_the_parser_put_nowhere_is_refused(tmp_path, report_bytes, database_state, monkeypatch):
    # A parser that forgets a paragraph (tests/ingest/child_hooks.py:lose_a_paragraph): the ledger
    # of where every block of text went finds it.
    sandbox.run_in_child("tests.ingest.child_hooks:limits", b"", sandbox.Limits())
    monkeypatch.setattr(sandbox, "PARSE_TARGET", "tests.ingest.child_hooks:lose_a_paragraph")
    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes)
    message = refusal(path)
    # The first paragraph of chapter I, as printed on p. 3: its letters, and the 6 hyphens its lines
    # end in ("Medi-", "com-", "interna-", "mi-", "Commis-", "mem-").
    first = "".join(json.loads(TRANSCRIPTION.read_text())["sessions"][0]["paragraphs"][0].split())
    assert message.startswith(
        f"refused {path}: the parse looks incomplete: {len(first) + 6} characters of body text went into no "
        "record (first on p. 3: 'The International Consortium for Personalised Medicine (I…')"
    )
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_the_ingestion_prints_what_it_kept_and_set_aside(db):
    output = ingest(REPORT_PDF, "--dry-run")
    line = next(line for line in output.splitlines() if line.startswith("Text: "))
    numbers = [int(word.replace(",", "")) for word in line.replace("(", " ").split() if word.replace(",", "").isdigit()]
    read, kept, in_records, in_labels, aside, *parts, unaccounted = numbers
    assert (kept, aside, unaccounted) == (in_records + in_labels, sum(parts), 0)
    assert read == kept + aside
    assert line.startswith(f"Text: {read:,} characters read; {kept:,} kept ({in_records:,} in records, ")
    assert "list markers" in line and "running headers and footers" in line and "contents" in line


def _twice(data: bytes) -> bytes:
    document = pymupdf.open(stream=data, filetype="pdf")
    document.insert_pdf(pymupdf.open(stream=data, filetype="pdf"))
    return document.tobytes()


def test_the_report_in_the_file_twice_is_refused(tmp_path, report_bytes, database_state):
    path = tmp_path / "twice.pdf"
    path.write_bytes(_twice(report_bytes))
    assert refusal(path) == (
        f"refused {path}: the file has a table of contents on p. 2 and again on p. 29 (is the report in the file twice?)"
    )
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_a_chapter_sequence_that_restarts_is_refused(tmp_path, report_bytes, database_state):
    # The report's chapters again, without a second contents page: the numbering restarts.
    document = pymupdf.open(stream=report_bytes, filetype="pdf")
    document.insert_pdf(pymupdf.open(stream=report_bytes, filetype="pdf"), from_page=2)
    path = tmp_path / "restart.pdf"
    path.write_bytes(document.tobytes())
    assert refusal(path) == (
        f"refused {path}: the chapter sequence restarts: chapter I on p. 28 follows chapter IX "
        "(is the report in the file twice?)"
    )
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_text_after_a_conclusions_label_that_is_not_a_list_is_kept(report_bytes, transcription):
    # Chapter VII's three conclusions printed as paragraphs (their bullets taken out, p. 23): each
    # is a recommendation of its own, not a lead-in waiting for items that never come.
    from icpermed_kb.ingest.parser import parse_document
    from icpermed_kb.ingest.pdf_text import read_document

    bullets = [pymupdf.Rect(50, 205, 62, 222), pymupdf.Rect(305, 88, 317, 104), pymupdf.Rect(305, 144, 317, 160)]
    report = parse_document(read_document(redacted(report_bytes, *[(23, rect) for rect in bullets])))
    got = [(r.kind, r.lead, r.text, r.page) for r in report.sessions[6].recommendations]
    want = [(r["kind"], r["lead"], r["text"], r["page"]) for r in transcription["sessions"][6]["recommendations"]]
    assert got == want
    assert report.problems == [] and report.accounting["unaccounted"] == 0
    assert report.accounting["list markers"] == 327 - 3


def test_a_paragraph_cut_in_two_is_a_problem(report_bytes):
    # The executive summary's first paragraph with a gap after its first line ("… Medi-" / "cine
    # (ICPerMed) …"): its rest reads as a paragraph of its own, starting in mid-word.
    import dataclasses

    from icpermed_kb.ingest.parser import parse_document
    from icpermed_kb.ingest.pdf_text import read_document

    document = read_document(report_bytes)
    page = document.pages[2]
    first = next(line for line in page.lines if line.text.startswith("The International Consortium"))

    def lowered(line):
        if line.x0 < page.width / 2 and line.y0 > first.y1:
            return dataclasses.replace(line, y0=line.y0 + 12, y1=line.y1 + 12, baseline=line.baseline + 12)
        return line

    pages = list(document.pages)
    pages[2] = dataclasses.replace(page, lines=tuple(lowered(line) for line in page.lines))
    report = parse_document(dataclasses.replace(document, pages=tuple(pages)))
    assert report.problems == [
        "a paragraph of chapter I starts in mid-sentence ('cine (ICPerMed), initiated in 2016, brings together publi…'): "
        "text was cut in two"
    ]
