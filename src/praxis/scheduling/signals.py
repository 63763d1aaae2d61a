"""The signal that tells listeners outside the database that a visit changed.

``appointment_changed(sender=Appointment, appointment=..., change=...)`` is sent after the
transaction that made the change has committed. ``change`` is one of "booked", "rescheduled",
"cancelled", "confirmed", "arrived", "in_room", "completed", "no_show". A receiver that fails is
logged and does not undo the change.

A receiver must not write to the database: it runs after commit, outside the change's
transaction and its audit trail. A side effect that writes is a service call inside the
transaction instead (the waitlist opening a cancel frees, the reminders a reschedule forgets).
No receiver is connected today; the signal stays for the next listener that only reads or
reaches outside the database.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("praxis.scheduling")

appointment_changed = Signal()


def announce_on_commit(appointment: Any, change: str) -> None:
    def send() -> None:
        for receiver, result in appointment_changed.send_robust(
            sender=type(appointment), appointment=appointment, change=change
        ):
            if isinstance(result, Exception):
                logger.error(
                    "appointment_changed receiver %r failed for appointment %s",
                    receiver,
                    appointment.pk,
                    exc_info=result,
                )

    transaction.on_commit(send)
