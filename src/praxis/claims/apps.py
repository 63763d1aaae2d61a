from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "praxis.claims"
    label = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)
