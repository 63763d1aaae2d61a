"""HR opens a staff member's page, adds her state license, and sees it listed with its expiry."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from praxis.core import datefmt
from praxis.core.models import Practice, User
from praxis.core.testing.personas import PASSWORD
from praxis.staff.models import Credential
from praxis.staff.testing.factories import StaffMemberFactory

pytestmark = pytest.mark.e2e


def test_hr_adds_a_license_and_sees_its_expiry(
    page: Any, hr_hana: User, practice: Practice, screenshot: Any
) -> None:
    dana = StaffMemberFactory(practice=practice, full_name="Dana Dubois", job_title="Physician")

    page.goto("/login/")
    page.get_by_label("E-mail").fill(hr_hana.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Staff", exact=True).click()
    page.get_by_role("link", name="Dana Dubois").click()
    page.get_by_role("link", name="Add a credential").click()
    page.get_by_label("Kind").select_option("state_license")
    page.get_by_label("Number").fill("MD.104211")
    page.get_by_label("State (licenses)").select_option("VT")
    page.get_by_label("Issued on").fill("2025-02-01")
    page.get_by_label("Expires on").fill("2027-01-31")
    page.get_by_role("button", name="Add credential").click()

    table = page.locator("#credentials-table")
    table.get_by_text("MD.104211").wait_for()
    assert datefmt.short(date(2027, 1, 31)) in table.inner_text()
    assert Credential.objects.get(staff=dana).expires_on == date(2027, 1, 31)
    screenshot(page, "staff-credentials")
