"""`make run` and `make dev`: set up what the site needs, then serve it on this machine.

`python -m icpermed_kb.serve` (make run) serves the site as its users see it: debug off, so the
site's own 404 and 500 pages and whitenoise's hashed, compressed static files, under gunicorn with
icpermed_kb/gunicorn_config.py on 127.0.0.1:8000. The secret key is generated once into
`.local-secret-key` (git-ignored, readable by its owner only) and read from there afterwards. The
server speaks plain HTTP on the loopback, so HTTPS redirects, HSTS and HTTPS-only cookies are off
(the production setup turns them on: README, "Production").

`python -m icpermed_kb.serve --dev` (make dev) runs Django's autoreloading development server
instead, with debug on.

Before serving, each step says in one line what it did, and does only what is needed: the
database is migrated when migrations are pending, the static files are collected when they changed,
and the bundled report is ingested (which answers at once for a file loaded before with nothing
changed since). Then this process becomes the server (exec), so Ctrl-C stops the server itself.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = BASE_DIR / ".local-secret-key"
GUNICORN_CONFIG = "python:icpermed_kb.gunicorn_config"


def local_secret_key(path: Path) -> str:
    """The secret key kept in `path`, generated there (mode 0600) the first time."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # written meanwhile by another start: use that one
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    print(f"Secret key: generated into {path.name} (git-ignored; keep it private)")
    return key


def production_environment(environ: dict[str, str]) -> dict[str, str]:
    """The settings' environment for serving with debug off on this machine (what the user set stays)."""
    secret_file = Path(environ.get("DJANGO_SECRET_KEY_FILE") or SECRET_KEY_FILE)
    defaults = {
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: nothing would answer the redirect, and a browser would keep
        # an HSTS entry for 127.0.0.1 and refuse HTTPS-only cookies over HTTP (no admin login).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_SECURE_COOKIES": "false",
    }
    environment = {**defaults, **environ, "DJANGO_DEBUG": "false"}
    if not environment.get("DJANGO_SECRET_KEY"):
        environment["DJANGO_SECRET_KEY"] = local_secret_key(secret_file)
    return environment


def describe_database(connection) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite, {Path(settings['NAME']).name}"
    return f"{connection.display_name} {settings['NAME']} on {settings.get('HOST') or 'localhost'}"


def migrate() -> str:
    """Apply pending migrations; one line saying what was done."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    where = describe_database(connection)
    if not pending:
        return f"Database ({where}): up to date"
    call_command("migrate", interactive=False, verbosity=0)
    return f"Database ({where}): {len(pending)} migration{'s' if len(pending) != 1 else ''} applied"


def static_sources_digest() -> str:
    """sha256 over every static file the finders see (path, size, modification time) and the storage used."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(repr(settings.STORAGES["staticfiles"]).encode())
    found = []
    for finder in get_finders():
        for path, storage in finder.list(ignore_patterns=["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            found.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for line in sorted(found):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def collect_static() -> str:
    """Collect the static files (hashed and compressed) when they changed; one line saying what was done."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root.with_name(root.name + ".stamp")  # beside, not inside: whitenoise serves all of STATIC_ROOT
    digest = static_sources_digest()
    manifest = root / "staticfiles.json"
    if manifest.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == digest:
        return f"Static files ({root.name}/): up to date"
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest + "\n", encoding="utf-8")
    count = sum(1 for path in root.rglob("*") if path.is_file() and path.suffix != ".gz")
    return f"Static files ({root.name}/): collected, {count} files"


def ingest_bundled_report() -> str:
    """Ingest the bundled report (a no-op for a file loaded before with nothing changed); one line."""
    from django.conf import settings

    from icpermed_kb.ingest.pipeline import ingest

    path = Path(settings.REPORT_PDF)
    summary = ingest(path).summary
    if not summary.counts:
        return f"Report ({path.name}): loaded before, nothing changed"
    totals = {outcome: 0 for outcome in ("created", "updated", "deleted")}
    for counter in summary.counts.values():
        for outcome in totals:
            totals[outcome] += counter[outcome]
    if not summary.changed:
        line = f"Report ({path.name}): ingested, nothing changed"
    else:
        line = f"Report ({path.name}): ingested, " + ", ".join(f"{n:,} rows {outcome}" for outcome, n in totals.items())
    if summary.kept_edited or summary.not_restored:
        line += f"; editors' work kept ({summary.kept_edited} edited, {summary.not_restored} deleted items)"
    return line


def set_up() -> None:
    """Migrate, collect static files (debug off only) and ingest the bundled report, a line for each."""
    import django
    from django.conf import settings

    django.setup()
    print(migrate(), flush=True)
    if not settings.DEBUG:
        print(collect_static(), flush=True)
    print(ingest_bundled_report(), flush=True)
    from django.db import connections

    connections.close_all()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Set up and serve the knowledge base on this machine.")
    parser.add_argument("--dev", action="store_true", help="Django's autoreloading development server, debug on")
    parser.add_argument("--bind", metavar="HOST:PORT", help="the address to serve on (default: gunicorn_config.bind, 127.0.0.1:8000)")
    arguments = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpermed_kb.settings")
    if not arguments.dev:
        os.environ.update(production_environment(dict(os.environ)))
    from icpermed_kb.ingest.records import RefusedDocument

    try:
        set_up()
    except RefusedDocument as exc:
        sys.exit(f"The bundled report was refused: {exc}")
    from icpermed_kb import gunicorn_config

    address = arguments.bind or gunicorn_config.bind
    if arguments.dev:
        print(f"Serving http://{address}/ with Django's development server (debug on, reloads on changes; Ctrl-C stops)", flush=True)
        command = [sys.executable, str(BASE_DIR / "manage.py"), "runserver", address]
    else:
        print(f"Serving http://{address}/ with gunicorn (debug off; Ctrl-C stops)", flush=True)
        command = [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONFIG, "--bind", address, "icpermed_kb.wsgi"]
    os.chdir(BASE_DIR)
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
