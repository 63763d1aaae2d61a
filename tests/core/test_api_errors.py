"""The API's error answers are JSON and declared: every operation's schema lists the error
statuses it may answer with the shared error body, and a method a path does not serve (HEAD,
PUT) is a JSON 405 with the Allow header, not a plain-text page."""

from __future__ import annotations

import pytest

from praxis.api import api
from praxis.core.api_support import ERROR_STATUSES

from .test_api import bearer, token_for

METHODS = {"get", "post", "put", "patch", "delete"}


def _operations() -> list[tuple[str, str, dict]]:  # type: ignore[type-arg]
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.mark.parametrize(
    ("method", "path", "operation"), _operations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_operation_declares_its_error_answers(method, path, operation):
    declared = operation["responses"]
    for status in ERROR_STATUSES:
        content = declared[status]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


def test_the_error_body_is_in_the_schema():
    error = api.get_openapi_schema()["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["head", "put"])
def test_a_method_the_path_does_not_serve_is_a_json_405(client, admin_ada, method):
    response = getattr(client, method)("/api/v1/me", headers=bearer(token_for(admin_ada).secret))
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET"
    if method != "head":  # a HEAD answer carries no body
        body = response.json()
        assert body["code"] == "method_not_allowed"
        assert "GET" in body["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['""', "[]", "[null, null]", "0", "null"])
def test_a_body_that_is_not_an_object_is_refused(client, manager_max, practice, body):
    from praxis.patients.testing.factories import PatientFactory

    patient = PatientFactory(practice=practice, legal_first_name="Paula")
    headers = bearer(token_for(manager_max).secret)
    for method, url in (
        ("patch", f"/api/v1/patients/{patient.pk}"),
        ("post", "/api/v1/patients/search"),
    ):
        response = getattr(client, method)(
            url, data=body, content_type="application/json", headers=headers
        )
        assert response.status_code == 422, (method, body, response.content[:200])
        assert response.json()["code"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("patient_id", ["x", "0", str(2**64)])
def test_a_patient_id_out_of_shape_is_a_json_422(client, manager_max, patient_id):
    headers = bearer(token_for(manager_max).secret)
    response = client.get(f"/api/v1/patients/{patient_id}", headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "who"),
    [("/api/v1/patients", "manager_max"), ("/api/v1/audit/events", "compliance_cole")],
)
def test_an_offset_past_64_bits_is_a_422(client, persona, url, who):
    response = client.get(url, {"offset": 2**70}, headers=bearer(token_for(persona(who)).secret))
    assert response.status_code == 422, response.content[:200]
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_a_nul_character_is_a_422_on_every_database(client, compliance_cole, manager_max):
    # PostgreSQL's text cannot hold NUL: before, these were 500s there.
    audit = client.get(
        "/api/v1/audit/events",
        {"patient_id": "\x00x"},
        headers=bearer(token_for(compliance_cole).secret),
    )
    search = client.post(
        "/api/v1/patients/search",
        data='{"query": "Pat\\u0000"}',
        content_type="application/json",
        headers=bearer(token_for(manager_max).secret),
    )
    for response in (audit, search):
        assert response.status_code == 422
        assert "NUL" in response.json()["message"]
