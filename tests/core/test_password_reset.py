"""Choosing a new password by e-mail: the sign-in page's "Forgot your password?" and the
Administrator's "Send a password reset link"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone

from praxis.core import password_reset as resets
from praxis.core.invitations import PASSWORD_RESET_SECONDS, password_reset_tokens
from praxis.core.models import AuditEvent, User
from praxis.core.service_support import ServiceError
from praxis.core.testing.personas import PASSWORD

# The e-mail is sent after the commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "lantern heron quarry velvet"


def _ask(email: str) -> str:
    """The message the person is shown after asking."""
    response = Client().post("/password/forgot/", {"email": email}, follow=True)
    assert response.status_code == 200
    found = re.search(r'role="(?:status|alert)"[^>]*>(.*?)<', response.content.decode(), re.S)
    assert found, response.content.decode()
    return found.group(1).strip()


def _link_in_mail() -> str:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    found = re.search(r"https?://\S+(/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(1)


def test_the_whole_way_from_forgotten_to_signed_in_with_the_new_password(frontdesk_fay):
    page = _ask("FrontDesk_Fay@example.org ")
    assert "we sent it a link" in page
    link = _link_in_mail()
    assert mail.outbox[0].to == ["frontdesk_fay@example.org"]

    client = Client()
    assert client.get(link).status_code == 200
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/login/"

    frontdesk_fay.refresh_from_db()
    assert frontdesk_fay.check_password(NEW_PASSWORD)
    assert client.get(link).status_code == 400  # spent: the password it was made for changed
    assert AuditEvent.objects.filter(
        action="praxis.auth.password.reset", actor=frontdesk_fay
    ).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(frontdesk_fay):
    known = _ask("frontdesk_fay@example.org")
    mail.outbox.clear()
    unknown = _ask("nobody@example.org")
    assert mail.outbox == []
    assert known.replace("frontdesk_fay", "X") == unknown.replace("nobody", "X")


@pytest.mark.parametrize("state", ["deactivated", "invited"])
def test_no_link_for_a_deactivated_or_never_signed_up_account(frontdesk_fay, state):
    if state == "deactivated":
        User.objects.filter(pk=frontdesk_fay.pk).update(is_active=False)
    else:
        frontdesk_fay.set_unusable_password()
        frontdesk_fay.save()
    resets.password_reset_request(email="frontdesk_fay@example.org")
    assert mail.outbox == []


def test_at_most_three_mails_an_hour_per_account(frontdesk_fay):
    for _ in range(5):
        resets.password_reset_request(email="frontdesk_fay@example.org")
    assert len(mail.outbox) == resets.RESETS_PER_HOUR


def test_setting_the_new_password_signs_out_everywhere(frontdesk_fay, client_for):
    elsewhere = client_for(frontdesk_fay)
    assert elsewhere.get("/me/").status_code == 200
    resets.password_reset_request(email="frontdesk_fay@example.org")
    link = _link_in_mail()
    Client().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = elsewhere.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert SESSION_KEY not in elsewhere.session


def test_a_link_older_than_an_hour_or_tampered_with_is_refused(frontdesk_fay, monkeypatch):
    resets.password_reset_request(email="frontdesk_fay@example.org")
    link = _link_in_mail()
    assert Client().get(link[:-3] + "xx/").status_code == 400
    later = timezone.now() + timedelta(seconds=PASSWORD_RESET_SECONDS + 60)
    monkeypatch.setattr(password_reset_tokens, "_now", lambda: later.replace(tzinfo=None))
    refused = Client().get(link)
    assert refused.status_code == 400
    assert "Ask for a new link" in refused.content.decode()


def test_a_weak_new_password_is_refused_and_the_old_one_kept(frontdesk_fay):
    resets.password_reset_request(email="frontdesk_fay@example.org")
    link = _link_in_mail()
    response = Client().post(link, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 400
    frontdesk_fay.refresh_from_db()
    assert frontdesk_fay.check_password(PASSWORD)


def test_the_administrator_sends_the_link_from_the_users_page(admin_ada, frontdesk_fay, client_for):
    response = client_for(admin_ada).post(
        f"/settings/users/{frontdesk_fay.pk}/send-password-reset/"
    )
    assert response.status_code == 302
    assert _link_in_mail()
    assert AuditEvent.objects.filter(
        action="praxis.core.user.password_reset_sent", actor=admin_ada
    ).exists()


def test_the_administrator_is_told_to_resend_the_invitation_instead(frontdesk_fay):
    frontdesk_fay.set_unusable_password()
    frontdesk_fay.save()
    with pytest.raises(ServiceError, match="resend the invitation"):
        resets.user_send_password_reset(user=frontdesk_fay)


def test_only_the_administrator_sends_links(manager_max, frontdesk_fay, client_for):
    response = client_for(manager_max).post(
        f"/settings/users/{frontdesk_fay.pk}/send-password-reset/"
    )
    assert response.status_code == 403
    assert mail.outbox == []
