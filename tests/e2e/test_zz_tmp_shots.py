import base64, re
import pytest
from django_otp.oath import totp
from praxis.core.roles import ADMINISTRATOR
from praxis.core.testing.factories import UserFactory
from praxis.core.testing.personas import PASSWORD
pytestmark = pytest.mark.e2e
D = "/tmp/e2echeck/"

def test_shots(page, practice, admin_ada):
    page.goto("/login/"); page.screenshot(path=D + "login.png", full_page=True)
    UserFactory(email="n@example.org", practice=practice, password=PASSWORD, roles=[ADMINISTRATOR])
    page.get_by_label("E-mail").fill("n@example.org"); page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click(); page.wait_for_url("**/account/mfa/")
    page.screenshot(path=D + "enroll.png", full_page=True)
    k = "".join(page.locator("#totp-secret").inner_text().split())
    key = base64.b32decode(k + "=" * (-len(k) % 8))
    page.get_by_role("textbox", name="Code", exact=True).fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm").click(); page.locator("#recovery-codes li").first.wait_for()
    page.screenshot(path=D + "codes.png", full_page=True)
    page.get_by_role("link", name=re.compile("continue")).click(); page.wait_for_url("**/home/administrator/")
    page.set_viewport_size({"width": 400, "height": 800})
    page.screenshot(path=D + "admin-narrow.png", full_page=True)
    page.set_viewport_size({"width": 900, "height": 800})
    page.screenshot(path=D + "admin-900.png", full_page=True)
