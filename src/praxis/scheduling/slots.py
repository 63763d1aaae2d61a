"""Free time: the one slot search that the pages, the API and the waitlist share, and the reads
a booking makes to check one visit against the provider's hours.

Reads only. The arithmetic lives in ``availability``; this module feeds it the rows it needs
(through ``selectors``) and walks the busy time a stretch at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from praxis.core import time as wallclock
from praxis.core.models import Location
from praxis.core.service_support import ServiceError

from . import selectors
from .availability import (
    Calendar,
    Interval,
    IntervalSet,
    Slot,
    build_calendars,
    candidate_starts,
    earliest_time_ok,
    grid_step,
    pick_resources,
    resource_groups,
)
from .models import Appointment, AppointmentType, Provider, Resource

MAX_SEARCH_DAYS = 92
FIRST_CHUNK = timedelta(days=7)


def min_notice() -> timedelta:
    return timedelta(minutes=getattr(settings, "PRAXIS_BOOKING_MIN_NOTICE_MINUTES", 60))


def _utc_span(first: date, last: date) -> tuple[datetime, datetime]:
    # Wide enough to hold both local dates in every time zone (offsets lie within ±14 h).
    return (
        datetime.combine(first - timedelta(days=1), time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=2), time.min, tzinfo=UTC),
    )


def _search_chunks(start: datetime, end: datetime) -> Iterator[Interval]:
    """[start, end) cut into stretches of 7, 14, 28, ... days: few reads when the first free
    slots are far away, a small first read when they are near."""
    size = FIRST_CHUNK
    while start < end:
        stop = min(start + size, end)
        yield start, stop
        start, size = stop, size * 2


def _calendars(
    *,
    appointment_type: AppointmentType,
    providers: Sequence[Provider],
    location: Location | None,
    first: date,
    last: date,
) -> list[Calendar]:
    """The providers' calendars for the type between two local dates (two queries)."""
    ids = [p.pk for p in providers]
    span_start, span_end = _utc_span(first, last)
    return build_calendars(
        providers=providers,
        templates=selectors.templates_for(
            appointment_type=appointment_type,
            provider_ids=ids,
            first=first,
            last=last,
            location=location,
        ),
        exceptions=selectors.exceptions_for(provider_ids=ids, start=span_start, end=span_end),
        first=first,
        last=last,
        location=location,
    )


def provider_calendar(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    first: date,
    last: date,
) -> Calendar:
    """One provider's calendar at one location (empty when they have no hours there)."""
    found = _calendars(
        appointment_type=appointment_type,
        providers=[provider],
        location=location,
        first=first,
        last=last,
    )
    return found[0] if found else Calendar(provider=provider, location=location)


def visit_admitted(
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
        location=location,
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


# --- the search, step by step ----------------------------------------------------------------


@dataclass(frozen=True)
class _Search:
    """What one search looks for, worked out before any busy time is read."""

    appointment_type: AppointmentType
    calendars: list[Calendar]
    provider_ids: list[int]
    groups_at: dict[int, list[tuple[Resource, ...]] | None]  # location id → what to hold there
    not_before: datetime
    earliest_time: time | None
    moving: Appointment | None
    limit: int

    @property
    def duration(self) -> timedelta:
        return self.appointment_type.duration

    @property
    def resource_ids(self) -> set[int]:
        return {r.pk for groups in self.groups_at.values() for g in groups or () for r in g}

    def stretches(self, span_end: datetime) -> Iterator[Interval]:
        """From the first open time (not before the notice) to the last, in growing stretches."""
        opens = [window for calendar in self.calendars for window in calendar.open]
        first_open = max(min(s for s, _ in opens), self.not_before) if opens else span_end
        last_close = max((e for _, e in opens), default=span_end)
        return _search_chunks(first_open, last_close)

    def is_where_moving_is(self, start: datetime, provider: Provider) -> bool:
        return self.moving is not None and (start, provider.pk) == (
            self.moving.start,
            self.moving.provider_id,
        )


def _refuse_bad_dates(
    appointment_type: AppointmentType, start_date: date, end_date: date, now: datetime
) -> None:
    if end_date < start_date:
        raise ServiceError("The end date is before the start date.")
    if (end_date - start_date).days >= MAX_SEARCH_DAYS:
        raise ServiceError(f"Search at most {MAX_SEARCH_DAYS} days at a time.")
    practice_tz = wallclock.zone(appointment_type.practice.time_zone)
    if end_date < wallclock.local_date(now, practice_tz):
        raise ServiceError("These dates are in the past; search from today on.")


def _calendars_to_search(
    *,
    appointment_type: AppointmentType,
    providers: Iterable[Provider] | None,
    location: Location | None,
    first: date,
    last: date,
) -> tuple[list[Calendar], list[int]] | None:
    """The calendars of the providers offering the type (and their ids), or None when nobody
    offers it there in those dates."""
    if location is not None and location.practice_id != appointment_type.practice_id:
        return None
    offering = selectors.providers_offering(appointment_type, providers)
    if not offering:
        return None
    calendars = _calendars(
        appointment_type=appointment_type,
        providers=offering,
        location=location,
        first=first,
        last=last,
    )
    return (calendars, [p.pk for p in offering]) if calendars else None


def _free_in_stretch(search: _Search, start: datetime, end: datetime) -> list[Slot]:
    """The free slots starting in [start, end): one read of the providers' busy time and one
    of the resources', then each calendar's first `limit` slots."""
    read_end = end + search.duration  # a visit starting in the stretch may run past its end
    exclude = search.moving.pk if search.moving else None
    provider_busy = selectors.provider_busy_intervals(
        provider_ids=search.provider_ids, start=start, end=read_end, exclude_appointment_id=exclude
    )
    resource_busy = {
        rid: IntervalSet(intervals)
        for rid, intervals in selectors.resource_busy_intervals(
            resource_ids=search.resource_ids,
            start=start,
            end=read_end,
            exclude_appointment_id=exclude,
        ).items()
    }
    slots: list[Slot] = []
    for calendar in search.calendars:
        groups = search.groups_at[calendar.location.pk]
        if groups is not None:
            busy = IntervalSet(provider_busy.get(calendar.provider.pk, ()))
            slots += _calendar_slots(search, calendar, groups, busy, resource_busy, start, end)
    return slots


def _calendar_slots(
    search: _Search,
    calendar: Calendar,
    groups: Sequence[tuple[Resource, ...]],
    busy: IntervalSet,
    resource_busy: dict[int, IntervalSet],
    start: datetime,
    end: datetime,
) -> list[Slot]:
    """One calendar's first `limit` free slots starting in [start, end)."""
    tz = wallclock.zone_of(calendar.location)
    duration = search.duration
    step = grid_step(search.appointment_type.duration_minutes)
    found: list[Slot] = []
    for begin in candidate_starts(
        calendar,
        duration=duration,
        step=step,
        not_before=max(search.not_before, start),
        busy=busy,
    ):
        if begin >= end:
            break
        if not earliest_time_ok(begin, tz, search.earliest_time):
            continue
        if search.is_where_moving_is(begin, calendar.provider):
            continue  # where it is already
        held = pick_resources(groups, resource_busy, begin, begin + duration)
        if held is None:
            continue
        found.append(
            Slot(
                calendar.provider,
                calendar.location,
                search.appointment_type,
                begin,
                begin + duration,
                held,
            )
        )
        if len(found) == search.limit:  # the first `limit` overall are among each calendar's first
            break
    return found


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
    now = now or timezone.now()
    _refuse_bad_dates(appointment_type, start_date, end_date, now)
    if limit < 1 or not appointment_type.is_active:
        return []
    found = _calendars_to_search(
        appointment_type=appointment_type,
        providers=providers,
        location=location,
        first=start_date,
        last=end_date,
    )
    if found is None:
        return []
    calendars, provider_ids = found
    required = selectors.required_resources(appointment_type)
    search = _Search(
        appointment_type=appointment_type,
        calendars=calendars,
        provider_ids=provider_ids,
        groups_at={c.location.pk: resource_groups(required, c.location.pk) for c in calendars},
        not_before=now + min_notice(),
        earliest_time=earliest_time,
        moving=moving,
        limit=limit,
    )
    # Busy time is read a stretch at a time, earliest first, and the search stops at the first
    # stretch that completes `limit` slots: slots from a later stretch all start later. A
    # provider with free time tomorrow costs one small read instead of a whole month of visits.
    slots: list[Slot] = []
    for start, end in search.stretches(_utc_span(start_date, end_date)[1]):
        slots += _free_in_stretch(search, start, end)
        if len(slots) >= limit:
            break
    slots.sort(key=lambda s: (s.start, s.provider.display_name, s.provider.pk, s.location.pk))
    return slots[:limit]
