"""The lockout counts failures per account, however the e-mail address is typed: sign-in finds
the account whatever the letter case and surrounding spaces, so the lock must too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from praxis.core.backends import axes_username
from praxis.core.models import AuditEvent
from praxis.core.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")
WRONG = "wrong password here"


def sign_in(email: str, password: str = PASSWORD, client: Client | None = None):  # type: ignore[no-untyped-def]
    return (client or Client()).post(LOGIN, {"username": email, "password": password})


def variants(email: str) -> list[str]:
    local, _, domain = email.partition("@")
    return [
        email,
        email.upper(),
        local.capitalize() + "@" + domain,
        local[:1] + local[1:2].upper() + local[2:] + "@" + domain.upper(),
        f"  {email}  ",
    ]


@pytest.mark.parametrize(
    "typed", ["Fay@Example.org", "  fay@example.org ", "FAY@EXAMPLE.ORG", "fay@example.org"]
)
def test_the_lockout_key_is_the_address_as_sign_in_looks_it_up(typed):
    assert axes_username(None, {"username": typed}) == "fay@example.org"


def test_the_lockout_key_falls_back_to_the_posted_form(rf):
    request = rf.post(LOGIN, {"username": " Fay@Example.ORG"})
    assert axes_username(request, None) == "fay@example.org"


def test_failures_under_every_spelling_share_one_count(settings, frontdesk_fay):
    settings.AXES_FAILURE_LIMIT = 5
    for typed in variants(frontdesk_fay.email):  # five tries, each spelled differently
        sign_in(typed, WRONG)
    for typed in variants(frontdesk_fay.email):
        response = sign_in(typed)  # even the right password, under any spelling
        assert response.status_code == 429, typed
        assert "_auth_user_id" not in response.client.session
    assert AuditEvent.objects.filter(action="praxis.auth.login.locked_out").exists()


def test_a_new_spelling_gets_no_fresh_tries(settings, frontdesk_fay):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(frontdesk_fay.email, WRONG)
    assert sign_in(frontdesk_fay.email.upper()).status_code == 429
    assert sign_in(frontdesk_fay.email.capitalize(), WRONG).status_code == 429


def test_a_right_password_clears_the_one_count_for_every_spelling(settings, frontdesk_fay):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(frontdesk_fay.email.upper(), WRONG)
    sign_in(frontdesk_fay.email.capitalize(), WRONG)
    assert sign_in(f" {frontdesk_fay.email.upper()}").status_code == 302
    # The count started over: two more failures, under other spellings, do not lock.
    sign_in(frontdesk_fay.email, WRONG)
    sign_in(frontdesk_fay.email.capitalize(), WRONG)
    assert sign_in(frontdesk_fay.email.swapcase()).status_code == 302


def test_one_account_locked_leaves_others_alone(settings, frontdesk_fay, manager_max):
    settings.AXES_FAILURE_LIMIT = 3
    for typed in variants(frontdesk_fay.email)[:3]:
        sign_in(typed, WRONG)
    assert sign_in(frontdesk_fay.email).status_code == 429
    assert sign_in(manager_max.email.upper()).status_code == 302


def test_the_administrator_sees_a_locked_account_and_unlocks_it(
    settings, frontdesk_fay, manager_max, admin_ada, client_for
):
    settings.AXES_FAILURE_LIMIT = 3
    for typed in variants(frontdesk_fay.email)[:3]:
        sign_in(typed, WRONG)
    sign_in(manager_max.email, WRONG)  # one typo is not a lock
    admin = client_for(admin_ada)

    home = admin.get(reverse("dashboards:administrator")).content.decode()
    locked = home.split("1 account locked after failed sign-ins:", 1)[1].split("</li>", 1)[0]
    assert frontdesk_fay.full_name in locked and manager_max.full_name not in locked
    page = admin.get(reverse("core:user_detail", args=[frontdesk_fay.pk]))
    assert "Unlock sign-in" in page.content.decode()
    assert (
        "Unlock sign-in"
        not in admin.get(reverse("core:user_detail", args=[manager_max.pk])).content.decode()
    )

    admin.post(reverse("core:user_action", args=[frontdesk_fay.pk, "unlock"]))

    assert sign_in(frontdesk_fay.email.upper()).status_code == 302
    unlocked = AuditEvent.objects.get(action="praxis.auth.login.unlocked")
    assert unlocked.object_id == str(frontdesk_fay.pk) and unlocked.actor_id == admin_ada.pk


def test_only_the_administrator_may_unlock(settings, frontdesk_fay, manager_max, client_for):
    settings.AXES_FAILURE_LIMIT = 1
    sign_in(frontdesk_fay.email, WRONG)
    refused = client_for(manager_max).post(
        reverse("core:user_action", args=[frontdesk_fay.pk, "unlock"])
    )
    assert refused.status_code == 403
    assert sign_in(frontdesk_fay.email).status_code == 429
