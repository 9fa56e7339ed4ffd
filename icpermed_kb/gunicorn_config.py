"""gunicorn settings: `gunicorn -c python:icpermed_kb.gunicorn_config icpermed_kb.wsgi`.

Sized for the 2-core machine the load test ran on (tests/benchmarks/load-results.md): the pages
are CPU-bound Python (8-23 ms of CPU to render, about 1 ms from the page cache; one GIL per
process), so one process per core, each with a few threads to overlap database waits. A third
process on two cores only made the operating system share the cores unevenly (p99 up by half or
more). Every value can be overridden on the command line or by the environment.

No keep-alive, and at most `worker_connections` connections per process. A gthread worker accepts
every connection it can, whatever its threads are doing, and a kept-alive connection stays on the
process that accepted it: in the load test, 47 of 50 connections landed on one of three processes,
whose single GIL then served them all while the others idled. With one request per connection and
a small cap, a process takes a new connection only when it has room, the rest wait in the kernel's
listen queue in arrival order, and both processes stay busy with an even share (at 50 clients, p99
0.6-0.8 s instead of 1.0-1.9 s, same throughput). The reverse proxy on the same host keeps its
clients' connections alive; a new loopback connection per request costs a fraction of a
millisecond. A cap alone, with keep-alive on, starves clients beyond workers × worker_connections:
their connections wait in the queue while the accepted ones never close. SO_REUSEPORT
(`reuse_port`) also spreads connections, but resets those queued on a worker when it is recycled,
so it is not used.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_connections = 4 * threads  # per process: running and waiting for a thread (see above)
keepalive = 0  # one request per connection, so that connections spread over the processes (see above)
timeout = 30  # a request still running after 30 s is stuck: restart the worker
graceful_timeout = 30
# Recycle workers now and then, so slow leaks cannot grow without bound; but rarely: a recycled
# worker starts with an empty page cache, and while it restarts the other one takes all the load.
# With the page cache the server answers ~1,400 requests/s, so 10,000 meant a recycle every ~15 s
# under load and a p99 of 0.41 s instead of 0.08 s (tests/benchmarks/load-results.md).
max_requests = 1_000_000
max_requests_jitter = 100_000
# Import the application once in the master and fork workers from it: a recycled worker is
# ready in milliseconds instead of half a second of imports (p99 during a recycle 0.26 s, not
# 0.41 s), and the code is shared copy-on-write. Nothing opens a database connection at import.
# New code: a zero-downtime upgrade with deploy/upgrade_gunicorn.py (USR2: a new master on the same
# socket, then TERM to the old one), not HUP, which keeps the preloaded code.
preload_app = True
# Where the master writes its pid (the upgrade script reads it; after USR2 the new master writes
# "<pidfile>.2" and takes the name over when the old one exits). None: no pidfile.
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
# gunicorn 27's control socket (gunicornc) is unused here, and its default path is one per user, so
# several servers on one host (two in the load test, or the new master during an upgrade) would
# take it from each other.
control_socket_disable = True
accesslog = "-"  # both logs to the standard streams, for the process manager to collect
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
