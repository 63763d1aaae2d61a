"""The demo practice's code tables: its own words for about 25 codes, a standard fee for each and
what each demo payer allows. Seeding again changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from praxis.billing import demo
from praxis.billing.models import Fee, ProcedureCode
from praxis.billing.selectors import fee_for
from praxis.patients.demo import PAYERS
from praxis.patients.testing.factories import PayerFactory

pytestmark = pytest.mark.django_db


def test_the_demo_codes_and_fees(practice, monkeypatch):
    monkeypatch.setattr(demo, "ensure_icd10", lambda: False)  # the slow test loads the package
    for spec in PAYERS:
        PayerFactory(practice=practice, name=spec.name)
    assert demo.seed_billing(practice) == len(demo.CODES)
    assert ProcedureCode.objects.filter(practice=practice).count() == 25
    medicare = practice.payers.get(name="Medicare")
    aetna = practice.payers.get(name="Aetna")
    on = date(2026, 6, 1)
    assert str(fee_for(practice, "99213", "", None, on).amount) == "115.00"
    assert str(fee_for(practice, "99213", "", medicare, on).amount) == "71.30"
    assert str(fee_for(practice, "G0439", "", aetna, on).amount) == "130.00"  # standard
    count = Fee.objects.count()
    assert demo.seed_billing(practice) == 0
    assert Fee.objects.count() == count
