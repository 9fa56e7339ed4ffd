"""Load test: the production server (gunicorn, DJANGO_DEBUG=false) under 50 concurrent clients, on SQLite and PostgreSQL.

    .venv/bin/python tests/benchmarks/load_test.py                        # both engines, 50 connections, 60 s
    .venv/bin/python tests/benchmarks/load_test.py --engines sqlite --duration 20 --per-url 0 --output -

Writes tests/benchmarks/load-results.md (`--output -`: print it instead). Not a test (pytest does
not collect this file): the numbers depend on the machine, so they are committed with the command.
Needs wrk (`apt-get install -y wrk`) and, for PostgreSQL, the local cluster and CI's role
(`icpermed` / `icpermed-ci` on 127.0.0.1:5432; `--postgres` or $LOAD_POSTGRES_URL for another
role, whose database name is replaced by icpermed_load). Exits 1 when any request failed, in any
run, warm-up included (a socket error, a timeout or any status outside 200-299) or when clients
got no answer at all, 2 when it cannot run. On a shared machine it raises its priority when
allowed (nice -10, see boost_priority).

For each engine, end to end: a fresh database (a temporary SQLite file; PostgreSQL: the database
`icpermed_load`, dropped and re-created, never the development database), `migrate`, `ingest_report`
of the bundled report, `collectstatic` (whitenoise's manifest storage, as in production, into the
project's git-ignored staticfiles/), then gunicorn with icpermed_kb/gunicorn_config.py and the
production settings — DJANGO_DEBUG=false, a random secret, DJANGO_ALLOWED_HOSTS=127.0.0.1 — on a
free port of 127.0.0.1. The HTTPS settings (SSL redirect, secure cookies, HSTS) are turned off:
the test talks plain HTTP on the loopback, where a redirect to https:// would answer every request
with a 301. Once /healthz answers, wrk runs a 5 s warm-up (not counted), then the measured runs:
--connections keep-alive connections for --duration seconds over the URL mix (`mix()`, one request
after another per connection, rotating; tests/benchmarks/load_mix.lua), once as it is (pages come
from the page cache after their first request) and once with every URL made unique (every request
rendered); then each URL of the mix alone for --per-url seconds: rendered with 1 connection (the
page's own rendering time), as it is with 1 connection, and as it is with --connections (its
throughput). gunicorn is stopped at the end, also on an error or Ctrl-C. WEB_CONCURRENCY and
GUNICORN_THREADS, if set, pass through to gunicorn_config.py. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench_postgres import fresh_database

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LUA = HERE / "load_mix.lua"
RESULTS = HERE / "load-results.md"
PYTHON = sys.executable
CI_POSTGRES = "postgres://icpermed:icpermed-ci@127.0.0.1:5432/icpermed"
LOAD_DATABASE = "icpermed_load"
REPORT_PDF = "fixtures/icpermed-workshop-2023-siena.pdf"
WARM_UP_SECONDS = 5
TARGET_P99_MS = 250
PRIORITY = -10

# Search queries of the mix: two words, a phrase, a stemmed word, OR, an exclusion.
SEARCHES = ["data sharing", '"digital twins"', "regulators", "IVDR OR MDR", "genomics -cancer"]

# Which items the mix visits, picked from the ingested report (the same on both engines): the
# session, talk and speaker with the most key messages, and the two themes most often found
# together on that session's key messages.
PICK = """
import json
from collections import Counter
from itertools import combinations
from django.db.models import Count
from sessions.models import KeyMessage, Session, Talk
from speakers.models import Speaker

session = Session.objects.annotate(n=Count("key_messages")).order_by("-n", "pk").first()
talk = Talk.objects.annotate(n=Count("key_messages")).order_by("-n", "pk").first()
speaker = Speaker.objects.annotate(n=Count("talks__key_messages")).order_by("-n", "pk").first()
pairs = Counter()
for message in KeyMessage.objects.filter(session=session).prefetch_related("themes"):
    pairs.update(combinations(sorted(theme.slug for theme in message.themes.all()), 2))
(themes, _), = pairs.most_common(1)
print("PICKED " + json.dumps({"session": session.number.lower(), "talk": talk.pk, "speaker": speaker.slug,
                              "themes": list(themes)}))
"""


def mix(picked: dict) -> list[tuple[str, str]]:
    """(label, path) of every URL the load rotates over: HTML pages, then JSON twins."""
    session, talk, speaker = picked["session"], picked["talk"], picked["speaker"]
    filtered = urlencode([("theme", theme) for theme in picked["themes"]] + [("session", session)])
    return [
        ("home", "/"),
        ("session", f"/sessions/{session}/"),
        ("talk", f"/talks/{talk}/"),
        ("speaker", f"/speakers/{speaker}/"),
        ("key messages, 2 themes + session", f"/key-messages/?{filtered}"),
        *[(f"search `{query}`", "/search/?" + urlencode({"q": query})) for query in SEARCHES],
        ("home JSON", "/index.json"),
        ("talk JSON", f"/talks/{talk}.json"),
        ("key messages JSON, 2 themes + session", f"/key-messages.json?{filtered}"),
        ("search JSON `data sharing`", "/search.json?" + urlencode({"q": "data sharing"})),
    ]


class CannotRun(Exception):
    """The load test could not be set up (no wrk, no database, the server did not start)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the measured run (default 60)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--per-url", type=int, default=5, help="seconds per URL alone, per run (0: skip)")
    parser.add_argument("--postgres", default=os.environ.get("LOAD_POSTGRES_URL", CI_POSTGRES))
    parser.add_argument("--output", default=str(RESULTS), help="results file ('-': standard output)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    previous_nice = boost_priority()
    args.boosted = previous_nice is not None
    results = []
    try:
        for engine in args.engines:
            print(f"== {engine}", file=sys.stderr, flush=True)
            results.append(run_engine(engine, args))
    except CannotRun as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 2
    finally:
        if args.boosted:
            set_autogroup_nice(os.getpid(), previous_nice)  # the calling shell's session shares it
    command = " ".join(["python tests/benchmarks/load_test.py", *sys.argv[1:]])
    if args.output == "-":
        print(report(results, command, args, ""))
    else:
        output = Path(args.output)
        findings = output.read_text(encoding="utf-8").partition(FINDINGS)[2] if output.exists() else ""
        output.write_text(report(results, command, args, findings), encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    failed = 0
    for r in results:
        errors = sum(errors_of(run) for run in all_runs(r))
        failed += errors
        print(f"{r['engine']}: {summary_line(r['mix'])}; failed requests in all runs: {errors}", file=sys.stderr)
        for key, name in RUNS.items():
            if starved(r[key], args.connections):
                failed += 1
                print(f"{r['engine']} {name}: only {served(r[key]):.0f} of {args.connections} clients served", file=sys.stderr)
    if failed:
        print("FAIL: failed requests or clients not served (warm-up, mix and per-URL runs)", file=sys.stderr)
        return 1
    return 0


def all_runs(result: dict) -> list[dict]:
    return [result["warm_up"], result["mix"], result["rendered"], *(u[key] for u in result["urls"] for key in ("r1", "c1", "cN"))]


# One engine, end to end.


def run_engine(engine: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="icpermed-load-") as tmp:
        tmp = Path(tmp)
        if engine == "sqlite":
            database_url = f"sqlite:///{tmp / 'load.sqlite3'}"
        else:
            try:
                database_url = fresh_database(args.postgres, LOAD_DATABASE)
            except RuntimeError as error:
                raise CannotRun(str(error)) from error
        environment = production_environment(database_url)
        step("migrate", ["manage.py", "migrate", "--no-input"], environment)
        step("ingest_report", ["manage.py", "ingest_report", REPORT_PDF], environment)
        step("collectstatic", ["manage.py", "collectstatic", "--no-input"], environment)
        picked = json.loads(shell("pick the URLs", PICK, environment).split("PICKED ", 1)[1])
        version = shell("version", VERSION, environment).split("VERSION ", 1)[1].strip()
        urls = mix(picked)
        url_file = tmp / "urls.txt"
        url_file.write_text("".join(path + "\n" for _, path in urls), encoding="utf-8")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with Gunicorn(port, environment, tmp / "gunicorn.log") as server, Renicer(engine, database_url):
            wait_healthy(base, server)
            settings = server.settings()
            check_urls(base, urls)
            print(f"   warm-up {WARM_UP_SECONDS} s", file=sys.stderr, flush=True)
            warm_up = wrk(base, url_file, args.connections, WARM_UP_SECONDS, args.wrk_threads)
            settle()
            print(f"   mix: {args.connections} connections, {args.duration} s", file=sys.stderr, flush=True)
            measured = measure(server, base, url_file, args, unique=False)
            settle()
            print(f"   mix, every URL unique: {args.connections} connections, {args.duration} s", file=sys.stderr, flush=True)
            rendered = measure(server, base, url_file, args, unique=True)
            per_url = []
            for label, path in urls if args.per_url else []:
                single = tmp / "one.txt"
                single.write_text(path + "\n", encoding="utf-8")
                settle()
                rendering = wrk(base, single, 1, args.per_url, 1, unique=True)
                settle()
                alone = wrk(base, single, 1, args.per_url, 1)
                settle()
                loaded = wrk(base, single, args.connections, args.per_url, args.wrk_threads)
                per_url.append({"label": label, "path": path, "r1": rendering, "c1": alone, "cN": loaded})
                print(
                    f"   {label}: {summary_line(rendering)} | {summary_line(alone)} | {summary_line(loaded)}",
                    file=sys.stderr,
                    flush=True,
                )
            server_errors = server.error_lines()
    return {
        "engine": engine,
        "version": version,
        "picked": picked,
        "mix_urls": urls,
        "warm_up": warm_up,
        "mix": measured,
        "rendered": rendered,
        "urls": per_url,
        "settings": settings,
        "server_errors": server_errors,
    }


def measure(server, base: str, url_file: Path, args, *, unique: bool) -> dict:
    """One measured wrk run over the mix, with the server's CPU time and the machine's load around it."""
    load_before, machine_before = os.getloadavg()[0], cpu_times()
    server_before, boots_before = server.cpu_seconds(), server.boots()
    run = wrk(base, url_file, args.connections, args.duration, args.wrk_threads, unique=unique)
    run["cpu_busy"] = cpu_busy(machine_before, cpu_times())
    run["recycled"] = server.boots() - boots_before
    # A worker that exited took its CPU time with it: no CPU figure then.
    run["server_cpu"] = None if run["recycled"] else server.cpu_seconds() - server_before
    run["load"] = (load_before, os.getloadavg()[0])
    print(f"   {summary_line(run)}", file=sys.stderr, flush=True)
    return run


VERSION = """
from django.db import connection
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("SELECT sqlite_version()")
        print("VERSION SQLite " + cursor.fetchone()[0])
    else:
        cursor.execute("SHOW server_version")
        print("VERSION PostgreSQL " + cursor.fetchone()[0].split()[0])
"""


def production_environment(database_url: str) -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return environment | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "icpermed_kb.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback: no redirect to https://, cookies not marked Secure, no HSTS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
    }


def step(name: str, command: list[str], environment: dict) -> str:
    print(f"   {name}", file=sys.stderr, flush=True)
    result = subprocess.run([PYTHON, *command], cwd=ROOT, env=environment, capture_output=True, text=True)
    if result.returncode:
        raise CannotRun(f"{name} failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout


def shell(name: str, code: str, environment: dict) -> str:
    return step(name, ["manage.py", "shell", "--no-imports", "-c", code], environment)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The server.


class Gunicorn:
    """gunicorn with the project's config on 127.0.0.1:port; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, port: int, environment: dict, log: Path):
        self.environment = environment | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.log = log
        self.process = None
        self.previous = {}

    def __enter__(self):
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "-c",
            "python:icpermed_kb.gunicorn_config",
            "icpermed_kb.wsgi",
        ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        if os.getpriority(os.PRIO_PROCESS, 0) == PRIORITY:
            set_autogroup_nice(self.process.pid, PRIORITY)  # its own session, so its own autogroup
        self.previous = {sig: signal.signal(sig, self._interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
        return self

    def _interrupted(self, signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        if self.process.poll() is None:
            self.process.terminate()  # the gunicorn master, by its id: it stops its workers gracefully
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session, started above
                self.process.wait()
        print("   gunicorn stopped", file=sys.stderr, flush=True)
        return False

    def settings(self) -> dict:
        code = (
            "import json, multiprocessing; from icpermed_kb import gunicorn_config as c; "
            "print(json.dumps({'cpus': multiprocessing.cpu_count(), 'workers': c.workers, 'threads': c.threads, "
            "'worker_class': c.worker_class, 'keepalive': c.keepalive, 'max_requests': c.max_requests, "
            "'max_requests_jitter': c.max_requests_jitter, 'timeout': c.timeout, "
            "'worker_connections': getattr(c, 'worker_connections', 1000), "
            "'reuse_port': getattr(c, 'reuse_port', False), 'preload_app': getattr(c, 'preload_app', False), "
            "'accesslog': c.accesslog, "
            "'env': {k: v for k, v in __import__('os').environ.items() if k in ('WEB_CONCURRENCY', 'GUNICORN_THREADS')}}))"
        )
        output = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=self.environment, capture_output=True, text=True)
        return json.loads(output.stdout)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the gunicorn master and its live workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            pid, ppid = int(entry.name), int(fields[1])
            if pid == self.process.pid or ppid == self.process.pid:
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def boots(self) -> int:
        """How many workers have started so far (more than the configured number: some were recycled)."""
        return self.log.read_text(encoding="utf-8", errors="replace").count("Booting worker")

    def error_lines(self) -> list[str]:
        """Each error of the log in one line: a traceback's last line with the request that raised it."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        found = []
        for n, line in enumerate(lines):
            if re.search(r"\[(ERROR|CRITICAL)\]|WORKER TIMEOUT", line):
                found.append(line)
            elif line.startswith("Traceback"):
                end = next((i for i in range(n + 1, len(lines)) if not lines[i].startswith(" ")), n)
                request = next((lines[i] for i in range(n - 1, max(n - 3, -1), -1) if "Error:" in lines[i]), "")
                found.append(f"{request} {lines[end]}".strip())
        return found


def boost_priority() -> int | None:
    """On a shared machine, run this script, gunicorn and wrk (its children) at nice -10 when allowed.

    With the kernel's autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled), CPU time is
    first shared equally between sessions, and nice only ranks processes within one: so this
    session's autogroup gets nice -10 too (and gunicorn's, see Gunicorn). Returns the autogroup's
    previous nice value, to restore at the end, or None when the priority could not be raised.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, 0, PRIORITY)
    except OSError:
        return None
    return set_autogroup_nice(os.getpid(), PRIORITY) or 0


def set_autogroup_nice(pid: int, nice: int) -> int | None:
    """Set the nice value of the autogroup pid belongs to; returns the previous value (None: no autogroups)."""
    path = Path(f"/proc/{pid}/autogroup")
    try:
        previous = int(path.read_text().split("nice")[1])
        path.write_text(str(nice))
    except (OSError, IndexError, ValueError):
        return None
    return previous


class Renicer:
    """PostgreSQL: give the load database's backends the same priority, as they appear (CONN_MAX_AGE recycles them)."""

    def __init__(self, engine: str, database_url: str):
        self.active = engine == "postgresql" and os.getpriority(os.PRIO_PROCESS, 0) == PRIORITY
        self.url = database_url
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        if self.active:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.active:
            self.thread.join()
        return False

    def run(self):
        import psycopg

        done = set()
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stop.wait(1):
                rows = connection.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
                for (pid,) in rows:
                    if pid not in done:
                        with contextlib.suppress(OSError):
                            os.setpriority(os.PRIO_PROCESS, pid, PRIORITY)
                        done.add(pid)


def wait_healthy(base: str, server: Gunicorn) -> None:
    log = server.log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise CannotRun("gunicorn exited:\n" + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise CannotRun("/healthz did not answer 200 within 60 s:\n" + log.read_text(errors="replace")[-3000:])


def check_urls(base: str, urls: list[tuple[str, str]]) -> None:
    """Every URL of the mix answers 200 before the load starts (a wrong pick would only show as errors)."""
    opener = urllib.request.build_opener(NoRedirect)
    for label, path in urls:
        try:
            with opener.open(base + path, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise CannotRun(f"{label} ({path}) answers {status}, not 200")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# wrk.


def wrk(base: str, url_file: Path, connections: int, seconds: int, threads: int, *, unique: bool = False) -> dict:
    command = [
        "wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(LUA), base, "--", str(url_file), *(["unique"] if unique else []),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"^LOAD_RESULT (.*)$", result.stdout, re.M)
    if result.returncode or not match:
        raise CannotRun(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    data = json.loads(match.group(1))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def served(run: dict) -> float:
    """Clients with a request in flight on average: requests/s × mean latency (Little's law)."""
    return run["rps"] * run["latency_us"]["mean"] / 1e6


def starved(run: dict, connections: int) -> bool:
    """In a closed loop every client always waits for an answer; far fewer served means some never got one.

    (A little less is normal: the time wrk spends between an answer and the next request, reconnecting
    when the server closed the connection, is not latency.)
    """
    return served(run) < connections - max(1.5, 0.1 * connections)


def settle() -> None:
    """Let the server finish what the previous run left queued (wrk stops without waiting for answers)."""
    time.sleep(3)


def errors_of(run: dict) -> int:
    sockets = run["connect_errors"] + run["read_errors"] + run["write_errors"] + run["timeouts"]
    return sockets + run["non2xx"]


def ms(microseconds: float) -> str:
    value = microseconds / 1000
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def summary_line(run: dict) -> str:
    latency = run["latency_us"]
    return (
        f"{run['rps']:.0f} req/s, p50 {ms(latency['p50'])} ms, p99 {ms(latency['p99'])} ms, "
        f"max {ms(latency['max'])} ms, errors {errors_of(run)}"
    )


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def cpu_busy(before: tuple[int, int], after: tuple[int, int]) -> float:
    return (after[0] - before[0]) / max(1, after[1] - before[1])


# The results file.


FINDINGS = "<!-- Written by hand from here on; load_test.py keeps this part when it rewrites the file. -->"


def report(results: list[dict], command: str, args, findings: str) -> str:
    settings = results[0]["settings"]
    workers = (
        f"{settings['workers']} workers × {settings['threads']} threads ({settings['worker_class']}), "
        f"worker_connections {settings['worker_connections']}, keep-alive {settings['keepalive']} s, "
        f"timeout {settings['timeout']} s, max_requests {settings['max_requests']} "
        f"(± {settings['max_requests_jitter']}), reuse_port {settings['reuse_port']}, "
        f"preload_app {settings['preload_app']}, access log on"
    )
    environment = settings["env"] or "WEB_CONCURRENCY and GUNICORN_THREADS unset"
    lines = [
        "# Load test",
        "",
        f"Made by `{command}` on {time.strftime('%Y-%m-%d')}.",
        "",
        f"- Machine: {settings['cpus']} cores ({cpu_model()}), {memory_gb():.0f} GB, Linux {platform.release()}, "
        f"Python {platform.python_version()}. wrk {wrk_version()} runs on the same machine "
        f"({args.wrk_threads} threads), and the machine is shared: other work ran meanwhile (load average below)."
        + (
            f" The script, gunicorn, wrk{' and the PostgreSQL backends' if 'postgresql' in args.engines else ''} "
            f"ran at nice {PRIORITY}, and the script's and gunicorn's session autogroups too (the kernel shares "
            "CPU between sessions first, so nice alone does not rank them above other sessions' work); the "
            "PostgreSQL server's own autogroup, shared with other users, was left alone."
            if args.boosted
            else " Priority not raised (not allowed)."
        ),
        f"- Server: gunicorn {gunicorn_version()} with `icpermed_kb/gunicorn_config.py`'s defaults ({environment}): "
        f"{workers}.",
        "- Settings: the production ones (`DJANGO_DEBUG=false`, a random `DJANGO_SECRET_KEY`, "
        "`DJANGO_ALLOWED_HOSTS=127.0.0.1`, whitenoise's manifest storage after `collectstatic`), except the "
        "HTTPS ones: `DJANGO_SECURE_SSL_REDIRECT=false`, `DJANGO_SECURE_COOKIES=false`, "
        "`DJANGO_SECURE_HSTS_SECONDS=0`, because the test talks plain HTTP to 127.0.0.1 (with the redirect on, "
        "every request would be a 301 to https://).",
        "- Data: a fresh database per engine (a temporary SQLite file; PostgreSQL database "
        f"`{LOAD_DATABASE}`), `migrate`, then `ingest_report` of the bundled report.",
        f"- Load: {args.connections} clients (wrk connections), each sending its next request as soon as the "
        f"previous answer arrives (a closed loop, no think time), for {args.duration} s after a "
        f"{WARM_UP_SECONDS} s warm-up; each request goes to the next URL of the mix below. wrk keeps "
        "connections alive when the server lets it"
        + (" (here it does not: keepalive 0, so wrk reconnects after each answer)" if not settings["keepalive"] else "")
        + ". Errors: socket errors (connect, read, write), timeouts (10 s) and every status outside 200–299; "
        "and a client that got no answer at all (wrk counts nothing for it) shows as fewer clients served, "
        "requests/s × mean latency (Little's law), than clients.",
        "",
        "## Results",
        "",
        "| engine | run | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | clients served | "
        f"server CPU ms/request | server cores | machine busy | target: 0 errors, p99 < {TARGET_P99_MS} ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        for key, name in RUNS.items():
            run, latency = r[key], r[key]["latency_us"]
            met = errors_of(run) == 0 and not starved(run, args.connections) and latency["p99"] < TARGET_P99_MS * 1000
            seconds = run["duration_us"] / 1e6
            cpu = run["server_cpu"]
            lines.append(
                f"| {r['version']} | {name} | {run['requests']:,} | {run['rps']:.0f} | {ms(latency['p50'])} | "
                f"{ms(latency['p90'])} | {ms(latency['p99'])} | {ms(latency['max'])} | {errors_of(run)}{error_detail(run)} | "
                f"{served(run):.0f} of {args.connections} | "
                + (f"{cpu / run['requests'] * 1000:.1f} | {cpu / seconds:.2f} | " if cpu is not None else "n/a | n/a | ")
                + f"{run['cpu_busy']:.0%} | {'**met**' if met else '**not met**'} |"
            )
    lines += [
        "",
        "Runs: *mix* is the URL mix below as clients send it, so after its first request each page is "
        "answered from the page cache (`icpermed_kb/web/page_cache.py`: one query for the data version, then the "
        "stored response); *rendered* is the same mix with a unique `nocache=` parameter on every request, "
        "which the pages ignore but the cache key does not — every request is rendered, as after an edit or "
        "for searches nobody asked before.",
        "",
        "Server CPU: user + system time of gunicorn's processes over the measured run, per request and per "
        "second (2.00 = both cores; n/a when a worker was recycled during the run, as its time left with it). "
        "Machine busy: both cores, whatever ran on them (the server, wrk, anything else).",
        "",
        "- Load average (1 min) at the start and end of each measured run: "
        + "; ".join(
            f"{r['engine']} {name} {r[key]['load'][0]:.1f} → {r[key]['load'][1]:.1f}" for r in results for key, name in RUNS.items()
        )
        + ".",
        "- Workers recycled (max_requests) during the measured runs: "
        + "; ".join(f"{r['engine']} {name} {r[key]['recycled']}" for r in results for key, name in RUNS.items())
        + ".",
        "- Failed requests in the warm-up (not in the table): "
        + "; ".join(f"{r['engine']} {errors_of(r['warm_up'])}{error_detail(r['warm_up'])}" for r in results)
        + ".",
        "",
        "## The mix",
        "",
        "Picked from the ingested report (the same on both engines): the session, talk and speaker with the "
        "most key messages, and the two themes most often found together on that session's key messages.",
        "",
    ]
    lines += [f"{n}. {label}: `{path}`" for n, (label, path) in enumerate(results[0]["mix_urls"], 1)]
    if any(r["urls"] for r in results):
        lines += [
            "",
            "## Each URL alone",
            "",
            f"{args.per_url} s per URL, three runs: with 1 connection and every request rendered (a unique "
            "`nocache=` parameter: the page's own rendering time, nothing queued), with 1 connection as it is "
            f"(served from the page cache), and with {args.connections} connections as it is (how many of that "
            "page alone the server answers a second).",
            "",
            "| engine | page | rendered, 1 conn: req/s | p50 ms | p99 ms | cached, 1 conn: req/s | p50 ms | p99 ms | "
            f"cached, {args.connections} conns: req/s | p50 ms | p99 ms | errors |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in results:
            for u in r["urls"]:
                runs = [u[key] for key in ("r1", "c1", "cN")]
                lines.append(
                    f"| {r['engine']} | {u['label']} | "
                    + " | ".join(
                        f"{run['rps']:.0f} | {ms(run['latency_us']['p50'])} | {ms(run['latency_us']['p99'])}" for run in runs
                    )
                    + f" | {sum(errors_of(run) for run in runs)} |"
                )
    problems = [(r["engine"], line) for r in results for line in r["server_errors"]]
    lines += ["", "## Server log", ""]
    if problems:
        lines += ["Errors in gunicorn's log (all runs, warm-up included):", ""]
        lines += [f"- {engine}: `{line}`" for engine, line in problems[:20]]
        if len(problems) > 20:
            lines.append(f"- … {len(problems) - 20} more")
    else:
        lines.append("No error, traceback or worker timeout in gunicorn's log (all runs, warm-up included).")
    lines += ["", FINDINGS + (findings.rstrip() if findings.strip() else "\n\n## Findings\n\n(none written yet)")]
    return "\n".join(lines) + "\n"


RUNS = {"mix": "mix", "rendered": "rendered"}


def error_detail(run: dict) -> str:
    parts = [f"{name} {run[key]}" for key, name in [
        ("connect_errors", "connect"), ("read_errors", "read"), ("write_errors", "write"), ("timeouts", "timeout"),
    ] if run[key]]  # fmt: skip
    parts += [f"HTTP {status} × {count}" for status, count in sorted(run["non2xx_by_status"].items())]
    return f" ({', '.join(parts)})" if parts else ""


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


def wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    match = re.search(r"wrk (\S+)", result.stdout + result.stderr)
    return match.group(1) if match else "?"


def gunicorn_version() -> str:
    from importlib.metadata import version

    return version("gunicorn")


if __name__ == "__main__":
    sys.exit(main())
