"""Manager Max reads the calendars: a location's day and week in a fixed number of queries, and
the visits expected on the next business day for the ready-for-tomorrow board."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from praxis.scheduling import selectors
from praxis.scheduling.testing import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    hold,
    weekly_hours,
)

from .conftest import local, make_patient

pytestmark = pytest.mark.django_db


def fill_day(practice, provider, clinic, appointment_type, day, hours):  # type: ignore[no-untyped-def]
    room = ResourceFactory(location=clinic)
    for hour in hours:
        appt = AppointmentFactory(
            patient=make_patient(practice), provider=provider, location=clinic,
            appointment_type=appointment_type, start=local(day, hour),
        )  # fmt: skip
        hold(appt, room)


def test_a_days_calendar_costs_two_queries_however_full(
    practice, dana, clinic, follow_up, visit_day
):
    def read() -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as ctx:
            day = selectors.appointments_for_day(practice=practice, day=visit_day, location=clinic)
            rows = [
                f"{a.start:%H:%M} {a.patient.display_name} {a.provider} {a.appointment_type} "
                f"{a.location} {[h.resource.name for h in a.resource_holds.all()]}"
                for a in day
            ]
        return rows, len(ctx.captured_queries)

    fill_day(practice, dana, clinic, follow_up, visit_day, [9])
    one, few = read()
    fill_day(practice, dana, clinic, follow_up, visit_day, [10, 11, 12, 13])
    fill_day(practice, dana, clinic, follow_up, visit_day + timedelta(days=1), [9])
    five, many = read()
    assert len(one) == 1 and len(five) == 5
    assert few == many == 2


def test_a_week_runs_monday_to_sunday(practice, dana, clinic, follow_up):
    monday = date(2031, 3, 3)
    for offset in (-1, 0, 6, 7):  # the Sunday before, Monday, Sunday, the next Monday
        fill_day(practice, dana, clinic, follow_up, monday + timedelta(days=offset), [10])
    week = selectors.appointments_for_week(practice=practice, day=monday + timedelta(days=3))
    assert [a.start.date() for a in week] == [monday, monday + timedelta(days=6)]


def test_busy_intervals_span_every_location(practice, dana, lee, clinic, follow_up, paula):
    from praxis.core.testing.factories import LocationFactory

    north = LocationFactory(practice=practice, name="North")
    day = date(2031, 3, 3)
    AppointmentFactory(
        patient=paula, provider=dana, location=north, appointment_type=follow_up,
        start=local(day, 9),
    )  # fmt: skip
    AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(day, 11), status="cancelled",
    )  # fmt: skip
    busy = selectors.provider_busy_intervals(
        provider_ids=[dana.pk, lee.pk], start=local(day, 0), end=local(day, 23)
    )
    assert busy == {dana.pk: [(local(day, 9), local(day, 9, 30))]}


def test_the_board_shows_the_next_day_anyone_works(practice, clinic):
    weekday_doc = ProviderFactory(practice=practice)
    weekly_hours(weekday_doc, clinic, weekdays=range(5))  # Monday to Friday
    friday = date(2031, 3, 7)
    assert selectors.next_business_day(practice=practice, after=friday) == date(2031, 3, 10)
    weekly_hours(weekday_doc, clinic, weekdays=[5], start=time(9), end=time(12))  # Saturdays too
    assert selectors.next_business_day(practice=practice, after=friday) == date(2031, 3, 8)


def test_without_hours_the_next_business_day_is_the_next_weekday(practice):
    assert selectors.next_business_day(practice=practice, after=date(2031, 3, 7)) == date(
        2031, 3, 10
    )


def test_the_board_lists_only_the_visits_still_expected(practice, dana, clinic, paula):
    visit = AppointmentTypeFactory(practice=practice, providers=[dana])
    day = date(2031, 3, 10)
    for hour, status in ((9, "scheduled"), (10, "confirmed"), (11, "cancelled")):
        AppointmentFactory(
            patient=paula, provider=dana, location=clinic, appointment_type=visit,
            start=local(day, hour), status=status,
        )  # fmt: skip
    chosen, appointments = selectors.readiness_appointments(practice=practice, day=day)
    assert chosen == day
    assert [a.status for a in appointments] == ["scheduled", "confirmed"]
