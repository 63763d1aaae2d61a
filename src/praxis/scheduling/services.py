"""Writes for scheduling, and the one slot search that the pages, the API and the waitlist share.

No double booking. Booking checks for an overlapping active appointment of the provider and of
each resource, then inserts, in one transaction that nobody else booking the same provider or
resource can interleave with:
- PostgreSQL: `pg_advisory_xact_lock` per provider and per resource, taken in one sorted order
  (so two bookings never wait on each other in a cycle) before the check; the exclusion
  constraints of migration 0002 stay as the backstop, and their violation becomes the same
  `SlotTaken` as the check's.
- SQLite: the transaction begins IMMEDIATE (settings), so it holds the database's write lock from
  its first statement: the check and the insert cannot interleave with another writer's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from praxis.core import audit
from praxis.core import time as wallclock
from praxis.core.models import Location, Room, User
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse
from praxis.patients.models import Patient

from . import selectors
from .availability import (
    Calendar,
    Interval,
    IntervalSet,
    Slot,
    candidate_starts,
    earliest_time_ok,
    grid_step,
    pick_resources,
    resource_groups,
    template_windows,
)
from .models import (
    Appointment,
    AppointmentResource,
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Provider,
    RecurringSeries,
    Resource,
)
from .signals import announce_on_commit

Status = Appointment.Status

MAX_SEARCH_DAYS = 92
MAX_SERIES_COUNT = 52
NEW_PATIENT_LOOKBACK = timedelta(days=3 * 365)
# The names migration 0002 gives the PostgreSQL exclusion constraints.
OVERLAP_CONSTRAINTS = ("appointment_provider_no_overlap", "appointment_resource_no_overlap")
EXCLUSION_VIOLATION = "23P01"
# Advisory-lock namespaces (the first int4 of the two-key form), so these locks cannot collide
# with another feature's.
_LOCK_PROVIDER = 0x50525631  # "PRV1"
_LOCK_RESOURCE = 0x50525632  # "PRV2"

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
MOVABLE = (Status.SCHEDULED, Status.CONFIRMED)


class SlotTaken(ServiceError):
    """The provider or a resource is already booked for part of the time asked for."""

    def __init__(self, message: str, *, conflict: Interval) -> None:
        super().__init__(message, code="slot_taken")
        self.conflict_start, self.conflict_end = conflict


@dataclass(frozen=True)
class OccurrenceProblem:
    start: datetime | None  # None: the wall-clock time does not exist that day
    local_label: str
    message: str
    conflict: Interval | None = None


class SeriesRefused(ServiceError):
    """Some occurrences of a series cannot be booked; none was."""

    def __init__(self, problems: Sequence[OccurrenceProblem]) -> None:
        lines = "; ".join(f"{p.local_label}: {p.message}" for p in problems)
        super().__init__(
            f"Nothing was booked: {len(problems)} of the visits cannot be. {lines}",
            code="series_refused",
        )
        self.problems = list(problems)


def min_notice() -> timedelta:
    return timedelta(minutes=getattr(settings, "PRAXIS_BOOKING_MIN_NOTICE_MINUTES", 60))


def late_cancel_window() -> timedelta:
    return timedelta(hours=getattr(settings, "PRAXIS_LATE_CANCEL_HOURS", 24))


# --- slot search -----------------------------------------------------------------------------


def build_calendars(
    *,
    providers: Sequence[Provider],
    templates: Iterable[AvailabilityTemplate],
    exceptions: Iterable[AvailabilityException],
    first: date,
    last: date,
    location: Location | None,
) -> list[Calendar]:
    """One calendar per (provider, location) with hours in the range: template windows and
    extra sessions open time (clipped to the local dates asked for), time off closes it."""
    by_id = {p.pk: p for p in providers}
    locations: dict[int, Location] = {}
    opening: dict[tuple[int, int], list[AvailabilityTemplate]] = defaultdict(list)
    sessions: dict[tuple[int, int], list[Interval]] = defaultdict(list)
    closures: dict[int, list[AvailabilityException]] = defaultdict(list)
    for t in templates:
        opening[(t.provider_id, t.location_id)].append(t)
        locations[t.location_id] = t.location
    for x in exceptions:
        if x.kind != AvailabilityException.Kind.EXTRA_SESSION:
            closures[x.provider_id].append(x)
        elif (
            x.location is not None  # always, for an extra session (a database constraint)
            and x.location.is_active
            and (location is None or x.location_id == location.pk)
        ):
            sessions[(x.provider_id, x.location.pk)].append((x.start, x.end))
            locations[x.location.pk] = x.location
    calendars = []
    for provider_id, location_id in sorted(set(opening) | set(sessions)):
        here = locations[location_id]
        tz = wallclock.zone_of(here)
        range_start, range_end = (
            wallclock.day_bounds(first, tz)[0],
            wallclock.day_bounds(last, tz)[1],
        )
        calendar = Calendar(provider=by_id[provider_id], location=here)
        calendar.open = template_windows(opening[(provider_id, location_id)], first, last, tz)
        calendar.open += [
            (max(start, range_start), min(end, range_end))
            for start, end in sessions[(provider_id, location_id)]
            if start < range_end and end > range_start
        ]
        calendar.closed = [
            (x.start, x.end)
            for x in closures[provider_id]
            if x.location_id is None or x.location_id == location_id
        ]
        calendars.append(calendar)
    return calendars


def _utc_span(first: date, last: date) -> tuple[datetime, datetime]:
    # Wide enough to hold both local dates in every time zone (offsets lie within ±14 h).
    return (
        datetime.combine(first - timedelta(days=1), time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=2), time.min, tzinfo=UTC),
    )


FIRST_CHUNK = timedelta(days=7)


def _search_chunks(start: datetime, end: datetime) -> Iterator[Interval]:
    """[start, end) cut into stretches of 7, 14, 28, ... days: few reads when the first free
    slots are far away, a small first read when they are near."""
    size = FIRST_CHUNK
    while start < end:
        stop = min(start + size, end)
        yield start, stop
        start, size = stop, size * 2


def slot_search(
    *,
    appointment_type: AppointmentType,
    providers: Iterable[Provider] | None = None,
    location: Location | None = None,
    start_date: date,
    end_date: date,
    earliest_time: time | None = None,
    limit: int = 20,
    now: datetime | None = None,
    moving: Appointment | None = None,
) -> list[Slot]:
    """Free slots for a visit type, earliest first: the provider (at any location) and the
    required resources are free, the time lies inside the provider's availability at the
    location, and it starts at least the minimum notice from now. Dates are local dates at each
    location; `earliest_time` is a local time of day. When `moving` a visit, its own time counts
    as free (it may move by a quarter of an hour into time it holds now). Five queries, plus one
    or two for each stretch of busy time read (at most four stretches for the longest range)."""
    if end_date < start_date:
        raise ServiceError("The end date is before the start date.")
    if (end_date - start_date).days >= MAX_SEARCH_DAYS:
        raise ServiceError(f"Search at most {MAX_SEARCH_DAYS} days at a time.")
    now = now or timezone.now()
    practice_tz = wallclock.zone(appointment_type.practice.time_zone)
    if end_date < wallclock.local_date(now, practice_tz):
        raise ServiceError("These dates are in the past; search from today on.")
    if limit < 1 or not appointment_type.is_active:
        return []
    if location is not None and location.practice_id != appointment_type.practice_id:
        return []
    offering = selectors.providers_offering(appointment_type, providers)
    if not offering:
        return []
    ids = [p.pk for p in offering]
    span_start, span_end = _utc_span(start_date, end_date)
    calendars = build_calendars(
        providers=offering,
        templates=selectors.templates_for(
            appointment_type=appointment_type,
            provider_ids=ids,
            first=start_date,
            last=end_date,
            location=location,
        ),
        exceptions=selectors.exceptions_for(provider_ids=ids, start=span_start, end=span_end),
        first=start_date,
        last=end_date,
        location=location,
    )
    if not calendars:
        return []

    required = selectors.required_resources(appointment_type)
    groups_at = {c.location.pk: resource_groups(required, c.location.pk) for c in calendars}
    resource_ids = {r.pk for groups in groups_at.values() for g in groups or () for r in g}
    duration = appointment_type.duration
    step = grid_step(appointment_type.duration_minutes)
    not_before = now + min_notice()

    # Busy time is read a stretch at a time, earliest first, and the search stops at the first
    # stretch that completes `limit` slots: slots from a later stretch all start later. A
    # provider with free time tomorrow costs one small read instead of a whole month of visits.
    slots: list[Slot] = []
    opens = [window for calendar in calendars for window in calendar.open]
    first_open = max(min(start for start, _ in opens), not_before) if opens else span_end
    last_close = max((end for _, end in opens), default=span_end)
    for chunk_start, chunk_end in _search_chunks(first_open, last_close):
        read_end = chunk_end + duration  # a visit starting in the stretch may run past its end
        provider_busy = selectors.provider_busy_intervals(
            provider_ids=ids,
            start=chunk_start,
            end=read_end,
            exclude_appointment_id=moving.pk if moving else None,
        )
        resource_busy = {
            rid: IntervalSet(intervals)
            for rid, intervals in selectors.resource_busy_intervals(
                resource_ids=resource_ids,
                start=chunk_start,
                end=read_end,
                exclude_appointment_id=moving.pk if moving else None,
            ).items()
        }
        for calendar in calendars:
            groups = groups_at[calendar.location.pk]
            if groups is None:
                continue
            tz = wallclock.zone_of(calendar.location)
            found = 0
            for start in candidate_starts(
                calendar,
                duration=duration,
                step=step,
                not_before=max(not_before, chunk_start),
                busy=IntervalSet(provider_busy.get(calendar.provider.pk, ())),
            ):
                if start >= chunk_end:
                    break
                if not earliest_time_ok(start, tz, earliest_time):
                    continue
                if moving is not None and (start, calendar.provider.pk) == (
                    moving.start,
                    moving.provider_id,
                ):
                    continue  # where it is already
                held = pick_resources(groups, resource_busy, start, start + duration)
                if held is None:
                    continue
                slots.append(
                    Slot(
                        calendar.provider,
                        calendar.location,
                        appointment_type,
                        start,
                        start + duration,
                        held,
                    )
                )
                found += 1
                if found == limit:  # the first `limit` overall are among each calendar's first
                    break
        if len(slots) >= limit:
            break
    slots.sort(key=lambda s: (s.start, s.provider.display_name, s.provider.pk, s.location.pk))
    return slots[:limit]


# --- booking: validation ---------------------------------------------------------------------


def _require_aware(start: datetime) -> None:
    if timezone.is_naive(start):
        raise ServiceError("Give the start time with its time zone (or UTC offset).")


def _check_parties(
    *,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: datetime,
) -> None:
    practice_id = appointment_type.practice_id
    if provider.practice_id != practice_id:
        raise ServiceError(f"{provider} is not a provider of this practice.")
    if location.practice_id != practice_id:
        raise ServiceError(f"{location} is not one of this practice's locations.")
    if patient.practice_id != practice_id:
        raise ServiceError("This patient is not registered with this practice.")
    if not appointment_type.is_active:
        raise ServiceError(f"{appointment_type} is no longer offered.")
    if not provider.is_active:
        raise ServiceError(f"{provider} no longer takes appointments.")
    if not location.is_active:
        raise ServiceError(f"{location} is closed.")
    if patient.merged_into_id is not None:
        raise ServiceError("This patient record was merged into another; book on that record.")
    if patient.status == Patient.Status.DECEASED:
        raise ServiceError("This patient is recorded as deceased.")
    if not appointment_type.providers.filter(pk=provider.pk).exists():
        raise ServiceError(f"{provider} does not offer {appointment_type}.")
    if (
        appointment_type.visit_mode == AppointmentType.VisitMode.HOME_VISIT
        and not patient.address_text
    ):
        raise ServiceError(
            f"{appointment_type} is a home visit: add the patient's street address to their "
            "record first."
        )
    if appointment_type.for_new_patients:
        _check_new_patient(patient, appointment_type, start)


def _check_new_patient(
    patient: Patient, appointment_type: AppointmentType, start: datetime
) -> None:
    """A new-patient visit is for someone the practice has not seen in the three years before
    it (the CPT rule behind the new-patient E/M codes): an established patient booked into one
    gets the wrong length of visit and, later, the wrong code on the claim."""
    seen = selectors.last_seen(patient=patient, before=start, since=start - NEW_PATIENT_LOOKBACK)
    if seen is not None:
        when = wallclock.describe(seen, wallclock.zone(appointment_type.practice.time_zone))
        raise ServiceError(
            f"{appointment_type} is for new patients, and this patient was seen on {when}, "
            "within the last three years. Book a visit type for established patients."
        )


def _calendar(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    first: date,
    last: date,
) -> Calendar:
    span_start, span_end = _utc_span(first, last)
    found = build_calendars(
        providers=[provider],
        templates=selectors.templates_for(
            appointment_type=appointment_type,
            provider_ids=[provider.pk],
            first=first,
            last=last,
            location=location,
        ),
        exceptions=selectors.exceptions_for(
            provider_ids=[provider.pk], start=span_start, end=span_end
        ),
        first=first,
        last=last,
        location=location,
    )
    return found[0] if found else Calendar(provider=provider, location=location)


def _visit_admitted(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: datetime,
    end: datetime,
) -> bool:
    """Whether one visit lies inside the provider's hours at a location: build_calendars fed
    only the rows that can matter for [start, end) (that weekday's hours, the exceptions that
    overlap the visit), so a booking does not read whole days."""
    tz = wallclock.zone_of(location)
    first, last = wallclock.local_date(start, tz), wallclock.local_date(end, tz)
    templates, exceptions = selectors.hours_for_visit(
        provider_id=provider.pk,
        location_id=location.pk,
        appointment_type=appointment_type,
        first=first,
        last=last,
        start=start,
        end=end,
    )
    found = build_calendars(
        providers=[provider],
        templates=templates,
        exceptions=exceptions,
        first=first,
        last=last,
        location=location,
    )
    return bool(found) and found[0].admits(start, end)


def _unavailable_message(provider: Provider, location: Location, start: datetime) -> str:
    when = wallclock.describe(start, wallclock.zone_of(location))
    return f"{provider} is not available at {location} at {when} for this visit type."


def _resource_plan(
    *,
    appointment_type: AppointmentType,
    location: Location,
    resources: Iterable[Resource] | None,
) -> list[tuple[Resource, ...]]:
    """What the visit must hold, as groups of which one member each: automatic (one listed
    room at the location, each listed piece of equipment there), or exactly the resources
    given, which must cover what the type needs."""
    groups = resource_groups(selectors.required_resources(appointment_type), location.pk)
    if groups is None:
        raise ServiceError(
            f"{location} has none of the rooms or equipment {appointment_type} needs."
        )
    if resources is None:
        return groups
    chosen = list(dict.fromkeys(resources))
    for r in chosen:
        if r.location_id != location.pk or not r.is_active:
            raise ServiceError(f"{r} is not in use at {location}.")
    for group in groups:
        if not set(group) & set(chosen):
            names = " or ".join(r.name for r in group)
            raise ServiceError(f"{appointment_type} needs {names}.")
    return [(r,) for r in chosen]


# --- booking: the critical section -----------------------------------------------------------


def _lock_calendars(*, provider_ids: Iterable[int], resource_ids: Iterable[int]) -> None:
    """Serialize bookings of the same provider or resource (PostgreSQL). Locks are taken in one
    sorted order; they last until the transaction ends. On SQLite the IMMEDIATE transaction
    already holds the database's write lock."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        {(_LOCK_PROVIDER, pid) for pid in provider_ids}
        | {(_LOCK_RESOURCE, rid) for rid in resource_ids}
    )
    with connection.cursor() as cursor:
        for namespace, key in keys:
            # int4 keys: the two-key form of the lock, and no int2/int8 guessing by the driver.
            cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", [namespace, key])


def _first(intervals: Iterable[Interval], start: datetime, end: datetime) -> Interval | None:
    """The earliest of `intervals` that overlaps [start, end) (touching is not overlapping)."""
    overlapping = [(s, e) for s, e in intervals if s < end and e > start]
    return min(overlapping) if overlapping else None


def _taken(what: object, conflict: Interval, location: Location) -> SlotTaken:
    tz = wallclock.zone_of(location)
    return SlotTaken(
        f"{what} is already booked from {wallclock.describe(conflict[0], tz)} to "
        f"{conflict[1].astimezone(tz):%H:%M}.",
        conflict=conflict,
    )


@dataclass(frozen=True)
class Busy:
    """Busy intervals read inside the critical section, for one provider and some resources."""

    provider: list[Interval]
    resources: dict[int, list[Interval]]

    @classmethod
    def read(
        cls,
        *,
        provider: Provider,
        groups: Sequence[tuple[Resource, ...]],
        start: datetime,
        end: datetime,
        exclude: int | None = None,
    ) -> Busy:
        by_provider = selectors.provider_busy_intervals(
            provider_ids=[provider.pk], start=start, end=end, exclude_appointment_id=exclude
        )
        by_resource = selectors.resource_busy_intervals(
            resource_ids=[r.pk for g in groups for r in g],
            start=start,
            end=end,
            exclude_appointment_id=exclude,
        )
        return cls(by_provider.get(provider.pk, []), dict(by_resource))

    def hold(
        self,
        *,
        provider: Provider,
        location: Location,
        groups: Sequence[tuple[Resource, ...]],
        start: datetime,
        end: datetime,
    ) -> tuple[Resource, ...]:
        """The resources to hold for [start, end): one free member of each group. Raises
        SlotTaken naming the first conflict when the provider or a whole group is taken."""
        conflict = _first(self.provider, start, end)
        if conflict is not None:
            raise _taken(provider, conflict, location)
        held = []
        for group in groups:
            conflicts = [_first(self.resources.get(r.pk, ()), start, end) for r in group]
            free = [r for r, c in zip(group, conflicts, strict=True) if c is None]
            if not free:
                what = group[0].name if len(group) == 1 else "Every suitable room"
                raise _taken(what, min(c for c in conflicts if c is not None), location)
            held.append(free[0])
        return tuple(held)


def _is_overlap_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION and (
        getattr(diag, "constraint_name", None) in OVERLAP_CONSTRAINTS
    )


def _save_with_holds(appointment: Appointment, held: Sequence[Resource]) -> None:
    """Write the appointment and (replacing any it had) its resource holds. The exclusion
    constraints are the backstop: if one fires anyway, the caller gets the same SlotTaken as
    from the check."""
    moving = appointment.pk is not None
    try:
        # A savepoint, so the transaction survives an exclusion violation and can name the
        # conflict. Only PostgreSQL has those constraints; on SQLite any IntegrityError is
        # re-raised anyway, so the SAVEPOINT/RELEASE round trips would buy nothing.
        with transaction.atomic(savepoint=connection.vendor == "postgresql"):
            if moving:  # first, or the old holds would overlap the new ones
                AppointmentResource.objects.filter(appointment=appointment).delete()
            appointment.save()
            AppointmentResource.objects.bulk_create(
                AppointmentResource(
                    appointment=appointment,
                    resource=r,
                    start=appointment.start,
                    end=appointment.end,
                    active=True,
                )
                for r in held
            )
    except IntegrityError as exc:
        if not _is_overlap_violation(exc):
            raise
        groups = [(r,) for r in held]
        start, end = appointment.start, appointment.end
        Busy.read(
            provider=appointment.provider,
            groups=groups,
            start=start,
            end=end,
            exclude=appointment.pk,
        ).hold(
            provider=appointment.provider,
            location=appointment.location,
            groups=groups,
            start=start,
            end=end,
        )
        raise  # the constraint saw a conflict that the re-read cannot name: let it surface


def _reserve(
    *,
    provider: Provider,
    location: Location,
    start: datetime,
    end: datetime,
    groups: Sequence[tuple[Resource, ...]],
    exclude: int | None = None,
) -> tuple[Resource, ...]:
    """Inside the transaction: lock, read what is busy, choose the resources (or SlotTaken)."""
    _lock_calendars(provider_ids=[provider.pk], resource_ids=[r.pk for g in groups for r in g])
    busy = Busy.read(provider=provider, groups=groups, start=start, end=end, exclude=exclude)
    return busy.hold(provider=provider, location=location, groups=groups, start=start, end=end)


# --- booking ---------------------------------------------------------------------------------


def _booking_details(appointment: Appointment, held: Sequence[Resource]) -> dict[str, Any]:
    return {
        "start": appointment.start,
        "end": appointment.end,
        "provider": appointment.provider_id,
        "location": appointment.location_id,
        "type": appointment.appointment_type_id,
        "resources": [r.pk for r in held],
    }


def _plan_visit(
    *,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: datetime,
    resources: Iterable[Resource] | None,
) -> tuple[datetime, Any]:
    """What booking and rescheduling both check before taking locks: the parties, not in the
    past, inside the provider's hours, and which resources the visit needs. Returns (end,
    resource groups)."""
    _require_aware(start)
    _check_parties(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
    )
    if start < timezone.now():
        raise ServiceError("This time is in the past.")
    end = start + appointment_type.duration
    if not _visit_admitted(
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        end=end,
    ):
        raise ServiceError(_unavailable_message(provider, location, start))
    groups = _resource_plan(
        appointment_type=appointment_type, location=location, resources=resources
    )
    return end, groups


def appointment_book(
    *,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: datetime,
    booked_by: User | None,
    resources: Iterable[Resource] | None = None,
) -> Appointment:
    """Book one visit. Raises SlotTaken (with the conflicting range) when the provider or a
    needed resource is taken, ServiceError for any other refusal. A visit may start exactly when
    another ends."""
    end, groups = _plan_visit(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        resources=resources,
    )
    with transaction.atomic():
        held = _reserve(provider=provider, location=location, start=start, end=end, groups=groups)
        appointment = Appointment(
            practice_id=appointment_type.practice_id,
            patient=patient,
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            start=start,
            end=end,
            booked_by=booked_by,
        )
        _save_with_holds(appointment, held)
        audit.record(
            "praxis.scheduling.appointment.booked",
            obj=appointment,
            patient_id=patient.pk,
            details=_booking_details(appointment, held),
            actor=booked_by,
        )
        announce_on_commit(appointment, "booked")
    return appointment


def _lock_row(appointment: Appointment) -> None:
    """Re-read the appointment under a row lock, so a concurrent status change is seen."""
    Appointment.objects.select_for_update().filter(pk=appointment.pk).values_list("pk").first()
    appointment.refresh_from_db()


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    rescheduled_by: User | None,
    provider: Provider | None = None,
    location: Location | None = None,
    resources: Iterable[Resource] | None = None,
) -> Appointment:
    """Move a scheduled or confirmed visit (same row, same history). A confirmed visit goes back
    to scheduled: the patient confirmed the old time."""
    provider = provider or appointment.provider
    location = location or appointment.location
    appointment_type = appointment.appointment_type
    end, groups = _plan_visit(
        patient=appointment.patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        resources=resources,
    )
    with transaction.atomic():
        _lock_row(appointment)
        if appointment.status not in MOVABLE:
            raise ServiceError(
                f"A visit that is {appointment.get_status_display().lower()} cannot be moved."
            )
        before = {"start": appointment.start, "provider": appointment.provider_id}
        held = _reserve(
            provider=provider,
            location=location,
            start=start,
            end=end,
            groups=groups,
            exclude=appointment.pk,
        )
        appointment.provider, appointment.location = provider, location
        appointment.start, appointment.end = start, end
        appointment.status = Status.SCHEDULED
        _save_with_holds(appointment, held)
        audit.record(
            "praxis.scheduling.appointment.rescheduled",
            obj=appointment,
            patient_id=appointment.patient_id,
            details={"from": before, **_booking_details(appointment, held)},
            actor=rescheduled_by,
        )
        announce_on_commit(appointment, "rescheduled")
    return appointment


def appointment_cancel(
    *, appointment: Appointment, reason: str, cancelled_by: User | None
) -> Appointment:
    """Cancel with a reason, freeing the provider's and the resources' time. Cancelling less
    than PRAXIS_LATE_CANCEL_HOURS before the start marks it a late cancellation."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give a reason for the cancellation.")
    with transaction.atomic():
        _lock_row(appointment)
        if appointment.status not in MOVABLE:
            raise ServiceError(
                f"A visit that is {appointment.get_status_display().lower()} cannot be cancelled."
            )
        now = timezone.now()
        appointment.status = Status.CANCELLED
        appointment.cancelled_at = now
        appointment.cancel_reason = reason[:255]
        appointment.late_cancel = appointment.start - now < late_cancel_window()
        appointment.save()
        AppointmentResource.objects.filter(appointment=appointment).update(active=False)
        audit.record(
            "praxis.scheduling.appointment.cancelled",
            obj=appointment,
            patient_id=appointment.patient_id,
            details={"reason": appointment.cancel_reason, "late": appointment.late_cancel},
            actor=cancelled_by,
        )
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
    completed, or to a no-show once it was due. Anything else is refused with the reason."""
    if to_status not in Status.values:
        raise ServiceError(f"{to_status!r} is not a status.")
    target = Status(to_status)
    if target == Status.CANCELLED:
        raise ServiceError("Cancelling needs a reason: cancel the visit instead.")
    with transaction.atomic():
        _lock_row(appointment)
        current = Status(appointment.status)
        if target not in TRANSITIONS[current]:
            following = sorted(Status(s).label.lower() for s in TRANSITIONS[current])
            hint = f" (next: {', '.join(following)})" if following else ""
            raise ServiceError(
                f"A visit that is {current.label.lower()} cannot become "
                f"{target.label.lower()}{hint}."
            )
        now = timezone.now()
        if target == Status.NO_SHOW and now < appointment.start:
            raise ServiceError("A visit can be marked a no-show only once it was due to start.")
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


# --- recurring series ------------------------------------------------------------------------


def _occurrences(
    first_start: datetime, tz: wallclock.ZoneInfo, *, count: int, interval_weeks: int
) -> list[tuple[str, datetime | None]]:
    """(local label, UTC start or None if that wall-clock time does not exist) for each visit:
    the same local time of day every `interval_weeks` weeks, whatever the clocks do."""
    local = first_start.astimezone(tz)
    wall = local.replace(tzinfo=None)
    found: list[tuple[str, datetime | None]] = []
    for k in range(count):
        naive = wall + timedelta(weeks=k * interval_weeks)
        label = f"{naive:%a %d %b %Y %H:%M}"
        if wallclock.is_nonexistent(naive, tz):
            found.append((label, None))
        else:
            found.append((label, naive.replace(tzinfo=tz, fold=local.fold).astimezone(UTC)))
    return found


def series_book(
    *,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    first_start: datetime,
    count: int,
    booked_by: User | None,
    interval_weeks: int = 1,
    resources: Iterable[Resource] | None = None,
) -> RecurringSeries:
    """Book `count` visits every `interval_weeks` weeks at the same local time. Every visit is
    checked first; if any cannot be booked, SeriesRefused lists them all and nothing is written."""
    _require_aware(first_start)
    if not 1 <= count <= MAX_SERIES_COUNT:
        raise ServiceError(f"A series has 1 to {MAX_SERIES_COUNT} visits.")
    if not 1 <= interval_weeks <= 12:
        raise ServiceError("Repeat every 1 to 12 weeks.")
    _check_parties(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=first_start,
    )
    groups = _resource_plan(
        appointment_type=appointment_type, location=location, resources=resources
    )
    tz = wallclock.zone_of(location)
    duration = appointment_type.duration
    occurrences = _occurrences(first_start, tz, count=count, interval_weeks=interval_weeks)
    starts = [s for _, s in occurrences if s is not None]
    calendar = _calendar(
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        first=wallclock.local_date(min(starts, default=first_start), tz),
        last=wallclock.local_date(max(starts, default=first_start) + duration, tz),
    )
    now = timezone.now()
    problems: dict[int, OccurrenceProblem] = {}
    candidates: list[tuple[int, str, datetime]] = []
    for index, (label, start) in enumerate(occurrences):
        if start is None:
            problems[index] = OccurrenceProblem(None, label, "the clocks skip this time (DST)")
        elif start < now:
            problems[index] = OccurrenceProblem(start, label, "in the past")
        elif not calendar.admits(start, start + duration):
            problems[index] = OccurrenceProblem(start, label, f"{provider} is not available")
        else:
            candidates.append((index, label, start))

    with transaction.atomic():
        _lock_calendars(provider_ids=[provider.pk], resource_ids=[r.pk for g in groups for r in g])
        busy = Busy.read(
            provider=provider,
            groups=groups,
            start=min(starts, default=first_start),
            end=max(starts, default=first_start) + duration,
        )
        holds: list[tuple[datetime, tuple[Resource, ...]]] = []
        for index, label, start in candidates:
            try:
                held = busy.hold(
                    provider=provider,
                    location=location,
                    groups=groups,
                    start=start,
                    end=start + duration,
                )
                holds.append((start, held))
            except SlotTaken as taken:
                conflict = (taken.conflict_start, taken.conflict_end)
                problems[index] = OccurrenceProblem(start, label, taken.messages[0], conflict)
        if problems:
            raise SeriesRefused([problems[i] for i in sorted(problems)])

        series = RecurringSeries.objects.create(
            practice_id=appointment_type.practice_id,
            interval=interval_weeks,
            count=count,
            created_by=booked_by,
        )
        for start, held in holds:
            appointment = Appointment(
                practice_id=appointment_type.practice_id,
                patient=patient,
                provider=provider,
                location=location,
                appointment_type=appointment_type,
                start=start,
                end=start + duration,
                series=series,
                booked_by=booked_by,
            )
            _save_with_holds(appointment, held)
            audit.record(
                "praxis.scheduling.appointment.booked",
                obj=appointment,
                patient_id=patient.pk,
                details={**_booking_details(appointment, held), "series": series.pk},
                actor=booked_by,
            )
            announce_on_commit(appointment, "booked")
    return series


# --- setup -----------------------------------------------------------------------------------


def _created(instance: Any, action: str, **details: Any) -> None:
    full_clean_or_refuse(instance)
    instance.save()
    audit.record(action, obj=instance, details=details)


def _same_practice(practice_id: int, *objects: Any) -> None:
    for obj in objects:
        owner = getattr(obj, "practice_id", None)
        if owner is None and hasattr(obj, "location"):
            owner = obj.location.practice_id
        if owner != practice_id:
            raise ServiceError(f"{obj} belongs to another practice.")


def provider_create(*, practice: Any, values: dict[str, Any], user: User | None = None) -> Provider:
    if user is not None:
        _same_practice(practice.pk, user)
    with transaction.atomic():
        provider = Provider(practice=practice, user=user, **values)
        _created(provider, "praxis.scheduling.provider.created")
    return provider


def resource_create(
    *, location: Location, kind: str, name: str, room: Room | None = None
) -> Resource:
    if room is not None and room.location_id != location.pk:
        raise ServiceError(f"{room.name} is not a room at {location}.")
    with transaction.atomic():
        resource = Resource(location=location, kind=kind, name=name.strip(), room=room)
        _created(resource, "praxis.scheduling.resource.created")
    return resource


def appointment_type_create(
    *,
    practice: Any,
    values: dict[str, Any],
    providers: Iterable[Provider] = (),
    required_resources: Iterable[Resource] = (),
) -> AppointmentType:
    providers, required_resources = list(providers), list(required_resources)
    _same_practice(practice.pk, *providers, *required_resources)
    with transaction.atomic():
        appointment_type = AppointmentType(practice=practice, **values)
        _created(appointment_type, "praxis.scheduling.appointment_type.created")
        appointment_type.providers.set(providers)
        appointment_type.required_resources.set(required_resources)
    return appointment_type


def _lock_provider_row(provider: Provider) -> None:
    # Two managers adding hours for one provider at once must not both pass the overlap check:
    # on PostgreSQL the row lock serializes them; SQLite's IMMEDIATE transaction already does.
    list(Provider.objects.select_for_update().filter(pk=provider.pk).values_list("pk"))


def _refuse_overlapping_hours(
    *,
    provider: Provider,
    weekday: int,
    start_time: time,
    end_time: time,
    effective_from: date,
    effective_to: date | None,
) -> None:
    """A provider is in one place at a time: two blocks of weekly hours on the same weekday
    whose dates and times overlap are refused, whatever their locations."""
    if end_time <= start_time:
        raise ServiceError("The hours must end after they start.")
    if effective_to is not None and effective_to < effective_from:
        raise ServiceError("The last day is before the first day.")
    clashes = AvailabilityTemplate.objects.filter(
        provider=provider,
        weekday=weekday,
        start_time__lt=end_time,
        end_time__gt=start_time,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
    if effective_to is not None:
        clashes = clashes.filter(effective_from__lte=effective_to)
    clash = clashes.select_related("location").order_by("start_time").first()
    if clash is not None:
        until = f" until {clash.effective_to:%d %b %Y}" if clash.effective_to else ""
        raise ServiceError(
            f"These hours overlap {provider}'s {clash.get_weekday_display()} hours "
            f"{clash.start_time:%H:%M}-{clash.end_time:%H:%M} at {clash.location} "
            f"(from {clash.effective_from:%d %b %Y}{until}). Change or remove those first.",
            code="hours_overlap",
        )


def availability_template_create(
    *,
    provider: Provider,
    location: Location,
    weekday: int,
    start_time: time,
    end_time: time,
    effective_from: date,
    effective_to: date | None = None,
    allowed_types: Iterable[AppointmentType] = (),
) -> AvailabilityTemplate:
    allowed_types = list(allowed_types)
    _same_practice(provider.practice_id, location, *allowed_types)
    with transaction.atomic():
        _lock_provider_row(provider)
        _refuse_overlapping_hours(
            provider=provider,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            effective_from=effective_from,
            effective_to=effective_to,
        )
        template = AvailabilityTemplate(
            provider=provider,
            location=location,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            effective_from=effective_from,
            effective_to=effective_to,
        )
        _created(template, "praxis.scheduling.availability_template.created")
        template.allowed_types.set(allowed_types)
    return template


def availability_exception_create(
    *,
    provider: Provider,
    kind: str,
    start: datetime,
    end: datetime,
    location: Location | None = None,
    note: str = "",
) -> AvailabilityException:
    _require_aware(start)
    _require_aware(end)
    if location is not None:
        _same_practice(provider.practice_id, location)
    if end <= start:
        raise ServiceError("The end is not after the start.")
    with transaction.atomic():
        exception = AvailabilityException(
            provider=provider, location=location, kind=kind, start=start, end=end, note=note
        )
        _created(exception, "praxis.scheduling.availability_exception.created", kind=kind)
    return exception


def provider_update(
    *, provider: Provider, values: dict[str, Any], user: User | None = None
) -> Provider:
    if user is not None:
        _same_practice(provider.practice_id, user)
    with transaction.atomic():
        changed = apply_changes(provider, {**values, "user": user})
        audit.record(
            "praxis.scheduling.provider.updated", obj=provider, details={"fields": changed}
        )
    return provider


def appointment_type_update(
    *,
    appointment_type: AppointmentType,
    values: dict[str, Any],
    providers: Iterable[Provider] = (),
    required_resources: Iterable[Resource] = (),
) -> AppointmentType:
    providers, required_resources = list(providers), list(required_resources)
    _same_practice(appointment_type.practice_id, *providers, *required_resources)
    with transaction.atomic():
        changed = apply_changes(appointment_type, values)
        appointment_type.providers.set(providers)
        appointment_type.required_resources.set(required_resources)
        audit.record(
            "praxis.scheduling.appointment_type.updated",
            obj=appointment_type,
            details={
                "fields": changed,
                "providers": sorted(p.pk for p in providers),
                "required_resources": sorted(r.pk for r in required_resources),
            },
        )
    return appointment_type


def availability_template_delete(*, template: AvailabilityTemplate) -> None:
    """Removes a block of weekly hours. Visits already booked in it stay booked."""
    with transaction.atomic():
        audit.record(
            "praxis.scheduling.availability_template.deleted",
            obj=template,
            details={
                "provider": template.provider_id,
                "location": template.location_id,
                "weekday": template.weekday,
                "start_time": template.start_time.isoformat(),
                "end_time": template.end_time.isoformat(),
            },
        )
        template.delete()


def availability_exception_delete(*, exception: AvailabilityException) -> None:
    with transaction.atomic():
        audit.record(
            "praxis.scheduling.availability_exception.deleted",
            obj=exception,
            details={
                "provider": exception.provider_id,
                "kind": exception.kind,
                "start": exception.start.isoformat(),
                "end": exception.end.isoformat(),
            },
        )
        exception.delete()
