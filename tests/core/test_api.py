"""The JSON API at /api/v1/: personal tokens (service, command line and page), permissions,
the user and audit endpoints, error bodies, the schema, and request ids.

Scripts call the API with `Authorization: Bearer prx_…` and no cookies; the clients here enforce
CSRF like a browser would, to show that a token alone is enough."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from praxis.core import audit, context, services
from praxis.core.models import ApiToken, AuditEvent, User
from praxis.core.roles import MANAGER, matrix, permissions_for
from praxis.core.service_support import ServiceError
from praxis.core.testing.factories import UserFactory

ME = "/api/v1/me"
USERS = "/api/v1/users"
AUDIT_EVENTS = "/api/v1/audit/events"


# --- helpers -----------------------------------------------------------------------------------


def audit_mark() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_since(mark: int, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=mark, action=action).order_by("id"))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def script() -> Client:
    """A client with no session, enforcing CSRF: what a script calling the API looks like."""
    return Client(enforce_csrf_checks=True)


def token_for(user: User, name: str = "EHR sync", **kwargs: object) -> services.IssuedToken:
    return services.api_token_create(user=user, name=name, **kwargs)


def get_me(secret: str):  # type: ignore[no-untyped-def]
    return script().get(ME, headers=bearer(secret))


def deactivate_url(user: User) -> str:
    return f"{USERS}/{user.pk}/deactivate"


def assert_unauthenticated(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert body["message"]


# --- tokens --------------------------------------------------------------------------------------


def test_a_token_answers_who_am_i(admin_ada):
    issued = token_for(admin_ada)

    response = get_me(issued.secret)

    assert response.status_code == 200
    assert response.json() == {
        "id": admin_ada.pk,
        "email": "admin_ada@example.org",
        "full_name": "Ada Alvarez",
        "roles": ["administrator"],
        "permissions": sorted(matrix()),
    }


def test_me_lists_each_role_and_the_permissions_they_add_up_to(manager_max):
    response = get_me(token_for(manager_max).secret)
    body = response.json()
    assert body["roles"] == ["manager"]
    assert body["permissions"] == sorted(permissions_for(MANAGER))
    assert "core.manage_users" not in body["permissions"]


def test_the_first_use_of_a_token_is_recorded_but_not_every_use(manager_max):
    issued = token_for(manager_max)
    assert issued.token.last_used_at is None

    get_me(issued.secret)
    issued.token.refresh_from_db()
    first_use = issued.token.last_used_at
    assert first_use is not None
    assert timezone.now() - first_use < timedelta(minutes=1)

    get_me(issued.secret)  # a minute later, say: no write
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first_use

    long_ago = timezone.now() - timedelta(minutes=10)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=long_ago)
    get_me(issued.secret)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at > long_ago


def test_a_revoked_token_no_longer_works(manager_max):
    issued = token_for(manager_max)
    assert get_me(issued.secret).status_code == 200

    services.api_token_revoke(token=issued.token)

    assert_unauthenticated(get_me(issued.secret))


def test_an_expired_token_no_longer_works(manager_max):
    issued = token_for(manager_max, expires_at=timezone.now() + timedelta(days=30))
    assert get_me(issued.secret).status_code == 200

    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert_unauthenticated(get_me(issued.secret))


def test_the_token_of_a_deactivated_user_no_longer_works(manager_max):
    issued = token_for(manager_max)
    # Deactivation also revokes tokens; this checks the user's own flag on its own.
    User.objects.filter(pk=manager_max.pk).update(is_active=False)

    assert_unauthenticated(get_me(issued.secret))
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_a_token_stops_working_when_its_user_loses_the_api_role(admin_ada, manager_max, client_for):
    issued = token_for(manager_max)
    client_for(admin_ada).post(
        reverse("core:user_detail", args=[manager_max.pk]),
        {"full_name": "Max Morgan", "roles": ["clinical"]},
    )
    assert not User.objects.get(pk=manager_max.pk).has_perm("core.use_api")

    for path in (ME, "/api/v1/practice", "/api/v1/locations"):
        assert_unauthenticated(script().get(path, headers=bearer(issued.secret)))


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer prx_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Token prx_not-a-real-token",
        "prx_not-a-real-token",
        "Basic YWRhOnBhc3N3b3Jk",
    ],
)
def test_a_garbage_token_is_refused(manager_max, authorization):
    token_for(manager_max)
    response = script().get(ME, headers={"Authorization": authorization})
    assert_unauthenticated(response)


def test_only_the_hash_of_a_token_opens_the_door(manager_max):
    """Knowing the stored hash (e.g. from a database dump) is not enough to use the token."""
    issued = token_for(manager_max)
    assert_unauthenticated(get_me(issued.token.token_hash))
    assert_unauthenticated(get_me(issued.token.prefix))


def test_tokens_cannot_be_created_for_roles_without_the_api_or_in_the_past(
    clinical_cleo, manager_max
):
    with pytest.raises(ServiceError, match="has no role that may use the API"):
        token_for(clinical_cleo)
    with pytest.raises(ServiceError, match="The expiry must be in the future"):
        token_for(manager_max, expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ServiceError, match="Name the token"):
        token_for(manager_max, name="   ")
    assert not ApiToken.objects.exists()


# --- the command line ---------------------------------------------------------------------------


def praxis_token(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_praxis_token_create_prints_a_working_token_and_revoke_stops_it(manager_max):
    out, err = praxis_token("create", "Manager_Max@example.org", "--name", "billing export")

    secret = out.strip()
    assert secret.startswith("prx_")
    assert "will not be shown again" in err
    token = ApiToken.objects.get(user=manager_max)
    assert token.name == "billing export"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert get_me(secret).json()["email"] == "manager_max@example.org"

    listing, _ = praxis_token("list", "manager_max@example.org")
    assert re.search(
        rf"^{token.pk}\t{re.escape(token.prefix)}…\tbilling export\texpires [\d-]+\tactive$",
        listing,
        re.M,
    )

    out, _ = praxis_token("revoke", str(token.pk))

    assert out.strip() == f"revoked token {token.pk}"
    assert_unauthenticated(get_me(secret))
    listing, _ = praxis_token("list", "manager_max@example.org")
    assert listing.rstrip().endswith("\trevoked")


def test_praxis_token_create_with_days_sets_the_expiry(manager_max):
    praxis_token("create", "manager_max@example.org", "--days", "7")
    token = ApiToken.objects.get(user=manager_max)
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("create", "clinical_cleo@example.org"),
            "clinical_cleo@example.org has no role that may use the API.",
        ),
        (("create", "nobody@example.org"), "no user nobody@example.org"),
        (
            ("create", "manager_max@example.org", "--name", " "),
            "Name the token after where it will be used.",
        ),
        (("revoke", "999999"), "no token 999999"),
    ],
)
def test_praxis_token_refuses_clearly(clinical_cleo, manager_max, args, message):
    with pytest.raises(CommandError) as refused:
        praxis_token(*args)
    assert str(refused.value) == message
    assert not ApiToken.objects.exists()


# --- the token page ----------------------------------------------------------------------------


def test_max_creates_a_token_on_the_page_and_sees_the_secret_once(manager_max, client_for):
    max_ = client_for(manager_max)
    mark = audit_mark()

    response = max_.post(reverse("core:token_list"), {"name": "EHR sync", "expires_in_days": "30"})

    assert response.status_code == 200
    match = re.search(r'<code id="new-token"[^>]*>(prx_[^<]+)</code>', response.content.decode())
    assert match, "the new token is shown"
    secret = match.group(1)
    token = ApiToken.objects.get(user=manager_max)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert secret not in stored
    assert token.prefix == secret[:12]
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    [created] = events_since(mark, "praxis.auth.token.created")
    assert created.actor == manager_max
    assert secret not in str(created.details)
    assert get_me(secret).status_code == 200

    again = max_.get(reverse("core:token_list"))
    assert secret not in again.content.decode()
    assert token.prefix in again.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        (
            {"name": "EHR sync", "expires_in_days": "0"},
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            {"name": "EHR sync", "expires_in_days": "400"},
            "Ensure this value is less than or equal to 90.",
        ),
        ({"name": "EHR sync", "expires_in_days": "soon"}, "Enter a whole number."),
        ({"name": "x" * 65}, "Ensure this value has at most 64 characters"),
    ],
)
def test_a_bad_token_request_is_refused_and_creates_nothing(manager_max, client_for, data, message):
    max_ = client_for(manager_max)
    mark = audit_mark()
    response = max_.post(reverse("core:token_list"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="new-token"' not in response.content.decode()
    assert not ApiToken.objects.exists()
    assert events_since(mark, "praxis.auth.token.created") == []


def test_max_revokes_his_token_on_the_page(manager_max, client_for):
    issued = token_for(manager_max)
    mark = audit_mark()

    response = client_for(manager_max).post(reverse("core:token_revoke", args=[issued.token.pk]))

    assert response.status_code == 302
    assert response.url == reverse("core:token_list")
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert len(events_since(mark, "praxis.auth.token.revoked")) == 1
    assert_unauthenticated(get_me(issued.secret))


def test_nobody_revokes_another_users_token(manager_max, frontdesk_fay, client_for):
    fays = token_for(frontdesk_fay)
    mark = audit_mark()

    response = client_for(manager_max).post(reverse("core:token_revoke", args=[fays.token.pk]))

    assert response.status_code == 404
    fays.token.refresh_from_db()
    assert fays.token.revoked_at is None
    assert events_since(mark, "praxis.auth.token.revoked") == []
    assert get_me(fays.secret).status_code == 200
    # Nor does it appear on Max's page.
    page = client_for(manager_max).get(reverse("core:token_list")).content.decode()
    assert fays.token.prefix not in page


def test_the_api_lists_and_revokes_only_your_own_tokens(manager_max, frontdesk_fay):
    mine = token_for(manager_max)
    fays = token_for(frontdesk_fay)

    listed = script().get("/api/v1/tokens", headers=bearer(mine.secret)).json()
    assert [t["id"] for t in listed] == [mine.token.pk]
    assert "token_hash" not in listed[0]

    refused = script().delete(f"/api/v1/tokens/{fays.token.pk}", headers=bearer(mine.secret))
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    assert ApiToken.objects.get(pk=fays.token.pk).revoked_at is None

    revoked = script().delete(f"/api/v1/tokens/{mine.token.pk}", headers=bearer(mine.secret))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert_unauthenticated(get_me(mine.secret))


# --- permissions and the user endpoints -----------------------------------------------------------


def test_a_manager_token_may_not_list_users(manager_max):
    response = script().get(USERS, headers=bearer(token_for(manager_max).secret))
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "message": "Your role does not allow this."}


def test_an_administrator_token_lists_the_practices_users(admin_ada, manager_max, other_practice):
    UserFactory(practice=other_practice, email="stranger@elsewhere.org")

    response = script().get(USERS, headers=bearer(token_for(admin_ada).secret))

    assert response.status_code == 200
    by_email = {u["email"]: u for u in response.json()}
    assert set(by_email) == {"admin_ada@example.org", "manager_max@example.org"}
    assert by_email["admin_ada@example.org"]["roles"] == ["administrator"]
    assert by_email["admin_ada@example.org"]["has_mfa"] is True
    assert by_email["manager_max@example.org"] == {
        "id": manager_max.pk,
        "email": "manager_max@example.org",
        "full_name": "Max Morgan",
        "is_active": True,
        "roles": ["manager"],
        "has_mfa": False,
    }


def test_an_administrator_token_deactivates_a_user(admin_ada, frontdesk_fay):
    fays = token_for(frontdesk_fay)
    mark = audit_mark()

    response = script().post(
        deactivate_url(frontdesk_fay), headers=bearer(token_for(admin_ada).secret)
    )

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    frontdesk_fay.refresh_from_db()
    assert not frontdesk_fay.is_active
    [deactivated] = events_since(mark, "praxis.core.user.deactivated")
    assert deactivated.actor == admin_ada
    assert deactivated.object_id == str(frontdesk_fay.pk)
    assert deactivated.details["tokens_revoked"] == 1
    assert_unauthenticated(get_me(fays.secret))


def test_the_deactivate_response_tells_the_truth_about_mfa(admin_ada, compliance_cole):
    response = script().post(
        deactivate_url(compliance_cole), headers=bearer(token_for(admin_ada).secret)
    )
    assert response.status_code == 200
    assert response.json()["has_mfa"] is True


def test_another_practices_user_is_not_found_in_the_api(admin_ada, other_practice):
    stranger = UserFactory(practice=other_practice, email="stranger@elsewhere.org")
    mark = audit_mark()

    response = script().post(deactivate_url(stranger), headers=bearer(token_for(admin_ada).secret))

    assert response.status_code == 404
    body = {"code": "not_found", "message": "No such user in this practice."}
    assert response.json() == body
    missing = script().post(
        "/api/v1/users/999999/deactivate", headers=bearer(token_for(admin_ada).secret)
    )
    assert (missing.status_code, missing.json()) == (404, body)  # another's and none: the same
    stranger.refresh_from_db()
    assert stranger.is_active
    assert events_since(mark, "praxis.core.user.deactivated") == []


def test_deactivating_yourself_through_the_api_is_rejected(admin_ada):
    mark = audit_mark()

    response = script().post(deactivate_url(admin_ada), headers=bearer(token_for(admin_ada).secret))

    assert response.status_code == 400
    assert response.json() == {
        "code": "rejected",
        "message": "You cannot deactivate your own account.",
    }
    admin_ada.refresh_from_db()
    assert admin_ada.is_active
    assert events_since(mark, "praxis.core.user.deactivated") == []


def test_a_manager_token_may_not_deactivate_anyone(manager_max, frontdesk_fay):
    response = script().post(
        deactivate_url(frontdesk_fay), headers=bearer(token_for(manager_max).secret)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    frontdesk_fay.refresh_from_db()
    assert frontdesk_fay.is_active


# --- the audit trail ---------------------------------------------------------------------------


@pytest.fixture
def some_history(manager_max, frontdesk_fay) -> None:
    with context.acting(manager_max):
        audit.record("praxis.core.location.updated", object_type="core.location", object_id=3)
        audit.record("praxis.phi.read", patient_id="P-1001", details={"what": "chart"})
    with context.acting(frontdesk_fay):
        audit.record("praxis.phi.read", patient_id="P-2002")
        audit.record("praxis.phi.updated", patient_id="P-1001")


def test_cole_searches_the_audit_trail_by_action_prefix(compliance_cole, some_history):
    secret = token_for(compliance_cole).secret

    response = script().get(AUDIT_EVENTS, {"action": "praxis.phi"}, headers=bearer(secret))

    assert response.status_code == 200
    events = response.json()
    assert [(e["action"], e["patient_id"], e["actor_email"]) for e in events] == [
        ("praxis.phi.updated", "P-1001", "frontdesk_fay@example.org"),
        ("praxis.phi.read", "P-2002", "frontdesk_fay@example.org"),
        ("praxis.phi.read", "P-1001", "manager_max@example.org"),
    ]
    newest = events[0]
    assert set(newest) == {
        "id",
        "occurred_at",
        "actor_email",
        "action",
        "object_type",
        "object_id",
        "patient_id",
        "ip",
        "request_id",
        "details",
        "hash",
    }
    assert newest["hash"] == AuditEvent.objects.get(pk=newest["id"]).hash


def test_cole_searches_the_audit_trail_by_patient(compliance_cole, some_history):
    secret = token_for(compliance_cole).secret

    response = script().get(AUDIT_EVENTS, {"patient_id": "P-1001"}, headers=bearer(secret))

    assert [e["action"] for e in response.json()] == ["praxis.phi.updated", "praxis.phi.read"]
    both = script().get(
        AUDIT_EVENTS, {"patient_id": "P-1001", "action": "praxis.phi.read"}, headers=bearer(secret)
    )
    assert [e["details"] for e in both.json()] == [{"what": "chart"}]


def test_the_audit_search_pages_with_limit_and_offset(compliance_cole, some_history):
    secret = token_for(compliance_cole).secret
    everything = script().get(AUDIT_EVENTS, {"action": "praxis.phi"}, headers=bearer(secret))
    ids = [e["id"] for e in everything.json()]

    first = script().get(AUDIT_EVENTS, {"action": "praxis.phi", "limit": 2}, headers=bearer(secret))
    rest = script().get(
        AUDIT_EVENTS, {"action": "praxis.phi", "limit": 2, "offset": 2}, headers=bearer(secret)
    )

    assert [e["id"] for e in first.json()] + [e["id"] for e in rest.json()] == ids


def test_the_audit_search_by_date_uses_local_days(compliance_cole, some_history):
    secret = token_for(compliance_cole).secret
    today = timezone.localdate().isoformat()

    found = script().get(
        AUDIT_EVENTS,
        {"date_from": today, "date_to": today, "action": "praxis.phi"},
        headers=bearer(secret),
    )
    assert len(found.json()) == 3
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    none = script().get(AUDIT_EVENTS, {"date_from": tomorrow}, headers=bearer(secret))
    assert none.json() == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2026-02-30"}, "date_to"),
        ({"actor_id": "ada"}, "actor_id"),
    ],
)
def test_an_invalid_audit_query_is_a_422_naming_the_field(compliance_cole, query, field):
    response = script().get(AUDIT_EVENTS, query, headers=bearer(token_for(compliance_cole).secret))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Some values are not valid."
    assert [e["field"] for e in body["errors"]] == [field]
    assert all(e["message"] for e in body["errors"])


# --- schema, health, request ids -----------------------------------------------------------------


def test_the_openapi_schema_is_public(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Praxis API"
    assert {
        "/api/v1/me",
        "/api/v1/practice",
        "/api/v1/locations",
        "/api/v1/users",
        "/api/v1/users/{user_id}/deactivate",
        "/api/v1/audit/events",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
    } <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/v1/users/{user_id}/deactivate"]
    assert any(
        s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values()
    )


def test_the_health_check(db):
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_every_response_carries_a_request_id(manager_max, client_for):
    responses = [
        script().get(ME, headers=bearer(token_for(manager_max).secret)),
        script().get(ME),  # a 401
        Client().get("/api/v1/openapi.json"),
        Client().get(reverse("core:healthz")),
        client_for(manager_max).get(reverse("core:location_list")),
        Client().get(reverse("core:login")),
    ]
    ids = [r["X-Request-ID"] for r in responses]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_an_incoming_request_id_is_echoed_and_audited(admin_ada, frontdesk_fay, settings):
    settings.PRAXIS_TRUST_REQUEST_ID = True  # the reverse proxy sets it
    mark = audit_mark()

    response = script().post(
        deactivate_url(frontdesk_fay),
        headers={**bearer(token_for(admin_ada).secret), "X-Request-ID": "lb-2026.11-abc_123"},
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-2026.11-abc_123"
    [deactivated] = events_since(mark, "praxis.core.user.deactivated")
    assert deactivated.request_id == "lb-2026.11-abc_123"


@pytest.mark.parametrize(
    "incoming",
    ["has spaces in it", "x" * 65, "semi;colon-0123", "<script>alert(1)</script>"],
)
def test_an_unusable_incoming_request_id_is_replaced(manager_max, incoming, settings):
    settings.PRAXIS_TRUST_REQUEST_ID = True
    issued = token_for(manager_max)
    response = script().get(ME, headers={**bearer(issued.secret), "X-Request-ID": incoming})
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
