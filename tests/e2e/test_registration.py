"""The front desk registers a new patient: a mistake is summed up at the top with the focus on
it, the insurance step follows in the same flow, and the patient's page offers the booking."""

from __future__ import annotations

from typing import Any

import pytest

from praxis.core.models import Practice, User
from praxis.core.testing.personas import PASSWORD
from praxis.patients.models import Coverage, Patient
from praxis.patients.testing.factories import PayerFactory

pytestmark = pytest.mark.e2e


def test_front_desk_registers_a_patient_and_adds_the_insurance(
    page: Any, frontdesk_fay: User, practice: Practice, screenshot: Any
) -> None:
    PayerFactory(practice=practice, name="Aetna", edi_payer_id="60054")
    page.goto("/login/")
    page.get_by_label("E-mail").fill(frontdesk_fay.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/patients/new/")

    page.get_by_label("Legal first name").fill("Zoë")
    page.get_by_label("Date of birth").fill(
        "1992-04-05"
    )  # a date picker: the browser shows it the US way
    page.get_by_label("Sex").select_option("F")
    page.get_by_role("button", name="Register").click()

    summary = page.locator("#form-errors")
    assert "One thing to fix:" in summary.inner_text()
    assert "Legal last name" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "form-errors"  # read first
    summary.get_by_role("link", name="Legal last name").click()
    page.keyboard.type("Åberg")
    page.get_by_role("button", name="Register").click()

    assert page.locator("#insurance-step").is_visible(), page.locator("main").inner_text()[:600]
    zoe = Patient.objects.get(practice=practice, legal_last_name="Åberg")
    page.get_by_label("Payer").select_option(label="Aetna")
    page.get_by_label("Member ID").fill("W123456789")
    page.get_by_label("Effective date").fill("2026-01-01")
    page.get_by_role("button", name="Add coverage").click()

    assert page.url.endswith(f"/patients/{zoe.pk}/")
    assert Coverage.objects.filter(patient=zoe, member_id="W123456789").exists()
    assert page.get_by_role("link", name="Book a visit").is_visible()
    screenshot(page, "front-desk-registered")
