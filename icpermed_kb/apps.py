from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "icpermed_kb"
    label = "core"
    verbose_name = "Knowledge base"

    def ready(self):
        from icpermed_kb import security  # noqa: F401  (registers its deployment check)
        from icpermed_kb.models import data_version
        from icpermed_kb.search import signals

        signals.connect()
        data_version.connect()
        post_migrate.connect(signals.after_migrate, sender=self, dispatch_uid="icpermed_kb.search.after_migrate")
