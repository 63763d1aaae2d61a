"""The scheduling pages: the front desk finds a slot and books it, the visit moves through its
day, a cancellation needs a reason, the calendar and the ready-for-tomorrow board."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from praxis.core.models import AuditEvent
from praxis.core.testing.assertions import page_text
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import Appointment

from .conftest import due_now, local, make_patient

pytestmark = pytest.mark.django_db


def book_for(patient, provider, location, appointment_type, start, by):  # type: ignore[no-untyped-def]
    return appointment_book(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        booked_by=by,
    )


class TestFindAndBook:
    def test_the_front_desk_finds_the_first_open_slots(
        self, client_for, frontdesk_fay, paula, clinic, follow_up, visit_day
    ):
        client = client_for(frontdesk_fay)
        response = client.get(
            reverse("scheduling:find"),
            {
                "patient": paula.pk,
                "appointment_type": follow_up.pk,
                "location": clinic.pk,
                "from_date": visit_day.isoformat(),
                "earliest_time": "09:00",
            },
        )
        assert response.status_code == 200
        slots = response.context["slots"]
        assert len(slots) == 12
        assert slots[0].local_start.hour == 9
        assert AuditEvent.objects.filter(
            action="praxis.phi.read", patient_id=str(paula.pk)
        ).exists()

    def test_booking_a_slot_creates_the_appointment(
        self, client_for, frontdesk_fay, paula, clinic, dana, follow_up, visit_day
    ):
        start = local(visit_day, 10)
        response = client_for(frontdesk_fay).post(
            reverse("scheduling:book"),
            {
                "patient": paula.pk,
                "provider": dana.pk,
                "location": clinic.pk,
                "appointment_type": follow_up.pk,
                "start": start.isoformat(),
            },
        )
        appointment = Appointment.objects.get(patient=paula)
        assert response["Location"] == reverse("scheduling:appointment", args=[appointment.pk])
        assert appointment.start == start and appointment.status == "scheduled"

    def test_a_taken_slot_is_refused_with_a_message_and_nothing_written(
        self, client_for, frontdesk_fay, paula, clinic, dana, follow_up, visit_day, practice
    ):
        start = local(visit_day, 10)
        book_for(make_patient(practice, "Other", "Person"), dana, clinic, follow_up, start, None)
        client = client_for(frontdesk_fay)
        response = client.post(
            reverse("scheduling:book"),
            {
                "patient": paula.pk,
                "provider": dana.pk,
                "location": clinic.pk,
                "appointment_type": follow_up.pk,
                "start": start.isoformat(),
            },
            follow=True,
        )
        assert not Appointment.objects.filter(patient=paula).exists()
        assert "already" in page_text(response) or "taken" in page_text(response).lower()
        back_to_search, status = response.redirect_chain[0]
        assert status == 303
        assert back_to_search.startswith(
            f"/scheduling/find/?patient={paula.pk}&appointment_type={follow_up.pk}"
            f"&location={clinic.pk}&from_date="
        )

    def test_a_refused_booking_goes_back_to_the_same_search(
        self, client_for, frontdesk_fay, paula, clinic, dana, follow_up, visit_day, practice
    ):
        start = local(visit_day, 10)
        book_for(make_patient(practice, "Other", "Person"), dana, clinic, follow_up, start, None)
        searched = (
            f"patient={paula.pk}&appointment_type={follow_up.pk}&location={clinic.pk}"
            f"&provider={dana.pk}&from_date={visit_day.isoformat()}&earliest_time=09:30"
            "&next=https://evil.example/&patient=999"
        )
        response = client_for(frontdesk_fay).post(
            reverse("scheduling:book"),
            {
                "patient": paula.pk,
                "provider": dana.pk,
                "location": clinic.pk,
                "appointment_type": follow_up.pk,
                "start": start.isoformat(),
                "searched": searched,
            },
        )
        assert response.status_code == 303
        back = QueryDict(response["Location"].split("?", 1)[1])
        assert back.dict() == {
            "patient": str(paula.pk),
            "appointment_type": str(follow_up.pk),
            "location": str(clinic.pk),
            "from_date": visit_day.isoformat(),
            "provider": str(dana.pk),
            "earliest_time": "09:30",
        }

    def test_another_practices_patient_is_a_404(
        self, client_for, frontdesk_fay, other_practice, clinic, dana, follow_up, visit_day
    ):
        stranger = make_patient(other_practice, "Stranger", "Elsewhere")
        client = client_for(frontdesk_fay)
        assert client.get(reverse("scheduling:find"), {"patient": stranger.pk}).status_code == 404
        response = client.post(
            reverse("scheduling:book"),
            {
                "patient": stranger.pk,
                "provider": dana.pk,
                "location": clinic.pk,
                "appointment_type": follow_up.pk,
                "start": local(visit_day, 10).isoformat(),
            },
        )
        assert response.status_code == 404
        assert not Appointment.objects.exists()

    def test_a_past_date_is_a_form_error(self, client_for, frontdesk_fay, paula, clinic, follow_up):
        response = client_for(frontdesk_fay).get(
            reverse("scheduling:find"),
            {
                "patient": paula.pk,
                "appointment_type": follow_up.pk,
                "location": clinic.pk,
                "from_date": "2020-01-01",
            },
        )
        assert response.status_code == 400
        assert "today or a later date" in page_text(response)

    def test_the_patient_search_is_a_post_and_finds_by_name(self, client_for, frontdesk_fay, paula):
        client = client_for(frontdesk_fay)
        response = client.post(
            reverse("scheduling:pick_patient"), {"q": "patel"}, HTTP_HX_REQUEST="true"
        )
        assert "Paula Patel" in page_text(response)
        assert "<html" not in page_text(response)  # the partial only


class TestTheVisitsDay:
    @pytest.fixture
    def visit(self, paula, clinic, dana, follow_up, visit_day):  # type: ignore[no-untyped-def]
        return due_now(book_for(paula, dana, clinic, follow_up, local(visit_day, 11), None))

    def test_check_in_room_and_complete(
        self, client_for, frontdesk_fay, clinical_cleo, visit, clinic
    ):
        desk, nurse = client_for(frontdesk_fay), client_for(clinical_cleo)
        url = reverse("scheduling:transition", args=[visit.pk])
        desk.post(url, {"to": "arrived"})
        room = clinic.rooms.get(name="Exam 1")
        nurse.post(url, {"to": "in_room", "room": room.pk})
        nurse.post(url, {"to": "completed"})
        visit.refresh_from_db()
        assert visit.status == "completed"
        assert visit.checked_in_at and visit.roomed_at and visit.room == room

    def test_an_illegal_step_is_refused_with_the_reason(self, client_for, frontdesk_fay, visit):
        client = client_for(frontdesk_fay)
        response = client.post(
            reverse("scheduling:transition", args=[visit.pk]), {"to": "completed"}, follow=True
        )
        visit.refresh_from_db()
        assert visit.status == "scheduled"
        assert "cannot" in page_text(response).lower() or "not" in page_text(response).lower()

    def test_cancelling_needs_a_reason(self, client_for, frontdesk_fay, visit):
        client = client_for(frontdesk_fay)
        refused = client.post(reverse("scheduling:cancel", args=[visit.pk]), {"reason": ""})
        assert refused.status_code == 400
        visit.refresh_from_db()
        assert visit.status == "scheduled"
        client.post(
            reverse("scheduling:cancel", args=[visit.pk]),
            {"reason_code": "other", "reason": "Feeling better"},
        )
        visit.refresh_from_db()
        assert visit.status == "cancelled" and visit.cancel_reason == "Feeling better"

    def test_cancelling_asks_to_confirm_with_a_reason_from_the_list(
        self, client_for, frontdesk_fay, visit
    ):
        client = client_for(frontdesk_fay)
        url = reverse("scheduling:cancel", args=[visit.pk])
        visit_page = client.get(reverse("scheduling:appointment", args=[visit.pk]))
        assert f'href="{url}"' in visit_page.content.decode()  # a link to the confirm step

        confirm = client.get(url)
        text = page_text(confirm)
        assert confirm.status_code == 200 and "Cancel this visit?" in text
        assert visit.patient.display_name in text and "No transportation" in text
        visit.refresh_from_db()
        assert visit.status == "scheduled"  # looking at the confirm step changes nothing

        other_without_words = client.post(url, {"reason_code": "other", "reason": " "})
        assert other_without_words.status_code == 400
        assert "Say why when the reason is Other." in page_text(other_without_words)
        unknown = client.post(url, {"reason_code": "bored"})
        assert unknown.status_code == 400
        visit.refresh_from_db()
        assert visit.status == "scheduled"

        done = client.post(url, {"reason_code": "transport"}, follow=True)
        visit.refresh_from_db()
        assert (visit.status, visit.cancel_reason_code) == ("cancelled", "transport")
        assert ">No transportation</dd>" in done.content.decode()
        event = AuditEvent.objects.get(action="praxis.scheduling.appointment.cancelled")
        assert event.details["reason_code"] == "transport"

    def test_a_canceled_visits_confirm_step_sends_back_to_the_visit(
        self, client_for, frontdesk_fay, visit
    ):
        client = client_for(frontdesk_fay)
        url = reverse("scheduling:cancel", args=[visit.pk])
        client.post(url, {"reason_code": "weather"})
        again = client.get(url)
        assert again.status_code == 302
        assert again["Location"] == reverse("scheduling:appointment", args=[visit.pk])

    def test_a_provider_cannot_book_or_cancel(self, client_for, dr_dana, visit):
        client = client_for(dr_dana)
        assert (
            client.post(reverse("scheduling:cancel", args=[visit.pk]), {"reason": "x"}).status_code
            == 403
        )
        assert client.get(reverse("scheduling:appointment", args=[visit.pk])).status_code == 200


class TestCalendarAndBoard:
    def test_the_day_calendar_shows_each_provider_and_visit(
        self,
        client_for,
        frontdesk_fay,
        paula,
        clinic,
        dana,
        lee,
        follow_up,
        visit_day,
        django_assert_max_num_queries,
        practice,
    ):
        for hour in (9, 10, 11):
            book_for(paula, dana, clinic, follow_up, local(visit_day, hour), None)
        client = client_for(frontdesk_fay)
        url = reverse("scheduling:calendar")
        params = {"location": clinic.pk, "date": visit_day.isoformat()}
        response = client.get(url, params)
        grid = response.context["grid"]
        assert [c.title for c in grid.columns] == ["Dr. Dana Dubois", "Dr. Lee Park"]
        assert page_text(response).count("Paula Patel") == 3
        # more visits, same number of queries
        for hour in (13, 14, 15, 16):
            book_for(
                make_patient(practice, f"P{hour}", "Many"),
                lee,
                clinic,
                follow_up,
                local(visit_day, hour),
                None,
            )
        with django_assert_max_num_queries(25):
            client.get(url, params)
        week = client.get(url, {**params, "mode": "week"})
        assert week.status_code == 200 and len(week.context["week"]) == 7

    def test_the_day_by_room_shows_what_holds_each_room(
        self, client_for, frontdesk_fay, practice, paula, clinic, dana, lee, exam_room, visit_day
    ):
        from praxis.scheduling.testing import AppointmentTypeFactory, ResourceFactory

        ecg = ResourceFactory(location=clinic, name="ECG cart", kind="equipment")
        procedure = AppointmentTypeFactory(
            practice=practice, name="Procedure", providers=[dana], required_resources=[exam_room]
        )
        tracing = AppointmentTypeFactory(
            practice=practice, name="ECG", providers=[lee], required_resources=[ecg]
        )
        book_for(paula, dana, clinic, procedure, local(visit_day, 9), None)
        book_for(
            make_patient(practice, "Eli", "Ng"), lee, clinic, tracing, local(visit_day, 9), None
        )
        response = client_for(frontdesk_fay).get(
            reverse("scheduling:calendar"),
            {"location": clinic.pk, "date": visit_day.isoformat(), "by": "room"},
        )
        assert response.status_code == 200
        grid = response.context["grid"]
        assert grid.by == "room"
        assert [c.title for c in grid.columns] == ["Exam 1", "ECG cart"]
        placed = {
            grid.columns[i].title: cell.appointment.patient.legal_last_name
            for row in grid.rows
            for i, cell in enumerate(row.cells)
            if cell.kind == "appointment"
        }
        assert placed == {"Exam 1": "Patel", "ECG cart": "Ng"}
        # Rooms have no hours: nothing in a room column offers a booking link.
        assert {cell.kind for row in grid.rows for cell in row.cells} <= {
            "appointment", "covered", "free"
        }  # fmt: skip
        text = page_text(response)
        assert "Appointments by room or equipment and time" in text
        assert 'hx-trigger="every 120s"' in response.content.decode()
        week = client_for(frontdesk_fay).get(
            reverse("scheduling:calendar"),
            {"location": clinic.pk, "date": visit_day.isoformat(), "mode": "week", "by": "room"},
        )
        assert week.status_code == 200 and 'name="by"' not in week.content.decode()

    def test_an_open_cell_books_with_its_provider(
        self, client_for, frontdesk_fay, clinic, dana, lee, visit_day
    ):
        response = client_for(frontdesk_fay).get(
            reverse("scheduling:calendar"), {"location": clinic.pk, "date": visit_day.isoformat()}
        )
        body = response.content.decode()
        assert f"provider={dana.pk}&from_date={visit_day.isoformat()}" in body
        assert f"provider={lee.pk}&from_date={visit_day.isoformat()}" in body

    def test_times_are_on_the_clinics_clock_whatever_the_servers(
        self, client_for, frontdesk_fay, practice, paula, dana, follow_up, visit_day, settings
    ):
        from praxis.core.testing.factories import LocationFactory

        seattle = LocationFactory(
            practice=practice, name="Seattle", time_zone="America/Los_Angeles"
        )
        visit = Appointment.objects.create(
            practice=practice, patient=paula, provider=dana, location=seattle,
            appointment_type=follow_up, start=local(visit_day, 13), end=local(visit_day, 13, 30),
        )  # fmt: skip
        # 13:00 in New York is 10:00 in Seattle.
        client = client_for(frontdesk_fay)
        page = page_text(client.get(reverse("scheduling:appointment", args=[visit.pk])))
        assert "10:00" in page and "13:00" not in page
        week = client.get(
            reverse("scheduling:calendar"),
            {"location": seattle.pk, "date": visit_day.isoformat(), "mode": "week"},
        )
        assert "10:00 AM Paula Patel" in page_text(week)

    def test_the_calendar_has_no_row_in_the_spring_forward_gap(
        self, client_for, frontdesk_fay, clinic, dana
    ):
        from datetime import date, time

        from praxis.scheduling.testing import AvailabilityTemplateFactory

        # An early Sunday session, so the day's grid spans the night the clocks jump.
        AvailabilityTemplateFactory(
            provider=dana, location=clinic, weekday=6, start_time=time(0, 30), end_time=time(5, 0)
        )
        response = client_for(frontdesk_fay).get(
            reverse("scheduling:calendar"), {"location": clinic.pk, "date": "2027-03-14"}
        )
        labels = [f"{row.local:%H:%M}" for row in response.context["grid"].rows if row.label]
        assert "02:00" not in labels and "01:45" in labels and "03:00" in labels
        shown = [row.label for row in response.context["grid"].rows if row.label]
        assert "1:45 AM EST" in shown and "3:00 AM EDT" in shown  # the day the clocks change
        assert date(2027, 3, 14) == response.context["day"]

    def test_the_board_checks_each_visit_and_filters(
        self, client_for, manager_max, paula, clinic, dana, follow_up, practice
    ):
        from praxis.scheduling.selectors import next_business_day

        day = next_business_day(practice=practice)
        book_for(paula, dana, clinic, follow_up, local(day, 10), None)
        client = client_for(manager_max)
        response = client.get(reverse("scheduling:board"), {"date": day.isoformat()})
        assert response.status_code == 200
        (row,) = response.context["rows"]
        assert row.checks == {
            "coverage": False,
            "forms": False,
            "room": None,
            "confirmed": False,
            "credentials": False,  # no license on file for Dr. Dana Dubois
        }
        assert "Not tracked in Praxis yet" not in page_text(response)  # nothing is, now
        filtered = client.get(
            reverse("scheduling:board"), {"date": day.isoformat(), "problems": ["coverage"]}
        )
        assert len(filtered.context["rows"]) == 1

    def test_the_board_is_for_the_manager_and_front_desk(self, client_for, biller_bo):
        assert client_for(biller_bo).get(reverse("scheduling:board")).status_code == 403


def test_a_home_visit_page_says_where_to_go(client_for, frontdesk_fay, practice, dana, clinic):
    from datetime import datetime, timedelta

    from praxis.scheduling.testing import AppointmentFactory, AppointmentTypeFactory

    from .conftest import NEW_YORK

    home = AppointmentTypeFactory(practice=practice, name="Home visit", visit_mode="home_visit")
    hank = make_patient(
        practice, "Hank", "Hill", address_line1="84 Rainey Street", city="Arlen", state="VT"
    )
    start = datetime.now(NEW_YORK).replace(microsecond=0) + timedelta(days=2)
    visit = AppointmentFactory(
        patient=hank, provider=dana, location=clinic, appointment_type=home, start=start
    )
    page = page_text(
        client_for(frontdesk_fay).get(reverse("scheduling:appointment", args=[visit.pk]))
    )
    assert "At the patient's home: 84 Rainey Street, Arlen, VT" in page
