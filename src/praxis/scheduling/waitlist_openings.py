"""The time a cancellation frees, recorded for the waitlist.

Called by ``appointment_cancel`` inside its transaction: the opening and the cancel are written
together or not at all, and the opening is audited like every other write. Lower than
``visits`` and ``waitlist`` (which books through ``booking``), so the status workflow does not
climb up to the waitlist's booking.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import User

from .models import Appointment, WaitlistOpening


def waitlist_opening_record(*, appointment: Appointment, by: User | None) -> WaitlistOpening | None:
    """A cancelled visit that has not started frees its time: an open ``WaitlistOpening`` for
    the front desk to offer. None for a visit already under way or past (nothing to offer)."""
    if appointment.start <= timezone.now():
        return None
    with transaction.atomic():
        opening = WaitlistOpening.objects.create(
            practice_id=appointment.practice_id,
            cancelled_appointment=appointment,
            provider_id=appointment.provider_id,
            location_id=appointment.location_id,
            appointment_type_id=appointment.appointment_type_id,
            start=appointment.start,
            end=appointment.end,
        )
        audit.record(
            "praxis.scheduling.waitlist_opening.opened",
            obj=opening,
            details={
                "appointment": appointment.pk,
                "provider": appointment.provider_id,
                "location": appointment.location_id,
                "start": appointment.start,
                "end": appointment.end,
            },
            actor=by,
        )
    return opening
