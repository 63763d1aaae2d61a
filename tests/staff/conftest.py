"""The staff tests' people: Cleo Clark (a medical assistant with a sign-in), Dana Dubois (a
physician, NPI on her record), and a payer for enrollments."""

from __future__ import annotations

from datetime import date

import pytest

from praxis.core.models import Practice, User
from praxis.patients.models import Payer
from praxis.patients.testing.factories import PayerFactory
from praxis.staff.models import Position, StaffMember
from praxis.staff.testing.factories import PositionFactory, StaffMemberFactory


@pytest.fixture
def assistant_position(practice: Practice) -> Position:
    return PositionFactory(practice=practice, title="Medical Assistant")


@pytest.fixture
def cleo(practice: Practice, clinical_cleo: User, location, assistant_position) -> StaffMember:  # type: ignore[no-untyped-def]
    member: StaffMember = StaffMemberFactory(
        practice=practice,
        user=clinical_cleo,
        full_name="Cleo Clark",
        job_title="Medical Assistant",
        position=assistant_position,
        department="Clinical",
        hire_date=date(2023, 4, 3),
    )
    member.locations.set([location])
    return member


@pytest.fixture
def dana_record(practice: Practice, dr_dana: User) -> StaffMember:
    member: StaffMember = StaffMemberFactory(
        practice=practice,
        user=dr_dana,
        full_name="Dana Dubois",
        job_title="Physician",
        department="Clinical",
        npi="1234567893",
    )
    return member


@pytest.fixture
def aetna(practice: Practice) -> Payer:
    payer: Payer = PayerFactory(practice=practice, name="Aetna")
    return payer
