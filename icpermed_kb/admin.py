"""Admin for the theme vocabulary and the deleted-items list (editing machinery: icpermed_kb/editing/admin.py)."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.html import format_html_join
from taggit.models import Tag

from icpermed_kb.editing.admin import EditableAdmin, EditedFilter, WritesTakeTurns

from .models import Theme, Tombstone

# The vocabulary is core.Theme; taggit's own (unused) Tag model would only confuse editors.
admin.site.unregister(Tag)


@admin.register(Theme)
class ThemeAdmin(EditableAdmin):
    list_display = ("name", "group", "order", "item_count", "public_page", "edit_marks")
    list_select_related = ("edited_by",)
    list_filter = ("group", EditedFilter)
    search_fields = ("name", "slug", "description")
    ordering = ("order", "name")
    key_fields = ("slug",)
    fields = ("name", "slug", "group", "order", "description", "rules", "edit_marks")
    readonly_fields = ("rules", "edit_marks")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("tagged_items"))

    @admin.display(description="items", ordering="item_total")
    def item_count(self, obj):
        return obj.item_total

    @admin.display(description="matching rules (fixtures/themes.toml)")
    def rules(self, obj):
        if obj is None or not obj.patterns:
            return "— (applied by editors only)"
        return format_html_join(", ", "<code>{}</code>", ((pattern,) for pattern in obj.patterns))


@admin.register(Tombstone)
class TombstoneAdmin(WritesTakeTurns, admin.ModelAdmin):
    """Items editors deleted. Deleting an entry here lets the next ingestion bring the item back."""

    list_display = ("description", "model_name", "key", "deleted_by", "deleted_at")
    list_select_related = ("deleted_by",)
    list_filter = ("model",)
    search_fields = ("description", "key")
    date_hierarchy = "deleted_at"
    ordering = ("-deleted_at",)

    @admin.display(description="kind", ordering="model")
    def model_name(self, obj):
        app_label, model = obj.model.split(".")
        try:
            return ContentType.objects.get_by_natural_key(app_label, model).model_class()._meta.verbose_name
        except (ContentType.DoesNotExist, AttributeError):
            return obj.model

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
