"""Taking money at the front desk: ``payment_take`` (cash, check or a card terminal's
reference, applied to chosen charge lines or the oldest first; the rest is credit) and
``refund_take`` (unapplied credit paid back). Each wraps the ledger's posting in the same
transaction, numbers a receipt from the practice's sequence and audits.

Choices where the issue is silent:

- a reference is required for a check (its number) and a card (the terminal's reference), and
  never holds a card number: 13 to 19 digits (spaces and dashes allowed between them) that pass
  the Luhn check are refused;
- one payment at the desk is at most ``MAX_AT_DESK`` ($99,999.99): more is a typing mistake;
- a payment's effective date is the day it was taken on the practice's clock: today at the desk
  and in the API (they do not back-date); ``taken_at`` is for the demo and imports;
- an ``Idempotency-Key`` is remembered with a fingerprint of the request: the same key with the
  same request gives back the payment it made, with another request it is refused. A request
  that was refused (nothing posted) leaves no trace, so it may be sent again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import Location, User
from praxis.core.money import format_money
from praxis.core.service_support import ServiceError
from praxis.patients.models import Patient

from . import ledger
from .models import ChargeLine, Payment, ReceiptSequence
from .today import practice_today

MAX_AT_DESK = Decimal("99999.99")
REFERENCE_LENGTH = 64
KEY_LENGTH = 255
CARD_NUMBER = (
    "That looks like a card number. Never record card numbers: enter the card terminal's "
    "reference (the approval code or transaction number on its slip) instead."
)
_DIGIT_RUN = re.compile(r"[0-9][0-9 -]*[0-9]")
_PRINTABLE_KEY = re.compile(r"[\x21-\x7e]+")


class IdempotencyMismatch(ServiceError):
    """An Idempotency-Key sent again with a different request."""


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def looks_like_card_number(text: str) -> bool:
    """13 to 19 digits in a row (spaces or dashes between them allowed) passing the Luhn check."""
    for run in _DIGIT_RUN.findall(text):
        digits = run.replace(" ", "").replace("-", "")
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


def clean_reference(method: str, reference: str) -> str:
    text = " ".join(reference.split())
    if len(text) > REFERENCE_LENGTH:
        raise ServiceError({"reference": [f"Keep the reference to {REFERENCE_LENGTH} characters."]})
    if looks_like_card_number(text):
        raise ServiceError({"reference": [CARD_NUMBER]})
    if method == "check" and not text:
        raise ServiceError({"reference": ["Enter the check number."]})
    if method == "card_reference" and not text:
        raise ServiceError({"reference": ["Enter the card terminal's reference."]})
    return text


def _amount_at_desk(amount: Decimal, what: str) -> Decimal:
    if isinstance(amount, Decimal) and amount.is_finite() and amount > MAX_AT_DESK:
        raise ServiceError(
            {
                "amount": [
                    f"{what} of {format_money(amount)} is more than the desk takes at once "
                    f"({format_money(MAX_AT_DESK)}); check the amount."
                ]
            }
        )
    return amount


def _open_record(patient: Patient) -> None:
    if patient.merged_into_id is not None:
        raise ServiceError(
            "This record was merged into another; take the payment on the record kept."
        )


def next_receipt_number(practice_id: int) -> int:
    """The practice's next receipt number: one upsert statement, atomic on both databases (the
    row stays locked to the end of the payment's transaction, so numbers follow commit order and
    a payment that fails gives its number back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_receipt_number() must run inside the payment's transaction")
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (practice_id, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (practice_id) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [practice_id],
        )
        row = cursor.fetchone()
    return int(row[0])


def _replay(existing: Payment, fingerprint: str) -> Payment:
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyMismatch(
            f"This Idempotency-Key was already used for another request (receipt "
            f"{existing.number}); send a new key for a new payment."
        )
    return existing


def _by_key(practice_id: int, key: str) -> Payment | None:
    return Payment.objects.filter(practice_id=practice_id, idempotency_key=key).first()


def _check_key(key: str) -> None:
    if key and (len(key) > KEY_LENGTH or not _PRINTABLE_KEY.fullmatch(key)):
        raise ServiceError(
            f"An Idempotency-Key is 1 to {KEY_LENGTH} printable characters without spaces."
        )


def payment_take(
    *,
    patient: Patient,
    amount: Decimal,
    method: str,
    reference: str = "",
    applied_to: Sequence[tuple[ChargeLine, Decimal]] = (),
    location: Location | None = None,
    by: User | None,
    idempotency_key: str = "",
    fingerprint: str = "",
    taken_at: datetime | None = None,
) -> Payment:
    """Take a payment: post it (``ledger.payment_post``) and record it with a receipt number, in
    one transaction. With an idempotency key seen before, the payment it made (same request) or
    ``IdempotencyMismatch`` (another request)."""
    _check_key(idempotency_key)
    try:
        with transaction.atomic():
            # The patient's row lock first (the ledger takes it too): a second request with the
            # same key waits here, then finds the first one's payment.
            ledger._lock_patient(patient)
            if idempotency_key:
                existing = _by_key(patient.practice_id, idempotency_key)
                if existing is not None:
                    return _replay(existing, fingerprint)
            return _take(
                patient=patient,
                amount=amount,
                method=method,
                reference=reference,
                applied_to=applied_to,
                location=location,
                by=by,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                taken_at=taken_at or timezone.now(),
            )
    except IntegrityError:
        # The same key sent at once for another patient: the unique constraint let one in.
        existing = _by_key(patient.practice_id, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _replay(existing, fingerprint)


def _take(
    *,
    patient: Patient,
    amount: Decimal,
    method: str,
    reference: str,
    applied_to: Sequence[tuple[ChargeLine, Decimal]],
    location: Location | None,
    by: User | None,
    idempotency_key: str,
    fingerprint: str,
    taken_at: datetime,
) -> Payment:
    _open_record(patient)
    _amount_at_desk(amount, "A payment")
    reference = clean_reference(method, reference)
    day = practice_today(patient.practice, now=taken_at)
    entry = ledger.payment_post(
        patient=patient,
        amount=amount,
        method=method,
        applied_to=applied_to,
        by=by,
        reference=reference,
        effective_date=day,
    )
    payment = Payment.objects.create(
        practice_id=patient.practice_id,
        number=next_receipt_number(patient.practice_id),
        kind=Payment.Kind.PAYMENT,
        patient=patient,
        amount=amount,
        method=method,
        reference=reference,
        location=location,
        taken_by=by,
        taken_at=taken_at,
        effective_date=day,
        entry=entry,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint if idempotency_key else "",
    )
    _audit(payment, "praxis.billing.payment.taken", by)
    return payment


def refund_take(
    *,
    patient: Patient,
    amount: Decimal,
    method: str,
    reference: str = "",
    location: Location | None = None,
    by: User | None,
    reason: str = "",
) -> Payment:
    """Pay unapplied credit back (``ledger.refund_post``), with a receipt number."""
    with transaction.atomic():
        _open_record(patient)
        _amount_at_desk(amount, "A refund")
        if method not in ledger.PAYMENT_METHODS:
            raise ServiceError({"method": ["Choose cash, check or card (terminal reference)."]})
        reference = clean_reference(method, reference)
        day = practice_today(patient.practice)
        memo = f"Refund by {method}" + (f": {reason.strip()}" if reason.strip() else "")
        entry = ledger.refund_post(patient=patient, amount=amount, method=method, by=by, memo=memo)
        payment = Payment.objects.create(
            practice_id=patient.practice_id,
            number=next_receipt_number(patient.practice_id),
            kind=Payment.Kind.REFUND,
            patient=patient,
            amount=amount,
            method=method,
            reference=reference,
            location=location,
            taken_by=by,
            effective_date=day,
            entry=entry,
        )
        _audit(payment, "praxis.billing.payment.refunded", by)
        return payment


def _audit(payment: Payment, action: str, by: User | None) -> None:
    audit.record(
        action,
        obj=payment,
        patient_id=payment.patient_id,
        details={
            "receipt": payment.number,
            "amount": str(payment.amount),
            "method": payment.method,
            "entry": payment.entry_id,
        },
        actor=by,
        practice_id=payment.practice_id,
    )
