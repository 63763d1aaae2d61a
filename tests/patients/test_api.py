"""The patients API, as a script at the front desk or an intake kiosk uses it: register (with
the duplicate check as a 409), find (a POST, so names stay out of URLs), read (audited), update,
coverages and eligibility checks. Same services as the pages, same refusals, same 404 for
another practice's ids, and nothing written when the input is bad."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from praxis.core import services as core_services
from praxis.core.testing.assertions import audit_mark, events_since
from praxis.patients.models import Coverage, Patient
from praxis.patients.testing.factories import CoverageFactory, PayerFactory

from .helpers import row, writes_since

BASE = "/api/v1/patients"


class Api:
    """A script's client: a bearer token, no cookies, CSRF enforced like a browser would."""

    def __init__(self, user: Any) -> None:
        self.client = Client(enforce_csrf_checks=True)
        secret = core_services.api_token_create(user=user, name="kiosk").secret
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, headers=self.headers)

    def send(self, method: str, path: str, body: Any) -> Any:
        return self.client.generic(
            method,
            BASE + path,
            data=_json(body),
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path: str, body: Any) -> Any:
        return self.send("POST", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.send("PATCH", path, body)


def _json(body: Any) -> str:
    import json

    return json.dumps(body, default=str)


def zoe(**changes: Any) -> dict[str, Any]:
    body = {
        "legal_first_name": "Zoë",
        "legal_last_name": "Åberg",
        "date_of_birth": "1992-04-05",
        "sex": "F",
        "phone": "(802) 555-0177",
        "email": "zoe@example.com",
        "consent_sms": True,
    }
    body.update(changes)
    return body


@pytest.fixture
def fay_api(frontdesk_fay) -> Api:  # type: ignore[no-untyped-def]
    return Api(frontdesk_fay)


@pytest.fixture
def bo_api(biller_bo) -> Api:  # type: ignore[no-untyped-def]
    return Api(biller_bo)


# --- register ----------------------------------------------------------------------------------


def test_a_kiosk_registers_a_patient(fay_api, frontdesk_fay, practice):
    mark = audit_mark()

    response = fay_api.post("", zoe())

    assert response.status_code == 201
    body = response.json()
    patient = Patient.objects.get(practice=practice)
    assert body["id"] == patient.pk
    assert body["mrn"] == "100001"
    assert body["phone"] == "+18025550177"
    assert body["consent_sms"] is True and body["consents_recorded_at"]
    assert patient.created_by == frontdesk_fay
    assert (
        writes_since(mark)
        == ["praxis.auth.token.created", "praxis.patients.patient.registered"][1:]
    )


def test_a_possible_duplicate_is_a_409_listing_the_candidates(fay_api, jose):
    mark = audit_mark()

    response = fay_api.post(
        "", zoe(legal_first_name="Jose", legal_last_name="Nunez", date_of_birth="1980-02-03")
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "possible_duplicate",
        "message": "This may be a patient who is already registered: 1 existing record shares "
        "the date of birth and a similar name, or the phone number. Check them, or confirm "
        "that this is a new patient.",
        "candidates": [jose.pk],
    }
    assert Patient.objects.count() == 1
    assert writes_since(mark) == []

    confirmed = fay_api.post(
        "",
        zoe(
            legal_first_name="Jose",
            legal_last_name="Nunez",
            date_of_birth="1980-02-03",
            confirm_duplicate=True,
        ),
    )
    assert confirmed.status_code == 201
    assert Patient.objects.count() == 2


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "status", "field", "message"),
    [
        pytest.param(
            {"phone": "12345"}, 400, "phone", "This is not a valid phone number.", id="phone"
        ),
        pytest.param(
            {"emergency_contact_phone": "call me"},
            400,
            "emergency_contact_phone",
            "Enter a phone number such as (555) 201-3344.",
            id="ice-phone",
        ),
        pytest.param(
            {"date_of_birth": "TOMORROW"},
            400,
            "date_of_birth",
            "The date of birth is in the future.",
            id="dob-future",
        ),
        pytest.param(
            {"date_of_birth": "1980-02-30"}, 422, "date_of_birth", None, id="dob-impossible"
        ),
        pytest.param({"sex": "X"}, 422, "sex", None, id="sex"),
        pytest.param({"legal_last_name": None}, 422, "legal_last_name", None, id="no-last-name"),
        pytest.param(
            {"legal_last_name": ""},
            400,
            "legal_last_name",
            "This field cannot be blank.",
            id="blank-last-name",
        ),
        pytest.param({"email": "zoe@"}, 400, "email", "Enter a valid email address.", id="email"),
        pytest.param(
            {"state": "XX"}, 400, "state", "Value 'XX' is not a valid choice.", id="state"
        ),
        pytest.param({"legal_first_name": "x" * 65}, 422, "legal_first_name", None, id="too-long"),
    ],
)
def test_bad_registrations_are_refused_and_nothing_is_written(
    fay_api, changes, status, field, message
):
    changes = {k: (_tomorrow() if v == "TOMORROW" else v) for k, v in changes.items()}
    mark = audit_mark()

    response = fay_api.post("", zoe(**changes))

    assert response.status_code == status
    body = response.json()
    assert body["code"] == ("rejected" if status == 400 else "invalid")
    # 422s name the field under the body ("body.sex"); refusals of the service name it bare.
    assert any(e["field"].split(".")[-1] == field for e in body["errors"])
    if message:
        assert {"field": field, "message": message} in body["errors"]
        assert message in body["message"]
    assert not Patient.objects.exists()
    assert writes_since(mark) == []


def test_providers_may_not_register_through_the_api(dr_dana):
    response = Api(dr_dana).post("", zoe())
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Patient.objects.exists()


# --- find and read -----------------------------------------------------------------------------


def test_a_search_is_a_post_and_the_results_are_audited(fay_api, jose, frontdesk_fay):
    mark = audit_mark()

    response = fay_api.post("/search", {"query": "nunez 02/03/1980"})

    assert response.status_code == 200
    [found] = response.json()
    assert (found["id"], found["mrn"], found["legal_last_name"]) == (jose.pk, jose.mrn, "Núñez")
    assert "email" not in found  # the summary, not the whole record
    [read] = events_since(mark, "praxis.phi.read")
    assert read.actor == frontdesk_fay
    assert read.details["patient_ids"] == [jose.pk]
    assert fay_api.get("/search").status_code == 405


def test_the_list_pages_through_everyone(fay_api, jose, practice):
    from praxis.patients.testing.factories import PatientFactory

    PatientFactory(practice=practice, legal_last_name="Abbott")
    assert [p["legal_last_name"] for p in fay_api.get("", limit=1).json()] == ["Abbott"]
    assert [p["legal_last_name"] for p in fay_api.get("", limit=1, offset=1).json()] == ["Núñez"]
    assert fay_api.get("", limit=0).status_code == 422


def test_reading_a_patient_is_audited(bo_api, biller_bo, jose):
    mark = audit_mark()

    response = bo_api.get(f"/{jose.pk}")

    assert response.status_code == 200
    assert response.json()["legal_first_name"] == "José"
    [read] = events_since(mark, "praxis.phi.read")
    assert (read.actor, read.patient_id) == (biller_bo, str(jose.pk))


def test_another_practices_patient_is_not_found_and_nothing_leaks(
    fay_api, elsewhere_patient, aetna
):
    before = row(elsewhere_patient)
    mark = audit_mark()
    responses = [
        fay_api.get(f"/{elsewhere_patient.pk}"),
        fay_api.get(f"/{elsewhere_patient.pk}/coverages"),
        fay_api.patch(f"/{elsewhere_patient.pk}", {"city": "Taken"}),
        fay_api.post(
            f"/{elsewhere_patient.pk}/coverages",
            {"payer_id": aetna.pk, "member_id": "X", "effective_date": "2025-01-01"},
        ),
    ]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Not found."}
    assert row(elsewhere_patient) == before
    assert not Coverage.objects.exists()
    assert events_since(mark, "praxis.phi.read") == []
    assert fay_api.post("/search", {"query": "otherton"}).json() == []


@pytest.mark.parametrize("who", ["hr_hana", "compliance_cole"])
def test_roles_without_patient_access_are_refused(persona, jose, who):
    api = Api(persona(who))
    for response in (api.get(f"/{jose.pk}"), api.post("/search", {"query": "nunez"}), api.get("")):
        assert response.status_code == 403


# --- update ------------------------------------------------------------------------------------


def test_a_patch_changes_only_what_was_sent(fay_api, jose):
    mark = audit_mark()

    response = fay_api.patch(f"/{jose.pk}", {"phone": "802-555-0199", "legal_middle_name": None})

    assert response.status_code == 200
    assert response.json()["phone"] == "+18025550199"
    jose.refresh_from_db()
    assert jose.legal_first_name == "José"
    [updated] = events_since(mark, "praxis.patients.patient.updated")
    assert updated.details == {"fields": ["phone"]}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"phone": "555"}, 400),
        ({"date_of_birth": "TOMORROW"}, 400),
        ({"date_of_birth": None}, 400),
        ({"status": "gone"}, 422),
        ({"mrn": "1"}, 200),  # unknown fields are ignored by the schema: nothing changes
    ],
)
def test_bad_patches_change_nothing(fay_api, jose, body, status):
    body = {k: (_tomorrow() if v == "TOMORROW" else v) for k, v in body.items()}
    before = row(jose)
    mark = audit_mark()
    response = fay_api.patch(f"/{jose.pk}", body)
    assert response.status_code == status
    assert row(jose) == before
    assert writes_since(mark) == []


# --- coverages and eligibility -------------------------------------------------------------------


def test_bo_adds_a_coverage_and_records_eligibility(bo_api, jose, aetna, biller_bo):
    mark = audit_mark()

    added = bo_api.post(
        f"/{jose.pk}/coverages",
        {"payer_id": aetna.pk, "member_id": "W123", "effective_date": "2025-01-01"},
    )

    assert added.status_code == 201
    coverage = added.json()
    assert (coverage["payer_name"], coverage["priority"], coverage["eligibility_status"]) == (
        "Aetna",
        1,
        "unverified",
    )
    checked = bo_api.post(
        f"/coverages/{coverage['id']}/eligibility", {"status": "active", "note": "ref 42"}
    )
    assert checked.status_code == 200
    assert checked.json()["eligibility_status"] == "active"
    assert checked.json()["eligibility_checked_by_id"] == biller_bo.pk
    listed = bo_api.get(f"/{jose.pk}/coverages").json()
    assert [c["member_id"] for c in listed] == ["W123"]
    assert writes_since(mark) == [
        "praxis.patients.coverage.added",
        "praxis.patients.coverage.eligibility_recorded",
    ]


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        pytest.param(
            {"end_date": "2024-12-31"},
            400,
            "The end date is before the effective date.",
            id="end-before",
        ),
        pytest.param(
            {"payer_id": 999999}, 404, "No such payer in this practice.", id="unknown-payer"
        ),
        pytest.param(
            {"payer_id": "ELSEWHERE"},
            404,
            "No such payer in this practice.",
            id="other-practice-payer",
        ),
        pytest.param(
            {"subscriber_relationship": "01"}, 400, "Name the subscriber", id="no-subscriber"
        ),
        pytest.param({"priority": 4}, 422, None, id="priority"),
        pytest.param({"effective_date": None}, 422, None, id="no-effective-date"),
        pytest.param({"member_id": ""}, 400, "This field cannot be blank.", id="blank-member-id"),
    ],
)
def test_bad_coverages_are_refused_and_nothing_is_written(
    bo_api, jose, aetna, other_practice, changes, status, message
):
    if changes.get("payer_id") == "ELSEWHERE":
        changes = {"payer_id": PayerFactory(practice=other_practice).pk}
    body = {"payer_id": aetna.pk, "member_id": "W1", "effective_date": "2025-01-01", **changes}
    mark = audit_mark()

    response = bo_api.post(f"/{jose.pk}/coverages", body)

    assert response.status_code == status
    if message:
        assert message in response.json()["message"]
    assert not Coverage.objects.exists()
    assert writes_since(mark) == []


def test_an_overlapping_primary_is_refused_naming_the_field(bo_api, jose, aetna):
    CoverageFactory(patient=jose, payer=aetna, effective_date=date(2024, 1, 1))
    response = bo_api.post(
        f"/{jose.pk}/coverages",
        {"payer_id": aetna.pk, "member_id": "W2", "effective_date": "2025-01-01"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "priority"
    assert Coverage.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"status": "unverified"}, 422),
        ({"status": "active", "checked_at": "2999-01-01T00:00:00Z"}, 400),
        ({"status": "active", "note": "x" * 256}, 422),
    ],
)
def test_bad_eligibility_records_change_nothing(bo_api, jose, aetna, body, status):
    coverage = CoverageFactory(patient=jose, payer=aetna)
    before = row(coverage)
    mark = audit_mark()
    response = bo_api.post(f"/coverages/{coverage.pk}/eligibility", body)
    assert response.status_code == status
    assert row(coverage) == before
    assert writes_since(mark) == []


def test_eligibility_of_another_practices_coverage_is_not_found(bo_api, elsewhere_patient):
    theirs = CoverageFactory(patient=elsewhere_patient)
    response = bo_api.post(f"/coverages/{theirs.pk}/eligibility", {"status": "active"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.eligibility_status == "unverified"


def test_payers_are_listed_for_whoever_adds_coverages(fay_api, aetna, medicare, other_practice):
    PayerFactory(practice=other_practice, name="Elsewhere Health")
    names = [p["name"] for p in fay_api.get("/payers").json()]
    assert names == ["Aetna", "Medicare"]


@pytest.mark.parametrize(
    "body",
    [
        {"query": "x" * 201},
        {"query": "nunez", "limit": 0},
        {"query": "nunez", "limit": 201},
        {"query": 5},
    ],
)
def test_bad_search_bodies_are_422s(fay_api, jose, body):
    mark = audit_mark()
    response = fay_api.post("/search", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert events_since(mark, "praxis.phi.read") == []
