"""Admin for speakers and their roles (editing machinery: icpermed_kb/editing/admin.py)."""

from django.contrib import admin
from django.db.models import Count

from icpermed_kb.editing.admin import EditableAdmin, EditableInline, EditedFilter

from .models import SessionRole, Speaker


class RoleInline(EditableInline):
    model = SessionRole
    fields = ("session", "role", "order", "affiliation")
    key_fields = ("session", "role")
    autocomplete_fields = ("session",)
    ordering = ("session__order", "order")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__report", "speaker")


@admin.register(Speaker)
class SpeakerAdmin(EditableAdmin):
    list_display = ("name", "position", "organisation", "country", "role_list", "talk_count", "public_page", "edit_marks")
    list_select_related = ("edited_by",)
    list_filter = ("roles__session__report", "country", "country_inferred", "roles__role", "roles__session", EditedFilter)
    search_fields = ("name", "position", "organisation", "country", "affiliation")
    ordering = ("name",)
    key_fields = ("slug",)
    fields = (
        "name",
        "slug",
        "affiliation",
        "position",
        ("organisation", "organisation_inferred"),
        ("country", "country_inferred"),
        "edit_marks",
    )
    inlines = (RoleInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(talk_total=Count("talks", distinct=True))
            .prefetch_related("roles__session__report")
        )

    @admin.display(description="talks", ordering="talk_total")
    def talk_count(self, obj):
        return obj.talk_total

    @admin.display(description="roles")
    def role_list(self, obj):
        return ", ".join(
            f"{role.get_role_display()} ({self.report_of(role).start_date.year} {role.session.number})" for role in obj.roles.all()
        )


@admin.register(SessionRole)
class SessionRoleAdmin(EditableAdmin):
    list_display = ("speaker", "role", "report_label", "session_number", "order", "affiliation", "edit_marks")
    list_select_related = ("speaker", "session__report", "edited_by")
    list_filter = ("role", "session__report", "session", "speaker__country", EditedFilter)
    search_fields = ("speaker__name", "affiliation")
    ordering = ("session__report", "session__order", "order")
    autocomplete_fields = ("speaker", "session")
    key_fields = ("speaker", "session", "role")
    fields = ("speaker", "session", "role", "order", "affiliation", "edit_marks")

    @admin.display(description="session", ordering="session__order")
    def session_number(self, obj):
        return obj.session.number
