"""A visit's day after it is booked: cancelling (with a reason) and the status workflow
(confirmed, arrived, in room, completed, no-show).

Cancelling a visit that has not started frees its time for the waitlist: the opening is written
in the cancel's own transaction (``waitlist_openings``), so a cancel never succeeds without it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from praxis.core import audit, datefmt
from praxis.core import time as wallclock
from praxis.core.models import Room, User
from praxis.core.service_support import ServiceError

from .models import Appointment, AppointmentResource, AppointmentType
from .rules import MOVABLE, Status, lock_appointment
from .signals import announce_on_commit
from .waitlist_openings import waitlist_opening_record

# What may follow what. Cancelling goes through appointment_cancel (it needs a reason).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SCHEDULED: frozenset(
        {Status.CONFIRMED, Status.ARRIVED, Status.CANCELLED, Status.NO_SHOW}
    ),
    Status.CONFIRMED: frozenset({Status.ARRIVED, Status.CANCELLED, Status.NO_SHOW}),
    Status.ARRIVED: frozenset({Status.IN_ROOM}),
    Status.IN_ROOM: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.NO_SHOW: frozenset(),
}


# The order a visit's page offers its next steps in: the order of a visit's day.
STEP_ORDER = (Status.CONFIRMED, Status.ARRIVED, Status.IN_ROOM, Status.COMPLETED, Status.NO_SHOW)
# Steps that say the patient is here: only on the visit's own day on the location's clock (a
# check-in the evening before would start the visit's day a day early).
ON_THE_DAY = frozenset({Status.ARRIVED, Status.IN_ROOM})


def step_refusal(appointment: Appointment, target: Status, *, now: datetime) -> str | None:
    """Why the visit cannot take this step now, or None when it can. The one place that
    decides it: the service refuses with this message, the page offers only the steps it
    allows (``allowed_steps``)."""
    current = Status(appointment.status)
    if target not in TRANSITIONS[current]:
        following = sorted(Status(s).label.lower() for s in TRANSITIONS[current])
        hint = f" (next: {', '.join(following)})" if following else ""
        return (
            f"A visit that is {current.label.lower()} cannot become {target.label.lower()}{hint}."
        )
    if target in ON_THE_DAY:
        tz = wallclock.zone_of(appointment.location)
        visit_day = appointment.start.astimezone(tz).date()
        if now.astimezone(tz).date() != visit_day:
            step = "checked in" if target == Status.ARRIVED else "roomed"
            day = datefmt.day(visit_day)
            return f"A visit can be {step} only on its day ({day})."
    if target == Status.NO_SHOW and now < appointment.start:
        return "A visit can be marked a no-show only once it was due to start."
    return None


def allowed_steps(appointment: Appointment, *, now: datetime | None = None) -> list[Status]:
    """The steps the visit may take now, in the order of its day (what its page offers)."""
    now = now or timezone.now()
    return [s for s in STEP_ORDER if step_refusal(appointment, s, now=now) is None]


def late_cancel_window() -> timedelta:
    return timedelta(hours=getattr(settings, "PRAXIS_LATE_CANCEL_HOURS", 24))


def appointment_cancel(
    *,
    appointment: Appointment,
    reason: str = "",
    reason_code: str = Appointment.CancelReason.OTHER,
    cancelled_by: User | None,
) -> Appointment:
    """Cancel with a reason (one of ``Appointment.CancelReason``, with words for "other"),
    freeing the provider's and the resources' time. Cancelling less than
    PRAXIS_LATE_CANCEL_HOURS before the start marks it a late cancellation."""
    reason = (reason or "").strip()
    if reason_code not in Appointment.CancelReason.values:
        raise ServiceError({"reason_code": "Choose why the visit is canceled."})
    if reason_code == Appointment.CancelReason.OTHER and not reason:
        raise ServiceError("Give a reason for the cancellation.")
    with transaction.atomic():
        lock_appointment(appointment)
        if appointment.status not in MOVABLE:
            raise ServiceError(
                f"A visit that is {appointment.get_status_display().lower()} cannot be canceled."
            )
        now = timezone.now()
        appointment.status = Status.CANCELLED
        appointment.cancelled_at = now
        appointment.cancel_reason_code = reason_code
        appointment.cancel_reason = reason[:255]
        appointment.late_cancel = appointment.start - now < late_cancel_window()
        appointment.save()
        AppointmentResource.objects.filter(appointment=appointment).update(active=False)
        audit.record(
            "praxis.scheduling.appointment.cancelled",
            obj=appointment,
            patient_id=appointment.patient_id,
            details={
                "reason_code": reason_code,
                "reason": appointment.cancel_reason,
                "late": appointment.late_cancel,
            },
            actor=cancelled_by,
        )
        waitlist_opening_record(appointment=appointment, by=cancelled_by)
        announce_on_commit(appointment, "cancelled")
    return appointment


def _room_for(appointment: Appointment, room: Room | None) -> Room | None:
    if room is not None:
        if room.location_id != appointment.location_id or not room.is_active:
            raise ServiceError(f"{room.name} is not a room in use at {appointment.location}.")
        return room
    held_room = (
        appointment.resource_holds.filter(resource__room__isnull=False)
        .select_related("resource__room")
        .first()
    )
    if held_room is not None:
        return held_room.resource.room
    if appointment.appointment_type.visit_mode == AppointmentType.VisitMode.IN_OFFICE:
        raise ServiceError("Choose the room the patient is in.")
    return None


def appointment_transition(
    *, appointment: Appointment, to_status: str, by: User | None, room: Room | None = None
) -> Appointment:
    """Move a visit along its day: scheduled → confirmed → arrived (checked in) → in room →
    completed, or to a no-show once it was due; checking in and rooming only on the visit's
    day at its location. Anything else is refused with the reason (``step_refusal``)."""
    if to_status not in Status.values:
        raise ServiceError(f"{to_status!r} is not a status.")
    target = Status(to_status)
    if target == Status.CANCELLED:
        raise ServiceError("Canceling needs a reason: cancel the visit instead.")
    with transaction.atomic():
        lock_appointment(appointment)
        current = Status(appointment.status)
        now = timezone.now()
        refusal = step_refusal(appointment, target, now=now)
        if refusal is not None:
            raise ServiceError(refusal)
        if target == Status.ARRIVED:
            appointment.checked_in_at = now
        elif target == Status.IN_ROOM:
            appointment.room = _room_for(appointment, room)
            appointment.roomed_at = now
        elif target == Status.COMPLETED:
            appointment.completed_at = now
        appointment.status = target
        appointment.save()
        if target == Status.NO_SHOW:
            AppointmentResource.objects.filter(appointment=appointment).update(active=False)
        audit.record(
            f"praxis.scheduling.appointment.{target.value}",
            obj=appointment,
            patient_id=appointment.patient_id,
            details={"from": current.value, "room": appointment.room_id},
            actor=by,
        )
        announce_on_commit(appointment, target.value)
    return appointment
