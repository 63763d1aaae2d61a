"""What every change to a visit checks first, shared by booking, the status workflow, series and
set-up: times come with their zone, only a scheduled or confirmed visit may still move, and a
visit's row is locked before its status is read.

The bottom of scheduling's services: it imports only the models, so every other service module
may use it.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from praxis.core.service_support import ServiceError

from .models import Appointment

Status = Appointment.Status

# The visits that may still be moved or cancelled; later in the day, the status workflow leads.
MOVABLE = (Status.SCHEDULED, Status.CONFIRMED)


def require_aware(moment: datetime) -> None:
    if timezone.is_naive(moment):
        raise ServiceError("Give the start time with its time zone (or UTC offset).")


def lock_appointment(appointment: Appointment) -> None:
    """Re-read the appointment under a row lock, so a concurrent status change is seen."""
    Appointment.objects.select_for_update().filter(pk=appointment.pk).values_list("pk").first()
    appointment.refresh_from_db()
