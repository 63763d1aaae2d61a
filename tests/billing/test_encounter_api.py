"""The encounter API as a coding tool uses it: the queue, opening an encounter from a visit or by
hand, coding it, marking it ready and voiding it. The same services and refusals as the pages;
another practice's ids are 404s; bad bodies are 400/422 and write nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from praxis.billing.models import ChargeLine, Encounter, JournalEntry
from praxis.billing.selectors import ledger_disagreements
from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory, ProviderFactory

from .conftest import DAY_OF_SERVICE
from .test_api import Api

pytestmark = pytest.mark.django_db

CODING = {
    "diagnoses": ["E11.9", "J02.0"],
    "lines": [
        {"procedure_code": "99213", "modifiers": ["25"], "units": 1, "pointers": [1, 2]},
        {"procedure_code": "36415", "units": 2, "pointers": [1]},
    ],
}


@pytest.fixture
def visit(paula, dana, location, icd10_april_2026, fee_schedule):  # type: ignore[no-untyped-def]
    return AppointmentFactory(
        patient=paula,
        provider=dana,
        location=location,
        start=datetime(2026, 5, 4, 14, tzinfo=UTC),
        status=Appointment.Status.COMPLETED,
    )


def test_from_the_queue_to_ready_and_void(biller_bo, visit):
    api = Api(biller_bo)
    queue = api.get("/visits-to-bill").json()
    assert [v["appointment_id"] for v in queue] == [visit.pk]
    assert queue[0]["patient_name"] == "Paula Price"

    opened = api.send("POST", "/encounters", {"appointment_id": visit.pk})
    assert opened.status_code == 201, opened.json()
    encounter = opened.json()
    assert encounter["status"] == "draft" and encounter["date_of_service"] == "2026-05-04"
    assert api.get("/visits-to-bill").json() == []
    assert [e["id"] for e in api.get("/encounters").json()] == [encounter["id"]]

    coded = api.send("PUT", f"/encounters/{encounter['id']}/coding", CODING)
    assert coded.status_code == 200, coded.json()
    body = coded.json()
    assert body["diagnoses"] == ["E119", "J020"] and body["total"] == "150.00"
    assert [line["amount"] for line in body["lines"]] == ["120.00", "30.00"]

    ready = api.send("POST", f"/encounters/{encounter['id']}/ready", {})
    assert ready.json()["status"] == "ready"
    assert api.get("/encounters").json() == []
    assert [e["id"] for e in api.get("/encounters", status=["ready"]).json()] == [encounter["id"]]

    voided = api.send(
        "POST", f"/encounters/{encounter['id']}/void", {"reason": "Wrong visit level"}
    ).json()
    assert voided["voided"]["status"] == "voided"
    assert voided["replacement"]["status"] == "draft"
    assert voided["replacement"]["replaces_id"] == encounter["id"]
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REVERSAL).count() == 1
    assert ledger_disagreements() == []


def test_by_hand_and_its_refusals(biller_bo, paula, dana, location, icd10_april_2026):
    api = Api(biller_bo)
    body = {
        "patient_id": paula.pk,
        "date_of_service": "2026-05-04",
        "rendering_provider_id": dana.pk,
        "location_id": location.pk,
        "coverage": "self_pay",
    }
    missing = api.send("POST", "/encounters", {"coverage": "self_pay"})
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} == {
        "patient_id",
        "date_of_service",
        "rendering_provider_id",
        "location_id",
    }
    no_secondary = api.send("POST", "/encounters", {**body, "coverage": "secondary"})
    assert no_secondary.status_code == 400
    assert "no secondary coverage" in no_secondary.json()["message"]
    bad = api.send("POST", "/encounters", {**body, "coverage": "medicare"})
    assert bad.status_code == 422
    assert not Encounter.objects.exists()
    made = api.send("POST", "/encounters", body)
    assert made.status_code == 201 and made.json()["coverage_id"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"diagnoses": ["E99.9"]}, "diagnoses.1", "not an ICD-10-CM code in force on 05/04/2026"),
        ({"diagnoses": ["E11"]}, "diagnoses.1", "not a billable code"),
        (
            {"lines": [{"procedure_code": "99213", "pointers": [3]}]},
            "lines.1",
            "points at diagnosis 3",
        ),
        (
            {"lines": [{"procedure_code": "99213", "units": 0}]},
            "lines.1",
            "units must be a whole number of 1 or more",
        ),
        (
            {"lines": [{"procedure_code": "99999"}]},
            "lines.1",
            "'99999' is not one of this practice's codes",
        ),
    ],
)
def test_coding_refusals_name_the_diagnosis_or_line(biller_bo, draft, change, field, message):
    response = Api(biller_bo).send("PUT", f"/encounters/{draft.pk}/coding", {**CODING, **change})
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert message in errors[field]
    assert not ChargeLine.objects.exists()


def test_inactive_code_and_provider_without_npi(biller_bo, draft, office_visit, dana):
    office_visit.active_from = DAY_OF_SERVICE.replace(day=5)
    office_visit.save()
    type(dana).objects.filter(pk=dana.pk).update(npi="")
    response = Api(biller_bo).send("PUT", f"/encounters/{draft.pk}/coding", CODING)
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "the code is not active on 05/04/2026" in errors["lines.1"]
    assert "has no NPI" in errors["rendering_provider"]
    assert not ChargeLine.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"diagnoses": "E11.9", "lines": []},
        {"diagnoses": ["E11.9"], "lines": [{"units": 1}]},
        {"diagnoses": ["E11.9"], "lines": [{"procedure_code": "99213", "units": "many"}]},
    ],
)
def test_malformed_coding_bodies_are_422(biller_bo, draft, body):
    response = Api(biller_bo).send("PUT", f"/encounters/{draft.pk}/coding", body)
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_another_practices_ids_are_404(biller_bo, other_practice, icd10_april_2026):
    from praxis.billing.encounters import encounter_create
    from praxis.core.testing.factories import LocationFactory

    theirs = encounter_create(
        patient=PatientFactory(practice=other_practice),
        date_of_service=DAY_OF_SERVICE,
        rendering_provider=ProviderFactory(practice=other_practice),
        location=LocationFactory(practice=other_practice),
        by=None,
    )
    api = Api(biller_bo)
    assert api.get(f"/encounters/{theirs.pk}").status_code == 404
    assert api.send("PUT", f"/encounters/{theirs.pk}/coding", CODING).status_code == 404
    assert api.send("POST", f"/encounters/{theirs.pk}/ready", {}).status_code == 404
    assert api.send("POST", f"/encounters/{theirs.pk}/void", {"reason": "x"}).status_code == 404
    assert api.get("/encounters", provider_id=theirs.rendering_provider_id).status_code == 404
    answer = api.send("POST", "/encounters", {"appointment_id": 999999})
    assert answer.status_code == 404


def test_the_front_desk_may_not(frontdesk_fay, draft):
    api = Api(frontdesk_fay)
    assert api.get("/encounters").status_code == 403
    assert api.send("PUT", f"/encounters/{draft.pk}/coding", CODING).status_code == 403


def test_the_list_costs_the_same_for_many(
    biller_bo, dana, location, practice, icd10_april_2026, django_assert_max_num_queries
):
    from praxis.billing.encounters import encounter_create

    for _ in range(10):
        encounter_create(
            patient=PatientFactory(practice=practice),
            date_of_service=DAY_OF_SERVICE,
            rendering_provider=dana,
            location=location,
            by=None,
        )
    api = Api(biller_bo)
    with django_assert_max_num_queries(10):
        assert len(api.get("/encounters").json()) == 10


def test_money_is_a_string(biller_bo, draft):
    api = Api(biller_bo)
    api.send("PUT", f"/encounters/{draft.pk}/coding", CODING)
    assert Decimal(api.get(f"/encounters/{draft.pk}").json()["total"]) == Decimal("150.00")
