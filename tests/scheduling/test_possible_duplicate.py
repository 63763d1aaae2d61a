"""Booking the same patient twice for the same visit type on the same day is usually a slip (two
desks, a double click, a phone call and a walk-in): it is held back with a warning, never
refused outright. The page asks to confirm; the API answers 409 ``possible_duplicate`` unless the
body says ``"allow_duplicate": true``. One selector decides what counts as the same day."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from praxis.core.testing.assertions import page_text
from praxis.scheduling.models import Appointment
from praxis.scheduling.selectors import same_day_visits
from praxis.scheduling.testing import AppointmentTypeFactory
from praxis.scheduling.visits import appointment_cancel

from .conftest import book, local

pytestmark = pytest.mark.django_db
API = "/api/v1/scheduling/appointments"


@pytest.fixture
def morning(paula, dana, clinic, follow_up, visit_day):  # type: ignore[no-untyped-def]
    return book(paula, dana, clinic, follow_up, local(visit_day, 9))


def _form(patient, provider, location, appointment_type, start, **extra):  # type: ignore[no-untyped-def]
    return {
        "patient": patient.pk,
        "provider": provider.pk,
        "location": location.pk,
        "appointment_type": appointment_type.pk,
        "start": start.isoformat(),
        **extra,
    }


def test_the_same_type_the_same_local_day_is_a_possible_duplicate(
    practice, paula, dana, clinic, follow_up, visit_day, morning
):
    def found(appointment_type, start):  # type: ignore[no-untyped-def]
        return same_day_visits(
            patient=paula, appointment_type=appointment_type, location=clinic, start=start
        )

    assert found(follow_up, local(visit_day, 15)) == [morning]
    other_type = AppointmentTypeFactory(practice=practice, name="Physical", providers=[dana])
    assert found(other_type, local(visit_day, 15)) == []
    # 23:30 the evening before is already the next day in UTC, but not at the clinic
    assert found(follow_up, local(visit_day, 0, 30)) == [morning]
    assert found(follow_up, local(visit_day - timedelta(days=1), 23, 30)) == []
    appointment_cancel(appointment=morning, reason="Moved", cancelled_by=None)
    assert found(follow_up, local(visit_day, 15)) == []


def test_the_page_warns_and_books_only_once_confirmed(
    client_for, frontdesk_fay, paula, dana, lee, clinic, follow_up, visit_day, morning
):
    client = client_for(frontdesk_fay)
    data = _form(paula, lee, clinic, follow_up, local(visit_day, 15))

    warned = client.post(reverse("scheduling:book"), data)
    assert warned.status_code == 200
    text = page_text(warned)
    assert "Paula Patel already has a Follow-up on" in text
    assert "9:00 AM with Dr. Dana Dubois" in text
    assert Appointment.objects.filter(patient=paula).count() == 1

    unticked = client.post(reverse("scheduling:book"), data)  # the box left empty: still warned
    assert "already has a Follow-up" in page_text(unticked)
    assert Appointment.objects.filter(patient=paula).count() == 1

    booked = client.post(reverse("scheduling:book"), {**data, "allow_duplicate": "on"})
    second = Appointment.objects.get(patient=paula, provider=lee)
    assert booked["Location"] == reverse("scheduling:appointment", args=[second.pk])


def test_the_api_answers_409_possible_duplicate_unless_allowed(
    client_for, frontdesk_fay, paula, lee, clinic, follow_up, visit_day, morning
):
    client = client_for(frontdesk_fay)
    body = {
        "patient": paula.pk,
        "provider": lee.pk,
        "location": clinic.pk,
        "type": follow_up.pk,
        "start": local(visit_day, 15).isoformat(),
    }

    refused = client.post(API, data=json.dumps(body), content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "possible_duplicate"
    assert "already has a Follow-up" in refused.json()["message"]
    assert Appointment.objects.filter(patient=paula).count() == 1

    allowed = client.post(
        API, data=json.dumps({**body, "allow_duplicate": True}), content_type="application/json"
    )
    assert allowed.status_code == 201, allowed.content
    assert Appointment.objects.filter(patient=paula).count() == 2
