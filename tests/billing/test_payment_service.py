"""Fay takes Paula's money at the desk: the payment is posted and recorded with a receipt number
in one transaction, never with a card number; an Idempotency-Key makes a retry harmless; and a
closed day takes no more postings of any kind."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from praxis.billing import day_close, ledger, payments
from praxis.billing.models import DayClose, JournalEntry, OpenItem, Payment
from praxis.billing.selectors import ledger_disagreements, patient_balance
from praxis.billing.today import practice_today
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def visit(paula, posted_visit):  # type: ignore[no-untyped-def]
    """Self-pay: 99213 $120.00 (line 1) and 36415 $15.00 (line 2)."""
    encounter = posted_visit(paula)
    return {line.line_number: line for line in encounter.lines.all()}


def written():  # type: ignore[no-untyped-def]
    return (Payment.objects.count(), JournalEntry.objects.count(), DayClose.objects.count())


def test_a_payment_applied_to_a_line_gets_receipt_one_then_two(
    paula, visit, frontdesk_fay, location
):
    first = payments.payment_take(
        patient=paula,
        amount=D("50.00"),
        method="check",
        reference="1042",
        applied_to=[(visit[1], D("50.00"))],
        location=location,
        by=frontdesk_fay,
    )
    second = payments.payment_take(patient=paula, amount=D("5.00"), method="cash", by=frontdesk_fay)
    assert (first.number, second.number) == (1, 2)
    assert first.effective_date == practice_today(paula.practice)
    assert first.entry.kind == JournalEntry.Kind.PAYMENT
    assert OpenItem.objects.get(charge_line=visit[1]).patient_balance == D("65.00")
    assert patient_balance(paula).patient_due == D("80.00")
    event = AuditEvent.objects.get(action="praxis.billing.payment.taken", object_id=first.pk)
    assert event.patient_id == str(paula.pk)
    assert event.details["receipt"] == 1
    assert ledger_disagreements() == []


@pytest.mark.parametrize(
    "reference",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "card 5555555555554444 approved",
        "378282246310005",  # American Express, 15 digits
    ],
)
def test_a_card_number_is_refused_and_nothing_is_written(paula, visit, frontdesk_fay, reference):
    before = written()
    with pytest.raises(ServiceError) as refused:
        payments.payment_take(
            patient=paula,
            amount=D("10.00"),
            method="card_reference",
            reference=reference,
            by=frontdesk_fay,
        )
    assert "looks like a card number" in refused.value.messages[0]
    assert written() == before


@pytest.mark.parametrize("reference", ["AUTH 083412", "4111111111111112", "123456789012"])
def test_terminal_references_that_are_not_card_numbers_are_kept(
    paula, visit, frontdesk_fay, reference
):
    payment = payments.payment_take(
        patient=paula,
        amount=D("1.00"),
        method="card_reference",
        reference=reference,
        by=frontdesk_fay,
    )
    assert payment.reference == reference


@pytest.mark.parametrize(
    ("amount", "method", "reference", "message"),
    [
        (D("-5.00"), "cash", "", "The payment must be more than $0.00."),
        (D("0"), "cash", "", "The payment must be more than $0.00."),
        (D("100000.00"), "cash", "", "more than the desk takes at once"),
        (D("10.001"), "cash", "", "more than two decimal places"),
        (D("10.00"), "check", "", "Enter the check number."),
        (D("10.00"), "card_reference", " ", "Enter the card terminal's reference."),
        (D("10.00"), "bitcoin", "", "is not a payment method"),
    ],
)
def test_bad_payments_are_refused_with_a_reason(
    paula, visit, frontdesk_fay, amount, method, reference, message
):
    before = written()
    with pytest.raises(ServiceError) as refused:
        payments.payment_take(
            patient=paula, amount=amount, method=method, reference=reference, by=frontdesk_fay
        )
    assert message in " ".join(refused.value.messages)
    assert written() == before


def test_over_applying_a_line_is_refused(paula, visit, frontdesk_fay):
    before = written()
    with pytest.raises(ServiceError, match=r"\$15.00 is open, \$20.00 was asked"):
        payments.payment_take(
            patient=paula,
            amount=D("20.00"),
            method="cash",
            applied_to=[(visit[2], D("20.00"))],
            by=frontdesk_fay,
        )
    assert written() == before


def test_the_same_key_and_request_give_back_the_same_payment(paula, visit, frontdesk_fay):
    kwargs = {
        "patient": paula,
        "amount": D("30.00"),
        "method": "cash",
        "by": frontdesk_fay,
        "idempotency_key": "k-1",
        "fingerprint": "abc",
    }
    first = payments.payment_take(**kwargs)
    again = payments.payment_take(**kwargs)
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    with pytest.raises(payments.IdempotencyMismatch, match="already used for another request"):
        payments.payment_take(**{**kwargs, "fingerprint": "other"})
    assert Payment.objects.count() == 1


def test_a_refund_pays_credit_back_with_a_receipt(paula, visit, frontdesk_fay, biller_bo):
    payments.payment_take(patient=paula, amount=D("200.00"), method="cash", by=frontdesk_fay)
    assert patient_balance(paula).unapplied_credit == D("65.00")
    refund = payments.refund_take(
        patient=paula, amount=D("65.00"), method="check", reference="2001", by=biller_bo
    )
    assert refund.kind == Payment.Kind.REFUND
    assert refund.number == 2
    assert patient_balance(paula).unapplied_credit == D("0.00")
    with pytest.raises(ServiceError, match="unapplied credit"):
        payments.refund_take(patient=paula, amount=D("1.00"), method="cash", by=biller_bo)
    assert ledger_disagreements() == []


# --- closed days --------------------------------------------------------------------------------


def test_a_closed_day_takes_no_payment_refund_credit_or_reversal(
    paula, visit, frontdesk_fay, manager_max, biller_bo
):
    today = practice_today(paula.practice)
    payments.payment_take(patient=paula, amount=D("150.00"), method="cash", by=frontdesk_fay)
    closed = day_close.day_close(practice=paula.practice, day=today, by=manager_max)
    assert (closed.payments_count, closed.payments_total) == (1, D("150.00"))
    before = written()
    attempts = [
        lambda: payments.payment_take(
            patient=paula, amount=D("5.00"), method="cash", by=frontdesk_fay
        ),
        lambda: payments.refund_take(patient=paula, amount=D("5.00"), method="cash", by=biller_bo),
        lambda: ledger.write_off_post(charge_line=visit[1], amount=D("1.00"), by=biller_bo),
        lambda: ledger.entry_reverse(entry=Payment.objects.get().entry, by=biller_bo),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError, match="is closed: its books were balanced"):
            attempt()
    assert written() == before


def test_a_day_closes_once_and_not_before_it_happens(practice, manager_max):
    today = practice_today(practice)
    with pytest.raises(ServiceError, match="has not happened yet"):
        day_close.day_close(practice=practice, day=today + timedelta(days=1), by=manager_max)
    day_close.day_close(practice=practice, day=today, by=manager_max)
    with pytest.raises(ServiceError, match="is already closed"):
        day_close.day_close(practice=practice, day=today, by=manager_max)
    assert AuditEvent.objects.filter(action="praxis.billing.day.closed").count() == 1


def test_charges_coded_after_their_day_closed_post_on_today(paula, posted_visit, manager_max):
    day = date(2026, 5, 11)
    day_close.day_close(practice=paula.practice, day=day, by=manager_max)
    encounter = posted_visit(paula, day=day)
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.CHARGE)
    assert entry.effective_date == practice_today(paula.practice)
    assert OpenItem.objects.filter(charge_line__encounter=encounter).first().date_of_service == day


def test_the_day_sheet_adds_up_by_method_and_by_person(paula, visit, frontdesk_fay, biller_bo):
    payments.payment_take(patient=paula, amount=D("40.00"), method="cash", by=frontdesk_fay)
    payments.payment_take(
        patient=paula, amount=D("120.00"), method="check", reference="77", by=biller_bo
    )
    payments.refund_take(patient=paula, amount=D("25.00"), method="cash", by=biller_bo)
    sheet = day_close.day_sheet(paula.practice, practice_today(paula.practice))
    assert sheet.by_method["Cash"].net == D("15.00")
    assert sheet.by_method["Check"].payments == D("120.00")
    assert sheet.total.payments == D("160.00")
    assert sheet.total.refunds == D("25.00")
    assert sum((t.net for t in sheet.by_user.values()), D("0")) == sheet.total.net == D("135.00")
