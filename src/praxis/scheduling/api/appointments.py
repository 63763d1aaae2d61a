"""/appointments: book, move, change the status of and cancel a visit; one visit; a day's visits.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from typing import Literal

from ninja import Field, Query, Schema, Status

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import ApiError, BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Instant
from praxis.core.models import Room

from ..access import access_appointment_by_id
from ..booking import SlotTaken, appointment_book, appointment_reschedule
from ..booking_request import (
    PossibleDuplicate,
    location_in,
    parties_from_api,
    provider_in,
    refuse_possible_duplicate,
    resources_in,
)
from ..filters import CalendarFilters
from ..models import Appointment
from ..visits import appointment_cancel, appointment_transition
from .routing import router
from .schemas import AppointmentOut, SlotTakenOut, appointment_out, slot_taken


class BookIn(BodyIn):
    patient: Id
    provider: Id
    location: Id
    type: Id
    start: Instant = Field(description="with a UTC offset, e.g. 2027-03-15T09:00:00-04:00")
    resources: list[Id] | None = None
    allow_duplicate: bool = Field(
        False,
        description="book even though the patient has a visit of this type that day "
        "(otherwise 409 possible_duplicate)",
    )


class StatusIn(BodyIn):
    to: Literal["confirmed", "arrived", "in_room", "completed", "no_show"]
    room: Id | None = Field(None, description="core room id, for in_room")


class CancelIn(BodyIn):
    reason_code: Appointment.CancelReason | None = Field(
        None, description='why; "other" (the default when only a reason is given) needs words'
    )
    reason: str = Field("", max_length=255, description="the reason in words, or details")


class RescheduleIn(BodyIn):
    start: Instant = Field(description="with a UTC offset")
    provider: Id | None = Field(None, description="default: the visit's provider")
    location: Id | None = Field(None, description="default: the visit's location")
    resources: list[Id] | None = None


class DayQuery(Schema):
    location: Id | None = Field(None, description="default: every location")
    date: BoundedDate | None = Field(None, description="local date; default today")


@router.post(
    "/appointments",
    response=with_errors({201: AppointmentOut, 409: SlotTakenOut}),
    summary="Book an appointment (409 slot_taken with the conflicting range when the time is "
    "taken; 409 possible_duplicate when the patient has a visit of this type that day, unless "
    "allow_duplicate is true)",
)
@permission("scheduling.book_appointment", "patients.view_patient")
def book(request: AuthedRequest, body: BookIn) -> Status[AppointmentOut] | Status[SlotTakenOut]:
    parties = parties_from_api(request.auth, body)
    try:
        refuse_possible_duplicate(parties, start=body.start, allow_duplicate=body.allow_duplicate)
    except PossibleDuplicate as exc:
        raise ApiError(409, "possible_duplicate", " ".join(exc.messages)) from exc
    try:
        appointment = appointment_book(**parties, start=body.start, booked_by=request.auth)
    except SlotTaken as exc:
        return slot_taken(exc)
    return Status(201, appointment_out(appointment))


@router.post(
    "/appointments/{appointment_id}/status",
    response=with_errors(AppointmentOut),
    summary="Confirm, check in, room, complete, or mark a no-show",
)
@permission("scheduling.update_appointment_status", "patients.view_patient")
def change_status(request: AuthedRequest, appointment_id: Id, body: StatusIn) -> AppointmentOut:
    appointment = access_appointment_by_id(request.auth, appointment_id)
    room = None
    if body.room is not None:
        practice = practice_of(request.auth)
        room = get_in_practice(
            Room, practice=practice, what="room", through="location", pk=body.room
        )
    appointment = appointment_transition(
        appointment=appointment, to_status=body.to, by=request.auth, room=room
    )
    return appointment_out(appointment)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response=with_errors(AppointmentOut),
    summary="Cancel with a reason (frees the time)",
)
@permission("scheduling.book_appointment", "patients.view_patient")
def cancel(request: AuthedRequest, appointment_id: Id, body: CancelIn) -> AppointmentOut:
    appointment = access_appointment_by_id(request.auth, appointment_id)
    appointment = appointment_cancel(
        appointment=appointment,
        reason_code=body.reason_code or Appointment.CancelReason.OTHER,
        reason=body.reason,
        cancelled_by=request.auth,
    )
    return appointment_out(appointment)


@router.get(
    "/appointments",
    response=with_errors(list[AppointmentOut]),
    summary="A day's appointments (at a location, or everywhere)",
)
@permission("scheduling.view_schedule", "patients.view_patient")
def day_list(request: AuthedRequest, query: Query[DayQuery]) -> list[AppointmentOut]:
    practice = practice_of(request.auth)
    location = location_in(practice, query.location) if query.location is not None else None
    filters = CalendarFilters.of(practice=practice, location=location, day=query.date)
    appointments = list(filters.appointments())
    # One audit line for the list: which patients' visits this person saw.
    phi_audit.shown(*(a.patient_id for a in appointments), what="appointment list")
    return [appointment_out(a) for a in appointments]


@router.get(
    "/appointments/{appointment_id}",
    response=with_errors(AppointmentOut),
    summary="One appointment (recorded as a read of the patient's information)",
)
@permission("scheduling.view_schedule", "patients.view_patient")
def appointment_detail(request: AuthedRequest, appointment_id: Id) -> AppointmentOut:
    appointment = access_appointment_by_id(request.auth, appointment_id)
    phi_audit.shown(appointment.patient_id, obj=appointment)
    return appointment_out(appointment)


@router.post(
    "/appointments/{appointment_id}/reschedule",
    response=with_errors({200: AppointmentOut, 409: SlotTakenOut}),
    summary="Move a visit (409 with the conflicting range when the new time is taken)",
)
@permission("scheduling.book_appointment", "patients.view_patient")
def reschedule(
    request: AuthedRequest, appointment_id: Id, body: RescheduleIn
) -> Status[AppointmentOut] | Status[SlotTakenOut]:
    practice = practice_of(request.auth)
    appointment = access_appointment_by_id(request.auth, appointment_id)
    provider = provider_in(practice, body.provider) if body.provider is not None else None
    location = location_in(practice, body.location) if body.location is not None else None
    try:
        moved = appointment_reschedule(
            appointment=appointment,
            start=body.start,
            provider=provider,
            location=location,
            resources=resources_in(practice, body.resources),
            rescheduled_by=request.auth,
        )
    except SlotTaken as exc:
        return slot_taken(exc)
    return Status(200, appointment_out(moved))
