from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icpermed_kb"
    label = "core"
    verbose_name = "Knowledge base"
