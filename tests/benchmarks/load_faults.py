"""What load_test.py's reliability phases need: a PostgreSQL relay it can cut, a redis-server of its own, an
admin session over HTTP, and access-log counts.

- `Relay`: a TCP relay on a loopback port in front of PostgreSQL, the servers' only way to it. The
  cluster on this machine serves other work and cannot be stopped, so an outage is made here:
  `cut()` closes the relay's listening socket (new connections are refused, as by a stopped
  server) and every relayed connection (as a server shutting down terminates its backends);
  `restore()` listens again on the same port.
- `RedisServer`: Debian's redis-server on a free loopback port, in a temporary directory, with no
  persistence, stopped (by its pid) at the end.
- `AdminSession`: logs in to the admin through one server and saves a change form as a browser
  would (cookies, CSRF token, every field of the form as rendered).
- `access_statuses()`: the statuses of gunicorn's access log lines.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path


class Relay:
    """127.0.0.1:port -> 127.0.0.1:target (PostgreSQL), which `cut()` and `restore()` take away and give back."""

    def __init__(self, target_port: int = 5432):
        self.target = ("127.0.0.1", target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self._listen()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.cut()
        self.thread.join(5)
        return False

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(512)
        listener.settimeout(0.1)
        with self.lock:
            self.listener = listener

    def _accept(self) -> None:
        while not self.stopped.is_set():
            with self.lock:
                listener = self.listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self.lock:
                self.connections |= {client, upstream}
            for source, destination in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, destination), daemon=True).start()

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, destination):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            with self.lock:
                self.connections -= {source, destination}

    def cut(self) -> None:
        """From now on, connecting is refused and every open connection is broken off."""
        with self.lock:
            listener, self.listener = self.listener, None
            connections = list(self.connections)
        if listener is not None:
            listener.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self._listen()

    def refuses(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) != 0


class RedisServer:
    """redis-server on a free loopback port, without persistence, bounded by an LRU maxmemory."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="icpermed-redis-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def __enter__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory), "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.keys() is not None:
                return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"redis-server did not answer on 127.0.0.1:{self.port}")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the server we started, by its id
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)
        return False

    def keys(self) -> int | None:
        """How many keys it holds (None if it does not answer)."""
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=2).dbsize()
        except redis.RedisError:
            return None


class FormFields(HTMLParser):
    """What a browser sends for the form with this id: its inputs, checked boxes, textareas and selected options."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.textarea: tuple[str, list[str]] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value", "on")))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                self.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = (name, [])
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields.append((self.select, attributes.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, parts = self.textarea
            text = "".join(parts)
            self.fields.append((name, text[1:] if text.startswith("\n") else text))  # as browsers read it
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1].append(data)


class AdminSession:
    """A logged-in admin session through one server, as a browser keeps it."""

    def __init__(self, base: str, host: str | None = None):
        self.base = base
        self.headers = {"Host": host} if host else {}
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(urllib.request.Request(self.base + path, headers=self.headers), timeout=60) as response:
            return response.status, response.read().decode("utf-8")

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=self.headers)
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")

    def login(self, username: str, password: str) -> None:
        _, page = self.get("/admin/login/?next=/admin/")
        form = FormFields("login-form")
        form.feed(page)
        fields = [(n, v) for n, v in form.fields if n not in ("username", "password")]
        status, url, _ = self.post("/admin/login/?next=/admin/", [*fields, ("username", username), ("password", password)])
        if not url.endswith("/admin/"):
            raise RuntimeError(f"the admin login through {self.base} failed (ended at {url}, {status})")

    def change(self, path: str, form_id: str, **values: str) -> tuple[int, str]:
        """Open a change form, set these fields, save: (status, URL it ended at)."""
        _, page = self.get(path)
        form = FormFields(form_id)
        form.feed(page)
        fields = [(name, values.get(name, value)) for name, value in form.fields]
        status, url, body = self.post(path, [*fields, ("_save", "Save")])
        if url.rstrip("/").endswith(path.rstrip("/")):  # the form again: refused
            errors = re.findall(r'class="errornote">(.*?)<', body, re.S) + re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', body, re.S)
            raise RuntimeError(f"the change was refused: {' '.join(e.strip() for e in errors)[:300]}")
        return status, url


def access_statuses(log: Path, since: int = 0) -> Counter:
    """The statuses of gunicorn's access-log lines, from byte `since` of the log on."""
    with open(log, "rb") as file:
        file.seek(since)
        text = file.read().decode("utf-8", errors="replace")
    return Counter(int(match) for match in re.findall(r'" (\d{3}) \d+ "', text))
