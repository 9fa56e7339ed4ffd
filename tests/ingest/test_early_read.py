"""The read that manage.py starts before Django (sandbox.start_reader): used only for the very bytes, limits and target."""

import importlib.util
import os
import subprocess
import sys
from unittest import mock

import pytest

from icpermed_kb.ingest import sandbox
from icpermed_kb.ingest.records import RefusedDocument
from tests.conftest import REPORT_PDF, ROOT


@pytest.fixture
def child_runs(monkeypatch):
    """No early read left over from elsewhere, and a record of every read a child does."""
    monkeypatch.setattr(sandbox, "_early_reads", {})
    spy = mock.Mock(wraps=sandbox.run_in_child)
    monkeypatch.setattr(sandbox, "run_in_child", spy)
    return spy


def test_the_early_read_of_the_named_file_is_the_one_the_ingestion_uses(child_runs, report_bytes):
    sandbox.start_reader(REPORT_PDF)
    report = sandbox.parse_in_child(report_bytes, sandbox.Limits())
    assert [call.args for call in child_runs.call_args_list] == [(sandbox.PARSE_TARGET, report_bytes, sandbox.Limits())]
    assert report == sandbox.run_in_child(sandbox.PARSE_TARGET, report_bytes, sandbox.Limits())
    # Used once: the same bytes asked for again are read again.
    sandbox.parse_in_child(report_bytes, sandbox.Limits())
    assert child_runs.call_count == 3


def test_other_bytes_are_read_afresh(child_runs, report_bytes, tmp_path):
    other = tmp_path / "other.pdf"
    other.write_bytes(report_bytes + b"\n% one more comment line\n")
    sandbox.start_reader(other)
    assert sandbox.parse_in_child(report_bytes, sandbox.Limits()).page_count == 27
    assert [call.args[1] for call in child_runs.call_args_list] == [other.read_bytes(), report_bytes]


def test_an_early_read_under_other_limits_or_another_target_is_not_used(child_runs, report_bytes, monkeypatch):
    sandbox.start_reader(REPORT_PDF)
    sandbox.parse_in_child(report_bytes, sandbox.Limits(memory_mb=512))
    monkeypatch.setattr(sandbox, "PARSE_TARGET", "tests.ingest.child_hooks:limits")
    assert sorted(sandbox.parse_in_child(report_bytes, sandbox.Limits())) == ["RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU"]
    assert [call.args[0] for call in child_runs.call_args_list] == [
        "icpermed_kb.ingest.child:read_and_parse",
        "icpermed_kb.ingest.child:read_and_parse",
        "tests.ingest.child_hooks:limits",
    ]
    assert [call.args[2] for call in child_runs.call_args_list] == [
        sandbox.Limits(),
        sandbox.Limits(memory_mb=512),
        sandbox.Limits(),
    ]


def test_an_early_refusal_is_the_refusal(child_runs, tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    sandbox.start_reader(empty)
    with pytest.raises(RefusedDocument) as raised:
        sandbox.parse_in_child(b"", sandbox.Limits())
    assert str(raised.value) == "the file is empty"
    assert child_runs.call_count == 1


def test_a_path_that_cannot_be_read_starts_no_read(child_runs, tmp_path):
    sandbox.start_reader(tmp_path / "missing.pdf")
    sandbox.start_reader(tmp_path)  # a directory
    assert (child_runs.call_count, sandbox._early_reads) == (0, {})


def test_at_exit_a_run_nobody_asked_for_is_stopped_once_its_child_has_its_input(child_runs, report_bytes):
    run = sandbox.start_in_child(sandbox.PARSE_TARGET, report_bytes, sandbox.Limits())
    sandbox._abandon_unclaimed()  # what the interpreter's exit runs
    with pytest.raises(RefusedDocument):  # killed before it could parse: not the report
        run.result()
    assert child_runs.call_count == 1


def _manage_module():
    spec = importlib.util.spec_from_file_location("manage_under_test", ROOT / "manage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # its entry point is guarded: this only defines _named_pdf
    return module


@pytest.mark.parametrize(
    "arguments, path",
    [
        (["report.pdf"], "report.pdf"),
        (["--dry-run", "report.pdf", "--allow-shrink"], "report.pdf"),
        (["-v", "2", "--settings", "icpermed_kb.settings", "report.pdf"], "report.pdf"),
        (["--pythonpath=/srv", "--traceback", "report.pdf"], "report.pdf"),
        (["--settings"], None),
        (["--help"], None),
        ([], None),
    ],
)
def test_manage_py_tells_the_named_pdf_without_django(arguments, path):
    assert _manage_module()._named_pdf(arguments) == path


def test_the_command_reads_the_same_with_the_head_start(tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"  # a dry run writes nothing
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_report", "--dry-run", str(REPORT_PDF)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert (lines[0], lines[1], lines[-1]) == (
        f"Reading {REPORT_PDF.name} ({REPORT_PDF.stat().st_size:,} bytes)",
        "Read 27 pages",
        "Dry run: nothing written.",
    )
    missing = subprocess.run(
        [sys.executable, "manage.py", "ingest_report", str(tmp_path / "missing.pdf")],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == f"CommandError: refused {tmp_path / 'missing.pdf'}: cannot read {tmp_path / 'missing.pdf'}: No such file or directory\n"


def test_a_head_start_the_command_does_not_need_ends_with_it(tmp_path):
    """The second ingestion of the same file takes the short cut: the early read is left unused and the command exits cleanly."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kb.sqlite3'}"

    def manage(*arguments):
        return subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
        )

    assert manage("migrate", "--verbosity", "0").returncode == 0
    first = manage("ingest_report", str(REPORT_PDF))
    assert (first.returncode, first.stderr, first.stdout.splitlines()[-1]) == (0, "", "Done.")
    again = manage("ingest_report", str(REPORT_PDF))
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.splitlines() == [
        f"Reading {REPORT_PDF.name} ({REPORT_PDF.stat().st_size:,} bytes)",
        "Loaded before from this very file, and nothing has changed since: not read again",
        "Done: nothing changed.",
    ]
