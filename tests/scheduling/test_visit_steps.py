"""A visit's day happens on its day: the desk checks a patient in (and the nurse rooms them) only
on the visit's date at its location, a no-show only once the visit was due, and the visit's page
offers exactly the steps the service would take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import page_text
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory
from praxis.scheduling.visits import allowed_steps, appointment_transition

from .conftest import NEW_YORK, local

pytestmark = pytest.mark.django_db
Status = Appointment.Status


def _visit(paula, dana, clinic, follow_up, start, status=Status.SCHEDULED):  # type: ignore[no-untyped-def]
    return AppointmentFactory(
        patient=paula,
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        start=start,
        status=status,
    )


@pytest.fixture
def tomorrows(paula, dana, clinic, follow_up):  # type: ignore[no-untyped-def]
    tomorrow = timezone.now().astimezone(NEW_YORK).date() + timedelta(days=1)
    return _visit(paula, dana, clinic, follow_up, local(tomorrow, 9))


@pytest.fixture
def due_now(paula, dana, clinic, follow_up):  # type: ignore[no-untyped-def]
    """A visit starting this very second: it is its day and it is due, whatever the hour."""
    return _visit(paula, dana, clinic, follow_up, timezone.now().replace(microsecond=0))


def test_the_evening_before_a_visit_it_cannot_be_checked_in(tomorrows, frontdesk_fay):
    with pytest.raises(ServiceError) as refused:
        appointment_transition(appointment=tomorrows, to_status="arrived", by=frontdesk_fay)
    day = tomorrows.start.astimezone(NEW_YORK).date()
    assert refused.value.messages == [
        f"A visit can be checked in only on its day ({day:%a, %b} {day.day}, {day.year})."
    ]
    tomorrows.refresh_from_db()
    assert tomorrows.status == Status.SCHEDULED and tomorrows.checked_in_at is None
    assert not AuditEvent.objects.filter(action="praxis.scheduling.appointment.arrived").exists()


def test_a_visit_checked_in_a_day_early_cannot_be_roomed_before_its_day(
    paula, dana, clinic, follow_up, clinical_cleo
):
    tomorrow = timezone.now().astimezone(NEW_YORK).date() + timedelta(days=1)
    early = _visit(paula, dana, clinic, follow_up, local(tomorrow, 9), status=Status.ARRIVED)
    room = clinic.rooms.get(name="Exam 1")
    with pytest.raises(ServiceError, match="roomed only on its day"):
        appointment_transition(appointment=early, to_status="in_room", by=clinical_cleo, room=room)
    early.refresh_from_db()
    assert early.status == Status.ARRIVED and early.room is None


def test_the_day_is_the_clinics_day_not_the_servers(paula, dana, clinic, follow_up):
    """00:30 in New York on Jan 15 is 05:30 UTC: at 23:00 New York time on Jan 14 (already Jan 15
    in UTC) it is not the visit's day yet; ten minutes after midnight it is."""
    visit = _visit(paula, dana, clinic, follow_up, datetime(2027, 1, 15, 0, 30, tzinfo=NEW_YORK))
    evening_before = datetime(2027, 1, 14, 23, 0, tzinfo=NEW_YORK).astimezone(UTC)
    assert evening_before.date() == visit.start.astimezone(UTC).date()
    assert allowed_steps(visit, now=evening_before) == [Status.CONFIRMED]
    just_after_midnight = datetime(2027, 1, 15, 0, 10, tzinfo=NEW_YORK)
    assert allowed_steps(visit, now=just_after_midnight) == [Status.CONFIRMED, Status.ARRIVED]
    after_the_start = datetime(2027, 1, 15, 0, 40, tzinfo=NEW_YORK)
    assert allowed_steps(visit, now=after_the_start) == [
        Status.CONFIRMED,
        Status.ARRIVED,
        Status.NO_SHOW,
    ]
    next_day = datetime(2027, 1, 16, 9, 0, tzinfo=NEW_YORK)
    assert Status.ARRIVED not in allowed_steps(visit, now=next_day)


def test_the_page_offers_only_the_steps_allowed_now(client_for, frontdesk_fay, tomorrows, due_now):
    client = client_for(frontdesk_fay)
    early = client.get(reverse("scheduling:appointment", args=[tomorrows.pk]))
    assert early.context["next_steps"] == ["confirmed"]
    text = page_text(early)
    assert "Mark confirmed" in text and "Check in" not in text and "No-show" not in text

    today = client.get(reverse("scheduling:appointment", args=[due_now.pk]))
    assert today.context["next_steps"] == ["confirmed", "arrived", "no_show"]
    assert "Check in" in page_text(today) and "No-show" in page_text(today)


def test_checking_in_on_the_day_then_rooming_works(
    client_for, frontdesk_fay, clinical_cleo, due_now, clinic
):
    url = reverse("scheduling:transition", args=[due_now.pk])
    client_for(frontdesk_fay).post(url, {"to": "arrived"})
    room = clinic.rooms.get(name="Exam 1")
    client_for(clinical_cleo).post(url, {"to": "in_room", "room": room.pk})
    due_now.refresh_from_db()
    assert due_now.status == Status.IN_ROOM and due_now.checked_in_at and due_now.room == room


def test_a_refused_check_in_through_the_page_says_why(client_for, frontdesk_fay, tomorrows):
    response = client_for(frontdesk_fay).post(
        reverse("scheduling:transition", args=[tomorrows.pk]), {"to": "arrived"}, follow=True
    )
    assert "only on its day" in page_text(response)
    tomorrows.refresh_from_db()
    assert tomorrows.status == Status.SCHEDULED
