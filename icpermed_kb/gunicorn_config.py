"""gunicorn settings: `gunicorn -c python:icpermed_kb.gunicorn_config icpermed_kb.wsgi`.

Sized for the 2-core machine the load test ran on (tests/benchmarks/load-results.md): the pages
are CPU-bound Python, so one process per core plus one, each with a few threads to overlap
database waits. Every value can be overridden on the command line or by the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30  # a request still running after 30 s is stuck: restart the worker
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then, so slow leaks cannot grow without bound
max_requests_jitter = 200
accesslog = "-"  # both logs to the standard streams, for the process manager to collect
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
