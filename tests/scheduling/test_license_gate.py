"""Credentials gate operations: booking a provider whose state license is expired or missing on
the visit's date warns the front desk (page and API) or, when the practice says so, is refused;
the ready-for-tomorrow board shows each provider's license, in one query for the whole board."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import page_text
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import Appointment
from praxis.scheduling.readiness import readiness_rows
from praxis.scheduling.selectors import next_business_day
from praxis.staff.credentialing import settings_update
from praxis.staff.testing.factories import license_provider

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(practice):  # type: ignore[no-untyped-def]
    return next_business_day(practice=practice)


def book(patient, provider, location, visit_type, start, by=None):  # type: ignore[no-untyped-def]
    return appointment_book(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=visit_type,
        start=start,
        booked_by=by,
    )


def test_a_licensed_provider_books_without_a_word(practice, paula, dana, clinic, follow_up, day):
    license_provider(practice, dana.npi, expires_on=day + timedelta(days=1))
    visit = book(paula, dana, clinic, follow_up, local(day, 10))
    assert visit.license_warning == ""


def test_an_expired_license_warns_and_books(practice, paula, dana, clinic, follow_up, day):
    license_provider(practice, dana.npi, expires_on=day - timedelta(days=1))
    visit = book(paula, dana, clinic, follow_up, local(day, 10))
    assert "Dr. Dana Dubois: VT license" in visit.license_warning
    assert "expired on" in visit.license_warning
    assert Appointment.objects.count() == 1


def test_a_license_of_another_state_does_not_count(practice, paula, dana, clinic, follow_up, day):
    license_provider(practice, dana.npi, state="NH")
    visit = book(paula, dana, clinic, follow_up, local(day, 10))
    assert "no VT license on file" in visit.license_warning


def test_when_the_practice_blocks_the_booking_is_refused(
    practice, paula, dana, clinic, follow_up, day
):
    settings_update(practice=practice, booking_gate="block")
    license_provider(practice, dana.npi, expires_on=day - timedelta(days=1))
    with pytest.raises(ServiceError, match="does not book a provider without a current license"):
        book(paula, dana, clinic, follow_up, local(day, 10))
    assert not Appointment.objects.exists()


def test_the_front_desk_sees_the_warning_with_the_booking(
    client_for, frontdesk_fay, practice, paula, dana, clinic, follow_up, day
):
    desk = client_for(frontdesk_fay)
    form = {
        "patient": paula.pk,
        "provider": dana.pk,
        "location": clinic.pk,
        "appointment_type": follow_up.pk,
        "start": local(day, 10).isoformat(),
    }
    response = desk.post(reverse("scheduling:book"), form, follow=True)
    text = page_text(response)
    assert "Booked." in text
    assert "Dr. Dana Dubois: no VT license on file." in text


def test_the_api_answers_the_warning_or_the_refusal(
    client_for, manager_max, practice, paula, dana, clinic, follow_up, day
):
    client = client_for(manager_max)
    body = {
        "patient": paula.pk,
        "provider": dana.pk,
        "location": clinic.pk,
        "type": follow_up.pk,
        "start": local(day, 10).isoformat(),
    }
    url = "/api/v1/scheduling/appointments"
    booked = client.post(url, data=json.dumps(body), content_type="application/json")
    assert booked.status_code == 201
    assert booked.json()["warnings"] == [
        "Dr. Dana Dubois: no VT license on file. Booked anyway; record the renewed license on "
        "their staff page."
    ]
    settings_update(practice=practice, booking_gate="block")
    body.update(start=local(day, 11).isoformat(), allow_duplicate=True)
    refused = client.post(url, data=json.dumps(body), content_type="application/json")
    assert refused.status_code == 400
    assert "does not book a provider without a current license" in refused.json()["message"]


def test_the_board_shows_each_providers_license_in_one_query(
    practice, paula, dana, lee, clinic, follow_up, day
):
    license_provider(practice, dana.npi)
    license_provider(practice, lee.npi, expires_on=day - timedelta(days=3), name="Lee Park")
    book(paula, dana, clinic, follow_up, local(day, 9))
    book(paula, lee, clinic, follow_up, local(day, 10))
    with CaptureQueriesContext(connection) as ctx:
        _, rows = readiness_rows(practice=practice)
    licenses = [q for q in ctx.captured_queries if "staff_credential" in q["sql"]]
    assert len(licenses) == 1
    assert {r.appointment.provider.display_name: r.checks["credentials"] for r in rows} == {
        "Dr. Dana Dubois": True,
        "Dr. Lee Park": False,
    }
