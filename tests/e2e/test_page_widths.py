"""Pages fit the screen they are on: the week is seven days side by side on a laptop, the
Administrator's top bar never scrolls sideways, and on a phone a wide table scrolls inside
itself instead of widening the page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.core.models import Location, Practice, User
from praxis.core.testing.personas import PASSWORD
from praxis.core.time import local_to_utc, zone_of
from praxis.patients.testing.factories import CoverageFactory, PatientFactory
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.selectors import next_business_day
from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory, weekly_hours

pytestmark = pytest.mark.e2e


def _sign_in(page: Any, user: User) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/login/verify/" in page.url:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.get_by_role("textbox", name="Code", exact=True).fill(f"{code:0{device.digits}d}")
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/home/**")


def _document_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.fixture
def week(practice: Practice, location: Location) -> dict[str, Any]:
    """Next week, with a visit on its Monday and one on its Sunday."""
    dana = ProviderFactory(practice=practice, display_name="Dr. Dana Dubois")
    weekly_hours(dana, location, start=time(8), end=time(18))
    follow_up = AppointmentTypeFactory(
        practice=practice, name="Follow-up", duration_minutes=30, providers=[dana]
    )
    patient = PatientFactory(practice=practice, legal_first_name="José", legal_last_name="Núñez")
    today = timezone.now().astimezone(zone_of(location)).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    for day in (monday, monday + timedelta(days=6)):
        appointment_book(
            patient=patient,
            provider=dana,
            location=location,
            appointment_type=follow_up,
            booked_by=None,
            start=local_to_utc(datetime.combine(day, time(10)), zone_of(location)),
        )
    return {"monday": monday, "provider": dana, "type": follow_up, "patient": patient}


def test_week_view_puts_monday_and_sunday_on_one_row_at_1366(
    page: Any, frontdesk_fay: User, location: Location, week: dict[str, Any], screenshot: Any
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, frontdesk_fay)
    page.goto(f"/scheduling/?location={location.pk}&mode=week&date={week['monday']:%Y-%m-%d}")

    days = page.locator("#week-grid > *")
    assert days.count() == 7
    monday, sunday = days.nth(0).bounding_box(), days.nth(6).bounding_box()
    assert monday["y"] == sunday["y"], "Monday and Sunday are not on the same row"
    assert sunday["x"] > monday["x"]
    assert page.evaluate("document.documentElement.scrollHeight") < 1500
    assert _document_width(page) <= 1366
    screenshot(page, "week-1366")


@pytest.mark.parametrize("width", [1200, 1366, 1400, 1480])
def test_administrator_top_bar_fits_the_window(page: Any, admin_ada: User, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, admin_ada)
    assert "/home/administrator/" in page.url
    assert _document_width(page) <= width
    sign_out = page.locator("form[action='/logout/'] button")
    box = sign_out.bounding_box()  # not clipped off the right edge
    assert box is not None and box["x"] + box["width"] <= width


def test_tables_scroll_inside_themselves_on_a_phone(
    page: Any,
    frontdesk_fay: User,
    practice: Practice,
    location: Location,
    week: dict[str, Any],
    screenshot: Any,
) -> None:
    patient = week["patient"]
    CoverageFactory(patient=patient, member_id="MEMBER-0000000001-LONG-IDENTIFIER")
    tomorrow = next_business_day(practice=practice)
    appointment_book(
        patient=patient,
        provider=week["provider"],
        location=location,
        appointment_type=week["type"],
        booked_by=None,
        start=local_to_utc(datetime.combine(tomorrow, time(15)), zone_of(location)),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, frontdesk_fay)
    pages = {
        "patient-coverages": f"/patients/{patient.pk}/",
        "patient-list": "/patients/",
        "ready-board": "/scheduling/ready/",
        "calendar-day": f"/scheduling/?location={location.pk}&date={tomorrow:%Y-%m-%d}",
        "calendar-week": f"/scheduling/?location={location.pk}&mode=week",
        "waitlist": "/scheduling/waitlist/",
        "feeds": "/scheduling/feeds/",
    }
    too_wide = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        screenshot(page, f"phone-{name}")
        if _document_width(page) > 390:
            too_wide[name] = _document_width(page)
    assert too_wide == {}
