"""Every public page has a JSON twin at the same path with `.json` (lists also `.csv` where tabular).

A twin is the URL name of its page plus "-json" or "-csv": the page layer (icpermed_kb/web/pages.py)
links each page to its twins by that rule.
"""

from django.contrib import admin
from django.urls import path

from icpermed_kb.web.views import (
    key_messages,
    recommendations,
    reports,
    search,
    sessions,
    site,
    speakers,
    statements,
    themes,
)

JSON = {"format": "json"}
CSV = {"format": "csv"}
EXTENSIONS = {"json": "json", "csv": "csv", "bib": "bib", "ris": "ris", "csl": "csl.json"}


def twins(route: str, view, name: str, *formats: str) -> list:
    """The page's other formats at its path plus an extension, named after it: "<name>-<format>"."""
    return [path(f"{route}.{EXTENSIONS[format]}", view, {"format": format}, name=f"{name}-{format}") for format in formats]

urlpatterns = [
    path("", reports.home, name="home"),
    path("index.json", reports.home, JSON, name="home-json"),
    path("reports/<slug:report>/", reports.report_detail, name="report-detail"),
    path("reports/<slug:report>.json", reports.report_detail, JSON, name="report-detail-json"),
    path("reports/<slug:report>/report.pdf", reports.report_pdf, name="report-pdf"),
    path("reports/<slug:report>/sessions/", sessions.session_list, name="session-list"),
    path("reports/<slug:report>/sessions.json", sessions.session_list, JSON, name="session-list-json"),
    path("reports/<slug:report>/sessions/<slug:number>/", sessions.session_detail, name="session-detail"),
    path("reports/<slug:report>/sessions/<slug:number>.json", sessions.session_detail, JSON, name="session-detail-json"),
    path("talks/<int:pk>/", sessions.talk_detail, name="talk-detail"),
    path("talks/<int:pk>.json", sessions.talk_detail, JSON, name="talk-detail-json"),
    path("key-messages/", key_messages.key_message_list, name="keymessage-list"),
    path("key-messages/<int:pk>/", statements.key_message_detail, name="keymessage-detail"),
    *twins("key-messages/<int:pk>", statements.key_message_detail, "keymessage-detail", "json", "bib", "ris", "csl"),
    path("key-messages.json", key_messages.key_message_list, JSON, name="keymessage-list-json"),
    path("key-messages.csv", key_messages.key_message_list, CSV, name="keymessage-list-csv"),
    path("speakers/", speakers.speaker_list, name="speaker-list"),
    path("speakers.json", speakers.speaker_list, JSON, name="speaker-list-json"),
    path("speakers/<slug:slug>/", speakers.speaker_detail, name="speaker-detail"),
    path("speakers/<slug:slug>.json", speakers.speaker_detail, JSON, name="speaker-detail-json"),
    path("recommendations/", recommendations.recommendation_list, name="recommendation-list"),
    path("recommendations/<int:pk>/", statements.recommendation_detail, name="recommendation-detail"),
    *twins("recommendations/<int:pk>", statements.recommendation_detail, "recommendation-detail", "json", "bib", "ris", "csl"),
    path("recommendations.json", recommendations.recommendation_list, JSON, name="recommendation-list-json"),
    path("recommendations.csv", recommendations.recommendation_list, CSV, name="recommendation-list-csv"),
    path("themes/", themes.theme_list, name="theme-list"),
    path("themes.json", themes.theme_list, JSON, name="theme-list-json"),
    path("themes/<slug:slug>/", themes.theme_detail, name="theme-detail"),
    path("themes/<slug:slug>.json", themes.theme_detail, JSON, name="theme-detail-json"),
    path("search/", search.search, name="search"),
    path("search.json", search.search, JSON, name="search-json"),
    path("export.json", site.export_json, name="export-json"),
    path("healthz", site.healthz, name="healthz"),
    path("favicon.ico", site.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # Published while the site held one report: each now answers, permanently, at that report's URL.
    *[
        path(route, reports.legacy_redirect, {"to": to})
        for route, to in [
            ("report.pdf", "report-pdf"),
            ("sessions/", "session-list"),
            ("sessions.json", "session-list-json"),
            ("sessions/<slug:number>/", "session-detail"),
            ("sessions/<slug:number>.json", "session-detail-json"),
        ]
    ],
]
