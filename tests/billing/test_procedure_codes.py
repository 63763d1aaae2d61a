"""Procedure codes: the practice's own list of CPT/HCPCS codes, kept by the Manager and the
biller, looked up by whoever codes or quotes a visit."""

from __future__ import annotations

from datetime import date

import pytest

from praxis.billing.models import ProcedureCode
from praxis.billing.procedure_codes import procedure_code_create, procedure_code_update
from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import actions_since, audit_mark, shows

pytestmark = pytest.mark.django_db

VALUES = {
    "code": "99214",
    "description": "Office visit, established patient, moderate",
    "default_units": 1,
    "active_from": date(2026, 1, 1),
}


@pytest.mark.parametrize("code", ["99213", "G0439", "3074F", "0521T", "1036U", "g0439"])
def test_a_code_is_five_characters_of_three_shapes(practice, code):
    created = procedure_code_create(practice=practice, values={**VALUES, "code": code})
    assert created.code == code.upper()


@pytest.mark.parametrize("code", ["9921", "992134", "GG439", "3074Z", "99.21", ""])
def test_other_shapes_are_refused(practice, code):
    with pytest.raises(ServiceError) as refused:
        procedure_code_create(practice=practice, values={**VALUES, "code": code})
    assert "code" in refused.value.message_dict
    assert not ProcedureCode.objects.exists()


def test_a_code_is_listed_once_per_practice(practice, other_practice, office_visit):
    with pytest.raises(ServiceError, match="99213 is already on your list"):
        procedure_code_create(practice=practice, values={**VALUES, "code": "99213"})
    procedure_code_create(practice=other_practice, values={**VALUES, "code": "99213"})
    assert ProcedureCode.objects.filter(code="99213").count() == 2


def test_the_description_may_not_be_a_formula(practice):
    with pytest.raises(ServiceError, match="spreadsheet would read it as a formula"):
        procedure_code_create(practice=practice, values={**VALUES, "description": "=HYPERLINK()"})


def test_the_last_day_comes_after_the_first(practice):
    with pytest.raises(ServiceError, match="before the first"):
        procedure_code_create(practice=practice, values={**VALUES, "active_to": date(2025, 12, 31)})


def test_changing_a_code_is_audited_and_a_no_op_writes_nothing(office_visit):
    mark = audit_mark()
    procedure_code_update(procedure_code=office_visit, values={"default_units": 2})
    procedure_code_update(procedure_code=office_visit, values={"default_units": 2})
    assert actions_since(mark) == ["praxis.billing.procedure_code.updated"]
    office_visit.refresh_from_db()
    assert office_visit.default_units == 2


# --- pages -----------------------------------------------------------------------------------

VIEWERS = ["admin_ada", "manager_max", "biller_bo", "dr_dana", "frontdesk_fay"]
NOT_VIEWERS = ["clinical_cleo", "hr_hana", "compliance_cole", "outsider_otto"]
KEEPERS = ["admin_ada", "manager_max", "biller_bo"]
NOT_KEEPERS = ["dr_dana", "frontdesk_fay", "clinical_cleo", "outsider_otto"]


@pytest.mark.parametrize("name", VIEWERS)
def test_whoever_codes_or_quotes_sees_the_codes(persona, client_for, office_visit, name):
    response = client_for(persona(name)).get("/billing/codes/")
    assert response.status_code == 200
    assert shows(response, "Office visit, established patient, low complexity")


@pytest.mark.parametrize("name", NOT_VIEWERS)
def test_others_do_not_see_the_codes(persona, client_for, name):
    assert client_for(persona(name)).get("/billing/codes/").status_code == 403


@pytest.mark.parametrize("name", KEEPERS)
def test_the_manager_and_the_biller_add_codes(persona, client_for, practice, name):
    response = client_for(persona(name)).post(
        "/billing/codes/add/",
        {
            "code": "g0439",
            "description": "Medicare yearly wellness visit",
            "default_units": "1",
            "active_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert ProcedureCode.objects.get(practice=practice).code == "G0439"


@pytest.mark.parametrize("name", NOT_KEEPERS)
def test_others_may_not_add_codes(persona, client_for, name):
    client = client_for(persona(name))
    assert client.get("/billing/codes/add/").status_code == 403
    assert client.post("/billing/codes/add/", {}).status_code == 403


def test_a_refused_code_comes_back_on_the_form_and_nothing_is_saved(
    biller_bo, client_for, office_visit
):
    response = client_for(biller_bo).post(
        "/billing/codes/add/",
        {
            "code": "99213",
            "description": "Again",
            "default_units": "1",
            "active_from": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert shows(response, "99213 is already on your list of procedure codes.")
    assert ProcedureCode.objects.count() == 1


def test_the_biller_edits_a_code(biller_bo, client_for, office_visit):
    response = client_for(biller_bo).post(
        f"/billing/codes/{office_visit.pk}/",
        {
            "code": "99213",
            "description": "Office visit, established, low",
            "default_units": "1",
            "active_from": "2026-01-01",
            "active_to": "2026-12-31",
        },
    )
    assert response.status_code == 302
    office_visit.refresh_from_db()
    assert office_visit.active_to == date(2026, 12, 31)


def test_another_practices_code_is_not_found(biller_bo, client_for, other_practice):
    theirs = procedure_code_create(practice=other_practice, values=VALUES)
    client = client_for(biller_bo)
    assert client.get(f"/billing/codes/{theirs.pk}/").status_code == 404
    assert client.post(f"/billing/codes/{theirs.pk}/", {**VALUES}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.description == VALUES["description"]


def test_search_finds_by_code_or_words(frontdesk_fay, client_for, practice, office_visit):
    procedure_code_create(
        practice=practice, values={**VALUES, "code": "36415", "description": "Drawing blood"}
    )
    client = client_for(frontdesk_fay)
    by_code = client.get("/billing/codes/", {"q": "364"}, headers={"HX-Request": "true"})
    assert shows(by_code, "Drawing blood") and not shows(by_code, "Office visit")
    by_words = client.get("/billing/codes/", {"q": "visit low"})
    assert shows(by_words, "Office visit") and not shows(by_words, "Drawing blood")


@pytest.mark.parametrize("n", [1, 30])
def test_the_code_list_costs_the_same_queries_for_1_or_30_codes(
    biller_bo, client_for, practice, session_seen_once, django_assert_max_num_queries, n
):
    for i in range(n):
        procedure_code_create(
            practice=practice, values={**VALUES, "code": f"{99100 + i}", "description": f"S {i}"}
        )
    client = client_for(biller_bo)
    client.get("/billing/codes/")
    with django_assert_max_num_queries(8):
        assert client.get("/billing/codes/").status_code == 200
