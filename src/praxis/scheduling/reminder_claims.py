"""The record of the reminders a visit was sent (``ReminderSent``), below ``reminders`` and
``booking``: a rescheduled visit forgets its reminders here, in the reschedule's own transaction,
so it is reminded again for its new time.
"""

from __future__ import annotations

from django.db import transaction

from praxis.core import audit
from praxis.core.models import User

from .models import Appointment, ReminderSent


def reminders_forget(*, appointment: Appointment, by: User | None) -> int:
    """A visit that moved is reminded again, for its new time (the old text's token no longer
    matches it): its reminder rows go. Called inside the reschedule's transaction."""
    with transaction.atomic():
        forgotten, _ = ReminderSent.objects.filter(appointment_id=appointment.pk).delete()
        if forgotten:
            audit.record(
                "praxis.scheduling.reminder.forgotten",
                obj=appointment,
                patient_id=appointment.patient_id,
                details={"reminders": forgotten, "start": appointment.start},
                actor=by,
            )
    return forgotten
