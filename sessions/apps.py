from django.apps import AppConfig


class WorkshopSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions owns the label "sessions".
    label = "workshop_sessions"
    verbose_name = "Sessions, talks and key messages"
