"""The arithmetic of free time, without the database: open windows from weekly templates and
extra sessions, minus time off, minus busy intervals, cut into slots on a grid.

Everything here works on UTC instants; wall-clock times become instants through `wallclock`, so
a template's 09:00 stays 09:00 on the clock across DST changes, a gap is never offered, and the
repeated hour of a fold is offered twice (as two distinct instants).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from praxis.core import time as wallclock
from praxis.core.models import Location

from .models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Provider,
    Resource,
)

Interval = tuple[datetime, datetime]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: Iterable[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    """The parts of ``intervals`` outside every cut, merged."""
    remaining = merge(intervals)
    for cut_start, cut_end in merge(cuts):
        pieces: list[Interval] = []
        for start, end in remaining:
            if cut_end <= start or end <= cut_start:
                pieces.append((start, end))
                continue
            if start < cut_start:
                pieces.append((start, cut_start))
            if cut_end < end:
                pieces.append((cut_end, end))
        remaining = pieces
    return remaining


def total_minutes(intervals: Iterable[Interval]) -> int:
    """The length of the intervals' union, in whole minutes."""
    return int(sum((end - start).total_seconds() for start, end in merge(intervals)) // 60)


class IntervalSet:
    """Half-open intervals [start, end) with O(log n) tests; touching is not overlapping, so a
    visit may start exactly when the previous one ends."""

    __slots__ = ("ends", "intervals", "starts")

    def __init__(self, intervals: Iterable[Interval] = ()) -> None:
        self.intervals = merge(intervals)
        self.starts = [s for s, _ in self.intervals]
        self.ends = [e for _, e in self.intervals]

    def __bool__(self) -> bool:
        return bool(self.intervals)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self.ends, start)  # the first interval that ends after `start`
        return i < len(self.starts) and self.starts[i] < end

    def covers(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self.starts, start) - 1  # the last interval that starts by `start`
        return i >= 0 and self.ends[i] >= end

    def first_overlap(self, start: datetime, end: datetime) -> Interval | None:
        i = bisect_right(self.ends, start)
        if i < len(self.starts) and self.starts[i] < end:
            return self.intervals[i]
        return None


def grid_step(duration_minutes: int) -> timedelta:
    """Slots start every `duration` when the duration divides the hour (10, 15, 20, 30, 60
    minutes), else every 15 minutes. A step that divides the hour keeps the grid on the same
    wall-clock minutes after a one-hour DST change."""
    if duration_minutes <= 60 and 60 % duration_minutes == 0:
        return timedelta(minutes=duration_minutes)
    return timedelta(minutes=15)


def dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def template_windows(
    templates: Sequence[AvailabilityTemplate], first: date, last: date, tz: ZoneInfo
) -> list[Interval]:
    """The UTC windows the weekly templates open between two local dates (inclusive)."""
    by_weekday: dict[int, list[AvailabilityTemplate]] = defaultdict(list)
    for template in templates:
        by_weekday[template.weekday].append(template)
    windows = []
    for day in dates(first, last):
        for t in by_weekday.get(day.weekday(), ()):
            if t.effective_from <= day and (t.effective_to is None or day <= t.effective_to):
                start = wallclock.boundary(day, t.start_time, tz)
                end = wallclock.boundary(day, t.end_time, tz, end=True)
                if end > start:  # a window wholly inside a DST gap opens nothing
                    windows.append((start, end))
    return windows


def resource_groups(
    required: Sequence[Resource], location_id: int
) -> list[tuple[Resource, ...]] | None:
    """What a visit at the location must hold: one of the listed rooms there, and each listed
    piece of equipment there. None when the type needs resources but the location has none
    of them (the type cannot be seen there)."""
    if not required:
        return []
    here = sorted(
        (r for r in required if r.location_id == location_id and r.is_active),
        key=lambda r: (r.name.lower(), r.pk),
    )
    rooms = tuple(r for r in here if r.kind == Resource.Kind.ROOM)
    groups = [rooms] if rooms else []
    groups += [(r,) for r in here if r.kind == Resource.Kind.EQUIPMENT]
    return groups or None


def pick_resources(
    groups: Sequence[tuple[Resource, ...]],
    busy: dict[int, IntervalSet],
    start: datetime,
    end: datetime,
) -> tuple[Resource, ...] | None:
    """One free resource per group, or None when some group has none free."""
    chosen = []
    for group in groups:
        free = next((r for r in group if not busy.get(r.pk, _EMPTY).overlaps(start, end)), None)
        if free is None:
            return None
        chosen.append(free)
    return tuple(chosen)


_EMPTY = IntervalSet()


@dataclass(frozen=True)
class Slot:
    """A time a visit of the type could be booked: the provider and the required resources are
    free, and it lies inside the provider's availability."""

    provider: Provider
    location: Location
    appointment_type: AppointmentType
    start: datetime
    end: datetime
    resources: tuple[Resource, ...] = ()

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(wallclock.zone_of(self.location))

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(wallclock.zone_of(self.location))


@dataclass
class Calendar:
    """One provider at one location over a date range: when they are open and when not."""

    provider: Provider
    location: Location
    open: list[Interval] = field(default_factory=list)  # templates and extra sessions
    closed: list[Interval] = field(default_factory=list)  # time off and holidays

    def open_set(self) -> IntervalSet:
        return IntervalSet(self.open)

    def closed_set(self) -> IntervalSet:
        return IntervalSet(self.closed)

    def admits(self, start: datetime, end: datetime) -> bool:
        """Whether a visit at [start, end) lies inside the open time and misses all closures."""
        return self.open_set().covers(start, end) and not self.closed_set().overlaps(start, end)


def candidate_starts(
    calendar: Calendar,
    *,
    duration: timedelta,
    step: timedelta,
    not_before: datetime,
    busy: IntervalSet,
) -> Iterator[datetime]:
    """Grid starts inside the open windows (the grid anchored at each window's start) that fit
    before the window ends and touch neither a closure nor a busy interval."""
    closed = calendar.closed_set()
    for window_start, window_end in merge(calendar.open):
        start = window_start
        if start < not_before:  # jump over the past on the grid instead of walking it
            steps = -((window_start - not_before) // step)
            start = window_start + steps * step
        while start + duration <= window_end:
            end = start + duration
            if not closed.overlaps(start, end) and not busy.overlaps(start, end):
                yield start
            start += step


def earliest_time_ok(start: datetime, tz: ZoneInfo, earliest_time: time | None) -> bool:
    return earliest_time is None or start.astimezone(tz).time() >= earliest_time


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
