"""The billing cast: small CDC order files written on the spot, the Aetna payer and a few of
Riverbend's procedure codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from praxis.billing import ledger
from praxis.billing.models import ProcedureCode
from praxis.core.models import Practice
from praxis.patients.models import Payer
from praxis.patients.testing.factories import CoverageFactory, PatientFactory, PayerFactory


def order_line(number: int, code: str, billable: bool, description: str) -> str:
    """One line of a CDC order file, in its fixed columns."""
    return f"{number:05d} {code:<7} {int(billable)} {description[:60]:<60} {description}"


APRIL_2026 = [
    ("E11", False, "Type 2 diabetes mellitus"),
    ("E119", True, "Type 2 diabetes mellitus without complications"),
    ("E1121", True, "Type 2 diabetes mellitus with diabetic nephropathy"),
    ("J020", True, "Streptococcal pharyngitis"),
    ("Z0000", True, "Encounter for general adult medical examination without abnormal findings"),
]
# FY2027: one code added, one code's description changed, one code gone.
FY2027 = [
    ("E11", False, "Type 2 diabetes mellitus"),
    ("E119", True, "Type 2 diabetes mellitus without complications"),
    ("E1121", True, "Type 2 diabetes mellitus with diabetic kidney disease"),
    ("E1122", True, "Type 2 diabetes mellitus with diabetic chronic kidney disease"),
    ("Z0000", True, "Encounter for general adult medical examination without abnormal findings"),
]


@pytest.fixture
def order_file(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, rows: list[tuple[str, bool, str]], *, extra: str = "") -> Path:
        path = tmp_path / name
        lines = [order_line(n, *row) for n, row in enumerate(rows, start=1)]
        path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
        return path

    return write


@pytest.fixture
def aetna(practice: Practice) -> Payer:
    return PayerFactory(practice=practice, name="Aetna", edi_payer_id="60054")


@pytest.fixture
def office_visit(practice: Practice) -> ProcedureCode:
    return ProcedureCode.objects.create(
        practice=practice,
        code="99213",
        description="Office visit, established patient, low complexity",
        default_units=1,
        active_from=date(2026, 1, 1),
    )


# --- the ledger's cast: Dr. Dana Dubois sees Paula Price, coded and posted --------------------

DAY_OF_SERVICE = date(2026, 5, 4)


@pytest.fixture
def icd10_april_2026(db: None):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from praxis.billing.models import Icd10Code, Icd10Release
    from praxis.billing.models.codes import search_text

    release = Icd10Release.objects.create(
        label="April 2026",
        source="test",
        effective_from=date(2026, 4, 1),
        code_count=len(APRIL_2026),
        loaded_at=timezone.now(),
    )
    Icd10Code.objects.bulk_create(
        Icd10Code(
            release=release,
            code=code,
            description=text,
            billable=billable,
            search_text=search_text(text),
        )
        for code, billable, text in APRIL_2026
    )
    return release


@pytest.fixture
def dana(practice: Practice):  # type: ignore[no-untyped-def]
    from praxis.scheduling.testing import ProviderFactory

    return ProviderFactory(practice=practice, display_name="Dr. Dana Dubois")


@pytest.fixture
def paula(practice: Practice):  # type: ignore[no-untyped-def]
    from praxis.patients.testing.factories import PatientFactory

    return PatientFactory(practice=practice, legal_first_name="Paula", legal_last_name="Price")


@pytest.fixture
def venipuncture(practice: Practice) -> ProcedureCode:
    return ProcedureCode.objects.create(
        practice=practice,
        code="36415",
        description="Routine blood draw",
        default_units=1,
        active_from=date(2026, 1, 1),
    )


@pytest.fixture
def fee_schedule(practice: Practice, office_visit, venipuncture, aetna):  # type: ignore[no-untyped-def]
    """Standard: 99213 $120.00, 36415 $15.00; Aetna allows 99213 at $95.00."""
    from decimal import Decimal

    from praxis.billing.models import Fee

    for code, payer, amount in [
        (office_visit, None, "120.00"),
        (venipuncture, None, "15.00"),
        (office_visit, aetna, "95.00"),
    ]:
        Fee.objects.create(
            practice=practice,
            procedure_code=code,
            payer=payer,
            amount=Decimal(amount),
            effective_from=date(2026, 1, 1),
        )


@pytest.fixture
def posted_visit(  # type: ignore[no-untyped-def]
    icd10_april_2026, fee_schedule, dana, location, office_visit, venipuncture, biller_bo
):
    """``posted_visit(patient, coverage=None)``: an encounter coded 99213 + 36415 for E11.9,
    marked ready (charges posted: $135.00 self-pay)."""
    from praxis.billing.encounters import (
        LineInput,
        encounter_code,
        encounter_create,
        encounter_mark_ready,
    )

    def make(patient, coverage=None, day=DAY_OF_SERVICE):  # type: ignore[no-untyped-def]
        encounter = encounter_create(
            patient=patient,
            date_of_service=day,
            rendering_provider=dana,
            location=location,
            coverage=coverage,
            by=biller_bo,
        )
        encounter_code(
            encounter=encounter,
            diagnoses=["E11.9"],
            lines=[LineInput(office_visit), LineInput(venipuncture)],
            by=biller_bo,
        )
        return encounter_mark_ready(encounter=encounter, by=biller_bo)

    return make


@pytest.fixture
def draft(icd10_april_2026, fee_schedule, paula, dana, location, biller_bo):  # type: ignore[no-untyped-def]
    """A draft encounter of Paula's with Dr. Dubois on the day of service, self-pay."""
    from praxis.billing.encounters import encounter_create

    return encounter_create(
        patient=paula,
        date_of_service=DAY_OF_SERVICE,
        rendering_provider=dana,
        location=location,
        by=biller_bo,
    )


# --- the A/R's cast: Paula's insured visits at five ages, Sam's self-pay one -------------------

AS_OF = date(2026, 9, 30)
PAULA_AGES = (10, 45, 75, 100, 150)  # one visit in each aging bucket


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


@pytest.fixture
def bill_on(monkeypatch):  # type: ignore[no-untyped-def]
    """``bill_on(day)``: charges posted from now on are billed that day (the practice's clock)."""

    def set_day(day: date) -> None:
        monkeypatch.setattr(ledger, "practice_today", lambda practice: day)

    return set_day


@pytest.fixture
def sam(practice):  # type: ignore[no-untyped-def]
    return PatientFactory(practice=practice, legal_first_name="Sam", legal_last_name="Stone")


@pytest.fixture
def ar(practice, paula, sam, aetna, posted_visit, bill_on):  # type: ignore[no-untyped-def]
    """Each visit billed five days after its date of service."""
    coverage = CoverageFactory(patient=paula, payer=aetna, effective_date=date(2026, 1, 1))
    visits = {}
    for days in PAULA_AGES:
        bill_on(ago(days) + timedelta(days=5))
        visits[days] = posted_visit(paula, coverage, day=ago(days))
    bill_on(ago(95) + timedelta(days=5))
    visits["sam"] = posted_visit(sam, day=ago(95))
    return visits
