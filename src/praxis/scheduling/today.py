"""What the people who run the day have in front of them today, for their home page ("My
work"): the front desk's arrivals, check-in queue and gaps to close; the clinical team's rooming
queue and rooms; a provider's own day and week. Read-only, a fixed number of queries each
however busy the day (tests/dashboards/test_homes.py pins them).

"Today" is the practice's day (its time zone), as on the calendar's default view."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from praxis.core import time as wallclock
from praxis.core.models import Practice, User
from praxis.patients.selectors import patients_with_consent_form, patients_with_coverage_on

from . import selectors, waitlist
from .filters import today_at
from .models import Appointment, Provider, WaitlistOpening
from .rules import Status

# A visit joins the check-in queue this long before it starts (and stays while it is late).
CHECK_IN_AHEAD = timedelta(minutes=60)
EXPECTED = (Status.SCHEDULED, Status.CONFIRMED)
NOT_CANCELLED = (
    Status.SCHEDULED,
    Status.CONFIRMED,
    Status.ARRIVED,
    Status.IN_ROOM,
    Status.COMPLETED,
    Status.NO_SHOW,
)


@dataclass(frozen=True)
class Gap:
    """Something the desk should fix before the patient's visit today."""

    appointment: Appointment
    missing: tuple[str, ...]  # e.g. ("coverage", "consent form")


@dataclass(frozen=True)
class Opening:
    """Time a cancellation freed today, with the waiting patients it fits."""

    opening: WaitlistOpening
    waiting: int


@dataclass(frozen=True)
class DeskDay:
    day: date
    visits: list[Appointment]  # every visit today that was not cancelled, by time
    to_check_in: list[Appointment]  # expected, due within the hour or already late
    gaps: list[Gap]
    openings: list[Opening]
    by_status: Counter[str] = field(default_factory=Counter)

    @property
    def patient_ids(self) -> list[int]:
        return [a.patient_id for a in self.visits] + [
            e.opening.cancelled_appointment.patient_id for e in self.openings
        ]


def desk_day(practice: Practice, *, now: datetime | None = None) -> DeskDay:
    """The front desk's day: six queries (visits, their holds, coverage, consent forms, the
    freed times still open today, the waitlist they fit)."""
    now = now or timezone.now()
    day = today_at(practice, now=now)
    visits = list(
        selectors.appointments_for_day(practice=practice, day=day, statuses=NOT_CANCELLED)
    )
    expected = [a for a in visits if a.status in EXPECTED]
    due = [a for a in expected if a.start <= now + CHECK_IN_AHEAD]
    patient_ids = {a.patient_id for a in expected}
    covered = patients_with_coverage_on(patient_ids, day)
    consented = patients_with_consent_form(patient_ids)
    gaps = []
    for a in expected:
        missing = tuple(
            label
            for label, ok in (
                ("coverage", a.patient_id in covered),
                ("consent form", a.patient_id in consented),
            )
            if not ok
        )
        if missing:
            gaps.append(Gap(a, missing))
    _, end = wallclock.day_bounds(day, wallclock.zone(practice.time_zone))
    freed = waitlist.open_openings(practice, after=now, before=end)
    fits = waitlist.matches_for_each(freed)
    openings = [Opening(o, len(fits[o.pk])) for o in freed if fits[o.pk]]
    return DeskDay(
        day=day,
        visits=visits,
        to_check_in=due,
        gaps=gaps,
        openings=openings,
        by_status=Counter(a.status for a in visits),
    )


@dataclass(frozen=True)
class Waiting:
    appointment: Appointment
    minutes: int  # since check-in (arrived) or since rooming (in a room)


@dataclass(frozen=True)
class RoomingQueue:
    arrived: list[Waiting]  # checked in, waiting for a room: longest wait first
    in_room: list[Waiting]  # in a room now, by room

    @property
    def patient_ids(self) -> list[int]:
        return [w.appointment.patient_id for w in (*self.arrived, *self.in_room)]


def _minutes_since(moment: datetime | None, now: datetime) -> int:
    return max(0, int((now - moment).total_seconds() // 60)) if moment else 0


def rooming_queue(practice: Practice, *, now: datetime | None = None) -> RoomingQueue:
    """Who has arrived and waits for a room, and who is in which room: two queries."""
    now = now or timezone.now()
    visits = selectors.appointments_for_day(
        practice=practice,
        day=today_at(practice, now=now),
        statuses=(Status.ARRIVED, Status.IN_ROOM),
    )
    arrived, in_room = [], []
    for a in visits:
        if a.status == Status.ARRIVED:
            arrived.append(Waiting(a, _minutes_since(a.checked_in_at, now)))
        else:
            in_room.append(Waiting(a, _minutes_since(a.roomed_at, now)))
    arrived.sort(key=lambda w: -w.minutes)
    in_room.sort(key=lambda w: (w.appointment.room.name if w.appointment.room else "", w.minutes))
    return RoomingQueue(arrived, in_room)


@dataclass(frozen=True)
class ProviderDay:
    provider: Provider
    day: date
    visits: list[Appointment]  # today, not cancelled, by time
    week: list[tuple[date, int]]  # Monday to Sunday: visits booked each day

    @property
    def waiting(self) -> list[Appointment]:
        return [a for a in self.visits if a.status == Status.ARRIVED]

    @property
    def patient_ids(self) -> list[int]:
        return [a.patient_id for a in self.visits]


def provider_of(user: User) -> Provider | None:
    """The provider record a person signs in as, if any."""
    return Provider.objects.filter(user=user, is_active=True).select_related("practice").first()


def provider_day(provider: Provider, *, now: datetime | None = None) -> ProviderDay:
    """A provider's day and, at a glance, their week: two queries (the week's visits and
    their holds)."""
    practice = provider.practice
    day = today_at(practice, now=now)
    week = list(
        selectors.appointments_for_week(
            practice=practice, day=day, providers=[provider], statuses=NOT_CANCELLED
        )
    )
    tz = wallclock.zone(practice.time_zone)
    per_day = Counter(wallclock.local_date(a.start, tz) for a in week)
    monday, _ = selectors.week_of(day)
    days = [monday + timedelta(days=k) for k in range(7)]
    return ProviderDay(
        provider=provider,
        day=day,
        visits=[a for a in week if wallclock.local_date(a.start, tz) == day],
        week=[(d, per_day[d]) for d in days],
    )
