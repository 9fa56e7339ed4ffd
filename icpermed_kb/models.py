"""The theme vocabulary: django-taggit tags with a description, a group and matching rules."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.db.models.signals import post_delete
from django.urls import reverse
from simple_history.models import HistoricalRecords
from taggit.models import GenericTaggedItemBase, TagBase

from .editing import EDIT_MARKS, Editable


class Theme(Editable, TagBase):
    """A curated theme; `patterns` are the regular expressions that apply it at ingestion."""

    TOPIC = "topic"
    DISEASE = "disease"
    GROUPS = [(TOPIC, "Topic"), (DISEASE, "Disease area")]

    description = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=20, choices=GROUPS, default=TOPIC)
    patterns = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=EDIT_MARKS)

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


def themes_prefetch() -> Prefetch:
    """Each item's themes, in one query, into the list `item.theme_list` (the pages read that).

    A plain `prefetch_related("themes")` makes Django build a taggit queryset per item to hold its
    prefetched themes: a third of the session page's time. A new Prefetch per call, as Django
    rewrites a Prefetch's path when it is nested in another.
    """
    return Prefetch("themes", to_attr="theme_list")


def _drop_themes_of_deleted_item(sender, instance, **kwargs):
    """taggit does not cascade to a deleted item's theme rows: drop them here (admin deletes, cascades)."""
    from django.contrib.contenttypes.models import ContentType

    ThemedItem.objects.filter(content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk).delete()


for _themed in ("workshop_sessions.Talk", "workshop_sessions.KeyMessage", "recommendations.Recommendation"):
    post_delete.connect(_drop_themes_of_deleted_item, sender=_themed, dispatch_uid=f"drop-themes-{_themed}")


class Tombstone(models.Model):
    """An item an editor deleted, by natural key: ingestion never brings it back.

    Deleting the tombstone (admin, "Deleted items") lets the next ingestion restore the item.
    """

    model = models.CharField(max_length=100, help_text="app_label.model of the deleted item")
    key = models.CharField(max_length=500, help_text="Natural key: edition / chapter / position")
    description = models.CharField(max_length=300, blank=True, help_text="The item as it was shown")
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "deleted item"
        ordering = ["-deleted_at"]
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="one_tombstone_per_item")]

    def __str__(self):
        return self.description or self.key


# The search index's tables (icpermed_kb/search/models.py).
from icpermed_kb.search.models import SearchDocument, SearchWord  # noqa: E402, F401


class DataVersion(models.Model):
    """One row whose token changes with every write to what the public pages show (page_cache.py).

    A random token rather than a counter: a rolled-back transaction followed by another write
    must never bring back a token whose cached pages showed the rolled-back data.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"data version {self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
