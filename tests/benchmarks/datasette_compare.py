"""Side by side with Datasette (issue 12): the project's server and Datasette over one SQLite file of 100,000 key messages.

    .venv/bin/python tests/benchmarks/datasette_compare.py                  # everything, 40 timed requests per query
    .venv/bin/python tests/benchmarks/datasette_compare.py --no-postgres --runs 20 --output -

Writes tests/benchmarks/datasette-results.md (`--output -`: print it instead). Not a test (pytest
does not collect this file): the numbers depend on the machine, so they are committed with the
command and the load average. Needs the dev dependencies (Datasette, sqlite-utils) and, for the
PostgreSQL column, the local cluster and a role that may create databases (`--postgres`, default
$BENCH_POSTGRES_URL, else CI's role; `--database` names the throw-away database, dropped and
re-created). Only 127.0.0.1 is contacted. Exits 2 when it cannot run.

It measures through HTTP only, so it measures whatever checkout it runs from:

1. Build: a fresh SQLite file, `migrate`, the bundled report ingested, key messages generated up
   to --size by search_benchmark.generate() (seeded: the same data every run and on both
   engines), then `index.rebuild()` timed. Index size: every page (SQLite's dbstat) of the search
   index's own tables — the models of icpermed_kb/models/search_index.py, and every table that
   belongs to no model (the FTS5 shadow tables) — against the raw text it indexes (the UTF-8 bytes
   of the key messages' and recommendations' `text`).
2. Datasette's index, as its users make one: a copy of the file, then `sqlite-utils enable-fts
   <copy> sessions_keymessage text` (an external-content FTS5 table, unicode61 tokenizer), timed;
   its size from dbstat too. Both servers serve the same rows.
3. The same build on PostgreSQL (bench_postgres.fresh_database) for the PostgreSQL column.
4. Servers, each on a free loopback port: gunicorn with icpermed_kb/gunicorn_config.py and the
   production settings (load_test.py's helpers: DJANGO_DEBUG=false, HTTPS settings off for plain
   HTTP), one worker and one thread (WEB_CONCURRENCY=1 GUNICORN_THREADS=1), over the SQLite file
   and over PostgreSQL; `datasette serve` (default settings, except: the SQL and facet time limits
   raised to 10 s so that no facet is dropped for time, as a dropped facet would be cheaper, not
   faster; and facet suggestions off, which the project's pages do not make: by default Datasette
   also tries every other column as a facet, up to 50 ms each, in the same request: with them on
   (commit 6ca932e's results) IVDR took 268 ms, not 46); and a fourth, gunicorn, over the bundled report alone.
5. Search, interleaved: per round, per query, each target in turn (the order rotating per round)
   gets one untimed request and then a block of timed ones: the project's `/search.json?q=…`
   (SQLite and PostgreSQL), Datasette's table JSON with `_search` and three facets, and Datasette's
   bm25-ranked SQL (first 20 hits by `rank`, plus the count of all of them) as a floor. Every
   request to the project carries a unique `nocache=` parameter: the pages ignore it, the page
   cache's key (the absolute URL) does not, so every answer is rendered. Datasette keeps no page
   cache. Latency is wall-clock in this process around one request on its own new connection
   (http.client): the project's gunicorn closes every connection after one answer (keepalive 0,
   see gunicorn_config.py), so every target gets the same new-connection cost, well under 0.1 ms
   on the loopback.
6. Rendered pages on the bundled report alone: home, the session, talk and speaker load_test.py
   picks, the filtered key-message list and the searches of load_test.py's mix, each page cache
   defeated, one connection, interleaved the same way; the median of gunicorn's own request time
   (its access log's %(D)s, microseconds, set through GUNICORN_CMD_ARGS) is the server-side time.

The script, its servers and the PostgreSQL backends run at nice -10 when allowed (load_test.py's
boost_priority and Renicer).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from importlib.metadata import version
from pathlib import Path

from bench_postgres import fresh_database
from load_test import (
    PICK,
    PRIORITY,
    ROOT,
    SEARCHES,
    CannotRun,
    Gunicorn,
    Renicer,
    boost_priority,
    cpu_model,
    free_port,
    memory_gb,
    mix,
    production_environment,
    set_autogroup_nice,
    shell,
    step,
    wait_healthy,
)
from load_test import check_urls as check_project_urls
from search_benchmark import generate, server_version

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "datasette-results.md"
BIN = Path(sys.executable).parent
CI_POSTGRES = "postgres://icpermed:icpermed-ci@127.0.0.1:5432/icpermed"
BENCH_DATABASE = "icpermed_datasette_bench"
DATASETTE_NAME = "bench"  # the copy's file stem: Datasette's name for the database
QUERIES = ["Tuscany", "IVDR", "data", "drug resistance", '"digital twins"']
FACETS = ["kind", "session_id", "talk_id"]
FLOOR_PAGE = 20
DATASETTE_LIMIT_MS = 10_000
# What a rendered page may take (issue 12), by load_test.mix()'s label.
PAGE_TARGETS_MS = {"home": None, "session": 8, "talk": 5, "speaker": 5, "key messages, 2 themes + session": 8}
SEARCH_PAGE_TARGET_MS = 8
TARGET_RATIO = 1.0  # /search.json p50 over Datasette-with-facets p50
TARGET_PG_RATIO = 1.5  # PostgreSQL p50 over SQLite p50
TARGET_INDEX_RATIO = 1.0  # index bytes over raw text bytes
TARGET_REBUILD_SECONDS = 2.0
ACCESS_FORMAT = "TIMED %(D)s %(s)s %(U)s?%(q)s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="key messages (default %(default)s)")
    parser.add_argument(
        "--runs", type=int, default=40, help="timed requests per query and target (default %(default)s)"
    )
    parser.add_argument(
        "--page-runs", type=int, default=100, help="timed requests per rendered page (default %(default)s)"
    )
    parser.add_argument("--rounds", type=int, default=4, help="blocks per query and target the runs are split into")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", CI_POSTGRES))
    parser.add_argument(
        "--database", default=BENCH_DATABASE, help="the PostgreSQL database to (re)create (default %(default)s)"
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL column")
    parser.add_argument("--output", default=str(RESULTS), help="results file ('-': standard output)")
    parser.add_argument("--build-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_worker:
        print("BUILT " + json.dumps(build_worker(args.size)))
        return 0
    previous_nice = boost_priority()
    boosted = previous_nice is not None
    started = {"load": os.getloadavg(), "time": time.strftime("%Y-%m-%d %H:%M")}
    try:
        with tempfile.TemporaryDirectory(prefix="icpermed-datasette-") as tmp:
            result = run(Path(tmp), args)
    except CannotRun as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 2
    finally:
        if boosted:
            set_autogroup_nice(os.getpid(), previous_nice)  # the calling shell's session shares it
    result |= {"started": started, "ended": os.getloadavg(), "boosted": boosted}
    command = " ".join(["python tests/benchmarks/datasette_compare.py", *sys.argv[1:]])
    text = report(result, command, args)
    if args.output == "-":
        print(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def run(tmp: Path, args) -> dict:
    """Build the databases, start the servers, measure; the results as one dict."""
    sqlite_file = tmp / "project.sqlite3"
    built = build(f"sqlite:///{sqlite_file}", args.size)
    datasette_file = tmp / f"{DATASETTE_NAME}.db"
    table = built["key_message_table"]
    datasette_index = datasette_fts(sqlite_file, datasette_file, table)
    postgres_url = None
    if not args.no_postgres:
        try:
            postgres_url = fresh_database(args.postgres, args.database)
        except RuntimeError as error:
            raise CannotRun(str(error)) from error
        built_postgres = build(postgres_url, args.size)
    pages_url = f"sqlite:///{tmp / 'report.sqlite3'}"
    pages_environment = server_environment(pages_url)
    step("migrate (the bundled report alone)", ["manage.py", "migrate", "--no-input"], pages_environment)
    step(
        "ingest_report",
        ["manage.py", "ingest_report", str(ROOT / "fixtures" / "icpermed-workshop-2023-siena.pdf")],
        pages_environment,
    )
    step("collectstatic", ["manage.py", "collectstatic", "--no-input"], pages_environment)
    picked = json.loads(shell("pick the pages", PICK, pages_environment).split("PICKED ", 1)[1])
    result = {
        "size": args.size,
        "table": table,
        "sqlite": built,
        "datasette_index": datasette_index,
        "postgresql": None,
    }
    with contextlib.ExitStack() as servers:
        project = start_gunicorn(servers, f"sqlite:///{sqlite_file}", tmp / "sqlite.log")
        datasette = servers.enter_context(Datasette(datasette_file, tmp / "datasette.log"))
        targets = [
            Target("project", project, lambda q: "/search.json?" + urllib.parse.urlencode({"q": q}), unique=True),
            Target("datasette", datasette.port, functools.partial(datasette_table_path, table)),
            Target("floor", datasette.port, functools.partial(datasette_sql_path, table)),
        ]
        if postgres_url:
            servers.enter_context(Renicer("postgresql", postgres_url))
            postgres = start_gunicorn(servers, postgres_url, tmp / "postgresql.log")
            targets.append(Target("postgresql", postgres, targets[0].path_of, unique=True))
            result["postgresql"] = built_postgres
        result["measuring_load"] = os.getloadavg()
        print(
            f"== search: {len(QUERIES)} queries × {len(targets)} targets × {args.runs} runs",
            file=sys.stderr,
            flush=True,
        )
        result["search"] = measure_search(targets, args)
        pages_port = start_gunicorn(servers, pages_url, tmp / "pages.log")
        print(f"== pages: {args.page_runs} runs each", file=sys.stderr, flush=True)
        result["pages"] = measure_pages(pages_port, tmp / "pages.log", picked, args)
        result["measured_load"] = os.getloadavg()
        result["settings"] = gunicorn_settings(pages_environment, tmp)
    return result


# Building the databases.


def build(database_url: str, size: int) -> dict:
    """migrate, ingest, generate and rebuild the index in a fresh process on this database; what it measured."""
    engine = database_url.split(":", 1)[0]
    print(f"== build: {size:,} key messages on {engine}", file=sys.stderr, flush=True)
    output = step(
        f"build ({engine})", [__file__, "--build-worker", "--size", str(size)], production_environment(database_url)
    )
    built = json.loads(output.split("BUILT ", 1)[1])
    print(
        f"   rebuild {built['rebuild_seconds']:.2f} s, index {sum(built['index'].values()) / 1e6:.1f} MB, "
        f"raw text {built['raw_text_bytes'] / 1e6:.1f} MB",
        file=sys.stderr,
        flush=True,
    )
    return built


def build_worker(size: int) -> dict:
    """In a process whose DATABASE_URL is a fresh database: migrate, ingest, generate, rebuild the index (timed)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from icpermed_kb.ingest.pipeline import ingest
    from icpermed_kb.search.index import rebuild

    call_command("migrate", verbosity=0)
    ingest(settings.REPORT_PDF)
    generate(size, random.Random(2023))
    started = time.perf_counter()
    documents = rebuild()
    seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    sizes = table_bytes(connection)
    from sessions.models import KeyMessage as key_messages

    return {
        "version": server_version(connection),
        "documents": documents,
        "rebuild_seconds": seconds,
        "key_messages": key_messages.objects.count(),
        "key_message_table": key_messages._meta.db_table,
        "index": {name: sizes[name] for name in index_tables(sizes)},
        "database_bytes": sum(sizes.values()),
        "raw_text_bytes": raw_text_bytes(connection),
    }


def table_bytes(connection) -> dict[str, int]:
    """Bytes on disk per table, its indexes and (PostgreSQL) TOAST included."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # dbstat names every b-tree; sqlite_master says which table an index belongs to.
            cursor.execute(
                "SELECT COALESCE(m.tbl_name, s.name), SUM(s.pgsize) FROM dbstat s "
                "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
            )
        else:
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()"
            )
        return dict(cursor.fetchall())


def index_tables(sizes: dict[str, int]) -> list[str]:
    """The search index's tables: its models' (search_index.py), and those of no model (FTS5's shadow tables)."""
    from django.apps import apps

    models = apps.get_models(include_auto_created=True)
    modelled = {model._meta.db_table for model in models}
    search = {model._meta.db_table for model in models if model.__module__.endswith(".search_index")}
    bookkeeping = {
        "django_migrations",
        "sqlite_sequence",
        "sqlite_schema",
        "sqlite_master",
        "sqlite_stat1",
        "sqlite_stat4",
    }
    return sorted(name for name in sizes if name in search or (name not in modelled and name not in bookkeeping))


def raw_text_bytes(connection) -> int:
    """UTF-8 bytes of the text the index is for: every key message's and recommendation's `text`."""
    from recommendations.models import Recommendation
    from sessions.models import KeyMessage

    length = "LENGTH(CAST({} AS BLOB))" if connection.vendor == "sqlite" else "OCTET_LENGTH({})"
    total = 0
    with connection.cursor() as cursor:
        for model in (KeyMessage, Recommendation):
            column = connection.ops.quote_name(model._meta.get_field("text").column)
            cursor.execute(
                f"SELECT COALESCE(SUM({length.format(column)}), 0) FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
            total += cursor.fetchone()[0]
    return total


def datasette_fts(source: Path, copy: Path, table: str) -> dict:
    """Copy the file and index the key messages' text the way a Datasette user does (sqlite-utils enable-fts)."""
    import sqlite3

    shutil.copyfile(source, copy)
    command = [str(BIN / "sqlite-utils"), "enable-fts", str(copy), table, "text"]
    print(f"== datasette's index: {' '.join(command[1:2] + command[3:])}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        rows = connection.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    sizes = {name: size for name, size in rows if name.startswith(f"{table}_fts")}
    return {"seconds": seconds, "tables": sizes, "command": f"sqlite-utils enable-fts <copy> {table} text"}


# The servers.


def server_environment(database_url: str) -> dict:
    """The production settings, one worker of one thread, and gunicorn's request time in its access log."""
    return production_environment(database_url) | {
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}'",
    }


def start_gunicorn(servers: contextlib.ExitStack, database_url: str, log: Path) -> int:
    """gunicorn over this database on a free port, stopped when `servers` closes; its port."""
    port = free_port()
    server = servers.enter_context(Gunicorn(port, server_environment(database_url), log))
    wait_healthy(f"http://127.0.0.1:{port}", server)
    return port


class Datasette:
    """`datasette serve` over one file on a free loopback port, stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, database: Path, log: Path):
        self.database, self.log, self.port = database, log, free_port()
        self.process = None

    def __enter__(self):
        command = [
            str(BIN / "datasette"), "serve", str(self.database), "--host", "127.0.0.1", "--port", str(self.port),
            "--setting", "sql_time_limit_ms", str(DATASETTE_LIMIT_MS),
            "--setting", "facet_time_limit_ms", str(DATASETTE_LIMIT_MS),
            "--setting", "suggest_facets", "off",
        ]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if os.getpriority(os.PRIO_PROCESS, 0) == PRIORITY:
            set_autogroup_nice(self.process.pid, PRIORITY)  # its own session, so its own autogroup
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CannotRun("datasette exited:\n" + self.log.read_text(errors="replace")[-3000:])
            with contextlib.suppress(OSError):
                if request(self.port, "/-/versions.json")[0] == 200:
                    return self
            time.sleep(0.3)
        self.__exit__()
        raise CannotRun("datasette did not answer within 60 s:\n" + self.log.read_text(errors="replace")[-3000:])

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session, started above
            self.process.wait()
        return False


def datasette_table_path(table: str, query: str) -> str:
    """Datasette's table JSON for the key messages matching `query`, with three facets (its own escaping of `_search`)."""
    return f"/{DATASETTE_NAME}/{table}.json?" + urllib.parse.urlencode(
        [("_search", query)] + [("_facet", f) for f in FACETS]
    )


FLOOR_SQL = """
select k.id, k.kind, k.session_id, k.talk_id, k.text,
  (select count(*) from {fts} where {fts} match :q) as hits
from {fts} join {table} k on k.id = {fts}.rowid
where {fts} match :q
order by {fts}.rank
limit {limit}
""".strip()


def floor_sql(table: str) -> str:
    """The floor's SQL: the first 20 hits by bm25 (FTS5's `rank`) with their facet columns, and the count of all."""
    return FLOOR_SQL.format(table=table, fts=f"{table}_fts", limit=FLOOR_PAGE)


def datasette_sql_path(table: str, query: str) -> str:
    """Datasette's SQL JSON for the floor, the query escaped as Datasette escapes `_search`."""
    from datasette.utils import escape_fts

    return f"/{DATASETTE_NAME}.json?" + urllib.parse.urlencode({"sql": floor_sql(table), "q": escape_fts(query)})


# Measuring.


class Target:
    """One server and how it asks a query; `unique` adds a fresh nocache= parameter to every request."""

    def __init__(self, name: str, port: int, path_of, *, unique: bool = False):
        self.name, self.port, self.path_of, self.unique = name, port, path_of, unique
        self.sent = 0

    def get(self, query: str) -> tuple[float, dict]:
        """Milliseconds for one request of this query, and the parsed answer; CannotRun unless 200."""
        path = self.path_of(query)
        if self.unique:
            self.sent += 1
            path += f"&nocache={self.name}.{self.sent}"
        status, milliseconds, body = request(self.port, path)
        if status != 200:
            raise CannotRun(f"{self.name}: {path} answered {status}: {body[:500]!r}")
        return milliseconds, json.loads(body)


def request(port: int, path: str) -> tuple[int, float, bytes]:
    """(status, milliseconds, body) of a GET on a new connection to 127.0.0.1:port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        milliseconds = (time.perf_counter() - started) * 1000
    finally:
        connection.close()
    return response.status, milliseconds, body


def hits_of(name: str, answer: dict) -> int:
    """How many hits an answer reports in all (not on its page)."""
    if name == "datasette":
        return answer["filtered_table_rows_count"]
    if name == "floor":
        column = answer["columns"].index("hits")
        return answer["rows"][0][column] if answer["rows"] else 0
    return answer["count"]


def measure_search(targets: list[Target], args) -> list[dict]:
    """Every query on every target, `runs` times in `rounds` alternating blocks, each after one untimed request."""
    per_block = max(1, args.runs // args.rounds)
    times = {(query, t.name): [] for query in QUERIES for t in targets}
    answers = {}
    for round_number in range(args.rounds):
        order = targets[round_number % len(targets) :] + targets[: round_number % len(targets)]
        for query in QUERIES:
            for target in order:
                target.get(query)
                for _ in range(per_block):
                    milliseconds, answer = target.get(query)
                    times[query, target.name].append(milliseconds)
                answers[query, target.name] = answer
        print(f"   round {round_number + 1}/{args.rounds}, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    rows = []
    for query in QUERIES:
        row = {"query": query}
        for target in targets:
            answer = answers[query, target.name]
            row[target.name] = summary(times[query, target.name]) | {"hits": hits_of(target.name, answer)}
            if target.name == "datasette":
                row[target.name]["facets"] = sorted(answer.get("facet_results", {}))
                row[target.name]["timed_out"] = answer.get("facets_timed_out", [])
        rows.append(row)
        print(f"   {line(row)}", file=sys.stderr, flush=True)
    return rows


def measure_pages(port: int, log: Path, picked: dict, args) -> list[dict]:
    """Each page of the bundled report rendered `page_runs` times (page cache defeated, one connection), interleaved."""
    wanted = set(PAGE_TARGETS_MS) | {f"search `{query}`" for query in SEARCHES}
    pages = [(label, path) for label, path in mix(picked) if label in wanted]
    check_project_urls(f"http://127.0.0.1:{port}", pages)
    per_block = max(1, args.page_runs // args.rounds)
    client: dict[str, list[float]] = {label: [] for label, _ in pages}
    tokens: dict[str, str] = {}
    sent = 0
    for round_number in range(args.rounds):
        order = pages[round_number % len(pages) :] + pages[: round_number % len(pages)]
        for label, path in order:
            for n in range(per_block + 1):
                sent += 1
                token = f"page.{sent}"
                status, milliseconds, body = request(port, path + ("&" if "?" in path else "?") + f"nocache={token}")
                if status != 200:
                    raise CannotRun(f"{label}: {path} answered {status}")
                if n:  # the first of a block is not timed
                    client[label].append(milliseconds)
                    tokens[token] = label
    time.sleep(1)  # the access log line is written after the answer
    server: dict[str, list[float]] = {label: [] for label, _ in pages}
    for match in re.finditer(r"^TIMED (\d+) (\d+) \S*[?&]nocache=(page\.\d+)", log.read_text(errors="replace"), re.M):
        if match.group(3) in tokens:
            server[tokens[match.group(3)]].append(int(match.group(1)) / 1000)
    rows = []
    for label, path in pages:
        if len(server[label]) != len(client[label]):
            raise CannotRun(f"{label}: {len(server[label])} access log lines for {len(client[label])} requests")
        target = PAGE_TARGETS_MS.get(label, SEARCH_PAGE_TARGET_MS)
        rows.append(
            {
                "label": label,
                "path": path,
                "target": target,
                "server": summary(server[label]),
                "client": summary(client[label]),
            }
        )
        print(
            f"   {label}: server p50 {rows[-1]['server']['p50']:.1f} ms, client p50 {rows[-1]['client']['p50']:.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    return rows


def summary(times: list[float]) -> dict:
    """p50 and p90 (and the number of samples) of milliseconds."""
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) > 1 else times[0]
    return {"p50": statistics.median(times), "p90": p90, "n": len(times)}


def line(row: dict) -> str:
    parts = [f"{row['query']}:"]
    for name in ("project", "datasette", "floor", "postgresql"):
        if name in row:
            parts.append(f"{name} {row[name]['hits']:,} hits p50 {row[name]['p50']:.1f} ms;")
    parts.append(f"ratio {row['project']['p50'] / row['datasette']['p50']:.2f}")
    return " ".join(parts)


def gunicorn_settings(environment: dict, tmp: Path) -> dict:
    """The workers and threads the servers ran with, as gunicorn_config.py read them."""
    return Gunicorn(0, environment, tmp / "settings.log").settings()


# The results file.


def met(value: float, target: float) -> str:
    return "met" if value <= target else "not met"


def ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def report(r: dict, command: str, args) -> str:
    """The results file: how it was made, then index, search and pages against their targets."""
    built, datasette_index = r["sqlite"], r["datasette_index"]
    index_bytes = sum(built["index"].values())
    datasette_bytes = sum(datasette_index["tables"].values())
    text = built["raw_text_bytes"]
    settings = r["settings"]
    load = r["started"]["load"]
    lines = [
        "# Side by side with Datasette (issue 12)",
        "",
        f"Made by `{command}` on {r['started']['time']}"
        + (
            f", at nice {PRIORITY} (script, servers and PostgreSQL backends)"
            if r["boosted"]
            else ", priority not raised (not allowed)"
        )
        + ".",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}), {memory_gb():.0f} GB, Linux {platform.release()}, "
        f"Python {platform.python_version()}, {built['version']}"
        + (f", {r['postgresql']['version']}" if r["postgresql"] else "")
        + ". Shared with other work (CI, other sessions):",
        f"  load average (1, 5, 15 min) {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start, "
        f"{r['ended'][0]:.2f} {r['ended'][1]:.2f} {r['ended'][2]:.2f} at the end; 1 min {r['measuring_load'][0]:.2f} "
        f"when the search measurement began (after the builds), {r['measured_load'][0]:.2f} after the pages.",
        f"- Servers: gunicorn {version('gunicorn')} with `icpermed_kb/gunicorn_config.py`, {settings['workers']} worker × "
        f"{settings['threads']} thread ({settings['worker_class']}, keep-alive {settings['keepalive']} s), production settings "
        "(`DJANGO_DEBUG=false`, HTTPS settings off for plain HTTP on the loopback, as in load_test.py); "
        f"Datasette {version('datasette')} (`datasette serve`, SQL and facet time limits {DATASETTE_LIMIT_MS // 1000} s "
        "so that no facet is dropped; facet suggestions off: by default it also tries every other column as a facet, up to "
        "50 ms each, in the same request, work the project does not do), sqlite-utils " + version("sqlite-utils") + ".",
        f"- Data: {r['size']:,} key messages from `search_benchmark.generate()` (seed 2023) on the bundled report, "
        f"{built['documents']:,} documents indexed. Client: Python's http.client in this process, one request at a time, "
        "each on a new connection (the project's gunicorn closes every connection after one answer), timed from "
        "sending to the last byte read. Search: per query and target, "
        f"{args.rounds} alternating blocks of {max(1, args.runs // args.rounds)} timed requests, each block after one "
        "untimed request, the targets' order rotating per block; every project request carries a unique `nocache=` "
        "(rendered, not from the page cache); Datasette's requests carry none (it keeps no page cache, and "
        "it would read an unknown parameter as a column filter).",
        "",
        "## Index",
        "",
        "| index | build (s) | size (MB) | × raw text | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| the project (`index.rebuild()`) | {built['rebuild_seconds']:.2f} | {index_bytes / 1e6:.1f} | "
        f"{index_bytes / text:.2f}× | size ≤ {TARGET_INDEX_RATIO:.1f}×: {met(index_bytes / text, TARGET_INDEX_RATIO)}; "
        f"rebuild ≤ {TARGET_REBUILD_SECONDS:.0f} s: {met(built['rebuild_seconds'], TARGET_REBUILD_SECONDS)} |",
        f"| Datasette (`{datasette_index['command']}`) | {datasette_index['seconds']:.2f} | {datasette_bytes / 1e6:.1f} | "
        f"{datasette_bytes / text:.2f}× | |",
    ]
    if r["postgresql"]:
        pg = r["postgresql"]
        pg_bytes = sum(pg["index"].values())
        lines.append(
            f"| the project on PostgreSQL | {pg['rebuild_seconds']:.2f} | {pg_bytes / 1e6:.1f} | "
            f"{pg_bytes / pg['raw_text_bytes']:.2f}× | (no target) |"
        )
    lines += [
        "",
        f"Raw text: {text / 1e6:.1f} MB (UTF-8 bytes of every key message's and recommendation's `text`). "
        "The project's index, by table (SQLite dbstat: every page of the table and its indexes): "
        + ", ".join(
            f"`{name}` {size / 1e6:.1f} MB" for name, size in sorted(built["index"].items(), key=lambda item: -item[1])
        )
        + ". Datasette's: "
        + ", ".join(
            f"`{name}` {size / 1e6:.1f} MB"
            for name, size in sorted(datasette_index["tables"].items(), key=lambda item: -item[1])
        )
        + ". Datasette's index holds the key messages' text alone (no talk title, speaker, session, recommendations), "
        "unstemmed.",
        "",
        "## Search",
        "",
        f"`/search.json?q=…` (the project) against `/{DATASETTE_NAME}/{r['table']}.json?_search=…"
        + "".join(f"&_facet={f}" for f in FACETS)
        + "` (Datasette with 3 facets), and Datasette's `/<db>.json?sql=…` (the first 20 by `rank`, bm25, plus the count) "
        "as a floor. Milliseconds, client side. Hits differ by design: the project searches key messages and "
        "recommendations, stemmed, over text, titles, speakers and sessions; Datasette the key messages' text as written.",
        "",
        "| query | hits: project / Datasette | project p50 | p90 | Datasette + 3 facets p50 | p90 | ratio | "
        f"≤ {TARGET_RATIO:.1f}× | Datasette bm25 SQL + count p50 |"
        + (f" PostgreSQL p50 | PG / SQLite | ≤ {TARGET_PG_RATIO}× |" if r["postgresql"] else ""),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
        + (" ---: | ---: | --- |" if r["postgresql"] else ""),
    ]
    timed_out = []
    for row in r["search"]:
        project, datasette, floor = row["project"], row["datasette"], row["floor"]
        ratio = project["p50"] / datasette["p50"]
        timed_out += datasette["timed_out"]
        cells = [
            f"`{row['query']}`", f"{project['hits']:,} / {datasette['hits']:,}", ms(project["p50"]), ms(project["p90"]),
            ms(datasette["p50"]), ms(datasette["p90"]), f"{ratio:.2f}×", met(ratio, TARGET_RATIO), ms(floor["p50"]),
        ]  # fmt: skip
        if "postgresql" in row:
            pg = row["postgresql"]
            pg_ratio = pg["p50"] / project["p50"]
            cells += [ms(pg["p50"]), f"{pg_ratio:.2f}×", met(pg_ratio, TARGET_PG_RATIO)]
        lines.append("| " + " | ".join(cells) + " |")
    samples = r["search"][0]["project"]["n"]
    differing = [
        row["query"]
        for row in r["search"]
        if "postgresql" in row and row["postgresql"]["hits"] != row["project"]["hits"]
    ]
    lines += [
        "",
        f"{samples} timed requests per cell. Datasette's facets: "
        + ("every one counted, none timed out" if not timed_out else f"timed out: {', '.join(timed_out)}")
        + "."
        + (
            ""
            if not r["postgresql"]
            else " PostgreSQL's hits: the same number as SQLite's for every query."
            if not differing
            else f" PostgreSQL's hits differ from SQLite's for {', '.join(differing)}."
        ),
        "",
        "## Rendered pages (the bundled report alone)",
        "",
        "Each page with a unique `nocache=` (rendered every time), one connection, one request at a time; "
        "server time is gunicorn's own request time (its access log's `%(D)s`), client time as above.",
        "",
        "| page | path | server p50 (ms) | server p90 | client p50 | target | |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in r["pages"]:
        target = page["target"]
        lines.append(
            f"| {page['label']} | `{page['path']}` | {page['server']['p50']:.1f} | {page['server']['p90']:.1f} | "
            f"{page['client']['p50']:.1f} | {f'≤ {target} ms' if target else '—'} | "
            f"{met(page['server']['p50'], target) if target else ''} |"
        )
    lines += ["", f"{r['pages'][0]['server']['n']} timed requests per page."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
