"""Paula Price's account, entry by entry: charges, her payments, the insurance's adjustments, a
write-off, a refund of what she overpaid, and reversals. After each, the journal balances and the
open items agree with it; every refusal names the problem and posts nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from praxis.billing import ledger
from praxis.billing.models import Account, JournalEntry, JournalLine, OpenItem
from praxis.billing.selectors import ledger_disagreements, patient_balance
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError
from praxis.patients.testing.factories import CoverageFactory

pytestmark = pytest.mark.django_db

D = Decimal


def snapshot():  # type: ignore[no-untyped-def]
    """Everything posting may change: the entries, their lines and the open items."""
    return (
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
        sorted(
            OpenItem.objects.values_list("charge_line_id", "patient_balance", "insurance_balance")
        ),
        AuditEvent.objects.filter(action="praxis.billing.journal_entry.posted").count(),
    )


def open_balances():  # type: ignore[no-untyped-def]
    return sorted(
        OpenItem.objects.values_list("charge_line_id", "patient_balance", "insurance_balance")
    )


@pytest.fixture
def visit(paula, posted_visit):  # type: ignore[no-untyped-def]
    """Self-pay: 99213 $120.00 (line 1) and 36415 $15.00 (line 2)."""
    encounter = posted_visit(paula)
    return {line.line_number: line for line in encounter.lines.all()}


@pytest.fixture
def insured_visit(paula, aetna, posted_visit):  # type: ignore[no-untyped-def]
    """Aetna: 99213 $95.00 (line 1) and 36415 $15.00 (line 2), owed by the insurance."""
    coverage = CoverageFactory(patient=paula, payer=aetna, effective_date=date(2026, 1, 1))
    encounter = posted_visit(paula, coverage)
    return {line.line_number: line for line in encounter.lines.all()}


def test_a_payment_applied_to_a_line(paula, visit, frontdesk_fay):
    entry = ledger.payment_post(
        patient=paula,
        amount=D("50.00"),
        method="card_reference",
        applied_to=[(visit[1], D("50.00"))],
        by=frontdesk_fay,
    )
    assert sorted(entry.lines.values_list("account", "amount")) == [
        (Account.AR_PATIENT, D("-50.00")),
        (Account.CASH, D("50.00")),
    ]
    assert OpenItem.objects.get(charge_line=visit[1]).patient_balance == D("70.00")
    assert patient_balance(paula).patient_due == D("85.00")
    assert ledger_disagreements() == []


def test_a_payment_with_no_lines_named_pays_the_oldest_first_and_keeps_the_rest_as_credit(
    paula, visit, posted_visit, frontdesk_fay
):
    later = posted_visit(paula, day=date(2026, 5, 11))
    ledger.payment_post(patient=paula, amount=D("200.00"), method="cash", by=frontdesk_fay)
    assert OpenItem.objects.get(charge_line=visit[1]).patient_balance == D("0.00")
    assert OpenItem.objects.get(charge_line=visit[2]).patient_balance == D("0.00")
    first_later = later.lines.get(line_number=1)
    assert OpenItem.objects.get(charge_line=first_later).patient_balance == D("55.00")
    balance = patient_balance(paula)
    assert (balance.patient_due, balance.unapplied_credit) == (D("70.00"), D("0.00"))

    ledger.payment_post(patient=paula, amount=D("100.00"), method="check", by=frontdesk_fay)
    balance = patient_balance(paula)
    assert (balance.patient_due, balance.unapplied_credit, balance.net_due) == (
        D("0.00"),
        D("30.00"),
        D("-30.00"),
    )
    assert ledger_disagreements() == []


def test_credit_is_applied_and_refunded_never_beyond_what_there_is(
    paula, visit, biller_bo, frontdesk_fay
):
    ledger.payment_post(patient=paula, amount=D("160.00"), method="cash", by=frontdesk_fay)
    assert patient_balance(paula).unapplied_credit == D("25.00")
    before = snapshot()
    with pytest.raises(
        ServiceError, match=r"The patient has \$25.00 of unapplied credit; a refund of \$25.01"
    ):
        ledger.refund_post(patient=paula, amount=D("25.01"), method="check", by=biller_bo)
    assert snapshot() == before
    ledger.refund_post(patient=paula, amount=D("25.00"), method="check", by=biller_bo)
    assert patient_balance(paula).unapplied_credit == D("0.00")
    assert ledger_disagreements() == []


def test_the_insurance_adjusts_transfers_the_deductible_and_bo_writes_off_pennies(
    paula, insured_visit, biller_bo, frontdesk_fay
):
    line = insured_visit[1]
    ledger.adjustment_post(charge_line=line, amount=D("15.00"), by=biller_bo)
    ledger.responsibility_transfer(charge_line=line, amount=D("40.00"), to="patient", by=biller_bo)
    item = OpenItem.objects.get(charge_line=line)
    assert (item.patient_balance, item.insurance_balance) == (D("40.00"), D("40.00"))
    ledger.payment_post(
        patient=paula,
        amount=D("39.98"),
        method="cash",
        applied_to=[(line, D("39.98"))],
        by=frontdesk_fay,
    )
    ledger.write_off_post(charge_line=line, amount=D("0.02"), party="patient", by=biller_bo)
    item.refresh_from_db()
    assert (item.patient_balance, item.insurance_balance) == (D("0.00"), D("40.00"))
    accounts = dict(
        (account, total)
        for account, total in (
            (a, sum(JournalLine.objects.filter(account=a).values_list("amount", flat=True), D("0")))
            for a in Account
        )
    )
    assert accounts[Account.CONTRACTUAL_ADJUSTMENT] == D("15.00")
    assert accounts[Account.WRITE_OFF] == D("0.02")
    assert accounts[Account.REVENUE] == D("-110.00")
    assert sum(accounts.values()) == 0
    assert ledger_disagreements() == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda p, v, by: ledger.payment_post(
                patient=p,
                amount=D("121.00"),
                method="cash",
                applied_to=[(v[1], D("120.01"))],
                by=by,
            ),
            "That is more than the patient owes on line 1 of encounter",
        ),
        (
            lambda p, v, by: ledger.payment_post(
                patient=p, amount=D("10.00"), method="cash", applied_to=[(v[1], D("10.01"))], by=by
            ),
            r"The amounts applied ($10.01) are more than the payment ($10.00).",
        ),
        (
            lambda p, v, by: ledger.payment_post(patient=p, amount=D("0.00"), method="cash", by=by),
            "The payment must be more than $0.00.",
        ),
        (
            lambda p, v, by: ledger.payment_post(
                patient=p, amount=D("-5.00"), method="cash", by=by
            ),
            "The payment must be more than $0.00.",
        ),
        (
            lambda p, v, by: ledger.payment_post(
                patient=p, amount=D("10.005"), method="cash", by=by
            ),
            "The payment has more than two decimal places: 10.005.",
        ),
        (
            lambda p, v, by: ledger.payment_post(
                patient=p, amount=D("10.00"), method="bitcoin", by=by
            ),
            "'bitcoin' is not a payment method; say cash, check or card_reference.",
        ),
        (
            lambda p, v, by: ledger.adjustment_post(
                charge_line=v[2], amount=D("15.01"), party="patient", by=by
            ),
            "That is more than the patient owes on line 2 of encounter",
        ),
        (
            lambda p, v, by: ledger.adjustment_post(
                charge_line=v[2], amount=D("1.00"), party="insurance", by=by
            ),
            r"That is more than the insurance owes on line 2 of encounter 1: $0.00 is open, "
            "$1.00 was asked.",
        ),
        (
            lambda p, v, by: ledger.write_off_post(
                charge_line=v[2], amount=D("1.00"), party="payer", by=by
            ),
            "'payer' is not a responsible party; say patient or insurance.",
        ),
        (
            lambda p, v, by: ledger.responsibility_transfer(
                charge_line=v[1], amount=D("1.00"), to="patient", by=by
            ),
            "That is more than the insurance owes on line 1",
        ),
        (
            lambda p, v, by: ledger.refund_post(patient=p, amount=D("1.00"), method="cash", by=by),
            r"The patient has $0.00 of unapplied credit",
        ),
    ],
)
def test_refusals_name_the_problem_and_post_nothing(paula, visit, biller_bo, call, message):
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        call(paula, visit, biller_bo)
    assert (
        message.replace("encounter 1", f"encounter {visit[1].encounter_id}")
        in refused.value.messages[0]
    )
    assert snapshot() == before


def test_a_line_of_another_patient_is_refused(paula, visit, practice, frontdesk_fay):
    from praxis.patients.testing.factories import PatientFactory

    other = PatientFactory(practice=practice)
    before = snapshot()
    with pytest.raises(ServiceError, match=r"is not this patient's"):
        ledger.payment_post(
            patient=other,
            amount=D("5.00"),
            method="cash",
            applied_to=[(visit[1], D("5.00"))],
            by=frontdesk_fay,
        )
    assert snapshot() == before


def test_an_entry_that_does_not_balance_is_never_inserted(paula, visit, biller_bo):
    before = snapshot()
    with (
        pytest.raises(
            ServiceError, match=r"The entry does not balance: its lines add up to \$0.01."
        ),
        transaction.atomic(),
    ):
        ledger._post(
            practice=paula.practice,
            kind=JournalEntry.Kind.ADJUSTMENT,
            lines=[
                ledger.Line(Account.WRITE_OFF, D("1.01"), paula, None, visit[1]),
                ledger.Line(Account.AR_PATIENT, D("-1.00"), paula, None, visit[1]),
            ],
            by=biller_bo,
        )
    assert snapshot() == before


def test_a_reversal_posts_the_exact_negation_and_restores_the_open_items(
    paula, visit, biller_bo, frontdesk_fay
):
    before = open_balances()
    payment = ledger.payment_post(
        patient=paula, amount=D("150.00"), method="cash", by=frontdesk_fay
    )
    assert open_balances() != before
    reversal = ledger.entry_reverse(entry=payment, by=biller_bo)
    assert reversal.kind == JournalEntry.Kind.REVERSAL and reversal.reverses == payment
    assert sorted(reversal.lines.values_list("account", "amount", "charge_line")) == sorted(
        (account, -amount, line)
        for account, amount, line in payment.lines.values_list("account", "amount", "charge_line")
    )
    assert open_balances() == before
    assert patient_balance(paula).unapplied_credit == D("0.00")
    assert ledger_disagreements() == []

    with pytest.raises(ServiceError, match=f"Entry #{payment.pk} is already reversed."):
        ledger.entry_reverse(entry=payment, by=biller_bo)
    with pytest.raises(ServiceError, match=r"A reversal cannot be reversed"):
        ledger.entry_reverse(entry=reversal, by=biller_bo)


def test_a_charge_with_payments_applied_is_not_reversed_until_they_are(
    paula, visit, biller_bo, frontdesk_fay
):
    charge = JournalEntry.objects.get(kind=JournalEntry.Kind.CHARGE)
    payment = ledger.payment_post(
        patient=paula,
        amount=D("20.00"),
        method="cash",
        applied_to=[(visit[2], D("10.00"))],
        by=frontdesk_fay,
    )
    before = snapshot()
    with pytest.raises(
        ServiceError, match=f"Reversing entry #{charge.pk} would leave line 2 of encounter"
    ):
        ledger.entry_reverse(entry=charge, by=biller_bo)
    assert snapshot() == before
    ledger.entry_reverse(entry=payment, by=biller_bo)
    ledger.entry_reverse(entry=charge, by=biller_bo)
    assert patient_balance(paula).patient_due == D("0.00")
    assert ledger_disagreements() == []


def test_a_payment_whose_credit_was_refunded_is_not_reversed(
    paula, visit, biller_bo, frontdesk_fay
):
    payment = ledger.payment_post(
        patient=paula, amount=D("140.00"), method="cash", by=frontdesk_fay
    )
    ledger.refund_post(patient=paula, amount=D("5.00"), method="cash", by=biller_bo)
    before = snapshot()
    with pytest.raises(
        ServiceError, match=r"would take back credit that has since been applied or refunded"
    ):
        ledger.entry_reverse(entry=payment, by=biller_bo)
    assert snapshot() == before


# --- immutability ------------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_a_posted_entry(paula, visit):
    entry = JournalEntry.objects.get()
    line = entry.lines.first()
    for statement in (
        lambda: JournalLine.objects.filter(pk=line.pk).update(amount=D("1.00")),
        lambda: JournalLine.objects.filter(pk=line.pk).update(charge_line=None),
        lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="edited"),
        lambda: JournalLine.objects.filter(pk=line.pk).delete(),
        lambda: JournalEntry.objects.filter(pk=entry.pk)._raw_delete(connection.alias),
    ):
        with pytest.raises(DatabaseError, match=r"immutable"), transaction.atomic():
            statement()
    with (
        pytest.raises(DatabaseError, match=r"immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM billing_journalline")
    assert JournalLine.objects.filter(pk=line.pk, amount=line.amount).exists()


def test_the_guarded_columns_are_every_column_but_the_patient():
    from praxis.billing import ledger_triggers

    for model in (JournalEntry, JournalLine):
        columns = {field.column for field in model._meta.concrete_fields} - {"patient_id"}
        assert set(ledger_triggers.GUARDED_COLUMNS[model._meta.db_table]) == columns


def test_a_merge_moves_the_duplicates_ledger_to_the_record_kept(
    practice, paula, visit, admin_ada, frontdesk_fay
):
    from praxis.patients.merge import patient_merge
    from praxis.patients.testing.factories import PatientFactory

    keep = PatientFactory(practice=practice, legal_first_name="Paula", legal_last_name="Price")
    ledger.payment_post(patient=paula, amount=D("140.00"), method="cash", by=frontdesk_fay)
    patient_merge(keep=keep, duplicate=paula, merged_by=admin_ada)
    balance = patient_balance(keep)
    assert (balance.patient_due, balance.unapplied_credit) == (D("0.00"), D("5.00"))
    assert not JournalLine.objects.filter(patient=paula).exists()
    assert ledger_disagreements() == []


# --- praxis ledger check -----------------------------------------------------------------------


def test_ledger_check_passes_on_an_agreeing_ledger(paula, visit, capsys):
    call_command("ledger", "check")
    assert "balances" in capsys.readouterr().out


def test_ledger_check_names_an_open_item_that_drifted(paula, visit):
    OpenItem.objects.filter(charge_line=visit[2]).update(patient_balance=D("14.99"))
    with pytest.raises(CommandError) as failed:
        call_command("ledger", "check")
    assert str(failed.value) == (
        f"Charge line {visit[2].pk}: the open item holds $14.99 for the patient, "
        "the journal $15.00."
    )


def test_ledger_check_names_an_entry_that_does_not_balance(paula, visit):
    from praxis.billing import ledger_triggers

    entry = JournalEntry.objects.get()
    ledger_triggers.remove(connection)
    try:
        JournalLine.objects.filter(entry=entry, account=Account.REVENUE).update(amount=D("-1.00"))
    finally:
        ledger_triggers.install(connection)
    with pytest.raises(CommandError, match=r"The journal's lines add up to"):
        call_command("ledger", "check")
    assert f"Entry #{entry.pk} does not balance: $133.00." in ledger_disagreements(limit=5)
