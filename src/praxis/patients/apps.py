from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "praxis.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)
