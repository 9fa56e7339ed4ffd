"""Editors and ingestions never lose each other's work (issue 15, items 2 and 3), on both engines.

Each test runs a real ingestion — the ingest_report command in another process
(overlapping_ingestion.py) — against this test database, stops it inside its write phase, and
meanwhile drives the real admin views through Django's test client, in threads where a request
must be seen waiting. Before the write lock (icpermed_kb/write_turns.py), on PostgreSQL the editor's
saves went through at once and the ingestion then undid them from what it had read before (themes
came back, a deleted item was re-created under a new id, its theme rows were left behind); on
SQLite they answered 500 "database is locked", and of two ingestions the second died with a traceback.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.test import Client
from django.urls import reverse

from icpermed_kb.models import ThemedItem, Tombstone
from icpermed_kb.models import editable as editing
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import SessionRole, Speaker
from tests.admin.conftest import form_data
from tests.conftest import REPORT_PDF, ROOT, test_database_url

pytestmark = pytest.mark.django_db(transaction=True)

DRIVER = Path(__file__).with_name("overlapping_ingestion.py")
EDITED = "Over 10,000 patients have been treated with proton therapy at PSI, as an editor wrote during an ingestion."
SLOW = 240  # seconds: the most any step may take on a loaded machine (parsing alone takes ~1-8 s)


class Ingestion:
    """`ingest_report` of the bundled report in another process; its output read line by line as it comes."""

    def __init__(self, pause: str | None, wait: float):
        environment = os.environ | {
            "DATABASE_URL": test_database_url(),
            "DJANGO_SETTINGS_MODULE": "icpermed_kb.settings",
            "INGEST_WAIT_SECONDS": str(wait),
            "PYTHONUNBUFFERED": "1",
        }
        command = [sys.executable, str(DRIVER), str(REPORT_PDF), *(["--pause", pause] if pause else [])]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.output: list[str] = []
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, text: str) -> None:
        """Until the ingestion prints a line containing `text` (it fails the test if it ends first)."""
        deadline = time.monotonic() + SLOW
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"the ingestion ended without printing {text!r}: {self.finish()}")
            if text in line:
                return

    def resume(self) -> None:
        self.process.stdin.write("\n")
        self.process.stdin.flush()

    def finish(self) -> tuple[int, str, str]:
        """(exit status, last line of standard output, standard error)."""
        self.process.stdin.close()
        stderr = self.process.stderr.read()
        status = self.process.wait(SLOW)
        self.reader.join(SLOW)
        return status, (self.output or [""])[-1], stderr


@pytest.fixture
def ingestions():
    """Start ingestions in other processes; any still running at the end is stopped."""
    started: list[Ingestion] = []

    def start(pause: str | None = None, wait: float = SLOW) -> Ingestion:
        ingestion = Ingestion(pause, wait)
        started.append(ingestion)
        return ingestion

    yield start
    for ingestion in started:
        if ingestion.process.poll() is None:
            ingestion.process.kill()
            ingestion.process.wait()
        for stream in (ingestion.process.stdin, ingestion.process.stdout, ingestion.process.stderr):
            if not stream.closed:
                stream.close()


class InThread:
    """A request made in its own thread (with its own database connection), to be seen waiting."""

    def __init__(self, request):
        self.response = self.error = None
        self.thread = threading.Thread(target=self._run, args=(request,), daemon=True)
        self.thread.start()

    def _run(self, request):
        try:
            self.response = request()
        except BaseException as error:  # a view's exception: the test client raises what would be a 500
            self.error = error
        finally:
            connections.close_all()

    @property
    def waiting(self) -> bool:
        return self.thread.is_alive()

    def result(self):
        self.thread.join(SLOW)
        assert not self.thread.is_alive(), "the request never finished"
        if self.error is not None:
            raise self.error
        return self.response


@pytest.fixture
def report(transactional_db):
    """The bundled report, ingested and committed (the other process must see it).

    Its short-cut record is forgotten, so that the other process's ingestion of the same file reads
    and writes it again — the write phase these tests overlap — instead of answering "nothing changed".
    """
    from icpermed_kb.ingest.pipeline import ingest
    from icpermed_kb.models import FileIngestion

    ingest(REPORT_PDF)
    FileIngestion.objects.all().delete()
    return Report.objects.get()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def themed_messages() -> tuple[KeyMessage, KeyMessage]:
    first, second = KeyMessage.objects.filter(talk__isnull=False, themes__isnull=False).distinct().order_by("pk")[:2]
    return first, second


def change_url(item) -> str:
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])


def delete_url(item) -> str:
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_delete", args=[item.pk])


def orphan_theme_rows() -> list[tuple[str, int]]:
    """Theme rows whose item no longer exists (taggit's generic relation has no foreign key to cascade)."""
    orphans = []
    for model in (Talk, KeyMessage, Recommendation):
        content_type = ContentType.objects.get_for_model(model)
        rows = ThemedItem.objects.filter(content_type=content_type).exclude(object_id__in=model.objects.values("pk"))
        orphans += [(model.__name__, object_id) for object_id in rows.values_list("object_id", flat=True)]
    return orphans


def counts() -> dict[str, int]:
    models = (Report, Session, Talk, KeyMessage, Recommendation, Speaker, SessionRole, ThemedItem)
    return {model.__name__: model.objects.count() for model in models}


def test_a_theme_change_and_a_delete_during_the_write_phase_wait_for_it_and_are_kept(report, editor, ingestions, settings):
    settings.EDIT_WAIT_SECONDS = SLOW
    message, doomed = themed_messages()
    doomed_key = editing.natural_key(doomed)
    changer, deleter = logged_in(editor), logged_in(editor)
    data = form_data(changer.get(change_url(message)))
    data["themes"] = []  # the editor unticks every rule theme

    ingestion = ingestions(pause="themes")  # every row read and written, the themes not yet applied
    ingestion.wait_for("PAUSED")
    assert Client().get("/key-messages/").status_code == 200  # readers are not held up meanwhile
    save = InThread(lambda: changer.post(change_url(message), data))
    delete = InThread(lambda: deleter.post(delete_url(doomed), {"post": "yes"}))
    time.sleep(2)
    waited = (save.waiting, delete.waiting)
    ingestion.resume()

    outcome = ingestion.finish()
    assert (save.result().status_code, delete.result().status_code) == (302, 302)
    message.refresh_from_db()
    assert (list(message.themes.all()), "themes" in message.edited_fields) == ([], True)
    assert not KeyMessage.objects.filter(session_id=doomed.session_id, talk_id=doomed.talk_id, order=doomed.order).exists()
    assert Tombstone.objects.filter(model="workshop_sessions.keymessage", key=doomed_key).count() == 1
    assert orphan_theme_rows() == []
    assert outcome == (0, "Done: nothing changed.", "")
    assert waited == (True, True)  # both waited for the ingestion's commit


def test_an_item_deleted_during_the_write_phase_is_not_brought_back(report, editor, ingestions, settings):
    settings.EDIT_WAIT_SECONDS = SLOW
    _, doomed = themed_messages()
    deleter = logged_in(editor)
    ingestion = ingestions(pause="load")  # the load has just begun: tombstones read
    ingestion.wait_for("PAUSED")
    delete = InThread(lambda: deleter.post(delete_url(doomed), {"post": "yes"}))
    time.sleep(2)
    waited = delete.waiting
    ingestion.resume()

    outcome = ingestion.finish()
    assert delete.result().status_code == 302
    assert not KeyMessage.objects.filter(session_id=doomed.session_id, talk_id=doomed.talk_id, order=doomed.order).exists()
    assert orphan_theme_rows() == []
    assert outcome == (0, "Done: nothing changed.", "")
    assert waited is True


def test_a_save_that_meets_a_long_write_phase_comes_back_with_a_message_and_loses_nothing(report, editor, ingestions, settings):
    settings.EDIT_WAIT_SECONDS = 1
    message, doomed = themed_messages()
    original = message.text
    client = logged_in(editor)
    data = form_data(client.get(change_url(message)))
    data["text"] = EDITED
    ingestion = ingestions(pause="load")
    ingestion.wait_for("PAUSED")

    refused = client.post(change_url(message), data)
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.non_field_errors()) == [
        "An ingestion is writing to the knowledge base (still after 1 s), so your changes were not saved yet. "
        "Nothing is lost: they are still in this form. Press Save again in a minute."
    ]
    assert f">\n{EDITED}</textarea>" in refused.content.decode()  # what the editor typed is still in the form
    deleted = client.post(delete_url(doomed), {"post": "yes"})
    action = client.post(
        reverse("admin:workshop_sessions_keymessage_changelist"),
        {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
    )
    assert (deleted.status_code, deleted["Location"]) == (302, delete_url(doomed))
    assert (action.status_code, action["Location"]) == (302, reverse("admin:workshop_sessions_keymessage_changelist"))
    shown = [str(m) for m in client.get(deleted["Location"]).context["messages"]]
    assert shown == [
        "An ingestion is writing to the knowledge base (still after 1 s), so the item was not deleted. "
        "Nothing was changed: try again in a minute.",
        "An ingestion is writing to the knowledge base (still after 1 s), so the action was not carried out. "
        "Nothing was changed: try again in a minute.",
    ]
    message.refresh_from_db()
    assert (message.text, KeyMessage.objects.filter(pk=doomed.pk).exists()) == (original, True)
    # Reading the admin needs no turn: lists, forms, history and a revert form open meanwhile.
    history = message.history.order_by("history_id").first()
    meta = f"admin:{message._meta.app_label}_{message._meta.model_name}"
    pages = [
        reverse(f"{meta}_changelist"),
        change_url(message),
        reverse(f"{meta}_history", args=[message.pk]),
        reverse(f"{meta}_simple_history", args=[message.pk, history.history_id]),
    ]
    started = time.monotonic()
    assert [client.get(page).status_code for page in pages] == [200, 200, 200, 200]
    assert time.monotonic() - started < 10

    ingestion.resume()
    assert ingestion.finish() == (0, "Done: nothing changed.", "")
    assert client.post(change_url(message), data).status_code == 302  # the same form, saved again
    message.refresh_from_db()
    assert message.text == EDITED


def test_a_second_ingestion_refuses_in_one_line_or_waits_its_turn(transactional_db, ingestions, parsed_report):
    first = ingestions(pause="load")  # into an empty database: it creates everything
    first.wait_for("PAUSED")
    impatient = ingestions(wait=1)
    status, _, stderr = impatient.finish()
    assert (status, stderr.splitlines()) == (
        1,
        [
            f"CommandError: {REPORT_PDF}: another ingestion is running (the database stayed busy for 1 s): "
            "nothing was written; try again when it has finished"
        ],
    )
    patient = ingestions()
    patient.wait_for("waiting for it")
    first.resume()
    assert first.finish() == (0, "Done.", "")
    once = counts()
    assert patient.finish() == (0, "Done: nothing changed.", "")
    assert counts() == once
    assert (once["Report"], once["Talk"], once["KeyMessage"]) == (1, len(parsed_report.talks()), len(parsed_report.key_messages()))
