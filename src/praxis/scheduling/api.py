"""/api/v1/scheduling/: free slots, booking, status changes, cancellation, a day's appointments.
The same services and selectors as the pages.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

import datetime as dt
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime

from praxis.core.access import practice_of
from praxis.core.api_support import ApiError, permission
from praxis.core.audit import audit_phi_list
from praxis.core.models import Location, Practice, Room, User
from praxis.patients.access import access_patient_by_id

from . import selectors, services, wallclock
from .access import access_appointment_by_id
from .models import Appointment, AppointmentResource, AppointmentType, Provider, Resource

router = Router(tags=["scheduling"])


# --- schemas ---------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class SlotOut(Schema):
    start: datetime = Field(description="UTC")
    end: datetime
    local_start: datetime = Field(description="The same instant in the location's time zone")
    provider: Ref
    location: Ref
    resources: list[Ref]


class AppointmentOut(Schema):
    id: int
    patient: Ref
    provider: Ref
    location: Ref
    appointment_type: Ref
    start: datetime
    end: datetime
    local_start: datetime
    status: str
    resources: list[Ref]
    room: Ref | None
    checked_in_at: datetime | None
    roomed_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    late_cancel: bool
    series_id: int | None


class SlotQuery(Schema):
    # Optional here so that a role without the permission gets 403 rather than 422 (ninja
    # validates before the permission check runs); `type` is required below.
    type: int | None = Field(None, description="appointment type id (required)")
    provider: int | None = None
    location: int | None = None
    start: date | None = Field(None, description="first local date; default today")
    end: date | None = Field(None, description="last local date; default start + 13 days")
    earliest_time: time | None = Field(None, description="local time of day")
    limit: int = Field(20, ge=1, le=200)


class BookIn(Schema):
    patient: int
    provider: int
    location: int
    type: int
    start: AwareDatetime = Field(description="with a UTC offset, e.g. 2027-03-15T09:00:00-04:00")
    resources: list[int] | None = None


class ConflictRange(Schema):
    start: datetime
    end: datetime


class SlotTakenOut(Schema):
    code: Literal["slot_taken"]
    message: str
    conflict: ConflictRange


class StatusIn(Schema):
    to: Literal["confirmed", "arrived", "in_room", "completed", "no_show"]
    room: int | None = Field(None, description="core room id, for in_room")


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=255)


class DayQuery(Schema):
    location: int | None = Field(None, description="default: every location")
    date: dt.date | None = Field(None, description="local date; default today")


# --- helpers ---------------------------------------------------------------------------------


def _ref(obj: object, name: str) -> Ref:
    return Ref(id=obj.pk, name=name)  # type: ignore[attr-defined]


# What an answer lists of a visit's resources; a no-op where the list selector prefetched them.
_HOLDS = Prefetch("resource_holds", queryset=AppointmentResource.objects.select_related("resource"))


def _appointment_out(a: Appointment) -> AppointmentOut:
    prefetch_related_objects([a], _HOLDS)
    holds = a.resource_holds.all()
    return AppointmentOut(
        id=a.pk,
        patient=_ref(a.patient, a.patient.display_name),
        provider=_ref(a.provider, a.provider.display_name),
        location=_ref(a.location, a.location.name),
        appointment_type=_ref(a.appointment_type, a.appointment_type.name),
        start=a.start,
        end=a.end,
        local_start=a.start.astimezone(wallclock.zone_of(a.location)),
        status=a.status,
        resources=[_ref(h.resource, h.resource.name) for h in holds],
        room=_ref(a.room, a.room.name) if a.room else None,
        checked_in_at=a.checked_in_at,
        roomed_at=a.roomed_at,
        completed_at=a.completed_at,
        cancelled_at=a.cancelled_at,
        cancel_reason=a.cancel_reason,
        late_cancel=a.late_cancel,
        series_id=a.series_id,
    )


def _practice(request: HttpRequest) -> Practice:
    return practice_of(request.auth)  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _unknown(what: str) -> ApiError:
    return ApiError(404, "not_found", f"No such {what} in this practice.")


def _provider(practice: Practice, pk: int) -> Provider:
    found = Provider.objects.filter(practice=practice, pk=pk).first()
    if found is None:
        raise _unknown("provider")
    return found


def _location(practice: Practice, pk: int) -> Location:
    found = Location.objects.filter(practice=practice, pk=pk).first()
    if found is None:
        raise _unknown("location")
    return found


def _type(practice: Practice, pk: int) -> AppointmentType:
    found = AppointmentType.objects.filter(practice=practice, pk=pk).select_related("practice")
    if (first := found.first()) is None:
        raise _unknown("appointment type")
    return first


def _resources(location: Location, ids: list[int] | None) -> list[Resource] | None:
    if ids is None:
        return None
    found = list(Resource.objects.filter(location__practice_id=location.practice_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise _unknown("resource")
    return found


def _today(practice: Practice, location: Location | None) -> date:
    return datetime.now(wallclock.zone((location or practice).time_zone)).date()


def _slot_taken(exc: services.SlotTaken) -> Status[SlotTakenOut]:
    return Status(
        409,
        SlotTakenOut(
            code="slot_taken",
            message=" ".join(exc.messages),
            conflict=ConflictRange(start=exc.conflict_start, end=exc.conflict_end),
        ),
    )


# --- endpoints -------------------------------------------------------------------------------


@router.get("/slots", response=list[SlotOut], summary="Free slots for a visit type")
@permission("scheduling.view_schedule")
def slots(request: HttpRequest, query: Query[SlotQuery]) -> list[SlotOut]:
    if query.type is None:
        raise ApiError(422, "invalid", "Give the appointment type: ?type=<id>.")
    practice = _practice(request)
    appointment_type = _type(practice, query.type)
    location = _location(practice, query.location) if query.location is not None else None
    provider = _provider(practice, query.provider) if query.provider is not None else None
    start = query.start or _today(practice, location)
    found = services.slot_search(
        appointment_type=appointment_type,
        providers=[provider] if provider else None,
        location=location,
        start_date=start,
        end_date=query.end or start + timedelta(days=13),
        earliest_time=query.earliest_time,
        limit=query.limit,
    )
    return [
        SlotOut(
            start=s.start,
            end=s.end,
            local_start=s.local_start,
            provider=_ref(s.provider, s.provider.display_name),
            location=_ref(s.location, s.location.name),
            resources=[_ref(r, r.name) for r in s.resources],
        )
        for s in found
    ]


@router.post(
    "/appointments",
    response={201: AppointmentOut, 409: SlotTakenOut},
    summary="Book an appointment (409 with the conflicting range when the time is taken)",
)
@permission("scheduling.book_appointment")
def book(request: HttpRequest, body: BookIn) -> Status[AppointmentOut] | Status[SlotTakenOut]:
    practice = _practice(request)
    patient = access_patient_by_id(_user(request), body.patient)
    location = _location(practice, body.location)
    try:
        appointment = services.appointment_book(
            patient=patient,
            provider=_provider(practice, body.provider),
            location=location,
            appointment_type=_type(practice, body.type),
            start=body.start,
            booked_by=_user(request),
            resources=_resources(location, body.resources),
        )
    except services.SlotTaken as exc:
        return _slot_taken(exc)
    return Status(201, _appointment_out(appointment))


@router.post(
    "/appointments/{appointment_id}/status",
    response=AppointmentOut,
    summary="Confirm, check in, room, complete, or mark a no-show",
)
@permission("scheduling.update_appointment_status")
def change_status(request: HttpRequest, appointment_id: int, body: StatusIn) -> AppointmentOut:
    appointment = access_appointment_by_id(_user(request), appointment_id)
    room = None
    if body.room is not None:
        room = Room.objects.filter(location__practice=_practice(request), pk=body.room).first()
        if room is None:
            raise _unknown("room")
    appointment = services.appointment_transition(
        appointment=appointment, to_status=body.to, by=_user(request), room=room
    )
    return _appointment_out(appointment)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response=AppointmentOut,
    summary="Cancel with a reason (frees the time)",
)
@permission("scheduling.book_appointment")
def cancel(request: HttpRequest, appointment_id: int, body: CancelIn) -> AppointmentOut:
    appointment = access_appointment_by_id(_user(request), appointment_id)
    appointment = services.appointment_cancel(
        appointment=appointment, reason=body.reason, cancelled_by=_user(request)
    )
    return _appointment_out(appointment)


@router.get(
    "/appointments",
    response=list[AppointmentOut],
    summary="A day's appointments (at a location, or everywhere)",
)
@permission("scheduling.view_schedule", "patients.view_patient")
def day_list(request: HttpRequest, query: Query[DayQuery]) -> list[AppointmentOut]:
    practice = _practice(request)
    location = _location(practice, query.location) if query.location is not None else None
    day = query.date or _today(practice, location)
    appointments = list(
        selectors.appointments_for_day(practice=practice, day=day, location=location)
    )
    # One audit line for the list: which patients' visits this person saw.
    audit_phi_list(
        request,
        patient_ids=[a.patient_id for a in appointments],
        what="appointment list",
        date=day,
        location=location.pk if location else None,
    )
    return [_appointment_out(a) for a in appointments]
