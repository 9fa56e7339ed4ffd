"""Read and parse a PDF in a child process, with a wall-clock limit and memory and CPU caps.

MuPDF is C code: a hostile or broken PDF can make it loop, allocate without bound or crash, and
none of that can be interrupted from Python. So PDF bytes -> Report (PyMuPDF and the parser, all
the CPU-heavy work) runs in a child process; the parent waits at most `timeout` seconds, then
kills it. In the child, RLIMIT_AS caps the address space it may add, RLIMIT_CPU stops it even if
the parent is gone (an orphaned child cannot spin forever), and RLIMIT_CORE keeps crashes from
leaving core files. Results come back through a pipe as plain pickled records (records.py); the
database is written only in the parent, only after the child succeeded.

Why multiprocessing's "forkserver" start method: the child must not inherit the parent's Django
database connections, threads or locks (plain fork would copy them), and it must start fast — a
fresh interpreter ("spawn", or a subprocess) pays ~0.3 s to import PyMuPDF and load the word sets
and place names the parser consults, on every file. The fork server is a clean interpreter started
once per parent process; it preloads `child` (PyMuPDF, the parser, its data) and forks a child per
file, which starts warm in a few milliseconds. This module itself stays light: the parent never
imports PyMuPDF through it. As with any spawn/forkserver child, the parent's main script is run
again (as "__mp_main__") in the child: a script that ingests must guard its entry point with
`if __name__ == "__main__":`, as manage.py does.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import math
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from .records import MAX_BYTES, RefusedDocument, Report, first_line

CHILD_MODULE = "icpermed_kb.ingest.child"
# What the child runs: "module:function", the function taking PDF bytes. Tests point it elsewhere.
PARSE_TARGET = f"{CHILD_MODULE}:read_and_parse"
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 2048
# The child's exit status when it ran out of memory and could not even say so through the pipe.
_EXIT_OUT_OF_MEMORY = 86
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
_server_lock = threading.Lock()
_runs_lock = threading.Lock()  # the early reads and the unclaimed runs
ABANDON_WAIT_SECONDS = 10.0  # at most this long, at exit, for an unclaimed child to take its input


class ChildFailure(Exception):
    """An unexpected exception in the child, with its traceback: the cause of the refusal."""


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT_SECONDS  # seconds of wall-clock time for the whole read and parse
    memory_mb: int = DEFAULT_MEMORY_MB  # MB of address space the child may add to what it holds at start

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            timeout=float(getattr(settings, "INGEST_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)),
            memory_mb=int(getattr(settings, "INGEST_MEMORY_MB", DEFAULT_MEMORY_MB)),
        )

    @property
    def timeout_message(self) -> str:
        return f"parsing took longer than {self.timeout:g} s: the file was stopped"

    @property
    def memory_message(self) -> str:
        return f"parsing needed more than {self.memory_mb} MB of memory"


def start_reader(path: str | os.PathLike | None = None) -> None:
    """Start the fork server now, so that its warm-up runs while the caller goes on; given a PDF, start reading it too.

    The read of `path` runs in a child under the default limits (start_in_child). `parse_in_child`
    takes its outcome when it is asked for those very bytes under those limits and that target,
    and reads them afresh otherwise: the early read is a head start, never a second source of
    truth. A path that cannot be read, or is too large, is left to the caller, which says why.
    """
    _context()
    if path is None:
        return
    try:
        path = Path(path)
        if path.stat().st_size > MAX_BYTES:
            return
        data = path.read_bytes()
    except OSError:
        return
    limits = Limits()
    run = start_in_child(PARSE_TARGET, data, limits)
    with _runs_lock:
        _early_reads[_early_key(data, PARSE_TARGET, limits)] = run


def parse_in_child(data: bytes, limits: Limits | None = None) -> Report:
    """PDF bytes -> Report, read and parsed in a child process; RefusedDocument for anything else."""
    limits = limits or Limits.from_settings()
    with _runs_lock:  # taken, so that it is used once
        early = _early_reads.pop(_early_key(data, PARSE_TARGET, limits), None) if _early_reads else None
    if early is not None:
        try:
            return early.result()
        except RefusedDocument:
            raise
        except Exception:  # the pipe or the fork server failed in the early read: read it again here
            pass
    return run_in_child(PARSE_TARGET, data, limits)


class Pending:
    """`run_in_child(target, data, limits)` running on a thread of its own, which only waits for the child."""

    def __init__(self, target: str, data: bytes, limits: Limits):
        self.target, self.limits = target, limits
        self._outcome: tuple[bool, object] | None = None
        self._process = None
        self._started = threading.Event()  # set once the child has its input (or the run ended without one)
        with _runs_lock:
            _unclaimed.add(self)
        self._thread = threading.Thread(target=self._run, args=(data,), name="icpermed-reader-run", daemon=True)
        self._thread.start()

    def _run(self, data: bytes) -> None:
        try:
            self._outcome = (True, run_in_child(self.target, data, self.limits, started=self._on_start))
        except Exception as exc:  # kept, and raised by result()
            self._outcome = (False, exc)
        finally:
            self._started.set()

    def _on_start(self, process) -> None:
        self._process = process
        self._started.set()

    def result(self) -> object:
        """Wait for the child; its result, or the exception run_in_child raised (RefusedDocument, as a rule)."""
        with _runs_lock:
            _unclaimed.discard(self)
        self._thread.join()
        succeeded, value = self._outcome
        if succeeded:
            return value
        raise value

    def abandon(self) -> None:
        """Stop the child of a run nobody will ask for, once it has its input: a child cut off while
        reading its input (the parent exiting) would print multiprocessing's traceback on our stderr."""
        if self._started.wait(ABANDON_WAIT_SECONDS) and self._thread.is_alive() and self._process is not None:
            with contextlib.suppress(ValueError, OSError):  # it ended and was closed meanwhile
                self._process.kill()


def start_in_child(target: str, data: bytes, limits: Limits) -> Pending:
    """Start `run_in_child(target, data, limits)` and go on; `.result()` waits for it."""
    return Pending(target, data, limits)


def _early_key(data: bytes, target: str, limits: Limits) -> tuple[bytes, str, Limits]:
    return hashlib.sha256(data).digest(), target, limits


# The reads started before they were asked for (start_reader), by what they read and how.
_early_reads: dict[tuple[bytes, str, Limits], Pending] = {}
_unclaimed: set[Pending] = set()  # runs whose result() nobody has asked for yet


@atexit.register  # before multiprocessing's own exit handler, registered earlier (atexit runs them last first)
def _abandon_unclaimed() -> None:
    with _runs_lock:
        runs = list(_unclaimed)
    for run in runs:
        run.abandon()


def run_in_child(target: str, data: bytes, limits: Limits, *, started=None) -> object:
    """Run `target(data)` ("module:function") in a child process under `limits` and return its result.

    `started`, if given, is called with the child's Process once the child has its input.

    Raises RefusedDocument: the child's own refusal with its message, or a one-line reason when the
    child ran out of time or memory, crashed, or failed with an unexpected exception.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main, args=(target, data, sender, limits), name="icpermed-pdf-reader", daemon=True
    )
    try:
        process.start()
        sender.close()  # the child holds the only write end: EOF as soon as it dies
        if started is not None:
            started(process)
        message = None
        if receiver.poll(limits.timeout):
            try:
                message = receiver.recv()
            except EOFError:
                pass  # the child died without a word: its exit status says why
        else:
            process.kill()
            process.join()
            raise RefusedDocument(limits.timeout_message)
        process.join(5)
        if message is None:
            raise RefusedDocument(_exit_reason(process.exitcode, limits))
    finally:
        if process.is_alive():
            process.kill()
            process.join()
        receiver.close()
        sender.close()
        if process.exitcode is not None:
            process.close()
    kind, *payload = message
    if kind == "ok":
        return payload[0]
    if kind == "refused":
        raise RefusedDocument(payload[0])
    if kind == "memory":
        raise RefusedDocument(limits.memory_message)
    summary, details = payload
    raise RefusedDocument(f"the PDF could not be read: the reader failed ({summary})") from ChildFailure(details)


def _exit_reason(exitcode: int | None, limits: Limits) -> str:
    if exitcode == _EXIT_OUT_OF_MEMORY:
        return limits.memory_message
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        if number == signal.SIGXCPU:  # RLIMIT_CPU: only reached when the wall clock was not watched
            return limits.timeout_message
        if number == signal.SIGKILL:  # we kill only on timeout, handled above: the kernel's OOM killer
            return limits.memory_message
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown"
        return f"the PDF crashed the reader (signal {number}: {name})"
    return f"the PDF reader stopped unexpectedly (exit status {exitcode})"


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # no fork server on this platform: slower, same limits
    context = multiprocessing.get_context("forkserver")
    with _server_lock:
        context.set_forkserver_preload([CHILD_MODULE])
        # Python < 3.12.8 / 3.13.1 does not hand sys.path to the fork server (CPython gh-117378), so
        # without this its preload could not import the project and every child would start cold.
        # The workaround the CPython maintainers give: PYTHONPATH while the server starts.
        saved = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [_PROJECT_ROOT, saved]))
        try:
            multiprocessing.forkserver.ensure_running()  # a no-op once it runs
        finally:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved
    return context


# In the child.


def _child_main(target: str, data: bytes, sender, limits: Limits) -> None:
    try:
        _apply_limits(limits)
        try:
            module, _, name = target.partition(":")
            outcome = ("ok", getattr(importlib.import_module(module), name)(data))
        except RefusedDocument as exc:
            outcome = ("refused", str(exc))
        except MemoryError:
            outcome = ("memory",)
        except Exception as exc:
            summary = f"{type(exc).__name__}: {first_line(exc)}" if str(exc).strip() else type(exc).__name__
            outcome = ("failed", summary, traceback.format_exc())
        try:
            sender.send(outcome)
        except MemoryError:
            os._exit(_EXIT_OUT_OF_MEMORY)
        except OSError:  # the parent stopped waiting (it exited, its early read unused): no one to tell
            return
        except Exception as exc:  # a result that cannot be pickled: a bug, reported as such
            sender.send(("failed", f"the result could not be sent back: {type(exc).__name__}", traceback.format_exc()))
    finally:
        sender.close()


def _apply_limits(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # not a Unix: the wall clock still applies
        return
    held = _address_space_bytes()
    cap = held + limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    # CPU time never exceeds wall-clock time in this single-threaded child, so this only fires when
    # the parent stopped watching: SIGXCPU at the soft limit, SIGKILL a second later.
    seconds = math.ceil(limits.timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _address_space_bytes() -> int:
    """The child's address space at start (interpreter, PyMuPDF, word sets: ~110 MB), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0
