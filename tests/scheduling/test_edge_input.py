"""Edge input is a 400/422 with a message, never a 500: dates far outside any practice's life
(9999-12-31, 0001-01-01), ids beyond 64 bits, a time of day with a zone. Each of these answered
500 before the supported range and the id range were checked at the edge."""

from __future__ import annotations

import json

import pytest

from praxis.scheduling.models import Appointment

from .conftest import book, local

pytestmark = pytest.mark.django_db
API = "/api/v1/scheduling"
EDGE_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"]
HUGE = 2**64 + 1


@pytest.fixture
def fay(client_for, frontdesk_fay):  # type: ignore[no-untyped-def]
    return client_for(frontdesk_fay)


def post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def assert_refused_with_message(response, status: int = 422) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert body["errors"][0]["message"]


@pytest.mark.parametrize("day", EDGE_DATES)
@pytest.mark.parametrize("page", ["/scheduling/", "/scheduling/ready/"])
def test_calendar_and_board_refuse_a_date_out_of_range(fay, clinic, page, day):
    response = fay.get(page, {"date": day, "mode": "week"})
    assert response.status_code == 400
    assert "between" in response.content.decode()


@pytest.mark.parametrize("day", EDGE_DATES)
def test_the_find_page_refuses_a_date_out_of_range(fay, paula, clinic, follow_up, day):
    response = fay.get(
        "/scheduling/find/",
        {
            "patient": paula.pk,
            "appointment_type": follow_up.pk,
            "location": clinic.pk,
            "from_date": day,
        },
    )
    assert response.status_code == 400
    assert "between" in response.content.decode() or "later date" in response.content.decode()


@pytest.mark.parametrize("day", EDGE_DATES)
def test_the_day_list_refuses_a_date_out_of_range(fay, clinic, day):
    assert_refused_with_message(fay.get(f"{API}/appointments", {"date": day}))


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("day", EDGE_DATES)
def test_slots_refuse_a_date_out_of_range(fay, clinic, follow_up, dana, field, day):
    response = fay.get(f"{API}/slots", {"type": follow_up.pk, field: day})
    assert_refused_with_message(response)


def test_slots_refuse_a_date_range_that_ends_far_away(fay, clinic, follow_up, dana):
    response = fay.get(f"{API}/slots", {"type": follow_up.pk, "start": "2199-12-25"})
    assert response.status_code in (200, 422), response.content[:300]


@pytest.mark.parametrize("field", ["patient", "provider", "location", "type"])
def test_booking_refuses_an_id_beyond_64_bits(
    fay, paula, dana, clinic, follow_up, visit_day, field
):
    body = {
        "patient": paula.pk,
        "provider": dana.pk,
        "location": clinic.pk,
        "type": follow_up.pk,
        "start": local(visit_day, 10).isoformat(),
        field: HUGE,
    }
    assert_refused_with_message(post(fay, f"{API}/appointments", body))


def test_booking_refuses_a_resource_id_beyond_64_bits(
    fay, paula, dana, clinic, follow_up, visit_day
):
    body = {
        "patient": paula.pk,
        "provider": dana.pk,
        "location": clinic.pk,
        "type": follow_up.pk,
        "start": local(visit_day, 10).isoformat(),
        "resources": [HUGE],
    }
    assert_refused_with_message(post(fay, f"{API}/appointments", body))


@pytest.mark.parametrize("value", [HUGE, 0, -1])
def test_rescheduling_refuses_ids_out_of_range(
    fay, paula, dana, clinic, follow_up, visit_day, value
):
    visit = book(paula, dana, clinic, follow_up, local(visit_day, 10))
    for field, given in (("provider", value), ("location", value), ("resources", [value])):
        body = {"start": local(visit_day, 11).isoformat(), field: given}
        response = post(fay, f"{API}/appointments/{visit.pk}/reschedule", body)
        assert_refused_with_message(response)


def test_a_path_id_beyond_64_bits_is_refused(fay, clinic):
    response = fay.get(f"{API}/appointments/{HUGE}")
    assert_refused_with_message(response)


@pytest.mark.parametrize("field", ["patient", "provider", "location", "appointment_type"])
def test_the_booking_form_refuses_an_id_beyond_64_bits(
    fay, paula, dana, clinic, follow_up, visit_day, field
):
    data = {
        "patient": paula.pk,
        "provider": dana.pk,
        "location": clinic.pk,
        "appointment_type": follow_up.pk,
        "start": local(visit_day, 10).isoformat(),
        field: HUGE,
    }
    response = fay.post("/scheduling/book/", data)
    # An unreadable slot goes back to the search with a message, as any malformed form does.
    assert response.status_code == 302
    assert response["Location"] == "/scheduling/find/"
    assert not Appointment.objects.exists()


def test_the_reschedule_form_refuses_an_id_beyond_64_bits(
    fay, paula, dana, clinic, follow_up, visit_day
):
    visit = book(paula, dana, clinic, follow_up, local(visit_day, 10))
    for field in ("provider", "location"):
        data = {
            "provider": dana.pk,
            "location": clinic.pk,
            "start": local(visit_day, 11).isoformat(),
            field: HUGE,
        }
        response = fay.post(f"/scheduling/appointments/{visit.pk}/reschedule/move/", data)
        assert response.status_code == 400, response.status_code


def test_waitlist_refuses_a_time_of_day_with_a_zone(fay, paula, clinic, follow_up, visit_day):
    body = {
        "patient": paula.pk,
        "type": follow_up.pk,
        "earliest_date": visit_day.isoformat(),
        "latest_date": visit_day.isoformat(),
        "earliest_time": "09:00:00+05:00",
    }
    assert_refused_with_message(post(fay, f"{API}/waitlist", body))
