from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "praxis.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
