"""Two desks take Paula's money for the same visit at the same moment, and Bo adjusts it while
they do: real threads, real transactions, on SQLite and PostgreSQL. A line is never paid or
adjusted below zero: one of them is refused with the line's balance, and the ledger agrees with
the open items afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from praxis.billing import ledger
from praxis.billing.models import OpenItem
from praxis.billing.selectors import ledger_disagreements
from praxis.core.service_support import ServiceError

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal


def race(*calls: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            outcome = "posted"
        except ServiceError as refused:
            outcome = f"refused: {refused.messages[0]}"
        except Exception as exc:  # anything else is a failure of the subject
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a desk hung (deadlock?)"
    return sorted(outcomes)


def test_two_payments_on_one_line_at_once_never_over_apply(
    paula, posted_visit, frontdesk_fay, biller_bo
):
    encounter = posted_visit(paula)
    line = encounter.lines.get(line_number=1)  # $120.00 owed by Paula

    def pay() -> object:
        return ledger.payment_post(
            patient=paula,
            amount=D("100.00"),
            method="card_reference",
            applied_to=[(line, D("100.00"))],
            by=frontdesk_fay,
        )

    outcomes = race(pay, pay)
    assert outcomes[0] == "posted"
    assert outcomes[1].startswith("refused: That is more than the patient owes on line 1")
    assert "$20.00 is open, $100.00 was asked" in outcomes[1]
    assert OpenItem.objects.get(charge_line=line).patient_balance == D("20.00")
    assert ledger_disagreements() == []


def test_payments_and_an_adjustment_racing_over_one_line(
    paula, posted_visit, frontdesk_fay, biller_bo
):
    encounter = posted_visit(paula)
    line = encounter.lines.get(line_number=1)  # $120.00

    def pay() -> object:
        return ledger.payment_post(
            patient=paula,
            amount=D("50.00"),
            method="cash",
            applied_to=[(line, D("50.00"))],
            by=frontdesk_fay,
        )

    def adjust() -> object:
        return ledger.write_off_post(
            charge_line=line, amount=D("50.00"), party="patient", by=biller_bo
        )

    def pay_oldest_first() -> object:
        return ledger.payment_post(
            patient=paula, amount=D("50.00"), method="check", by=frontdesk_fay
        )

    outcomes = race(pay, adjust, pay, pay_oldest_first)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    item = OpenItem.objects.get(charge_line=line)
    assert item.patient_balance >= D("0.00")
    # $120 + $15 owed, $200 offered: whatever was refused, nothing went below zero
    assert ledger_disagreements() == []
    assert outcomes.count("posted") >= 2
