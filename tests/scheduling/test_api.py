"""The scheduling API: what a front-desk integration or the calendar's htmx calls see.
201 on booking, 409 with the conflicting range, 422 for malformed bodies, 404 for anything not
in the caller's practice (or not theirs to see), 403 for roles without the permission."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from praxis.core.models import AuditEvent
from praxis.core.testing.factories import UserFactory
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory

from .conftest import due_now, local, make_patient

pytestmark = pytest.mark.django_db
BASE = "/api/v1/scheduling"


def post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def booking(patient, provider, location, appointment_type, start):  # type: ignore[no-untyped-def]
    return {
        "patient": patient.pk,
        "provider": provider.pk,
        "location": location.pk,
        "type": appointment_type.pk,
        "start": start.isoformat(),
    }


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def fay(client_for, frontdesk_fay):  # type: ignore[no-untyped-def]
    return client_for(frontdesk_fay)


def test_booking_returns_201_with_the_appointment(fay, paula, dana, clinic, follow_up, visit_day):
    response = post(
        fay, f"{BASE}/appointments", booking(paula, dana, clinic, follow_up, local(visit_day, 10))
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["patient"] == {"id": paula.pk, "name": "Paula Patel"}
    assert body["provider"]["name"] == "Dr. Dana Dubois"
    assert body["status"] == "scheduled"
    assert parse(body["start"]) == local(visit_day, 10)
    assert parse(body["local_start"]).utcoffset() == local(visit_day, 10).utcoffset()
    assert Appointment.objects.get().pk == body["id"]


def test_a_taken_slot_is_409_with_the_conflicting_range(
    fay, paula, dana, clinic, follow_up, visit_day
):
    post(fay, f"{BASE}/appointments", booking(paula, dana, clinic, follow_up, local(visit_day, 10)))
    other = make_patient(paula.practice, "Omar", "Other")  # Paula again would be a duplicate
    response = post(
        fay,
        f"{BASE}/appointments",
        booking(other, dana, clinic, follow_up, local(visit_day, 10, 15)),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken"
    assert body["message"].startswith("Dr. Dana Dubois is already booked from")
    assert parse(body["conflict"]["start"]) == local(visit_day, 10)
    assert parse(body["conflict"]["end"]) == local(visit_day, 10, 30)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2031-03-15T09:00:00"}, "start"),  # no UTC offset
        ({"start": "next tuesday"}, "start"),
        ({"patient": None}, "patient"),
        ({"type": "follow-up"}, "type"),
    ],
)
def test_malformed_bodies_are_422_and_write_nothing(
    fay, paula, dana, clinic, follow_up, visit_day, change, field
):
    body = {**booking(paula, dana, clinic, follow_up, local(visit_day, 10)), **change}
    before = AuditEvent.objects.count()
    response = post(fay, f"{BASE}/appointments", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert f"body.{field}" in {e["field"] for e in response.json()["errors"]}
    assert not Appointment.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_business_rule_refusal_is_400_with_the_message(fay, paula, dana, clinic, follow_up):
    past = timezone.now() - timedelta(days=1)
    response = post(fay, f"{BASE}/appointments", booking(paula, dana, clinic, follow_up, past))
    assert response.status_code == 400
    assert response.json() == {"code": "rejected", "message": "This time is in the past."}
    assert not Appointment.objects.exists()


def test_another_practices_patient_is_404_and_reveals_nothing(
    fay, other_practice, paula, dana, clinic, follow_up, visit_day
):
    stranger = make_patient(other_practice, "Sam", "Stranger")
    for patient_id in (stranger.pk, 999999, "abc"):
        body = {
            **booking(paula, dana, clinic, follow_up, local(visit_day, 10)),
            "patient": patient_id,
        }
        response = post(fay, f"{BASE}/appointments", body)
        if patient_id == "abc":
            assert response.status_code == 422
            continue
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Not found."}
    assert not Appointment.objects.exists()


def test_booking_needs_to_see_patients_as_moving_and_series_do(
    client_for, practice, paula, dana, clinic, follow_up, visit_day
):
    # a custom role that may book but not look at patients: refused before any patient is read
    group = Group.objects.create(name="Booking robot")
    group.permissions.set(
        Permission.objects.filter(codename__in=["book_appointment", "view_schedule", "use_api"])
    )
    robot = UserFactory(practice=practice)
    robot.groups.add(group)
    client = client_for(robot)
    visit = AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 9),
    )  # fmt: skip
    calls = [
        (f"{BASE}/appointments", booking(paula, dana, clinic, follow_up, local(visit_day, 10))),
        (f"{BASE}/appointments/{visit.pk}/reschedule", {"start": local(visit_day, 11).isoformat()}),
        (f"{BASE}/series", {
            **booking(paula, dana, clinic, follow_up, local(visit_day, 12)),
            "first_start": local(visit_day, 12).isoformat(), "count": 2,
        }),
    ]  # fmt: skip
    for url, body in calls:
        response = post(client, url, body)
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden"
    assert list(Appointment.objects.all()) == [visit]
    assert visit.start == Appointment.objects.get().start


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("type", "No such appointment type in this practice."),
        ("provider", "No such provider in this practice."),
        ("location", "No such location in this practice."),
    ],
)
def test_unknown_setup_ids_are_404_naming_what(
    fay, paula, dana, clinic, follow_up, visit_day, field, message
):
    body = {**booking(paula, dana, clinic, follow_up, local(visit_day, 10)), field: 999999}
    response = post(fay, f"{BASE}/appointments", body)
    assert response.status_code == 404
    assert response.json()["message"] == message
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("persona_name", "method", "path"),
    [
        ("biller_bo", "post", "/appointments"),
        ("dr_dana", "post", "/appointments"),
        ("clinical_cleo", "post", "/appointments/{id}/cancel"),
        ("biller_bo", "post", "/appointments/{id}/status"),
        ("hr_hana", "get", "/appointments"),
        ("compliance_cole", "get", "/slots"),
        ("outsider_otto", "post", "/appointments/{id}/status"),
    ],
)
def test_roles_without_the_permission_get_403(
    request, client_for, paula, dana, clinic, follow_up, visit_day, persona_name, method, path
):
    appt = AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 10),
    )  # fmt: skip
    client = client_for(request.getfixturevalue(persona_name))
    url = BASE + path.replace("{id}", str(appt.pk))
    bodies = {
        "/appointments": booking(paula, dana, clinic, follow_up, local(visit_day, 11)),
        "/appointments/{id}/cancel": {"reason": "Because"},
        "/appointments/{id}/status": {"to": "confirmed"},
    }
    response = post(client, url, bodies[path]) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    appt.refresh_from_db()
    assert appt.status == "scheduled" and Appointment.objects.count() == 1


def test_the_clinic_moves_a_visit_along_through_the_api(
    client_for, fay, clinical_cleo, paula, dana, clinic, follow_up, visit_day
):
    appt = appointment_book(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 10), booked_by=None,
    )  # fmt: skip
    due_now(appt)  # checked in on its day
    url = f"{BASE}/appointments/{appt.pk}/status"
    assert post(fay, url, {"to": "arrived"}).json()["checked_in_at"]
    cleo = client_for(clinical_cleo)
    exam_1 = clinic.rooms.get(name="Exam 1")
    body = post(cleo, url, {"to": "in_room", "room": exam_1.pk}).json()
    assert (body["status"], body["room"]) == ("in_room", {"id": exam_1.pk, "name": "Exam 1"})

    refused = post(cleo, url, {"to": "confirmed"})
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "A visit that is in room cannot become confirmed (next: completed)."
    )
    assert post(cleo, url, {"to": "beamed_up"}).status_code == 422


def test_cancelling_through_the_api_needs_a_reason(fay, paula, dana, clinic, follow_up, visit_day):
    appt = AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 10),
    )  # fmt: skip
    url = f"{BASE}/appointments/{appt.pk}/cancel"
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason_code": "other"}):
        blank = post(fay, url, body)
        assert blank.status_code == 400
        assert blank.json()["message"] == "Give a reason for the cancellation."
    appt.refresh_from_db()
    assert appt.status == "scheduled"

    assert post(fay, url, {"reason_code": "bored"}).status_code == 422
    done = post(fay, url, {"reason": "Feeling better"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["cancel_reason"]) == ("cancelled", "Feeling better")
    assert done.json()["cancel_reason_code"] == "other"


def test_the_api_cancels_with_a_reason_code_alone(fay, paula, dana, clinic, follow_up, visit_day):
    appt = AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 11),
    )  # fmt: skip
    done = post(fay, f"{BASE}/appointments/{appt.pk}/cancel", {"reason_code": "patient_ill"})
    assert done.status_code == 200
    assert (done.json()["cancel_reason_code"], done.json()["cancel_reason"]) == ("patient_ill", "")


def test_another_practices_appointment_is_404(
    fay, other_practice, dana, clinic, follow_up, visit_day
):
    from praxis.core.testing.factories import LocationFactory
    from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory

    theirs = AppointmentFactory(
        patient=make_patient(other_practice),
        provider=ProviderFactory(practice=other_practice),
        location=LocationFactory(practice=other_practice),
        appointment_type=AppointmentTypeFactory(practice=other_practice),
        start=local(visit_day, 10),
    )
    for path, body in (("cancel", {"reason": "x"}), ("status", {"to": "confirmed"})):
        response = post(fay, f"{BASE}/appointments/{theirs.pk}/{path}", body)
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "scheduled"


def test_a_days_list_is_one_audited_read_in_a_fixed_number_of_queries(
    fay, practice, paula, dana, lee, clinic, follow_up, visit_day
):
    def day_list():  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as ctx:
            response = fay.get(f"{BASE}/appointments", {"location": clinic.pk, "date": visit_day})
        assert response.status_code == 200
        return response.json(), len(ctx.captured_queries)

    AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 9),
    )  # fmt: skip
    _, few = day_list()
    for hour in range(10, 16):
        AppointmentFactory(
            patient=make_patient(practice), provider=lee, location=clinic,
            appointment_type=follow_up, start=local(visit_day, hour),
        )  # fmt: skip
    AppointmentFactory(  # the next day: not listed
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day + timedelta(days=1), 9),
    )  # fmt: skip
    listed, many = day_list()
    assert many == few
    assert [parse(a["start"]).astimezone(local(visit_day, 0).tzinfo).hour for a in listed] == [
        9, 10, 11, 12, 13, 14, 15,
    ]  # fmt: skip
    read = AuditEvent.objects.filter(action="praxis.phi.read").latest("id")
    assert read.details["what"] == "appointment list"
    assert len(read.details["patient_ids"]) == 7


def test_free_slots_through_the_api(fay, dana, follow_up, visit_day):
    response = fay.get(
        f"{BASE}/slots",
        {
            "type": follow_up.pk,
            "provider": dana.pk,
            "start": visit_day,
            "end": visit_day,
            "limit": 3,
        },
    )
    assert response.status_code == 200
    slots = response.json()
    assert [parse(s["local_start"]).time() for s in slots] == [time(8), time(8, 30), time(9)]
    assert {s["provider"]["id"] for s in slots} == {dana.pk}

    missing_type = fay.get(f"{BASE}/slots", {"start": visit_day})
    assert missing_type.status_code == 400
    backwards = fay.get(
        f"{BASE}/slots",
        {"type": follow_up.pk, "start": visit_day, "end": visit_day - timedelta(days=1)},
    )
    assert backwards.status_code == 400
    assert backwards.json()["message"] == "The end date is before the start date."
    last_week = timezone.localdate() - timedelta(days=7)
    past = fay.get(f"{BASE}/slots", {"type": follow_up.pk, "start": last_week, "end": last_week})
    assert past.status_code == 400
    assert past.json()["message"] == "These dates are in the past; search from today on."


def test_every_operation_keeps_its_published_id(client):
    """Generated clients name their methods after the operation ids: splitting the API into a
    module per resource must not rename them."""
    schema = client.get("/api/v1/openapi.json").json()
    ids = {
        op["operationId"]
        for path, operations in schema["paths"].items()
        if path.startswith(BASE)
        for op in operations.values()
    }
    assert ids == {
        f"praxis_scheduling_api_{name}"
        for name in (
            "slots", "book", "change_status", "cancel", "day_list", "appointment_detail",
            "reschedule", "series_book", "series_detail", "waitlist_list", "waitlist_add",
            "waitlist_openings", "waitlist_offer", "waitlist_book", "waitlist_dismiss",
            "waitlist_decline", "waitlist_remove", "reminder_rules", "reminder_rule_add",
            "reminder_rule_pause", "reminder_rule_resume",
        )
    }  # fmt: skip
