"""The browser tier: real Chromium driven by Playwright against pytest-django's live server.

Fixtures for browser tests (every test module here sets ``pytestmark = pytest.mark.browser``):

- ``browser`` (session): one headless Chromium for the whole run.
- ``page`` (function): a fresh context and page, viewport 1280x900, ``base_url`` set to the live
  server, so ``page.goto("/")`` opens the home page.
- ``phone_page`` (function): the same at a phone's viewport, 390x844.
- ``ingested_site`` (function): the bundled report ingested and committed, so the live server's
  thread sees it; returns the live server's URL.

Chromium is the system's (``apt-get install -y chromium``), at ``CHROMIUM_PATH`` (default
``/usr/bin/chromium``); Playwright never downloads a browser. When Chromium or Playwright is
missing the browser tests skip with a clear message, except under ``CI=true``, where they fail.
"""

import os

import pytest

from tests.conftest import REPORT_PDF

# Playwright's sync API runs an asyncio event loop on this thread (in a greenlet) from the moment
# it starts until it stops, so asyncio.get_running_loop() succeeds in test code and Django's
# async-unsafe guard raises SynchronousOnlyOperation on every ORM call: in browser tests, in the
# database fixtures' setup and teardown, and in any other test that runs later in the session
# while the session-scoped Playwright is still alive. The guard protects real async code; nothing
# here runs ORM calls concurrently on that loop, so it is switched off for the test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def _running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(reason: str):
    """Skip on a developer's machine; fail loudly in CI, where a skipped tier would look green."""
    if _running_in_ci():
        pytest.fail(f"CI=true but the browser tier cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable('Playwright not installed: .venv/bin/pip install -e ".[dev]"')
    if not os.access(CHROMIUM_PATH, os.X_OK):
        _unavailable(
            f"Chromium not installed: apt-get install -y chromium (looked for {CHROMIUM_PATH}; "
            "set CHROMIUM_PATH to use another binary)"
        )
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def ingested_site(live_server, transactional_db) -> str:
    """The bundled report ingested and committed (visible to the live server); its base URL.

    ``transactional_db`` rather than ``db``: the live server answers from another thread, which
    cannot see the uncommitted transaction a ``db`` test runs in. The tables are flushed after
    each test, so every test that uses this ingests again (about 3 s).
    """
    from icpermed_kb.ingest.pipeline import ingest

    ingest(REPORT_PDF)
    return live_server.url

