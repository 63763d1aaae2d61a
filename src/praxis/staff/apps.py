from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "praxis.staff"
    label = "staff"
    verbose_name = "Staff"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)

        # the daily jobs: credential expiry reminders, due separations
        from . import reminders  # noqa: F401
