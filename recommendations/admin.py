"""Admin for recommendations (editing machinery: icpermed_kb/editing/admin.py)."""

from django.contrib import admin

from icpermed_kb.editing.admin import EditableAdmin, EditedFilter, ThemeFilter
from icpermed_kb.editing.passages import PrintedPassageMixin
from icpermed_kb.models.editable import shorten

from .models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(PrintedPassageMixin, EditableAdmin):
    list_display = ("summary", "kind", "place", "order", "links", "theme_names", "edit_marks")
    list_select_related = ("session__report", "edited_by")
    list_filter = ("session__report", "session", "kind", ThemeFilter, EditedFilter)
    search_fields = ("text", "lead")
    ordering = ("session__report", "session__order", "order")
    autocomplete_fields = ("session",)
    key_fields = ("session", "order")
    fields = ("session", "order", "kind", "lead", ("text", "printed_passage"), "page", "report_page", "themes", "edit_marks")
    readonly_fields = ("report_page", "printed_passage", "edit_marks")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related).prefetch_related("themes")

    @admin.display(description="recommendation", ordering="text")
    def summary(self, obj):
        return shorten(obj.text, 240)

    def change_form_subtitle(self, obj):
        where = f"{self.report_label(obj)}, session {obj.session.number}, p. {obj.page}"
        return f"Recommendation {obj.order} ({obj.get_kind_display().lower()}) — {where}"
