"""The admin site editors use: the knowledge base first, in the order they work in; accounts and
login security (django-axes' logs) last.

Installed through `icpermed_kb.apps.KnowledgeBaseAdminConfig` (in place of django.contrib.admin),
so every `admin.register` lands here.
"""

from django.contrib import admin

# The index's sections and their models, in this order; anything registered later goes after
# them (alphabetically, as Django sorts), and the login-security logs always last.
ORDER = {
    "workshop_sessions": ("session", "talk", "keymessage", "report"),
    "recommendations": ("recommendation",),
    "speakers": ("speaker", "sessionrole"),
    "core": ("theme", "tombstone"),
    "auth": ("user", "group"),
}
LAST = ("axes",)


def _rank(names: tuple[str, ...], name: str, last: tuple[str, ...] = ()) -> tuple[int, int]:
    if name in names:
        return (0, names.index(name))
    return (2, 0) if name in last else (1, 0)


class KnowledgeBaseAdminSite(admin.AdminSite):
    site_header = "ICPerMed knowledge base: editing"
    site_title = "ICPerMed knowledge base admin"
    index_title = "Edit the knowledge base"
    # The sidebar repeats the index on every page and takes a quarter of a 1280 px screen from
    # the lists and forms; the breadcrumbs lead back to the index.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """The apps in ORDER (then the rest, then LAST), each app's models in ORDER."""
        app_list = super().get_app_list(request, app_label)  # alphabetical: the sorts below are stable
        labels = tuple(ORDER)
        app_list.sort(key=lambda app: _rank(labels, app["app_label"], LAST))
        for app in app_list:
            models = ORDER.get(app["app_label"], ())
            app["models"].sort(key=lambda model: _rank(models, model["object_name"].lower()))
        return app_list
