"""The ICD-10-CM lookup page: a provider types and the results follow (htmx), for the release in
force on the visit's date."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from praxis.core.testing.assertions import shows

from .conftest import APRIL_2026, FY2027

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases(order_file):  # type: ignore[no-untyped-def]
    for name, rows, on in (("a.txt", APRIL_2026, "2026-04-01"), ("b.txt", FY2027, "2026-10-01")):
        call_command(
            "codes", "load-icd10", "--file", str(order_file(name, rows)), "--effective-from", on
        )


def test_search_as_you_type_answers_only_the_results(dr_dana, client_for, releases):
    response = client_for(dr_dana).get(
        "/billing/icd10/", {"q": "diab neph", "on": "2026-09-30"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1" not in text  # the partial only
    assert "E11.21" in text and "with diabetic nephropathy" in text
    assert shows(response, "in force 04/01/2026") and shows(response, "09/30/2026")


def test_the_page_says_when_no_release_covers_the_date(frontdesk_fay, client_for, releases):
    response = client_for(frontdesk_fay).get("/billing/icd10/", {"q": "E11", "on": "2020-01-01"})
    assert response.status_code == 200
    assert shows(response, "No ICD-10-CM release covers 01/01/2020.")


def test_a_bad_date_is_a_form_error(frontdesk_fay, client_for, releases):
    response = client_for(frontdesk_fay).get("/billing/icd10/", {"q": "E11", "on": "1800-01-01"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["clinical_cleo", "hr_hana", "compliance_cole", "outsider_otto"])
def test_the_lookup_is_for_whoever_codes_or_quotes(persona, client_for, name):
    assert client_for(persona(name)).get("/billing/icd10/").status_code == 403


def test_the_lookup_costs_a_few_queries(
    dr_dana, client_for, releases, session_seen_once, django_assert_max_num_queries
):
    client = client_for(dr_dana)
    client.get("/billing/icd10/", {"q": "E11"})
    with django_assert_max_num_queries(8):
        client.get("/billing/icd10/", {"q": "E11"}, headers={"HX-Request": "true"})
