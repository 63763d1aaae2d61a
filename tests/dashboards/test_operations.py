"""The Manager's operations figures, checked against a week worked out by hand, and the homes
that show them: figures, bars drawn on the server, the same queries however busy the week."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.models import (
    Appointment,
    AppointmentResource,
    AvailabilityException,
    WaitlistEntry,
)
from praxis.scheduling.operations import operations
from praxis.scheduling.testing import (
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    weekly_hours,
)

from .test_homes import main_text

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
TODAY = datetime.now(NEW_YORK).date()
MONDAY = TODAY - timedelta(days=TODAY.weekday())
WEDNESDAY = MONDAY + timedelta(days=2)
NOW = datetime.combine(WEDNESDAY, time(10), tzinfo=NEW_YORK)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture
def week(practice, location, frontdesk_fay):  # type: ignore[no-untyped-def]
    """Dr. Dana works 8-10 Monday to Friday (600 minutes) with Wednesday 8-9 off (540 open);
    Dr. Lee has no hours. Dana's week: five visits that take time (one a no-show), one late
    cancellation and one future cancellation; the 8:00 Monday visit holds Exam 1."""
    dana = ProviderFactory(practice=practice, display_name="Dr. Dana Dubois")
    ProviderFactory(practice=practice, display_name="Dr. Lee Park")
    weekly_hours(dana, location, start=time(8), end=time(10), weekdays=range(5))
    AvailabilityException.objects.create(
        provider=dana,
        start=at(WEDNESDAY, 8),
        end=at(WEDNESDAY, 9),
        kind=AvailabilityException.Kind.TIME_OFF,
    )
    kind = AppointmentTypeFactory(practice=practice, duration_minutes=30, providers=[dana])
    exam = ResourceFactory(location=location, name="Exam 1", room=location.rooms.get())
    patient = PatientFactory(practice=practice)

    def visit(start, status=Appointment.Status.SCHEDULED, **extra):  # type: ignore[no-untyped-def]
        return Appointment.objects.create(
            practice=practice,
            patient=patient,
            provider=dana,
            location=location,
            appointment_type=kind,
            start=start,
            end=start + timedelta(minutes=30),
            status=status,
            **extra,
        )

    first = visit(at(MONDAY, 8), Appointment.Status.COMPLETED)
    AppointmentResource.objects.create(
        appointment=first, resource=exam, start=first.start, end=first.end, active=True
    )
    visit(at(MONDAY, 9), Appointment.Status.NO_SHOW)
    visit(at(MONDAY + timedelta(days=1), 9), Appointment.Status.COMPLETED)
    visit(at(MONDAY + timedelta(days=1), 9, 30), Appointment.Status.CANCELLED, late_cancel=True)
    visit(at(WEDNESDAY, 9, 30), Appointment.Status.ARRIVED)
    visit(at(WEDNESDAY + timedelta(days=1), 8), Appointment.Status.CANCELLED)
    visit(at(WEDNESDAY + timedelta(days=2), 8, 30))
    WaitlistEntry.objects.create(
        practice=practice,
        patient=patient,
        appointment_type=kind,
        earliest_date=TODAY,
        latest_date=TODAY + timedelta(days=14),
        created_by=frontdesk_fay,
    )
    return practice


def test_the_figures_of_a_week_worked_out_by_hand(week):
    ops = operations(week, now=NOW)

    assert ops.today == WEDNESDAY and ops.week == (MONDAY, MONDAY + timedelta(days=6))
    assert (ops.visits_today, ops.visits_week) == (1, 5)
    # due before Wednesday 10:00: four kept (one a no-show) and one late cancellation
    assert (ops.no_shows.count, ops.no_shows.out_of, ops.no_shows.percent) == (1, 4, 25)
    assert (ops.late_cancels.count, ops.late_cancels.out_of, ops.late_cancels.percent) == (1, 5, 20)
    dana, lee = ops.providers
    assert (dana.label, dana.booked_minutes, dana.open_minutes, dana.percent) == (
        "Dr. Dana Dubois",
        150,
        540,
        28,
    )
    assert (lee.booked_minutes, lee.open_minutes, lee.percent) == (0, 0, None)
    [exam] = ops.rooms
    assert (exam.label, exam.booked_minutes, exam.open_minutes, exam.percent) == (
        "Exam 1 (Main Street Clinic)",
        30,
        540,
        6,
    )
    assert ops.waitlist == 1


@pytest.mark.parametrize("who", ["manager_max", "admin_ada"])
def test_the_homes_show_the_figures_and_bars(week, client_for, request, who):
    url = reverse("dashboards:manager" if who == "manager_max" else "dashboards:administrator")
    response = client_for(request.getfixturevalue(who)).get(url)

    html = response.content.decode()
    text = main_text(response)
    assert "Visits this week" in text and "No-show rate, 30 days" in text
    assert "Utilization, week of" in text and "Dr. Dana Dubois" in text
    assert 'role="img"' in html and "<rect" in html and "style=" not in html.split("<main", 1)[1]
    assert reverse("scheduling:board") in html and reverse("scheduling:waitlist") in html


@pytest.mark.usefixtures("session_seen_once")
def test_the_manager_home_costs_the_same_queries_on_a_busier_week(
    week, client_for, manager_max, location
):
    client = client_for(manager_max)
    client.get(reverse("dashboards:manager"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboards:manager")).status_code == 200
        return len(captured)

    few = queries()
    for k in range(3):
        extra = ProviderFactory(practice=week, display_name=f"Dr. Extra {k}")
        weekly_hours(extra, location, start=time(8), end=time(12), weekdays=range(5))
        ResourceFactory(location=location, name=f"Exam {k + 2}")
    assert queries() == few


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0 min"), (45, "45 min"), (120, "2 h"), (1580, "26 h 20 min")]
)
def test_minutes_read_as_hours(minutes, text):
    from praxis.scheduling.operations import hours_and_minutes

    assert hours_and_minutes(minutes) == text
