"""Booking and rescheduling one visit: the checks before, and the critical section that makes
double booking impossible.

No double booking. Booking checks for an overlapping active appointment of the provider and of
each resource, then inserts, in one transaction that nobody else booking the same provider or
resource can interleave with:
- PostgreSQL: `pg_advisory_xact_lock` per provider and per resource, taken in one sorted order
  (so two bookings never wait on each other in a cycle) before the check; the exclusion
  constraints of migration 0002 stay as the backstop, and their violation becomes the same
  `SlotTaken` as the check's.
- SQLite: the transaction begins IMMEDIATE (settings), so it holds the database's write lock from
  its first statement: the check and the insert cannot interleave with another writer's.

A series books through the same checks, locks and holds (``series``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from praxis.core import audit, datefmt, phi_audit
from praxis.core import time as wallclock
from praxis.core.models import Location, User
from praxis.core.service_support import ServiceError
from praxis.patients.models import Patient
from praxis.staff import selectors as staff_selectors

from . import selectors
from .availability import Interval, resource_groups
from .models import Appointment, AppointmentResource, AppointmentType, Provider, Resource
from .reminder_claims import reminders_forget
from .rules import MOVABLE, Status, lock_appointment, require_aware
from .signals import announce_on_commit
from .slots import visit_admitted

NEW_PATIENT_LOOKBACK = timedelta(days=3 * 365)
# The names migration 0002 gives the PostgreSQL exclusion constraints.
OVERLAP_CONSTRAINTS = ("appointment_provider_no_overlap", "appointment_resource_no_overlap")
EXCLUSION_VIOLATION = "23P01"
# Advisory-lock namespaces (the first int4 of the two-key form), so these locks cannot collide
# with another feature's.
_LOCK_PROVIDER = 0x50525631  # "PRV1"
_LOCK_RESOURCE = 0x50525632  # "PRV2"


class SlotTaken(ServiceError):
    """The provider or a resource is already booked for part of the time asked for."""

    def __init__(self, message: str, *, conflict: Interval) -> None:
        super().__init__(message, code="slot_taken")
        self.conflict_start, self.conflict_end = conflict


# --- booking: validation ---------------------------------------------------------------------


@phi_audit.unshown()  # reads the patient's record to decide, not to show it
def check_parties(
    *,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: datetime,
) -> str:
    """Refuses a booking the parties rule out; returns the warning to show with it, if any."""
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
    return license_gate(provider=provider, location=location, start=start)


def license_gate(*, provider: Provider, location: Location, start: datetime) -> str:
    """The staff app's answer on the provider's state license (in the location's state, on the
    visit's local date): refused when the practice blocks such bookings, else the warning shown
    with the booking ("" when the license is in force)."""
    problem = staff_selectors.provider_license_problem(
        practice_id=provider.practice_id,
        provider_name=provider.display_name,
        npi=provider.npi,
        state=location.state,
        on_date=wallclock.local_date(start, wallclock.zone_of(location)),
    )
    if problem is None:
        return ""
    if problem.blocks:
        raise ServiceError(
            f"{problem.message} This practice does not book a provider without a current "
            "license: record the renewed license on their staff page first."
        )
    return f"{problem.message} Booked anyway; record the renewed license on their staff page."


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


def _unavailable_message(provider: Provider, location: Location, start: datetime) -> str:
    when = wallclock.describe(start, wallclock.zone_of(location))
    return f"{provider} is not available at {location} at {when} for this visit type."


def resource_plan(
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


def lock_calendars(*, provider_ids: Iterable[int], resource_ids: Iterable[int]) -> None:
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
        f"{datefmt.time(conflict[1], tz=tz)}.",
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
    lock_calendars(provider_ids=[provider.pk], resource_ids=[r.pk for g in groups for r in g])
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


def save_booked(appointment: Appointment, held: Sequence[Resource]) -> Appointment:
    """Inside the transaction, once its time is reserved: a new visit and its holds, audited
    (with its series, if any) and announced once committed. One booking and a series share it."""
    _save_with_holds(appointment, held)
    details = _booking_details(appointment, held)
    if appointment.series_id is not None:
        details["series"] = appointment.series_id
    audit.record(
        "praxis.scheduling.appointment.booked",
        obj=appointment,
        patient_id=appointment.patient_id,
        details=details,
        actor=appointment.booked_by,
    )
    announce_on_commit(appointment, "booked")
    return appointment


def _plan_visit(
    *,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start: datetime,
    resources: Iterable[Resource] | None,
) -> tuple[datetime, Any, str]:
    """What booking and rescheduling both check before taking locks: the parties, not in the
    past, inside the provider's hours, and which resources the visit needs. Returns (end,
    resource groups, the license warning)."""
    require_aware(start)
    warning = check_parties(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
    )
    if start < timezone.now():
        raise ServiceError("This time is in the past.")
    end = start + appointment_type.duration
    if not visit_admitted(
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        end=end,
    ):
        raise ServiceError(_unavailable_message(provider, location, start))
    groups = resource_plan(
        appointment_type=appointment_type, location=location, resources=resources
    )
    return end, groups, warning


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
    end, groups, warning = _plan_visit(
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
        appointment.license_warning = warning
        return save_booked(appointment, held)


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
    end, groups, appointment.license_warning = _plan_visit(
        patient=appointment.patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        resources=resources,
    )
    with transaction.atomic():
        lock_appointment(appointment)
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
        reminders_forget(appointment=appointment, by=rescheduled_by)  # reminded for the new time
        announce_on_commit(appointment, "rescheduled")
    return appointment
