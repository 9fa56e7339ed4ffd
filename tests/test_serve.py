"""`make run` (python -m icpermed_kb.serve): the set-up steps say what they did and do only what is needed,
then gunicorn serves the site with debug off (the site's own 404 page, whitenoise's static files)
and stops on SIGINT (Ctrl-C). `make dev` runs Django's development server with debug on.

Each run is a real process on a free port, with its own SQLite database, secret key file and
static files directory under tmp_path. The waits below are deadlines for a failure, not timings.
"""

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from unittest import mock

import pytest
from django.db.migrations.loader import MigrationLoader

from tests.conftest import ROOT

DEADLINE_SECONDS = 180  # a loaded 2-core machine migrates, ingests and boots in well under this


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One `python -m icpermed_kb.serve` process, its output in a file."""

    def __init__(self, tmp_path, *args: str):
        self.port = free_port()
        self.log = tmp_path / f"serve-{self.port}.log"
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
        environment.pop("DATABASE_URL", None)
        environment |= {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_SECRET_KEY_FILE": str(tmp_path / "secret-key"),
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "WEB_CONCURRENCY": "1",
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "icpermed_kb.serve", "--bind", f"127.0.0.1:{self.port}", *args],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a terminal's foreground job
            )
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        pytest.fail(f"nothing answered on {self.url} within {DEADLINE_SECONDS} s:\n{self.output()}")

    def get(self, path: str):
        """(status, headers, body) of GET path."""
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as response:
                return response.status, response.headers, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", errors="replace")

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT to the whole process group, as a terminal sends it; the exit status."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(DEADLINE_SECONDS)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def set_up_lines(self) -> list[str]:
        """The lines before the server's own log: what the set-up did."""
        lines = self.output().splitlines()
        return lines[: next(i for i, line in enumerate(lines) if line.startswith("Serving ")) + 1]


def all_migrations() -> int:
    return len(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """`make run` on a fresh machine (no database, no secret key, no static files): started,
    asked for a missing page, the home page and its stylesheet, then stopped with Ctrl-C."""
    directory = tmp_path_factory.mktemp("site")
    server = Server(directory)
    try:
        server.wait_until_serving()
        server.answers = {path: server.get(path) for path in ("/no-such-page/", "/")}
        stylesheets = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', server.answers["/"][2])
        server.answers["stylesheet"] = server.get(stylesheets[0]) if len(stylesheets) == 1 else stylesheets
        server.exit_status = server.interrupt()
    finally:
        server.stop()
    server.directory = directory
    return server


def test_the_first_run_sets_everything_up_and_says_so(first_run):
    lines = first_run.set_up_lines()
    assert lines[:2] == [
        "Secret key: generated into secret-key (git-ignored; keep it private)",
        f"Database (SQLite, db.sqlite3): {all_migrations()} migrations applied",
    ]
    assert re.fullmatch(r"Static files \(static/\): collected, \d+ files", lines[2])
    assert re.fullmatch(
        r"Report \(icpermed-workshop-2023-siena\.pdf\): ingested, [\d,]+ rows created, 0 rows updated, 0 rows deleted",
        lines[3],
    )
    assert lines[4:] == [f"Serving {first_run.url}/ with gunicorn (debug off; Ctrl-C stops)"]
    assert "Starting gunicorn" in first_run.output()
    secret = first_run.directory / "secret-key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_text(encoding="utf-8").strip()) >= 50


def test_it_serves_with_debug_off(first_run):
    status, _, body = first_run.answers["/no-such-page/"]
    assert status == 404
    assert "<h1>Page not found</h1>" in body  # the site's page, not Django's debug page:
    assert "URLconf" not in body and "DEBUG = True" not in body
    assert first_run.answers["/"][0] == 200
    status, headers, _ = first_run.answers["stylesheet"]  # hashed by the manifest, served by whitenoise
    assert (status, headers["Cache-Control"]) == (200, "max-age=315360000, public, immutable")


def test_ctrl_c_stops_it(first_run):
    assert first_run.exit_status == 0
    assert "Shutting down: Master" in first_run.output()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", first_run.port), timeout=5).close()


def test_a_second_run_with_nothing_changed_redoes_nothing(first_run):
    key = (first_run.directory / "secret-key").read_text(encoding="utf-8")
    second = Server(first_run.directory)
    try:
        second.wait_until_serving()
        assert second.interrupt() == 0
    finally:
        second.stop()
    assert second.set_up_lines() == [
        "Database (SQLite, db.sqlite3): up to date",
        "Static files (static/): up to date",
        "Report (icpermed-workshop-2023-siena.pdf): loaded before, nothing changed",
        f"Serving {second.url}/ with gunicorn (debug off; Ctrl-C stops)",
    ]
    assert (first_run.directory / "secret-key").read_text(encoding="utf-8") == key  # generated once, then kept


def test_make_dev_serves_with_debug_on(first_run):
    server = Server(first_run.directory, "--dev")
    try:
        server.wait_until_serving()
        status, _, body = server.get("/no-such-page/")
        server.interrupt()
    finally:
        server.stop()
    assert status == 404
    assert "Using the URLconf defined in" in body  # Django's debug page
    assert server.set_up_lines() == [
        "Database (SQLite, db.sqlite3): up to date",
        "Report (icpermed-workshop-2023-siena.pdf): loaded before, nothing changed",
        f"Serving {server.url}/ with Django's development server (debug on, reloads on changes; Ctrl-C stops)",
    ]


@pytest.mark.django_db
def test_the_500_page_is_the_sites_and_needs_no_database(client):
    client.raise_request_exception = False
    with mock.patch("icpermed_kb.web.views.site.connection.cursor", side_effect=RuntimeError("boom")):
        response = client.get("/healthz")
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()
