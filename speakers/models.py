"""Speakers and their roles in sessions."""

from django.db import models
from django.db.models import Count, Prefetch
from simple_history.models import HistoricalRecords

from icpermed_kb import links
from icpermed_kb.models.editable import EDIT_MARKS, Editable


class SpeakerQuerySet(models.QuerySet):
    def with_roles(self):
        """Speakers with their session roles (and each role's session) prefetched, in report order."""
        roles = SessionRole.objects.select_related("session__report").order_by(
            "-session__report__start_date", "-session__report__number", "session__order", "order"
        )
        return self.prefetch_related(Prefetch("roles", queryset=roles))

    def for_listing(self):
        """Speakers with their roles prefetched, by name."""
        return self.with_roles().order_by("name")

    def with_talk_counts(self):
        return self.annotate(talk_count=Count("talks", distinct=True))

    def listed(self):
        """Everyone a report lists, in a session's people or giving a talk."""
        return self.filter(models.Q(roles__isnull=False) | models.Q(talks__isnull=False)).distinct()

    def in_report(self, report):
        """People listed in, or speaking at, a session of this report."""
        return self.filter(models.Q(roles__session__report=report) | models.Q(talks__session__report=report)).distinct()


class Speaker(Editable):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    position = models.CharField(max_length=300, blank=True, help_text="Read from the affiliation")
    organisation = models.CharField(max_length=300, blank=True)
    organisation_inferred = models.BooleanField(
        default=False, help_text="Not printed so in this affiliation (the report's usual spelling of it)"
    )
    country = models.CharField(max_length=100, blank=True, help_text="“International” for an international body")
    country_inferred = models.BooleanField(
        default=False, help_text="Not named in the affiliation: read from a nationality, a place or the body"
    )
    affiliation = models.CharField(max_length=500, blank=True, help_text="As first printed")

    objects = SpeakerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=EDIT_MARKS)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.reverse("speaker-detail", self.slug)


class SessionRole(Editable):
    """A person as listed in a session: speaker, moderator, panellist or award winner."""

    ROLES = [
        ("speaker", "Speaker"),
        ("moderator", "Moderator"),
        ("panellist", "Panellist"),
        ("award_winner", "Award winner"),
    ]

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="roles")
    session = models.ForeignKey("workshop_sessions.Session", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=ROLES)
    affiliation = models.CharField(max_length=500, blank=True, help_text="As printed in this session")
    order = models.PositiveIntegerField()
    history = HistoricalRecords(excluded_fields=EDIT_MARKS)

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["speaker", "session", "role"], name="one_role_per_person_and_session"),
        ]

    def __str__(self):
        return f"{self.speaker} ({self.get_role_display()}, {self.session.number})"
