"""Daylight saving in New York: the clinic's clock is what patients and staff live by.

- the spring-forward gap (02:00 to 03:00 on Sunday 14 March 2027) is never offered;
- the 23-hour and 25-hour days have as many slots as their wall-clock hours allow, and the
  repeated hour of the fall-back day (7 November 2027) is offered twice, as two instants;
- a weekly 09:00 visit stays at 09:00 on the clock across both changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from praxis.core import datefmt
from praxis.core import time as wallclock
from praxis.core.service_support import ServiceError
from praxis.scheduling.series import SeriesRefused, series_book
from praxis.scheduling.slots import slot_search
from praxis.scheduling.testing import ProviderFactory, weekly_hours

from .conftest import NEW_YORK, local

pytestmark = pytest.mark.django_db

SPRING_FORWARD = date(2027, 3, 14)
FALL_BACK = date(2027, 11, 7)
ORDINARY_SUNDAY = date(2027, 3, 7)
SUNDAY = 6


@pytest.fixture
def night_owl(practice, clinic, follow_up):  # type: ignore[no-untyped-def]
    """Dr. Owl works Sunday nights 01:00-04:00, right across the changes."""
    owl = ProviderFactory(practice=practice, display_name="Dr. Owl")
    weekly_hours(owl, clinic, start=time(1), end=time(4), weekdays=[SUNDAY])
    follow_up.providers.add(owl)
    return owl


def sunday_slots(follow_up, owl, day):  # type: ignore[no-untyped-def]
    return slot_search(
        appointment_type=follow_up,
        providers=[owl],
        start_date=day,
        end_date=day,
        limit=100,
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_the_spring_forward_gap_is_never_offered(follow_up, night_owl):
    slots = sunday_slots(follow_up, night_owl, SPRING_FORWARD)
    assert [s.local_start.strftime("%H:%M %Z") for s in slots] == [
        "01:00 EST",
        "01:30 EST",
        "03:00 EDT",
        "03:30 EDT",
    ]
    # 01:30 EST + 30 minutes is 03:00 EDT: the slots are back to back in real time
    assert slots[2].start - slots[1].start == timedelta(minutes=30)


def test_the_repeated_hour_is_offered_twice_as_distinct_instants(follow_up, night_owl):
    slots = sunday_slots(follow_up, night_owl, FALL_BACK)
    assert [s.local_start.strftime("%H:%M %Z") for s in slots] == [
        "01:00 EDT",
        "01:30 EDT",
        "01:00 EST",
        "01:30 EST",
        "02:00 EST",
        "02:30 EST",
        "03:00 EST",
        "03:30 EST",
    ]
    assert len({s.start for s in slots}) == 8


@pytest.mark.parametrize(
    ("day", "hours", "slots"),
    [(ORDINARY_SUNDAY, 24, 47), (SPRING_FORWARD, 23, 45), (FALL_BACK, 25, 49)],
)
def test_whole_days_have_the_slots_their_hours_allow(
    practice, clinic, follow_up, day, hours, slots
):
    allday = ProviderFactory(practice=practice, display_name="Dr. Allday")
    weekly_hours(allday, clinic, start=time(0), end=time(23, 30), weekdays=[SUNDAY])
    follow_up.providers.add(allday)
    start, end = wallclock.day_bounds(day, NEW_YORK)
    assert end - start == timedelta(hours=hours)
    found = sunday_slots(follow_up, allday, day)
    assert len(found) == slots
    assert all(s.local_start.date() == day for s in found)


def test_weekly_hours_stay_at_the_same_wall_clock_time_across_the_change(follow_up, dana):
    mondays = slot_search(
        appointment_type=follow_up,
        providers=[dana],
        start_date=date(2027, 3, 8),
        end_date=date(2027, 3, 15),
        limit=1000,
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )
    first = {s.local_start.date(): s for s in reversed(mondays)}  # the first slot of each day
    before, after = first[date(2027, 3, 8)], first[date(2027, 3, 15)]
    assert before.local_start.time() == after.local_start.time() == time(8)
    assert (before.start.hour, after.start.hour) == (13, 12)  # UTC moves, the clinic's clock not


def next_change(after: date, *, forward: bool) -> date:
    """The next day after `after` on which New York's clocks go forward (or back)."""
    day = after + timedelta(days=1)
    while True:
        before, later = (local(day, 0).utcoffset(), local(day + timedelta(days=1), 0).utcoffset())
        assert before is not None and later is not None
        if (later > before) if forward else (later < before):
            return day
        day += timedelta(days=1)


@pytest.mark.parametrize("forward", [True, False], ids=["spring", "fall"])
def test_a_weekly_9am_series_stays_at_9am_across_the_change(
    frontdesk_fay, paula, dana, clinic, follow_up, forward
):
    today = datetime.now(NEW_YORK).date()
    change = next_change(today + timedelta(days=10), forward=forward)
    series = series_book(
        patient=paula,
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        first_start=local(change - timedelta(days=8), 9),
        count=3,
        booked_by=frontdesk_fay,
    )
    visits = list(series.appointments.order_by("start"))
    assert [v.start.astimezone(NEW_YORK).time() for v in visits] == [time(9)] * 3
    offsets = [v.start.astimezone(NEW_YORK).utcoffset() for v in visits]
    assert offsets[0] != offsets[2]  # the change happened in between
    assert visits[2].start - visits[0].start == timedelta(weeks=2) + (offsets[0] - offsets[2])


def test_a_series_time_the_clocks_skip_is_reported_and_nothing_booked(
    frontdesk_fay, paula, clinic, follow_up, practice
):
    sunday_owl = ProviderFactory(practice=practice, display_name="Dr. Sunday Owl")
    weekly_hours(sunday_owl, clinic, start=time(0), end=time(6), weekdays=[SUNDAY])
    follow_up.providers.add(sunday_owl)
    change = next_change(datetime.now(NEW_YORK).date() + timedelta(days=7), forward=True)
    with pytest.raises(SeriesRefused) as refused:
        series_book(
            patient=paula,
            provider=sunday_owl,
            location=clinic,
            appointment_type=follow_up,
            first_start=local(change - timedelta(weeks=1), 2, 30),
            count=2,
            booked_by=frontdesk_fay,
        )
    [problem] = refused.value.problems
    assert problem.start is None
    assert problem.local_label == f"{datefmt.day(change)}, 2:30 AM"
    assert "clocks skip" in problem.message
    assert not sunday_owl.appointments.exists()


def test_a_typed_time_in_the_gap_is_refused_and_a_fold_time_can_be_either():
    with pytest.raises(ServiceError) as refused:
        wallclock.local_to_utc(datetime(2027, 3, 14, 2, 30), NEW_YORK)
    assert refused.value.messages == [
        "2:30 AM does not exist on Mar 14, 2027 in America/New_York: the clocks go forward at "
        "that time. Pick a time after the change."
    ]
    first = wallclock.local_to_utc(datetime(2027, 11, 7, 1, 30), NEW_YORK)
    second = wallclock.local_to_utc(datetime(2027, 11, 7, 1, 30), NEW_YORK, fold=1)
    assert second - first == timedelta(hours=1)
    assert wallclock.is_ambiguous(datetime(2027, 11, 7, 1, 30), NEW_YORK)


def test_window_boundaries_in_a_gap_move_to_where_the_clock_resumes():
    resume = wallclock.boundary(SPRING_FORWARD, time(2, 30), NEW_YORK)
    assert resume == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)  # 03:00 EDT
    assert resume.astimezone(NEW_YORK).time() == time(3)
