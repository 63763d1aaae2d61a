"""The front desk books Paula a weekly series: every visit, or, when some weeks cannot be
booked, every one of those dates with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from praxis.core import datefmt
from praxis.core.testing.assertions import actions_since, audit_mark, page_text
from praxis.scheduling.models import Appointment, RecurringSeries

from .conftest import book, local, make_patient

pytestmark = pytest.mark.django_db


def _series(client, paula, dana, clinic, follow_up, day, **changes):  # type: ignore[no-untyped-def]
    data = {
        "patient": paula.pk,
        "provider": dana.pk,
        "location": clinic.pk,
        "appointment_type": follow_up.pk,
        "first_date": day.isoformat(),
        "first_time": "10:00",
        "count": 4,
        "interval_weeks": 1,
        **changes,
    }
    return client.post(reverse("scheduling:series_book"), data)


class TestSeries:
    def test_the_find_page_offers_a_series_from_each_slot_prefilled(
        self, client_for, frontdesk_fay, paula, dana, clinic, follow_up, visit_day
    ):
        client = client_for(frontdesk_fay)
        found = client.get(
            reverse("scheduling:find"),
            {
                "patient": paula.pk,
                "appointment_type": follow_up.pk,
                "location": clinic.pk,
                "from_date": visit_day.isoformat(),
            },
        )
        assert reverse("scheduling:series") in page_text(found)
        plan = client.get(
            reverse("scheduling:series"),
            {
                "patient": paula.pk,
                "provider": dana.pk,
                "location": clinic.pk,
                "appointment_type": follow_up.pk,
                "first_date": visit_day.isoformat(),
                "first_time": "10:00",
            },
        )
        assert plan.status_code == 200
        assert plan.context["form"]["count"].value() == "8"
        assert "Paula Patel" in page_text(plan)
        assert not Appointment.objects.exists()

    def test_booking_a_series_shows_every_visit(
        self, client_for, frontdesk_fay, paula, dana, clinic, follow_up, visit_day
    ):
        client = client_for(frontdesk_fay)
        response = _series(client, paula, dana, clinic, follow_up, visit_day, interval_weeks=2)
        series = RecurringSeries.objects.get()
        assert response["Location"] == reverse("scheduling:series_detail", args=[series.pk])
        starts = list(Appointment.objects.filter(series=series).values_list("start", flat=True))
        assert sorted(starts) == [local(visit_day + timedelta(weeks=2 * k), 10) for k in range(4)]
        shown = client.get(response["Location"])
        assert len(shown.context["rows"]) == 4 and "Paula Patel" in page_text(shown)

    def test_every_conflict_is_listed_with_its_date_and_nothing_is_written(
        self, client_for, frontdesk_fay, paula, dana, clinic, follow_up, visit_day, practice
    ):
        other = make_patient(practice, "Otto", "Early")
        for week in (1, 3):
            book(other, dana, clinic, follow_up, local(visit_day + timedelta(weeks=week), 10))
        mark = audit_mark()
        response = _series(client_for(frontdesk_fay), paula, dana, clinic, follow_up, visit_day)
        assert response.status_code == 409
        problems = response.context["problems"]
        assert [p.start for p in problems] == [
            local(visit_day + timedelta(weeks=w), 10) for w in (1, 3)
        ]
        text = page_text(response)
        for week in (1, 3):
            assert datefmt.day(visit_day + timedelta(weeks=week)) in text
        assert "Nothing was booked" in text
        assert response.context["form"]["count"].value() == "4"  # the plan is kept to change
        assert not Appointment.objects.filter(patient=paula).exists()
        assert not RecurringSeries.objects.exists()
        assert "praxis.scheduling.appointment.booked" not in actions_since(mark)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"count": 0}, "greater than or equal to 2"),
            ({"count": 53}, "less than or equal to 52"),
            ({"interval_weeks": 13}, "less than or equal to 12"),
            ({"first_time": "25:00"}, "Enter a valid time"),
            ({"provider": 999999}, "Select a valid choice"),
        ],
    )
    def test_bad_input_gets_a_clear_message_and_writes_nothing(
        self, client_for, frontdesk_fay, paula, dana, clinic, follow_up, visit_day, changes, message
    ):
        response = _series(
            client_for(frontdesk_fay), paula, dana, clinic, follow_up, visit_day, **changes
        )
        assert response.status_code == 400
        assert message in page_text(response)
        assert not Appointment.objects.exists() and not RecurringSeries.objects.exists()

    def test_a_time_the_clocks_skip_is_refused_on_the_form(
        self, client_for, frontdesk_fay, paula, dana, clinic, follow_up
    ):
        from datetime import date

        response = _series(
            client_for(frontdesk_fay),
            paula,
            dana,
            clinic,
            follow_up,
            date(2030, 3, 10),  # a spring-forward Sunday in New York
            first_time="02:30",
        )
        assert response.status_code == 400
        assert "the clocks go forward" in page_text(response)
        assert not Appointment.objects.exists()

    def test_another_practices_patient_is_a_404(
        self, client_for, frontdesk_fay, other_practice, dana, clinic, follow_up, visit_day
    ):
        stranger = make_patient(other_practice, "Stranger", "Elsewhere")
        response = _series(client_for(frontdesk_fay), stranger, dana, clinic, follow_up, visit_day)
        assert response.status_code == 404
        assert not Appointment.objects.exists()

    @pytest.mark.parametrize(("persona_name", "status"), [("manager_max", 302), ("biller_bo", 403)])
    def test_only_the_roles_that_book_may_book_a_series(
        self, client_for, persona, paula, dana, clinic, follow_up, visit_day, persona_name, status
    ):
        client = client_for(persona(persona_name))
        response = _series(client, paula, dana, clinic, follow_up, visit_day)
        assert response.status_code == status
        assert Appointment.objects.exists() is (status == 302)
