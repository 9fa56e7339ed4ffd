"""Recommendations: session conclusions, perspectives and the report's conclusion."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from icpermed_kb.editing import EDIT_MARKS, Editable
from icpermed_kb.models import ThemedItem

from .querysets import RecommendationQuerySet


class Recommendation(Editable):
    KINDS = [("conclusion", "Conclusion"), ("perspective", "Perspective")]

    session = models.ForeignKey("workshop_sessions.Session", on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(max_length=20, choices=KINDS)
    lead = models.TextField(blank=True, help_text="Lead-in as printed")
    text = models.TextField()
    order = models.PositiveIntegerField()
    page = models.PositiveIntegerField()
    # Where the item is printed: [{"page", "x0", "y0", "x1", "y1"}, …] in PDF points (origin top left),
    # one region per page column; written by the ingestion, not edited (so not in the history either).
    boxes = models.JSONField(default=list, blank=True, editable=False)
    themes = TaggableManager(through=ThemedItem, blank=True)

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[*EDIT_MARKS, "boxes"], history_change_reason_field=models.TextField(null=True)
    )

    class Meta:
        ordering = ["session", "order"]
        constraints = [models.UniqueConstraint(fields=["session", "order"], name="one_recommendation_per_position")]

    def __str__(self):
        return self.text[:80]

    @property
    def anchor(self) -> str:
        return f"rec-{self.pk}"

    def get_absolute_url(self):
        return f"{reverse('session-detail', args=[self.session.number.lower()])}#{self.anchor}"
