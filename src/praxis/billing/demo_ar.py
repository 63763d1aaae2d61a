"""DEMO A/R CHARGES (branch ``aging``): a small, fixed set of posted charges at several ages so
the A/R aging, its drill-down and the collections list have content in the demo. The encounters
branch brings encounters for the completed demo visits; when both are merged, the lead keeps one
set (these are opened by hand, not from visits; they post through the same encounter and
ledger services as any charge).

Thirty-six encounters, one every few days back to 170 days, for the first patients (by id), each
coded 99213 (+ 36415 every other one) for a diagnosis billable on the day; insured visits then get
the payer's contractual adjustment after 30 days and, for every third one, part moved to the
patient as a deductible; some self-pay patients paid part. A few notes sit on the collections
list. The charges are posted when the demo is seeded; their billing date is set to two days
after the service, as if each had been billed then (a demo shortcut, written down here).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from praxis.core.models import Location, Practice, User
from praxis.core.money import round_money
from praxis.patients.models import Coverage, Patient
from praxis.scheduling.models import Provider

from . import collections, ledger
from .encounters import LineInput, encounter_code, encounter_create, encounter_mark_ready
from .models import OpenItem, ProcedureCode
from .today import practice_today

AGES = (2, 6, 11, 17, 23, 29, 34, 41, 47, 55, 62, 68, 74, 83, 88, 94, 99, 104, 112, 118, 126,
        133, 141, 150, 158, 170, 9, 27, 44, 58, 71, 92, 97, 123, 137, 162)  # fmt: skip
DIAGNOSES = ("I10", "E119", "Z0000", "J029")
ADJUSTED_SHARE = Decimal("0.20")  # what the payer's contract takes off, after 30 days
DEDUCTIBLE = Decimal("30.00")


def _coverage(patient: Patient, on: date) -> Coverage | None:
    for coverage in patient.coverages.select_related("payer").order_by("priority"):
        if coverage.in_effect_on(on):
            return coverage
    return None


def seed_ar_charges(practice: Practice) -> int:
    """Returns the number of encounters posted: 0 when the practice has open items already or
    lacks providers, a location, patients or the procedure codes."""
    if OpenItem.objects.filter(practice=practice).exists():
        return 0
    providers = list(Provider.objects.filter(practice=practice).exclude(npi="").order_by("pk"))
    location = Location.objects.filter(practice=practice, is_active=True).order_by("pk").first()
    patients = list(
        Patient.objects.filter(practice=practice, merged_into=None).order_by("pk")[: len(AGES)]
    )
    codes = {c.code: c for c in ProcedureCode.objects.filter(practice=practice)}
    if not providers or location is None or not patients or not {"99213", "36415"} <= set(codes):
        return 0
    biller = User.objects.filter(practice=practice, groups__name="Biller/Coder").first()
    today = practice_today(practice)
    with transaction.atomic():
        for n, (patient, age) in enumerate(zip(patients, AGES, strict=False)):
            _one_visit(n, patient, today - timedelta(days=age), providers, location, codes, biller)
    return len(patients)


def _one_visit(
    n: int,
    patient: Patient,
    day: date,
    providers: list[Provider],
    location: Location,
    codes: dict[str, ProcedureCode],
    biller: User | None,
) -> None:
    coverage = _coverage(patient, day)
    encounter = encounter_create(
        patient=patient,
        date_of_service=day,
        rendering_provider=providers[n % len(providers)],
        location=location,
        coverage=coverage,
        by=biller,
    )
    lines = [LineInput(codes["99213"])] + ([LineInput(codes["36415"])] if n % 2 == 0 else [])
    encounter_code(
        encounter=encounter, diagnoses=[DIAGNOSES[n % len(DIAGNOSES)]], lines=lines, by=biller
    )
    encounter_mark_ready(encounter=encounter, by=biller)
    OpenItem.objects.filter(charge_line__encounter=encounter).update(
        billed_on=day + timedelta(days=2)
    )
    first = encounter.lines.order_by("line_number").first()
    assert first is not None
    age = (practice_today(patient.practice) - day).days
    if coverage is not None and age > 30:
        ledger.adjustment_post(
            charge_line=first, amount=round_money(first.amount * ADJUSTED_SHARE), by=biller
        )
        if n % 3 == 0:
            ledger.responsibility_transfer(
                charge_line=first, amount=DEDUCTIBLE, to="patient", by=biller, memo="Deductible"
            )
    elif coverage is None and n % 2 == 1:
        ledger.payment_post(
            patient=patient,
            amount=Decimal("40.00"),
            method="cash",
            by=biller,
            effective_date=day,
        )
    if coverage is None and age > 90 and n % 2 == 0:
        collections.collection_note_add(
            patient=patient,
            note="Statement sent; called and left a message.",
            follow_up_on=practice_today(patient.practice) + timedelta(days=n % 5),
            by=biller,
        )
