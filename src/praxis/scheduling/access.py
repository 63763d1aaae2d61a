"""The only way to load an appointment for a user. Appointments are tied to a patient, so the
conditions are the patient's plus the schedule's; "missing" and "not yours" are the same 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import Appointment


def appointments_visible_to(user: Any) -> QuerySet[Appointment]:
    if not getattr(user, "is_authenticated", False):
        return Appointment.objects.none()
    if not user.has_perm("scheduling.view_schedule"):
        return Appointment.objects.none()
    if not user.has_perm("patients.view_patient"):
        return Appointment.objects.none()
    if user.practice_id is None:
        return Appointment.objects.none()
    return Appointment.objects.filter(practice_id=user.practice_id)


def access_appointment_by_id(user: Any, appointment_id: Any) -> Appointment:
    try:
        pk = int(appointment_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    appointment = (
        appointments_visible_to(user)
        .select_related("patient", "provider", "location", "appointment_type", "room")
        .filter(pk=pk)
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment
