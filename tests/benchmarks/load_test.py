"""Load test: the production server (gunicorn, DJANGO_DEBUG=false) under 50 concurrent clients, on SQLite and PostgreSQL.

    .venv/bin/python tests/benchmarks/load_test.py                        # both engines, 50 connections, 60 s
    .venv/bin/python tests/benchmarks/load_test.py --engines sqlite --duration 20 --per-url 0 --output -

Writes tests/benchmarks/load-results.md (`--output -`: print it instead). Not a test (pytest does
not collect this file): the numbers depend on the machine, so they are committed with the command.
Needs wrk (`apt-get install -y wrk`) and, for PostgreSQL, the local cluster and CI's role
(`icpermed` / `icpermed-ci` on 127.0.0.1:5432; `--postgres` or $LOAD_POSTGRES_URL for another
role, and `--database` for another database name than icpermed_load). Exits 1 when any request failed, in any
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

The reliability phases (`--phases`; all four by default), each a --fault-duration run:

- upgrade (each engine): wrk over the mix while deploy/upgrade_gunicorn.py replaces the server's
  master (USR2, then TERM to the old one); any failed request or refused connection fails the run.
- servers (PostgreSQL): two gunicorn servers on two loopback ports sharing the database and a
  redis-server started here (CACHE_URL); pages rendered by one are served by the other from Redis,
  an edit saved through one's admin shows on the other's next answer, and both run under wrk.
- outage (PostgreSQL): the two servers reach the database through a TCP relay in this process
  (load_faults.Relay), cut for --outage seconds in the middle of four wrk runs (cached and rendered,
  on each server): cached pages must stay 200, the rest 200 or the styled 503, no 500, no refused
  connection, no traceback in the logs, and /healthz 200 afterwards.

The results file keeps the part of a phase group that did not run this time (and the findings).
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
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench_postgres import fresh_database

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(1, str(ROOT))  # the project's deploy/ script, for its process helpers
from deploy.upgrade_gunicorn import alive as process_alive  # noqa: E402
from deploy.upgrade_gunicorn import children  # noqa: E402

HERE = Path(__file__).resolve().parent
LUA = HERE / "load_mix.lua"
RESULTS = HERE / "load-results.md"
PYTHON = sys.executable
CI_POSTGRES = "postgres://icpermed:icpermed-ci@127.0.0.1:5432/icpermed"
LOAD_DATABASE = os.environ.get("LOAD_DATABASE", "icpermed_load")
UPGRADE = ROOT / "deploy" / "upgrade_gunicorn.py"
PHASES = ["measure", "upgrade", "servers", "outage"]
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
print("PICKED " + json.dumps({"report": session.report.slug, "session": session.number.lower(),
                              "session_facet": session.facet_value, "talk": talk.pk, "speaker": speaker.slug,
                              "themes": list(themes)}))
"""


def mix(picked: dict) -> list[tuple[str, str]]:
    """(label, path) of every URL the load rotates over: HTML pages, then JSON twins."""
    session, talk, speaker = picked["session"], picked["talk"], picked["speaker"]
    filtered = urlencode([("theme", theme) for theme in picked["themes"]] + [("session", picked["session_facet"])])
    return [
        ("home", "/"),
        ("session", f"/reports/{picked['report']}/sessions/{session}/"),
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
    parser.add_argument("--database", default=LOAD_DATABASE, help="the PostgreSQL database to (re)create (default %(default)s)")
    parser.add_argument("--phases", nargs="+", default=PHASES, choices=PHASES, help="what to run (default: all)")
    parser.add_argument("--fault-duration", type=int, default=30, help="seconds of each upgrade, two-server and outage run")
    parser.add_argument("--outage", type=int, default=5, help="seconds PostgreSQL is cut off (default 5)")
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
    measured = "measure" in args.phases
    faults = bool({"upgrade", "servers", "outage"} & set(args.phases))
    if args.output == "-":
        print(compose("", results, command, args))
    else:
        output = Path(args.output)
        output.write_text(compose(output.read_text(encoding="utf-8") if output.exists() else "", results, command, args), encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    failed = 0
    for r in results:
        if measured:
            errors = sum(errors_of(run) for run in all_runs(r))
            failed += errors
            print(f"{r['engine']}: {summary_line(r['mix'])}; failed requests in all runs: {errors}", file=sys.stderr)
            for key, name in RUNS.items():
                if starved(r[key], args.connections):
                    failed += 1
                    print(f"{r['engine']} {name}: only {served(r[key]):.0f} of {args.connections} clients served", file=sys.stderr)
        for problem in reliability_problems(r) if faults else []:
            failed += 1
            print(f"{r['engine']}: {problem}", file=sys.stderr)
    if failed:
        print("FAIL: failed requests, clients not served, or a reliability phase went wrong (above)", file=sys.stderr)
        return 1
    return 0


def reliability_problems(result: dict) -> list[str]:
    found = list(result.get("upgrade", {}).get("problems", []))
    found += result.get("shared", {}).get("problems", [])
    return found


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
                database_url = fresh_database(args.postgres, args.database)
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
        result = {"engine": engine, "version": version, "picked": picked, "mix_urls": urls, "server_errors": []}
        result["settings"] = Gunicorn(0, environment, tmp / "settings.log").settings()
        if {"measure", "upgrade"} & set(args.phases):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with Gunicorn(port, environment, tmp / "gunicorn.log") as server, Renicer(engine, database_url):
                wait_healthy(base, server)
                check_urls(base, urls)
                if "measure" in args.phases:
                    result |= measure_all(server, base, urls, url_file, tmp, args)
                if "upgrade" in args.phases:
                    settle()
                    result["upgrade"] = run_upgrade(server, base, url_file, args)
                result["server_errors"] = server.error_lines()
        if engine == "postgresql" and {"servers", "outage"} & set(args.phases):
            result["shared"] = run_shared(database_url, tmp, urls, url_file, picked, args)
    return result


def measure_all(server, base: str, urls: list, url_file: Path, tmp: Path, args) -> dict:
    """The measured runs: warm-up, the mix as it is and rendered, and each URL alone."""
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
    return {"warm_up": warm_up, "mix": measured, "rendered": rendered, "urls": per_url}


# The reliability phases: an upgrade under load; two servers sharing PostgreSQL and Redis; an outage.


class Background:
    """A wrk run in a thread, to do something else meanwhile."""

    def __init__(self, *args, **kwargs):
        self.result = self.error = None
        self.thread = threading.Thread(target=self._run, args=args, kwargs=kwargs, daemon=True)
        self.thread.start()

    def _run(self, *args, **kwargs):
        try:
            self.result = wrk(*args, **kwargs)
        except CannotRun as error:
            self.error = error

    def join(self) -> dict:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.result


def run_upgrade(server, base: str, url_file: Path, args) -> dict:
    """wrk over the mix while deploy/upgrade_gunicorn.py replaces the server's master: nothing may fail."""
    seconds = args.fault_duration
    print(f"   upgrade under load: {args.connections} connections, {seconds} s, the upgrade at {seconds // 4} s", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    old = server.master()
    background = Background(base, url_file, args.connections, seconds, args.wrk_threads)
    time.sleep(seconds // 4)
    started = time.monotonic()
    upgrade = subprocess.run([PYTHON, str(UPGRADE), str(server.pidfile)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    took = time.monotonic() - started
    run = background.join()
    run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
    new = server.master()
    problems = []
    if upgrade.returncode:
        problems.append(f"the upgrade failed: {upgrade.stderr.strip()}")
    if new == old:
        problems.append("the master did not change")
    if errors_of(run):
        problems.append(f"{errors_of(run)} failed requests{error_detail(run)}")
    print(f"   {summary_line(run)}; upgrade {took:.1f} s, master {old} -> {new}", file=sys.stderr, flush=True)
    return {
        "run": run,
        "seconds": seconds,
        "at": seconds // 4,
        "took": took,
        "old": old,
        "new": new,
        "output": (upgrade.stdout + upgrade.stderr).strip().splitlines(),
        "load": (load_before, os.getloadavg()[0]),
        "problems": problems,
    }


CREATE_EDITOR = """
from django.contrib.auth import get_user_model
users = get_user_model()
users.objects.filter(username="load-editor").delete()
users.objects.create_superuser("load-editor", "load-editor@example.org", %r)
"""


def through(database_url: str, port: int) -> str:
    """The same database URL, reached through 127.0.0.1:port (the relay)."""
    parts = urllib.parse.urlsplit(database_url)
    credentials = parts.netloc.rpartition("@")[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{port}"))


# The Host header of every request to the two servers: the same for both, as a reverse proxy in front of
# them sends (the page cache keys pages on the absolute URL, host included).
SHARED_HOST = "127.0.0.1"


def fetch(url: str, host: str | None = SHARED_HOST) -> tuple[int, dict, str]:
    """(status, headers, body) of a GET, whatever the status; (0, {}, error) if no answer."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")
    except OSError as error:
        return 0, {}, f"{type(error).__name__}: {error}"


def log_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def log_lines(path: Path, since: int, needle: str) -> list[str]:
    with open(path, "rb") as file:
        file.seek(since)
        return [line for line in file.read().decode("utf-8", "replace").splitlines() if needle in line]


def run_shared(database_url: str, tmp: Path, urls: list, url_file: Path, picked: dict, args) -> dict:
    """Two servers on two loopback ports, one PostgreSQL (through a relay that can be cut) and one Redis."""
    from load_faults import AdminSession, RedisServer, Relay, access_statuses

    problems: list[str] = []
    try:
        redis_server = RedisServer()
        relay = Relay(urllib.parse.urlsplit(database_url).port or 5432)
    except RuntimeError as error:
        raise CannotRun(str(error)) from error
    with redis_server as redis, relay:
        environment = production_environment(through(database_url, relay.port)) | {"CACHE_URL": redis.url}
        password = secrets.token_urlsafe(24)
        shell("create an editor", CREATE_EDITOR % password, environment)
        ports = {"A": free_port(), "B": free_port()}
        bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        servers = {name: Gunicorn(port, environment, tmp / f"server-{name}.log") for name, port in ports.items()}
        with servers["A"] as a, servers["B"] as b, Renicer("postgresql", database_url):
            for name, server in (("A", a), ("B", b)):
                wait_healthy(bases[name], server)
            result: dict = {"ports": ports, "redis": redis_version(), "problems": problems}
            if "servers" in args.phases:
                result |= two_servers(bases, urls, url_file, picked, redis, password, args, AdminSession)
                problems += result.pop("found")
            if "outage" in args.phases:
                settle()
                result["outage"] = outage(bases, {"A": a, "B": b}, urls, url_file, relay, args, access_statuses)
                problems += result["outage"]["problems"]
            result["server_errors"] = a.error_lines() + b.error_lines()
    return result


def redis_version() -> str:
    output = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
    match = re.search(r"v=(\S+)", output)
    return match.group(1) if match else "?"


def two_servers(bases: dict, urls: list, url_file: Path, picked: dict, redis, password: str, args, AdminSession) -> dict:
    """One cache for both; an edit through A seen through B at its next request; both under load at once."""
    found = []
    print("   two servers: one cache", file=sys.stderr, flush=True)
    keys_before = redis.keys()
    statuses_a = [fetch(bases["A"] + path)[0] for _, path in urls]
    keys_after_a = redis.keys()
    statuses_b = [fetch(bases["B"] + path)[0] for _, path in urls]
    keys_after_b = redis.keys()
    if set(statuses_a + statuses_b) != {200}:
        found.append(f"pages did not answer 200: A {statuses_a}, B {statuses_b}")
    if keys_after_b != keys_after_a:
        found.append(f"B rendered pages A had cached: Redis went from {keys_after_a} to {keys_after_b} keys")

    print("   two servers: an edit through A, read through B", file=sys.stderr, flush=True)
    talk = picked["talk"]
    status, _, body = fetch(f"{bases['B']}/talks/{talk}.json")
    message = json.loads(body)["key_messages"][0]
    marker = f"Edited through server A ({secrets.token_hex(4)})."
    editor = AdminSession(bases["A"], host=SHARED_HOST)
    editor.login("load-editor", password)
    saved_status, saved_at = editor.change(
        f"/admin/workshop_sessions/keymessage/{message['id']}/change/", "keymessage_form", text=f"{message['text']} {marker}"
    )
    saved = time.monotonic()
    page_status, _, page = fetch(f"{bases['B']}/talks/{talk}/")
    seen_after = time.monotonic() - saved
    twin_status, _, twin = fetch(f"{bases['B']}/talks/{talk}.json")
    shown = marker in page
    in_twin = any(marker in item["text"] for item in json.loads(twin)["key_messages"])
    if not (shown and in_twin and page_status == twin_status == 200):
        found.append(f"the edit through A was not on B's next answers (page {page_status} {shown}, JSON {twin_status} {in_twin})")

    seconds = args.fault_duration
    connections = max(1, args.connections // 2)
    print(f"   two servers under load: {connections} connections each, {seconds} s", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    runs = {name: Background(base, url_file, connections, seconds, 1, host=SHARED_HOST) for name, base in bases.items()}
    runs = {name: run.join() for name, run in runs.items()}
    for name, run in runs.items():
        run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
        if errors_of(run):
            found.append(f"server {name} under load: {errors_of(run)} failed requests{error_detail(run)}")
        print(f"   {name}: {summary_line(run)}", file=sys.stderr, flush=True)
    return {
        "cache": {"before": keys_before, "after_a": keys_after_a, "after_b": keys_after_b, "pages": len(urls)},
        "edit": {
            "message": message["id"], "talk": talk, "saved": (saved_status, saved_at.replace(bases["A"], "")),
            "page": page_status, "shown": shown, "twin": in_twin, "after_ms": seen_after * 1000, "marker": marker,
        },
        "load": {"connections": connections, "seconds": seconds, "runs": runs, "load": (load_before, os.getloadavg()[0])},
        "found": found,
    }


def outage(bases: dict, servers: dict, urls: list, url_file: Path, relay, args, access_statuses) -> dict:
    """PostgreSQL cut off for --outage seconds in the middle of four wrk runs: cached and rendered, on each server."""
    problems = []
    seconds, cut_for = args.fault_duration, args.outage
    for base in bases.values():  # every page of the mix cached under the current data version
        for _, path in urls:
            fetch(base + path)
    offsets = {name: log_size(server.log) for name, server in servers.items()}
    connections = max(1, args.connections // 4)
    print(
        f"   outage: 4 runs of {connections} connections for {seconds} s, PostgreSQL cut off at {seconds // 4} s for {cut_for} s",
        file=sys.stderr,
        flush=True,
    )
    load_before = os.getloadavg()[0]
    runs = {
        (name, kind): Background(base, url_file, connections, seconds, 1, unique=kind == "rendered", host=SHARED_HOST)
        for name, base in bases.items()
        for kind in ("cached", "rendered")
    }
    time.sleep(seconds // 4)
    relay.cut()
    cut_at = time.monotonic()
    time.sleep(0.5)
    probes = {
        "uncached page (A)": fetch(bases["A"] + f"{urls[3][1]}?probe={secrets.token_hex(4)}"),
        "cached page (B)": fetch(bases["B"] + urls[2][1]),
        "uncached JSON twin (B)": fetch(bases["B"] + f"{urls[11][1]}?probe={secrets.token_hex(4)}"),
        "health check (A)": fetch(bases["A"] + "/healthz"),
    }
    refused = relay.refuses()
    time.sleep(max(0.0, cut_for - (time.monotonic() - cut_at)))
    relay.restore()
    restored_after = time.monotonic() - cut_at
    runs = {key: run.join() for key, run in runs.items()}
    time.sleep(1)
    after = {name: fetch(base + "/healthz")[0] for name, base in bases.items()}
    statuses = {name: dict(access_statuses(server.log, offsets[name])) for name, server in servers.items()}
    unavailable = {name: len(log_lines(server.log, offsets[name], "database unavailable")) for name, server in servers.items()}
    recovered = {name: len(log_lines(server.log, offsets[name], "database available again")) for name, server in servers.items()}
    tracebacks = {name: len(log_lines(server.log, offsets[name], "Traceback")) for name, server in servers.items()}
    for (name, kind), run in runs.items():
        run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
        sockets = run["connect_errors"] + run["read_errors"] + run["write_errors"] + run["timeouts"]
        other = {status: count for status, count in run["non2xx_by_status"].items() if kind == "cached" or status != "503"}
        if sockets or other:
            problems.append(f"{kind} run on {name}: {sockets} socket errors, statuses {other}{error_detail(run)}")
        print(f"   {name} {kind}: {summary_line(run)}{error_detail(run)}", file=sys.stderr, flush=True)
    uncached, cached = probes["uncached page (A)"], probes["cached page (B)"]
    styled = "<h1>Briefly unavailable</h1>" in uncached[2] and 'class="site-header"' in uncached[2]
    if not (uncached[0] == 503 and uncached[1].get("Retry-After") == "5" and styled):
        problems.append(f"an uncached page during the outage: {uncached[0]}, Retry-After {uncached[1].get('Retry-After')}, styled {styled}")
    if cached[0] != 200:
        problems.append(f"a cached page during the outage answered {cached[0]}")
    if not refused:
        problems.append("the relay still accepted connections during the outage")
    for name in bases:
        if any(status >= 500 and status != 503 for status in statuses[name]):
            problems.append(f"server {name} answered {statuses[name]}")
        if tracebacks[name]:
            problems.append(f"server {name} logged {tracebacks[name]} tracebacks")
        if after[name] != 200:
            problems.append(f"server {name} did not recover: /healthz {after[name]}")
    return {
        "seconds": seconds,
        "at": seconds // 4,
        "cut_for": restored_after,
        "connections": connections,
        "runs": {f"{name} {kind}": run for (name, kind), run in runs.items()},
        "probes": {label: (status, headers.get("Retry-After"), headers.get("Content-Type")) for label, (status, headers, _) in probes.items()},
        "styled": styled,
        "statuses": statuses,
        "unavailable_lines": unavailable,
        "recovered_lines": recovered,
        "tracebacks": tracebacks,
        "after": after,
        "load": (load_before, os.getloadavg()[0]),
        "problems": problems,
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

    def __init__(self, port: int, environment: dict, log: Path, pidfile: Path | None = None):
        self.pidfile = pidfile or log.with_suffix(".pid")
        self.environment = environment | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_PIDFILE": str(self.pidfile)}
        self.log = log
        self.process = None
        self.previous = {}

    def master(self) -> int:
        """The master's pid: the one started here, or the one an upgrade put in its place (the pidfile)."""
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return self.process.pid

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
        # The masters started here: the first, and any an upgrade started from it (same session).
        masters = {self.process.pid, self.master()}
        second = Path(f"{self.pidfile}.2")
        if second.exists():
            with contextlib.suppress(OSError, ValueError):
                masters.add(int(second.read_text().strip()))
        for pid in masters:
            if process_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)  # a gunicorn master, by its id: it stops its workers gracefully
        deadline = time.monotonic() + 35
        while any(process_alive(pid) for pid in masters) and time.monotonic() < deadline:
            time.sleep(0.2)
        if any(process_alive(pid) for pid in masters):
            with contextlib.suppress(ProcessLookupError):
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
        master = self.master()
        total = 0
        for pid in [master, *children(master)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
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


def wrk(base: str, url_file: Path, connections: int, seconds: int, threads: int, *, unique: bool = False, host: str | None = None) -> dict:
    command = [
        "wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        *(["-H", f"Host: {host}"] if host else []), "-s", str(LUA), base, "--", str(url_file), *(["unique"] if unique else []),
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


def report(results: list[dict], command: str, args) -> str:
    """The measured part of the results file."""
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
    return "\n".join(lines) + "\n"


RELIABILITY = "<!-- The reliability phases (load_test.py --phases upgrade servers outage) from here on. -->"


def compose(previous: str, results: list[dict], command: str, args) -> str:
    """The results file: the measured part and the reliability part, each rewritten when it ran this time
    (kept from the previous file otherwise), then the findings written by hand, kept."""
    before, _, findings = previous.partition(FINDINGS)
    measured_part, _, reliability_part = before.partition(RELIABILITY)
    if "measure" in args.phases:
        measured_part = report(results, command, args)
    if {"upgrade", "servers", "outage"} & set(args.phases):
        reliability_part = reliability_report(results, command, args)
    findings = findings.rstrip() if findings.strip() else "\n\n## Findings\n\n(none written yet)"
    return f"{measured_part.rstrip()}\n\n{RELIABILITY}\n\n{reliability_part.strip()}\n\n{FINDINGS}{findings}\n"


def load(pair) -> str:
    return f"load average {pair[0]:.1f} → {pair[1]:.1f}"


def run_row(name: str, run: dict) -> str:
    latency = run["latency_us"]
    statuses = {"200": run["requests"] - run["non2xx"], **run["non2xx_by_status"]}
    return (
        f"| {name} | {run['requests']:,} | {run['rps']:.0f} | {ms(latency['p50'])} | {ms(latency['p99'])} | {ms(latency['max'])} | "
        + ", ".join(f"{status} × {count:,}" for status, count in sorted(statuses.items()) if count)
        + f" | {run['connect_errors']} | {run['read_errors'] + run['write_errors']} | {run['timeouts']} |"
    )


RUN_HEADER = [
    "| run | requests | req/s | p50 ms | p99 ms | max ms | statuses | refused (connect errors) | read/write errors | timeouts |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
]


def reliability_report(results: list[dict], command: str, args) -> str:
    """The reliability part of the results file: the upgrade, the two servers, the outage."""
    settings = results[0]["settings"]
    lines = [
        "## Reliability: an upgrade, two servers, a database outage",
        "",
        f"Made by `{command}` on {time.strftime('%Y-%m-%d')}, on the machine above ({settings['cpus']} cores shared "
        "with other work: the load average, 1 min, at the start and end of each run is given with it). gunicorn "
        f"as in the measured runs: {settings['workers']} workers × {settings['threads']} threads per server, "
        "one request per connection. wrk counts a refused connection as a connect error.",
    ]
    for r in results:
        upgrade = r.get("upgrade")
        if upgrade:
            run = upgrade["run"]
            lines += [
                "",
                f"### Zero-downtime upgrade ({r['version']})",
                "",
                f"wrk, {args.connections} connections for {upgrade['seconds']} s over the mix; at {upgrade['at']} s "
                f"`python deploy/upgrade_gunicorn.py <pidfile>` replaced master {upgrade['old']} by {upgrade['new']} "
                f"in {upgrade['took']:.1f} s ({load(upgrade['load'])}). Its output:",
                "",
                *[f"    {line}" for line in upgrade["output"]],
                "",
                *RUN_HEADER,
                run_row("mix, through the upgrade", run),
                "",
                "Result: " + ("**no failed request, no refused connection.**" if not upgrade["problems"] else "**" + "; ".join(upgrade["problems"]) + "**"),
            ]
        shared = r.get("shared")
        if not shared:
            continue
        lines += [
            "",
            f"### Two servers, one PostgreSQL and one Redis ({r['version']}, Redis {shared['redis']})",
            "",
            f"Server A on 127.0.0.1:{shared['ports']['A']}, server B on 127.0.0.1:{shared['ports']['B']}, asked with "
            f"the same `Host: {SHARED_HOST}` (as through one reverse proxy: pages are cached by absolute URL), both with "
            "`CACHE_URL` pointing at one redis-server (started by the test on a free port: no persistence, "
            "`maxmemory 512mb`, `allkeys-lru`) and `DATABASE_URL` at the load database through the test's TCP relay "
            "(a Python relay in the test process, so that the outage below can be made without stopping the "
            "cluster other work on this machine uses; it adds a little latency and CPU to every query).",
        ]
        if "cache" in shared:
            cache, edit, under = shared["cache"], shared["edit"], shared["load"]
            lines += [
                "",
                f"- One cache: A answered the {cache['pages']} pages of the mix, and Redis went from {cache['before']} to "
                f"{cache['after_a']} keys (one per page, and the last data version); then B answered the same pages "
                f"and Redis still held {cache['after_b']}: B rendered none of them, it served A's.",
                f"- An edit through one, seen through the other: logged in to the admin through A and saved key message "
                f"{edit['message']} there (POST answered {edit['saved'][0]} at `{edit['saved'][1]}`), adding "
                f"\"{edit['marker']}\" to its text; the very next request, to B, for its talk page "
                f"(`/talks/{edit['talk']}/`, {edit['after_ms']:.0f} ms later) answered {edit['page']} "
                + ("with the edit" if edit["shown"] else "**without the edit**")
                + ", and so did B's JSON twin" + ("" if edit["twin"] else " (**not**)") + ".",
                f"- Both under load at once: wrk, {under['connections']} connections on each for {under['seconds']} s "
                f"({load(under['load'])}):",
                "",
                *RUN_HEADER,
                *[run_row(f"server {name}, mix", run) for name, run in under["runs"].items()],
            ]
        down = shared.get("outage")
        if down:
            probes = down["probes"]
            lines += [
                "",
                f"### A {args.outage} s PostgreSQL outage ({r['version']})",
                "",
                f"Four wrk runs at once, {down['connections']} connections each for {down['seconds']} s: the mix as it is "
                "(every page in the shared cache) and with every URL unique (every request rendered), on each server. "
                f"At {down['at']} s the relay was cut: its listening socket closed (connecting refused, as to a stopped "
                f"server) and every open connection broken off (as a server shutting down does); "
                f"{down['cut_for']:.1f} s later it listened again ({load(down['load'])}).",
                "",
                *RUN_HEADER,
                *[run_row(name, run) for name, run in down["runs"].items()],
                "",
                "During the outage the test asked itself: "
                + "; ".join(f"{label}: {status}" + (f", Retry-After {retry}" if retry else "") for label, (status, retry, _) in probes.items())
                + (". The 503 page is the site's own (its header, stylesheet and \"Briefly unavailable\")." if down["styled"] else ". **The 503 page was not the styled one.**"),
                "",
                "Access logs over the runs (statuses answered): "
                + "; ".join(f"server {name}: " + ", ".join(f"{status} × {count:,}" for status, count in sorted(counts.items())) for name, counts in down["statuses"].items())
                + ". Django's log: "
                + "; ".join(
                    f"server {name}: {down['unavailable_lines'][name]} \"database unavailable\" and {down['recovered_lines'][name]} "
                    f"\"database available again\" lines, {down['tracebacks'][name]} tracebacks"
                    for name in down["statuses"]
                )
                + f" (one of each per worker process: {settings['workers']} per server). /healthz after: "
                + ", ".join(f"{name} {status}" for name, status in down["after"].items())
                + ".",
                "",
                "Result: " + ("**cached pages 200 throughout, the rest 200 or the styled 503, no 500, no refused connection; recovered by itself.**" if not down["problems"] else "**" + "; ".join(down["problems"]) + "**"),
            ]
        if shared["server_errors"]:
            lines += ["", "Errors in the two servers' gunicorn logs:", "", *[f"- `{line}`" for line in shared["server_errors"][:20]]]
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
