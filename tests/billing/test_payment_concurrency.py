"""Two desks at once, with real threads and transactions, on SQLite and PostgreSQL: two clerks
applying payments to one charge never over-apply it; one Idempotency-Key sent twice at the same
moment makes one payment and both get its answer; a close racing a payment either counts it or
refuses it, never misses it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from praxis.billing import day_close, payments
from praxis.billing.models import DayClose, OpenItem, Payment
from praxis.billing.selectors import ledger_disagreements
from praxis.billing.today import practice_today
from praxis.core import services as core_services

from .test_ledger_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def test_two_clerks_paying_one_charge_at_once_never_over_apply(
    paula, posted_visit, frontdesk_fay, biller_bo
):
    line = posted_visit(paula).lines.get(line_number=1)  # $120.00

    def clerk(user: Any) -> Callable[[], object]:
        return lambda: payments.payment_take(
            patient=paula,
            amount=D("100.00"),
            method="cash",
            applied_to=[(line, D("100.00"))],
            by=user,
        )

    outcomes = race(clerk(frontdesk_fay), clerk(biller_bo))
    assert outcomes[0] == "posted"
    assert "$20.00 is open, $100.00 was asked" in outcomes[1]
    assert OpenItem.objects.get(charge_line=line).patient_balance == D("20.00")
    assert list(Payment.objects.values_list("number", flat=True)) == [1]
    assert ledger_disagreements() == []


def test_one_key_sent_twice_at_once_makes_one_payment(paula, posted_visit, frontdesk_fay):
    line = posted_visit(paula).lines.get(line_number=1)
    secret = core_services.api_token_create(user=frontdesk_fay, name="desk").secret
    body = json.dumps(
        {
            "patient_id": paula.pk,
            "amount": "100.00",
            "method": "cash",
            "applied_to": [{"charge_line_id": line.pk, "amount": "100.00"}],
        }
    )
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            response = Client().post(
                "/api/v1/billing/payments",
                data=body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "same-key"},
            )
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 2, answers
    assert answers[0] == answers[1]
    assert answers[0][0] == 201, answers
    assert Payment.objects.count() == 1
    assert OpenItem.objects.get(charge_line=line).patient_balance == D("20.00")


def test_a_close_racing_a_payment_counts_it_or_refuses_it(
    paula, posted_visit, frontdesk_fay, manager_max
):
    posted_visit(paula)
    today = practice_today(paula.practice)

    def take() -> object:
        return payments.payment_take(
            patient=paula, amount=D("10.00"), method="cash", by=frontdesk_fay
        )

    def close() -> object:
        return day_close.day_close(practice=paula.practice, day=today, by=manager_max)

    outcomes = race(take, close, take)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    closed = DayClose.objects.get()
    taken = Payment.objects.filter(effective_date=today)
    assert closed.payments_count == taken.count()
    assert closed.payments_total == sum((p.amount for p in taken), D("0"))
