from django.urls import reverse


def test_manager_reaches_manager_home(client_for, manager_max):
    response = client_for(manager_max).get(reverse("core:home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboards:manager")
    assert b"Operations" in response.content


def test_admin_reaches_admin_home(client_for, admin_ada):
    response = client_for(admin_ada).get(reverse("core:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboards:administrator")
    assert b"Administrator" in response.content


def test_error_pages_are_friendly_and_show_the_request_id(client_for, manager_max, rf, settings):
    from praxis.core import errors

    settings.PRAXIS_TRUST_REQUEST_ID = True  # as when the reverse proxy sets the id

    response = client_for(manager_max).get("/no-such-page/", HTTP_X_REQUEST_ID="req-abcdef12")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body and "req-abcdef12" in body

    request = rf.get("/")
    request.request_id = "req-00000001"
    crashed = errors.server_error(request)
    assert crashed.status_code == 500
    text = crashed.content.decode()
    assert "Something went wrong" in text and "req-00000001" in text
    assert "Traceback" not in text


def test_pages_carry_the_security_headers(client_for, manager_max):
    response = client_for(manager_max).get("/home/manager/")
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_pages_run_on_the_practices_clock(rf, settings):  # type: ignore[no-untyped-def]
    """Date filters convert to the active zone: a signed-in user's requests use their
    practice's, whatever the server's TIME_ZONE."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.utils import timezone

    from praxis.core.middleware import PracticeTimeZoneMiddleware

    settings.TIME_ZONE = "America/New_York"
    middleware = PracticeTimeZoneMiddleware(
        lambda request: HttpResponse(timezone.get_current_timezone_name())
    )
    request = rf.get("/")
    request.user = SimpleNamespace(
        is_authenticated=True, practice=SimpleNamespace(time_zone="America/Los_Angeles")
    )
    assert middleware(request).content == b"America/Los_Angeles"
    request.user = AnonymousUser()
    assert middleware(request).content == b"America/New_York"
    assert timezone.get_current_timezone_name() == "America/New_York"  # nothing leaks
