"""The day calendar of a location as a grid: one column per provider, one row per 5 minutes
(labelled every quarter hour).

Rows step through UTC instants and are labelled in the location's local time, so the spring
day has no 02:00 row and the autumn day shows 01:00-01:45 twice (with the zone abbreviation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil

from django.db.models import Q

from praxis.core.models import Location

from . import wallclock
from .availability import Calendar
from .models import Appointment, AvailabilityException, AvailabilityTemplate, Provider
from .services import build_calendars  # the slot search's own calendar builder

# Five-minute rows: visits of 20 or 40 minutes starting at :50 line up without rounding.
STEP = timedelta(minutes=5)
DEFAULT_OPEN, DEFAULT_CLOSE = time(8, 0), time(17, 0)


@dataclass
class Cell:
    kind: str  # "appointment" | "open" | "closed" | "covered"
    start: datetime
    appointment: Appointment | None = None
    rowspan: int = 1


@dataclass
class Row:
    start: datetime
    label: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class DayGrid:
    day: date
    location: Location
    providers: list[Provider]
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
    tz = wallclock.zone_of(location)
    calendars = provider_calendars(location, day)
    # Columns: who works here that day, and anyone with a visit here (even outside hours).
    providers = {c.provider.pk: c.provider for c in calendars.values() if c.open}
    providers.update({a.provider_id: a.provider for a in appointments})
    columns = sorted(providers.values(), key=lambda p: (p.display_name, p.pk))

    day_start, day_end = wallclock.day_bounds(day, tz)
    opens = [s for c in calendars.values() for s, _ in c.open]
    closes = [e for c in calendars.values() for _, e in c.open]
    first = min([wallclock.boundary(day, DEFAULT_OPEN, tz), *opens])
    last = max([wallclock.boundary(day, DEFAULT_CLOSE, tz), *closes])
    first, last = max(first, day_start), min(last, day_end)

    # Visits start on any minute; each is placed in the first free row at or after its start.
    pending: dict[int, list[Appointment]] = {p.pk: [] for p in columns}
    for appointment in sorted(appointments, key=lambda a: a.start):
        pending[appointment.provider_id].append(appointment)
    covered: dict[int, datetime] = {}  # provider id -> rows covered until
    rows = []
    instant = first
    while instant < last:
        local = instant.astimezone(tz)
        row = Row(start=instant, label=local.strftime("%H:%M %Z") if local.minute % 15 == 0 else "")
        for provider in columns:
            queue = pending[provider.pk]
            if covered.get(provider.pk, first) > instant:
                row.cells.append(Cell("covered", instant))
            elif queue and queue[0].start < instant + STEP:
                appointment = queue.pop(0)
                span = max(1, ceil((appointment.end - instant) / STEP))
                row.cells.append(Cell("appointment", instant, appointment, span))
                covered[provider.pk] = instant + span * STEP
            else:
                calendar = calendars.get(provider.pk)
                bookable = (
                    calendar is not None
                    and instant >= now
                    and calendar.admits(instant, instant + STEP)
                )
                row.cells.append(Cell("open" if bookable else "closed", instant))
        rows.append(row)
        instant += STEP
    return DayGrid(day=day, location=location, providers=columns, rows=rows)
