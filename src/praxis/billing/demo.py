"""Riverbend's code tables for the demo: the ICD-10-CM release the package ships (loaded once
per installation), about 25 procedure codes described in the practice's own words, the standard
fee of each and what each demo payer is expected to allow. A practice that has procedure codes
already is left alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from praxis.core.models import Practice
from praxis.core.money import round_money
from praxis.patients.models import Payer

from . import demo_ar, fees, icd10, procedure_codes
from .encounter_demo import seed_encounters
from .models import Icd10Release, ProcedureCode
from .payment_demo import seed_payments

FIRST_DAY = date(2026, 1, 1)

# (code, the practice's description, default units, standard fee)
CODES: tuple[tuple[str, str, int, str], ...] = (
    ("99202", "New patient visit, straightforward", 1, "95.00"),
    ("99203", "New patient visit, low complexity", 1, "145.00"),
    ("99204", "New patient visit, moderate complexity", 1, "220.00"),
    ("99205", "New patient visit, high complexity", 1, "290.00"),
    ("99211", "Nurse visit, established patient", 1, "30.00"),
    ("99212", "Established patient visit, straightforward", 1, "70.00"),
    ("99213", "Established patient visit, low complexity", 1, "115.00"),
    ("99214", "Established patient visit, moderate complexity", 1, "165.00"),
    ("99215", "Established patient visit, high complexity", 1, "230.00"),
    ("99385", "Yearly physical, new patient, age 18 to 39", 1, "210.00"),
    ("99386", "Yearly physical, new patient, age 40 to 64", 1, "235.00"),
    ("99387", "Yearly physical, new patient, 65 and over", 1, "255.00"),
    ("99395", "Yearly physical, established patient, age 18 to 39", 1, "185.00"),
    ("99396", "Yearly physical, established patient, age 40 to 64", 1, "205.00"),
    ("99397", "Yearly physical, established patient, 65 and over", 1, "220.00"),
    ("90471", "Giving a vaccine by injection, first one", 1, "28.00"),
    ("90472", "Giving a vaccine by injection, each one more", 1, "18.00"),
    ("36415", "Drawing blood from a vein", 1, "12.00"),
    ("81002", "Urine dipstick test in the office", 1, "9.00"),
    ("93000", "Heart tracing (ECG) with reading", 1, "55.00"),
    ("87880", "Rapid strep test", 1, "24.00"),
    ("85025", "Complete blood count", 1, "18.00"),
    ("G0438", "Medicare first yearly wellness visit", 1, "190.00"),
    ("G0439", "Medicare yearly wellness visit, after the first", 1, "130.00"),
    ("99406", "Quit-smoking counseling, 3 to 10 minutes", 1, "25.00"),
)

# What each demo payer allows, as a share of the standard fee (Self-pay pays the standard fee).
ALLOWED_SHARE: dict[str, Decimal] = {
    "Medicare": Decimal("0.62"),
    "Medicaid of Vermont": Decimal("0.55"),
    "BlueCross BlueShield of Vermont": Decimal("0.82"),
    "Aetna": Decimal("0.78"),
    "UnitedHealthcare": Decimal("0.75"),
}
MEDICARE_ONLY = {"G0438", "G0439"}


def ensure_icd10() -> bool:
    """Load the package's ICD-10-CM release unless a release is loaded (True when loaded now)."""
    if Icd10Release.objects.exists():
        return False
    return icd10.icd10_release_load(data=icd10.read_package()).loaded


def seed_billing(practice: Practice) -> int:
    """Returns the number of procedure codes added: 0 when the practice had some. Then the
    completed demo visits get their encounters (``encounter_demo``; once), and the desk takes a
    few payments (``payment_demo``; once): last, because it closes the last business day, and
    nothing may be posted into a closed day."""
    ensure_icd10()
    added = _seed_codes(practice)
    seed_encounters(practice)
    seed_payments(practice)
    return added


def _seed_codes(practice: Practice) -> int:
    if ProcedureCode.objects.filter(practice=practice).exists():
        return 0
    added = _seed_codes_and_fees(practice)
    # Older charges at every age, with payments and adjustments, so the A/R has content; the
    # completed demo visits get their own encounters next (seed_billing).
    demo_ar.seed_ar_charges(practice)
    return added


def _seed_codes_and_fees(practice: Practice) -> int:
    payers = {p.name: p for p in Payer.objects.filter(practice=practice, name__in=ALLOWED_SHARE)}
    for code, description, units, standard in CODES:
        procedure_code = procedure_codes.procedure_code_create(
            practice=practice,
            values={
                "code": code,
                "description": description,
                "default_units": units,
                "active_from": FIRST_DAY,
            },
        )
        amount = Decimal(standard)
        _fee(practice, procedure_code, None, amount)
        for name, share in ALLOWED_SHARE.items():
            payer = payers.get(name)
            if payer is None or (code in MEDICARE_ONLY and name != "Medicare"):
                continue
            _fee(practice, procedure_code, payer, round_money(amount * share))
    return len(CODES)


def _fee(practice: Practice, code: ProcedureCode, payer: Payer | None, amount: Decimal) -> None:
    fees.fee_create(
        practice=practice,
        values={
            "procedure_code": code,
            "modifier": "",
            "payer": payer,
            "amount": amount,
            "effective_from": FIRST_DAY,
            "effective_to": None,
        },
    )
