"""Every class of bad input is refused with one line, a non-zero exit, and nothing written."""

import io
import json

import pymupdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from icpermed_kb.export import export_knowledge_base
from icpermed_kb.ingest import pdf_text
from tests.conftest import REPORT_PDF


def _pdf(build) -> bytes:
    document = pymupdf.open()
    build(document)
    return document.tobytes()


def _text_page(document, text="An unrelated document about gardening and tomatoes. " * 3):
    page = document.new_page()
    page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text * 10)


def _encrypted(report_bytes) -> bytes:
    document = pymupdf.open(stream=report_bytes, filetype="pdf")
    return document.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="secret")


def _scanned(report_bytes) -> bytes:
    source = pymupdf.open(stream=report_bytes, filetype="pdf")
    pixmap = source[2].get_pixmap(dpi=40)

    def build(document):
        for _ in range(3):
            document.new_page().insert_image(pymupdf.Rect(0, 0, 595, 842), pixmap=pixmap)

    return _pdf(build)


def _cut_short(report_bytes) -> bytes:
    document = pymupdf.open(stream=report_bytes, filetype="pdf")
    document.select(list(range(0, 18)))
    return document.tobytes()


BAD_INPUTS = {
    "empty": (lambda data: b"", "the file is empty"),
    "html": (lambda data: b"<!doctype html><html><body>Not a PDF</body></html>", "not a PDF"),
    "png": (lambda data: b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "not a PDF"),
    "truncated": (lambda data: data[: len(data) // 3], None),
    "corrupt": (lambda data: b"%PDF-1.7\n" + bytes(range(256)) * 40, None),
    "encrypted": (_encrypted, "encrypted"),
    "scanned": (_scanned, "no text layer"),
    "not a report": (lambda data: _pdf(_text_page), "not a workshop report"),
    "cut short": (_cut_short, "cut short"),
}


@pytest.fixture
def database_state(ingested):
    """The knowledge base as exported, to compare before and after a refused ingestion."""
    return json.dumps(export_knowledge_base(), sort_keys=True)


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_refused_and_writes_nothing(
    case, tmp_path, report_bytes, database_state, django_assert_max_num_queries
):
    make, expected = BAD_INPUTS[case]
    path = tmp_path / "input.pdf"
    path.write_bytes(make(report_bytes))
    with pytest.raises(CommandError) as raised:
        call_command("ingest_report", str(path), stdout=io.StringIO())
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"refused {path}: ")
    if expected:
        assert expected in message
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_oversized_file_is_refused_before_reading(tmp_path, database_state):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(pdf_text.MAX_BYTES + 1)  # sparse: no memory or disk spent
    with pytest.raises(CommandError, match=r"over the 50 MB limit$"):
        call_command("ingest_report", str(path), stdout=io.StringIO())
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_missing_file_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match=r"cannot read .*missing\.pdf: No such file or directory$"):
        call_command("ingest_report", str(tmp_path / "missing.pdf"), stdout=io.StringIO())


def test_failure_while_writing_rolls_back_everything(db, monkeypatch):
    from icpermed_kb.ingest import loader
    from sessions.models import Report, Session

    def explode(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader._Loader, "apply_themes", explode)
    with pytest.raises(RuntimeError):
        call_command("ingest_report", str(REPORT_PDF), stdout=io.StringIO())
    assert (Report.objects.count(), Session.objects.count()) == (0, 0)


def test_read_document_refuses_page_bombs(monkeypatch, report_bytes):
    monkeypatch.setattr(pdf_text, "MAX_PAGES", 10)
    with pytest.raises(pdf_text.RefusedDocument, match="27 pages, over the 10-page limit"):
        pdf_text.read_document(report_bytes)
