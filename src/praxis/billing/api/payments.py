"""/payments and /patients/{id}/balance: the front desk's money. ``POST /payments`` needs an
``Idempotency-Key`` header: the same key with the same body gives back the payment it made (the
same status and body), with another body 422 ``idempotency_key_reused``.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

import hashlib
import json
from datetime import date, datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Schema, Status
from ninja.params import HeaderEx, P

from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import ApiError, BodyIn, permission, with_errors
from praxis.core.bounds import Id
from praxis.core.models import Location
from praxis.core.money import ApiMoney
from praxis.patients.access import access_patient_by_id

from .. import accounts, payments
from ..models import Payment
from ..permissions import TAKE, VIEW_ACCOUNTS
from ..receipts import receipt_response
from ..selectors import patient_balance
from .fees import FeeAmount as Amount  # dollars and cents, no sign: the schema says so
from .routing import router

SEE_PATIENT = "patients.view_patient"
IDEMPOTENCY_KEY = P(
    alias="Idempotency-Key",
    min_length=1,
    max_length=payments.KEY_LENGTH,
    pattern=r"^[\x21-\x7e]+$",
    description="A new random key per payment (a UUID); send it again when retrying.",
)


class AppliedIn(Schema):
    charge_line_id: Id
    amount: Amount


class PaymentIn(BodyIn):
    patient_id: Id
    amount: Amount
    method: Literal["cash", "check", "card_reference"]
    reference: str = Field(
        "",
        max_length=payments.REFERENCE_LENGTH,
        description="The check number or the card terminal's reference; never a card number.",
    )
    location_id: Id | None = None
    applied_to: list[AppliedIn] = Field(
        default_factory=list,
        max_length=100,
        description="The charge lines to apply it to; empty: the oldest the patient owes first.",
    )


class AppliedOut(Schema):
    charge_line_id: int
    date_of_service: date
    code: str
    amount: ApiMoney


class PaymentOut(Schema):
    id: int
    receipt_number: int
    kind: str
    patient_id: int
    amount: ApiMoney
    method: str
    reference: str
    location_id: int | None
    taken_by: str
    taken_at: datetime
    effective_date: date
    journal_entry_id: int
    applied_to: list[AppliedOut]
    to_credit: ApiMoney


class OpenChargeOut(Schema):
    charge_line_id: int
    date_of_service: date
    code: str
    charge: ApiMoney
    insurance_owes: ApiMoney
    patient_owes: ApiMoney


class BalanceOut(Schema):
    patient_id: int
    patient_due: ApiMoney
    insurance_pending: ApiMoney
    unapplied_credit: ApiMoney
    net_due: ApiMoney
    open_charges: list[OpenChargeOut]


def _out(payment: Payment) -> PaymentOut:
    applied, credit = accounts.applications(payment)
    return PaymentOut(
        id=payment.pk,
        receipt_number=payment.number,
        kind=payment.kind,
        patient_id=payment.patient_id,
        amount=payment.amount,
        method=payment.method,
        reference=payment.reference,
        location_id=payment.location_id,
        taken_by=payment.taken_by.email if payment.taken_by else "",
        taken_at=payment.taken_at,
        effective_date=payment.effective_date,
        journal_entry_id=payment.entry_id,
        applied_to=[
            AppliedOut(
                charge_line_id=a.line_id,
                date_of_service=a.date_of_service,
                code=a.code,
                amount=a.amount,
            )
            for a in applied
        ],
        to_credit=credit,
    )


def fingerprint(body: PaymentIn) -> str:
    """The request as the service saw it: the same body (however it was spaced or ordered, with
    amounts written "50" or "50.00") has the same fingerprint."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@router.post(
    "/payments",
    response=with_errors({201: PaymentOut}),
    summary="Take a patient's payment (Idempotency-Key required)",
)
@permission(TAKE, SEE_PATIENT)
def create_payment(
    request: AuthedRequest,
    body: PaymentIn,
    idempotency_key: HeaderEx[str, IDEMPOTENCY_KEY],
) -> Status[PaymentOut]:
    practice = practice_of(request.auth)
    patient = access_patient_by_id(request.auth, body.patient_id)
    location = None
    if body.location_id is not None:
        location = get_in_practice(
            Location, practice=practice, what="location", pk=body.location_id
        )
    lines = accounts.charge_lines_of(patient, [a.charge_line_id for a in body.applied_to])
    applied = []
    for a in body.applied_to:
        if a.charge_line_id not in lines:
            raise ApiError(404, "not_found", "No such charge line for this patient.")
        applied.append((lines[a.charge_line_id], a.amount))
    try:
        payment = payments.payment_take(
            patient=patient,
            amount=body.amount,
            method=body.method,
            reference=body.reference,
            applied_to=applied,
            location=location,
            by=request.auth,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint(body),
        )
    except payments.IdempotencyMismatch as reused:
        raise ApiError(422, "idempotency_key_reused", reused.messages[0]) from reused
    return Status(201, _out(payment))


def _payment(request: AuthedRequest, payment_id: int) -> Payment:
    payment = get_in_practice(
        Payment.objects.select_related("taken_by"),
        practice=practice_of(request.auth),
        what="payment",
        pk=payment_id,
    )
    payment.patient = access_patient_by_id(request.auth, payment.patient_id)
    return payment


@router.get("/payments/{payment_id}", response=with_errors(PaymentOut), summary="A payment")
@permission(VIEW_ACCOUNTS, SEE_PATIENT)
def get_payment(request: AuthedRequest, payment_id: Id) -> PaymentOut:
    return _out(_payment(request, payment_id))


@router.get(
    "/payments/{payment_id}/receipt",
    response=with_errors({200: None}),
    summary="A payment's receipt (PDF)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The receipt",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@permission(VIEW_ACCOUNTS, SEE_PATIENT)
def get_receipt(request: AuthedRequest, payment_id: Id) -> HttpResponse:
    return receipt_response(_payment(request, payment_id))


@router.get(
    "/patients/{patient_id}/balance",
    response=with_errors(BalanceOut),
    summary="A patient's balance and open charges",
)
@permission(VIEW_ACCOUNTS, SEE_PATIENT)
def get_balance(request: AuthedRequest, patient_id: Id) -> BalanceOut:
    patient = access_patient_by_id(request.auth, patient_id)
    balance = patient_balance(patient)
    return BalanceOut(
        patient_id=patient.pk,
        patient_due=balance.patient_due,
        insurance_pending=balance.insurance_pending,
        unapplied_credit=balance.unapplied_credit,
        net_due=balance.net_due,
        open_charges=[
            OpenChargeOut(
                charge_line_id=item.charge_line_id,
                date_of_service=item.date_of_service,
                code=item.charge_line.procedure_code.code,
                charge=item.charge_line.amount,
                insurance_owes=item.insurance_balance,
                patient_owes=item.patient_balance,
            )
            for item in accounts.open_charges(patient)
        ],
    )
