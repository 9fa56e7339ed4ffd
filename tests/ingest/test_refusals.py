"""Every class of bad input is refused with one line, a non-zero exit, and nothing written."""

import io
import json
import signal
import time
import zlib

import pymupdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from icpermed_kb.export import export_knowledge_base
from icpermed_kb.ingest import pdf_text, sandbox
from icpermed_kb.ingest.records import RefusedDocument
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


def _owner_password_only(report_bytes, permissions: int = -1) -> bytes:
    """AES-256 with an owner password and no user password: anyone can open it."""
    document = pymupdf.open(stream=report_bytes, filetype="pdf")
    return document.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", permissions=permissions)


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
    "encrypted": (_encrypted, "the PDF is encrypted"),
    "copying forbidden": (
        lambda data: _owner_password_only(data, permissions=pymupdf.PDF_PERM_PRINT),
        "the PDF's permissions forbid copying its text (owner-password protected)",
    ),
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


def test_a_file_with_only_an_owner_password_is_read(tmp_path, report_bytes, db):
    # Encryption that needs no password to open (an owner password restricting editing) keeps no
    # reader out; only a file that needs a password, or forbids copying its text, is refused.
    path = tmp_path / "owner-only.pdf"
    path.write_bytes(_owner_password_only(report_bytes))
    assert pymupdf.open(path).metadata["encryption"] == "Standard V5 R6 256-bit AES"
    out = io.StringIO()
    call_command("ingest_report", str(path), stdout=out)
    assert out.getvalue().rstrip().endswith("Done.")
    assert json.loads(json.dumps(export_knowledge_base()))["reports"][0]["source"]["filename"] == "owner-only.pdf"


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


def test_content_the_database_refuses_is_a_refusal_and_rolls_back(tmp_path, report_bytes, database_state, monkeypatch):
    from django.db import DataError

    from icpermed_kb.ingest import loader

    def too_long(self, *args, **kwargs):
        raise DataError("value too long for type character varying(300)\n")

    monkeypatch.setattr(loader._Loader, "apply_themes", too_long)
    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes)
    with pytest.raises(CommandError) as raised:
        call_command("ingest_report", str(path), stdout=io.StringIO())
    assert str(raised.value) == (
        f"refused {path}: the report's content cannot be stored (value too long for type character varying(300))"
    )
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_read_document_refuses_page_bombs(monkeypatch, report_bytes):
    monkeypatch.setattr(pdf_text, "MAX_PAGES", 10)
    with pytest.raises(pdf_text.RefusedDocument, match="27 pages, over the 10-page limit"):
        pdf_text.read_document(report_bytes)


# The reader's child process (icpermed_kb/ingest/sandbox.py): time, memory and crashes.

HOOKS = "tests.ingest.child_hooks"


def _text_bomb(characters: int) -> bytes:
    """A 43 KB PDF whose one page shows `characters` characters: seconds and gigabytes to extract."""
    line = b"(" + b"A" * 1000 + b") Tj\n"
    content = b"BT /F1 1 Tf 10 10 Td\n" + line * (characters // 1000) + b"ET"
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def warm_reader():
    """The fork server started and warm, so that timings measure the child alone."""
    sandbox.run_in_child(f"{HOOKS}:limits", b"", sandbox.Limits())


@pytest.fixture
def reader(monkeypatch, warm_reader):
    """Replace what the child runs with one of tests/ingest/child_hooks.py's stand-ins."""

    def use(name: str) -> None:
        monkeypatch.setattr(sandbox, "PARSE_TARGET", f"{HOOKS}:{name}")

    return use


def _refusal(path, *options) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("ingest_report", str(path), *options, stdout=io.StringIO())
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_a_parse_that_runs_too_long_is_stopped_and_refused(tmp_path, report_bytes, database_state, settings, reader):
    settings.INGEST_TIMEOUT_SECONDS = 0.5
    reader("sleep")
    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes)
    start = time.monotonic()
    message = _refusal(path)
    assert time.monotonic() - start < 0.5 + 2
    assert message == f"refused {path}: parsing took longer than 0.5 s: the file was stopped"
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_an_expensive_pdf_is_stopped_on_a_dry_run_too(tmp_path, db, settings, warm_reader):
    settings.INGEST_TIMEOUT_SECONDS = 0.5
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_text_bomb(20_000_000))  # about 3 s of MuPDF's time without the limit
    start = time.monotonic()
    message = _refusal(path, "--dry-run")
    assert time.monotonic() - start < 0.5 + 2
    assert message == f"refused {path}: parsing took longer than 0.5 s: the file was stopped"


def test_a_pdf_that_needs_too_much_memory_is_refused(tmp_path, database_state, settings, warm_reader):
    settings.INGEST_MEMORY_MB = 64
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_text_bomb(20_000_000))  # MuPDF's allocations fail under the cap
    assert _refusal(path) == f"refused {path}: parsing needed more than 64 MB of memory"
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_the_memory_cap_stops_python_allocations_too(tmp_path, report_bytes, db, settings, reader):
    settings.INGEST_MEMORY_MB = 64
    reader("allocate")
    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes)
    assert _refusal(path) == f"refused {path}: parsing needed more than 64 MB of memory"


def test_the_report_parses_within_a_small_memory_cap(settings, report_bytes, warm_reader):
    settings.INGEST_MEMORY_MB = 64
    assert sandbox.parse_in_child(report_bytes).page_count == 27


def test_a_crash_of_the_reader_is_refused(tmp_path, report_bytes, database_state, reader):
    reader("segfault")
    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes)
    assert _refusal(path) == f"refused {path}: the PDF crashed the reader (signal 11: SIGSEGV)"
    assert json.dumps(export_knowledge_base(), sort_keys=True) == database_state


def test_a_bug_in_the_reader_is_refused_and_its_traceback_kept(tmp_path, report_bytes, db, reader):
    from icpermed_kb.ingest.pipeline import ingest

    reader("fail")
    path = tmp_path / "report.pdf"
    path.write_bytes(report_bytes)
    with pytest.raises(RefusedDocument) as raised:
        ingest(path)
    assert str(raised.value) == "the PDF could not be read: the reader failed (KeyError: 'a bug in the parser')"
    assert isinstance(raised.value.__cause__, sandbox.ChildFailure)
    assert "child_hooks.py" in str(raised.value.__cause__)  # the child's traceback, for whoever debugs it


def test_the_child_runs_under_the_configured_limits(warm_reader):
    limits = sandbox.run_in_child(f"{HOOKS}:limits", b"", sandbox.Limits(timeout=2.5, memory_mb=100))
    address_space, _ = limits["RLIMIT_AS"]
    assert limits["RLIMIT_AS"] == (address_space, address_space)
    assert 100 * 2**20 < address_space < 1100 * 2**20  # 100 MB on top of the warm reader's own
    assert limits["RLIMIT_CPU"] == (4, 5)  # the backstop: SIGXCPU, then SIGKILL
    assert limits["RLIMIT_CORE"] == (0, 0)


def test_the_limits_come_from_settings(settings):
    settings.INGEST_TIMEOUT_SECONDS = 12
    settings.INGEST_MEMORY_MB = 300
    assert sandbox.Limits.from_settings() == sandbox.Limits(timeout=12.0, memory_mb=300)


@pytest.mark.parametrize(
    ("exitcode", "reason"),
    [
        (-signal.SIGXCPU, "parsing took longer than 60 s: the file was stopped"),
        (-signal.SIGKILL, "parsing needed more than 2048 MB of memory"),
        (86, "parsing needed more than 2048 MB of memory"),
        (-signal.SIGABRT, "the PDF crashed the reader (signal 6: SIGABRT)"),
        (1, "the PDF reader stopped unexpectedly (exit status 1)"),
    ],
)
def test_how_the_child_ended_names_the_refusal(exitcode, reason):
    assert sandbox._exit_reason(exitcode, sandbox.Limits()) == reason
