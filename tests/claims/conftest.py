"""The claims cast: Bo the biller sends Paula Price's visit with Dr. Dana Dubois to Aetna.
The billing cast (code sets, fees, Dr. Dubois) comes from tests/billing/conftest.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from praxis.billing.encounters import (
    LineInput,
    encounter_code,
    encounter_create,
    encounter_mark_ready,
)
from praxis.billing.models import Encounter
from praxis.claims.models import Claim
from praxis.claims.services import claim_create
from praxis.core.models import Practice
from praxis.patients.models import Patient
from praxis.patients.testing.factories import CoverageFactory, PatientFactory

from ..billing import conftest as billing_cast

# The billing cast, shared (fixtures are found by name in this module).
aetna = billing_cast.aetna
dana = billing_cast.dana
fee_schedule = billing_cast.fee_schedule
icd10_april_2026 = billing_cast.icd10_april_2026
office_visit = billing_cast.office_visit
venipuncture = billing_cast.venipuncture

DAY = date.today() - timedelta(days=10)


@pytest.fixture
def billing_practice(practice: Practice) -> Practice:
    """The practice with what an 837P needs of its billing provider: a ZIP+4."""
    practice.postal_code = "05401-2233"
    practice.save(update_fields=["postal_code"])
    return practice


@pytest.fixture
def paula(billing_practice: Practice) -> Patient:
    return PatientFactory(
        practice=billing_practice,
        legal_first_name="Paula",
        legal_last_name="Price",
        address_line1="12 Elm St",
        city="Burlington",
        state="VT",
        postal_code="05401",
    )


@pytest.fixture
def ready_encounter(icd10_april_2026, fee_schedule, dana, location, paula, aetna, biller_bo):  # type: ignore[no-untyped-def]
    """``ready_encounter(patient=paula, diagnoses=("E11.9",), day=DAY)``: coded 99213 + 36415,
    marked ready, covered by Aetna."""
    from praxis.billing.models import ProcedureCode

    def make(patient=None, diagnoses=("E11.9",), day=DAY, coverage=True):  # type: ignore[no-untyped-def]
        patient = patient or paula
        cover = None
        if coverage:
            cover = patient.coverages.first() or CoverageFactory(
                patient=patient, payer=aetna, member_id="W123456789"
            )
        encounter = encounter_create(
            patient=patient,
            date_of_service=day,
            rendering_provider=dana,
            location=location,
            coverage=cover,
            by=biller_bo,
        )
        codes = ProcedureCode.objects.filter(practice=patient.practice).order_by("code")
        encounter_code(
            encounter=encounter,
            diagnoses=list(diagnoses),
            lines=[LineInput(code) for code in codes],
            by=biller_bo,
        )
        return encounter_mark_ready(encounter=encounter, by=biller_bo)

    return make


@pytest.fixture
def new_claim(ready_encounter, biller_bo):  # type: ignore[no-untyped-def]
    def make(encounter: Encounter | None = None, **kwargs) -> Claim:  # type: ignore[no-untyped-def]
        encounter = encounter or ready_encounter(**kwargs)
        return claim_create(practice=encounter.practice, encounter=encounter, by=biller_bo)

    return make
