"""Random days at the front desk and in the billing office: charges (self-pay or insured),
payments (applied, oldest first, too large), adjustments, write-offs, transfers, refunds and
reversals in any order. After every step the journal balances, the open items equal it, no
balance is below zero, a refusal changed nothing, and reversing the latest entries one by one
puts every balance back exactly where it was before them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from praxis.billing import ledger
from praxis.billing.models import ChargeLine, JournalEntry, OpenItem
from praxis.billing.selectors import ledger_disagreements, patient_balance
from praxis.core.service_support import ServiceError
from praxis.patients.testing.factories import CoverageFactory, PatientFactory

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=20_000).map(lambda n: Decimal(n).scaleb(-2))
parties = st.sampled_from(["patient", "insurance"])


def state(patients) -> tuple[dict[int, tuple[Decimal, Decimal]], dict[int, Decimal]]:  # type: ignore[no-untyped-def]
    """The balances: each charge line's (patient, insurance), and each patient's credit, with
    zeros left out (a reversed charge leaves an open item of nothing behind)."""
    items = {
        line: (p, i)
        for line, p, i in OpenItem.objects.values_list(
            "charge_line_id", "patient_balance", "insurance_balance"
        )
        if p or i
    }
    credits = {patient.pk: ledger.unapplied_credit(patient) for patient in patients}
    return items, {pk: credit for pk, credit in credits.items() if credit}


def test_any_day_at_the_desk_keeps_the_ledger_true(
    practice, aetna, posted_visit, frontdesk_fay, biller_bo
):
    patients = [PatientFactory(practice=practice) for _ in range(2)]
    coverages = [
        CoverageFactory(patient=patient, payer=aetna, effective_date=date(2026, 1, 1))
        for patient in patients
    ]

    class Desk(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.posted: list[tuple[JournalEntry, object]] = []  # entries, the state before each
            self.lines: list[ChargeLine] = []

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def attempt(self, post) -> None:  # type: ignore[no-untyped-def]
            before = state(patients)
            try:
                with transaction.atomic():
                    entry = post()
            except ServiceError:
                assert state(patients) == before, "a refusal changed the balances"
                return
            self.posted.append((entry, before))

        @rule(who=st.integers(0, 1), insured=st.booleans())
        def charge(self, who: int, insured: bool) -> None:
            before = state(patients)
            encounter = posted_visit(patients[who], coverages[who] if insured else None)
            self.posted.append(
                (JournalEntry.objects.get(kind="charge", memo__endswith=f" {encounter.pk}"), before)
            )
            self.lines += list(encounter.lines.all())

        @rule(who=st.integers(0, 1), amount=cents, data=st.data())
        def pay(self, who: int, amount: Decimal, data: st.DataObject) -> None:
            mine = [line for line in self.lines if line.encounter.patient_id == patients[who].pk]
            applied = []
            if mine and data.draw(st.booleans(), label="name lines"):
                for line in data.draw(st.lists(st.sampled_from(mine), max_size=2, unique=True)):
                    applied.append((line, data.draw(cents, label="applied")))
            self.attempt(
                lambda: ledger.payment_post(
                    patient=patients[who],
                    amount=amount,
                    method="cash",
                    applied_to=applied,
                    by=frontdesk_fay,
                )
            )

        @precondition(lambda self: self.lines)
        @rule(
            data=st.data(),
            amount=cents,
            party=parties,
            kind=st.sampled_from(["adjust", "write_off"]),
        )
        def reduce(self, data: st.DataObject, amount: Decimal, party: str, kind: str) -> None:
            line = data.draw(st.sampled_from(self.lines))
            service = ledger.adjustment_post if kind == "adjust" else ledger.write_off_post
            self.attempt(
                lambda: service(charge_line=line, amount=amount, party=party, by=biller_bo)
            )

        @precondition(lambda self: self.lines)
        @rule(data=st.data(), amount=cents, to=parties)
        def transfer(self, data: st.DataObject, amount: Decimal, to: str) -> None:
            line = data.draw(st.sampled_from(self.lines))
            self.attempt(
                lambda: ledger.responsibility_transfer(
                    charge_line=line, amount=amount, to=to, by=biller_bo
                )
            )

        @rule(who=st.integers(0, 1), amount=cents)
        def refund(self, who: int, amount: Decimal) -> None:
            self.attempt(
                lambda: ledger.refund_post(
                    patient=patients[who], amount=amount, method="check", by=biller_bo
                )
            )

        @precondition(lambda self: self.posted)
        @rule()
        def reverse_the_latest(self) -> None:
            entry, before = self.posted.pop()
            ledger.entry_reverse(entry=entry, by=biller_bo)
            assert state(patients) == before, "the reversal did not restore the balances exactly"

        @invariant()
        def the_ledger_agrees(self) -> None:
            assert ledger_disagreements(limit=3) == []
            for patient in patients:
                balance = patient_balance(patient)
                assert balance.patient_due >= 0 and balance.insurance_pending >= 0
                assert balance.unapplied_credit >= 0
            assert not OpenItem.objects.filter(patient_balance__lt=0).exists()
            assert not OpenItem.objects.filter(insurance_balance__lt=0).exists()

    run_state_machine_as_test(
        Desk,
        settings=settings(
            max_examples=15,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
