"""The Administrator, past the two-step code, opens the A/R aging report and drills down into a
bucket: the payer's 91-120 day figure opens the charge lines behind it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.billing.encounters import (
    LineInput,
    encounter_code,
    encounter_create,
    encounter_mark_ready,
)
from praxis.billing.models import Fee, Icd10Code, Icd10Release, ProcedureCode
from praxis.billing.models.codes import search_text
from praxis.core.models import Practice, User
from praxis.core.testing.personas import PASSWORD
from praxis.patients.testing.factories import CoverageFactory, PatientFactory, PayerFactory
from praxis.scheduling.testing import ProviderFactory

pytestmark = pytest.mark.e2e


def _post_visit(practice: Practice, location: Any, days_ago: int) -> None:
    """One insured visit, coded 99213 for E11.9 and posted, ``days_ago`` days back."""
    release = Icd10Release.objects.first() or Icd10Release.objects.create(
        label="Test", source="test", effective_from=date(2000, 1, 1), loaded_at=timezone.now()
    )
    if not release.codes.exists():
        text = "Type 2 diabetes mellitus without complications"
        Icd10Code.objects.create(
            release=release,
            code="E119",
            description=text,
            billable=True,
            search_text=search_text(text),
        )
    code, created = ProcedureCode.objects.get_or_create(
        practice=practice,
        code="99213",
        defaults={"description": "Office visit", "active_from": date(2000, 1, 1)},
    )
    if created:
        Fee.objects.create(
            practice=practice,
            procedure_code=code,
            amount=Decimal("120.00"),
            effective_from=date(2000, 1, 1),
        )
    payer = PayerFactory(practice=practice, name="Aetna")
    patient = PatientFactory(practice=practice, legal_first_name="Paula", legal_last_name="Price")
    coverage = CoverageFactory(patient=patient, payer=payer, effective_date=date(2000, 1, 1))
    encounter = encounter_create(
        patient=patient,
        date_of_service=timezone.localdate() - timedelta(days=days_ago),
        rendering_provider=ProviderFactory(practice=practice, display_name="Dr. Dana Dubois"),
        location=location,
        coverage=coverage,
        by=None,
    )
    encounter_code(encounter=encounter, diagnoses=["E11.9"], lines=[LineInput(code)], by=None)
    encounter_mark_ready(encounter=encounter, by=None)


def test_administrator_opens_the_aging_and_drills_into_a_bucket(
    page: Any, admin_ada: User, practice: Practice, location: Any, screenshot: Any
) -> None:
    _post_visit(practice, location, days_ago=100)
    device = TOTPDevice.objects.get(user=admin_ada, confirmed=True)

    page.goto("/login/")
    page.get_by_label("E-mail").fill(admin_ada.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/verify/**")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_role("textbox", name="Code", exact=True).fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/home/administrator/")

    page.locator("#main-nav").get_by_role("button", name="Billing").click()  # the bar's menu
    page.get_by_role("link", name="A/R aging").first.click()
    page.wait_for_url("**/billing/ar/")
    table = page.locator("#aging-table")
    aetna = table.locator("tbody tr", has_text="Aetna")
    assert aetna.locator("td").nth(3).inner_text() == "$120.00"  # the 91-120 day bucket
    assert page.locator("#aging-totals").inner_text().endswith("$120.00")
    screenshot(page, "ar-aging-by-payer")

    aetna.locator("td").nth(3).get_by_role("link").click()
    page.wait_for_url("**/billing/ar/lines/**")
    assert page.locator("#lines-title").inner_text() == "Aetna · 91\u2013120 days"
    row = page.locator("#lines-table tbody tr").first
    assert "Paula Price" in row.inner_text()
    assert row.locator("td").last.inner_text() == "100"
    screenshot(page, "ar-aging-drill-down")

    page.get_by_role("link", name="← A/R aging").click()
    page.get_by_role("link", name="By patient").click()
    assert "Nothing is owed by any patient." in page.locator("#aging-table").inner_text()
