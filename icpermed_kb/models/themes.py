"""The theme vocabulary: django-taggit tags with a description, a group and matching rules."""

import functools
import operator

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.db.models.query import ModelIterable
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

    _with_themes = False

    def tagged(self, theme):
        return self.filter(themes=theme)

    def with_themes(self):
        """Each item fetched gets its themes in the list `theme_list`: one query for all (attach_themes)."""
        clone = self._chain()
        clone._with_themes = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_themes = self._with_themes
        return clone

    def _fetch_all(self):
        # Here rather than as a prefetch_related() lookup, so that it also runs where Django evaluates the
        # queryset itself: get(), and a Prefetch(queryset=…) of a related list. Not with iterator().
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self._with_themes and issubclass(self._iterable_class, ModelIterable):
            attach_themes(self._result_cache, using=self.db)

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


THEME_LIST_FIELDS = ("id", "name", "slug")  # what the pages read of an item's themes; the rest is loaded if asked for
_THEME_BATCH = 1000  # items per query: SQLite takes at most 32,766 parameters in one statement


def attach_themes(items: list, using: str | None = None) -> None:
    """Set `item.theme_list` on each item (talks, key messages, recommendations: any mix) to its themes, in vocabulary order.

    One query of plain values per thousand items; a theme is one Theme instance however many items
    carry it. taggit's own prefetch (`prefetch_related("themes")`) joins the content type table,
    reads every column of the theme for every item and builds a model instance per row. What that
    changes for a page is render_benchmark.py's to say (tests/benchmarks/render-results.md).
    """
    if not items:
        return
    types = ContentType.objects.db_manager(using).get_for_models(*{type(item) for item in items})
    loaded = [field.attname for field in Theme._meta.concrete_fields if field.attname in THEME_LIST_FIELDS]
    lists: dict[tuple[int, int], list] = {}
    for item in items:
        item.theme_list = lists.setdefault((types[type(item)].id, item.pk), [])
    themes: dict[int, Theme] = {}
    keys = list(lists)
    for start in range(0, len(keys), _THEME_BATCH):
        batch = keys[start : start + _THEME_BATCH]
        tagged = functools.reduce(
            operator.or_,
            (
                Q(content_type_id=type_id, object_id__in=[pk for key_type, pk in batch if key_type == type_id])
                for type_id in sorted({type_id for type_id, _ in batch})
            ),
        )
        rows = (
            ThemedItem.objects.using(using)
            .filter(tagged)
            # In the vocabulary's order (Theme.Meta): taggit's prefetch gave no order, so the database's,
            # which after a re-ingestion re-tagged an item could differ from one page view to the next.
            .order_by("tag__order", "tag__name", "tag_id")
            .values_list("content_type_id", "object_id", *(f"tag__{name}" for name in loaded))
        )
        for type_id, pk, *values in rows:
            theme = themes.get(values[0])
            if theme is None:
                theme = themes[values[0]] = Theme.from_db(using or "default", loaded, values)
            lists[(type_id, pk)].append(theme)


def _drop_themes_of_deleted_item(sender, instance, **kwargs):
    """taggit does not cascade to a deleted item's theme rows: drop them here (admin deletes, cascades)."""
    from django.contrib.contenttypes.models import ContentType

    ThemedItem.objects.filter(content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk).delete()


for _themed in ("workshop_sessions.Talk", "workshop_sessions.KeyMessage", "recommendations.Recommendation"):
    post_delete.connect(_drop_themes_of_deleted_item, sender=_themed, dispatch_uid=f"drop-themes-{_themed}")
