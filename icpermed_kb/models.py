"""The theme vocabulary: django-taggit tags with a description, a group and matching rules."""

from django.db import models
from django.urls import reverse
from taggit.models import GenericTaggedItemBase, TagBase


class Theme(TagBase):
    """A curated theme; `patterns` are the regular expressions that apply it at ingestion."""

    TOPIC = "topic"
    DISEASE = "disease"
    GROUPS = [(TOPIC, "Topic"), (DISEASE, "Disease area")]

    description = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=20, choices=GROUPS, default=TOPIC)
    patterns = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("theme-detail", args=[self.slug])


class ThemedItem(GenericTaggedItemBase):
    """One theme on one item; `by_rule` tells rule tags from editors' tags."""

    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tagged_items")
    by_rule = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "tag"], name="one_theme_per_item"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]
