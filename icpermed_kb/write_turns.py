"""Writers take turns: an ingestion's write phase excludes every editor's save and every other ingestion.

Editors and ingestions write the same rows, and the loader decides what to keep from what it reads
(edit marks, tombstones). An editor's save committed in the middle of an ingestion's write phase
would be undone by decisions made from what the loader read before it (issue 15). So:

- `ingestion_turn()` is a transaction that holds the one ingestion lock from its first statement to
  its commit; the loader reads edit marks and tombstones only inside it.
- `editor_turn()` is a transaction that an editor's save runs in: it waits while an ingestion holds
  the lock, at most `wait` seconds, and then raises `WriterBusy` (nothing written) for the admin to
  say so. Editors do not exclude one another (optimistic locking already settles their races).

PostgreSQL: a transaction-level advisory lock — exclusive for an ingestion, shared for editors —
waited for under `lock_timeout`, released by the commit or rollback. PostgreSQL queues a new shared
request behind a waiting exclusive one, so a stream of editors cannot starve an ingestion.

SQLite has one write lock per database: with `transaction_mode` IMMEDIATE (settings.py) every
transaction takes it at BEGIN, so an ingestion's transaction holds it throughout and any other
writer's BEGIN waits the busy timeout, set here to the writer's `wait`. (With SQLite's default,
deferred transactions, a reader that then writes is refused at once — "database is locked", the
HTTP 500s of issue 15 — because waiting could deadlock.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import OperationalError, connections, transaction

# The advisory lock's key: any 64-bit number no other code in this database uses (advisory locks
# are per database). These are the bytes of "icpermed".
LOCK_KEY = 0x6963_7065_726D_6564


class WriterBusy(Exception):
    """Another writer held the knowledge base longer than this one could wait: nothing was written."""

    def __init__(self, waited: float):
        super().__init__(f"the knowledge base was busy for more than {waited:g} s")
        self.waited = waited


@contextmanager
def editor_turn(*, wait: float, using: str = "default") -> Iterator[None]:
    """A transaction for an editor's writes: waits at most `wait` s while an ingestion writes (WriterBusy)."""
    with _turn(using, wait, exclusive=False, on_wait=lambda: None):
        yield


@contextmanager
def ingestion_turn(*, wait: float, using: str = "default", on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """A transaction holding the ingestion lock until it ends; `on_wait()` is called first if another writer holds it."""
    with _turn(using, wait, exclusive=True, on_wait=on_wait):
        yield


@contextmanager
def _turn(using: str, wait: float, *, exclusive: bool, on_wait: Callable[[], None]) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            _advisory_lock(connection, wait, exclusive=exclusive, on_wait=on_wait)
            yield
        return
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        # Inside a transaction already: on SQLite its BEGIN took the write lock (or will, at the first
        # write, for a transaction begun before this setting); other engines are not supported.
        with transaction.atomic(using=using):
            yield
        return
    with _sqlite_write_transaction(connection, using, wait, on_wait):
        yield


def _advisory_lock(connection, wait: float, *, exclusive: bool, on_wait: Callable[[], None]) -> None:
    suffix = "" if exclusive else "_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory_xact_lock{suffix}(%s)", [LOCK_KEY])
        if cursor.fetchone()[0]:
            return
        on_wait()
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        # set_config(…, true) is SET LOCAL: this transaction only.
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, round(wait * 1000))}ms"])
        try:
            cursor.execute(f"SELECT pg_advisory_xact_lock{suffix}(%s)", [LOCK_KEY])
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == "55P03":  # lock_not_available: lock_timeout passed
                raise WriterBusy(wait) from None
            raise
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


@contextmanager
def _sqlite_write_transaction(connection, using: str, wait: float, on_wait: Callable[[], None]) -> Iterator[None]:
    connection.ensure_connection()
    default_ms = _busy_timeout(connection)
    try:
        try:
            _set_busy_timeout(connection, 0)
            atomic = _begin(using)
        except _SqliteBusy:
            on_wait()
            _set_busy_timeout(connection, max(1, round(wait * 1000)))
            try:
                atomic = _begin(using)
            except _SqliteBusy:
                raise WriterBusy(wait) from None
        finally:
            _set_busy_timeout(connection, default_ms)
        with atomic:  # entered already: this exits it, committing or rolling back
            yield
    finally:
        _set_busy_timeout(connection, default_ms)


class _SqliteBusy(Exception):
    pass


class _Entered:
    """An atomic block already entered, to be exited by a `with`."""

    def __init__(self, atomic):
        self.atomic = atomic

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def _begin(using: str) -> _Entered:
    atomic = transaction.atomic(using=using)
    try:
        atomic.__enter__()  # BEGIN IMMEDIATE: waits the busy timeout for SQLite's write lock
    except OperationalError as error:
        if _is_busy(error):
            raise _SqliteBusy from None
        raise
    return _Entered(atomic)


def _is_busy(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlite_errorname", "").startswith("SQLITE_BUSY") or "database is locked" in str(error)


def _busy_timeout(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return int(cursor.fetchone()[0])


def _set_busy_timeout(connection, milliseconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
