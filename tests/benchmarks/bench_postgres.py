"""The benchmarks' PostgreSQL: the local cluster started if it is down, and a throw-away database."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start_local_cluster() -> None:
    """Start the local cluster (as CI does) if nothing answers on 127.0.0.1:5432."""
    if port_open(5432) or not shutil.which("pg_ctlcluster"):
        return
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"], capture_output=True)
    for _ in range(30):
        if port_open(5432):
            return
        time.sleep(1)


def fresh_database(url: str, name: str) -> str:
    """Drop and re-create the database `name` as the role in `url`; its URL. RuntimeError if that fails."""
    import psycopg

    start_local_cluster()
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as error:
        raise RuntimeError(f"cannot create the database {name} as {url.split('@')[-1]}: {error}") from error
    return url.rsplit("/", 1)[0] + "/" + name
