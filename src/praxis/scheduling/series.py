"""A recurring series: the same visit every week or every few weeks, at the same local time of day
whatever the clocks do, booked all together or not at all.

Every visit goes through the checks, locks and holds of a single booking (``booking``); when any
of them cannot be booked, ``SeriesRefused`` lists every one that cannot, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from praxis.core import datefmt
from praxis.core import time as wallclock
from praxis.core.models import Location, User
from praxis.core.service_support import ServiceError
from praxis.patients.models import Patient

from .availability import Interval
from .booking import Busy, SlotTaken, check_parties, lock_calendars, resource_plan, save_booked
from .models import Appointment, AppointmentType, Provider, RecurringSeries, Resource
from .rules import require_aware
from .slots import provider_calendar

MAX_SERIES_COUNT = 52


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


@dataclass(frozen=True)
class _Series:
    """Who, with whom, where and what, for every visit of the series."""

    patient: Patient
    provider: Provider
    location: Location
    appointment_type: AppointmentType
    booked_by: User | None

    @property
    def duration(self) -> timedelta:
        return self.appointment_type.duration


Occurrence = tuple[int, str, datetime]  # (index in the series, local label, UTC start)


def occurrences(
    first_start: datetime, tz: ZoneInfo, *, count: int, interval_weeks: int
) -> list[tuple[str, datetime | None]]:
    """(local label, UTC start or None if that wall-clock time does not exist) for each visit:
    the same local time of day every `interval_weeks` weeks, whatever the clocks do."""
    local = first_start.astimezone(tz)
    wall = local.replace(tzinfo=None)
    found: list[tuple[str, datetime | None]] = []
    for k in range(count):
        naive = wall + timedelta(weeks=k * interval_weeks)
        label = datefmt.day_time(naive)
        if wallclock.is_nonexistent(naive, tz):
            found.append((label, None))
        else:
            found.append((label, naive.replace(tzinfo=tz, fold=local.fold).astimezone(UTC)))
    return found


def _refuse_bad_shape(first_start: datetime, count: int, interval_weeks: int) -> None:
    require_aware(first_start)
    if not 1 <= count <= MAX_SERIES_COUNT:
        raise ServiceError(f"A series has 1 to {MAX_SERIES_COUNT} visits.")
    if not 1 <= interval_weeks <= 12:
        raise ServiceError("Repeat every 1 to 12 weeks.")


def _screen(
    series: _Series, planned: list[tuple[str, datetime | None]], span: Interval
) -> tuple[dict[int, OccurrenceProblem], list[Occurrence]]:
    """Before any lock: the visits that cannot be (the clocks skip the time, it is past, the
    provider is not there), and the others, still to be checked against busy time."""
    tz = wallclock.zone_of(series.location)
    calendar = provider_calendar(
        provider=series.provider,
        location=series.location,
        appointment_type=series.appointment_type,
        first=wallclock.local_date(span[0], tz),
        last=wallclock.local_date(span[1], tz),
    )
    now = timezone.now()
    problems: dict[int, OccurrenceProblem] = {}
    candidates: list[Occurrence] = []
    for index, (label, start) in enumerate(planned):
        if start is None:
            problems[index] = OccurrenceProblem(None, label, "the clocks skip this time (DST)")
        elif start < now:
            problems[index] = OccurrenceProblem(start, label, "in the past")
        elif not calendar.admits(start, start + series.duration):
            message = f"{series.provider} is not available"
            problems[index] = OccurrenceProblem(start, label, message)
        else:
            candidates.append((index, label, start))
    return problems, candidates


def _hold_each(
    series: _Series,
    candidates: list[Occurrence],
    groups: Sequence[tuple[Resource, ...]],
    span: Interval,
) -> tuple[list[tuple[datetime, tuple[Resource, ...]]], dict[int, OccurrenceProblem]]:
    """Inside the transaction: lock, read the busy time of the whole series once, and choose
    each visit's resources; the visits whose time is taken become problems."""
    provider, location = series.provider, series.location
    lock_calendars(provider_ids=[provider.pk], resource_ids=[r.pk for g in groups for r in g])
    busy = Busy.read(provider=provider, groups=groups, start=span[0], end=span[1])
    holds: list[tuple[datetime, tuple[Resource, ...]]] = []
    taken_at: dict[int, OccurrenceProblem] = {}
    for index, label, start in candidates:
        try:
            held = busy.hold(
                provider=provider,
                location=location,
                groups=groups,
                start=start,
                end=start + series.duration,
            )
            holds.append((start, held))
        except SlotTaken as taken:
            conflict = (taken.conflict_start, taken.conflict_end)
            taken_at[index] = OccurrenceProblem(start, label, taken.messages[0], conflict)
    return holds, taken_at


def _write(
    series: _Series,
    holds: list[tuple[datetime, tuple[Resource, ...]]],
    *,
    count: int,
    interval_weeks: int,
) -> RecurringSeries:
    """Inside the transaction: the series row, then each visit as a single booking saves it."""
    practice_id = series.appointment_type.practice_id
    recurring = RecurringSeries.objects.create(
        practice_id=practice_id, interval=interval_weeks, count=count, created_by=series.booked_by
    )
    for start, held in holds:
        appointment = Appointment(
            practice_id=practice_id,
            patient=series.patient,
            provider=series.provider,
            location=series.location,
            appointment_type=series.appointment_type,
            start=start,
            end=start + series.duration,
            series=recurring,
            booked_by=series.booked_by,
        )
        save_booked(appointment, held)
    return recurring


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
    _refuse_bad_shape(first_start, count, interval_weeks)
    check_parties(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=first_start,
    )
    groups = resource_plan(
        appointment_type=appointment_type, location=location, resources=resources
    )
    series = _Series(patient, provider, location, appointment_type, booked_by)
    planned = occurrences(
        first_start, wallclock.zone_of(location), count=count, interval_weeks=interval_weeks
    )
    starts = [s for _, s in planned if s is not None]
    span = (min(starts, default=first_start), max(starts, default=first_start) + series.duration)
    problems, candidates = _screen(series, planned, span)
    with transaction.atomic():
        holds, taken = _hold_each(series, candidates, groups, span)
        problems.update(taken)
        if problems:
            raise SeriesRefused([problems[i] for i in sorted(problems)])
        return _write(series, holds, count=count, interval_weeks=interval_weeks)
