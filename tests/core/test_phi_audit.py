"""PHI shown is PHI audited: the four responses that once showed patients and wrote nothing, and
the rules of the one event per response (core/phi_audit.py). The walk over every route is in
test_phi_audit_walk.py."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.core import phi_audit
from praxis.core.services import api_token_create
from praxis.core.testing.assertions import audit_mark, events_since
from praxis.patients import selectors
from praxis.patients.models import Patient
from praxis.patients.testing.factories import CoverageFactory, PatientFactory, PayerFactory
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory, weekly_hours

PHI_READ = "praxis.phi.read"


@pytest.fixture
def quinn(practice: Any) -> Patient:
    return PatientFactory(
        practice=practice,
        legal_first_name="Quinn",
        legal_last_name="Mrkzq0001",
        date_of_birth=date(1981, 3, 4),
        phone="+18025550111",
    )


@pytest.fixture
def quinn_again(practice: Any) -> Patient:
    """The same person registered twice: same date of birth, same phone."""
    return PatientFactory(
        practice=practice,
        legal_first_name="Quin",
        legal_last_name="Mrkzq0002",
        date_of_birth=date(1981, 3, 4),
        phone="+18025550111",
    )


@pytest.fixture
def ada(admin_ada: Any, client_for: Any) -> Any:
    return client_for(admin_ada)


def the_read(mark: int) -> Any:
    """The one PHI-read event since the mark (fails if there is none, or more than one)."""
    [read] = events_since(mark, PHI_READ)
    return read


# --- the four leaks --------------------------------------------------------------------------


def test_the_booking_pages_patient_picker_names_the_patients_it_lists(ada, quinn, quinn_again):
    mark = audit_mark()
    response = ada.post(reverse("scheduling:pick_patient"), {"q": "Mrkzq"})
    assert response.status_code == 200
    assert "Mrkzq0001" in response.content.decode() and "Mrkzq0002" in response.content.decode()
    read = the_read(mark)
    assert read.details["path_name"] == "scheduling:pick_patient"
    assert sorted(read.details["patient_ids"]) == sorted([quinn.pk, quinn_again.pk])


@pytest.fixture
def visit(practice: Any, location: Any, quinn: Patient) -> Any:
    provider = ProviderFactory(practice=practice)
    weekly_hours(provider, location, start=time(8), end=time(18))
    kind = AppointmentTypeFactory(practice=practice, providers=[provider])
    day = timezone.localdate() + timedelta(days=9)
    start = datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())
    return appointment_book(
        patient=quinn,
        provider=provider,
        location=location,
        appointment_type=kind,
        start=start,
        booked_by=None,
    )


RE_RENDERS = [
    ("patients:edit", "patient"),
    ("patients:coverage_add", "patient"),
    ("patients:document_upload", "patient"),
    ("patients:coverage_edit", "coverage"),
    ("patients:coverage_end", "coverage"),
    ("patients:coverage_eligibility", "coverage"),
    ("scheduling:cancel", "appointment"),
]


@pytest.mark.parametrize(("route", "kind"), RE_RENDERS)
def test_a_form_shown_again_with_errors_names_the_patient_it_shows(
    ada, practice, quinn, visit, route, kind
):
    coverage = CoverageFactory(patient=quinn, payer=PayerFactory(practice=practice))
    target = {"patient": quinn.pk, "coverage": coverage.pk, "appointment": visit.pk}[kind]
    mark = audit_mark()
    # A bound form missing what it needs (an empty POST would be an unbound form, a GET).
    response = ada.post(reverse(route, args=[target]), {"unknown": "x"})
    assert response.status_code == 400
    assert "Mrkzq0001" in response.content.decode()
    read = the_read(mark)
    assert read.patient_id == str(quinn.pk)
    assert read.details["patient_ids"] == [quinn.pk]
    assert (read.details["method"], read.details["status"]) == ("POST", 400)


def test_patching_a_patient_with_nothing_names_the_patient_it_answers_with(
    admin_ada, client, quinn
):
    secret = api_token_create(user=admin_ada, name="test").secret
    mark = audit_mark()
    response = client.patch(
        f"/api/v1/patients/{quinn.pk}",
        "{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    assert response.json()["legal_last_name"] == "Mrkzq0001"
    read = the_read(mark)
    assert read.actor == admin_ada
    assert read.patient_id == str(quinn.pk)
    assert read.details["method"] == "PATCH"


def test_the_merge_page_names_the_duplicate_candidates_it_lists(ada, quinn, quinn_again):
    mark = audit_mark()
    response = ada.get(reverse("patients:merge", args=[quinn.pk]))
    assert response.status_code == 200
    assert "Mrkzq0002" in response.content.decode()  # the likely duplicate
    read = the_read(mark)
    assert read.details["patient_ids"] == [quinn.pk, quinn_again.pk]
    assert read.patient_id == ""  # two patients: the list names them


# --- one event per response ------------------------------------------------------------------


def test_a_page_writes_one_event_that_holds_ids_and_no_patient_data(ada, quinn, quinn_again):
    mark = audit_mark()
    response = ada.get(reverse("patients:detail", args=[quinn.pk]))
    assert response.status_code == 200
    read = the_read(mark)
    assert read.object_type == "patients.patient"
    assert read.details == {
        "path_name": "patients:detail",
        "method": "GET",
        "status": 200,
        "patient_ids": [quinn.pk],
    }
    assert "Mrkzq" not in json.dumps(read.details) and "Quinn" not in json.dumps(read.details)


def test_a_redirect_shows_nothing_and_writes_no_read(ada, visit):
    mark = audit_mark()
    response = ada.post(
        reverse("scheduling:cancel", args=[visit.pk]),
        {"reason_code": "weather", "reason": "Snowed in"},
    )
    assert response.status_code == 302
    assert events_since(mark, PHI_READ) == []


def test_a_refused_request_names_nobody(client_for, persona, quinn):
    otto = client_for(persona("outsider_otto"))
    mark = audit_mark()
    assert otto.get(reverse("patients:detail", args=[quinn.pk])).status_code == 403
    assert events_since(mark, PHI_READ) == []


def test_reading_a_field_feeds_the_collector_only_while_one_runs(db, quinn):
    fresh = Patient.objects.get(pk=quinn.pk)
    assert fresh.legal_last_name == "Mrkzq0001"  # no request: nothing to feed, nothing breaks
    with phi_audit.collecting() as collector:
        assert fresh.pk == quinn.pk  # an id is not PHI
        assert list(collector.patient_ids) == []
        with phi_audit.unshown():
            assert fresh.phone == "+18025550111"  # read to decide, not shown
        assert list(collector.patient_ids) == []
        assert str(fresh)  # __str__ shows the name
        assert list(collector.patient_ids) == [quinn.pk]


def test_a_coverage_field_names_its_patient(db, practice, quinn):
    coverage = CoverageFactory(patient=quinn, payer=PayerFactory(practice=practice))
    with phi_audit.collecting() as collector:
        assert coverage.member_id
        assert list(collector.patient_ids) == [quinn.pk]


def test_a_history_row_names_its_patient(db, quinn):
    quinn.city = "Burlington"
    quinn.save()
    [*_, row] = Patient.history.filter(id=quinn.pk).order_by("history_id")
    with phi_audit.collecting() as collector:
        assert row.legal_last_name == "Mrkzq0001"
        assert list(collector.patient_ids) == [quinn.pk]


def test_the_duplicate_matcher_names_only_the_records_it_returns(db, practice, quinn, quinn_again):
    born_same_day = PatientFactory(
        practice=practice,
        legal_first_name="Zed",
        legal_last_name="Mrkzq0003",
        date_of_birth=quinn.date_of_birth,
    )
    with phi_audit.collecting() as collector:
        found = selectors.duplicates_of(Patient.objects.get(pk=quinn.pk))
        assert found == [quinn_again]
        # quinn's own name was read to search with; the same-day stranger was only compared
        assert born_same_day.pk not in collector.patient_ids
