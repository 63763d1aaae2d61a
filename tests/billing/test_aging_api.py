"""The A/R through the API, as a practice's own reporting script reads it: the aging by payer and
by patient, the lines behind a figure, the collections list and a note added to it. Same filters
and selectors as the pages; roles, bad input and another practice's ids."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from praxis.billing.models import CollectionNote
from praxis.core.models import AuditEvent
from praxis.patients.testing.factories import PatientFactory, PayerFactory

from .conftest import AS_OF
from .test_api import Api

pytestmark = pytest.mark.django_db
ON = {"as_of": AS_OF.isoformat()}


def test_aging_by_payer_and_by_patient(biller_bo, ar, aetna, sam):
    api = Api(biller_bo)
    payers = api.get("/ar/aging", **ON).json()
    assert (payers["by"], payers["basis"], payers["as_of"]) == ("payer", "service", "2026-09-30")
    (row,) = payers["rows"]
    assert row["id"] == aetna.pk and row["name"] == "Aetna"
    assert row["buckets"] == {key: "110.00" for key in row["buckets"]}
    assert len(row["buckets"]) == 5
    assert payers["totals"]["total"] == "550.00" and payers["totals"]["id"] is None
    patients = api.get("/ar/aging", by="patient", basis="billed", **ON).json()
    assert [(r["id"], r["mrn"], r["total"]) for r in patients["rows"]] == [
        (sam.pk, sam.mrn, "135.00")
    ]
    assert AuditEvent.objects.filter(action="praxis.phi.read", patient_id=str(sam.pk)).exists()


def test_the_lines_of_a_cell(biller_bo, ar, aetna):
    api = Api(biller_bo)
    lines = api.get("/ar/lines", group_id=aetna.pk, bucket="d120_plus", **ON).json()
    assert [(x["code"], x["charge"], x["balance"], x["days"]) for x in lines] == [
        ("99213", "95.00", "95.00", 150),
        ("36415", "15.00", "15.00", 150),
    ]
    page = api.get("/ar/lines", group_id=aetna.pk, limit=3, offset=8, **ON).json()
    assert len(page) == 2
    assert api.get("/ar/lines", group_id=0, **ON).json() == []


def test_the_collections_list_and_a_note(biller_bo, ar, sam):
    api = Api(biller_bo)
    (row,) = api.get("/ar/collections", **ON).json()
    assert (row["patient_id"], row["over_90"], row["last_note"]) == (sam.pk, "135.00", None)
    follow_up = (timezone.localdate() + timedelta(days=3)).isoformat()
    created = api.send(
        "POST",
        f"/ar/collections/{sam.pk}/notes",
        {"note": "Left a message", "follow_up_on": follow_up},
    )
    assert created.status_code == 201
    assert created.json()["by_id"] == biller_bo.pk
    (row,) = api.get("/ar/collections", **ON).json()
    assert (row["last_note"], row["follow_up_on"]) == ("Left a message", follow_up)
    assert api.get("/ar/collections", follow_up_due=True, **ON).json() == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"note": "   "}, 400, "rejected"),
        ({"note": "Called", "follow_up_on": "2001-01-01"}, 400, "rejected"),
        ({"note": "Called", "follow_up_on": "tomorrow"}, 422, None),
        ({"note": "x" * 2001}, 422, None),
        ({"follow_up_on": None}, 422, None),
        ([], 422, None),
    ],
)
def test_a_bad_note_writes_nothing(biller_bo, sam, body, status, code):
    response = Api(biller_bo).send("POST", f"/ar/collections/{sam.pk}/notes", body)
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
    assert not CollectionNote.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"by": "provider"},
        {"basis": "posted"},
        {"as_of": "09/30/2026"},
        {"bucket": "d0_45"},
        {"group_id": -1},
        {"limit": 0},
    ],
)
def test_bad_filters_are_422(biller_bo, params):
    assert Api(biller_bo).get("/ar/lines", **params).status_code == 422


def test_another_practices_ids_are_404(biller_bo, other_practice):
    api = Api(biller_bo)
    theirs = PayerFactory(practice=other_practice)
    patient = PatientFactory(practice=other_practice)
    assert api.get("/ar/lines", group_id=theirs.pk).status_code == 404
    assert api.get("/ar/lines", by="patient", group_id=patient.pk).status_code == 404
    response = api.send("POST", f"/ar/collections/{patient.pk}/notes", {"note": "Called"})
    assert response.status_code == 404
    assert not CollectionNote.objects.exists()


@pytest.mark.parametrize(
    ("who", "aging", "collections"),
    [
        ("admin_ada", 200, 200),
        ("manager_max", 200, 200),
        ("biller_bo", 200, 200),
        ("frontdesk_fay", 403, 403),
        ("dr_dana", 403, 403),
        ("hr_hana", 403, 403),
        ("compliance_cole", 403, 403),
    ],
)
def test_who_may_read_and_work_the_ar(persona, sam, who, aging, collections):
    api = Api(persona(who))
    assert api.get("/ar/aging").status_code == aging
    assert api.get("/ar/lines").status_code == aging
    assert api.get("/ar/collections").status_code == collections
    note = api.send("POST", f"/ar/collections/{sam.pk}/notes", {"note": "Called"})
    assert note.status_code == (201 if collections == 200 else 403)
