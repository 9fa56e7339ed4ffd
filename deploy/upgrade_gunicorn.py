"""Zero-downtime upgrade of a running gunicorn: a new master with the new code on the same socket, then the old one leaves.

    python deploy/upgrade_gunicorn.py /run/icpermed/gunicorn.pid [--timeout 60]

gunicorn must run with a pidfile (GUNICORN_PIDFILE, icpermed_kb/gunicorn_config.py). Install the
new code and run `migrate` and `collectstatic` first (the old code keeps serving meanwhile, so a
migration must suit both), then run this. What it does, with gunicorn's own signals:

1. USR2 to the old master: it forks a new master that executes gunicorn again — the new code,
   preloaded — inheriting the listening socket itself (GUNICORN_FD), and writes `<pidfile>.2`.
   The socket is never closed, so no connection is ever refused: until the new workers run, the
   old ones keep accepting, and connections beyond them wait in the kernel's listen queue.
2. Once the new master runs as many workers as the old one did, TERM to the old master: a
   graceful stop, its workers stop accepting and finish what they accepted (up to gunicorn's
   graceful_timeout), then it exits, and the new master takes over the pidfile.

If the new master does not come up (the new code fails to import, say), nothing is stopped: the
old master keeps serving, the new one is stopped, and this exits 1 with one line saying so. Only
standard library, Linux (/proc).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path


class UpgradeFailed(Exception):
    """The upgrade could not be completed; the old master still serves."""


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def wait_until(condition, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def upgrade(pidfile: Path, timeout: float = 60, say=print) -> int:
    """Replace the gunicorn master in `pidfile` by a new one; returns the new master's pid."""
    old = read_pid(pidfile)
    if old is None or not alive(old):
        raise UpgradeFailed(f"no running gunicorn master in {pidfile}")
    workers = len(children(old))
    say(f"old master {old} ({workers} workers): USR2, starting a new master on the same socket")
    os.kill(old, signal.SIGUSR2)
    second = Path(f"{pidfile}.2")
    if not wait_until(lambda: (pid := read_pid(second)) is not None and pid != old and alive(pid), timeout):
        raise UpgradeFailed(f"the new master did not start within {timeout:g} s (see gunicorn's log); the old one still serves")
    new = read_pid(second)
    if not wait_until(lambda: len(children(new)) >= workers or not alive(new), timeout) or not alive(new):
        if alive(new):
            os.kill(new, signal.SIGTERM)
        raise UpgradeFailed(
            f"the new master {new} did not start its {workers} workers within {timeout:g} s (see gunicorn's log); "
            "it was stopped and the old one still serves"
        )
    time.sleep(1)  # the new workers' first heartbeat: a worker that fails at start has exited by then
    if len(children(new)) < workers:
        os.kill(new, signal.SIGTERM)
        raise UpgradeFailed(f"the new master {new} lost workers as they started (see gunicorn's log); it was stopped and the old one still serves")
    say(f"new master {new}: {len(children(new))} workers running; TERM to the old master (it finishes its requests)")
    started = time.monotonic()
    os.kill(old, signal.SIGTERM)
    if not wait_until(lambda: not alive(old), timeout):
        raise UpgradeFailed(f"the old master {old} is still running after {timeout:g} s (both serve meanwhile)")
    # The new master renames its pidfile.2 to the pidfile once it sees the old one gone (gunicorn checks
    # about once a second); until then the pidfile names the dead master, and the next upgrade would fail.
    if not wait_until(lambda: read_pid(pidfile) == new, timeout):
        raise UpgradeFailed(f"the new master {new} serves, but {pidfile} does not name it after {timeout:g} s")
    say(f"old master gone after {time.monotonic() - started:.1f} s: upgraded, master {new}")
    return new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pidfile", type=Path, help="gunicorn's pidfile (GUNICORN_PIDFILE)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for each step (default 60)")
    args = parser.parse_args()
    try:
        upgrade(args.pidfile, args.timeout)
    except UpgradeFailed as error:
        print(f"upgrade failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
