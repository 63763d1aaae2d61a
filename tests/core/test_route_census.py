"""The route census: every URL the app serves, UI and API, walked as every role.

- every page declares an access rule (deny by default);
- anonymous visitors get the login page (UI) or 401 (API), except on a short public list;
- each role gets exactly what the role matrix says, 403 otherwise;
- a GET writes nothing (besides the audit trail and the session);
- an unsafe request (POST, PUT, PATCH, DELETE) that carries the CSRF cookie but not the token, as
  a forged cross-site request does, is refused by the CSRF check itself (and the same request
  with the token is not), on every page and on every API write made with a session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from praxis.api import api
from praxis.core.access import access_of
from praxis.core.roles import ROLES, permissions_for
from praxis.core.testing.personas import PERSONAS, sign_in

PUBLIC_PAGES = {
    "core:login",
    "core:healthz",
    "core:invitation_accept",
    "core:password_forgot",
    "core:password_reset",
    # The SMS gateway's reply webhook: no session, authenticated by an HMAC signature header.
    "scheduling:sms_reply",
    # A provider's calendar feed: calendar apps cannot sign in; the URL holds a secret token.
    "scheduling:provider_feed",
    # Browsers ask for /favicon.ico before anyone signs in: a redirect to the static icon.
    "favicon",
}
PUBLIC_API = {"api:openapi-json", "api:api-root"}
# Tables a GET may write to: the audit trail (PHI reads are audited), sessions, login tracking.
GET_WRITABLE = {"core_auditevent", "django_session", "core_usersession", "core_apitoken"}


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    pattern: URLPattern


def _sample_url(route: str) -> str:
    url = re.sub(r"<int:[^>]+>", "999999", route)
    url = re.sub(r"<slug:[^>]+>", "deactivate", url)
    url = re.sub(r"<(str:)?[^>]+>", "x", url)
    return "/" + url


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            yield Route(f"{namespace}{p.name}", _sample_url(prefix + str(p.pattern)), p)


ALL_ROUTES = list(_walk(get_resolver().url_patterns))
PAGES = [r for r in ALL_ROUTES if not r.url.startswith("/api/")]
API_ROOT_ROUTES = [r for r in ALL_ROUTES if r.url.startswith("/api/")]


@dataclass(frozen=True)
class ApiOperation:
    method: str
    url: str
    permissions: tuple[str, ...]


def _api_operations() -> list[ApiOperation]:
    ops = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                perms = getattr(op.view_func, "praxis_permissions", None)
                assert perms is not None, f"API {path} declares no permission rule"
                url = "/api/v1" + (prefix.rstrip("/") + path).replace("//", "/")
                url = re.sub(r"\{[^}]+\}", "999999", url)
                for method in op.methods:
                    ops.append(ApiOperation(method, url, tuple(perms)))
    return ops


API_OPERATIONS = _api_operations()
ROLE_PERSONAS = [name for name, (_, role) in PERSONAS.items() if role is not None]


def test_the_census_sees_every_app():
    names = {r.name for r in ALL_ROUTES}
    assert {"core:login", "dashboards:manager", "core:audit_list"} <= names
    assert len(API_OPERATIONS) >= 8


@pytest.mark.parametrize("route", PAGES, ids=lambda r: r.name)
def test_every_page_declares_access(route: Route):
    access = access_of(route.pattern.callback)
    assert access is not None, f"{route.name} has no access declaration"
    if access.kind == "public":
        assert route.name in PUBLIC_PAGES, f"{route.name} is public but not on the allow-list"


@pytest.mark.parametrize("route", API_ROOT_ROUTES, ids=lambda r: r.name)
def test_api_urls_are_operations_or_allow_listed(route: Route):
    def shape(url: str) -> str:
        return re.sub(r"/(x|999999)(?=/|$)", "/{id}", url)

    assert route.name in PUBLIC_API or shape(route.url) in {shape(op.url) for op in API_OPERATIONS}


@pytest.mark.django_db
@pytest.mark.parametrize("route", PAGES, ids=lambda r: r.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client: Client, route: Route, method: str):
    response = getattr(client, method)(route.url)
    if route.name in PUBLIC_PAGES:
        assert response.status_code != 302 or "/login/" not in response.get("Location", "")
    else:
        assert response.status_code == 302, route.name
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("op", API_OPERATIONS, ids=lambda o: f"{o.method} {o.url}")
def test_anonymous_api_gets_401(client: Client, op: ApiOperation):
    response = client.generic(op.method, op.url)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def _expected_allowed(route: Route, persona_name: str) -> bool:
    access = access_of(route.pattern.callback)
    assert access is not None
    role = PERSONAS[persona_name][1]
    held = permissions_for(role) if role else frozenset()
    return access.kind != "permission" or set(access.permissions) <= held


class _WriteRecorder:
    def __init__(self) -> None:
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statement = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if statement in {"INSERT", "UPDATE", "DELETE"}:
            table = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql, re.IGNORECASE)
            name = table.group(1) if table else sql[:40]
            if name not in GET_WRITABLE and not name.startswith("axes_"):
                self.writes.append(name)
        return execute(sql, params, many, context)


@pytest.mark.django_db
@pytest.mark.parametrize("persona_name", [*ROLE_PERSONAS, "outsider_otto"])
def test_each_role_gets_exactly_what_the_matrix_says(persona, persona_name: str):
    user = persona(persona_name)
    client = Client()
    sign_in(client, user)
    recorder = _WriteRecorder()
    for route in PAGES:
        if route.name in PUBLIC_PAGES or route.name == "core:logout":
            continue
        with connection.execute_wrapper(recorder):
            response = client.get(route.url)
        allowed = _expected_allowed(route, persona_name)
        if allowed:
            assert response.status_code != 403, f"{persona_name} refused {route.name}"
        else:
            assert response.status_code == 403, f"{persona_name} reached {route.name}"
    assert recorder.writes == [], f"GET requests wrote to {sorted(set(recorder.writes))}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona_name", [*ROLE_PERSONAS, "outsider_otto"])
def test_each_role_gets_exactly_what_the_matrix_says_in_the_api(persona, persona_name: str):
    user = persona(persona_name)
    client = Client()
    sign_in(client, user)
    role = PERSONAS[persona_name][1]
    held = permissions_for(role) if role else frozenset()
    for op in API_OPERATIONS:
        if op.method != "GET":
            continue  # unsafe methods need the CSRF header with session auth; see below
        response = client.generic(op.method, op.url)
        if set(op.permissions) <= held:
            assert response.status_code not in (401, 403), f"{persona_name} refused {op.url}"
        else:
            assert response.status_code == 403, f"{persona_name} reached {op.url}"
            assert response.json()["code"] == "forbidden"


# Views that opt out of the CSRF check, each authenticated some other way.
CSRF_EXEMPT_PAGES = {
    "scheduling:sms_reply",  # the SMS gateway has no session; its requests carry an HMAC
}
UNSAFE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def _csrf_refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Why the CSRF check refused requests since the last ``caplog.clear()``: Django logs each
    refusal, with its reason, to ``django.security.csrf`` (pages and the API's session auth)."""
    return [r.getMessage() for r in caplog.records if r.name == "django.security.csrf"]


def test_every_csrf_exempt_page_is_on_the_allow_list():
    exempt = {r.name for r in PAGES if getattr(r.pattern.callback, "csrf_exempt", False)}
    assert exempt == CSRF_EXEMPT_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in PAGES if r.name not in CSRF_EXEMPT_PAGES], ids=lambda r: r.name
)
def test_unsafe_requests_without_the_csrf_token_are_refused(
    admin_ada, client_for, caplog, route: Route
):
    client = client_for(admin_ada)  # holds the CSRF cookie, as a signed-in browser does
    client.sends_csrf_token = False  # ... but a forged request cannot know the token
    for method in UNSAFE_METHODS:
        caplog.clear()
        response = client.generic(method, route.url, "name=x", "application/x-www-form-urlencoded")
        assert response.status_code == 403, f"{method} {route.name}"
        assert _csrf_refusals(caplog) == [f"Forbidden (CSRF token missing.): {route.url}"]
    # The control: the same request with the token gets past the check, so the 403s above were
    # the check's and no other rule's.
    client.sends_csrf_token = True
    caplog.clear()
    client.post(route.url, {"name": "x"})
    assert _csrf_refusals(caplog) == [], route.name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "op", [o for o in API_OPERATIONS if o.method != "GET"], ids=lambda o: f"{o.method} {o.url}"
)
def test_api_writes_with_a_session_need_the_csrf_token(
    admin_ada, client_for, caplog, op: ApiOperation
):
    client = client_for(admin_ada)
    client.sends_csrf_token = False
    response = client.generic(op.method, op.url, "{}", "application/json")
    assert response.status_code == 403
    assert response.json() == {"code": "http_error", "message": "CSRF check Failed"}
    assert _csrf_refusals(caplog) == [f"Forbidden (CSRF token missing.): {op.url}"]

    client.sends_csrf_token = True
    caplog.clear()
    allowed = client.generic(op.method, op.url, "{}", "application/json")
    assert allowed.status_code != 403
    assert _csrf_refusals(caplog) == []


@pytest.mark.django_db
def test_a_route_without_a_declaration_is_refused(rf, admin_ada):
    from praxis.core.middleware import AccessMiddleware

    def undeclared(request):  # pragma: no cover - never reached
        raise AssertionError("must not run")

    request = rf.get("/somewhere/")
    request.user = admin_ada
    middleware = AccessMiddleware(lambda r: None)  # type: ignore[arg-type]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared, (), {})


def test_the_matrix_gives_the_administrator_everything():
    administrator = ROLES[0]
    assert all(permissions_for(administrator) >= permissions_for(r) for r in ROLES)
