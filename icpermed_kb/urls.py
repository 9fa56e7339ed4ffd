from django.contrib import admin
from django.urls import path

from sessions import views as session_views

urlpatterns = [
    path("", session_views.home, name="home"),
    path("report.pdf", session_views.report_pdf, name="report-pdf"),
    path("admin/", admin.site.urls),
]
