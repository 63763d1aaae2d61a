"""Signing in: passwords, lockout, two-step sign-in, session timeouts, deactivation."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.core import mfa, services
from praxis.core.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from praxis.core.models import AuditEvent, UserSession
from praxis.core.roles import ADMINISTRATOR
from praxis.core.testing.factories import UserFactory
from praxis.core.testing.personas import PASSWORD

from .production import praxis_under_production

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")


def sign_in_with_password(client: Client, email: str, password: str = PASSWORD, next_url: str = ""):
    return client.post(LOGIN, {"username": email, "password": password, "next": next_url})


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


class TestPasswordSignIn:
    def test_the_manager_signs_in_and_lands_on_her_home(self, client, manager_max):
        response = sign_in_with_password(client, "MANAGER_MAX@example.org")
        assert response.status_code == 302
        assert response["Location"] == reverse("core:home")
        assert client.get(reverse("core:home"))["Location"] == reverse("dashboards:manager")
        assert "praxis.auth.login.succeeded" in actions()

    def test_signing_in_rotates_the_session_key(self, client, manager_max):
        client.get(LOGIN)
        client.session.save()
        before = client.session.session_key
        sign_in_with_password(client, manager_max.email)
        assert client.session.session_key != before
        assert UserSession.objects.filter(
            user=manager_max, session_key=client.session.session_key
        ).exists()

    def test_a_wrong_password_is_refused_and_audited(self, client, manager_max):
        response = sign_in_with_password(client, manager_max.email, "not the password at all")
        assert response.status_code == 200
        assert "do not match an active account" in response.content.decode()
        event = AuditEvent.objects.get(action="praxis.auth.login.failed")
        assert event.details == {"email": manager_max.email}
        assert "_auth_user_id" not in client.session

    def test_next_must_stay_on_this_site(self, client, manager_max):
        response = sign_in_with_password(
            client, manager_max.email, next_url="https://evil.example/"
        )
        assert response["Location"] == reverse("core:home")

    def test_signing_out_is_a_post_and_is_audited(self, client, manager_max):
        sign_in_with_password(client, manager_max.email)
        assert client.get(reverse("core:logout")).status_code == 405
        response = client.post(reverse("core:logout"))
        assert response["Location"] == reverse("core:login")
        assert "praxis.auth.logout" in actions()
        assert client.get(reverse("core:my_home")).status_code == 302


class TestLockout:
    def test_the_default_is_ten_failures_in_fifteen_minutes(self, settings):
        from datetime import timedelta

        assert settings.AXES_FAILURE_LIMIT == 10
        assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME

    def test_the_account_locks_after_the_configured_failures(self, client, settings, manager_max):
        settings.AXES_FAILURE_LIMIT = 3
        for _ in range(3):
            sign_in_with_password(client, manager_max.email, "wrong password here")
        # Even the right password is refused now.
        response = sign_in_with_password(client, manager_max.email)
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert "praxis.auth.login.locked_out" in actions()

    def test_other_accounts_are_not_locked(self, client, settings, manager_max, frontdesk_fay):
        settings.AXES_FAILURE_LIMIT = 3
        for _ in range(4):
            sign_in_with_password(client, manager_max.email, "wrong password here")
        response = sign_in_with_password(Client(), frontdesk_fay.email)
        assert response.status_code == 302


class TestTwoStepSignIn:
    def test_an_administrator_without_an_authenticator_must_enrol(self, client, practice):
        admin = UserFactory(practice=practice, password=PASSWORD, roles=[ADMINISTRATOR])
        response = sign_in_with_password(client, admin.email)
        assert response["Location"] == reverse("core:mfa_enroll")
        # Every other page sends them back to enrolment.
        assert client.get(reverse("dashboards:administrator"))["Location"] == reverse(
            "core:mfa_enroll"
        )
        assert client.get("/api/v1/me").status_code == 401

        page = client.get(reverse("core:mfa_enroll"))
        assert b"<svg" in page.content
        assert not TOTPDevice.objects.filter(user=admin).exists()  # nothing saved until confirmed

        pending = mfa.pending_totp_device(_request_for(client, admin))
        bad = client.post(reverse("core:mfa_enroll"), {"otp_token": "000000"})
        assert bad.status_code == 400
        assert "does not match" in bad.content.decode()
        assert not TOTPDevice.objects.filter(user=admin).exists()

        done = client.post(reverse("core:mfa_enroll"), {"otp_token": current_code(pending)})
        assert done.status_code == 200
        assert len(done.context["codes"]) == 10
        assert TOTPDevice.objects.get(user=admin).confirmed
        assert client.get(reverse("dashboards:administrator")).status_code == 200
        assert "praxis.auth.mfa.enrolled" in actions()

    def test_a_manager_is_not_asked_for_a_code(self, client, manager_max):
        response = sign_in_with_password(client, manager_max.email)
        assert response["Location"] == reverse("core:home")

    def test_the_administrator_enters_her_code(self, client, admin_ada):
        response = sign_in_with_password(client, admin_ada.email, next_url="/audit/")
        assert response["Location"].startswith(reverse("core:mfa_verify"))
        assert client.get(reverse("dashboards:administrator")).status_code == 302

        wrong = client.post(reverse("core:mfa_verify"), {"otp_token": "123456"})
        assert "not valid" in wrong.content.decode()
        assert "praxis.auth.mfa.failed" in actions()

        device = TOTPDevice.objects.get(user=admin_ada)
        device.throttle_reset()
        ok = client.post(
            reverse("core:mfa_verify") + "?next=/audit/",
            {"otp_token": current_code(device), "next": "/audit/"},
        )
        assert ok["Location"] == "/audit/"
        assert client.get(reverse("dashboards:administrator")).status_code == 200
        assert "praxis.auth.mfa.verified" in actions()

    def test_a_recovery_code_works_once(self, client, admin_ada):
        codes = mfa.issue_recovery_codes(admin_ada)
        sign_in_with_password(client, admin_ada.email)
        ok = client.post(reverse("core:mfa_verify"), {"otp_token": codes[0]})
        assert ok.status_code == 302
        assert StaticToken.objects.filter(token=codes[0]).count() == 0

        other = Client()
        sign_in_with_password(other, admin_ada.email)
        again = other.post(reverse("core:mfa_verify"), {"otp_token": codes[0]})
        assert again.status_code == 200  # the form again, with an error

    def test_the_compliance_officer_also_needs_a_code(self, client, compliance_cole):
        response = sign_in_with_password(client, compliance_cole.email)
        assert response["Location"].startswith(reverse("core:mfa_verify"))


class TestTheCodeStepStartsANewSession:
    """A session key seen before the second step (a shared computer, a leaked log) must not
    become a fully signed-in session when the owner enters their code."""

    def test_a_correct_code_rotates_the_session_key(self, client, admin_ada):
        sign_in_with_password(client, admin_ada.email)
        half_way = client.session.session_key
        device = TOTPDevice.objects.get(user=admin_ada)
        client.post(reverse("core:mfa_verify"), {"otp_token": current_code(device)})
        after = client.session.session_key
        assert after != half_way
        assert not Session.objects.filter(session_key=half_way).exists()
        assert list(
            UserSession.objects.filter(user=admin_ada).values_list("session_key", flat=True)
        ) == [after]
        assert client.get(reverse("dashboards:administrator")).status_code == 200
        # The key from before the code opens nothing.
        stale = Client()
        stale.cookies[settings.SESSION_COOKIE_NAME] = half_way
        assert stale.get(reverse("dashboards:administrator")).status_code == 302

    def test_a_wrong_code_keeps_the_key(self, client, admin_ada):
        sign_in_with_password(client, admin_ada.email)
        half_way = client.session.session_key
        client.post(reverse("core:mfa_verify"), {"otp_token": "000000"})
        assert client.session.session_key == half_way

    def test_enrolling_also_rotates_the_session_key(self, client, practice):
        admin = UserFactory(practice=practice, password=PASSWORD, roles=[ADMINISTRATOR])
        sign_in_with_password(client, admin.email)
        client.get(reverse("core:mfa_enroll"))
        half_way = client.session.session_key
        pending = mfa.pending_totp_device(_request_for(client, admin))
        client.post(reverse("core:mfa_enroll"), {"otp_token": current_code(pending)})
        after = client.session.session_key
        assert after != half_way
        assert list(
            UserSession.objects.filter(user=admin).values_list("session_key", flat=True)
        ) == [after]
        assert client.get(reverse("dashboards:administrator")).status_code == 200


class TestEnrolmentIsOneChange:
    """The authenticator, its recovery codes and the audit event are saved together or not at
    all: a half-done enrolment would lock the person out or hide the step from the trail."""

    def _pending(self, client: Client, user) -> TOTPDevice:  # type: ignore[no-untyped-def]
        client.get(reverse("core:mfa_enroll"))
        return mfa.pending_totp_device(_request_for(client, user))

    def test_a_wrong_code_writes_nothing(self, client, practice):
        admin = UserFactory(practice=practice, password=PASSWORD, roles=[ADMINISTRATOR])
        sign_in_with_password(client, admin.email)
        device = self._pending(client, admin)
        before = AuditEvent.objects.count()
        with pytest.raises(services.ServiceError, match="does not match"):
            services.mfa_enrol(user=admin, device=device, otp_token="000000")
        assert not TOTPDevice.objects.filter(user=admin).exists()
        assert not StaticToken.objects.filter(device__user=admin).exists()
        assert AuditEvent.objects.count() == before

    def test_a_failure_while_issuing_recovery_codes_leaves_no_authenticator(
        self, client, practice, monkeypatch
    ):
        admin = UserFactory(practice=practice, password=PASSWORD, roles=[ADMINISTRATOR])
        sign_in_with_password(client, admin.email)
        device = self._pending(client, admin)
        before = AuditEvent.objects.count()

        def broken(user):  # type: ignore[no-untyped-def]
            raise RuntimeError("the database went away")

        monkeypatch.setattr(mfa, "issue_recovery_codes", broken)
        with pytest.raises(RuntimeError):
            services.mfa_enrol(user=admin, device=device, otp_token=current_code(device))
        assert not TOTPDevice.objects.filter(user=admin).exists()
        assert AuditEvent.objects.count() == before
        # The page is still there to try again, with the same key.
        assert client.get(reverse("core:mfa_enroll")).status_code == 200

    def test_a_second_authenticator_is_refused(self, client, practice):
        admin = UserFactory(practice=practice, password=PASSWORD, roles=[ADMINISTRATOR])
        sign_in_with_password(client, admin.email)
        first = self._pending(client, admin)
        services.mfa_enrol(user=admin, device=first, otp_token=current_code(first))
        # The same page sent a second time (a double click) before the first answer came back.
        second = TOTPDevice(user=admin, name="Authenticator app", key=first.key)
        with pytest.raises(services.ServiceError, match="already has an authenticator"):
            services.mfa_enrol(user=admin, device=second, otp_token=current_code(second))
        assert TOTPDevice.objects.filter(user=admin).count() == 1
        assert actions().count("praxis.auth.mfa.enrolled") == 1

    def test_enrolling_confirms_the_device_with_ten_codes_and_one_event(self, client, practice):
        admin = UserFactory(practice=practice, password=PASSWORD, roles=[ADMINISTRATOR])
        sign_in_with_password(client, admin.email)
        device = self._pending(client, admin)
        enrolment = services.mfa_enrol(user=admin, device=device, otp_token=current_code(device))
        saved = TOTPDevice.objects.get(user=admin)
        assert saved.confirmed and saved.pk == enrolment.device.pk
        assert saved.last_t > 0  # the code just used cannot be replayed
        assert sorted(enrolment.recovery_codes) == sorted(
            StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)
        )
        assert len(enrolment.recovery_codes) == 10
        [event] = AuditEvent.objects.filter(action="praxis.auth.mfa.enrolled")
        assert event.object_id == str(admin.pk)


def test_a_code_check_is_audited_whatever_its_outcome(admin_ada):
    device = TOTPDevice.objects.get(user=admin_ada)
    assert services.mfa_verify(user=admin_ada, otp_token="000000") is None
    assert actions()[-1] == "praxis.auth.mfa.failed"
    device.throttle_reset()
    assert services.mfa_verify(user=admin_ada, otp_token=current_code(device)) == device
    verified = AuditEvent.objects.order_by("id").last()
    assert verified is not None and verified.action == "praxis.auth.mfa.verified"
    assert verified.details == {"device": "TOTPDevice"}


def test_changing_the_password_moves_the_session_index_and_is_audited(client, manager_max):
    sign_in_with_password(client, manager_max.email)
    before = client.session.session_key
    response = client.post(
        reverse("core:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a quite different passphrase 42",
            "new_password2": "a quite different passphrase 42",
        },
    )
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    assert list(
        UserSession.objects.filter(user=manager_max).values_list("session_key", flat=True)
    ) == [after]
    assert actions()[-1] == "praxis.auth.password.changed"
    assert client.get(reverse("core:my_home")).status_code == 200  # still signed in


def _request_for(client: Client, user):  # type: ignore[no-untyped-def]
    """A request object carrying the client's session (to read the pending enrolment key)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    return request


class TestSessionTimeouts:
    def _age(self, client: Client, *, auth_ago: float, seen_ago: float) -> None:
        session = client.session
        now = time.time()
        session[SESSION_AUTH_AT] = now - auth_ago
        session[SESSION_SEEN_AT] = now - seen_ago
        session.save()

    def test_idle_for_more_than_fifteen_minutes_signs_out(self, client, manager_max):
        sign_in_with_password(client, manager_max.email)
        self._age(client, auth_ago=16 * 60, seen_ago=16 * 60)
        response = client.get(reverse("dashboards:manager"))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        page = client.get(response["Location"])
        assert "inactivity" in page.content.decode()
        event = AuditEvent.objects.get(action="praxis.auth.session.expired")
        assert event.details == {"reason": "idle"}

    def test_activity_within_the_idle_limit_keeps_the_session(self, client, manager_max):
        sign_in_with_password(client, manager_max.email)
        self._age(client, auth_ago=14 * 60, seen_ago=14 * 60)
        assert client.get(reverse("dashboards:manager")).status_code == 200

    def test_twelve_hours_is_the_longest_session_even_when_active(self, client, manager_max):
        sign_in_with_password(client, manager_max.email)
        self._age(client, auth_ago=12 * 3600 + 60, seen_ago=10)
        response = client.get(reverse("dashboards:manager"))
        assert response["Location"].startswith(LOGIN)
        assert "maximum length" in client.get(response["Location"]).content.decode()

    def test_the_limits_are_configurable(self, client, settings, manager_max):
        settings.PRAXIS_SESSION_IDLE_SECONDS = 60
        sign_in_with_password(client, manager_max.email)
        self._age(client, auth_ago=90, seen_ago=90)
        assert client.get(reverse("dashboards:manager")).status_code == 302


class TestDeactivation:
    def test_a_deactivated_user_loses_every_session_at_once(self, admin_ada, frontdesk_fay):
        desk, phone = Client(), Client()
        sign_in_with_password(desk, frontdesk_fay.email)
        sign_in_with_password(phone, frontdesk_fay.email)
        assert desk.get(reverse("core:my_home")).status_code == 200
        assert UserSession.objects.filter(user=frontdesk_fay).count() == 2

        services.user_deactivate(user=frontdesk_fay, deactivated_by=admin_ada)

        for client in (desk, phone):
            assert client.get(reverse("core:my_home"))["Location"].startswith(LOGIN)
        assert not UserSession.objects.filter(user=frontdesk_fay).exists()
        assert not Session.objects.filter(
            session_key__in=[desk.session.session_key, phone.session.session_key]
        ).exists()
        # And they cannot sign in again.
        again = sign_in_with_password(Client(), frontdesk_fay.email)
        assert again.status_code == 200


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = praxis_under_production(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = praxis_under_production(tmp_path, "check", PRAXIS_SECRET_KEY=None)
    assert result.returncode != 0
    assert "PRAXIS_SECRET_KEY must be set" in result.stderr


def _production_setting(tmp_path, name: str, **env: str):  # type: ignore[no-untyped-def]
    code = f"from django.conf import settings; print(settings.{name})"
    result = praxis_under_production(tmp_path, "shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's own greeting


def test_hsts_preload_is_opt_in(tmp_path):
    # A preloaded domain stays HTTPS-only in browsers for months after leaving the list: a
    # self-hosted practice opts in knowingly, and the deploy check stays clean either way.
    assert _production_setting(tmp_path, "SECURE_HSTS_PRELOAD") == "False"
    assert _production_setting(tmp_path, "SECURE_HSTS_SECONDS") == "31536000"
    opted_in = {"PRAXIS_HSTS_PRELOAD": "true"}
    assert _production_setting(tmp_path, "SECURE_HSTS_PRELOAD", **opted_in) == "True"
    result = praxis_under_production(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", **opted_in
    )
    assert result.returncode == 0, result.stdout + result.stderr
