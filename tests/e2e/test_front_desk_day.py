"""The front desk books a visit and checks the patient in; the Manager checks tomorrow's board."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from praxis.core import datefmt
from praxis.core.models import Location, Practice, User
from praxis.core.testing.personas import PASSWORD
from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory, weekly_hours

pytestmark = pytest.mark.e2e


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def schedule(practice: Practice, location: Location) -> dict[str, Any]:
    dana = ProviderFactory(practice=practice, display_name="Dr. Dana Dubois")
    weekly_hours(dana, location, start=time(8), end=time(18))
    follow_up = AppointmentTypeFactory(
        practice=practice, name="Follow-up", duration_minutes=30, providers=[dana]
    )
    patient = PatientFactory(practice=practice, legal_first_name="José", legal_last_name="Núñez")
    return {"provider": dana, "type": follow_up, "patient": patient}


def test_front_desk_books_the_first_open_slot_and_checks_the_patient_in(
    page: Any, frontdesk_fay: User, schedule: dict[str, Any], location: Location, screenshot: Any
) -> None:
    _sign_in(page, frontdesk_fay.email)
    page.get_by_role("link", name="Patients").first.click()
    page.locator("#id_q").fill("nunez")  # no accent, lower case
    page.locator("#results").get_by_role("link", name=re.compile("Núñez")).first.click()
    page.get_by_role("link", name="Book a visit").click()

    page.get_by_label("Visit type").select_option(label="Follow-up")
    page.get_by_label("Location").select_option(label=location.name)
    page.get_by_role("button", name="Find open slots").click()
    first_slot = page.locator("#slots tbody tr").first
    when = first_slot.locator("td").first.inner_text()
    first_slot.get_by_role("button", name="Book").click()

    assert "/scheduling/appointments/" in page.url
    assert page.locator("#appointment-status").inner_text().startswith("Scheduled")
    appointment = Appointment.objects.get(patient=schedule["patient"])
    local_start = appointment.start.astimezone(ZoneInfo(location.time_zone))
    assert (
        f"{datefmt.brief(local_start)}, {datefmt.time(local_start)}" in when
    )  # "Mon, Dec 7, 1:00 PM"

    # The first free slot may be tomorrow, and a visit is checked in only on its day: the day
    # comes (the visit moves to now) and the desk opens its page again.
    now = timezone.now().replace(microsecond=0)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=now, end=now + (appointment.end - appointment.start)
    )
    page.reload()
    page.get_by_role("button", name="Check in").click()
    assert page.locator("#appointment-status").inner_text().startswith("Arrived")
    appointment.refresh_from_db()
    assert appointment.status == "arrived" and appointment.checked_in_at is not None
    screenshot(page, "front-desk-checked-in")


def test_manager_filters_tomorrows_board_to_unverified_coverage(
    page: Any,
    manager_max: User,
    schedule: dict[str, Any],
    location: Location,
    practice: Practice,
    screenshot: Any,
) -> None:
    from praxis.core.time import local_to_utc, zone_of
    from praxis.patients.testing.factories import CoverageFactory
    from praxis.scheduling.booking import appointment_book
    from praxis.scheduling.selectors import next_business_day

    day = next_business_day(practice=practice)
    verified = PatientFactory(
        practice=practice, legal_first_name="Vera", legal_last_name="Verified"
    )
    CoverageFactory(
        patient=verified, eligibility_status="active", eligibility_checked_at=timezone.now()
    )
    for hour, patient in ((9, schedule["patient"]), (10, verified)):
        appointment_book(
            patient=patient,
            provider=schedule["provider"],
            location=location,
            appointment_type=schedule["type"],
            booked_by=None,
            start=local_to_utc(datetime.combine(day, time(hour)), zone_of(location)),
        )

    _sign_in(page, manager_max.email)
    page.get_by_role("link", name="Ready for tomorrow").click()
    assert page.locator("#board tbody tr").count() == 2
    page.get_by_label("Coverage not verified").check()
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#board tbody tr")
    assert rows.count() == 1
    assert "Núñez" in rows.first.inner_text()
    screenshot(page, "manager-ready-board")
