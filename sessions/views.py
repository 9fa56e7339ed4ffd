"""Public pages of the sessions app."""

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import render

from .models import Report, Session


def home(request):
    """The report and its sessions in order, with their talk and message counts."""
    report = Report.objects.order_by("-start_date").first()
    sessions = Session.objects.filter(report=report).with_counts().in_report_order() if report else []
    return render(request, "sessions/home.html", {"report": report, "sessions": sessions})


def report_pdf(request):
    """The bundled report PDF, so "p. N" links can point at #page=N."""
    return FileResponse(open(settings.REPORT_PDF, "rb"), content_type="application/pdf")
