"""A zero-downtime upgrade (issue 15, item 6): gunicorn replaced by deploy/upgrade_gunicorn.py while
clients keep asking, on both engines; not one request refused, reset or answered other than 200.

A real gunicorn with the project's configuration serves the test database; two clients send one
request per connection (as through the reverse proxy: keep-alive is off) the whole time; the
upgrade starts a new master on the same socket and stops the old one gracefully. Stopping and
starting gunicorn instead refused connections for 2-3 s (issue 15).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from deploy.upgrade_gunicorn import alive
from tests.conftest import ROOT, test_database_url
from tests.factories import build_knowledge_base

UPGRADE = ROOT / "deploy" / "upgrade_gunicorn.py"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(root: Path, tmp_path: Path):
    """gunicorn on a free port with a pidfile, serving the project in `root` over the test database;
    stopped at the end, whichever master then runs."""
    port, pidfile, log = free_port(), tmp_path / "gunicorn.pid", tmp_path / "gunicorn.log"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))} | {
        "DATABASE_URL": test_database_url(),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_PIDFILE": str(pidfile),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "python:icpermed_kb.gunicorn_config", "icpermed_kb.wsgi"],
            cwd=root, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                    if response.status == 200 and pidfile.exists():
                        break
            except OSError:
                time.sleep(0.2)
        yield base, pidfile, log
    finally:
        masters = {process.pid} | {int(path.read_text()) for path in (pidfile, Path(f"{pidfile}.2")) if path.exists()}
        for pid in masters:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)  # a master we started (or the one our upgrade started)
        deadline = time.monotonic() + 40
        while any(alive(pid) for pid in masters) and time.monotonic() < deadline:
            time.sleep(0.2)
        if any(alive(pid) for pid in masters):
            os.killpg(process.pid, signal.SIGKILL)  # its own session, started above
        process.wait()


@pytest.fixture
def built(transactional_db):
    return build_knowledge_base(1)


class Clients:
    """Clients that ask in a loop, a new connection per request, and note every answer or failure."""

    def __init__(self, base: str, paths: list[str], count: int = 2):
        self.base, self.paths = base, paths
        self.outcomes: list[str | int] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(count)]
        for thread in self.threads:
            thread.start()

    def run(self, offset: int):
        n = offset
        while not self.stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            try:
                with urllib.request.urlopen(self.base + path, timeout=20) as response:
                    response.read()
                    self.outcomes.append(response.status)
            except urllib.error.HTTPError as error:
                self.outcomes.append(error.code)
            except OSError as error:  # refused, reset, timed out
                self.outcomes.append(f"{path}: {type(error).__name__}: {error}")

    def finish(self) -> list:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        return self.outcomes


def test_an_upgrade_refuses_no_request(built, tmp_path):
    with running_server(ROOT, tmp_path) as (base, pidfile, log):
        old = int(pidfile.read_text())
        clients = Clients(base, ["/healthz", built.talks[0].get_absolute_url(), "/key-messages/", "/index.json"])
        time.sleep(1)
        before = len(clients.outcomes)
        upgrade = subprocess.run([sys.executable, str(UPGRADE), str(pidfile)], capture_output=True, text=True, timeout=180)
        during = len(clients.outcomes) - before
        new = int(pidfile.read_text())  # at once: when the script returns, the pidfile names the new master
        time.sleep(1)
        outcomes = clients.finish()
        assert (upgrade.returncode, upgrade.stderr) == (0, ""), log.read_text()[-3000:]
        assert upgrade.stdout.splitlines()[-1].startswith("old master gone after ")
        assert upgrade.stdout.splitlines()[-1].endswith(f": upgraded, master {new}")
        assert (new != old, alive(new), alive(old)) == (True, True, False)
        assert [outcome for outcome in outcomes if outcome != 200] == []
        assert during > 10  # clients were answered all through the upgrade


def test_a_release_that_cannot_start_leaves_the_old_server_serving(built, tmp_path):
    release = tmp_path / "release"
    shutil.copytree(ROOT, release, ignore=shutil.ignore_patterns(".venv", ".git", "staticfiles", "db.sqlite3*", "__pycache__", "artifacts"))
    with running_server(release, tmp_path) as (base, pidfile, log):
        old = int(pidfile.read_text())
        wsgi = release / "icpermed_kb" / "wsgi.py"
        wsgi.write_text(wsgi.read_text() + '\nraise RuntimeError("a broken release")\n')
        clients = Clients(base, ["/healthz", built.talks[0].get_absolute_url()])
        upgrade = subprocess.run(
            [sys.executable, str(UPGRADE), str(pidfile), "--timeout", "15"], capture_output=True, text=True, timeout=120
        )
        outcomes = clients.finish()
        assert (upgrade.returncode, upgrade.stderr) == (
            1,
            "upgrade failed: the new master did not start within 15 s (see gunicorn's log); the old one still serves\n",
        )
        assert (alive(old), int(pidfile.read_text())) == (True, old)
        assert "Error: a broken release" in log.read_text()  # the new master's own words, in the log
        assert [outcome for outcome in outcomes if outcome != 200] == []
        assert len(outcomes) > 10
