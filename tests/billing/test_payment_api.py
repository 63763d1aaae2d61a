"""The payments API as a front-desk app or a patient portal uses it: take a payment with an
Idempotency-Key (a retry gets the same answer, another body with the same key 422), read it, its
receipt and the patient's balance. Another practice's ids 404; bad input writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from praxis.billing import payments
from praxis.billing.models import Payment
from praxis.core.pdf import pdf_text
from praxis.core.testing.personas import make_persona
from praxis.patients.testing.factories import PatientFactory

from .test_api import Api

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def visit(paula, posted_visit):  # type: ignore[no-untyped-def]
    encounter = posted_visit(paula)
    return {line.line_number: line for line in encounter.lines.all()}


def pay(api: Api, body: dict, key: str = "key-1"):  # type: ignore[no-untyped-def]
    return api.client.post(
        "/api/v1/billing/payments",
        data=body,
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": key},
    )


def test_a_payment_with_a_key_is_made_once_and_answered_the_same(
    paula, visit, frontdesk_fay, location
):
    api = Api(frontdesk_fay)
    body = {
        "patient_id": paula.pk,
        "amount": "50.00",
        "method": "check",
        "reference": "1042",
        "location_id": location.pk,
        "applied_to": [{"charge_line_id": visit[1].pk, "amount": "45.00"}],
    }
    first = pay(api, body)
    assert first.status_code == 201, first.content
    answer = first.json()
    assert answer["receipt_number"] == 1
    assert answer["applied_to"][0]["code"] == "99213"
    assert answer["applied_to"][0]["amount"] == "45.00"
    assert answer["to_credit"] == "5.00"
    again = pay(api, {**body, "amount": "50"})  # the same request, written another way
    assert (again.status_code, again.json()) == (201, answer)
    other = pay(api, {**body, "amount": "60.00"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.count() == 1
    got = api.get(f"/payments/{answer['id']}")
    assert got.json() == answer


@pytest.mark.parametrize(
    ("body", "key", "status", "words"),
    [
        ({}, "k", 422, "Some values are not valid"),
        ({"amount": "1.00", "method": "cash"}, None, 422, "Some values are not valid"),
        ({"amount": "abc", "method": "cash"}, "k", 422, "Some values are not valid"),
        ({"amount": 12.5, "method": "cash"}, "k", 422, "Some values are not valid"),
        ({"amount": "-5.00", "method": "cash"}, "k", 400, "must be more than $0.00"),
        ({"amount": "0.00", "method": "cash"}, "k", 400, "must be more than $0.00"),
        ({"amount": "100000", "method": "cash"}, "k", 400, "more than the desk takes"),
        (
            {"amount": "5.00", "method": "card_reference", "reference": "4111111111111111"},
            "k",
            400,
            "looks like a card number",
        ),
        (
            {"amount": "20.00", "method": "cash", "applied_to": "LINE2:20.00"},
            "k",
            400,
            "more than the patient owes",
        ),
        (
            {"amount": "5.00", "method": "cash", "applied_to": "LINE999:1.00"},
            "k",
            404,
            "No such charge line",
        ),
    ],
)
def test_bad_payments_are_refused_and_write_nothing(
    paula, visit, frontdesk_fay, body, key, status, words
):
    sent = {"patient_id": paula.pk, **body}
    if isinstance(sent.get("applied_to"), str):
        line, amount = sent["applied_to"].split(":")
        line_id = visit[2].pk if line == "LINE2" else 99999
        sent["applied_to"] = [{"charge_line_id": line_id, "amount": amount}]
    api = Api(frontdesk_fay)
    headers = {**api.headers, **({"Idempotency-Key": key} if key else {})}
    response = api.client.post(
        "/api/v1/billing/payments", data=sent, content_type="application/json", headers=headers
    )
    assert response.status_code == status, response.content
    assert words in response.json()["message"]
    assert not Payment.objects.exists()


def test_the_receipt_and_the_balance(paula, visit, frontdesk_fay):
    payment = payments.payment_take(
        patient=paula, amount=D("20.00"), method="cash", by=frontdesk_fay
    )
    api = Api(frontdesk_fay)
    receipt = api.get(f"/payments/{payment.pk}/receipt")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert "Payment receipt No. 1" in pdf_text(receipt.content)
    balance = api.get(f"/patients/{paula.pk}/balance").json()
    assert balance["patient_due"] == "115.00"
    assert [c["patient_owes"] for c in balance["open_charges"]] == ["100.00", "15.00"]


@pytest.mark.parametrize(
    ("name", "read", "take"),
    [
        ("manager_max", 200, 201),
        ("frontdesk_fay", 200, 201),
        ("biller_bo", 200, 201),
        ("dr_dana", 403, 403),
        ("hr_hana", 403, 403),
    ],
)
def test_who_may_use_the_payments_api(practice, paula, name, read, take):
    api = Api(make_persona(name, practice))
    assert api.get(f"/patients/{paula.pk}/balance").status_code == read
    body = {"patient_id": paula.pk, "amount": "1.00", "method": "cash"}
    assert pay(api, body).status_code == take


def test_another_practices_ids_are_404(frontdesk_fay, other_practice):
    theirs = PatientFactory(practice=other_practice)
    payment = payments.payment_take(patient=theirs, amount=D("5.00"), method="cash", by=None)
    api = Api(frontdesk_fay)
    assert api.get(f"/payments/{payment.pk}").status_code == 404
    assert api.get(f"/payments/{payment.pk}/receipt").status_code == 404
    assert api.get(f"/patients/{theirs.pk}/balance").status_code == 404
    response = pay(api, {"patient_id": theirs.pk, "amount": "1.00", "method": "cash"})
    assert response.status_code == 404
    assert Payment.objects.count() == 1
