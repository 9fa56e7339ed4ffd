"""Every public page has a JSON twin at the same path with `.json` (lists also `.csv` where tabular)."""

from django.contrib import admin
from django.urls import path

from icpermed_kb import views as core_views
from recommendations import views as recommendation_views
from sessions import views as session_views
from speakers import views as speaker_views

JSON = {"format": "json"}
CSV = {"format": "csv"}

urlpatterns = [
    path("", session_views.home, name="home"),
    path("index.json", session_views.home, JSON, name="home-json"),
    path("sessions/", session_views.session_list, name="session-list"),
    path("sessions.json", session_views.session_list, JSON, name="session-list-json"),
    path("sessions/<slug:number>/", session_views.session_detail, name="session-detail"),
    path("sessions/<slug:number>.json", session_views.session_detail, JSON, name="session-detail-json"),
    path("talks/<int:pk>/", session_views.talk_detail, name="talk-detail"),
    path("talks/<int:pk>.json", session_views.talk_detail, JSON, name="talk-detail-json"),
    path("key-messages/", session_views.key_message_list, name="keymessage-list"),
    path("key-messages.json", session_views.key_message_list, JSON, name="keymessage-list-json"),
    path("key-messages.csv", session_views.key_message_list, CSV, name="keymessage-list-csv"),
    path("speakers/", speaker_views.speaker_list, name="speaker-list"),
    path("speakers.json", speaker_views.speaker_list, JSON, name="speaker-list-json"),
    path("speakers/<slug:slug>/", speaker_views.speaker_detail, name="speaker-detail"),
    path("speakers/<slug:slug>.json", speaker_views.speaker_detail, JSON, name="speaker-detail-json"),
    path("recommendations/", recommendation_views.recommendation_list, name="recommendation-list"),
    path("recommendations.json", recommendation_views.recommendation_list, JSON, name="recommendation-list-json"),
    path("recommendations.csv", recommendation_views.recommendation_list, CSV, name="recommendation-list-csv"),
    path("themes/", core_views.theme_list, name="theme-list"),
    path("themes.json", core_views.theme_list, JSON, name="theme-list-json"),
    path("themes/<slug:slug>/", core_views.theme_detail, name="theme-detail"),
    path("themes/<slug:slug>.json", core_views.theme_detail, JSON, name="theme-detail-json"),
    path("search/", core_views.search, name="search"),
    path("search.json", core_views.search, JSON, name="search-json"),
    path("export.json", core_views.export_json, name="export-json"),
    path("healthz", core_views.healthz, name="healthz"),
    path("report.pdf", session_views.report_pdf, name="report-pdf"),
    path("admin/", admin.site.urls),
]
