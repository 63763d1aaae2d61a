"""One visit, moving it, and weekly series through the API: what the visit page, the reschedule
page and the series page do, with the same services, answers and refusals."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from praxis.core import datefmt
from praxis.core.models import AuditEvent
from praxis.core.testing.assertions import actions_since, audit_mark
from praxis.core.testing.factories import LocationFactory
from praxis.scheduling.models import Appointment, RecurringSeries
from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory

from .conftest import NEW_YORK, book, local, make_patient
from .test_api import BASE, parse, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def fay(client_for, frontdesk_fay):  # type: ignore[no-untyped-def]
    return client_for(frontdesk_fay)


@pytest.fixture
def ten(paula, dana, clinic, follow_up, visit_day):  # type: ignore[no-untyped-def]
    return book(paula, dana, clinic, follow_up, local(visit_day, 10))


@pytest.fixture
def theirs(other_practice, visit_day):  # type: ignore[no-untyped-def]
    """A visit at another practice: every id of it must be a 404 here."""
    provider = ProviderFactory(practice=other_practice)
    return Appointment.objects.create(
        practice=other_practice,
        patient=make_patient(other_practice, "Sam", "Stranger"),
        provider=provider,
        location=LocationFactory(practice=other_practice),
        appointment_type=AppointmentTypeFactory(practice=other_practice, providers=[provider]),
        start=local(visit_day, 10),
        end=local(visit_day, 10, 30),
    )


def series_body(paula, dana, clinic, follow_up, first, **extra):  # type: ignore[no-untyped-def]
    return {
        "patient": paula.pk,
        "provider": dana.pk,
        "location": clinic.pk,
        "type": follow_up.pk,
        "first_start": first.isoformat(),
        "count": 3,
        **extra,
    }


# --- one visit -------------------------------------------------------------------------------


def test_one_visit_is_read_and_audited_like_its_page(fay, ten, paula):
    mark = audit_mark()
    response = fay.get(f"{BASE}/appointments/{ten.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["patient"]["name"], body["status"]) == (
        ten.pk,
        "Paula Patel",
        "scheduled",
    )
    assert actions_since(mark) == ["praxis.phi.read"]
    read = AuditEvent.objects.latest("id")
    assert (read.patient_id, read.object_id) == (str(paula.pk), str(ten.pk))


def test_another_practices_visit_is_404_and_unaudited(fay, theirs):
    for pk in (theirs.pk, 999999):
        mark = audit_mark()
        response = fay.get(f"{BASE}/appointments/{pk}")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Not found."}
        assert actions_since(mark) == []


@pytest.mark.parametrize(("persona_name", "status"), [("biller_bo", 200), ("hr_hana", 403)])
def test_who_may_read_one_visit(request, client_for, ten, persona_name, status):
    client = client_for(request.getfixturevalue(persona_name))
    assert client.get(f"{BASE}/appointments/{ten.pk}").status_code == status


# --- moving a visit ----------------------------------------------------------------------------


def test_moving_a_visit_keeps_it_and_asks_for_confirmation_again(fay, ten, lee, visit_day):
    ten.status = "confirmed"
    ten.save(update_fields=["status"])
    mark = audit_mark()
    response = post(
        fay,
        f"{BASE}/appointments/{ten.pk}/reschedule",
        {"start": local(visit_day, 11).isoformat(), "provider": lee.pk},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == ten.pk
    assert (body["status"], body["provider"]["name"]) == ("scheduled", "Dr. Lee Park")
    assert parse(body["start"]) == local(visit_day, 11)
    assert parse(body["end"]) == local(visit_day, 11, 30)
    assert "praxis.scheduling.appointment.rescheduled" in actions_since(mark)
    assert Appointment.objects.count() == 1


def test_moving_onto_a_taken_time_is_409_with_the_range_and_moves_nothing(
    fay, ten, practice, dana, clinic, follow_up, visit_day
):
    book(make_patient(practice), dana, clinic, follow_up, local(visit_day, 11))
    mark = audit_mark()
    response = post(
        fay,
        f"{BASE}/appointments/{ten.pk}/reschedule",
        {"start": local(visit_day, 11, 15).isoformat()},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken"
    assert body["message"].startswith("Dr. Dana Dubois is already booked from")
    assert parse(body["conflict"]["start"]) == local(visit_day, 11)
    assert parse(body["conflict"]["end"]) == local(visit_day, 11, 30)
    ten.refresh_from_db()
    assert ten.start == local(visit_day, 10)
    assert actions_since(mark) == []


def test_a_visit_may_move_into_its_own_time(fay, ten, visit_day):
    response = post(
        fay,
        f"{BASE}/appointments/{ten.pk}/reschedule",
        {"start": local(visit_day, 10, 15).isoformat()},
    )
    assert response.status_code == 200
    assert parse(response.json()["start"]) == local(visit_day, 10, 15)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"start": "2031-03-15T09:00:00"}, 422, "Some values are not valid."),
        ({}, 422, "Some values are not valid."),
        ({"start": "past"}, 400, "This time is in the past."),
        ({"start": "eight"}, 400, "Dr. Dana Dubois is not available at Main Street Clinic"),
        ({"start": "later", "provider": 999999}, 404, "No such provider in this practice."),
        ({"start": "later", "location": 999999}, 404, "No such location in this practice."),
    ],
)
def test_refused_moves_say_why_and_write_nothing(fay, ten, visit_day, body, status, message):
    stand_ins = {
        "past": timezone.now() - timedelta(days=1),
        "eight": local(visit_day, 7),  # before her hours
        "later": local(visit_day, 12),
    }
    if body.get("start") in stand_ins:
        body = {**body, "start": stand_ins[body["start"]].isoformat()}
    mark = audit_mark()
    response = post(fay, f"{BASE}/appointments/{ten.pk}/reschedule", body)
    assert response.status_code == status
    assert response.json()["message"].startswith(message)
    ten.refresh_from_db()
    assert ten.start == local(visit_day, 10)
    assert actions_since(mark) == []


def test_a_cancelled_visit_cannot_be_moved(fay, ten, visit_day):
    post(fay, f"{BASE}/appointments/{ten.pk}/cancel", {"reason": "Away"})
    response = post(
        fay, f"{BASE}/appointments/{ten.pk}/reschedule", {"start": local(visit_day, 11).isoformat()}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "rejected",
        "message": "A visit that is canceled cannot be moved.",
    }


def test_another_practices_visit_cannot_be_moved(fay, theirs, visit_day):
    response = post(
        fay,
        f"{BASE}/appointments/{theirs.pk}/reschedule",
        {"start": local(visit_day, 11).isoformat()},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.start == local(visit_day, 10)


@pytest.mark.parametrize(("persona_name", "status"), [("manager_max", 200), ("dr_dana", 403)])
def test_who_may_move_a_visit(request, client_for, ten, visit_day, persona_name, status):
    client = client_for(request.getfixturevalue(persona_name))
    url = f"{BASE}/appointments/{ten.pk}/reschedule"
    assert post(client, url, {"start": local(visit_day, 11).isoformat()}).status_code == status


def test_slots_for_moving_a_visit_count_its_own_time_as_free(
    fay, practice, paula, dana, clinic, visit_day
):
    # 45 minutes: slots every quarter hour, so one may overlap the visit's own time
    review = AppointmentTypeFactory(
        practice=practice, name="Review", duration_minutes=45, providers=[dana]
    )
    eight = book(paula, dana, clinic, review, local(visit_day, 8))
    query = {"provider": dana.pk, "start": visit_day, "end": visit_day, "limit": 1}
    plain = fay.get(f"{BASE}/slots", {**query, "type": review.pk}).json()
    assert parse(plain[0]["local_start"]).time() == time(8, 45)
    # Without a type, the visit's own type is searched; its own start is not offered again.
    moving = fay.get(f"{BASE}/slots", {**query, "moving": eight.pk})
    assert moving.status_code == 200
    assert parse(moving.json()[0]["local_start"]).time() == time(8, 15)


def test_slots_for_another_practices_visit_are_404(fay, theirs, follow_up, visit_day):
    response = fay.get(f"{BASE}/slots", {"type": follow_up.pk, "moving": theirs.pk})
    assert response.status_code == 404


# --- weekly series -----------------------------------------------------------------------------


def test_a_series_is_booked_whole_and_read_back(fay, paula, dana, clinic, follow_up, visit_day):
    first = local(visit_day, 9)
    response = post(
        fay,
        f"{BASE}/series",
        series_body(paula, dana, clinic, follow_up, first, interval_weeks=2),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["count"], body["interval_weeks"]) == (3, 2)
    starts = [parse(a["start"]) for a in body["appointments"]]
    assert starts == [
        first,
        local(visit_day + timedelta(weeks=2), 9),
        local(visit_day + timedelta(weeks=4), 9),
    ]
    assert {a["series_id"] for a in body["appointments"]} == {body["id"]}

    mark = audit_mark()
    again = fay.get(f"{BASE}/series/{body['id']}")
    assert again.status_code == 200
    assert again.json() == body
    assert actions_since(mark) == ["praxis.phi.read"]
    assert AuditEvent.objects.latest("id").details["what"] == "series"


def test_a_series_with_taken_weeks_is_409_listing_each_and_books_nothing(
    fay, practice, paula, dana, clinic, follow_up, visit_day
):
    week_two = local(visit_day + timedelta(weeks=1), 9)
    book(make_patient(practice), dana, clinic, follow_up, week_two)
    before = Appointment.objects.count()
    mark = audit_mark()
    response = post(
        fay, f"{BASE}/series", series_body(paula, dana, clinic, follow_up, local(visit_day, 9))
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "series_refused"
    assert body["message"].startswith("Nothing was booked: 1 of the visits cannot be.")
    [problem] = body["problems"]
    assert problem["local_label"] == datefmt.day_time(week_two, tz=NEW_YORK)
    assert problem["message"].startswith("Dr. Dana Dubois is already booked from")
    assert parse(problem["conflict"]["start"]) == week_two
    assert parse(problem["start"]) == week_two
    assert Appointment.objects.count() == before
    assert not RecurringSeries.objects.exists()
    assert actions_since(mark) == []


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"count": 0}, 400, "A series has 1 to 52 visits."),
        ({"interval_weeks": 13}, 400, "Repeat every 1 to 12 weeks."),
        ({"first_start": "2031-03-15T09:00:00"}, 422, "Some values are not valid."),
        ({"count": "many"}, 422, "Some values are not valid."),
        ({"type": 999999}, 404, "No such appointment type in this practice."),
    ],
)
def test_refused_series_say_why_and_write_nothing(
    fay, paula, dana, clinic, follow_up, visit_day, change, status, message
):
    mark = audit_mark()
    body = {**series_body(paula, dana, clinic, follow_up, local(visit_day, 9)), **change}
    response = post(fay, f"{BASE}/series", body)
    assert response.status_code == status
    assert response.json()["message"] == message
    assert not Appointment.objects.exists()
    assert actions_since(mark) == []


def test_another_practices_patient_and_series_are_404(
    fay, other_practice, theirs, paula, dana, clinic, follow_up, visit_day
):
    stranger = make_patient(other_practice, "Sam", "Stranger")
    body = series_body(paula, dana, clinic, follow_up, local(visit_day, 9), patient=stranger.pk)
    assert post(fay, f"{BASE}/series", body).status_code == 404
    assert not Appointment.objects.filter(practice=paula.practice).exists()

    their_series = RecurringSeries.objects.create(practice=other_practice, count=1)
    Appointment.objects.filter(pk=theirs.pk).update(series=their_series)
    assert fay.get(f"{BASE}/series/{their_series.pk}").status_code == 404


@pytest.mark.parametrize(
    ("persona_name", "method", "status"),
    [
        ("manager_max", "post", 201),
        ("biller_bo", "post", 403),
        ("clinical_cleo", "get", 200),
        ("hr_hana", "get", 403),
    ],
)
def test_who_may_book_and_read_a_series(
    request,
    client_for,
    fay,
    paula,
    dana,
    clinic,
    follow_up,
    visit_day,
    persona_name,
    method,
    status,
):
    client = client_for(request.getfixturevalue(persona_name))
    if method == "post":
        body = series_body(paula, dana, clinic, follow_up, local(visit_day, 9))
        assert post(client, f"{BASE}/series", body).status_code == status
    else:
        booked = post(
            fay, f"{BASE}/series", series_body(paula, dana, clinic, follow_up, local(visit_day, 9))
        ).json()
        assert client.get(f"{BASE}/series/{booked['id']}").status_code == status


def test_reading_a_series_costs_the_same_however_long_it_is(
    fay, paula, dana, clinic, follow_up, visit_day, django_assert_max_num_queries
):
    def booked(count: int, hour: int) -> int:
        body = series_body(paula, dana, clinic, follow_up, local(visit_day, hour), count=count)
        return int(post(fay, f"{BASE}/series", body).json()["id"])

    short, long = booked(2, 9), booked(12, 11)
    with django_assert_max_num_queries(20) as short_read:
        assert fay.get(f"{BASE}/series/{short}").status_code == 200
    with django_assert_max_num_queries(len(short_read)):
        assert len(fay.get(f"{BASE}/series/{long}").json()["appointments"]) == 12
