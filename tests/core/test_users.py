"""User management by the Practice Administrator: invitations, roles, deactivation, MFA resets.

Every story checks what the person sees (status, message) and what the database holds after
(users, roles, sessions, tokens, the audit trail)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.core import mfa, services
from praxis.core.models import ApiToken, User, UserSession
from praxis.core.roles import ADMINISTRATOR, FRONT_DESK, MANAGER
from praxis.core.testing.assertions import (
    actions_since,
    audit_mark,
    events_since,
    page_text,
    shows,
)
from praxis.core.testing.factories import UserFactory
from praxis.core.testing.personas import PASSWORD, sign_in

GOOD_PASSWORD = "heron lantern quarry velvet"


# --- helpers -----------------------------------------------------------------------------------


def invitation_path_from(message: mail.EmailMessage) -> str:
    link = re.search(r"https?://\S+", message.body)
    assert link, f"no link in the invitation e-mail:\n{message.body}"
    return urlsplit(link.group(0)).path


def password_sign_in(email: str, password: str) -> Client:
    """A fresh browser that signs in through the real login form."""
    browser = Client()
    response = browser.post(reverse("core:login"), {"username": email, "password": password})
    assert response.status_code == 302, page_text(response)
    assert response.url == reverse("core:home")
    return browser


def role_labels(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def invite(client: Client, **fields):  # type: ignore[no-untyped-def]
    data = {"full_name": "Nina Novak", "email": "nina@example.org", "roles": ["manager"]}
    data.update(fields)
    return client.post(reverse("core:user_invite"), data)


def user_action(client: Client, user: User, action: str, **kwargs):  # type: ignore[no-untyped-def]
    return client.post(reverse("core:user_action", args=[user.pk, action]), **kwargs)


# --- invitations -------------------------------------------------------------------------------


def test_ada_invites_nina_who_chooses_a_password_and_signs_in(
    admin_ada, client_for, django_capture_on_commit_callbacks
):
    ada = client_for(admin_ada)
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(ada, roles=["manager", "front_desk"], email="Nina@Example.org")

    assert response.status_code == 302
    assert response.url == reverse("core:user_list")
    nina = User.objects.get(email="nina@example.org")
    assert nina.practice == admin_ada.practice
    assert nina.invited_by == admin_ada
    assert nina.invited_at is not None
    assert not nina.has_usable_password()
    assert role_labels(nina) == {MANAGER.label, FRONT_DESK.label}
    [invited] = events_since(mark, "praxis.core.user.invited")
    assert invited.actor == admin_ada
    assert invited.object_id == str(nina.pk)
    assert invited.details == {"roles": ["manager", "front_desk"]}

    # The invitation e-mail went out once the transaction committed.
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["nina@example.org"]
    assert "Ada Alvarez invited you" in letter.body
    link = invitation_path_from(letter)

    # Nina opens the link in her own browser.
    browser = Client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Welcome, Nina Novak" in page_text(page)

    # A weak password is refused with the validators' own words, and nothing changes.
    mark = audit_mark()
    refused = browser.post(link, {"new_password1": "password1234", "new_password2": "password1234"})
    assert refused.status_code in (200, 400)  # the form again, with the errors
    try:
        password_validation.validate_password("password1234", nina)
    except password_validation.ValidationError as error:
        expected_messages = error.messages
    assert expected_messages
    for message in expected_messages:
        assert shows(refused, message), message
    nina.refresh_from_db()
    assert not nina.has_usable_password()
    assert actions_since(mark) == []

    # A good one is accepted; she signs in with it.
    accepted = browser.post(link, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert accepted.status_code == 302
    assert accepted.url == reverse("core:login")
    nina.refresh_from_db()
    assert nina.check_password(GOOD_PASSWORD)
    assert "praxis.auth.invitation.accepted" in actions_since(mark)

    signed_in = password_sign_in("nina@example.org", GOOD_PASSWORD)
    assert signed_in.get(reverse("core:my_home")).status_code == 200

    # The link worked once.
    reused = Client().get(link)
    assert reused.status_code == 400
    assert "This link is no longer valid" in page_text(reused)
    again = Client().post(
        link,
        {"new_password1": "another fine phrase here", "new_password2": "another fine phrase here"},
    )
    assert again.status_code == 400
    nina.refresh_from_db()
    assert nina.check_password(GOOD_PASSWORD)


def test_a_tampered_invitation_link_is_refused(
    admin_ada, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(admin_ada))
    link = invitation_path_from(mail.outbox[0])
    uidb64, token = link.strip("/").split("/")[1:3]

    tampered = reverse(
        "core:invitation_accept", kwargs={"uidb64": uidb64, "token": token[:-2] + "zz"}
    )
    assert Client().get(tampered).status_code == 400
    unknown_user = reverse("core:invitation_accept", kwargs={"uidb64": "OTk5OTk5", "token": token})
    assert Client().get(unknown_user).status_code == 400
    garbage = reverse("core:invitation_accept", kwargs={"uidb64": "!!!", "token": "x"})
    assert Client().get(garbage).status_code == 400


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"email": "FRONTDESK_FAY@example.ORG"},
            "There is already an account for",
            id="duplicate-email-other-case",
        ),
        pytest.param(
            {"email": "frontdesk_fay@example.org"},
            "There is already an account for",
            id="duplicate-email",
        ),
        pytest.param({"roles": []}, "Choose at least one role.", id="no-roles"),
        pytest.param({"roles": ["wizard"]}, "Select a valid choice.", id="unknown-role"),
        pytest.param(
            {"email": "nina-at-example.org"}, "Enter a valid email address.", id="invalid-email"
        ),
        pytest.param({"email": ""}, "This field is required.", id="missing-email"),
        pytest.param({"full_name": ""}, "This field is required.", id="missing-name"),
    ],
)
def test_an_invitation_with_bad_input_is_refused_and_writes_nothing(
    admin_ada, frontdesk_fay, client_for, django_capture_on_commit_callbacks, fields, message
):
    ada = client_for(admin_ada)
    users_before = User.objects.count()
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(ada, **fields)

    assert response.status_code == 400
    assert shows(response, message)
    # The rest of what Ada typed is still in the form.
    if fields.get("full_name", "x"):
        assert 'value="Nina Novak"' in page_text(response)
    assert User.objects.count() == users_before
    assert actions_since(mark) == []
    assert mail.outbox == []


def test_the_duplicate_message_names_the_existing_account(admin_ada, frontdesk_fay, client_for):
    response = invite(client_for(admin_ada), email="FrontDesk_Fay@Example.org")
    assert response.status_code == 400
    assert "already an account" in page_text(response)
    assert User.objects.filter(email__iexact="frontdesk_fay@example.org").count() == 1


# --- roles -------------------------------------------------------------------------------------


def test_ada_changes_max_roles_and_the_change_is_audited(admin_ada, manager_max, client_for):
    ada = client_for(admin_ada)
    mark = audit_mark()

    response = ada.post(
        reverse("core:user_detail", args=[manager_max.pk]),
        {"full_name": "Max Morgan-Lee", "roles": ["manager", "hr"]},
    )

    assert response.status_code == 302
    manager_max.refresh_from_db()
    assert manager_max.full_name == "Max Morgan-Lee"
    assert role_labels(manager_max) == {"Practice Manager", "HR"}
    [updated] = events_since(mark, "praxis.core.user.updated")
    assert updated.actor == admin_ada
    assert updated.details == {
        "roles_before": ["Practice Manager"],
        "roles_after": ["HR", "Practice Manager"],
        "tokens_revoked": 0,
    }
    assert actions_since(mark) == ["praxis.core.user.updated"]


def test_a_user_without_any_role_is_refused(admin_ada, manager_max, client_for):
    ada = client_for(admin_ada)
    mark = audit_mark()
    response = ada.post(
        reverse("core:user_detail", args=[manager_max.pk]), {"full_name": "Max Morgan", "roles": []}
    )
    assert response.status_code == 400
    assert "Choose at least one role." in page_text(response)
    assert role_labels(manager_max) == {"Practice Manager"}
    assert actions_since(mark) == []


def test_the_last_active_administrator_cannot_give_up_the_role(admin_ada, client_for):
    ada = client_for(admin_ada)
    mark = audit_mark()

    response = ada.post(
        reverse("core:user_detail", args=[admin_ada.pk]),
        {"full_name": "Ada Alvarez", "roles": ["manager"]},
    )

    assert response.status_code == 400
    assert shows(response, "This is the practice's last active Administrator; keep the role.")
    assert role_labels(admin_ada) == {ADMINISTRATOR.label}
    assert actions_since(mark) == []


def test_a_deactivated_administrator_does_not_count_as_a_successor(admin_ada, practice, client_for):
    UserFactory(practice=practice, email="bea@example.org", roles=[ADMINISTRATOR], is_active=False)
    response = client_for(admin_ada).post(
        reverse("core:user_detail", args=[admin_ada.pk]),
        {"full_name": "Ada Alvarez", "roles": ["manager"]},
    )
    assert response.status_code == 400
    assert role_labels(admin_ada) == {ADMINISTRATOR.label}


def test_with_a_second_administrator_ada_may_step_down(admin_ada, practice, client_for):
    UserFactory(practice=practice, email="bea@example.org", roles=[ADMINISTRATOR])
    response = client_for(admin_ada).post(
        reverse("core:user_detail", args=[admin_ada.pk]),
        {"full_name": "Ada Alvarez", "roles": ["manager"]},
    )
    assert response.status_code == 302
    assert role_labels(admin_ada) == {MANAGER.label}


def test_the_last_active_administrator_cannot_be_deactivated(admin_ada, practice, client_for):
    # Only an Administrator may deactivate users, and no one may deactivate themselves, so the
    # one caller who can reach this rule is a support superuser who is not an Administrator.
    support = UserFactory(
        practice=practice, email="support@example.org", is_superuser=True, password=PASSWORD
    )
    TOTPDevice.objects.create(user=support, name="Authenticator app", confirmed=True)
    client = Client()
    sign_in(client, support)
    mark = audit_mark()

    response = user_action(client, admin_ada, "deactivate", follow=True)

    assert response.status_code == 200
    assert shows(response, "This is the practice's last active Administrator")
    admin_ada.refresh_from_db()
    assert admin_ada.is_active
    assert admin_ada.deactivated_at is None
    assert actions_since(mark) == []


def test_an_administrator_cannot_deactivate_themselves(admin_ada, practice, client_for):
    # Even with another Administrator around, so the rule is not the last-admin rule.
    UserFactory(practice=practice, email="bea@example.org", roles=[ADMINISTRATOR])
    ada = client_for(admin_ada)
    mark = audit_mark()

    response = user_action(ada, admin_ada, "deactivate", follow=True)

    assert response.status_code == 200
    assert "You cannot deactivate your own account." in page_text(response)
    admin_ada.refresh_from_db()
    assert admin_ada.is_active
    assert actions_since(mark) == []
    # ...and her own session survived the attempt.
    assert ada.get(reverse("core:user_list")).status_code == 200


# --- deactivation, reactivation, MFA reset, resending --------------------------------------------


def test_deactivating_fay_ends_all_her_sessions_and_revokes_her_tokens(
    admin_ada, frontdesk_fay, client_for
):
    at_desk = password_sign_in(frontdesk_fay.email, PASSWORD)
    on_laptop = password_sign_in(frontdesk_fay.email, PASSWORD)
    for browser in (at_desk, on_laptop):
        assert browser.get(reverse("core:my_home")).status_code == 200
    assert UserSession.objects.filter(user=frontdesk_fay).count() == 2
    issued = services.api_token_create(user=frontdesk_fay, name="EHR sync")
    ada = client_for(admin_ada)
    mark = audit_mark()

    response = user_action(ada, frontdesk_fay, "deactivate")

    assert response.status_code == 302
    assert response.url == reverse("core:user_detail", args=[frontdesk_fay.pk])
    frontdesk_fay.refresh_from_db()
    assert not frontdesk_fay.is_active
    assert frontdesk_fay.deactivated_at is not None
    assert not UserSession.objects.filter(user=frontdesk_fay).exists()
    for browser in (at_desk, on_laptop):
        key = browser.cookies["praxis_session"].value
        assert not Session.objects.filter(session_key=key).exists()
        sent_away = browser.get(reverse("core:my_home"))
        assert sent_away.status_code == 302
        assert sent_away.url.startswith(reverse("core:login"))
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    [deactivated] = events_since(mark, "praxis.core.user.deactivated")
    assert deactivated.actor == admin_ada
    assert deactivated.details == {"sessions_ended": 2, "tokens_revoked": 1, "feeds_revoked": 0}
    # Ada's own session is untouched.
    assert ada.get(reverse("core:user_list")).status_code == 200
    # And Fay cannot sign in again.
    refused = Client().post(
        reverse("core:login"), {"username": frontdesk_fay.email, "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert "That e-mail and password do not match an active account." in page_text(refused)


def test_reactivated_fay_signs_in_again_but_her_old_tokens_stay_revoked(
    admin_ada, frontdesk_fay, client_for
):
    issued = services.api_token_create(user=frontdesk_fay, name="EHR sync")
    ada = client_for(admin_ada)
    user_action(ada, frontdesk_fay, "deactivate")
    mark = audit_mark()

    response = user_action(ada, frontdesk_fay, "reactivate", follow=True)

    assert response.status_code == 200
    frontdesk_fay.refresh_from_db()
    assert frontdesk_fay.is_active
    assert frontdesk_fay.deactivated_at is None
    assert actions_since(mark) == ["praxis.core.user.reactivated"]
    browser = password_sign_in(frontdesk_fay.email, PASSWORD)
    assert browser.get(reverse("core:my_home")).status_code == 200
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None


def test_resetting_cole_mfa_removes_his_devices_and_ends_his_sessions(
    admin_ada, compliance_cole, client_for
):
    mfa.issue_recovery_codes(compliance_cole)
    cole = client_for(compliance_cole)
    assert cole.get(reverse("core:audit_list")).status_code == 200
    ada = client_for(admin_ada)
    detail = ada.get(reverse("core:user_detail", args=[compliance_cole.pk]))
    assert "Reset two-step sign-in" in page_text(detail)
    mark = audit_mark()

    response = user_action(ada, compliance_cole, "reset-mfa")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=compliance_cole).exists()
    assert not StaticDevice.objects.filter(user=compliance_cole).exists()
    [reset] = events_since(mark, "praxis.auth.mfa.reset")
    assert reset.actor == admin_ada
    assert reset.object_id == str(compliance_cole.pk)
    assert "devices_removed" in reset.details
    assert cole.get(reverse("core:audit_list")).status_code == 302
    # Ada's own authenticator is untouched.
    assert TOTPDevice.objects.filter(user=admin_ada).exists()


def test_the_mfa_reset_audit_counts_devices_not_recovery_codes(
    admin_ada, compliance_cole, client_for
):
    mfa.issue_recovery_codes(compliance_cole)  # one device holding 10 codes
    ada = client_for(admin_ada)
    mark = audit_mark()
    user_action(ada, compliance_cole, "reset-mfa")
    [reset] = events_since(mark, "praxis.auth.mfa.reset")
    # the authenticator app and the code list
    assert reset.details == {"devices_removed": 2, "tokens_revoked": 0}


def test_ada_resends_an_invitation(admin_ada, client_for, django_capture_on_commit_callbacks):
    ada = client_for(admin_ada)
    with django_capture_on_commit_callbacks(execute=True):
        invite(ada)
    nina = User.objects.get(email="nina@example.org")
    mail.outbox.clear()
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        response = user_action(ada, nina, "resend-invitation")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.org"]
    assert Client().get(invitation_path_from(mail.outbox[0])).status_code == 200
    assert actions_since(mark) == ["praxis.core.user.invitation_resent"]


def test_no_invitation_is_resent_to_someone_who_has_a_password(
    admin_ada, frontdesk_fay, client_for, django_capture_on_commit_callbacks
):
    ada = client_for(admin_ada)
    mark = audit_mark()
    with django_capture_on_commit_callbacks(execute=True):
        response = user_action(ada, frontdesk_fay, "resend-invitation", follow=True)
    assert "This user has already chosen a password." in page_text(response)
    assert mail.outbox == []
    assert actions_since(mark) == []


def test_no_invitation_is_resent_to_a_deactivated_user(
    admin_ada, practice, client_for, django_capture_on_commit_callbacks
):
    nina = services.user_invite(
        practice=practice,
        email="nina@example.org",
        full_name="Nina Novak",
        roles=[FRONT_DESK],
        invited_by=admin_ada,
    )
    ada = client_for(admin_ada)
    user_action(ada, nina, "deactivate")
    mail.outbox.clear()
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        response = user_action(ada, nina, "resend-invitation", follow=True)

    assert mail.outbox == []
    assert "resend invitation done" not in page_text(response)
    assert actions_since(mark) == []


def test_a_session_that_changed_its_password_still_ends_on_mfa_reset(
    admin_ada, compliance_cole, client_for
):
    cole = client_for(compliance_cole)
    changed = cole.post(
        reverse("core:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": GOOD_PASSWORD,
            "new_password2": GOOD_PASSWORD,
        },
    )
    assert changed.status_code == 302
    ada = client_for(admin_ada)

    user_action(ada, compliance_cole, "reset-mfa")

    key = cole.cookies["praxis_session"].value
    assert not Session.objects.filter(session_key=key).exists()
    sent_away = cole.get(reverse("core:audit_list"))
    assert sent_away.url.startswith(reverse("core:login"))


def test_an_unknown_action_is_a_404(admin_ada, frontdesk_fay, client_for):
    ada = client_for(admin_ada)
    mark = audit_mark()
    assert user_action(ada, frontdesk_fay, "delete").status_code == 404
    assert User.objects.filter(pk=frontdesk_fay.pk, is_active=True).exists()
    assert actions_since(mark) == []


def test_user_actions_do_not_run_on_get(admin_ada, frontdesk_fay, client_for):
    url = reverse("core:user_action", args=[frontdesk_fay.pk, "deactivate"])
    assert client_for(admin_ada).get(url).status_code == 405
    frontdesk_fay.refresh_from_db()
    assert frontdesk_fay.is_active


# --- another practice's users --------------------------------------------------------------------


@pytest.fixture
def stranger(other_practice) -> User:
    return UserFactory(
        practice=other_practice,
        email="stranger@elsewhere.org",
        full_name="Sam Stranger",
        password=PASSWORD,
        roles=[FRONT_DESK],
    )


def test_another_practices_user_is_not_found(admin_ada, stranger, client_for):
    ada = client_for(admin_ada)
    mark = audit_mark()

    pages = [
        ada.get(reverse("core:user_detail", args=[stranger.pk])),
        ada.post(
            reverse("core:user_detail", args=[stranger.pk]),
            {"full_name": "Hijacked", "roles": ["administrator"]},
        ),
        *(
            user_action(ada, stranger, action)
            for action in ("deactivate", "reactivate", "reset-mfa", "resend-invitation")
        ),
    ]

    for page in pages:
        assert page.status_code == 404
        assert "stranger" not in page_text(page).lower()
    stranger.refresh_from_db()
    assert stranger.is_active
    assert stranger.full_name == "Sam Stranger"
    assert role_labels(stranger) == {FRONT_DESK.label}
    assert actions_since(mark) == []
    listing = ada.get(reverse("core:user_list"))
    assert "stranger@elsewhere.org" not in page_text(listing)


# --- the users page ----------------------------------------------------------------------------


def test_the_users_page_lists_status_roles_and_mfa(admin_ada, manager_max, practice, client_for):
    services.user_invite(
        practice=practice,
        email="nina@example.org",
        full_name="Nina Novak",
        roles=[FRONT_DESK],
        invited_by=admin_ada,
    )
    UserFactory(
        practice=practice,
        email="gone@example.org",
        full_name="Gus Gone",
        password=PASSWORD,
        roles=[FRONT_DESK],
        is_active=False,
    )

    response = client_for(admin_ada).get(reverse("core:user_list"))

    assert response.status_code == 200
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"<tr>\s*<td><a [^>]*>([^<]+)</a>.*?</tr>", page_text(response), re.S)
    }
    assert set(rows) == {"Ada Alvarez", "Max Morgan", "Nina Novak", "Gus Gone"}
    assert "invited" in rows["Nina Novak"]
    assert "deactivated" in rows["Gus Gone"]
    assert "Practice Manager" in rows["Max Morgan"]
    assert ">on<" in rows["Ada Alvarez"]  # two-step sign-in
    # Active users first, then by name.
    assert list(rows) == ["Ada Alvarez", "Max Morgan", "Nina Novak", "Gus Gone"]


def _queries_for_users_page(client: Client) -> int:
    url = reverse("core:user_list")
    assert client.get(url).status_code == 200  # warm-up: session stamps, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_users_page_needs_the_same_few_queries_for_3_or_30_users(
    admin_ada, practice, client_for, django_assert_max_num_queries
):
    ada = client_for(admin_ada)
    for _ in range(2):
        UserFactory(practice=practice, roles=[FRONT_DESK, MANAGER], password=PASSWORD)
    assert User.objects.filter(practice=practice).count() == 3
    with_3 = _queries_for_users_page(ada)

    for n in range(27):
        user = UserFactory(practice=practice, roles=[FRONT_DESK], password=PASSWORD)
        if n % 3 == 0:
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    assert User.objects.filter(practice=practice).count() == 30
    with_30 = _queries_for_users_page(ada)

    assert with_30 == with_3
    with django_assert_max_num_queries(12):
        ada.get(reverse("core:user_list"))


def test_the_invite_and_user_pages_say_what_each_role_is_for(client_for, admin_ada, manager_max):
    from praxis.core.roles import ROLES

    client = client_for(admin_ada)
    for page in (
        client.get(reverse("core:user_list")),
        client.get(reverse("core:user_detail", args=[manager_max.pk])),
    ):
        text = page.content.decode()
        for role in ROLES:
            assert f"{role.label}: {role.summary}" in text.replace("&#x27;", "'")
        assert "Compliance Officer: Policies, incidents, audit trail review. Needs two-step" in text
