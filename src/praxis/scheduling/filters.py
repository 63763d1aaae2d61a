"""The filter objects of scheduling's lists. A page's form and the API's query parameters build
the same object and read the same selector through it, so the two cannot drift (as
``core.selectors.AuditFilters`` does for the audit trail)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from praxis.core import time as wallclock
from praxis.core.bounds import check_date
from praxis.core.models import Location, Practice

from . import selectors, waitlist
from .models import Appointment, WaitlistEntry

# What a waitlist row shows beside the entry.
WAITLIST_ROW = ("patient", "appointment_type", "provider", "location", "offered_by")


def today_at(
    practice: Practice, location: Location | None = None, *, now: datetime | None = None
) -> date:
    """Today (or ``now``'s day) on the location's clock, else on the practice's: the default day
    of a calendar, of a slot search and of the day's work on the home pages. A clinic three time
    zones west of the practice still sees its own today late in its evening, when the
    practice's clock has moved on."""
    return (now or timezone.now()).astimezone(wallclock.zone_of(location or practice)).date()


@dataclass(frozen=True)
class CalendarFilters:
    """The visits of one local day, or of the Monday-to-Sunday week around it, at a location or
    at every location: the calendar page and ``GET /api/v1/scheduling/appointments``."""

    practice: Practice
    location: Location | None
    day: date
    week: bool = False

    @classmethod
    def of(
        cls,
        *,
        practice: Practice,
        location: Location | None = None,
        day: date | None = None,
        week: bool = False,
    ) -> CalendarFilters:
        """The filters a request asks for; without a day, today on the calendar's clock. The page's
        form and the API's query give only days in the supported range (``core.bounds``): the
        week around a day at the edge of the calendar cannot be computed."""
        day = check_date(day or today_at(practice, location))
        return cls(practice, location, day, week)

    def appointments(self) -> QuerySet[Appointment]:
        read = selectors.appointments_for_week if self.week else selectors.appointments_for_day
        return read(practice=self.practice, day=self.day, location=self.location)


def still_waiting(practice: Practice) -> QuerySet[WaitlistEntry]:
    """The waitlist as its page and ``GET /api/v1/scheduling/waitlist`` list it: the entries
    still waiting (or offered a time), longest waiting first."""
    return (
        WaitlistEntry.objects.filter(practice=practice, status__in=waitlist.STILL_WAITING)
        .select_related(*WAITLIST_ROW)
        .order_by("created_at", "pk")
    )
