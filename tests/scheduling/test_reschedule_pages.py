"""The front desk moves Paula's visit to another open slot: the same provider's next slots by
default, any provider on request; a slot taken meanwhile is refused and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from praxis.core.testing.assertions import actions_since, audit_mark, page_text
from praxis.scheduling.models import Appointment
from praxis.scheduling.visits import appointment_transition

from .conftest import book, local, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(paula, dana, clinic, follow_up, visit_day):  # type: ignore[no-untyped-def]
    return book(paula, dana, clinic, follow_up, local(visit_day, 11))


def _move(client, visit, provider, location, start):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("scheduling:reschedule_move", args=[visit.pk]),
        {"provider": provider.pk, "location": location.pk, "start": start.isoformat()},
    )


class TestReschedule:
    def test_the_page_offers_the_same_providers_next_slots_by_default(
        self, client_for, frontdesk_fay, visit, dana, lee, visit_day
    ):
        client = client_for(frontdesk_fay)
        url = reverse("scheduling:reschedule", args=[visit.pk])
        mark = audit_mark()
        response = client.get(url, {"from_date": visit_day.isoformat(), "earliest_time": "09:00"})
        assert response.status_code == 200
        slots = response.context["slots"]
        assert slots and {s.provider for s in slots} == {dana}
        assert slots[0].local_start.hour == 9
        assert local(visit_day, 11) not in [s.start for s in slots]  # its own time is taken
        assert "praxis.phi.read" in actions_since(mark)

        anyone = client.get(
            url,
            {"from_date": visit_day.isoformat(), "earliest_time": "09:00", "any_provider": "on"},
        )
        assert {s.provider for s in anyone.context["slots"]} == {dana, lee}

    def test_the_appointment_page_offers_reschedule_to_the_desk_only(
        self, client_for, frontdesk_fay, dr_dana, visit
    ):
        url = reverse("scheduling:appointment", args=[visit.pk])
        link = reverse("scheduling:reschedule", args=[visit.pk])
        assert link in page_text(client_for(frontdesk_fay).get(url))
        assert link not in page_text(client_for(dr_dana).get(url))

    def test_moving_to_a_chosen_slot(
        self, client_for, frontdesk_fay, visit, lee, clinic, visit_day
    ):
        appointment_transition(appointment=visit, to_status="confirmed", by=None)
        mark = audit_mark()
        response = _move(client_for(frontdesk_fay), visit, lee, clinic, local(visit_day, 14))
        assert response.status_code == 302
        assert response["Location"] == reverse("scheduling:appointment", args=[visit.pk])
        visit.refresh_from_db()
        assert (visit.start, visit.provider, visit.status) == (
            local(visit_day, 14),
            lee,
            "scheduled",  # the patient confirmed the old time, not this one
        )
        assert "praxis.scheduling.appointment.rescheduled" in actions_since(mark)

    def test_a_slot_taken_meanwhile_is_refused_clearly_and_nothing_changes(
        self, client_for, frontdesk_fay, visit, dana, clinic, follow_up, visit_day, practice
    ):
        book(
            make_patient(practice, "Quick", "Caller"), dana, clinic, follow_up, local(visit_day, 9)
        )
        mark = audit_mark()
        response = _move(client_for(frontdesk_fay), visit, dana, clinic, local(visit_day, 9))
        assert response.status_code == 409
        assert "taken meanwhile; the visit was not moved" in page_text(response)
        assert response.context["appointment"].start == local(visit_day, 11)
        visit.refresh_from_db()
        assert visit.start == local(visit_day, 11)
        assert "praxis.scheduling.appointment.rescheduled" not in actions_since(mark)

    @pytest.mark.parametrize(
        "start", ["", "not a time", "2030-02-30T10:00:00+00:00"], ids=["empty", "junk", "no-day"]
    )
    def test_an_unreadable_slot_is_refused_and_nothing_changes(
        self, client_for, frontdesk_fay, visit, start
    ):
        response = client_for(frontdesk_fay).post(
            reverse("scheduling:reschedule_move", args=[visit.pk]),
            {"provider": visit.provider_id, "location": visit.location_id, "start": start},
        )
        assert response.status_code == 400
        assert "could not be read" in page_text(response)
        before = visit.start
        visit.refresh_from_db()
        assert visit.start == before

    def test_a_past_from_date_is_a_form_error(self, client_for, frontdesk_fay, visit):
        response = client_for(frontdesk_fay).get(
            reverse("scheduling:reschedule", args=[visit.pk]), {"from_date": "2020-01-01"}
        )
        assert response.status_code == 400
        assert "today or a later date" in page_text(response)

    def test_a_completed_visit_cannot_be_moved(
        self, client_for, frontdesk_fay, visit, clinic, visit_day
    ):
        Appointment.objects.filter(pk=visit.pk).update(status="completed")
        client = client_for(frontdesk_fay)
        page = client.get(reverse("scheduling:reschedule", args=[visit.pk]))
        assert page.context["slots"] is None and "cannot be moved" in page_text(page)
        refused = _move(client, visit, visit.provider, clinic, local(visit_day, 15))
        assert refused.status_code == 400 and "cannot be moved" in page_text(refused)

    @pytest.mark.parametrize(
        ("persona_name", "allowed"),
        [
            ("frontdesk_fay", True),
            ("manager_max", True),
            ("biller_bo", False),
            ("clinical_cleo", False),
        ],
    )
    def test_only_the_roles_that_book_may_reschedule(
        self, client_for, persona, visit, clinic, visit_day, persona_name, allowed
    ):
        client = client_for(persona(persona_name))
        page = client.get(reverse("scheduling:reschedule", args=[visit.pk]))
        moved = _move(client, visit, visit.provider, clinic, local(visit_day, 15))
        assert (page.status_code == 200) is allowed and (page.status_code == 403) is not allowed
        assert (moved.status_code == 302) is allowed and (moved.status_code == 403) is not allowed

    def test_another_practices_visit_is_a_404(
        self, client_for, frontdesk_fay, other_practice, visit
    ):
        Appointment.objects.filter(pk=visit.pk).update(practice=other_practice)
        assert (
            client_for(frontdesk_fay)
            .get(reverse("scheduling:reschedule", args=[visit.pk]))
            .status_code
            == 404
        )
