"""The waitlist through the API: the same entries, freed times, offers and bookings as the
Waitlist page, through the same services, with the same permissions."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from praxis.core.models import AuditEvent
from praxis.core.testing.assertions import actions_since, audit_mark
from praxis.core.testing.factories import LocationFactory
from praxis.scheduling import waitlist
from praxis.scheduling.models import Appointment, WaitlistEntry, WaitlistOpening
from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory
from praxis.scheduling.visits import appointment_cancel

from .conftest import book, local, make_patient
from .test_api import BASE, parse, post

pytestmark = pytest.mark.django_db
WAITLIST = f"{BASE}/waitlist"


@pytest.fixture
def fay(client_for, frontdesk_fay):  # type: ignore[no-untyped-def]
    return client_for(frontdesk_fay)


@pytest.fixture
def olive(practice, follow_up, visit_day):  # type: ignore[no-untyped-def]
    return waitlist.waitlist_entry_add(
        patient=make_patient(practice, "Olive", "Waiting"),
        appointment_type=follow_up,
        earliest_date=visit_day - timedelta(days=2),
        latest_date=visit_day + timedelta(days=2),
        created_by=None,
    )


@pytest.fixture
def elsewhere(other_practice, visit_day, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Another practice's waiting patient and freed time."""
    provider = ProviderFactory(practice=other_practice)
    location = LocationFactory(practice=other_practice)
    kind = AppointmentTypeFactory(practice=other_practice, providers=[provider])
    entry = waitlist.waitlist_entry_add(
        patient=make_patient(other_practice, "Sam", "Stranger"),
        appointment_type=kind,
        earliest_date=visit_day,
        latest_date=visit_day,
        created_by=None,
    )
    visit = Appointment.objects.create(
        practice=other_practice,
        patient=make_patient(other_practice),
        provider=provider,
        location=location,
        appointment_type=kind,
        start=local(visit_day, 10),
        end=local(visit_day, 10, 30),
    )
    opening = WaitlistOpening.objects.create(
        practice=other_practice,
        cancelled_appointment=visit,
        provider=provider,
        location=location,
        appointment_type=kind,
        start=visit.start,
        end=visit.end,
    )
    return entry, opening


def entry_body(patient, appointment_type, day, **extra):  # type: ignore[no-untyped-def]
    return {
        "patient": patient.pk,
        "type": appointment_type.pk,
        "earliest_date": (day - timedelta(days=1)).isoformat(),
        "latest_date": (day + timedelta(days=1)).isoformat(),
        **extra,
    }


# --- entries -----------------------------------------------------------------------------------


def test_adding_and_listing_waiting_patients(fay, practice, dana, clinic, follow_up, visit_day):
    patient = make_patient(practice, "Nora", "Soon")
    response = post(
        fay,
        WAITLIST,
        entry_body(
            patient,
            follow_up,
            visit_day,
            provider=dana.pk,
            earliest_time="08:00",
            note=" mornings ",
        ),
    )
    assert response.status_code == 201, response.content
    added = response.json()
    assert added["patient"] == {"id": patient.pk, "name": "Nora Soon"}
    assert added["provider"] == {"id": dana.pk, "name": "Dr. Dana Dubois"}
    assert (added["location"], added["status"], added["offered"]) == (None, "waiting", None)
    assert (added["earliest_time"], added["note"]) == ("08:00:00", "mornings")

    mark = audit_mark()
    listed = fay.get(WAITLIST).json()
    assert [e["id"] for e in listed] == [added["id"]]
    assert actions_since(mark) == ["praxis.phi.read"]
    read = AuditEvent.objects.latest("id")
    assert (read.details["what"], read.details["patient_ids"]) == ("waitlist", [patient.pk])


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"latest_date": "2020-01-01"}, 400, "The last date is before the first date."),
        (
            {"earliest_time": "12:00", "latest_time": "09:00"},
            400,
            "The latest time is not after the earliest time.",
        ),
        ({"earliest_date": "soon"}, 422, "Some values are not valid."),
        ({"note": "x" * 256}, 422, "Some values are not valid."),
        ({"type": 999999}, 404, "No such appointment type in this practice."),
        ({"provider": 999999}, 404, "No such provider in this practice."),
        ({"patient": 999999}, 404, "Not found."),
    ],
)
def test_refused_entries_say_why_and_write_nothing(
    fay, paula, follow_up, visit_day, change, status, message
):
    mark = audit_mark()
    response = post(fay, WAITLIST, {**entry_body(paula, follow_up, visit_day), **change})
    assert response.status_code == status
    assert response.json()["message"] == message
    assert not WaitlistEntry.objects.exists()
    assert actions_since(mark) == []


def test_a_visit_type_no_longer_in_use_is_refused(fay, paula, follow_up, visit_day):
    follow_up.is_active = False
    follow_up.save(update_fields=["is_active"])
    response = post(fay, WAITLIST, entry_body(paula, follow_up, visit_day))
    assert response.status_code == 400
    assert response.json()["message"] == "This visit type is no longer in use."
    assert not WaitlistEntry.objects.exists()


def test_removing_an_entry_once(fay, olive):
    mark = audit_mark()
    removed = fay.delete(f"{WAITLIST}/{olive.pk}")
    assert removed.status_code == 200
    assert removed.json()["status"] == "removed"
    # ... and the answer names the patient: a read of their information
    assert actions_since(mark) == ["praxis.scheduling.waitlist_entry.removed", "praxis.phi.read"]
    again = fay.delete(f"{WAITLIST}/{olive.pk}")
    assert again.status_code == 400
    assert again.json()["message"] == "This entry is no longer on the waitlist."
    assert fay.get(WAITLIST).json() == []


def test_another_practices_entries_are_neither_listed_nor_removable(fay, olive, elsewhere):
    theirs, _ = elsewhere
    assert [e["id"] for e in fay.get(WAITLIST).json()] == [olive.pk]
    response = fay.delete(f"{WAITLIST}/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["message"] == "No such waitlist entry in this practice."
    theirs.refresh_from_db()
    assert theirs.status == "waiting"


def test_another_practices_patient_cannot_be_added(fay, other_practice, follow_up, visit_day):
    stranger = make_patient(other_practice, "Sam", "Stranger")
    response = post(fay, WAITLIST, entry_body(stranger, follow_up, visit_day))
    assert response.status_code == 404
    assert not WaitlistEntry.objects.exists()


def test_the_waiting_list_costs_the_same_however_long_it_is(
    fay, practice, follow_up, visit_day, django_assert_max_num_queries
):
    def add(n: int) -> None:
        for _ in range(n):
            post(fay, WAITLIST, entry_body(make_patient(practice), follow_up, visit_day))

    add(1)
    with django_assert_max_num_queries(20) as few:
        assert len(fay.get(WAITLIST).json()) == 1
    budget = len(few)  # now: the next request empties the connection's query log
    add(6)
    with django_assert_max_num_queries(budget):
        assert len(fay.get(WAITLIST).json()) == 7


# --- freed times -------------------------------------------------------------------------------


def test_freed_times_list_who_fits_and_are_audited(fay, freed_ten, olive, practice, visit_day):
    too_late = waitlist.waitlist_entry_add(  # wants afternoons only: does not fit 10:00
        patient=make_patient(practice, "Pia", "Later"),
        appointment_type=olive.appointment_type,
        earliest_date=visit_day,
        latest_date=visit_day,
        earliest_time=time(13),
        created_by=None,
    )
    mark = audit_mark()
    response = fay.get(f"{WAITLIST}/openings")
    assert response.status_code == 200
    [opening] = response.json()
    assert opening["id"] == freed_ten.pk
    assert parse(opening["local_start"]) == local(visit_day, 10)
    assert parse(opening["end"]) == local(visit_day, 10, 30)
    assert opening["provider"]["name"] == "Dr. Dana Dubois"
    assert [m["id"] for m in opening["matches"]] == [olive.pk]
    assert too_late.pk not in {m["id"] for m in opening["matches"]}
    assert actions_since(mark) == ["praxis.phi.read"]
    read = AuditEvent.objects.latest("id")
    assert read.details["what"] == "waitlist openings"
    assert read.details["patient_ids"] == [olive.patient_id]


def test_another_practices_freed_times_are_not_listed(fay, freed_ten, elsewhere):
    assert [o["id"] for o in fay.get(f"{WAITLIST}/openings").json()] == [freed_ten.pk]


def test_freed_times_cost_the_same_however_many_there_are(
    fay,
    freed_ten,
    olive,
    practice,
    paula,
    dana,
    lee,
    clinic,
    follow_up,
    visit_day,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(20) as few:
        assert len(fay.get(f"{WAITLIST}/openings").json()) == 1
    budget = len(few)  # now: the next request empties the connection's query log
    for hour in (11, 12, 13, 14):
        for provider in (dana, lee):
            visit = book(
                make_patient(practice), provider, clinic, follow_up, local(visit_day, hour)
            )
            with django_capture_on_commit_callbacks(execute=True):
                appointment_cancel(appointment=visit, reason="Away", cancelled_by=None)
        waitlist.waitlist_entry_add(
            patient=make_patient(practice),
            appointment_type=follow_up,
            earliest_date=visit_day,
            latest_date=visit_day,
            created_by=None,
        )
    with django_assert_max_num_queries(budget):
        openings = fay.get(f"{WAITLIST}/openings").json()
    assert len(openings) == 9
    assert all(len(o["matches"]) == 5 for o in openings)


def test_offering_a_freed_time_records_who_and_books_nothing(fay, frontdesk_fay, freed_ten, olive):
    mark = audit_mark()
    response = post(fay, f"{WAITLIST}/openings/{freed_ten.pk}/offer", {"entry": olive.pk})
    assert response.status_code == 200
    offered = response.json()
    assert offered["status"] == "offered"
    assert offered["offered"]["opening"] == freed_ten.pk
    assert offered["offered"]["by"] == {"id": frontdesk_fay.pk, "name": str(frontdesk_fay)}
    # ... and the answer names the patient: a read of their information
    assert actions_since(mark) == ["praxis.scheduling.waitlist_entry.offered", "praxis.phi.read"]
    assert not Appointment.objects.filter(status="scheduled").exists()
    [opening] = fay.get(f"{WAITLIST}/openings").json()
    assert opening["matches"][0]["status"] == "offered"


def test_booking_a_freed_time_from_the_waitlist(fay, freed_ten, olive, visit_day):
    response = post(fay, f"{WAITLIST}/openings/{freed_ten.pk}/book", {"entry": olive.pk})
    assert response.status_code == 201, response.content
    visit = response.json()
    assert visit["patient"]["id"] == olive.patient_id
    assert parse(visit["start"]) == local(visit_day, 10)
    olive.refresh_from_db()
    freed_ten.refresh_from_db()
    assert (olive.status, olive.booked_appointment_id) == ("booked", visit["id"])
    assert freed_ten.status == "filled"

    again = post(fay, f"{WAITLIST}/openings/{freed_ten.pk}/book", {"entry": olive.pk})
    assert again.status_code == 400
    assert again.json()["message"] == "This time has already been filled or dismissed."
    assert fay.get(f"{WAITLIST}/openings").json() == []


def test_a_freed_time_taken_meanwhile_is_409_and_changes_nothing(
    fay, freed_ten, olive, practice, dana, clinic, follow_up, visit_day
):
    book(make_patient(practice), dana, clinic, follow_up, local(visit_day, 10))
    mark = audit_mark()
    response = post(fay, f"{WAITLIST}/openings/{freed_ten.pk}/book", {"entry": olive.pk})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken"
    assert parse(body["conflict"]["start"]) == local(visit_day, 10)
    olive.refresh_from_db()
    freed_ten.refresh_from_db()
    assert (olive.status, freed_ten.status) == ("waiting", "open")
    assert actions_since(mark) == []


@pytest.mark.parametrize("action", ["offer", "book"])
def test_bad_choices_are_refused_and_write_nothing(fay, freed_ten, olive, elsewhere, action):
    their_entry, their_opening = elsewhere
    mark = audit_mark()
    cases = [
        (freed_ten.pk, {}, 422, "Some values are not valid."),
        (freed_ten.pk, {"entry": "olive"}, 422, "Some values are not valid."),
        (freed_ten.pk, {"entry": their_entry.pk}, 404, "No such waitlist entry in this practice."),
        (their_opening.pk, {"entry": olive.pk}, 404, "No such freed time in this practice."),
        (999999, {"entry": olive.pk}, 404, "No such freed time in this practice."),
    ]
    for opening_id, body, status, message in cases:
        response = post(fay, f"{WAITLIST}/openings/{opening_id}/{action}", body)
        assert response.status_code == status, body
        assert response.json()["message"] == message
    olive.refresh_from_db()
    their_entry.refresh_from_db()
    assert (olive.status, their_entry.status) == ("waiting", "waiting")
    assert actions_since(mark) == []


@pytest.mark.parametrize(
    ("persona_name", "allowed"), [("manager_max", True), ("clinical_cleo", False)]
)
def test_who_may_work_the_waitlist(
    request, client_for, freed_ten, olive, paula, follow_up, visit_day, persona_name, allowed
):
    client = client_for(request.getfixturevalue(persona_name))
    answers = [
        client.get(WAITLIST),
        client.get(f"{WAITLIST}/openings"),
        post(client, WAITLIST, entry_body(paula, follow_up, visit_day)),
        post(client, f"{WAITLIST}/openings/{freed_ten.pk}/offer", {"entry": olive.pk}),
        post(client, f"{WAITLIST}/openings/{freed_ten.pk}/book", {"entry": olive.pk}),
        client.delete(f"{WAITLIST}/{olive.pk}"),
    ]
    if allowed:
        assert [a.status_code for a in answers] == [200, 200, 201, 200, 201, 400]
    else:
        assert {a.status_code for a in answers} == {403}
        olive.refresh_from_db()
        assert olive.status == "waiting"
        assert WaitlistEntry.objects.count() == 1


def test_a_declined_offer_waits_on(fay, freed_ten, olive):
    post(fay, f"{WAITLIST}/openings/{freed_ten.pk}/offer", {"entry": olive.pk})
    mark = audit_mark()
    response = post(fay, f"{WAITLIST}/{olive.pk}/decline", {})
    assert response.status_code == 200
    assert response.json()["status"] == "waiting" and response.json()["offered"] is None
    # ... and the answer names the patient: a read of their information
    assert actions_since(mark) == ["praxis.scheduling.waitlist_entry.declined", "praxis.phi.read"]
    again = post(fay, f"{WAITLIST}/{olive.pk}/decline", {})
    assert again.status_code == 400
    assert again.json()["message"] == "Nothing was offered to this patient."


def test_dismissing_a_freed_time_once(fay, freed_ten, elsewhere):
    _, their_opening = elsewhere
    assert post(fay, f"{WAITLIST}/openings/{their_opening.pk}/dismiss", {}).status_code == 404
    response = post(fay, f"{WAITLIST}/openings/{freed_ten.pk}/dismiss", {})
    assert response.status_code == 204
    freed_ten.refresh_from_db()
    assert freed_ten.status == "dismissed"
    assert fay.get(f"{WAITLIST}/openings").json() == []
    again = post(fay, f"{WAITLIST}/openings/{freed_ten.pk}/dismiss", {})
    assert again.status_code == 400
    assert again.json()["message"] == "This time has already been filled or dismissed."


def test_a_filled_time_cannot_be_dismissed_on_the_page(client_for, frontdesk_fay, freed_ten, olive):
    waitlist.waitlist_book(opening=freed_ten, entry=olive, booked_by=None)
    client = client_for(frontdesk_fay)
    from django.urls import reverse

    response = client.post(reverse("scheduling:waitlist_dismiss", args=[freed_ten.pk]))
    assert response.status_code == 302
    freed_ten.refresh_from_db()
    assert freed_ten.status == "filled"
