"""Bo finds a mistake on an encounter already marked ready: he voids it (its charges reversed on
the ledger, nothing posted is edited), codes the replacement and marks it ready again. The
ledger balances throughout."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from praxis.billing.encounter_voids import encounter_void
from praxis.billing.encounters import (
    LineInput,
    encounter_code,
    encounter_create_from_visit,
    encounter_mark_ready,
)
from praxis.billing.ledger import payment_post
from praxis.billing.models import Encounter, JournalEntry, OpenItem
from praxis.billing.selectors import ledger_disagreements, patient_balance
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory

from .conftest import DAY_OF_SERVICE

pytestmark = pytest.mark.django_db


def test_voiding_a_ready_encounter_reverses_its_charges_and_opens_a_replacement(
    paula, posted_visit, office_visit, biller_bo
):
    encounter = posted_visit(paula)
    assert patient_balance(paula).patient_due == Decimal("135.00")

    done = encounter_void(encounter=encounter, reason="Wrong level of visit", by=biller_bo)

    voided, replacement = done.voided, done.replacement
    assert voided.status == Encounter.Status.VOIDED
    assert voided.void_reason == "Wrong level of visit" and voided.voided_by == biller_bo
    reversal = JournalEntry.objects.get(kind=JournalEntry.Kind.REVERSAL)
    assert reversal.reverses.kind == JournalEntry.Kind.CHARGE
    assert "Void of encounter" in reversal.memo
    assert patient_balance(paula).patient_due == Decimal("0.00")
    assert ledger_disagreements() == []
    # the replacement: same header and coding, a draft to save and mark ready again
    assert replacement is not None and replacement.replaces == voided
    assert replacement.status == Encounter.Status.DRAFT
    assert list(replacement.diagnoses.values_list("code", flat=True)) == ["E119"]
    assert replacement.lines.count() == 2
    encounter_code(
        encounter=replacement,
        diagnoses=["E11.9"],
        lines=[LineInput(office_visit, units=1)],
        by=biller_bo,
    )
    encounter_mark_ready(encounter=replacement, by=biller_bo)
    assert patient_balance(paula).patient_due == Decimal("120.00")
    assert ledger_disagreements() == []
    # history: the first charge entry is still there, unchanged, with its reversal
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.CHARGE).count() == 2
    assert OpenItem.objects.count() == 3
    assert AuditEvent.objects.filter(action="praxis.billing.encounter.voided").count() == 1


def test_a_voided_visit_can_be_billed_again_and_keeps_one_live_encounter(
    paula, dana, location, biller_bo, icd10_april_2026
):
    visit = AppointmentFactory(
        provider=dana,
        location=location,
        patient=paula,
        start=datetime(2026, 5, 4, 14, tzinfo=UTC),
        status=Appointment.Status.COMPLETED,
    )
    first = encounter_create_from_visit(appointment=visit, by=biller_bo)
    encounter_void(encounter=first, reason="Opened by mistake", by=biller_bo, replace=False)
    assert not JournalEntry.objects.exists()  # a draft had posted nothing
    second = encounter_create_from_visit(appointment=visit, by=biller_bo)
    assert second.appointment == visit and first.appointment == visit
    with pytest.raises(ServiceError, match="already has an encounter"):
        encounter_create_from_visit(appointment=visit, by=biller_bo)


@pytest.mark.parametrize(
    ("reason", "message"),
    [("   ", "Say why the encounter is voided."), ("x" * 201, "Keep the reason to 200")],
)
def test_a_void_needs_a_reason(paula, posted_visit, biller_bo, reason, message):
    encounter = posted_visit(paula)
    with pytest.raises(ServiceError) as refused:
        encounter_void(encounter=encounter, reason=reason, by=biller_bo)
    assert message in refused.value.messages[0]
    encounter.refresh_from_db()
    assert encounter.status == Encounter.Status.READY
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REVERSAL).exists()


def test_a_billed_or_voided_encounter_is_not_voided_here(paula, posted_visit, biller_bo):
    encounter = posted_visit(paula)
    encounter_void(encounter=encounter, reason="Wrong code", by=biller_bo, replace=False)
    with pytest.raises(ServiceError, match="already voided"):
        encounter_void(encounter=encounter, reason="again", by=biller_bo)
    billed = posted_visit(paula, day=date(2026, 5, 5))
    Encounter.objects.filter(pk=billed.pk).update(status=Encounter.Status.BILLED)
    with pytest.raises(ServiceError, match="on a claim"):
        encounter_void(encounter=billed, reason="Wrong code", by=biller_bo)
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REVERSAL).count() == 1
    assert ledger_disagreements() == []


def test_a_paid_charge_is_not_voided_until_the_payment_is_reversed(paula, posted_visit, biller_bo):
    encounter = posted_visit(paula)
    payment_post(patient=paula, amount=Decimal("50.00"), method="cash", by=biller_bo)
    with pytest.raises(ServiceError, match="reverse what was applied to it since"):
        encounter_void(encounter=encounter, reason="Wrong code", by=biller_bo)
    encounter.refresh_from_db()
    assert encounter.status == Encounter.Status.READY
    assert not Encounter.objects.filter(replaces=encounter).exists()
    assert ledger_disagreements() == []


def test_a_voided_encounter_is_not_coded_again(paula, posted_visit, office_visit, biller_bo):
    encounter = posted_visit(paula)
    encounter_void(encounter=encounter, reason="Wrong code", by=biller_bo, replace=False)
    with pytest.raises(ServiceError, match="voided"):
        encounter_code(
            encounter=encounter, diagnoses=["E11.9"], lines=[LineInput(office_visit)], by=biller_bo
        )
    assert encounter.date_of_service == DAY_OF_SERVICE


def test_every_coding_refusal_is_named_at_once(draft, office_visit, venipuncture, biller_bo):
    with pytest.raises(ServiceError) as refused:
        encounter_code(
            encounter=draft,
            diagnoses=["E11.9", "E11", "Q99.9"],
            lines=[LineInput(office_visit, units=0), LineInput(venipuncture, pointers=(5,))],
            by=biller_bo,
        )
    found = refused.value.message_dict
    assert set(found) == {"diagnoses.2", "diagnoses.3", "lines.1", "lines.2"}
    assert "not a billable code" in found["diagnoses.2"][0]
    assert "units must be a whole number of 1 or more" in found["lines.1"][0]
    assert "points at diagnosis 5" in found["lines.2"][0]
