"""Reads for scheduling: calendars (a location's or provider's day and week), busy intervals,
the inputs of slot search, and the next business day's visits for the readiness board.

Busy-interval reads fetch a whole date range for a set of providers (or resources) in one query:
`start` is bounded below by the range start minus the longest possible visit, so the
(provider, start) index serves both PostgreSQL and SQLite without scanning a provider's history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from praxis.core import time as wallclock
from praxis.core.models import Location, Practice
from praxis.patients.models import Patient

from .availability import Interval, dates
from .models import (
    ACTIVE_STATUSES,
    MAX_APPOINTMENT_LENGTH,
    SEEN_STATUSES,
    Appointment,
    AppointmentResource,
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Provider,
    Resource,
)

# --- calendars ------------------------------------------------------------------------------


def appointments_between(
    *,
    practice: Practice,
    start: datetime,
    end: datetime,
    location: Location | None = None,
    providers: Iterable[Provider] | None = None,
    statuses: Iterable[str] | None = None,
) -> QuerySet[Appointment]:
    """Appointments that start in [start, end), with everything a calendar row shows loaded in
    two queries (the appointments with their relations, and their resources)."""
    qs = Appointment.objects.filter(practice=practice, start__gte=start, start__lt=end)
    if location is not None:
        qs = qs.filter(location=location)
    if providers is not None:
        qs = qs.filter(provider__in=list(providers))
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    return (
        qs.select_related("patient", "provider", "location", "appointment_type", "room")
        .prefetch_related(
            Prefetch(
                "resource_holds",
                queryset=AppointmentResource.objects.select_related("resource").order_by(
                    "resource__name"
                ),
            )
        )
        .order_by("start", "provider__display_name", "pk")
    )


def _calendar_zone(practice: Practice, location: Location | None) -> ZoneInfo:
    return wallclock.zone((location or practice).time_zone)


def appointments_for_day(
    *,
    practice: Practice,
    day: date,
    location: Location | None = None,
    providers: Iterable[Provider] | None = None,
    statuses: Iterable[str] | None = None,
) -> QuerySet[Appointment]:
    """One local day (the location's, else the practice's time zone: 23 or 25 hours long on
    the days the clocks change)."""
    start, end = wallclock.day_bounds(day, _calendar_zone(practice, location))
    return appointments_between(
        practice=practice,
        start=start,
        end=end,
        location=location,
        providers=providers,
        statuses=statuses,
    )


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week that contains `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def appointments_for_week(
    *,
    practice: Practice,
    day: date,
    location: Location | None = None,
    providers: Iterable[Provider] | None = None,
    statuses: Iterable[str] | None = None,
) -> QuerySet[Appointment]:
    """The Monday-to-Sunday week that contains `day`."""
    monday, sunday = week_of(day)
    tz = _calendar_zone(practice, location)
    return appointments_between(
        practice=practice,
        start=wallclock.day_bounds(monday, tz)[0],
        end=wallclock.day_bounds(sunday, tz)[1],
        location=location,
        providers=providers,
        statuses=statuses,
    )


def patient_appointments(*, patient: Patient, upcoming_only: bool = False) -> QuerySet[Appointment]:
    qs = Appointment.objects.filter(patient=patient)
    if upcoming_only:
        qs = qs.filter(start__gte=timezone.now(), status__in=ACTIVE_STATUSES)
    return qs.select_related("provider", "location", "appointment_type").order_by("start")


def last_seen(*, patient: Patient, before: datetime, since: datetime) -> datetime | None:
    """When the patient last came to a visit (checked in, roomed or completed) in
    [since, before), or None."""
    return (
        Appointment.objects.filter(
            patient=patient, status__in=SEEN_STATUSES, start__gte=since, start__lt=before
        )
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )


# --- possible duplicates --------------------------------------------------------------------


def same_day_visits(
    *,
    patient: Patient,
    appointment_type: AppointmentType,
    location: Location,
    start: datetime,
    exclude_appointment_id: int | None = None,
) -> list[Appointment]:
    """The patient's active visits of this type on the same day as `start` (the day on the
    location's clock, at any location): a second one is likely booked twice by mistake."""
    day_start, day_end = wallclock.day_bounds(
        start.astimezone(wallclock.zone_of(location)).date(), wallclock.zone_of(location)
    )
    qs = Appointment.objects.filter(
        patient=patient,
        appointment_type=appointment_type,
        status__in=ACTIVE_STATUSES,
        start__gte=day_start,
        start__lt=day_end,
    )
    if exclude_appointment_id is not None:
        qs = qs.exclude(pk=exclude_appointment_id)
    return list(qs.select_related("location", "provider").order_by("start"))


# --- the readiness board --------------------------------------------------------------------


def next_business_day(*, practice: Practice, after: date | None = None) -> date:
    """The first day after `after` (default: today at the practice) on which any active
    provider has regular hours; Monday to Friday when no hours are set up."""
    today = after or timezone.now().astimezone(wallclock.zone(practice.time_zone)).date()
    templates = AvailabilityTemplate.objects.filter(
        provider__practice=practice, provider__is_active=True
    ).values_list("weekday", "effective_from", "effective_to")
    rows = list(templates)
    for day in dates(today + timedelta(days=1), today + timedelta(days=14)):
        if rows:
            if any(w == day.weekday() and f <= day and (t is None or day <= t) for w, f, t in rows):
                return day
        elif day.weekday() < 5:
            return day
    return today + timedelta(days=1)


def readiness_appointments(
    *, practice: Practice, day: date | None = None, location: Location | None = None
) -> tuple[date, QuerySet[Appointment]]:
    """The visits still expected on the next business day (scheduled or confirmed), for the
    ready-for-tomorrow board. Returns the day it chose and the appointments."""
    day = day or next_business_day(practice=practice)
    expected = (Appointment.Status.SCHEDULED, Appointment.Status.CONFIRMED)
    qs = appointments_for_day(practice=practice, day=day, location=location, statuses=expected)
    return day, qs


# --- busy intervals -------------------------------------------------------------------------


def provider_busy_intervals(
    *,
    provider_ids: Iterable[int],
    start: datetime,
    end: datetime,
    exclude_appointment_id: int | None = None,
) -> dict[int, list[Interval]]:
    """provider id → the intervals its active appointments hold that overlap [start, end), at
    every location (a provider is in one place at a time)."""
    qs = Appointment.objects.filter(provider_id__in=list(provider_ids), status__in=ACTIVE_STATUSES)
    if exclude_appointment_id is not None:
        qs = qs.exclude(pk=exclude_appointment_id)
    return _busy_by(qs, "provider_id", start, end)


def resource_busy_intervals(
    *,
    resource_ids: Iterable[int],
    start: datetime,
    end: datetime,
    exclude_appointment_id: int | None = None,
) -> dict[int, list[Interval]]:
    """resource id → the intervals active appointments hold it that overlap [start, end)."""
    ids = list(resource_ids)
    if not ids:
        return {}
    qs = AppointmentResource.objects.filter(resource_id__in=ids, active=True)
    if exclude_appointment_id is not None:
        qs = qs.exclude(appointment_id=exclude_appointment_id)
    return _busy_by(qs, "resource_id", start, end)


def _busy_by(
    qs: QuerySet[Any], key: str, start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """key → the [start, end) intervals of the rows that overlap [start, end). `start` is also
    bounded below by the longest visit, so the (key, start) index serves the read."""
    overlapping = qs.filter(start__gte=start - MAX_APPOINTMENT_LENGTH, start__lt=end, end__gt=start)
    busy: dict[int, list[Interval]] = defaultdict(list)
    for owner, s, e in overlapping.order_by().values_list(key, "start", "end"):
        busy[owner].append((s, e))
    return busy


# --- inputs of slot search and booking ------------------------------------------------------


def providers_offering(
    appointment_type: AppointmentType, providers: Iterable[Provider] | None = None
) -> list[Provider]:
    """Active providers of the type's practice who offer the type (of `providers`, if given)."""
    qs = Provider.objects.filter(
        practice_id=appointment_type.practice_id,
        is_active=True,
        appointment_types=appointment_type,
    )
    if providers is not None:
        qs = qs.filter(pk__in=[p.pk for p in providers])
    return list(qs.order_by("display_name", "pk"))


def templates_for(
    *,
    appointment_type: AppointmentType | None,
    provider_ids: Iterable[int],
    first: date,
    last: date,
    location: Location | None = None,
) -> list[AvailabilityTemplate]:
    """Weekly templates in effect at some point between two dates that allow the type (an
    empty list of allowed types allows all; no type: every template), at active locations."""
    qs = AvailabilityTemplate.objects.filter(
        provider_id__in=list(provider_ids),
        location__is_active=True,
        effective_from__lte=last,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
    if location is not None:
        qs = qs.filter(location=location)
    if appointment_type is None:
        return list(qs.select_related("location"))
    qs = qs.filter(Q(allowed_types__isnull=True) | Q(allowed_types=appointment_type))
    return list(qs.select_related("location").distinct())


def exceptions_for(
    *, provider_ids: Iterable[int], start: datetime, end: datetime
) -> list[AvailabilityException]:
    return list(
        AvailabilityException.objects.filter(
            provider_id__in=list(provider_ids), start__lt=end, end__gt=start
        ).select_related("location")
    )


def bookable_resources(*, location: Location) -> list[Resource]:
    """The location's active rooms and equipment, rooms first, by name."""
    return list(
        Resource.objects.filter(location=location, is_active=True).order_by("-kind", "name", "pk")
    )


def required_resources(appointment_type: AppointmentType) -> list[Resource]:
    """Every resource the type lists, active or not (an inactive one still says that the type
    needs a resource of that kind)."""
    return list(appointment_type.required_resources.all())


def hours_for_visit(
    *,
    provider_id: int,
    location: Location,
    appointment_type: AppointmentType,
    first: date,
    last: date,
    start: datetime,
    end: datetime,
) -> tuple[list[AvailabilityTemplate], list[AvailabilityException]]:
    """What decides whether one visit at [start, end) (local dates first..last) lies inside a
    provider's hours at a location: the weekly templates of those weekdays in effect then that
    allow the type, and the exceptions that overlap the visit there or everywhere (only those
    can open or close any of it). The caller has checked that the location is active.

    Every booking runs this, so it stays lean: every row found points at the caller's location
    (or, for an exception, at none), so the location is attached in Python instead of joined
    into each row."""
    weekdays = {d.weekday() for d in dates(first, last)}
    templates = list(
        AvailabilityTemplate.objects.filter(
            provider_id=provider_id,
            location_id=location.pk,
            weekday__in=sorted(weekdays),
            effective_from__lte=last,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
        .filter(Q(allowed_types__isnull=True) | Q(allowed_types=appointment_type))
        .distinct()
    )
    exceptions = list(
        AvailabilityException.objects.filter(
            Q(location_id__isnull=True) | Q(location_id=location.pk),
            provider_id=provider_id,
            start__lt=end,
            end__gt=start,
        )
    )
    for template in templates:
        template.location = location
    for exception in exceptions:
        if exception.location_id is not None:
            exception.location = location
    return templates, exceptions
