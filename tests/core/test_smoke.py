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


def test_error_pages_are_friendly_and_show_the_request_id(client_for, manager_max, rf):
    from praxis.core import errors

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
