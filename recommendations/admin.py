"""Admin for recommendations (editing machinery: icpermed_kb/editing/admin.py)."""

from django.contrib import admin

from icpermed_kb.editing.admin import EditableAdmin, EditedFilter, ThemeFilter

from .models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(EditableAdmin):
    list_display = (
        "summary",
        "kind",
        "report_label",
        "session_number",
        "order",
        "report_page",
        "theme_names",
        "public_page",
        "edit_marks",
    )
    list_select_related = ("session__report", "edited_by")
    list_filter = ("session__report", "session", "kind", ThemeFilter, EditedFilter)
    search_fields = ("text", "lead")
    ordering = ("session__report", "session__order", "order")
    autocomplete_fields = ("session",)
    key_fields = ("session", "order")
    fields = ("session", "order", "kind", "lead", "text", "page", "report_page", "themes", "edit_marks")
    readonly_fields = ("report_page", "edit_marks")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related).prefetch_related("themes")

    @admin.display(description="recommendation", ordering="text")
    def summary(self, obj):
        return obj.text if len(obj.text) <= 120 else obj.text[:119] + "…"

    @admin.display(description="session", ordering="session__order")
    def session_number(self, obj):
        return obj.session.number
