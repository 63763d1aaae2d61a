"""Posting to the double-entry ledger: charges, payments, adjustments, write-offs, refunds,
responsibility transfers and reversals.

Every service builds its lines (a signed amount each: debit positive, credit negative) and hands
them to ``_post``, which refuses an entry that does not balance to the cent, locks the open items
the lines touch (``select_for_update``; SQLite's ``BEGIN IMMEDIATE`` already serializes writers),
refuses one that would leave a balance below zero, inserts the entry and its lines, moves the open
items by the receivable lines, and audits — all in one transaction. Posted entries never change
(database triggers, ``ledger_triggers.py``): a correction is ``entry_reverse``, which posts the
exact negation and so puts every open item back where it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import Practice, User
from praxis.core.money import ZERO, format_money, round_money
from praxis.core.service_support import ServiceError
from praxis.patients.models import Patient, Payer

from .closed_days import is_closed, refuse_closed_day
from .models import Account, ChargeLine, Encounter, JournalEntry, JournalLine, OpenItem
from .models.ledger import RECEIVABLES
from .selectors import patient_balance
from .today import practice_today

Party = Literal["patient", "insurance"]
PAYMENT_METHODS = ("cash", "check", "card_reference")
_AR: dict[str, Account] = {"patient": Account.AR_PATIENT, "insurance": Account.AR_INSURANCE}


@dataclass(frozen=True)
class Line:
    """A line about to be posted."""

    account: Account
    amount: Decimal
    patient: Patient
    payer: Payer | None = None
    charge_line: ChargeLine | None = None


def _money(amount: Decimal, what: str = "The amount") -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ServiceError(f"{what} must be an amount of money.")
    rounded = round_money(amount)
    if rounded != amount:
        raise ServiceError(f"{what} has more than two decimal places: {amount}.")
    return rounded


def _positive(amount: Decimal, what: str = "The amount") -> Decimal:
    value = _money(amount, what)
    if value <= ZERO:
        raise ServiceError(f"{what} must be more than $0.00.")
    return value


def _party(party: str) -> Account:
    if party not in _AR:
        raise ServiceError(f"{party!r} is not a responsible party; say patient or insurance.")
    return _AR[party]


def _line_label(charge_line: ChargeLine) -> str:
    return f"line {charge_line.line_number} of encounter {charge_line.encounter_id}"


def _post(
    *,
    practice: Practice,
    kind: str,
    lines: Sequence[Line],
    by: User | None,
    memo: str = "",
    effective_date: date | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Insert one balanced entry and move the open items it touches, in the caller's
    transaction (every caller holds one)."""
    if not lines:
        raise ServiceError("An entry needs at least one line.")
    total = sum((line.amount for line in lines), ZERO)
    if total != ZERO:
        raise ServiceError(
            f"The entry does not balance: its lines add up to {format_money(total)}."
        )
    if any(line.amount == ZERO or round_money(line.amount) != line.amount for line in lines):
        raise ServiceError("Every line of an entry is a nonzero amount in whole cents.")
    effective_date = effective_date or practice_today(practice)
    refuse_closed_day(practice, effective_date)  # every posting, whatever its kind
    deltas: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for line in lines:
        if line.account in RECEIVABLES and line.charge_line is not None:
            deltas[line.charge_line.pk][RECEIVABLES[line.account]] += line.amount
    for patient_id in sorted({line.patient.pk for line in lines}):
        Patient.objects.select_for_update(no_key=True).filter(pk=patient_id).values_list(
            "pk"
        ).first()
    items = {
        item.charge_line_id: item
        for item in OpenItem.objects.select_for_update()
        .filter(charge_line_id__in=sorted(deltas))
        .order_by("charge_line_id")
    }
    for charge_line_id, change in deltas.items():
        item = items.get(charge_line_id)
        if item is None:
            raise ServiceError("That charge line has not been posted to the ledger.")
        for field, delta in change.items():
            after = getattr(item, field) + delta
            if after < ZERO and reverses is not None:
                raise ServiceError(
                    f"Reversing entry #{reverses.pk} would leave {_line_label(item.charge_line)} "
                    "owing less than nothing: reverse what was applied to it since, first."
                )
            if after < ZERO:
                party = "the patient" if field == "patient_balance" else "the insurance"
                owed = getattr(item, field)
                raise ServiceError(
                    f"That is more than {party} owes on {_line_label(item.charge_line)}: "
                    f"{format_money(owed)} is open, {format_money(-delta)} was asked."
                )
            setattr(item, field, after)
    entry = JournalEntry.objects.create(
        practice=practice,
        kind=kind,
        posted_at=timezone.now(),
        effective_date=effective_date,
        memo=memo[:255],
        reverses=reverses,
        created_by=by,
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            account=line.account,
            amount=line.amount,
            patient=line.patient,
            payer=line.payer,
            charge_line=line.charge_line,
        )
        for line in lines
    )
    for item in items.values():
        item.save(update_fields=["patient_balance", "insurance_balance"])
    patients = sorted({line.patient.pk for line in lines})
    audit.record(
        "praxis.billing.journal_entry.posted",
        obj=entry,
        patient_id=patients[0] if len(patients) == 1 else "",
        details={"kind": kind, "lines": len(lines), "patients": patients},
        actor=by,
        practice_id=practice.pk,
    )
    return entry


# --- charges -----------------------------------------------------------------------------------


def charges_post(*, encounter: Encounter, by: User | None) -> JournalEntry:
    """One charge entry for the encounter's lines: each line's amount owed by the insurance when
    the encounter has a coverage, else by the patient, against revenue; one open item a line."""
    with transaction.atomic():
        lines = list(encounter.lines.select_related("procedure_code").order_by("line_number"))
        if not lines:
            raise ServiceError("The encounter has no charge lines to post.")
        if OpenItem.objects.filter(charge_line__encounter=encounter).exists():
            raise ServiceError("The encounter's charges are already posted.")
        payer = encounter.coverage.payer if encounter.coverage is not None else None
        receivable = Account.AR_INSURANCE if payer is not None else Account.AR_PATIENT
        billed_on = practice_today(encounter.practice)
        posted: list[Line] = []
        for line in lines:
            OpenItem.objects.create(
                practice_id=encounter.practice_id,
                charge_line=line,
                patient_id=encounter.patient_id,
                payer=payer,
                date_of_service=encounter.date_of_service,
                billed_on=billed_on,
            )
            if line.amount == ZERO:
                continue  # a no-charge service: an open item of nothing, no journal line
            posted += [
                Line(receivable, line.amount, encounter.patient, payer, line),
                Line(Account.REVENUE, -line.amount, encounter.patient, payer, line),
            ]
        if not posted:
            raise ServiceError("Every line of the encounter is $0.00: there is nothing to post.")
        # Charges post on their date of service, unless that day's books are closed (a visit
        # coded after its day was closed): then on today's date; the open items keep the date
        # of service either way.
        day = encounter.date_of_service
        if is_closed(encounter.practice, day):
            day = practice_today(encounter.practice)
        return _post(
            practice=encounter.practice,
            kind=JournalEntry.Kind.CHARGE,
            lines=posted,
            by=by,
            memo=f"Charges for encounter {encounter.pk}",
            effective_date=day,
        )


# --- payments ----------------------------------------------------------------------------------


def _lock_patient(patient: Patient) -> None:
    """Every posting takes its patients' row locks first, then the open items' (one order, no
    deadlock). FOR NO KEY UPDATE: the journal's foreign-key checks (KEY SHARE) pass it by."""
    Patient.objects.select_for_update(no_key=True).filter(pk=patient.pk).values_list("pk").first()


def _own_line(patient: Patient, charge_line: ChargeLine) -> None:
    if charge_line.encounter.patient_id != patient.pk:
        raise ServiceError(f"{_line_label(charge_line).capitalize()} is not this patient's.")


def payment_post(
    *,
    patient: Patient,
    amount: Decimal,
    method: str,
    applied_to: Sequence[tuple[ChargeLine, Decimal]] = (),
    by: User | None,
    reference: str = "",
    effective_date: date | None = None,
) -> JournalEntry:
    """A patient's payment: cash in; applied to the named lines' patient balances (or, when none
    are named, to the oldest open patient balances first); what is left over is unapplied credit.
    Applying more than a line's open patient balance is refused."""
    total = _positive(amount, "The payment")
    if method not in PAYMENT_METHODS:
        raise ServiceError(
            f"{method!r} is not a payment method; say cash, check or card_reference."
        )
    with transaction.atomic():
        _lock_patient(patient)
        plan: list[tuple[ChargeLine, Decimal]] = []
        if applied_to:
            for charge_line, part in applied_to:
                _own_line(patient, charge_line)
                plan.append((charge_line, _positive(part, "An applied amount")))
            applied = sum((part for _, part in plan), ZERO)
            if applied > total:
                raise ServiceError(
                    f"The amounts applied ({format_money(applied)}) are more than the payment "
                    f"({format_money(total)})."
                )
        else:
            left = total
            items = (
                OpenItem.objects.select_for_update()
                .filter(patient=patient, patient_balance__gt=ZERO)
                .select_related("charge_line")
                .order_by(
                    "date_of_service", "charge_line__encounter_id", "charge_line__line_number"
                )
            )
            for item in items:
                if left == ZERO:
                    break
                part = min(left, item.patient_balance)
                plan.append((item.charge_line, part))
                left -= part
        lines = [Line(Account.CASH, total, patient)]
        for charge_line, part in plan:
            lines.append(Line(Account.AR_PATIENT, -part, patient, None, charge_line))
        remainder = total - sum((part for _, part in plan), ZERO)
        if remainder:
            lines.append(Line(Account.UNAPPLIED_CREDIT, -remainder, patient))
        memo = f"Payment by {method}" + (f" {reference}" if reference else "")
        return _post(
            practice=patient.practice,
            kind=JournalEntry.Kind.PAYMENT,
            lines=lines,
            by=by,
            memo=memo,
            effective_date=effective_date,
        )


def unapplied_credit(patient: Patient) -> Decimal:
    """What the patient has paid that is not applied to a charge (a credit: positive here)."""
    return patient_balance(patient).unapplied_credit


def credit_apply(
    *, patient: Patient, charge_line: ChargeLine, amount: Decimal, by: User | None
) -> JournalEntry:
    """Unapplied credit applied to a line's patient balance."""
    part = _positive(amount)
    with transaction.atomic():
        _lock_patient(patient)
        _own_line(patient, charge_line)
        credit = unapplied_credit(patient)
        if part > credit:
            raise ServiceError(
                f"The patient has {format_money(credit)} of unapplied credit, not "
                f"{format_money(part)}."
            )
        return _post(
            practice=patient.practice,
            kind=JournalEntry.Kind.PAYMENT,
            lines=[
                Line(Account.UNAPPLIED_CREDIT, part, patient),
                Line(Account.AR_PATIENT, -part, patient, None, charge_line),
            ],
            by=by,
            memo="Credit applied",
        )


# --- adjustments, write-offs, transfers, refunds -----------------------------------------------


def _reduce(
    *,
    kind: str,
    account: Account,
    charge_line: ChargeLine,
    amount: Decimal,
    party: str,
    by: User | None,
    memo: str,
) -> JournalEntry:
    receivable = _party(party)
    part = _positive(amount)
    with transaction.atomic():
        item = OpenItem.objects.filter(charge_line=charge_line).select_related("patient").first()
        if item is None:
            raise ServiceError("That charge line has not been posted to the ledger.")
        payer = item.payer if receivable == Account.AR_INSURANCE else None
        return _post(
            practice=item.patient.practice,
            kind=kind,
            lines=[
                Line(account, part, item.patient, payer, charge_line),
                Line(receivable, -part, item.patient, payer, charge_line),
            ],
            by=by,
            memo=memo,
        )


def adjustment_post(
    *,
    charge_line: ChargeLine,
    amount: Decimal,
    party: str = "insurance",
    by: User | None,
    memo: str = "",
) -> JournalEntry:
    """A contractual adjustment: the part of a charge the practice agreed not to collect."""
    return _reduce(
        kind=JournalEntry.Kind.ADJUSTMENT,
        account=Account.CONTRACTUAL_ADJUSTMENT,
        charge_line=charge_line,
        amount=amount,
        party=party,
        by=by,
        memo=memo or "Contractual adjustment",
    )


def write_off_post(
    *,
    charge_line: ChargeLine,
    amount: Decimal,
    party: str = "patient",
    by: User | None,
    memo: str = "",
) -> JournalEntry:
    """A write-off: a balance the practice gives up collecting (small balance, hardship, bad
    debt)."""
    return _reduce(
        kind=JournalEntry.Kind.WRITE_OFF,
        account=Account.WRITE_OFF,
        charge_line=charge_line,
        amount=amount,
        party=party,
        by=by,
        memo=memo or "Write-off",
    )


def responsibility_transfer(
    *, charge_line: ChargeLine, amount: Decimal, to: str, by: User | None, memo: str = ""
) -> JournalEntry:
    """Move part of a line's balance between the insurance and the patient (e.g. the payer's
    remittance says the rest is the patient's deductible)."""
    target = _party(to)
    source = Account.AR_INSURANCE if target == Account.AR_PATIENT else Account.AR_PATIENT
    part = _positive(amount)
    with transaction.atomic():
        item = OpenItem.objects.filter(charge_line=charge_line).select_related("patient").first()
        if item is None:
            raise ServiceError("That charge line has not been posted to the ledger.")
        payer = item.payer
        return _post(
            practice=item.patient.practice,
            kind=JournalEntry.Kind.TRANSFER,
            lines=[
                Line(target, part, item.patient, payer, charge_line),
                Line(source, -part, item.patient, payer, charge_line),
            ],
            by=by,
            memo=memo or f"Responsibility to the {to}",
        )


def refund_post(
    *, patient: Patient, amount: Decimal, method: str, by: User | None, memo: str = ""
) -> JournalEntry:
    """Pay unapplied credit back to the patient; never more than the credit there is."""
    part = _positive(amount, "The refund")
    if method not in PAYMENT_METHODS:
        raise ServiceError(
            f"{method!r} is not a payment method; say cash, check or card_reference."
        )
    with transaction.atomic():
        _lock_patient(patient)
        credit = unapplied_credit(patient)
        if part > credit:
            raise ServiceError(
                f"The patient has {format_money(credit)} of unapplied credit; a refund of "
                f"{format_money(part)} would be more than that."
            )
        return _post(
            practice=patient.practice,
            kind=JournalEntry.Kind.REFUND,
            lines=[
                Line(Account.UNAPPLIED_CREDIT, part, patient),
                Line(Account.CASH, -part, patient),
            ],
            by=by,
            memo=memo or f"Refund by {method}",
        )


# --- reversals ---------------------------------------------------------------------------------


def entry_reverse(*, entry: JournalEntry, by: User | None, memo: str = "") -> JournalEntry:
    """Post the exact negation of an entry: every line again with its sign turned, so every
    balance it moved moves back. An entry is reversed at most once, and a reversal is not itself
    reversed (post the original again instead). Refused when the balances it would restore have
    since been used (reverse the later entry first)."""
    with transaction.atomic():
        locked = JournalEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if locked is None:
            raise ServiceError("No such journal entry.")
        if locked.kind == JournalEntry.Kind.REVERSAL:
            raise ServiceError("A reversal cannot be reversed; post the original entry again.")
        if JournalEntry.objects.filter(reverses=locked).exists():
            raise ServiceError(f"Entry #{locked.pk} is already reversed.")
        originals = list(locked.lines.select_related("patient", "payer", "charge_line"))
        patients = {line.patient for line in originals}
        for patient in sorted(patients, key=lambda p: p.pk):
            _lock_patient(patient)
        lines = [
            Line(Account(line.account), -line.amount, line.patient, line.payer, line.charge_line)
            for line in originals
        ]
        for patient in patients:
            credit_change = sum(
                (
                    -line.amount
                    for line in lines
                    if line.account == Account.UNAPPLIED_CREDIT and line.patient.pk == patient.pk
                ),
                ZERO,
            )
            if credit_change < ZERO and unapplied_credit(patient) + credit_change < ZERO:
                raise ServiceError(
                    f"Reversing entry #{locked.pk} would take back credit that has since been "
                    "applied or refunded; reverse that first."
                )
        return _post(
            practice=locked.practice,
            kind=JournalEntry.Kind.REVERSAL,
            lines=lines,
            by=by,
            memo=memo or f"Reverses entry #{locked.pk}",
            reverses=locked,
        )
