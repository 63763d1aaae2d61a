"""The billing API as a script uses it: ICD-10-CM search for a coding tool, procedure codes and
fees for a practice's own spreadsheet sync. Same services as the pages, same refusals, 404 for
another practice's ids, nothing written when the input is bad."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from praxis.billing.fees import fee_create
from praxis.billing.models import Fee, ProcedureCode
from praxis.billing.procedure_codes import procedure_code_create
from praxis.core import services as core_services
from praxis.patients.testing.factories import PayerFactory

from .conftest import APRIL_2026, FY2027

pytestmark = pytest.mark.django_db
BASE = "/api/v1/billing"


class Api:
    def __init__(self, user: Any) -> None:
        self.client = Client(enforce_csrf_checks=True)
        secret = core_services.api_token_create(user=user, name="sync").secret
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, headers=self.headers)

    def send(self, method: str, path: str, body: Any) -> Any:
        return self.client.generic(
            method,
            BASE + path,
            data=json.dumps(body, default=str),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def releases(order_file):  # type: ignore[no-untyped-def]
    for name, rows, on in (("a.txt", APRIL_2026, "2026-04-01"), ("b.txt", FY2027, "2026-10-01")):
        call_command(
            "codes", "load-icd10", "--file", str(order_file(name, rows)), "--effective-from", on
        )


def test_icd10_search_on_a_date(dr_dana, releases):
    api = Api(dr_dana)
    found = api.get("/icd10", q="E11.2", on="2026-09-30").json()
    assert [(c["code"], c["display"]) for c in found] == [("E1121", "E11.21")]
    assert found[0]["description"].endswith("nephropathy")
    assert found[0]["effective_to"] == "2026-09-30"
    october = api.get("/icd10", q="diab kidney", on="2026-10-01").json()
    assert [c["code"] for c in october] == ["E1121", "E1122"]


@pytest.mark.parametrize(
    "params", [{"q": "x" * 101}, {"q": "E11", "on": "10/01/2026"}, {"q": "E11", "limit": 0}]
)
def test_icd10_search_refuses_bad_queries(dr_dana, releases, params):
    assert Api(dr_dana).get("/icd10", **params).status_code == 422


def test_icd10_is_for_whoever_codes(hr_hana, releases):
    assert Api(hr_hana).get("/icd10", q="E11").status_code == 403


def test_procedure_codes_list_create_update(biller_bo, practice):
    api = Api(biller_bo)
    created = api.send(
        "POST",
        "/procedure-codes",
        {"code": "99213", "description": "Office visit", "active_from": "2026-01-01"},
    )
    assert created.status_code == 201
    code_id = created.json()["id"]
    changed = api.send("PATCH", f"/procedure-codes/{code_id}", {"default_units": 2})
    assert changed.status_code == 200 and changed.json()["default_units"] == 2
    assert [c["code"] for c in api.get("/procedure-codes", q="offic").json()] == ["99213"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"code": "9921", "description": "x", "active_from": "2026-01-01"}, 400),
        ({"code": "99213", "description": "=x()", "active_from": "2026-01-01"}, 400),
        (
            {"code": "99213", "description": "x", "active_from": "2026-01-01", "default_units": 0},
            422,
        ),
        ({"code": "99213", "description": "x"}, 422),
        ([], 422),
    ],
)
def test_a_bad_procedure_code_writes_nothing(biller_bo, body, status):
    response = Api(biller_bo).send("POST", "/procedure-codes", body)
    assert response.status_code == status
    assert not ProcedureCode.objects.exists()


def test_the_front_desk_reads_codes_but_does_not_change_them(frontdesk_fay, office_visit):
    api = Api(frontdesk_fay)
    assert api.get("/procedure-codes").status_code == 200
    assert api.send("PATCH", f"/procedure-codes/{office_visit.pk}", {}).status_code == 403
    body = {"code": "99214", "description": "x", "active_from": "2026-01-01"}
    assert api.send("POST", "/procedure-codes", body).status_code == 403


def test_another_practices_code_is_a_404(biller_bo, other_practice):
    theirs = procedure_code_create(
        practice=other_practice,
        values={"code": "99213", "description": "Theirs", "active_from": date(2026, 1, 1)},
    )
    api = Api(biller_bo)
    response = api.send("PATCH", f"/procedure-codes/{theirs.pk}", {"description": "Mine"})
    assert response.status_code == 404
    assert response.json()["message"] == "No such procedure code in this practice."
    body = {"procedure_code_id": theirs.pk, "amount": "1.00", "effective_from": "2026-01-01"}
    assert api.send("POST", "/fees", body).status_code == 404
    assert not Fee.objects.exists()


def test_fees_list_by_payer_and_create(biller_bo, practice, office_visit, aetna):
    api = Api(biller_bo)
    standard = api.send(
        "POST",
        "/fees",
        {"procedure_code_id": office_visit.pk, "amount": "115.00", "effective_from": "2026-01-01"},
    )
    assert standard.status_code == 201
    assert standard.json()["amount"] == "115.00" and standard.json()["payer_id"] is None
    contracted = api.send(
        "POST",
        "/fees",
        {
            "procedure_code_id": office_visit.pk,
            "payer_id": aetna.pk,
            "amount": "89.70",
            "effective_from": "2026-01-01",
        },
    )
    assert contracted.status_code == 201
    assert [f["amount"] for f in api.get("/fees", payer_id=aetna.pk).json()] == ["89.70"]
    assert [f["amount"] for f in api.get("/fees", standard=True).json()] == ["115.00"]
    assert len(api.get("/fees").json()) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"amount": 1.5, "effective_from": "2026-01-01"}, 422),  # a JSON number
        ({"amount": "1.005", "effective_from": "2026-01-01"}, 422),
        ({"amount": "-1.00", "effective_from": "2026-01-01"}, 400),
        ({"amount": "1.00", "effective_from": "2026-01-01", "modifier": "ZZ"}, 400),
        ({"amount": "1.00", "effective_from": "2026-02-01"}, 400),  # overlaps
    ],
)
def test_a_bad_fee_writes_nothing(biller_bo, practice, office_visit, body, status):
    fee_create(
        practice=practice,
        values={
            "procedure_code": office_visit,
            "amount": Decimal("115.00"),
            "effective_from": date(2026, 1, 1),
        },
    )
    response = Api(biller_bo).send("POST", "/fees", {"procedure_code_id": office_visit.pk, **body})
    assert response.status_code == status
    assert Fee.objects.count() == 1


def test_another_practices_payer_is_a_404(biller_bo, office_visit, other_practice):
    theirs = PayerFactory(practice=other_practice, name="Theirs")
    api = Api(biller_bo)
    assert api.get("/fees", payer_id=theirs.pk).status_code == 404
    body = {
        "procedure_code_id": office_visit.pk,
        "payer_id": theirs.pk,
        "amount": "1.00",
        "effective_from": "2026-01-01",
    }
    assert api.send("POST", "/fees", body).status_code == 404
    assert not Fee.objects.exists()
