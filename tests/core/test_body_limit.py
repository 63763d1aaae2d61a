"""An oversized body is refused from its Content-Length, before the app reads any of it: 413
with a page for forms and JSON for the API (a 600 MB upload was read to disk before the 10 MB
refusal)."""

from __future__ import annotations

import io

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, *args: object) -> bytes:  # type: ignore[override]
        raise AssertionError("the body was read")

    readinto = read  # type: ignore[assignment]


def _post(client: Client, path: str, content_type: str, length: int):  # type: ignore[no-untyped-def]
    return client.generic(
        "POST",
        path,
        data=b"",
        content_type=content_type,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
    )


def test_a_600_mb_upload_is_refused_unread_with_a_page(client_for, frontdesk_fay):
    client = client_for(frontdesk_fay)
    response = _post(
        client, "/patients/1/documents/", "multipart/form-data; boundary=x", 600 * 1024 * 1024
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "at most 10 MB" in response.content.decode()


def test_an_oversized_api_body_is_a_json_413(client):
    response = _post(client, "/api/v1/patients/search", "application/json", 2 * 1024 * 1024)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_an_upload_within_the_limit_goes_through(client_for, frontdesk_fay):
    client = client_for(frontdesk_fay)
    response = client.post("/patients/999999/documents/", {"title": "x"})
    assert response.status_code != 413
