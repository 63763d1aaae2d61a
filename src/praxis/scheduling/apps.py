from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "praxis.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from . import periodic, waitlist  # noqa: F401  (registers the reminder job)
        from .reminders import forget_reminders_on_reschedule
        from .services import move_appointments_on_merge
        from .signals import appointment_changed

        appointment_changed.connect(
            forget_reminders_on_reschedule, dispatch_uid="scheduling.reminders.reschedule"
        )
        appointment_changed.connect(
            waitlist.open_slot_on_cancel, dispatch_uid="scheduling.waitlist.cancel"
        )

        # The patients app sends `patient_merged` from its merge service; connect when it has it.
        try:
            from praxis.patients.signals import patient_merged
        except ImportError:
            try:
                from praxis.patients.services import patient_merged  # type: ignore[attr-defined,no-redef]
            except ImportError:
                return
        patient_merged.connect(move_appointments_on_merge, dispatch_uid="scheduling.merge")
