"""Admin for reports, sessions, talks and key messages (editing machinery: icpermed_kb/editing/admin.py)."""

from django.contrib import admin
from django.db.models import Count, F

from icpermed_kb.editing.admin import EditableAdmin, EditableInline, EditedFilter, ThemeFilter
from icpermed_kb.editing.passages import PrintedPassageMixin
from icpermed_kb.models.editable import shorten
from recommendations.models import Recommendation
from speakers.models import SessionRole

from .models import KeyMessage, Report, Session, Talk

# In report order: panel items (no talk) after a session's talks, on every database.
MESSAGE_ORDER = ("session__report", "session__order", F("talk__order").asc(nulls_last=True), "order")


@admin.register(Report)
class ReportAdmin(EditableAdmin):
    list_display = ("title", "number", "series", "place", "start_date", "page_count", "ingested_at", "edit_marks")
    list_select_related = ("edited_by",)
    list_filter = (EditedFilter,)
    search_fields = ("title", "series", "place")
    date_hierarchy = "start_date"
    ordering = ("-start_date",)
    key_fields = ("series", "number")
    fields = ("title", "series", "number", "place", "start_date", "end_date", "source", "ingested_at", "edit_marks")
    readonly_fields = ("source", "ingested_at", "edit_marks")

    @admin.display(description="source")
    def source(self, obj):
        return f"{obj.source_filename}, {obj.page_count} pages, sha256 {obj.sha256}" if obj else "—"

    def has_delete_permission(self, request, obj=None):
        # Deleting the report would take every editor's work on it along: not from the admin.
        return False


class TalkInline(EditableInline):
    model = Talk
    fields = ("order", "speaker", "title", "report_page")
    readonly_fields = ("order", "speaker", "title", "report_page")
    ordering = ("order",)

    def has_add_permission(self, request, obj=None):
        return False  # add a talk from the talks page (it needs a speaker)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "session__report")


class PanelItemInline(EditableInline):
    model = KeyMessage
    verbose_name = "panel-discussion item"
    verbose_name_plural = "panel-discussion items"
    fields = ("order", "kind", "group", "text", "report_page", "page")
    key_fields = ("order",)
    ordering = ("order",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(talk=None).select_related("session__report")


class RecommendationInline(EditableInline):
    model = Recommendation
    fields = ("order", "kind", "lead", "text", "report_page", "page")
    key_fields = ("order",)
    ordering = ("order",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__report")


class SessionRoleInline(EditableInline):
    model = SessionRole
    fields = ("order", "speaker", "role", "affiliation")
    key_fields = ("speaker", "role")
    autocomplete_fields = ("speaker",)
    ordering = ("order",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "session__report")


@admin.register(Session)
class SessionAdmin(EditableAdmin):
    list_display = ("number", "title", "report_label", "kind", "talk_count", "report_page", "public_page", "edit_marks")
    list_display_links = ("number", "title")
    list_select_related = ("report", "edited_by")
    list_filter = ("report", "kind", EditedFilter)
    search_fields = ("number", "title", "aim")
    ordering = ("report", "order")
    autocomplete_fields = ("report",)
    key_fields = ("report", "number")
    fields = ("report", "number", "title", "kind", "order", "page", "report_page", "aim", "paragraphs", "edit_marks")
    readonly_fields = ("report_page", "edit_marks")
    inlines = (SessionRoleInline, TalkInline, PanelItemInline, RecommendationInline)

    def get_queryset(self, request):
        # select_related here, not list_select_related: the changelist skips that when the queryset has one.
        return super().get_queryset(request).select_related("report", "edited_by").annotate(talk_total=Count("talks", distinct=True))

    @admin.display(description="talks", ordering="talk_total")
    def talk_count(self, obj):
        return obj.talk_total


class KeyMessageInline(EditableInline):
    model = KeyMessage
    fields = ("order", "kind", "group", "text", "report_page", "page")
    key_fields = ("order",)
    ordering = ("order",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__report")


@admin.register(Talk)
class TalkAdmin(PrintedPassageMixin, EditableAdmin):
    list_display = ("speaker", "title", "place", "order", "links", "theme_names", "edit_marks")
    list_select_related = ("speaker", "session__report", "edited_by")
    list_filter = ("session__report", "session", ThemeFilter, EditedFilter)
    search_fields = ("title", "topic", "speaker__name", "speaker__organisation")
    ordering = ("session__report", "session__order", "order")
    autocomplete_fields = ("session", "speaker")
    key_fields = ("session", "order")
    fields = (
        "session",
        "order",
        "speaker",
        "title",
        "topic",
        "page",
        "report_page",
        ("paragraphs", "printed_passage"),
        "themes",
        "edit_marks",
    )
    readonly_fields = ("report_page", "printed_passage", "edit_marks")
    inlines = (KeyMessageInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related).prefetch_related("themes")

    def change_form_subtitle(self, obj):
        where = f"{self.report_label(obj)}, session {obj.session.number}, p. {obj.page}"
        title = f": “{obj.title}”" if obj.title else ""
        return f"Talk {obj.order} by {obj.speaker}{title} — {where}"

    def inline_defaults(self, parent, obj):
        if isinstance(obj, KeyMessage):
            obj.session_id = parent.session_id


@admin.register(KeyMessage)
class KeyMessageAdmin(PrintedPassageMixin, EditableAdmin):
    list_display = ("summary", "kind", "place", "speaker", "links", "theme_names", "edit_marks")
    list_select_related = ("session__report", "talk", "talk__speaker", "edited_by")
    list_filter = ("session__report", "session", "kind", ThemeFilter, EditedFilter)
    search_fields = ("text", "group", "talk__title", "talk__speaker__name")
    ordering = MESSAGE_ORDER
    autocomplete_fields = ("session", "talk")
    key_fields = ("session", "talk", "order")
    fields = (
        "session",
        "talk",
        "order",
        "kind",
        "group",
        ("text", "printed_passage"),
        "page",
        "report_page",
        "themes",
        "edit_marks",
    )
    readonly_fields = ("report_page", "printed_passage", "edit_marks")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related).prefetch_related("themes")

    @admin.display(description="key message", ordering="text")
    def summary(self, obj):
        return shorten(obj.text, 240)

    def change_form_subtitle(self, obj):
        where = f"{self.report_label(obj)}, session {obj.session.number}, p. {obj.page}"
        if obj.talk_id:
            return f"Key message {obj.order} of {obj.talk.speaker}’s talk — {where}"
        return f"Panel-discussion item {obj.order} — {where}"

    @admin.display(description="speaker", ordering="talk__speaker__name")
    def speaker(self, obj):
        return obj.talk.speaker if obj.talk_id else "panel discussion"
