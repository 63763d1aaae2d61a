"""/api/v1/scheduling/: free slots, booking, moving, status changes, cancellation, a day's
appointments, weekly series, the waitlist and reminder rules. The same services and selectors as
the pages.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

import datetime as dt
from datetime import date, datetime, time, timedelta
from typing import Literal, TypeVar

from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime

from praxis.core import time as wallclock
from praxis.core.access import practice_of
from praxis.core.api_support import ApiError, permission
from praxis.core.audit import audit_phi_list, audit_phi_read
from praxis.core.models import Location, Practice, Room, User
from praxis.patients.access import access_patient_by_id

from . import reminders, selectors, waitlist
from .access import access_appointment_by_id, appointments_visible_to
from .booking import SlotTaken, appointment_book, appointment_reschedule
from .models import (
    Appointment,
    AppointmentResource,
    AppointmentType,
    Channel,
    Provider,
    ReminderRule,
    Resource,
    WaitlistEntry,
    WaitlistOpening,
)
from .series import MAX_SERIES_COUNT, SeriesRefused
from .series import series_book as book_series
from .slots import slot_search
from .visits import appointment_cancel, appointment_transition

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
    type: int | None = Field(None, description="appointment type id (required unless moving)")
    provider: int | None = None
    location: int | None = None
    start: date | None = Field(None, description="first local date; default today")
    end: date | None = Field(None, description="last local date; default start + 13 days")
    earliest_time: time | None = Field(None, description="local time of day")
    limit: int = Field(20, ge=1, le=200)
    moving: int | None = Field(
        None,
        description="an appointment to move: its own time counts as free, and its visit type "
        "is the default type",
    )


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


class RescheduleIn(Schema):
    start: AwareDatetime = Field(description="with a UTC offset")
    provider: int | None = Field(None, description="default: the visit's provider")
    location: int | None = Field(None, description="default: the visit's location")
    resources: list[int] | None = None


class SeriesIn(Schema):
    patient: int
    provider: int
    location: int
    type: int
    first_start: AwareDatetime = Field(description="with a UTC offset")
    # The limits live in series.series_book (a 400 names them), not here as well.
    count: int = Field(description=f"1 to {MAX_SERIES_COUNT} visits")
    interval_weeks: int = Field(1, description="every 1 to 12 weeks")
    resources: list[int] | None = None


class SeriesOut(Schema):
    id: int
    interval_weeks: int
    count: int
    appointments: list[AppointmentOut]


class SeriesProblemOut(Schema):
    start: datetime | None = Field(description="None: the clocks skip this local time")
    local_label: str
    message: str
    conflict: ConflictRange | None


class SeriesRefusedOut(Schema):
    code: Literal["series_refused"]
    message: str
    problems: list[SeriesProblemOut]


class OfferOut(Schema):
    opening: int | None
    by: Ref | None
    at: datetime | None


class WaitlistEntryOut(Schema):
    id: int
    patient: Ref
    appointment_type: Ref
    provider: Ref | None
    location: Ref | None
    earliest_date: date
    latest_date: date
    earliest_time: time | None = Field(description="local time of day")
    latest_time: time | None
    note: str
    status: str
    offered: OfferOut | None = Field(description="the desk's last offer of a freed time")
    created_at: datetime


class WaitlistEntryIn(Schema):
    patient: int
    type: int
    provider: int | None = None
    location: int | None = None
    earliest_date: date
    latest_date: date
    earliest_time: time | None = Field(None, description="local time of day")
    latest_time: time | None = None
    note: str = Field("", max_length=255)


class OpeningOut(Schema):
    id: int
    provider: Ref
    location: Ref
    appointment_type: Ref
    start: datetime
    end: datetime
    local_start: datetime
    local_end: datetime
    matches: list[WaitlistEntryOut] = Field(description="who fits, longest waiting first")


class EntryChoiceIn(Schema):
    entry: int = Field(description="waitlist entry id")


class ReminderRuleOut(Schema):
    id: int
    hours_before: int
    channel: Channel
    is_active: bool


class ReminderRuleIn(Schema):
    hours_before: int = Field(description="1 to 720")
    channel: Channel


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


M = TypeVar("M", bound=Model)


def _in_practice(queryset: QuerySet[M], practice: Practice, pk: int, what: str) -> M:
    """One row of the practice by id; another practice's id is the same 404 as a missing one."""
    found = queryset.filter(practice=practice, pk=pk).first()
    if found is None:
        raise _unknown(what)
    return found


def _provider(practice: Practice, pk: int) -> Provider:
    return _in_practice(Provider.objects.all(), practice, pk, "provider")


def _location(practice: Practice, pk: int) -> Location:
    return _in_practice(Location.objects.all(), practice, pk, "location")


def _type(practice: Practice, pk: int) -> AppointmentType:
    types = AppointmentType.objects.select_related("practice")
    return _in_practice(types, practice, pk, "appointment type")


def _active(obj: Provider | Location | AppointmentType | None, what: str) -> None:
    """The page offers only active ones; the API refuses the others the same way."""
    if obj is not None and not obj.is_active:
        raise ApiError(400, "rejected", f"This {what} is no longer in use.")


def _resources(location: Location, ids: list[int] | None) -> list[Resource] | None:
    if ids is None:
        return None
    found = list(Resource.objects.filter(location__practice_id=location.practice_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise _unknown("resource")
    return found


# What a list of visits needs beside the rows: two queries however long it is.
def _listed(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return appointments.select_related(
        "patient", "provider", "location", "appointment_type", "room"
    ).prefetch_related(_HOLDS)


def _today(practice: Practice, location: Location | None) -> date:
    return datetime.now(wallclock.zone((location or practice).time_zone)).date()


def _conflict(start: datetime | None, end: datetime | None) -> ConflictRange | None:
    return ConflictRange(start=start, end=end) if start and end else None


def _slot_taken(exc: SlotTaken) -> Status[SlotTakenOut]:
    return Status(
        409,
        SlotTakenOut(
            code="slot_taken",
            message=" ".join(exc.messages),
            conflict=ConflictRange(start=exc.conflict_start, end=exc.conflict_end),
        ),
    )


def _series_out(visits: QuerySet[Appointment]) -> SeriesOut:
    """A series with its visits (404 when none is in `visits`)."""
    found = list(_listed(visits).select_related("series").order_by("start", "pk"))
    if not found or found[0].series is None:
        raise ApiError(404, "not_found", "Not found.")
    series = found[0].series
    return SeriesOut(
        id=series.pk,
        interval_weeks=series.interval,
        count=series.count,
        appointments=[_appointment_out(v) for v in found],
    )


def _user_ref(user: User | None) -> Ref | None:
    return _ref(user, str(user)) if user is not None else None


def _entry_out(e: WaitlistEntry) -> WaitlistEntryOut:
    offered = None
    if e.offered_at is not None:
        offered = OfferOut(
            opening=e.offered_opening_id, by=_user_ref(e.offered_by), at=e.offered_at
        )
    return WaitlistEntryOut(
        id=e.pk,
        patient=_ref(e.patient, e.patient.display_name),
        appointment_type=_ref(e.appointment_type, e.appointment_type.name),
        provider=_ref(e.provider, e.provider.display_name) if e.provider else None,
        location=_ref(e.location, e.location.name) if e.location else None,
        earliest_date=e.earliest_date,
        latest_date=e.latest_date,
        earliest_time=e.earliest_time,
        latest_time=e.latest_time,
        note=e.note,
        status=e.status,
        offered=offered,
        created_at=e.created_at,
    )


def _waitlist_entry(practice: Practice, pk: int) -> WaitlistEntry:
    entries = WaitlistEntry.objects.select_related(
        "patient", "appointment_type", "provider", "location", "offered_by"
    )
    return _in_practice(entries, practice, pk, "waitlist entry")


def _opening(practice: Practice, pk: int) -> WaitlistOpening:
    openings = WaitlistOpening.objects.select_related("provider", "location", "appointment_type")
    return _in_practice(openings, practice, pk, "freed time")


def _rule(practice: Practice, pk: int) -> ReminderRule:
    return _in_practice(ReminderRule.objects.all(), practice, pk, "reminder rule")


def _rule_out(rule: ReminderRule) -> ReminderRuleOut:
    return ReminderRuleOut(
        id=rule.pk,
        hours_before=rule.hours_before,
        channel=Channel(rule.channel),
        is_active=rule.is_active,
    )


# --- endpoints -------------------------------------------------------------------------------


@router.get("/slots", response=list[SlotOut], summary="Free slots for a visit type")
@permission("scheduling.view_schedule")
def slots(request: HttpRequest, query: Query[SlotQuery]) -> list[SlotOut]:
    practice = _practice(request)
    moving = None
    if query.moving is not None:
        moving = access_appointment_by_id(_user(request), query.moving)
    if query.type is not None:
        appointment_type = _type(practice, query.type)
    elif moving is not None:
        appointment_type = moving.appointment_type
    else:
        raise ApiError(422, "invalid", "Give the appointment type: ?type=<id>.")
    location = _location(practice, query.location) if query.location is not None else None
    provider = _provider(practice, query.provider) if query.provider is not None else None
    start = query.start or _today(practice, location)
    found = slot_search(
        appointment_type=appointment_type,
        providers=[provider] if provider else None,
        location=location,
        start_date=start,
        end_date=query.end or start + timedelta(days=13),
        earliest_time=query.earliest_time,
        limit=query.limit,
        moving=moving,
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
        appointment = appointment_book(
            patient=patient,
            provider=_provider(practice, body.provider),
            location=location,
            appointment_type=_type(practice, body.type),
            start=body.start,
            booked_by=_user(request),
            resources=_resources(location, body.resources),
        )
    except SlotTaken as exc:
        return _slot_taken(exc)
    return Status(201, _appointment_out(appointment))


@router.post(
    "/appointments/{appointment_id}/status",
    response=AppointmentOut,
    summary="Confirm, check in, room, complete, or mark a no-show",
)
@permission("scheduling.update_appointment_status", "patients.view_patient")
def change_status(request: HttpRequest, appointment_id: int, body: StatusIn) -> AppointmentOut:
    appointment = access_appointment_by_id(_user(request), appointment_id)
    room = None
    if body.room is not None:
        room = Room.objects.filter(location__practice=_practice(request), pk=body.room).first()
        if room is None:
            raise _unknown("room")
    appointment = appointment_transition(
        appointment=appointment, to_status=body.to, by=_user(request), room=room
    )
    return _appointment_out(appointment)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response=AppointmentOut,
    summary="Cancel with a reason (frees the time)",
)
@permission("scheduling.book_appointment", "patients.view_patient")
def cancel(request: HttpRequest, appointment_id: int, body: CancelIn) -> AppointmentOut:
    appointment = access_appointment_by_id(_user(request), appointment_id)
    appointment = appointment_cancel(
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


@router.get(
    "/appointments/{appointment_id}",
    response=AppointmentOut,
    summary="One appointment (recorded as a read of the patient's information)",
)
@permission("scheduling.view_schedule", "patients.view_patient")
def appointment_detail(request: HttpRequest, appointment_id: int) -> AppointmentOut:
    appointment = access_appointment_by_id(_user(request), appointment_id)
    audit_phi_read(request, patient_id=appointment.patient_id, obj=appointment)
    return _appointment_out(appointment)


@router.post(
    "/appointments/{appointment_id}/reschedule",
    response={200: AppointmentOut, 409: SlotTakenOut},
    summary="Move a visit (409 with the conflicting range when the new time is taken)",
)
@permission("scheduling.book_appointment", "patients.view_patient")
def reschedule(
    request: HttpRequest, appointment_id: int, body: RescheduleIn
) -> Status[AppointmentOut] | Status[SlotTakenOut]:
    practice = _practice(request)
    appointment = access_appointment_by_id(_user(request), appointment_id)
    provider = _provider(practice, body.provider) if body.provider is not None else None
    location = _location(practice, body.location) if body.location is not None else None
    try:
        moved = appointment_reschedule(
            appointment=appointment,
            start=body.start,
            provider=provider,
            location=location,
            resources=_resources(location or appointment.location, body.resources),
            rescheduled_by=_user(request),
        )
    except SlotTaken as exc:
        return _slot_taken(exc)
    return Status(200, _appointment_out(moved))


# --- weekly series ---------------------------------------------------------------------------


@router.post(
    "/series",
    response={201: SeriesOut, 409: SeriesRefusedOut},
    summary="Book a weekly series, whole or not at all (409 lists every visit that cannot be)",
)
@permission("scheduling.book_appointment", "patients.view_patient")
def series_book(
    request: HttpRequest, body: SeriesIn
) -> Status[SeriesOut] | Status[SeriesRefusedOut]:
    practice = _practice(request)
    patient = access_patient_by_id(_user(request), body.patient)
    location = _location(practice, body.location)
    try:
        series = book_series(
            patient=patient,
            provider=_provider(practice, body.provider),
            location=location,
            appointment_type=_type(practice, body.type),
            first_start=body.first_start,
            count=body.count,
            interval_weeks=body.interval_weeks,
            resources=_resources(location, body.resources),
            booked_by=_user(request),
        )
    except SeriesRefused as refused:
        problems = [
            SeriesProblemOut(
                start=p.start,
                local_label=p.local_label,
                message=p.message,
                conflict=_conflict(*(p.conflict or (None, None))),
            )
            for p in refused.problems
        ]
        return Status(
            409,
            SeriesRefusedOut(
                code="series_refused", message=" ".join(refused.messages), problems=problems
            ),
        )
    return Status(201, _series_out(Appointment.objects.filter(series=series)))


@router.get("/series/{series_id}", response=SeriesOut, summary="A series with its visits")
@permission("scheduling.view_schedule", "patients.view_patient")
def series_detail(request: HttpRequest, series_id: int) -> SeriesOut:
    found = _series_out(appointments_visible_to(_user(request)).filter(series_id=series_id))
    audit_phi_read(request, patient_id=found.appointments[0].patient.id, what="series")
    return found


# --- the waitlist ------------------------------------------------------------------------------

WAITLIST = ("scheduling.book_appointment", "patients.view_patient")


@router.get("/waitlist", response=list[WaitlistEntryOut], summary="Patients still waiting")
@permission(*WAITLIST)
def waitlist_list(request: HttpRequest) -> list[WaitlistEntryOut]:
    entries = list(
        WaitlistEntry.objects.filter(practice=_practice(request), status__in=waitlist.STILL_WAITING)
        .select_related("patient", "appointment_type", "provider", "location", "offered_by")
        .order_by("created_at", "pk")
    )
    audit_phi_list(request, patient_ids=[e.patient_id for e in entries], what="waitlist")
    return [_entry_out(e) for e in entries]


@router.post("/waitlist", response={201: WaitlistEntryOut}, summary="Add a patient")
@permission(*WAITLIST)
def waitlist_add(request: HttpRequest, body: WaitlistEntryIn) -> Status[WaitlistEntryOut]:
    practice = _practice(request)
    patient = access_patient_by_id(_user(request), body.patient)
    appointment_type = _type(practice, body.type)
    provider = _provider(practice, body.provider) if body.provider is not None else None
    location = _location(practice, body.location) if body.location is not None else None
    _active(appointment_type, "visit type")
    _active(provider, "provider")
    _active(location, "location")
    entry = waitlist.waitlist_entry_add(
        patient=patient,
        appointment_type=appointment_type,
        provider=provider,
        location=location,
        earliest_date=body.earliest_date,
        latest_date=body.latest_date,
        earliest_time=body.earliest_time,
        latest_time=body.latest_time,
        note=body.note,
        created_by=_user(request),
    )
    return Status(201, _entry_out(entry))


@router.get(
    "/waitlist/openings",
    response=list[OpeningOut],
    summary="Time freed by cancellations, each with the waiting patients who fit it",
)
@permission(*WAITLIST)
def waitlist_openings(request: HttpRequest) -> list[OpeningOut]:
    openings = waitlist.open_openings(_practice(request))
    matches = waitlist.matches_for_each(openings)
    audit_phi_list(
        request,
        patient_ids=[e.patient_id for o in openings for e in matches[o.pk]],
        what="waitlist openings",
    )
    found = []
    for o in openings:
        tz = wallclock.zone_of(o.location)
        found.append(
            OpeningOut(
                id=o.pk,
                provider=_ref(o.provider, o.provider.display_name),
                location=_ref(o.location, o.location.name),
                appointment_type=_ref(o.appointment_type, o.appointment_type.name),
                start=o.start,
                end=o.end,
                local_start=o.start.astimezone(tz),
                local_end=o.end.astimezone(tz),
                matches=[_entry_out(e) for e in matches[o.pk]],
            )
        )
    return found


@router.post(
    "/waitlist/openings/{opening_id}/offer",
    response=WaitlistEntryOut,
    summary="Record that the desk offered this freed time to a waiting patient (books nothing)",
)
@permission(*WAITLIST)
def waitlist_offer(request: HttpRequest, opening_id: int, body: EntryChoiceIn) -> WaitlistEntryOut:
    practice = _practice(request)
    opening = _opening(practice, opening_id)
    entry = _waitlist_entry(practice, body.entry)
    entry = waitlist.waitlist_entry_offer(entry=entry, opening=opening, offered_by=_user(request))
    return _entry_out(entry)


@router.post(
    "/waitlist/openings/{opening_id}/book",
    response={201: AppointmentOut, 409: SlotTakenOut},
    summary="Book a waiting patient into the freed time (409 when it was taken meanwhile)",
)
@permission(*WAITLIST)
def waitlist_book(
    request: HttpRequest, opening_id: int, body: EntryChoiceIn
) -> Status[AppointmentOut] | Status[SlotTakenOut]:
    practice = _practice(request)
    opening = _opening(practice, opening_id)
    entry = _waitlist_entry(practice, body.entry)
    try:
        appointment = waitlist.waitlist_book(opening=opening, entry=entry, booked_by=_user(request))
    except SlotTaken as exc:
        return _slot_taken(exc)
    return Status(201, _appointment_out(appointment))


@router.post(
    "/waitlist/openings/{opening_id}/dismiss",
    response={204: None},
    summary="Take a freed time off the list: the desk will not fill it",
)
@permission(*WAITLIST)
def waitlist_dismiss(request: HttpRequest, opening_id: int) -> Status[None]:
    opening = _opening(_practice(request), opening_id)
    waitlist.waitlist_opening_dismiss(opening=opening, by=_user(request))
    return Status(204, None)


@router.post(
    "/waitlist/{entry_id}/decline",
    response=WaitlistEntryOut,
    summary="The patient turned the offered time down: back to waiting",
)
@permission(*WAITLIST)
def waitlist_decline(request: HttpRequest, entry_id: int) -> WaitlistEntryOut:
    entry = _waitlist_entry(_practice(request), entry_id)
    entry = waitlist.waitlist_entry_decline(entry=entry, declined_by=_user(request))
    return _entry_out(entry)


# After /waitlist/openings, so that "openings" is never read as an entry id.
@router.delete(
    "/waitlist/{entry_id}", response=WaitlistEntryOut, summary="Take a patient off the waitlist"
)
@permission(*WAITLIST)
def waitlist_remove(request: HttpRequest, entry_id: int) -> WaitlistEntryOut:
    entry = _waitlist_entry(_practice(request), entry_id)
    entry = waitlist.waitlist_entry_remove(entry=entry, removed_by=_user(request))
    return _entry_out(entry)


# --- reminder rules ----------------------------------------------------------------------------

SETUP = "scheduling.manage_scheduling_setup"


@router.get("/reminder-rules", response=list[ReminderRuleOut], summary="The reminder rules")
@permission(SETUP)
def reminder_rules(request: HttpRequest) -> list[ReminderRuleOut]:
    return [_rule_out(r) for r in ReminderRule.objects.filter(practice=_practice(request))]


@router.post(
    "/reminder-rules",
    response={201: ReminderRuleOut},
    summary="Add a rule (the same hours and channel again resumes the existing rule)",
)
@permission(SETUP)
def reminder_rule_add(request: HttpRequest, body: ReminderRuleIn) -> Status[ReminderRuleOut]:
    rule = reminders.reminder_rule_create(
        practice=_practice(request),
        hours_before=body.hours_before,
        channel=body.channel,
        by=_user(request),
    )
    return Status(201, _rule_out(rule))


@router.post("/reminder-rules/{rule_id}/pause", response=ReminderRuleOut, summary="Pause a rule")
@permission(SETUP)
def reminder_rule_pause(request: HttpRequest, rule_id: int) -> ReminderRuleOut:
    rule = _rule(_practice(request), rule_id)
    return _rule_out(reminders.reminder_rule_set_active(rule=rule, active=False, by=_user(request)))


@router.post("/reminder-rules/{rule_id}/resume", response=ReminderRuleOut, summary="Resume a rule")
@permission(SETUP)
def reminder_rule_resume(request: HttpRequest, rule_id: int) -> ReminderRuleOut:
    rule = _rule(_practice(request), rule_id)
    return _rule_out(reminders.reminder_rule_set_active(rule=rule, active=True, by=_user(request)))
