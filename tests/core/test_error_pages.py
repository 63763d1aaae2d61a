"""The small things a new user trips over: an error page keeps the navigation, the invite
address answers a GET, the browser's /favicon.ico finds the icon, and a refused permission is
one log line rather than a traceback."""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from praxis.core.errors import PermissionDeniedOneLine

pytestmark = pytest.mark.django_db


def test_a_not_found_page_keeps_the_navigation_for_a_signed_in_person(client_for, manager_max):
    response = client_for(manager_max).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'id="main-nav"' in body and "Sign out" in body
    assert "Not found" in body


def test_a_refused_page_keeps_the_navigation(client_for, biller_bo):
    response = client_for(biller_bo).get(reverse("scheduling:board"))
    assert response.status_code == 403
    assert 'id="main-nav"' in response.content.decode()


def test_an_anonymous_not_found_page_has_no_navigation(db: None) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert 'id="main-nav"' not in response.content.decode()


def test_get_on_the_invite_address_leads_to_the_users_page(client_for, admin_ada):
    response = client_for(admin_ada).get(reverse("core:user_invite"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:user_list")


def test_the_favicon_address_points_at_the_icon(db: None) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/praxis/favicon.svg"
    assert Client().get(response["Location"]).status_code == 200


def _console_handler() -> logging.Handler:
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, PermissionDeniedOneLine) for f in handler.filters):
            return handler
    raise AssertionError(f"no root handler carries the filter: {settings.LOGGING}")


def test_a_refused_permission_is_logged_in_one_line(client_for, biller_bo):
    handler = _console_handler()
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        assert client_for(biller_bo).get(reverse("scheduling:board")).status_code == 403
    finally:
        handler.setStream(previous)
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Forbidden (Permission denied): /scheduling/ready/" in lines[0]
    assert "Traceback" not in stream.getvalue()


def test_other_errors_keep_their_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert PermissionDeniedOneLine().filter(record) is True
    assert record.exc_info is not None


def test_the_server_error_page_renders_without_the_request(rf) -> None:  # type: ignore[no-untyped-def]
    from praxis.core.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and 'id="main-nav"' not in body
