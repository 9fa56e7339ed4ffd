"""The theme vocabulary: django-taggit tags with a description, a group and matching rules."""

import functools
import operator

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.signals import post_delete
from simple_history.models import HistoricalRecords
from taggit.models import GenericTaggedItemBase, TagBase

from icpermed_kb import links

from .editable import EDIT_MARKS, Editable


class ThemeQuerySet(models.QuerySet):
    def in_vocabulary_order(self):
        return self.order_by("order", "name")

    def with_item_counts(self, *items: QuerySet):
        """Each theme with `item_count`: how many of these items (talks, key messages… querysets) carry it."""
        types = ContentType.objects.get_for_models(*(queryset.model for queryset in items))
        tagged = functools.reduce(
            operator.or_,
            (
                Q(tagged_items__content_type=types[queryset.model], tagged_items__object_id__in=queryset.order_by().values("id"))
                for queryset in items
            ),
        )
        return self.annotate(item_count=Count("tagged_items", filter=tagged)).in_vocabulary_order()


class ThemedQuerySet(models.QuerySet):
    """What every themed item's QuerySet can do (talks, key messages, recommendations)."""

    def tagged(self, theme):
        return self.filter(themes=theme)

    def with_themes(self):
        """Each item's themes prefetched into `theme_list` (one query for all)."""
        return self.prefetch_related(themes_prefetch())

    def theme_counts(self, *fields: str) -> dict[tuple, int]:
        """How many of these items carry each theme, by (theme id, *values of `fields`): one GROUP BY."""
        rows = self.filter(themes__isnull=False).values_list("themes__id", *fields).annotate(n=Count("id")).order_by()
        return {tuple(row[:-1]): row[-1] for row in rows}


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

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.reverse("theme-detail", self.slug)


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
