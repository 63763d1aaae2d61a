"""Signing in, in a real browser: the Administrator's code step, the Manager's plain sign-in,
first-time two-step enrolment, and a login page the CSP does not complain about."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.core.models import Practice, User
from praxis.core.roles import ADMINISTRATOR
from praxis.core.testing.factories import UserFactory
from praxis.core.testing.personas import PASSWORD

pytestmark = pytest.mark.e2e

ADMIN_NAV = ["Administrator home", "Users", "Practice", "Audit trail", "Locations"]


def _path(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def _watch_console(page: Any) -> list[str]:
    """Collect console errors (CSP violations among them) and uncaught page errors."""
    errors: list[str] = []

    def on_console(msg: Any) -> None:
        url = msg.location.get("url", "")
        # Chromium asks for /favicon.ico by itself, whenever it likes; the app has none (yet).
        if msg.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"{msg.text} [{url} on {page.url}]")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc} [on {page.url}]"))
    return errors


def _code(key: bytes, step: int = 30, t0: int = 0, digits: int = 6) -> str:
    return f"{totp(key, step=step, t0=t0, digits=digits):0{digits}d}"


def _nav_labels(page: Any) -> list[str]:
    """The bar's links and the Settings menu's entries (which are in the page, folded away)."""
    bar = page.locator("#main-nav .nav-link:not(.dropdown-toggle)").all_inner_texts()
    menu = page.locator("#main-nav .dropdown-item").all_text_contents()
    return [text.strip() for text in [*bar, *menu]]


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_administrator_signs_in_with_code_and_signs_out(
    page: Any, admin_ada: User, screenshot: Any
) -> None:
    errors = _watch_console(page)
    device = TOTPDevice.objects.get(user=admin_ada, confirmed=True)

    _sign_in(page, admin_ada.email)
    page.wait_for_url("**/login/verify/**")
    assert page.get_by_role("heading", name="Enter your verification code").is_visible()

    code = _code(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_role("textbox", name="Code", exact=True).fill(code)
    page.get_by_role("button", name="Verify").click()

    page.wait_for_url("**/home/administrator/")
    assert _path(page) == "/home/administrator/"
    nav = _nav_labels(page)
    for label in ADMIN_NAV:
        assert label in nav, f"{label!r} missing from the navigation {nav}"
    assert page.locator("#admin-figures").is_visible()
    screenshot(page, "administrator-home")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    assert _path(page) == "/login/"
    assert page.get_by_role("heading", name="Sign in to Praxis").is_visible()
    assert page.locator("#main-nav").count() == 0
    assert errors == []


def test_manager_signs_in_without_code_step(page: Any, manager_max: User, screenshot: Any) -> None:
    errors = _watch_console(page)

    _sign_in(page, manager_max.email)

    page.wait_for_url("**/home/manager/")
    assert _path(page) == "/home/manager/"
    nav = _nav_labels(page)
    assert "Manager home" in nav
    assert "Locations" in nav
    for label in ("Users", "Practice", "Audit trail"):
        assert label not in nav, f"a Manager should not see {label!r}: {nav}"
    assert page.locator("#manager-figures").is_visible()
    screenshot(page, "manager-home")
    assert errors == []


def test_administrator_without_device_enrols_on_first_sign_in(
    page: Any, practice: Practice
) -> None:
    errors = _watch_console(page)
    user = UserFactory(
        email="new_admin@example.org",
        full_name="Nia Newton",
        practice=practice,
        password=PASSWORD,
        roles=[ADMINISTRATOR],
    )

    _sign_in(page, user.email)

    page.wait_for_url("**/account/mfa/")
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    key_b32 = "".join(secret.split())
    key = base64.b32decode(key_b32 + "=" * (-len(key_b32) % 8))
    page.get_by_role("textbox", name="Code", exact=True).fill(_code(key))
    page.get_by_role("button", name="Confirm").click()

    codes = page.locator("#recovery-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    assert all(text.strip() for text in codes.all_inner_texts())
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1

    page.get_by_role("link", name=re.compile("continue")).click()
    page.wait_for_url("**/home/administrator/")
    assert _path(page) == "/home/administrator/"
    assert "Administrator home" in _nav_labels(page)
    assert errors == []


def test_login_page_has_no_console_errors_or_csp_violations(page: Any, live_server: Any) -> None:
    errors = _watch_console(page)
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    failed: list[str] = []

    def on_response(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)

    response = page.goto("/login/", wait_until="networkidle")

    assert response is not None and response.status == 200
    assert "script-src" in (response.headers.get("content-security-policy") or "")
    assert page.get_by_role("heading", name="Sign in to Praxis").is_visible()
    # Bootstrap's stylesheet applied: the primary button is not the browser's default grey.
    button_bg = page.get_by_role("button", name="Sign in").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert button_bg not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)")
    assert page.evaluate("window.__csp") == []
    assert failed == []
    assert errors == []
