"""A request id from outside is taken only from a proxy the installation trusts to set it, and
only in a shape that is safe in logs and the audit trail; otherwise Praxis makes its own."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from praxis.core.models import AuditEvent

OURS = re.compile(r"[0-9a-f]{32}")


def _login_page(request_id: str):  # type: ignore[no-untyped-def]
    return Client().get(reverse("core:login"), headers={"X-Request-ID": request_id})


def test_by_default_a_client_cannot_choose_its_request_id(db):
    response = _login_page("lb-2026.11-abc_123")
    assert OURS.fullmatch(response["X-Request-ID"])
    assert response["X-Request-ID"] != "lb-2026.11-abc_123"


def test_a_client_chosen_id_never_reaches_the_audit_trail(db, frontdesk_fay):
    Client().post(
        reverse("core:login"),
        {"username": frontdesk_fay.email, "password": "not the password at all"},
        headers={"X-Request-ID": "forged-looks-like-ours"},
    )
    event = AuditEvent.objects.get(action="praxis.auth.login.failed")
    assert OURS.fullmatch(event.request_id)


@pytest.mark.parametrize("incoming", ["a", "lb-2026.11-abc_123", "X" * 64, "req.1_2-3"])
def test_a_trusted_proxy_id_of_a_safe_shape_is_kept(db, settings, incoming):
    settings.PRAXIS_TRUST_REQUEST_ID = True
    assert _login_page(incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["", "has spaces in it", "x" * 65, "semi;colon-0123", "<script>alert(1)</script>", "é-id"],
)
def test_even_from_a_trusted_proxy_an_unsafe_id_is_replaced(db, settings, incoming):
    settings.PRAXIS_TRUST_REQUEST_ID = True
    assert OURS.fullmatch(_login_page(incoming)["X-Request-ID"])
