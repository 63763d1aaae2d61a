"""The Practice Manager's operations figures: visits today and this week, no-show and late-cancel
rates, how full each provider's hours and each room are this week, the waitlist and how ready
the team is for the next business day. Read-only; the Manager and Administrator homes show it
(plugin.py), each figure linking to the page behind it.

Definitions a manager can check by hand:
- a week is Monday to Sunday around today, on the practice's clock;
- a visit counts unless it was cancelled (a no-show still took the time);
- the no-show rate is no-shows over the visits due in the last 30 days (cancelled ones excluded);
  the late-cancel rate is late cancellations over every visit due in those days;
- a provider's utilization is the minutes their visits fill over the minutes their weekly hours
  and extra sessions open, less time off; a room's is the minutes visits hold it over the
  minutes any provider's hours are open at its location."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from praxis.core import time as wallclock
from praxis.core.models import Practice

from . import filters, selectors
from .availability import Interval, build_calendars, merge, subtract, total_minutes
from .models import Appointment, AppointmentResource, Provider, Resource
from .readiness import readiness_rows
from .rules import Status

RATE_DAYS = 30


@dataclass(frozen=True)
class Rate:
    count: int
    out_of: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.out_of) if self.out_of else None


def hours_and_minutes(minutes: int) -> str:
    """1580 -> "26 h 20 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@dataclass(frozen=True)
class Utilization:
    label: str
    booked_minutes: int
    open_minutes: int

    @property
    def booked(self) -> str:
        return hours_and_minutes(self.booked_minutes)

    @property
    def open(self) -> str:
        return hours_and_minutes(self.open_minutes)

    @property
    def percent(self) -> int | None:
        """Booked over open, capped at 100 for the bar (a double-booked hour still fills it)."""
        if not self.open_minutes:
            return None
        return min(100, round(100 * self.booked_minutes / self.open_minutes))


@dataclass(frozen=True)
class Operations:
    today: date
    week: tuple[date, date]
    visits_today: int
    visits_week: int
    no_shows: Rate
    late_cancels: Rate
    providers: list[Utilization]
    rooms: list[Utilization]
    waitlist: int
    tomorrow: date
    ready: Rate  # visits of the next business day with every check that applies passed


def operations(practice: Practice, *, now: datetime | None = None) -> Operations:
    now = now or timezone.now()
    tz = wallclock.zone(practice.time_zone)
    today = now.astimezone(tz).date()
    monday, sunday = selectors.week_of(today)
    week = list(
        Appointment.objects.filter(
            practice=practice,
            start__gte=wallclock.day_bounds(monday, tz)[0],
            start__lt=wallclock.day_bounds(sunday, tz)[1],
        )
        .exclude(status=Status.CANCELLED)
        .values_list("pk", "provider_id", "start", "end")
    )
    tomorrow, rows = readiness_rows(practice=practice)
    providers, rooms = _utilization(practice, monday, sunday, week)
    return Operations(
        today=today,
        week=(monday, sunday),
        visits_today=sum(1 for _, _, start, _ in week if start.astimezone(tz).date() == today),
        visits_week=len(week),
        **_rates(practice, now),
        providers=providers,
        rooms=rooms,
        waitlist=filters.still_waiting(practice).count(),
        tomorrow=tomorrow,
        ready=Rate(sum(1 for r in rows if r.ready), len(rows)),
    )


def _rates(practice: Practice, now: datetime) -> dict[str, Rate]:
    due = Appointment.objects.filter(
        practice=practice, start__gte=now - timedelta(days=RATE_DAYS), start__lt=now
    ).aggregate(
        every=Count("pk"),
        kept=Count("pk", filter=~Q(status=Status.CANCELLED)),
        no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
        late=Count("pk", filter=Q(status=Status.CANCELLED, late_cancel=True)),
    )
    return {
        "no_shows": Rate(due["no_shows"], due["kept"]),
        "late_cancels": Rate(due["late"], due["every"]),
    }


def _utilization(
    practice: Practice,
    monday: date,
    sunday: date,
    week: list[tuple[int, int, datetime, datetime]],
) -> tuple[list[Utilization], list[Utilization]]:
    active = list(Provider.objects.filter(practice=practice, is_active=True))
    ids = [p.pk for p in active]
    tz = wallclock.zone(practice.time_zone)
    span = (wallclock.day_bounds(monday, tz)[0], wallclock.day_bounds(sunday, tz)[1])
    calendars = build_calendars(
        providers=active,
        templates=selectors.templates_for(
            appointment_type=None, provider_ids=ids, first=monday, last=sunday
        ),
        exceptions=selectors.exceptions_for(provider_ids=ids, start=span[0], end=span[1]),
        first=monday,
        last=sunday,
        location=None,
    )
    open_by_provider: dict[int, list[Interval]] = defaultdict(list)
    open_by_location: dict[int, list[Interval]] = defaultdict(list)
    for calendar in calendars:
        hours = subtract(calendar.open, calendar.closed)
        open_by_provider[calendar.provider.pk] += hours
        open_by_location[calendar.location.pk] += hours
    booked: dict[int, list[Interval]] = defaultdict(list)
    for _, provider_id, start, end in week:
        booked[provider_id].append((start, end))
    providers = [
        Utilization(
            p.display_name,
            total_minutes(booked[p.pk]),
            total_minutes(open_by_provider[p.pk]),
        )
        for p in sorted(active, key=lambda p: p.display_name)
    ]
    return providers, _rooms(practice, span, {pk for pk, _, _, _ in week}, open_by_location)


def _rooms(
    practice: Practice,
    span: tuple[datetime, datetime],
    visits: set[int],
    open_by_location: dict[int, list[Interval]],
) -> list[Utilization]:
    rooms = list(
        Resource.objects.filter(
            location__practice=practice, kind=Resource.Kind.ROOM, is_active=True
        ).select_related("location")
    )
    held: dict[int, list[Interval]] = defaultdict(list)
    holds = AppointmentResource.objects.filter(
        resource__in=rooms, active=True, start__lt=span[1], end__gt=span[0]
    ).values_list("resource_id", "appointment_id", "start", "end")
    for resource_id, appointment_id, start, end in holds:
        if appointment_id in visits:
            held[resource_id].append((start, end))
    return [
        Utilization(
            f"{r.name} ({r.location.name})",
            total_minutes(held[r.pk]),
            total_minutes(merge(open_by_location[r.location_id])),
        )
        for r in sorted(rooms, key=lambda r: (r.location.name, r.name))
    ]
