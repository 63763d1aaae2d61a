"""Reads of a patient's account, shared by the account page, the receipt and the API: the open
charges, the balance, recent payments, and what one payment was applied to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from praxis.core.money import ZERO
from praxis.patients.models import Patient

from .models import Account, ChargeLine, JournalLine, OpenItem, Payment
from .selectors import PatientBalance, patient_balance

RECENT_PAYMENTS = 10


def open_charges(patient: Patient) -> QuerySet[OpenItem]:
    """The patient's charge lines with something still owed, by the patient or the insurance,
    oldest first (the order a payment with no lines named pays them in)."""
    return (
        OpenItem.objects.filter(patient=patient)
        .filter(Q(patient_balance__gt=ZERO) | Q(insurance_balance__gt=ZERO))
        .select_related("charge_line__procedure_code")
        .order_by("date_of_service", "charge_line__encounter_id", "charge_line__line_number")
    )


def recent_payments(patient: Patient, limit: int = RECENT_PAYMENTS) -> list[Payment]:
    return list(
        Payment.objects.filter(patient=patient)
        .select_related("taken_by")
        .order_by("-taken_at", "-pk")[:limit]
    )


def charge_lines_of(patient: Patient, ids: list[int]) -> dict[int, ChargeLine]:
    """The patient's own charge lines among ``ids`` (another patient's are simply absent)."""
    return {
        line.pk: line
        for line in ChargeLine.objects.filter(pk__in=ids, encounter__patient=patient)
        .select_related("encounter")
        .order_by("pk")
    }


@dataclass(frozen=True)
class Application:
    date_of_service: date
    code: str
    line_id: int
    amount: Decimal


def applications(payment: Payment) -> tuple[list[Application], Decimal]:
    """What a payment was applied to, line by line, and what went to unapplied credit."""
    rows = (
        JournalLine.objects.filter(entry_id=payment.entry_id)
        .select_related("charge_line__procedure_code", "charge_line__encounter")
        .order_by("pk")
    )
    applied: list[Application] = []
    credit = ZERO
    for row in rows:
        if row.account == Account.AR_PATIENT and row.charge_line is not None:
            applied.append(
                Application(
                    date_of_service=row.charge_line.encounter.date_of_service,
                    code=row.charge_line.procedure_code.code,
                    line_id=row.charge_line_id or 0,
                    amount=-row.amount,
                )
            )
        elif row.account == Account.UNAPPLIED_CREDIT and payment.kind == Payment.Kind.PAYMENT:
            credit += -row.amount
    return applied, credit


@dataclass(frozen=True)
class AccountView:
    patient: Patient
    balance: PatientBalance
    charges: list[OpenItem]
    payments: list[Payment]


def account(patient: Patient) -> AccountView:
    """Everything the account page shows, in four queries."""
    return AccountView(
        patient=patient,
        balance=patient_balance(patient),
        charges=list(open_charges(patient)),
        payments=recent_payments(patient),
    )
