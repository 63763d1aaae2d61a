"""Amounts to the cent: a line's charge is its unit fee times its units rounded once (half a
cent away from zero), and a payment split over lines oldest first leaves exactly what was not
applied as credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from praxis.billing import ledger
from praxis.billing.encounters import LineInput, encounter_code, encounter_create
from praxis.billing.models import Fee, OpenItem
from praxis.billing.selectors import ledger_disagreements, patient_balance

from .conftest import DAY_OF_SERVICE

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize(
    ("unit_fee", "units", "amount"),
    [
        ("120.00", 1, "120.00"),
        ("33.33", 3, "99.99"),
        ("0.01", 999, "9.99"),
        ("15.00", 4, "60.00"),
        ("0.00", 2, "0.00"),
        ("9999.99", 2, "19999.98"),
    ],
)
def test_a_lines_amount_is_its_unit_fee_times_units(
    icd10_april_2026,
    practice,
    paula,
    dana,
    location,
    office_visit,
    biller_bo,
    unit_fee,
    units,
    amount,
):
    Fee.objects.create(
        practice=practice,
        procedure_code=office_visit,
        amount=D(unit_fee),
        effective_from=date(2026, 1, 1),
    )
    encounter = encounter_create(
        patient=paula,
        date_of_service=DAY_OF_SERVICE,
        rendering_provider=dana,
        location=location,
        by=biller_bo,
    )
    encounter_code(
        encounter=encounter,
        diagnoses=["E11.9"],
        lines=[LineInput(office_visit, units=units)],
        by=biller_bo,
    )
    line = encounter.lines.get()
    assert (line.unit_fee, line.amount) == (D(unit_fee), D(amount))


@pytest.mark.parametrize(
    ("payment", "line_1", "line_2", "credit"),
    [
        ("0.01", "119.99", "15.00", "0.00"),
        ("119.99", "0.01", "15.00", "0.00"),
        ("120.00", "0.00", "15.00", "0.00"),
        ("120.01", "0.00", "14.99", "0.00"),
        ("135.00", "0.00", "0.00", "0.00"),
        ("135.01", "0.00", "0.00", "0.01"),
        ("1000.00", "0.00", "0.00", "865.00"),
    ],
)
def test_a_payment_split_oldest_first(
    paula, posted_visit, frontdesk_fay, payment, line_1, line_2, credit
):
    encounter = posted_visit(paula)
    ledger.payment_post(patient=paula, amount=D(payment), method="cash", by=frontdesk_fay)
    balances = [
        OpenItem.objects.get(charge_line=line).patient_balance
        for line in encounter.lines.order_by("line_number")
    ]
    assert balances == [D(line_1), D(line_2)]
    assert patient_balance(paula).unapplied_credit == D(credit)
    assert ledger_disagreements() == []


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.001", "The payment has more than two decimal places: 0.001."),
        ("12.345", "The payment has more than two decimal places: 12.345."),
        ("-0.01", "The payment must be more than $0.00."),
        ("0", "The payment must be more than $0.00."),
    ],
)
def test_amounts_beyond_the_cent_are_refused_not_rounded(
    paula, posted_visit, frontdesk_fay, amount, message
):
    from praxis.core.service_support import ServiceError

    posted_visit(paula)
    with pytest.raises(ServiceError) as refused:
        ledger.payment_post(patient=paula, amount=D(amount), method="cash", by=frontdesk_fay)
    assert refused.value.messages == [message]
    assert patient_balance(paula).patient_due == D("135.00")
