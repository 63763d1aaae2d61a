"""The ready-for-tomorrow board can say "ready": only the checks that apply to a visit count (a
visit type that reserves no room needs none), what Praxis does not track counts for nothing (the
provider's license is tracked, by the staff app), and the summary says how many visits are ready
and what is missing most."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.core.testing.assertions import page_text
from praxis.patients.testing.factories import ConsentFormFactory, CoverageFactory
from praxis.scheduling.readiness import readiness_rows, summarize
from praxis.scheduling.selectors import next_business_day
from praxis.scheduling.testing import AppointmentTypeFactory
from praxis.scheduling.visits import appointment_transition
from praxis.staff.testing.factories import license_provider

from .conftest import book, local, make_patient

pytestmark = pytest.mark.django_db


def _all_set(patient) -> None:  # type: ignore[no-untyped-def]
    """Coverage checked today and a consent form on file."""
    CoverageFactory(
        patient=patient, eligibility_status="active", eligibility_checked_at=timezone.now()
    )
    ConsentFormFactory(patient=patient)


@pytest.fixture
def day(practice):  # type: ignore[no-untyped-def]
    return next_business_day(practice=practice)


@pytest.fixture
def procedure(practice, dana, exam_room):  # type: ignore[no-untyped-def]
    return AppointmentTypeFactory(
        practice=practice, name="Procedure", providers=[dana], required_resources=[exam_room]
    )


def test_a_visit_that_reserves_no_room_can_be_ready(practice, paula, dana, clinic, follow_up, day):
    _all_set(paula)
    license_provider(practice, dana.npi)
    visit = book(paula, dana, clinic, follow_up, local(day, 10))
    appointment_transition(appointment=visit, to_status="confirmed", by=None)

    _, (row,) = readiness_rows(practice=practice)
    assert row.checks == {
        "coverage": True,
        "forms": True,
        "room": None,
        "confirmed": True,
        "credentials": True,
    }
    assert row.ready
    assert summarize([row]).ready == 1


def test_the_room_check_applies_to_a_type_that_reserves_a_room(
    practice, paula, dana, clinic, procedure, day
):
    _all_set(paula)
    license_provider(practice, dana.npi)
    visit = book(paula, dana, clinic, procedure, local(day, 10))
    appointment_transition(appointment=visit, to_status="confirmed", by=None)

    _, (row,) = readiness_rows(practice=practice)
    assert row.checks["room"] is True  # the booking held the exam room
    assert row.ready


def test_the_summary_counts_the_ready_and_names_what_is_missing_most(
    practice, paula, dana, lee, clinic, follow_up, day
):
    _all_set(paula)
    license_provider(practice, dana.npi)  # Dr. Lee Park has no license on file
    ready = book(paula, dana, clinic, follow_up, local(day, 9))
    appointment_transition(appointment=ready, to_status="confirmed", by=None)
    for hour, name in ((10, "Uma"), (11, "Vic")):
        book(make_patient(practice, name, "Unready"), lee, clinic, follow_up, local(day, hour))
    unconfirmed = book(make_patient(practice, "Wes", "Waiting"), dana, clinic, follow_up,
                       local(day, 12))  # fmt: skip
    _all_set(unconfirmed.patient)

    _, rows = readiness_rows(practice=practice)
    summary = summarize(rows)
    assert (summary.total, summary.ready) == (4, 1)
    assert [(check.key, count) for check, count in summary.missing] == [
        ("confirmed", 3),
        ("coverage", 2),
        ("forms", 2),
        ("credentials", 2),
    ]
    assert summary.most_missing is not None and summary.most_missing[0].key == "confirmed"


def test_the_board_shows_the_summary_and_filters_on_failures_only(
    client_for, manager_max, practice, paula, dana, clinic, follow_up, day
):
    book(paula, dana, clinic, follow_up, local(day, 10))
    client = client_for(manager_max)
    response = client.get(reverse("scheduling:board"), {"date": day.isoformat()})
    text = page_text(response)
    assert "0 of 1 visit ready" in text
    assert (
        "Missing most: coverage not verified (1), forms missing (1), not confirmed (1), "
        "provider not licensed (1)"
    ) in text
    assert "does not apply" in text  # the room, for a visit type without one
    assert "Not tracked in Praxis yet" not in text  # balances and licenses both are now

    # "No room" fails for no visit here: a check that does not apply is not a failure
    no_room = client.get(reverse("scheduling:board"), {"date": day.isoformat(), "problems": "room"})
    assert no_room.context["rows"] == []
