"""Booking checks one visit against the provider's hours with a targeted read (only the rows
that can matter for that visit) instead of building whole days' calendars. Both must agree on
every visit: a sweep over a week with split hours, dated and type-limited templates, a second
location, extra sessions, time off, a holiday, and the spring DST change."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from praxis.core import time as wallclock
from praxis.core.testing.factories import LocationFactory
from praxis.scheduling.models import AvailabilityException
from praxis.scheduling.slots import provider_calendar, visit_admitted
from praxis.scheduling.testing import (
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    AvailabilityTemplateFactory,
)

from .conftest import local

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 8)  # the week before and the day of the 2027 spring change (Sun 14 Mar)
Kind = AvailabilityException.Kind


def test_the_targeted_check_agrees_with_the_calendar(practice, clinic, dana, follow_up):
    elsewhere = LocationFactory(practice=practice, name="Riverside")
    other_type = AppointmentTypeFactory(practice=practice, name="Physical", providers=[dana])

    def hours(weekday, start, end, **kw):  # type: ignore[no-untyped-def]
        return AvailabilityTemplateFactory(
            provider=dana, weekday=weekday, start_time=start, end_time=end, **kw
        )

    dana.templates.all().delete()  # the fixture's 08:00-18:00 every day, replaced by these:
    hours(0, time(8), time(12), location=clinic)  # Monday: split hours that touch at noon
    hours(0, time(12), time(17), location=clinic)
    hours(1, time(9), time(13), location=clinic, effective_from=MONDAY + timedelta(days=8))
    hours(2, time(9), time(13), location=clinic, allowed_types=[other_type])
    hours(2, time(14), time(16), location=clinic)
    hours(3, time(9), time(17), location=elsewhere)
    hours(4, time(9), time(17), location=clinic, effective_to=MONDAY + timedelta(days=4))
    hours(6, time(1), time(4), location=clinic)  # Sunday night, through the DST gap
    AvailabilityExceptionFactory(  # an evening session on Tuesday, here
        provider=dana, kind=Kind.EXTRA_SESSION, location=clinic,
        start=local(MONDAY + timedelta(days=1), 17), end=local(MONDAY + timedelta(days=1), 20),
    )  # fmt: skip
    AvailabilityExceptionFactory(  # and one at the other location on Wednesday
        provider=dana, kind=Kind.EXTRA_SESSION, location=elsewhere,
        start=local(MONDAY + timedelta(days=2), 17), end=local(MONDAY + timedelta(days=2), 20),
    )  # fmt: skip
    AvailabilityExceptionFactory(  # time off here only, across Monday noon
        provider=dana, kind=Kind.TIME_OFF, location=clinic,
        start=local(MONDAY, 11, 30), end=local(MONDAY, 12, 30),
    )  # fmt: skip
    AvailabilityExceptionFactory(  # a holiday everywhere, the next Monday morning
        provider=dana, kind=Kind.HOLIDAY, location=None,
        start=local(MONDAY + timedelta(days=7), 0), end=local(MONDAY + timedelta(days=7), 10),
    )  # fmt: skip

    tz = wallclock.zone_of(clinic)
    admitted = refused = 0
    for day in range(9):
        for quarter in range(96):
            start = local(MONDAY + timedelta(days=day), 0) + timedelta(minutes=15 * quarter)
            for minutes in (30, 90):
                end = start + timedelta(minutes=minutes)
                calendar = provider_calendar(
                    provider=dana,
                    location=clinic,
                    appointment_type=follow_up,
                    first=wallclock.local_date(start, tz),
                    last=wallclock.local_date(end, tz),
                )
                expected = calendar.admits(start, end)
                assert (
                    visit_admitted(
                        provider=dana,
                        location=clinic,
                        appointment_type=follow_up,
                        start=start,
                        end=end,
                    )
                    == expected
                ), (start.astimezone(tz), minutes)
                admitted += expected
                refused += not expected
    assert admitted > 100 and refused > 100
