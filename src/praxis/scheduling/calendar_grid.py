"""The day calendar of a location as a grid: one column per provider (or per room and piece of
equipment), one row per 5 minutes (labelled every quarter hour).

Rows step through UTC instants and are labelled in the location's local time, so the spring
day has no 2:00 AM row and the autumn day shows 1:00-1:45 AM twice. The page names the time zone
once; only on a day the clocks change does each label carry its abbreviation ("1:00 AM EDT",
"1:00 AM EST").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil

from django.db.models import Q

from praxis.core import datefmt
from praxis.core import time as wallclock
from praxis.core.models import Location

from .availability import Calendar, Interval, build_calendars  # the slot search's own builder
from .models import Appointment, AvailabilityException, AvailabilityTemplate, Resource

# Five-minute rows: visits of 20 or 40 minutes starting at :50 line up without rounding.
STEP = timedelta(minutes=5)
DEFAULT_OPEN, DEFAULT_CLOSE = time(8, 0), time(17, 0)


@dataclass
class Cell:
    kind: str  # "appointment" | "open" | "closed" | "free" | "covered"
    start: datetime
    appointment: Appointment | None = None
    rowspan: int = 1
    column: int | None = None  # the key of the column an open cell belongs to


@dataclass
class Row:
    start: datetime
    label: str  # the local time on quarter hours ("8:15 AM"), else empty
    local: datetime  # `start` on the location's clock (links take its "H:i")
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Column:
    """One lane of the day: a provider's, or a room's or piece of equipment's."""

    key: int
    title: str
    appointments: list[Appointment]
    # Whether a visit may start in the row at this instant; None for a lane without hours of
    # its own (a room), whose empty cells are just free.
    bookable: Callable[[datetime], bool] | None


@dataclass
class DayGrid:
    day: date
    location: Location
    by: str  # "provider" | "room"
    columns: list[Column]
    rows: list[Row]


def provider_calendars(location: Location, day: date) -> dict[int, Calendar]:
    """Each provider's open and closed time at the location on the day (any visit type)."""
    templates = list(
        AvailabilityTemplate.objects.filter(
            location=location, provider__is_active=True, effective_from__lte=day
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .select_related("location", "provider")
    )
    start, end = wallclock.day_bounds(day, wallclock.zone_of(location))
    sessions_and_closures = list(
        AvailabilityException.objects.filter(start__lt=end, end__gt=start)
        .filter(Q(location=location) | Q(location__isnull=True))
        .select_related("location", "provider")
    )
    providers = {t.provider_id: t.provider for t in templates}
    providers.update({x.provider_id: x.provider for x in sessions_and_closures})
    calendars = build_calendars(
        providers=list(providers.values()),
        templates=templates,
        exceptions=sessions_and_closures,
        first=day,
        last=day,
        location=location,
    )
    return {c.provider.pk: c for c in calendars if c.location.pk == location.pk}


def day_grid(
    *, location: Location, day: date, appointments: list[Appointment], now: datetime
) -> DayGrid:
    """A column per provider who works at the location that day or has a visit there (even
    outside hours); free cells inside their hours, from now on, are bookable."""
    calendars = provider_calendars(location, day)
    providers = {c.provider.pk: c.provider for c in calendars.values() if c.open}
    providers.update({a.provider_id: a.provider for a in appointments})

    def bookable(provider_id: int) -> Callable[[datetime], bool]:
        calendar = calendars.get(provider_id)
        if calendar is None:
            return lambda instant: False
        open_time, closed_time = calendar.open_set(), calendar.closed_set()
        return lambda instant: (
            instant >= now
            and open_time.covers(instant, instant + STEP)
            and not closed_time.overlaps(instant, instant + STEP)
        )

    columns = [
        Column(
            key=p.pk,
            title=p.display_name,
            appointments=[a for a in appointments if a.provider_id == p.pk],
            bookable=bookable(p.pk),
        )
        for p in sorted(providers.values(), key=lambda p: (p.display_name, p.pk))
    ]
    hours = [window for c in calendars.values() for window in c.open]
    return _grid(
        location, day, "provider", columns, hours + [(a.start, a.end) for a in appointments]
    )


def room_day_grid(
    *, location: Location, day: date, appointments: list[Appointment], resources: list[Resource]
) -> DayGrid:
    """A column per room and piece of equipment at the location, with the visits that hold it
    (or were roomed in it). Rooms have no hours of their own: empty cells are just free."""
    held: dict[int, list[Appointment]] = {r.pk: [] for r in resources}
    by_room = {r.room_id: r.pk for r in resources if r.room_id is not None}
    for appointment in appointments:
        lanes = {h.resource_id for h in appointment.resource_holds.all()}
        if appointment.room_id in by_room:
            lanes.add(by_room[appointment.room_id])
        for lane in lanes & held.keys():
            held[lane].append(appointment)
    columns = [
        Column(key=r.pk, title=r.name, appointments=held[r.pk], bookable=None) for r in resources
    ]
    return _grid(location, day, "room", columns, [(a.start, a.end) for a in appointments])


def _grid(
    location: Location, day: date, by: str, columns: list[Column], busy: list[Interval]
) -> DayGrid:
    """Rows of five minutes from the day's first to its last hour (08:00-17:00 at least,
    stretched to cover `busy`), each with a cell per column."""
    tz = wallclock.zone_of(location)
    day_start, day_end = wallclock.day_bounds(day, tz)
    first = min([wallclock.boundary(day, DEFAULT_OPEN, tz), *(s for s, _ in busy)])
    last = max([wallclock.boundary(day, DEFAULT_CLOSE, tz), *(e for _, e in busy)])
    first, last = max(first, day_start), min(last, day_end)
    clocks_change = day_start.astimezone(tz).utcoffset() != day_end.astimezone(tz).utcoffset()

    # Visits start on any minute; each is placed in the first free row at or after its start.
    pending = {c.key: sorted(c.appointments, key=lambda a: a.start) for c in columns}
    covered: dict[int, datetime] = {}  # column key -> rows covered until
    rows = []
    instant = first
    while instant < last:
        local = instant.astimezone(tz)
        label = ""
        if local.minute % 15 == 0:
            label = datefmt.time(local)
            label = f"{label} {datefmt.zone(local)}" if clocks_change else label
        row = Row(start=instant, label=label, local=local)
        for column in columns:
            queue = pending[column.key]
            if covered.get(column.key, first) > instant:
                row.cells.append(Cell("covered", instant))
            elif queue and queue[0].start < instant + STEP:
                appointment = queue.pop(0)
                span = max(1, ceil((appointment.end - instant) / STEP))
                row.cells.append(Cell("appointment", instant, appointment, span))
                covered[column.key] = instant + span * STEP
            elif column.bookable is None:
                row.cells.append(Cell("free", instant))
            elif column.bookable(instant):
                row.cells.append(Cell("open", instant, column=column.key))
            else:
                row.cells.append(Cell("closed", instant))
        rows.append(row)
        instant += STEP
    return DayGrid(day=day, location=location, by=by, columns=columns, rows=rows)
