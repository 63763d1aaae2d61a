"""The front desk phones a waitlisted patient about a freed time and marks the entry offered
(who, when); booking it is still a separate click."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.core.models import AuditEvent
from praxis.core.testing.assertions import actions_since, audit_mark, page_text
from praxis.scheduling import waitlist
from praxis.scheduling.models import Appointment, WaitlistEntry, WaitlistOpening
from praxis.scheduling.visits import appointment_cancel

from .conftest import book, local, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening(paula, dana, clinic, follow_up, visit_day, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    cancelled = book(paula, dana, clinic, follow_up, local(visit_day, 10))
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=cancelled, reason="Away", cancelled_by=None)
    return WaitlistOpening.objects.get(cancelled_appointment=cancelled)


@pytest.fixture
def olive(practice, follow_up, visit_day):  # type: ignore[no-untyped-def]
    return waitlist.waitlist_entry_add(
        patient=make_patient(practice, "Olive", "Waiting"),
        appointment_type=follow_up,
        earliest_date=visit_day - timedelta(days=2),
        latest_date=visit_day + timedelta(days=2),
        created_by=None,
    )


class TestWaitlistOffered:
    def test_marking_an_entry_offered_records_who_and_when_and_books_nothing(
        self, client_for, frontdesk_fay, opening, olive
    ):
        client = client_for(frontdesk_fay)
        mark = audit_mark()
        response = client.post(
            reverse("scheduling:waitlist_offer", args=[opening.pk]), {"entry": olive.pk}
        )
        assert response.status_code == 302
        olive.refresh_from_db()
        assert olive.status == "offered" and olive.offered_by == frontdesk_fay
        assert olive.offered_opening == opening and olive.offered_at is not None
        assert actions_since(mark) == ["praxis.scheduling.waitlist_entry.offered"]
        assert not Appointment.objects.filter(patient=olive.patient).exists()

        page = page_text(client.get(reverse("scheduling:waitlist")))
        assert "Offered" in page and f"by {frontdesk_fay}" in page
        # still offered the time, and still booked only by an explicit click
        assert "Book this slot" in page
        booked = client.post(
            reverse("scheduling:waitlist_book", args=[opening.pk]), {"entry": olive.pk}
        )
        assert booked.status_code == 302
        olive.refresh_from_db()
        assert olive.status == "booked"

    @pytest.mark.parametrize("entry", ["", "abc", "999999"])
    def test_a_bad_entry_is_a_404_and_changes_nothing(
        self, client_for, frontdesk_fay, opening, olive, entry
    ):
        response = client_for(frontdesk_fay).post(
            reverse("scheduling:waitlist_offer", args=[opening.pk]), {"entry": entry}
        )
        assert response.status_code == 404
        olive.refresh_from_db()
        assert olive.status == "waiting"

    def test_a_dismissed_time_cannot_be_offered(self, client_for, frontdesk_fay, opening, olive):
        waitlist.waitlist_opening_dismiss(opening=opening, by=None)
        response = client_for(frontdesk_fay).post(
            reverse("scheduling:waitlist_offer", args=[opening.pk]),
            {"entry": olive.pk},
            follow=True,
        )
        assert "already been filled or dismissed" in page_text(response)
        olive.refresh_from_db()
        assert olive.status == "waiting" and olive.offered_at is None

    @pytest.mark.parametrize(
        ("persona_name", "status"), [("manager_max", 302), ("clinical_cleo", 403)]
    )
    def test_only_the_desk_roles_may_mark_offered(
        self, client_for, persona, opening, olive, persona_name, status
    ):
        response = client_for(persona(persona_name)).post(
            reverse("scheduling:waitlist_offer", args=[opening.pk]), {"entry": olive.pk}
        )
        assert response.status_code == status
        olive.refresh_from_db()
        assert (olive.status == "offered") is (status == 302)

    def test_the_waitlist_page_reads_a_fixed_number_of_queries(
        self, client_for, frontdesk_fay, opening, practice, follow_up, visit_day
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = client_for(frontdesk_fay)

        def queries() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("scheduling:waitlist")).status_code == 200
            return len(ctx.captured_queries)

        def add_offered(name: str) -> None:
            entry = waitlist.waitlist_entry_add(
                patient=make_patient(practice, name, "Waiting"),
                appointment_type=follow_up,
                earliest_date=visit_day + timedelta(days=30),  # not matching: the list only
                latest_date=visit_day + timedelta(days=31),
                created_by=None,
            )
            waitlist.waitlist_entry_offer(entry=entry, opening=opening, offered_by=frontdesk_fay)

        add_offered("One")
        few = queries()
        for name in ("Two", "Three", "Four"):
            add_offered(name)
        assert queries() == few
        assert WaitlistEntry.objects.filter(status="offered").count() == 4
        assert (
            AuditEvent.objects.filter(action="praxis.scheduling.waitlist_entry.offered").count()
            == 4
        )


class TestDeclined:
    def test_a_declined_offer_goes_back_to_waiting(self, client_for, frontdesk_fay, opening, olive):
        waitlist.waitlist_entry_offer(entry=olive, opening=opening, offered_by=frontdesk_fay)
        client = client_for(frontdesk_fay)
        assert "Declined" in page_text(client.get(reverse("scheduling:waitlist")))
        mark = audit_mark()
        response = client.post(reverse("scheduling:waitlist_decline", args=[olive.pk]))
        assert response.status_code == 302
        olive.refresh_from_db()
        assert olive.status == "waiting" and olive.offered_opening is None
        assert actions_since(mark) == ["praxis.scheduling.waitlist_entry.declined"]
        # still matched to freed time, and nothing was booked
        assert olive in waitlist.matches_for(opening)
        assert not Appointment.objects.filter(patient=olive.patient).exists()

    def test_declining_what_was_never_offered_is_refused(
        self, client_for, frontdesk_fay, opening, olive
    ):
        client = client_for(frontdesk_fay)
        mark = audit_mark()
        response = client.post(reverse("scheduling:waitlist_decline", args=[olive.pk]))
        assert response.status_code == 302
        olive.refresh_from_db()
        assert olive.status == "waiting" and actions_since(mark) == []
        assert "Nothing was offered to this patient." in page_text(client.get(response.url))

    def test_another_practices_entry_is_a_404(self, client_for, frontdesk_fay, other_practice):
        from praxis.scheduling.testing import AppointmentTypeFactory

        theirs = waitlist.waitlist_entry_add(
            patient=make_patient(other_practice, "Not", "Ours"),
            appointment_type=AppointmentTypeFactory(practice=other_practice),
            earliest_date=timezone.localdate(),
            latest_date=timezone.localdate() + timedelta(days=3),
            created_by=None,
        )
        response = client_for(frontdesk_fay).post(
            reverse("scheduling:waitlist_decline", args=[theirs.pk])
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("persona_name", "status"), [("frontdesk_fay", 302), ("clinical_cleo", 403)]
    )
    def test_only_the_desk_roles_may_record_a_decline(
        self, client_for, persona, opening, olive, persona_name, status
    ):
        waitlist.waitlist_entry_offer(entry=olive, opening=opening, offered_by=None)
        response = client_for(persona(persona_name)).post(
            reverse("scheduling:waitlist_decline", args=[olive.pk])
        )
        assert response.status_code == status
        olive.refresh_from_db()
        assert (olive.status == "waiting") is (status == 302)


def test_matching_reads_two_queries_however_many_wait(
    opening, practice, follow_up, visit_day, django_assert_num_queries
):
    for name in ("A", "B", "C", "D"):
        waitlist.waitlist_entry_add(
            patient=make_patient(practice, name, "Waiting"),
            appointment_type=follow_up,
            earliest_date=visit_day,
            latest_date=visit_day,
            created_by=None,
        )
    opening.refresh_from_db()
    opening = WaitlistOpening.objects.select_related("location", "cancelled_appointment").get(
        pk=opening.pk
    )
    with django_assert_num_queries(2):  # the entries, and who offers their visit types
        assert len(waitlist.matches_for(opening)) == 4


def test_the_waitlist_page_costs_the_same_however_many_freed_times(
    client_for, frontdesk_fay, opening, olive, paula, dana, clinic, follow_up, visit_day,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(frontdesk_fay)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("scheduling:waitlist")).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for hour in (13, 14, 15):
        visit = book(paula, dana, clinic, follow_up, local(visit_day, hour))
        with django_capture_on_commit_callbacks(execute=True):
            appointment_cancel(appointment=visit, reason="Away", cancelled_by=None)
    assert WaitlistOpening.objects.count() == 4
    assert queries() == one
