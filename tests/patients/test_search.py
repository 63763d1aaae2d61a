"""Finding a patient: the front desk types a name (accents and case do not matter), a date of
birth, an MRN or a phone number in whatever format the patient says it. The search box is a POST,
so none of it ends up in a URL; every list of patients shown is recorded in the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from praxis.core.testing.assertions import audit_mark, events_since, page_text
from praxis.patients import selectors
from praxis.patients.testing.factories import PatientFactory

from .helpers import HTMX

SEARCH = reverse("patients:search")


def found(user, query: str) -> list[str]:
    return [p.legal_last_name for p in selectors.patient_search(user, query)]


@pytest.fixture
def zoe(practice):
    return PatientFactory(
        practice=practice,
        legal_first_name="Zoë",
        legal_last_name="Åberg",
        date_of_birth=date(1992, 4, 5),
        phone="+18025550177",
    )


@pytest.mark.parametrize(
    "query",
    ["nunez", "NUNEZ", "Núñez", "nún", "jose nunez", "nunez jose", "pepe", "Núñez, José"],
)
def test_a_name_is_found_whatever_the_accents_and_case(frontdesk_fay, jose, zoe, query):
    assert found(frontdesk_fay, query) == ["Núñez"]


def test_every_word_must_match_the_start_of_a_name(frontdesk_fay, jose, zoe):
    assert found(frontdesk_fay, "unez") == []  # not the middle of a word
    assert found(frontdesk_fay, "jose aberg") == []
    assert found(frontdesk_fay, "zoe") == ["Åberg"]


@pytest.mark.parametrize("query", ["1980-02-03", "02/03/1980", "2/3/1980", "nunez 02/03/1980"])
def test_a_date_of_birth_is_found_in_either_format(frontdesk_fay, jose, zoe, query):
    assert found(frontdesk_fay, query) == ["Núñez"]


def test_an_impossible_date_finds_nobody(frontdesk_fay, jose):
    assert found(frontdesk_fay, "02/30/1980") == []


def test_an_mrn_is_found(frontdesk_fay, jose, zoe):
    assert found(frontdesk_fay, zoe.mrn) == ["Åberg"]
    assert found(frontdesk_fay, f" {jose.mrn} ") == ["Núñez"]


@pytest.mark.parametrize(
    "query",
    [
        "(802) 555-0142",
        "802.555.0142",
        "+1 802 555 0142",
        "1-802-555-0142",
        "8025550142",
        "555-0142",
    ],
)
def test_a_phone_number_is_found_in_any_format(frontdesk_fay, jose, zoe, query):
    assert found(frontdesk_fay, query) == ["Núñez"]


def test_an_empty_search_lists_everyone_by_name(frontdesk_fay, jose, zoe):
    assert found(frontdesk_fay, "") == ["Åberg", "Núñez"]  # folded "aberg" sorts first


def test_only_the_practices_own_patients_are_found(frontdesk_fay, jose, elsewhere_patient):
    assert found(frontdesk_fay, "otherton") == []
    assert found(frontdesk_fay, elsewhere_patient.mrn) == []
    assert found(frontdesk_fay, "") == ["Núñez"]


@pytest.mark.parametrize("who", ["hr_hana", "compliance_cole", "outsider_otto"])
def test_roles_without_patient_access_find_nobody_and_get_no_page(persona, client_for, jose, who):
    user = persona(who)
    assert found(user, "nunez") == []
    client = client_for(user)
    assert client.get(reverse("patients:list")).status_code == 403
    assert client.post(SEARCH, {"q": "nunez"}).status_code == 403


# --- the pages -------------------------------------------------------------------------------


def test_the_search_box_posts_and_htmx_gets_the_results_only(frontdesk_fay, client_for, jose, zoe):
    fay = client_for(frontdesk_fay)
    page = page_text(fay.get(reverse("patients:list")))
    assert 'method="post"' in page and f'hx-post="{SEARCH}"' in page

    response = fay.post(SEARCH, {"q": "nunez"}, headers=HTMX)

    assert response.status_code == 200
    html = page_text(response)
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "Núñez, José" in html and "Åberg" not in html
    assert reverse("patients:detail", args=[jose.pk]) in html


def test_without_htmx_the_search_returns_the_whole_page(frontdesk_fay, client_for, jose):
    response = client_for(frontdesk_fay).post(SEARCH, {"q": "02/03/1980"})
    assert response.status_code == 200
    assert "<html" in page_text(response)
    assert "Núñez, José" in page_text(response)


def test_a_search_is_never_a_get(frontdesk_fay, client_for):
    assert client_for(frontdesk_fay).get(SEARCH, {"q": "nunez"}).status_code == 405


def test_no_match_says_how_to_search(frontdesk_fay, client_for, jose):
    response = client_for(frontdesk_fay).post(SEARCH, {"q": "nobody"}, headers=HTMX)
    assert "No patient matches." in page_text(response)


def test_a_search_that_is_too_long_is_refused(frontdesk_fay, client_for, jose):
    response = client_for(frontdesk_fay).post(SEARCH, {"q": "x" * 201}, headers=HTMX)
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in page_text(response)


def test_who_saw_which_patients_is_audited_but_not_what_was_typed(
    frontdesk_fay, client_for, jose, zoe
):
    fay = client_for(frontdesk_fay)
    mark = audit_mark()

    fay.post(SEARCH, {"q": "Núñez"}, headers=HTMX)
    fay.get(reverse("patients:list"))
    fay.post(SEARCH, {"q": "nobody"}, headers=HTMX)  # showed nobody: nothing to record

    searched, listed = events_since(mark, "praxis.phi.read")
    assert searched.actor == frontdesk_fay
    assert searched.details == {
        "path_name": "patients:search",
        "method": "POST",
        "status": 200,
        "what": "patient_search",
        "patient_ids": [jose.pk],
    }
    assert "nunez" not in str(searched.details).lower()
    assert listed.details["patient_ids"] == [zoe.pk, jose.pk]


# --- query counts ----------------------------------------------------------------------------

# Session, user, MFA device, roles and permissions (7), the patients (1 or 2), the audit event
# (3 on SQLite, 4 with PostgreSQL's advisory lock): none of it grows with the number of rows.
MAX_QUERIES = 13


def _patients(practice, n: int) -> None:
    for i in range(n):
        PatientFactory(practice=practice, legal_last_name=f"Nunez{i:02d}", phone="+18025550100")


@pytest.mark.parametrize("n", [5, 40])
def test_the_list_page_costs_the_same_queries_for_5_or_40_patients(
    frontdesk_fay, client_for, practice, django_assert_max_num_queries, n
):
    _patients(practice, n)
    fay = client_for(frontdesk_fay)
    fay.get(reverse("patients:list"))  # warm the session
    with django_assert_max_num_queries(MAX_QUERIES):
        response = fay.get(reverse("patients:list"))
    assert page_text(response).count("<tr>") == n + 1


@pytest.mark.parametrize("n", [5, 40])
def test_a_search_costs_the_same_queries_for_5_or_40_matches(
    frontdesk_fay, client_for, practice, django_assert_max_num_queries, n
):
    _patients(practice, n)
    fay = client_for(frontdesk_fay)
    fay.get(reverse("patients:list"))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = fay.post(SEARCH, {"q": "nunez 555-0100"}, headers=HTMX)
    assert page_text(response).count("<tr>") == n + 1
