from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "icpermed_kb"
    label = "core"
    verbose_name = "Themes and deleted items"

    def ready(self):
        from icpermed_kb import security  # noqa: F401  (registers its deployment check)
        from icpermed_kb.models import data_version
        from icpermed_kb.search import signals

        signals.connect()
        data_version.connect()
        post_migrate.connect(signals.after_migrate, sender=self, dispatch_uid="icpermed_kb.search.after_migrate")


class KnowledgeBaseAdminConfig(AdminConfig):
    """django.contrib.admin with the editors' admin site (icpermed_kb/editing/site.py)."""

    default_site = "icpermed_kb.editing.site.KnowledgeBaseAdminSite"


class LoginSecurityConfig(AxesConfig):
    """django-axes, named for what its logs are to an editor."""

    verbose_name = "Login security (django-axes)"
