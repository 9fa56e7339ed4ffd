"""Recommendations: session conclusions, perspectives and the report's conclusion."""

from django.db import models
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from icpermed_kb import links
from icpermed_kb.models import ThemedItem, ThemedQuerySet
from icpermed_kb.models.editable import EDIT_MARKS, Editable, shorten
from icpermed_kb.models.ordering import NEWEST_REPORT_FIRST
from sessions.models import ITEM_AND_SESSION_UNLISTED


class RecommendationQuerySet(ThemedQuerySet):
    def in_report_order(self):
        return self.order_by(*NEWEST_REPORT_FIRST, "session__order", "order")

    def for_listing(self):
        """Recommendations with their session joined and themes prefetched, in report order."""
        return (
            self.select_related("session__report")
            .defer(*ITEM_AND_SESSION_UNLISTED)
            .with_themes()
            .in_report_order()
        )

    def of_report(self, report):
        return self.filter(session__report=report)


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
        return shorten(self.text)

    @property
    def anchor(self) -> str:
        return f"rec-{self.pk}"

    def get_absolute_url(self):
        """The statement's own page, its permalink."""
        return links.reverse("recommendation-detail", self.pk)

    def in_context_url(self) -> str:
        """The statement where it is printed: its anchor on its session's page."""
        return f"{self.session.get_absolute_url()}#{self.anchor}"
