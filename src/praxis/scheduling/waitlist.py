"""The waitlist: patients who want a visit sooner, and the time cancellations free up.

When a visit that has not started is cancelled, the freed time becomes a ``WaitlistOpening``,
written and audited in the cancel's own transaction (``waitlist_openings``). The Waitlist page
lists each open opening with the entries that fit it; the front desk offers the time to the
patient and books it with "Book this slot", which goes through ``appointment_book`` like any
booking. Nothing is booked automatically.

When the desk has phoned a patient about a freed time, "Mark offered" records who offered which
time and when (status "offered"); the entry still matches openings and is still booked only by
"Book this slot". "Declined" puts the entry back to waiting when the patient says no.

An entry fits an opening when it is waiting (or offered), its visit type is the opening's or no
longer than the freed time, its provider and location (if it names them) are the opening's, the
opening's local date lies within its dates and the visit lies within its times of day. Oldest
entries come first: first come, first served.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core import time as wallclock
from praxis.core.service_support import ServiceError

from .booking import appointment_book
from .models import Appointment, AppointmentType, WaitlistEntry, WaitlistOpening

MATCHES_SHOWN = 5
STILL_WAITING = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)


def waitlist_entry_add(
    *,
    patient: Any,
    appointment_type: AppointmentType,
    earliest_date: date,
    latest_date: date,
    created_by: Any,
    provider: Any = None,
    location: Any = None,
    earliest_time: time | None = None,
    latest_time: time | None = None,
    note: str = "",
) -> WaitlistEntry:
    practice_id = appointment_type.practice_id
    if patient.practice_id != practice_id:
        raise ServiceError("This patient is not registered with this practice.")
    for obj in (provider, location):
        if obj is not None and obj.practice_id != practice_id:
            raise ServiceError(f"{obj} belongs to another practice.")
    if latest_date < earliest_date:
        raise ServiceError("The last date is before the first date.")
    if earliest_time and latest_time and latest_time <= earliest_time:
        raise ServiceError("The latest time is not after the earliest time.")
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            practice_id=practice_id,
            patient=patient,
            appointment_type=appointment_type,
            provider=provider,
            location=location,
            earliest_date=earliest_date,
            latest_date=latest_date,
            earliest_time=earliest_time,
            latest_time=latest_time,
            note=note.strip()[:255],
            created_by=created_by,
        )
        audit.record(
            "praxis.scheduling.waitlist_entry.added",
            obj=entry,
            patient_id=patient.pk,
            details={"type": appointment_type.pk, "from": earliest_date, "to": latest_date},
            actor=created_by,
        )
    return entry


def waitlist_entry_remove(*, entry: WaitlistEntry, removed_by: Any) -> WaitlistEntry:
    with transaction.atomic():
        WaitlistEntry.objects.select_for_update().filter(pk=entry.pk).values_list("pk").first()
        entry.refresh_from_db()
        if entry.status not in STILL_WAITING:
            raise ServiceError("This entry is no longer on the waitlist.")
        entry.status = WaitlistEntry.Status.REMOVED
        entry.save(update_fields=["status"])
        audit.record(
            "praxis.scheduling.waitlist_entry.removed",
            obj=entry,
            patient_id=entry.patient_id,
            actor=removed_by,
        )
    return entry


def matches_for(opening: WaitlistOpening, *, limit: int = MATCHES_SHOWN) -> list[WaitlistEntry]:
    """The waiting entries that fit the freed time, oldest first."""
    return matches_for_each([opening], limit=limit)[opening.pk]


def matches_for_each(
    openings: list[WaitlistOpening], *, limit: int = MATCHES_SHOWN
) -> dict[int, list[WaitlistEntry]]:
    """``matches_for`` of every opening, in two queries however many openings and entries there
    are: a list (the API's) must not cost a query per row."""
    if not openings:
        return {}
    spans = {}
    for opening in openings:
        tz = wallclock.zone_of(opening.location)
        spans[opening.pk] = (opening.start.astimezone(tz), opening.end.astimezone(tz))
    days = [local_start.date() for local_start, _ in spans.values()]
    candidates = list(
        WaitlistEntry.objects.filter(
            practice_id=openings[0].practice_id,
            status__in=STILL_WAITING,
            earliest_date__lte=max(days),
            latest_date__gte=min(days),
        )
        .select_related("patient", "appointment_type", "provider", "location", "offered_by")
        .prefetch_related("appointment_type__providers")
        .order_by("created_at", "pk")
    )
    found: dict[int, list[WaitlistEntry]] = {}
    for opening in openings:
        local_start, local_end = spans[opening.pk]
        day = local_start.date()
        freed = opening.end - opening.start
        fitting = found[opening.pk] = []
        for entry in candidates:
            if not entry.earliest_date <= day <= entry.latest_date:
                continue
            if entry.provider_id not in (None, opening.provider_id):
                continue
            if entry.location_id not in (None, opening.location_id):
                continue
            if entry.patient_id == opening.cancelled_appointment.patient_id:
                continue
            same_type = entry.appointment_type_id == opening.appointment_type_id
            fits = entry.appointment_type.duration <= freed and entry.appointment_type.is_active
            if not (same_type or fits):
                continue
            offered_by = {p.pk for p in entry.appointment_type.providers.all()}
            if opening.provider_id not in offered_by:
                continue
            if entry.earliest_time and local_start.time() < entry.earliest_time:
                continue
            visit_end = (local_start + entry.appointment_type.duration).time()
            if entry.latest_time and (visit_end > entry.latest_time or local_end.date() != day):
                continue
            fitting.append(entry)
            if len(fitting) == limit:
                break
    return found


def open_openings(
    practice: Any, *, after: datetime | None = None, before: datetime | None = None
) -> list[WaitlistOpening]:
    """Freed times still open that start after ``after`` (default: now), and before
    ``before`` if given."""
    found = WaitlistOpening.objects.filter(
        practice=practice,
        status=WaitlistOpening.Status.OPEN,
        start__gt=after or timezone.now(),
    )
    if before is not None:
        found = found.filter(start__lt=before)
    return list(
        found.select_related(
            "provider", "location", "appointment_type", "cancelled_appointment"
        ).order_by("start", "pk")
    )


def waitlist_book(*, opening: WaitlistOpening, entry: WaitlistEntry, booked_by: Any) -> Appointment:
    """Book the freed time for a waitlisted patient (the desk has offered it to them)."""
    if opening.practice_id != entry.practice_id:
        raise ServiceError("This entry belongs to another practice.")
    if opening.status != WaitlistOpening.Status.OPEN:
        raise ServiceError("This time has already been filled or dismissed.")
    if entry.status not in STILL_WAITING:
        raise ServiceError("This patient is no longer waiting.")
    with transaction.atomic():
        appointment = appointment_book(
            patient=entry.patient,
            provider=opening.provider,
            location=opening.location,
            appointment_type=entry.appointment_type,
            start=opening.start,
            booked_by=booked_by,
        )
        entry.status = WaitlistEntry.Status.BOOKED
        entry.booked_appointment = appointment
        entry.save(update_fields=["status", "booked_appointment"])
        opening.status = WaitlistOpening.Status.FILLED
        opening.save(update_fields=["status"])
        audit.record(
            "praxis.scheduling.waitlist_entry.booked",
            obj=entry,
            patient_id=entry.patient_id,
            details={"appointment": appointment.pk, "opening": opening.pk},
            actor=booked_by,
        )
    return appointment


def waitlist_entry_offer(
    *, entry: WaitlistEntry, opening: WaitlistOpening, offered_by: Any
) -> WaitlistEntry:
    """Record that the desk offered this freed time to the patient. Nothing is booked."""
    if opening.practice_id != entry.practice_id:
        raise ServiceError("This entry belongs to another practice.")
    with transaction.atomic():
        WaitlistEntry.objects.select_for_update().filter(pk=entry.pk).values_list("pk").first()
        entry.refresh_from_db()
        opening.refresh_from_db()
        if opening.status != WaitlistOpening.Status.OPEN:
            raise ServiceError("This time has already been filled or dismissed.")
        if entry.status not in STILL_WAITING:
            raise ServiceError("This patient is no longer waiting.")
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_opening = opening
        entry.offered_by = offered_by
        entry.offered_at = timezone.now()
        entry.save(update_fields=["status", "offered_opening", "offered_by", "offered_at"])
        audit.record(
            "praxis.scheduling.waitlist_entry.offered",
            obj=entry,
            patient_id=entry.patient_id,
            details={"opening": opening.pk},
            actor=offered_by,
        )
    return entry


def waitlist_entry_decline(*, entry: WaitlistEntry, declined_by: Any) -> WaitlistEntry:
    """The patient turned the offered time down: they wait on, for the next freed time."""
    with transaction.atomic():
        WaitlistEntry.objects.select_for_update().filter(pk=entry.pk).values_list("pk").first()
        entry.refresh_from_db()
        if entry.status != WaitlistEntry.Status.OFFERED:
            raise ServiceError("Nothing was offered to this patient.")
        opening_id = entry.offered_opening_id
        entry.status = WaitlistEntry.Status.WAITING
        entry.offered_opening = None
        entry.offered_by = None
        entry.offered_at = None
        entry.save(update_fields=["status", "offered_opening", "offered_by", "offered_at"])
        audit.record(
            "praxis.scheduling.waitlist_entry.declined",
            obj=entry,
            patient_id=entry.patient_id,
            details={"opening": opening_id},
            actor=declined_by,
        )
    return entry


def waitlist_opening_dismiss(*, opening: WaitlistOpening, by: Any) -> None:
    """The desk will not fill this freed time: it leaves the list."""
    with transaction.atomic():
        WaitlistOpening.objects.select_for_update().filter(pk=opening.pk).values_list("pk").first()
        opening.refresh_from_db()
        if opening.status != WaitlistOpening.Status.OPEN:
            raise ServiceError("This time has already been filled or dismissed.")
        opening.status = WaitlistOpening.Status.DISMISSED
        opening.save(update_fields=["status"])
        audit.record("praxis.scheduling.waitlist_opening.dismissed", obj=opening, actor=by)
