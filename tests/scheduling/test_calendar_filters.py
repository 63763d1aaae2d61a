"""The calendar page and GET /api/v1/scheduling/appointments read one filter object, so they
show the same visits for the same request, the default day included: today on the location's
clock, which late in a Seattle evening is still the day before New York's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.core.testing.factories import LocationFactory
from praxis.scheduling.models import Appointment

pytestmark = pytest.mark.django_db
SEATTLE = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def seattle(practice):  # type: ignore[no-untyped-def]
    return LocationFactory(practice=practice, name="Seattle", time_zone="America/Los_Angeles")


def _visit_at(practice, patient, provider, location, appointment_type, day: date):  # type: ignore[no-untyped-def]
    start = datetime.combine(day, time(10), tzinfo=SEATTLE)
    return Appointment.objects.create(
        practice=practice, patient=patient, provider=provider, location=location,
        appointment_type=appointment_type, start=start, end=start + timedelta(minutes=30),
    )  # fmt: skip


def test_page_and_api_default_to_the_same_day_on_the_locations_clock(
    client_for, frontdesk_fay, monkeypatch, practice, paula, dana, follow_up, seattle
):
    client = client_for(frontdesk_fay)
    # 06:30 UTC: past midnight in New York (the practice), still the evening before in Seattle.
    now = datetime.now(UTC).replace(hour=6, minute=30, second=0, microsecond=0)
    if now > datetime.now(UTC):
        now -= timedelta(days=1)
    seattle_today = now.astimezone(SEATTLE).date()
    assert now.astimezone(ZoneInfo(practice.time_zone)).date() == seattle_today + timedelta(days=1)
    tonight = _visit_at(practice, paula, dana, seattle, follow_up, seattle_today)
    _visit_at(practice, paula, dana, seattle, follow_up, seattle_today + timedelta(days=1))
    monkeypatch.setattr(timezone, "now", lambda: now)

    page = client.get(reverse("scheduling:calendar"), {"location": seattle.pk, "mode": "week"})
    api = client.get("/api/v1/scheduling/appointments", {"location": seattle.pk})

    assert page.status_code == 200 and api.status_code == 200
    assert page.context["day"] == seattle_today
    assert f'value="{seattle_today.isoformat()}"' in page.content.decode()  # the date box
    shown_that_day = dict(page.context["week"])[seattle_today]
    assert [a.pk for a in shown_that_day] == [tonight.pk] == [a["id"] for a in api.json()]


def test_without_a_location_the_api_day_is_the_practices(
    client_for, frontdesk_fay, monkeypatch, practice, paula, dana, follow_up, seattle
):
    now = datetime.now(UTC).replace(hour=6, minute=30, second=0, microsecond=0)
    if now > datetime.now(UTC):
        now -= timedelta(days=1)
    new_york_today = now.astimezone(ZoneInfo(practice.time_zone)).date()
    _visit_at(practice, paula, dana, seattle, follow_up, new_york_today - timedelta(days=1))
    tomorrow_there = _visit_at(practice, paula, dana, seattle, follow_up, new_york_today)
    client = client_for(frontdesk_fay)
    monkeypatch.setattr(timezone, "now", lambda: now)

    api = client.get("/api/v1/scheduling/appointments")

    assert [a["id"] for a in api.json()] == [tomorrow_there.pk]


def test_the_today_button_goes_back_to_today_on_the_locations_clock(
    client_for, frontdesk_fay, seattle
):
    import re

    client = client_for(frontdesk_fay)
    far = client.get(
        reverse("scheduling:calendar"),
        {"location": seattle.pk, "date": "2027-03-02", "mode": "week", "by": "provider"},
    )
    link = re.search(r'href="([^"]+)" id="calendar-today"', far.content.decode())
    assert link is not None
    assert "date=" not in link.group(1) and "mode=week" in link.group(1)

    back = client.get(reverse("scheduling:calendar") + link.group(1).replace("&amp;", "&"))
    assert back.context["day"] == timezone.now().astimezone(SEATTLE).date()
