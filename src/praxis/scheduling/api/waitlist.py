"""/waitlist: waiting patients, the time cancellations freed with the patients who fit it, and
offering, booking or dismissing a freed time.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime

from ninja import Field, Schema, Status

from praxis.core import phi_audit
from praxis.core import time as wallclock
from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import ApiError, BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, LocalTime
from praxis.core.models import Location, Practice, User
from praxis.patients.access import access_patient_by_id

from .. import waitlist
from ..booking import SlotTaken
from ..booking_request import appointment_type_in, location_in, provider_in
from ..filters import WAITLIST_ROW, still_waiting
from ..models import AppointmentType, Provider, WaitlistEntry, WaitlistOpening
from .routing import router
from .schemas import AppointmentOut, Ref, SlotTakenOut, appointment_out, ref, slot_taken

WAITLIST = ("scheduling.book_appointment", "patients.view_patient")


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
    earliest_time: LocalTime | None = Field(description="local time of day")
    latest_time: LocalTime | None
    note: str
    status: str
    offered: OfferOut | None = Field(description="the desk's last offer of a freed time")
    created_at: datetime


class WaitlistEntryIn(BodyIn):
    patient: Id
    type: Id
    provider: Id | None = None
    location: Id | None = None
    earliest_date: BoundedDate
    latest_date: BoundedDate
    earliest_time: LocalTime | None = Field(None, description="local time of day")
    latest_time: LocalTime | None = None
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


class EntryChoiceIn(BodyIn):
    entry: Id = Field(description="waitlist entry id")


def _user_ref(user: User | None) -> Ref | None:
    return ref(user, str(user)) if user is not None else None


def _entry_out(e: WaitlistEntry) -> WaitlistEntryOut:
    offered = None
    if e.offered_at is not None:
        offered = OfferOut(
            opening=e.offered_opening_id, by=_user_ref(e.offered_by), at=e.offered_at
        )
    return WaitlistEntryOut(
        id=e.pk,
        patient=ref(e.patient, e.patient.display_name),
        appointment_type=ref(e.appointment_type, e.appointment_type.name),
        provider=ref(e.provider, e.provider.display_name) if e.provider else None,
        location=ref(e.location, e.location.name) if e.location else None,
        earliest_date=e.earliest_date,
        latest_date=e.latest_date,
        earliest_time=e.earliest_time,
        latest_time=e.latest_time,
        note=e.note,
        status=e.status,
        offered=offered,
        created_at=e.created_at,
    )


def _opening_out(o: WaitlistOpening, matches: list[WaitlistEntry]) -> OpeningOut:
    tz = wallclock.zone_of(o.location)
    return OpeningOut(
        id=o.pk,
        provider=ref(o.provider, o.provider.display_name),
        location=ref(o.location, o.location.name),
        appointment_type=ref(o.appointment_type, o.appointment_type.name),
        start=o.start,
        end=o.end,
        local_start=o.start.astimezone(tz),
        local_end=o.end.astimezone(tz),
        matches=[_entry_out(e) for e in matches],
    )


def _entry(practice: Practice, pk: int) -> WaitlistEntry:
    entries = WaitlistEntry.objects.select_related(*WAITLIST_ROW)
    return get_in_practice(entries, practice=practice, what="waitlist entry", pk=pk)


def _opening(practice: Practice, pk: int) -> WaitlistOpening:
    openings = WaitlistOpening.objects.select_related("provider", "location", "appointment_type")
    return get_in_practice(openings, practice=practice, what="freed time", pk=pk)


def _active(obj: Provider | Location | AppointmentType | None, what: str) -> None:
    """The page offers only active ones; the API refuses the others the same way."""
    if obj is not None and not obj.is_active:
        raise ApiError(400, "rejected", f"This {what} is no longer in use.")


@router.get(
    "/waitlist", response=with_errors(list[WaitlistEntryOut]), summary="Patients still waiting"
)
@permission(*WAITLIST)
def waitlist_list(request: AuthedRequest) -> list[WaitlistEntryOut]:
    entries = list(still_waiting(practice_of(request.auth)))
    phi_audit.shown(*(e.patient_id for e in entries), what="waitlist")
    return [_entry_out(e) for e in entries]


@router.post("/waitlist", response=with_errors({201: WaitlistEntryOut}), summary="Add a patient")
@permission(*WAITLIST)
def waitlist_add(request: AuthedRequest, body: WaitlistEntryIn) -> Status[WaitlistEntryOut]:
    practice = practice_of(request.auth)
    patient = access_patient_by_id(request.auth, body.patient)
    appointment_type = appointment_type_in(practice, body.type)
    provider = provider_in(practice, body.provider) if body.provider is not None else None
    location = location_in(practice, body.location) if body.location is not None else None
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
        created_by=request.auth,
    )
    return Status(201, _entry_out(entry))


@router.get(
    "/waitlist/openings",
    response=with_errors(list[OpeningOut]),
    summary="Time freed by cancellations, each with the waiting patients who fit it",
)
@permission(*WAITLIST)
def waitlist_openings(request: AuthedRequest) -> list[OpeningOut]:
    openings = waitlist.open_openings(practice_of(request.auth))
    matches = waitlist.matches_for_each(openings)
    waiting = (e.patient_id for o in openings for e in matches[o.pk])
    phi_audit.shown(*waiting, what="waitlist openings")
    return [_opening_out(o, matches[o.pk]) for o in openings]


@router.post(
    "/waitlist/openings/{opening_id}/offer",
    response=with_errors(WaitlistEntryOut),
    summary="Record that the desk offered this freed time to a waiting patient (books nothing)",
)
@permission(*WAITLIST)
def waitlist_offer(request: AuthedRequest, opening_id: Id, body: EntryChoiceIn) -> WaitlistEntryOut:
    practice = practice_of(request.auth)
    opening = _opening(practice, opening_id)
    entry = _entry(practice, body.entry)
    entry = waitlist.waitlist_entry_offer(entry=entry, opening=opening, offered_by=request.auth)
    return _entry_out(entry)


@router.post(
    "/waitlist/openings/{opening_id}/book",
    response=with_errors({201: AppointmentOut, 409: SlotTakenOut}),
    summary="Book a waiting patient into the freed time (409 when it was taken meanwhile)",
)
@permission(*WAITLIST)
def waitlist_book(
    request: AuthedRequest, opening_id: Id, body: EntryChoiceIn
) -> Status[AppointmentOut] | Status[SlotTakenOut]:
    practice = practice_of(request.auth)
    opening = _opening(practice, opening_id)
    entry = _entry(practice, body.entry)
    try:
        appointment = waitlist.waitlist_book(opening=opening, entry=entry, booked_by=request.auth)
    except SlotTaken as exc:
        return slot_taken(exc)
    return Status(201, appointment_out(appointment))


@router.post(
    "/waitlist/openings/{opening_id}/dismiss",
    response=with_errors({204: None}),
    summary="Take a freed time off the list: the desk will not fill it",
)
@permission(*WAITLIST)
def waitlist_dismiss(request: AuthedRequest, opening_id: Id) -> Status[None]:
    opening = _opening(practice_of(request.auth), opening_id)
    waitlist.waitlist_opening_dismiss(opening=opening, by=request.auth)
    return Status(204, None)


@router.post(
    "/waitlist/{entry_id}/decline",
    response=with_errors(WaitlistEntryOut),
    summary="The patient turned the offered time down: back to waiting",
)
@permission(*WAITLIST)
def waitlist_decline(request: AuthedRequest, entry_id: Id) -> WaitlistEntryOut:
    entry = _entry(practice_of(request.auth), entry_id)
    entry = waitlist.waitlist_entry_decline(entry=entry, declined_by=request.auth)
    return _entry_out(entry)


# After /waitlist/openings, so that "openings" is never read as an entry id.
@router.delete(
    "/waitlist/{entry_id}",
    response=with_errors(WaitlistEntryOut),
    summary="Take a patient off the waitlist",
)
@permission(*WAITLIST)
def waitlist_remove(request: AuthedRequest, entry_id: Id) -> WaitlistEntryOut:
    entry = _entry(practice_of(request.auth), entry_id)
    entry = waitlist.waitlist_entry_remove(entry=entry, removed_by=request.auth)
    return _entry_out(entry)
