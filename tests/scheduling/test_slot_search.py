"""Fay looks for a free slot for Paula: the one slot search the pages, the API and the waitlist
share. It honours hours, time off, extra sessions, minimum notice, rooms, and what is booked."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from praxis.core.service_support import ServiceError
from praxis.core.testing.factories import LocationFactory
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import AvailabilityException
from praxis.scheduling.slots import MAX_SEARCH_DAYS, slot_search
from praxis.scheduling.testing import (
    AppointmentFactory,
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    ProviderFactory,
    ResourceFactory,
    hold,
    weekly_hours,
)

from .conftest import local

pytestmark = pytest.mark.django_db
TIME_OFF = AvailabilityException.Kind.TIME_OFF
EXTRA = AvailabilityException.Kind.EXTRA_SESSION


def search(appointment_type, day, *, now=None, limit=200, **kw):  # type: ignore[no-untyped-def]
    return slot_search(
        appointment_type=appointment_type,
        start_date=day,
        end_date=kw.pop("end_date", day),
        now=now or local(day, 0) - timedelta(days=1),
        limit=limit,
        **kw,
    )


def local_times(slots, provider=None):  # type: ignore[no-untyped-def]
    return [
        s.local_start.strftime("%H:%M") for s in slots if provider is None or s.provider == provider
    ]


def test_a_free_day_offers_every_half_hour_of_the_providers_hours(follow_up, dana, visit_day):
    slots = search(follow_up, visit_day, providers=[dana])
    assert len(slots) == 20
    assert local_times(slots)[:3] == ["08:00", "08:30", "09:00"]
    assert local_times(slots)[-1] == "17:30"
    assert {s.end - s.start for s in slots} == {timedelta(minutes=30)}


def test_booked_time_is_not_offered_but_the_neighbours_are(
    follow_up, dana, clinic, paula, visit_day
):
    AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 10),
    )  # fmt: skip
    AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 11), status="cancelled",
    )  # fmt: skip
    times = local_times(search(follow_up, visit_day, providers=[dana]))
    assert "10:00" not in times
    assert {"09:30", "10:30", "11:00"} <= set(times)  # back-to-back, and a cancelled visit frees


def test_slots_come_earliest_first_across_providers_and_stop_at_the_limit(
    follow_up, dana, lee, visit_day
):
    slots = search(follow_up, visit_day, limit=5)
    assert [(s.local_start.strftime("%H:%M"), s.provider.display_name) for s in slots] == [
        ("08:00", "Dr. Dana Dubois"),
        ("08:00", "Dr. Lee Park"),
        ("08:30", "Dr. Dana Dubois"),
        ("08:30", "Dr. Lee Park"),
        ("09:00", "Dr. Dana Dubois"),
    ]


def test_time_off_and_holidays_close_time_and_only_where_they_apply(
    practice, follow_up, dana, clinic, visit_day
):
    north = LocationFactory(practice=practice, name="North Clinic")
    AvailabilityExceptionFactory(
        provider=dana, kind=TIME_OFF, start=local(visit_day, 12), end=local(visit_day, 14)
    )
    AvailabilityExceptionFactory(  # at another location: does not close Main Street
        provider=dana,
        kind=TIME_OFF,
        location=north,
        start=local(visit_day, 8),
        end=local(visit_day, 10),
    )
    times = local_times(search(follow_up, visit_day, providers=[dana]))
    assert len(times) == 16
    assert not {"12:00", "12:30", "13:00", "13:30"} & set(times)
    assert "08:00" in times

    AvailabilityExceptionFactory(
        provider=dana,
        kind=AvailabilityException.Kind.HOLIDAY,
        start=local(visit_day, 0),
        end=local(visit_day + timedelta(days=1), 0),
    )
    assert search(follow_up, visit_day, providers=[dana]) == []


def test_an_extra_session_opens_time_outside_the_regular_hours(
    practice, follow_up, clinic, visit_day
):
    dr_evening = ProviderFactory(practice=practice, display_name="Dr. Eve Ning")
    follow_up.providers.add(dr_evening)
    assert search(follow_up, visit_day, providers=[dr_evening]) == []
    AvailabilityExceptionFactory(
        provider=dr_evening,
        kind=EXTRA,
        location=clinic,
        start=local(visit_day, 18, 10),
        end=local(visit_day, 20),
    )
    slots = search(follow_up, visit_day, providers=[dr_evening])
    assert local_times(slots) == ["18:10", "18:40", "19:10"]  # the grid starts with the session
    assert {s.location for s in slots} == {clinic}


def test_minimum_notice(follow_up, dana, visit_day, settings):
    now = local(visit_day, 9, 50)
    assert local_times(search(follow_up, visit_day, providers=[dana], now=now))[0] == "11:00"
    settings.PRAXIS_BOOKING_MIN_NOTICE_MINUTES = 0
    assert local_times(search(follow_up, visit_day, providers=[dana], now=now))[0] == "10:00"


def test_the_past_is_never_offered_and_past_dates_are_refused(follow_up, dana, visit_day):
    now = local(visit_day, 16)
    assert local_times(search(follow_up, visit_day, providers=[dana], now=now)) == [
        "17:00",
        "17:30",
    ]
    with pytest.raises(ServiceError) as refused:
        search(follow_up, visit_day - timedelta(days=1), now=now)
    assert refused.value.messages == ["These dates are in the past; search from today on."]


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "The end date is before the start date."), (92, "Search at most 92 days at a time.")],
)
def test_bad_date_ranges_are_refused(follow_up, visit_day, days, message):
    with pytest.raises(ServiceError) as refused:
        search(follow_up, visit_day, end_date=visit_day + timedelta(days=days))
    assert refused.value.messages == [message]


def test_a_room_the_type_needs_must_be_free(
    practice, follow_up, dana, lee, clinic, exam_room, paula, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, name="Procedure", providers=[dana, lee], required_resources=[exam_room]
    )
    lees_visit = AppointmentFactory(
        patient=paula, provider=lee, location=clinic, appointment_type=procedure,
        start=local(visit_day, 10),
    )  # fmt: skip
    hold(lees_visit, exam_room)
    slots = search(procedure, visit_day, providers=[dana])
    assert "10:00" not in local_times(slots)
    assert {s.resources for s in slots} == {(exam_room,)}
    # a second room makes 10:00 possible again, in that room
    exam_2 = ResourceFactory(location=clinic, name="Exam 2")
    procedure.required_resources.add(exam_2)
    at_ten = [
        s for s in search(procedure, visit_day, providers=[dana]) if s.start == local(visit_day, 10)
    ]
    assert [s.resources for s in at_ten] == [(exam_2,)]


def test_a_location_without_the_needed_room_offers_nothing(
    practice, dana, clinic, exam_room, visit_day
):
    north = LocationFactory(practice=practice, name="North Clinic")
    weekly_hours(dana, north)
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana], required_resources=[exam_room]
    )
    assert {s.location for s in search(procedure, visit_day)} == {clinic}
    assert search(procedure, visit_day, location=north) == []


def test_earliest_time_and_location_filters(practice, follow_up, dana, clinic, visit_day):
    north = LocationFactory(practice=practice, name="North Clinic")
    weekly_hours(dana, north, start=time(19), end=time(21))
    times = local_times(search(follow_up, visit_day, providers=[dana], earliest_time=time(16, 45)))
    assert times == ["17:00", "17:30", "19:00", "19:30", "20:00", "20:30"]
    assert {s.location for s in search(follow_up, visit_day, location=north)} == {north}


def test_templates_can_be_limited_to_some_types_and_to_dates(
    practice, follow_up, clinic, visit_day
):
    dr_new = ProviderFactory(practice=practice, display_name="Dr. Nu")
    physicals = AppointmentTypeFactory(practice=practice, name="Physical", providers=[dr_new])
    follow_up.providers.add(dr_new)
    weekly_hours(dr_new, clinic, allowed_types=[physicals], start=time(8), end=time(9))
    weekly_hours(dr_new, clinic, start=time(13), end=time(14), effective_to=visit_day)
    assert local_times(search(physicals, visit_day)) == ["08:00", "08:30", "13:00", "13:30"]
    assert local_times(search(follow_up, visit_day, providers=[dr_new])) == ["13:00", "13:30"]
    tomorrow = visit_day + timedelta(days=1)
    assert local_times(search(follow_up, tomorrow, providers=[dr_new])) == []


@pytest.mark.parametrize(
    ("minutes", "first_starts"),
    [
        (20, ["08:00", "08:20", "08:40", "09:00"]),
        (45, ["08:00", "08:15", "08:30", "08:45"]),
        (60, ["08:00", "09:00", "10:00"]),
        (90, ["08:00", "08:15", "08:30", "08:45"]),
    ],
)
def test_the_grid_is_the_duration_when_it_divides_the_hour_else_15_minutes(
    practice, dana, visit_day, minutes, first_starts
):
    visit = AppointmentTypeFactory(practice=practice, duration_minutes=minutes, providers=[dana])
    slots = search(visit, visit_day)
    assert local_times(slots)[: len(first_starts)] == first_starts
    assert slots[-1].local_end.time() <= time(18)


def test_inactive_providers_types_and_locations_offer_nothing(
    follow_up, dana, lee, clinic, visit_day
):
    dana.is_active = False
    dana.save()
    assert {s.provider for s in search(follow_up, visit_day)} == {lee}
    clinic.is_active = False
    clinic.save()
    assert search(follow_up, visit_day) == []
    follow_up.is_active = False
    assert search(follow_up, visit_day) == []


def test_the_number_of_queries_grows_only_with_the_stretches_of_time_read(
    practice, follow_up, dana, lee, clinic, exam_room, paula, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana, lee], required_resources=[exam_room]
    )

    def queries(days: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            search(procedure, visit_day, end_date=visit_day + timedelta(days=days), limit=1000)
        return len(ctx.captured_queries)

    one_day = queries(0)
    for d in range(10):
        appt = AppointmentFactory(
            patient=paula, provider=dana, location=clinic, appointment_type=procedure,
            start=local(visit_day + timedelta(days=d), 9),
        )  # fmt: skip
        hold(appt, exam_room)
    # Busy time is read in stretches of 7, 14, 28, ... days (two reads each: the provider's and
    # the room's), whatever the number of bookings; the longest search reads four at most.
    assert one_day <= 6
    assert queries(0) == one_day
    assert queries(6) == one_day
    assert queries(20) == one_day + 2
    assert queries(MAX_SEARCH_DAYS - 1) <= one_day + 2 * 4


def test_the_search_stops_reading_once_it_has_enough_slots(
    practice, follow_up, dana, clinic, paula, visit_day
):
    def busy_reads(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            found = slot_search(
                appointment_type=follow_up,
                providers=[dana],
                start_date=visit_day,
                end_date=visit_day + timedelta(days=60),
                limit=limit,
            )
        assert len(found) == limit
        return sum('FROM "scheduling_appointment"' in q["sql"] for q in ctx.captured_queries)

    # Dana is free from 08:00 to 18:00 every day: 20 slots lie in the first stretch, 500 do not.
    assert busy_reads(20) == 1
    assert busy_reads(500) == 3


def test_a_visit_that_crosses_the_end_of_a_stretch_still_sees_what_follows(
    follow_up, dana, clinic, paula, visit_day
):
    # With the clock at 09:17, the first stretch runs from 10:17 (an hour's notice) to 10:17 a
    # week later. A visit at 10:20 that day lies after the stretch but collides with a 10:00
    # slot that starts inside it.
    week_later = visit_day + timedelta(days=7)
    AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(week_later, 10, 20),
    )  # fmt: skip
    found = search(
        follow_up,
        visit_day,
        end_date=week_later,
        now=local(visit_day, 9, 17),
        providers=[dana],
        limit=1000,
    )
    that_day = [
        s.local_start.strftime("%H:%M") for s in found if s.local_start.date() == week_later
    ]
    assert "09:30" in that_day and "10:00" not in that_day and "10:30" not in that_day
    assert "11:00" in that_day


def test_a_visit_being_moved_does_not_block_its_own_time(
    frontdesk_fay, follow_up, dana, clinic, paula, visit_day
):
    visit = appointment_book(
        patient=paula,
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        start=local(visit_day, 10),
        booked_by=frontdesk_fay,
    )
    others = search(follow_up, visit_day, providers=[dana])
    assert "10:00" not in local_times(others)
    # A 45-minute visit on the 15-minute grid can move by a quarter of an hour into its own time,
    # but is not offered the time it already has.
    long_visit = AppointmentTypeFactory(
        practice=follow_up.practice, name="Long", duration_minutes=45, providers=[dana]
    )
    visit.appointment_type = long_visit
    visit.end = visit.start + long_visit.duration
    visit.save()
    moves = local_times(search(long_visit, visit_day, providers=[dana], moving=visit))
    assert "10:00" not in moves and {"09:30", "09:45", "10:15", "10:30"} <= set(moves)
    assert "10:15" not in local_times(search(long_visit, visit_day, providers=[dana]))
