from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "praxis.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)

        # periodic: the reminder job; merging: what a patient merge moves; ical: the feeds a
        # user's deactivation revokes
        from . import ical, merging, periodic  # noqa: F401
