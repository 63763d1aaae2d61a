"""The Administrator publishes a new version of a policy, the front desk acknowledges it, and
the Administrator sees the acknowledgment rate change."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.compliance import policies
from praxis.core.models import Practice, User
from praxis.core.testing.personas import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(page: Any, user: User) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        page.wait_for_url("**/login/verify/**")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.get_by_role("textbox", name="Code", exact=True).fill(f"{code:0{device.digits}d}")
        page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()


def test_a_new_version_is_acknowledged_and_the_rate_moves(
    page: Any,
    browser: Any,
    live_server: Any,
    practice: Practice,
    admin_ada: User,
    frontdesk_fay: User,
    biller_bo: User,
    screenshot: Any,
) -> None:
    policy = policies.policy_create(
        practice=practice,
        title="Front office privacy",
        category="hipaa_privacy",
        owner=admin_ada,
        roles=["front_desk", "biller"],
        body="Turn screens away from the waiting room.\nNever read a chart aloud at the desk.",
        by=admin_ada,
    )
    first = policy.versions.get()
    policies.version_submit(version=first, by=admin_ada)
    policies.version_approve(
        version=first,
        effective_date=date(2026, 1, 5),
        next_review_date=date(2027, 1, 5),
        by=admin_ada,
    )
    policy.refresh_from_db()
    for user in (frontdesk_fay, biller_bo):
        policies.policy_acknowledge(policy=policy, user=user)

    # The Administrator writes version 2, which only the front desk must acknowledge again.
    _sign_in(page, admin_ada)
    page.goto(f"/compliance/policies/{policy.pk}/")
    assert page.locator("#ack-rate").inner_text() == "100%"
    page.get_by_role("link", name="Write a new version").click()
    page.get_by_label("Text").fill(
        "Turn screens away from the waiting room.\n"
        "Never read a chart aloud at the desk.\n"
        "Ask patients to confirm their birth date in writing."
    )
    page.get_by_label("What changed").fill("Birth dates confirmed in writing")
    page.get_by_label("Biller/Coder").uncheck()
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("button", name="Send for review").click()
    assert (
        page.locator("#version-diff .diff-added")
        .inner_text()
        .endswith("Ask patients to confirm their birth date in writing.")
    )
    page.get_by_label("Effective date").fill("2026-03-01")
    page.get_by_label("Next review date").fill("2027-03-01")
    screenshot(page, "compliance-approve-version")
    page.get_by_role("button", name="Approve and ask for acknowledgments").click()
    page.wait_for_url(f"**/compliance/policies/{policy.pk}/")
    assert page.locator("#ack-rate").inner_text() == "50%"
    assert "Fay Fischer" in page.locator("#ack-table").inner_text()
    screenshot(page, "compliance-policy-after-publishing")

    # The front desk finds it under Policies, reads it and acknowledges it.
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    fay = desk.new_page()
    _sign_in(fay, frontdesk_fay)
    fay.goto("/compliance/policies/to-read/")
    assert "To read" in fay.locator("#to-read").inner_text()
    screenshot(fay, "compliance-to-read-390")
    fay.get_by_role("link", name="Front office privacy").click()
    fay.get_by_role("button", name="I have read and understood this policy").click()
    assert "You acknowledged this version on" in fay.locator("#ack-state").inner_text()
    desk.close()

    page.reload()
    assert page.locator("#ack-rate").inner_text() == "100%"
    page.goto("/compliance/policies/people/")
    screenshot(page, "compliance-people")
    page.goto("/compliance/policies/")
    screenshot(page, "compliance-library")
