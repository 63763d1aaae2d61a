from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "praxis.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)
