from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "praxis.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)

        # periodic: the reminder job; merging: what a patient merge moves
        from . import merging, periodic, waitlist  # noqa: F401
        from .reminders import forget_reminders_on_reschedule
        from .signals import appointment_changed

        appointment_changed.connect(
            forget_reminders_on_reschedule, dispatch_uid="scheduling.reminders.reschedule"
        )
        appointment_changed.connect(
            waitlist.open_slot_on_cancel, dispatch_uid="scheduling.waitlist.cancel"
        )
