"""Bo the biller opens the queue, bills Dr. Dubois's completed visit with Paula Price, finds the
diagnosis by typing words of it, picks it, adds a charge line, saves, marks the encounter ready
to bill and sees the charge total."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from praxis.billing.models import (
    Encounter,
    Fee,
    Icd10Code,
    Icd10Release,
    JournalEntry,
    ProcedureCode,
)
from praxis.billing.models.codes import search_text
from praxis.billing.selectors import ledger_disagreements
from praxis.core.models import Location, Practice, User
from praxis.core.testing.personas import PASSWORD
from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory, ProviderFactory

pytestmark = pytest.mark.e2e

CODES = [
    ("E11", False, "Type 2 diabetes mellitus"),
    ("E119", True, "Type 2 diabetes mellitus without complications"),
    ("J020", True, "Streptococcal pharyngitis"),
]


@pytest.fixture
def billing_world(practice: Practice, location: Location) -> Appointment:
    release = Icd10Release.objects.create(
        label="Test release",
        source="test",
        effective_from=date(2020, 1, 1),
        code_count=len(CODES),
        loaded_at=timezone.now(),
    )
    Icd10Code.objects.bulk_create(
        Icd10Code(release=release, code=c, description=d, billable=b, search_text=search_text(d))
        for c, b, d in CODES
    )
    office_visit = ProcedureCode.objects.create(
        practice=practice,
        code="99213",
        description="Established patient visit, low complexity",
        active_from=date(2020, 1, 1),
    )
    Fee.objects.create(
        practice=practice,
        procedure_code=office_visit,
        amount=Decimal("115.00"),
        effective_from=date(2020, 1, 1),
    )
    dana = ProviderFactory(practice=practice, display_name="Dr. Dana Dubois")
    paula = PatientFactory(practice=practice, legal_first_name="Paula", legal_last_name="Price")
    return AppointmentFactory(
        patient=paula,
        provider=dana,
        location=location,
        start=timezone.now() - timedelta(days=1),
        status=Appointment.Status.COMPLETED,
    )


def test_the_biller_codes_a_completed_visit(
    page: Any, biller_bo: User, billing_world: Appointment, screenshot: Any
) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(biller_bo.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.locator("#main-nav").get_by_role("button", name="Billing").click()  # the bar's menu
    page.get_by_role("link", name="To bill").first.click()
    row = page.locator("#visits-table tbody tr", has_text="Paula Price")
    row.get_by_role("button", name="Bill this visit").click()
    page.wait_for_url("**/billing/encounters/*/")
    assert page.locator("#encounter-status").inner_text() == "Draft"

    page.locator("#id_dx-0").press_sequentially("diab witho", delay=30)
    pick = page.locator('#dx-0-results [data-icd10-pick="E11.9"]')
    pick.click()
    assert page.locator("#id_dx-0").input_value() == "E11.9"
    assert page.locator("#dx-0-results").inner_text() == ""

    page.locator("#id_line-0-code").select_option(
        label="99213 Established patient visit, low complexity"
    )
    page.locator("#id_line-0-pointers").fill("1")
    screenshot(page, "biller-coding")
    page.get_by_role("button", name="Save coding").click()
    assert page.locator("#encounter-status").inner_text() == "Coded"
    assert page.locator("#charge-total").inner_text() == "$115.00"

    page.get_by_role("button", name="Mark ready to bill").click()
    assert page.locator("#encounter-status").inner_text() == "Ready to bill"
    assert page.locator("#charge-total").inner_text() == "$115.00"
    assert page.locator("#coding-form").count() == 0
    screenshot(page, "biller-ready")

    # on a phone, the tables scroll inside themselves: the page is no wider than the screen
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (page.url, "/billing/encounters/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url

    encounter = Encounter.objects.get(appointment=billing_world)
    assert encounter.status == Encounter.Status.READY
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.CHARGE).count() == 1
    assert ledger_disagreements() == []
