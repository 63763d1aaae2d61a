"""API tokens never outlive what their owner may do: they expire, they need a second factor
where the owner's role does, and a role change, a new password or a reset second factor revokes
them."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.core import services
from praxis.core.models import ApiToken, AuditEvent, User
from praxis.core.roles import ADMINISTRATOR, BILLER, COMPLIANCE, MANAGER
from praxis.core.service_support import ServiceError
from praxis.core.testing.factories import UserFactory
from praxis.core.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def token_for(user: User, **kwargs: object) -> services.IssuedToken:
    return services.api_token_create(user=user, name="EHR sync", **kwargs)


def status_with(secret: str) -> int:
    client = Client(enforce_csrf_checks=True)
    return client.get(ME, headers={"Authorization": f"Bearer {secret}"}).status_code


def days_from_now(moment) -> float:  # type: ignore[no-untyped-def]
    return (moment - timezone.now()) / timedelta(days=1)


def usable(issued: services.IssuedToken) -> bool:
    issued.token.refresh_from_db()
    return issued.token.revoked_at is None and status_with(issued.secret) == 200


# --- expiry -------------------------------------------------------------------------------------


def test_a_token_lasts_ninety_days_unless_told_otherwise(settings, manager_max):
    assert settings.PRAXIS_API_TOKEN_DAYS == 90
    issued = token_for(manager_max)
    assert 89.99 < days_from_now(issued.token.expires_at) <= 90


def test_the_longest_life_is_configurable_and_the_default(settings, manager_max):
    settings.PRAXIS_API_TOKEN_DAYS = 30
    assert 29.99 < days_from_now(token_for(manager_max).token.expires_at) <= 30
    with pytest.raises(ServiceError, match="at most 30 days"):
        token_for(manager_max, expires_at=timezone.now() + timedelta(days=31))
    shorter = token_for(manager_max, expires_at=timezone.now() + timedelta(days=7))
    assert 6.99 < days_from_now(shorter.token.expires_at) <= 7


def test_a_token_past_its_expiry_is_refused(manager_max):
    issued = token_for(manager_max)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now())
    assert status_with(issued.secret) == 401


def test_the_tokens_page_shows_when_each_token_expires(manager_max, client_for):
    token_for(manager_max)
    page = client_for(manager_max).get(reverse("core:token_list")).content.decode()
    expires = timezone.localtime(ApiToken.objects.get().expires_at)
    row = page.split('id="token-table"')[1].split("</table>")[0]
    assert f"<td>{expires:%b} {expires.day}, {expires.year}</td>" in row
    assert "at most 90 days" in page


def test_the_page_refuses_a_life_longer_than_allowed(settings, manager_max, client_for):
    settings.PRAXIS_API_TOKEN_DAYS = 30
    response = client_for(manager_max).post(
        reverse("core:token_list"), {"name": "EHR sync", "expires_in_days": "31"}
    )
    assert response.status_code == 400
    assert "less than or equal to 30" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_empty_life_on_the_page_is_the_longest_allowed(manager_max, client_for):
    client_for(manager_max).post(reverse("core:token_list"), {"name": "EHR sync"})
    assert 89.99 < days_from_now(ApiToken.objects.get().expires_at) <= 90


def test_the_api_lists_each_tokens_expiry(manager_max):
    issued = token_for(manager_max)
    response = Client().get("/api/v1/tokens", headers={"Authorization": f"Bearer {issued.secret}"})
    [listed] = response.json()
    assert listed["expires_at"] is not None
    assert listed["expires_at"].startswith(issued.token.expires_at.date().isoformat()[:4])


def test_the_command_line_says_when_a_token_expires(manager_max):
    out, err = StringIO(), StringIO()
    call_command("token", "create", manager_max.email, "--days", "7", stdout=out, stderr=err)
    token = ApiToken.objects.get()
    assert f"expires {token.expires_at:%Y-%m-%d}" in err.getvalue()
    listing = StringIO()
    call_command("token", "list", manager_max.email, stdout=listing)
    assert re.search(rf"\texpires {token.expires_at:%Y-%m-%d}\tactive$", listing.getvalue(), re.M)
    with pytest.raises(CommandError, match="at most 90 days"):
        call_command("token", "create", manager_max.email, "--days", "91", stdout=out, stderr=err)


# --- a second factor ---------------------------------------------------------------------------


def test_a_role_that_needs_a_second_factor_needs_one_to_create_a_token(practice):
    for role in (ADMINISTRATOR, COMPLIANCE):
        person = UserFactory(practice=practice, roles=[role])
        with pytest.raises(ServiceError, match="two-step sign-in"):
            token_for(person)
        TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
        assert status_with(token_for(person).secret) == 200


def test_the_command_line_also_wants_the_second_factor(practice):
    # The command line is past every sign-in page, so the service itself must refuse.
    admin = UserFactory(practice=practice, roles=[ADMINISTRATOR])
    with pytest.raises(CommandError, match="two-step sign-in"):
        call_command("token", "create", admin.email, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_stops_working_once_its_owners_factor_is_gone(admin_ada):
    issued = token_for(admin_ada)
    assert status_with(issued.secret) == 200
    TOTPDevice.objects.filter(user=admin_ada).delete()  # behind the services' back
    assert status_with(issued.secret) == 401


def test_resetting_the_second_factor_revokes_the_tokens(admin_ada, compliance_cole):
    issued = token_for(compliance_cole)
    services.user_reset_mfa(user=compliance_cole)
    assert not usable(issued)
    reset = AuditEvent.objects.get(action="praxis.auth.mfa.reset")
    assert reset.details["tokens_revoked"] == 1


# --- revoked by a change of roles or password ---------------------------------------------------


def test_being_made_an_administrator_revokes_earlier_tokens(admin_ada, manager_max):
    issued = token_for(manager_max)
    services.user_update(
        user=manager_max, full_name="Max Morgan", roles=[MANAGER, ADMINISTRATOR],
        changed_by=admin_ada,
    )  # fmt: skip
    assert not usable(issued)
    assert status_with(issued.secret) == 401
    with pytest.raises(ServiceError, match="two-step sign-in"):
        token_for(manager_max)  # and a new one waits for a second factor


def test_any_change_of_roles_revokes_the_tokens(admin_ada, manager_max):
    issued = token_for(manager_max)
    services.user_update(
        user=manager_max, full_name="Max Morgan", roles=[MANAGER, BILLER], changed_by=admin_ada
    )
    assert not usable(issued)
    updated = AuditEvent.objects.get(action="praxis.core.user.updated")
    assert updated.details["tokens_revoked"] == 1


def test_a_new_name_alone_keeps_the_tokens(admin_ada, manager_max):
    issued = token_for(manager_max)
    services.user_update(
        user=manager_max, full_name="Max M. Morgan", roles=[MANAGER], changed_by=admin_ada
    )
    assert usable(issued)


def test_a_new_password_revokes_the_tokens(manager_max, frontdesk_fay):
    mine, hers = token_for(manager_max), token_for(frontdesk_fay)
    browser = Client()
    browser.post(reverse("core:login"), {"username": manager_max.email, "password": PASSWORD})
    response = browser.post(
        reverse("core:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a quite different passphrase 42",
            "new_password2": "a quite different passphrase 42",
        },
    )
    assert response.status_code == 302
    assert not usable(mine)
    assert usable(hers)
    changed = AuditEvent.objects.get(action="praxis.auth.password.changed")
    assert changed.details == {"tokens_revoked": 1}
