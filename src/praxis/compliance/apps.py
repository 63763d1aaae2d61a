from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "praxis.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)
