"""The front desk moves a booked visit to the first slot Praxis offers."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from praxis.core import datefmt
from praxis.core.models import Location, Practice, User
from praxis.core.testing.personas import PASSWORD
from praxis.core.time import local_to_utc, zone_of
from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory, weekly_hours

pytestmark = pytest.mark.e2e


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_front_desk_reschedules_a_visit_to_the_first_offered_slot(
    page: Any, frontdesk_fay: User, practice: Practice, location: Location, screenshot: Any
) -> None:
    dana = ProviderFactory(practice=practice, display_name="Dr. Dana Dubois")
    weekly_hours(dana, location, start=time(8), end=time(18))
    follow_up = AppointmentTypeFactory(
        practice=practice, name="Follow-up", duration_minutes=30, providers=[dana]
    )
    patient = PatientFactory(practice=practice, legal_first_name="José", legal_last_name="Núñez")
    day = timezone.localdate() + timedelta(days=10)
    visit = appointment_book(
        patient=patient,
        provider=dana,
        location=location,
        appointment_type=follow_up,
        start=local_to_utc(datetime.combine(day, time(15)), zone_of(location)),
        booked_by=None,
    )

    _sign_in(page, frontdesk_fay.email)
    page.goto(f"/scheduling/appointments/{visit.pk}/")
    page.get_by_role("link", name="Reschedule").click()
    first_slot = page.locator("#slots tbody tr").first
    when = first_slot.locator("td").first.inner_text()
    screenshot(page, "front-desk-reschedule")
    first_slot.get_by_role("button", name="Move here").click()

    assert page.url.endswith(f"/scheduling/appointments/{visit.pk}/")
    assert "Moved to" in page.locator(".alert-success, [role=alert]").first.inner_text()
    visit.refresh_from_db()
    local_start = visit.start.astimezone(zone_of(location))
    assert f"{datefmt.brief(local_start)}, {datefmt.time(local_start)}" in when
    assert local_start.date() < day  # the first offered slot is earlier than the old visit
    screenshot(page, "front-desk-rescheduled")
