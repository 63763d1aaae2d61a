from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "praxis.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from praxis.core import plugins

        # merge: this app's own merge steps (coverages, documents, earlier merges)
        from . import merge  # noqa: F401
        from .plugin import PLUGIN

        plugins.register(PLUGIN)
