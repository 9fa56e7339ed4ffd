"""Settings, read from the environment (see the README's table)."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if not DEBUG and not _list("DJANGO_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off (comma-separated host names)")
ALLOWED_HOSTS = _list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS. On by default in production; each can be turned off for a deployment that terminates TLS
# elsewhere and talks plain HTTP on a private network (and the load test on 127.0.0.1).
SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = _flag("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
if _flag("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that sets this header itself and strips it from clients' requests.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Django's Content Security Policy: nothing inline, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "icpermed_kb.apps.KnowledgeBaseAdminConfig",  # django.contrib.admin with the editors' site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "taggit",
    "simple_history",
    "icpermed_kb.apps.LoginSecurityConfig",  # django-axes
    "icpermed_kb.apps.CoreConfig",
    "sessions.apps.WorkshopSessionsConfig",
    "speakers.apps.SpeakersConfig",
    "recommendations.apps.RecommendationsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers static files itself: their responses get these headers too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A view that meets a database outage answers the styled 503, logged once per outage.
    "icpermed_kb.web.outage.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out login into the lockout page
]

# Brute-force protection of the admin login (django-axes): ten failed logins for one username from
# one client address lock that username out at that address for an hour (colleagues behind the same
# office address are not locked out by someone else's failures); a success clears the count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# While locked out, a failure is not recorded: no new row (axes keeps one per user agent) and no
# longer cool-off, so the table holds at most the failure limit's rows per username and address.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# X-Forwarded-For is believed only from these proxies (addresses or networks): the client address is
# the last one the trusted proxies appended (icpermed_kb/security.py). Anyone else is counted by the
# address it connects from, whatever it sends.
TRUSTED_PROXIES = _list("DJANGO_TRUSTED_PROXIES")
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_CLIENT_IP_CALLABLE = "icpermed_kb.security.client_ip"

ROOT_URLCONF = "icpermed_kb.urls"
WSGI_APPLICATION = "icpermed_kb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "icpermed_kb.web.context_processors.project",
            ],
            "builtins": ["icpermed_kb.web.template_filters"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}

# Writers take turns (icpermed_kb/write_turns.py): an admin save that meets an ingestion's write
# phase waits this long, then says so in the form; an ingestion waits this long for another one.
EDIT_WAIT_SECONDS = float(os.environ.get("EDIT_WAIT_SECONDS", "15"))
INGEST_WAIT_SECONDS = float(os.environ.get("INGEST_WAIT_SECONDS", "120"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's cost of a random page read relative to a sequential one: 4 by default, for spinning
    # disks; 1.1 for data in memory or on SSD, as here. At 4, the plan of the search statement for IVDR
    # (1,800 hits of 100,000 key messages) hashed all 100,000 facet rows to join the hits to them (17 of
    # its 28 ms, EXPLAIN ANALYZE); at 1.1 it looks the 1,800 up. The endpoint's figures, with this and
    # the facet combinations together: tests/benchmarks/datasette-results.md against -c97b256.md.
    # `options` in DATABASE_URL's query string replaces it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's, with its JSON feature probe outside a transaction (icpermed_kb/backends/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "icpermed_kb.backends.sqlite3"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # BEGIN IMMEDIATE: a transaction takes SQLite's write lock when it starts, so writers queue
        # for it (for the busy timeout, in seconds) instead of failing at their first write.
        transaction_mode="IMMEDIATE",
        timeout=EDIT_WAIT_SECONDS,
        # Write-ahead log: readers (every page) never wait for a writer, nor a writer for readers.
        init_command="PRAGMA journal_mode=WAL",
    )

# Rendered public pages (icpermed_kb/web/page_cache.py), keyed on the data version so an edit shows
# at once. By default per process, bounded by entries: a page is 5-100 kB, the export about 1 MB.
# With CACHE_URL (redis://host:port/db) one Redis, through Django's own RedisCache, is shared by
# every server: a page rendered by one is served by all. Entries of old data versions are never
# read again; there they expire after PAGE_CACHE_SECONDS (and Redis should have a maxmemory with an
# LRU policy as the bound).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": None,  # an entry is never stale: a data change changes the key
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "1000"))},
    },
}
if os.environ.get("CACHE_URL"):
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CACHE_URL"],
        "TIMEOUT": int(os.environ.get("PAGE_CACHE_SECONDS", "86400")),
        "KEY_PREFIX": "icpermed-kb",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

TAGGIT_CASE_INSENSITIVE = True

# The bundled report, ingested by `make run` and served as /report.pdf.
REPORT_PDF = BASE_DIR / "fixtures" / "icpermed-workshop-2023-siena.pdf"
# The report that the URLs published while the site held one report mean (/sessions/v/, /report.pdf).
LEGACY_REPORT_SLUG = os.environ.get("LEGACY_REPORT_SLUG", "2023-siena")
THEME_VOCABULARY = BASE_DIR / "fixtures" / "themes.toml"
# The ingestion reads and parses a PDF in a child process: stopped after this many seconds, and
# refused if it needs more than this many MB of memory (see icpermed_kb/ingest/sandbox.py).
INGEST_TIMEOUT_SECONDS = float(os.environ.get("INGEST_TIMEOUT_SECONDS", "60"))
INGEST_MEMORY_MB = int(os.environ.get("INGEST_MEMORY_MB", "2048"))
SOURCE_CODE_URL = os.environ.get("SOURCE_CODE_URL", "https://github.com/icpermed/icpermed-kb")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
