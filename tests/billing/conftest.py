"""The billing cast: small CDC order files written on the spot, the Aetna payer and a few of
Riverbend's procedure codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from praxis.billing.models import ProcedureCode
from praxis.core.models import Practice
from praxis.patients.models import Payer
from praxis.patients.testing.factories import PayerFactory


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
