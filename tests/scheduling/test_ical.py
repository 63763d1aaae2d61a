"""Calendar files: Paula's visit as an .ics she can add to her calendar, and Dr. Dana's private
feed of the coming weeks (no patient names), across the spring-forward change in New York."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from praxis.core.testing.factories import LocationFactory
from praxis.scheduling import ical
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import ProviderFeedToken
from praxis.scheduling.testing import AppointmentFactory, ProviderFactory

from .conftest import NEW_YORK, local, make_patient


def _events(body: bytes) -> list:  # type: ignore[type-arg]
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_a_visit_downloads_as_an_ics(
    client_for, frontdesk_fay, paula, dana, clinic, follow_up, visit_day
):
    visit = appointment_book(
        patient=paula,
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        start=local(visit_day, 10),
        booked_by=None,
    )
    response = client_for(frontdesk_fay).get(f"/scheduling/appointments/{visit.pk}/ical")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="visit-{visit.pk}.ics"'
    cal = Calendar.from_ical(response.content)
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "America/New_York"
    [event] = _events(response.content)
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, start.tzinfo.key) == (10, 0, "America/New_York")
    assert event.decoded("DTEND") - start == timedelta(minutes=30)
    assert str(event["SUMMARY"]) == "Follow-up with Dr. Dana Dubois"
    assert "Main Street Clinic" in str(event["LOCATION"])
    assert b"Patel" not in response.content and b"Paula" not in response.content


def test_local_times_hold_across_the_clock_change(
    client_for, frontdesk_fay, paula, dana, clinic, follow_up
):
    # 09:00 on the Friday before and the Monday after spring-forward (14 March 2027).
    before, after = (
        AppointmentFactory(
            provider=dana,
            location=clinic,
            appointment_type=follow_up,
            patient=paula,
            start=datetime(2027, 3, d, 9, tzinfo=NEW_YORK),
        )
        for d in (12, 15)
    )
    assert before.start.utcoffset() != after.start.utcoffset()
    client = client_for(frontdesk_fay)
    for visit in (before, after):
        body = client.get(f"/scheduling/appointments/{visit.pk}/ical").content
        cal = Calendar.from_ical(body)
        [tz] = cal.walk("VTIMEZONE")
        assert {c.name for c in tz.subcomponents} & {"STANDARD", "DAYLIGHT"}
        [event] = _events(body)
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (9, 0)
        assert start == visit.start  # the same instant
        assert b"TZID=America/New_York" in body


def test_another_practices_visit_is_a_404(client_for, frontdesk_fay, other_practice):
    elsewhere = AppointmentFactory(
        provider=ProviderFactory(practice=other_practice),
        location=LocationFactory(practice=other_practice),
        patient=make_patient(other_practice, "Olga", "Other"),
        start=datetime(2030, 1, 7, 9, tzinfo=NEW_YORK),
    )
    response = client_for(frontdesk_fay).get(f"/scheduling/appointments/{elsewhere.pk}/ical")
    assert response.status_code == 404


def test_who_may_download(client_for, hr_hana, paula, dana, clinic, follow_up):
    visit = AppointmentFactory(
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        patient=paula,
        start=datetime(2030, 1, 7, 9, tzinfo=NEW_YORK),
    )
    assert client_for(hr_hana).get(f"/scheduling/appointments/{visit.pk}/ical").status_code == 403


# --- provider feeds ------------------------------------------------------------------------------


@pytest.fixture
def danas_weeks(paula, dana, lee, clinic, follow_up, visit_day):  # type: ignore[no-untyped-def]
    today = visit_day - timedelta(days=9)
    rows = {}
    for name, day, status in [
        ("last_month", today - timedelta(days=20), "completed"),
        ("too_old", today - timedelta(days=40), "completed"),
        ("soon", visit_day, "scheduled"),
        ("cancelled", visit_day + timedelta(days=1), "cancelled"),
        ("too_far", today + timedelta(days=100), "scheduled"),
    ]:
        rows[name] = AppointmentFactory(
            provider=dana,
            location=clinic,
            appointment_type=follow_up,
            patient=paula,
            start=local(day, 9),
            status=status,
        )
    rows["lees"] = AppointmentFactory(
        provider=lee,
        location=clinic,
        appointment_type=follow_up,
        patient=paula,
        start=local(visit_day, 11),
    )
    return rows


def test_the_feed_shows_the_providers_weeks_without_patients(danas_weeks, dana):
    token = ical.feed_token_create(provider=dana, by=None)
    response = Client().get(f"/scheduling/feeds/{token}.ics")
    assert response.status_code == 200
    events = _events(response.content)
    uids = {str(e["UID"]) for e in events}
    expected = {
        f"appointment-{danas_weeks[n].pk}@praxis" for n in ("last_month", "soon", "cancelled")
    }
    assert uids == expected
    assert {str(e["SUMMARY"]) for e in events} == {"Visit: Follow-up"}
    status = {str(e["UID"]): str(e["STATUS"]) for e in events}
    assert status[f"appointment-{danas_weeks['cancelled'].pk}@praxis"] == "CANCELLED"
    assert status[f"appointment-{danas_weeks['soon'].pk}@praxis"] == "TENTATIVE"
    assert b"Patel" not in response.content and b"Paula" not in response.content
    assert Calendar.from_ical(response.content).walk("VTIMEZONE")
    # only the hash is stored
    assert not ProviderFeedToken.objects.filter(token_hash=token).exists()


def test_revoked_and_replaced_feeds_are_404(dana):
    first = ical.feed_token_create(provider=dana, by=None)
    second = ical.feed_token_create(provider=dana, by=None)  # replaces the first
    assert Client().get(f"/scheduling/feeds/{first}.ics").status_code == 404
    assert Client().get(f"/scheduling/feeds/{second}.ics").status_code == 200
    ical.feed_token_revoke(feed=ProviderFeedToken.objects.get(revoked_at__isnull=True), by=None)
    assert Client().get(f"/scheduling/feeds/{second}.ics").status_code == 404
    assert Client().get("/scheduling/feeds/not-a-token.ics").status_code == 404


def test_a_provider_makes_their_own_feed_once_shown(client_for, dr_dana, dana, lee):
    client = client_for(dr_dana)
    page = client.get("/scheduling/feeds/")
    assert page.status_code == 200
    assert b"Dr. Dana Dubois" in page.content and b"Dr. Lee Park" not in page.content
    assert client.post("/scheduling/feeds/new/", {"provider": lee.pk}).status_code == 404
    response = client.post("/scheduling/feeds/new/", {"provider": dana.pk}, follow=True)
    assert b"/scheduling/feeds/" in response.content and b"new-feed-url" in response.content
    again = client.get("/scheduling/feeds/")
    assert b"new-feed-url" not in again.content  # shown once
    feed = ProviderFeedToken.objects.get(provider=dana)
    client.post(f"/scheduling/feeds/{feed.pk}/revoke/")
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_the_manager_manages_every_providers_feed(client_for, manager_max, dana, lee):
    client = client_for(manager_max)
    page = client.get("/scheduling/feeds/")
    assert b"Dr. Dana Dubois" in page.content and b"Dr. Lee Park" in page.content
    assert client.post("/scheduling/feeds/new/", {"provider": lee.pk}).status_code == 302
    assert ProviderFeedToken.objects.filter(provider=lee).count() == 1


def test_the_front_desk_manages_no_feed(client_for, frontdesk_fay, dana):
    client = client_for(frontdesk_fay)
    assert client.post("/scheduling/feeds/new/", {"provider": dana.pk}).status_code == 404
    feed_token = ical.feed_token_create(provider=dana, by=None)
    assert feed_token
    feed = ProviderFeedToken.objects.get(provider=dana)
    assert client.post(f"/scheduling/feeds/{feed.pk}/revoke/").status_code == 404


def test_home_and_video_visits_say_where_they_happen(client_for, frontdesk_fay, dana, clinic):
    from praxis.scheduling.testing import AppointmentTypeFactory

    home = AppointmentTypeFactory(
        practice=dana.practice, name="Home visit", visit_mode="home_visit", providers=[dana]
    )
    video = AppointmentTypeFactory(
        practice=dana.practice, name="Video visit", visit_mode="telehealth", providers=[dana]
    )
    hank = make_patient(
        dana.practice, "Hank", "Hill", address_line1="84 Rainey Street", city="Arlen",
        state="VT", postal_code="05401",
    )  # fmt: skip
    day = datetime.now(NEW_YORK).date() + timedelta(days=3)
    at_home = AppointmentFactory(
        provider=dana, location=clinic, appointment_type=home, patient=hank, start=local(day, 9)
    )
    by_video = AppointmentFactory(
        provider=dana, location=clinic, appointment_type=video, patient=hank, start=local(day, 11)
    )
    fay = client_for(frontdesk_fay)
    [event] = _events(fay.get(f"/scheduling/appointments/{at_home.pk}/ical").content)
    assert str(event["LOCATION"]) == "84 Rainey Street, Arlen, VT 05401"
    [event] = _events(fay.get(f"/scheduling/appointments/{by_video.pk}/ical").content)
    assert str(event["LOCATION"]) == "Telehealth (video visit)"

    # The provider's feed says where in general terms only: the address stays in Praxis.
    token = ical.feed_token_create(provider=dana, by=None)
    body = Client().get(f"/scheduling/feeds/{token}.ics").content
    places = {str(e["SUMMARY"]): str(e["LOCATION"]) for e in _events(body)}
    assert places == {
        "Visit: Home visit": "Home visit",
        "Visit: Video visit": "Telehealth (video visit)",
    }
    assert b"Rainey" not in body and b"Hank" not in body
