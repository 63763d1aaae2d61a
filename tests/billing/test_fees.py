"""The fee schedule: Riverbend charges $115 for 99213; Aetna is expected to allow $89.70. A fee
holds for a range of dates and the ranges of one code, modifier and payer never overlap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from praxis.billing.fees import fee_create, fee_update
from praxis.billing.models import Fee
from praxis.billing.procedure_codes import procedure_code_create
from praxis.billing.selectors import fee_for
from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import actions_since, audit_mark, shows
from praxis.patients.testing.factories import PayerFactory

pytestmark = pytest.mark.django_db


def add_fee(practice, code, amount, start, end=None, *, payer=None, modifier=""):  # type: ignore[no-untyped-def]
    return fee_create(
        practice=practice,
        values={
            "procedure_code": code,
            "modifier": modifier,
            "payer": payer,
            "amount": Decimal(amount),
            "effective_from": start,
            "effective_to": end,
        },
    )


@pytest.fixture
def schedule(practice, office_visit, aetna):  # type: ignore[no-untyped-def]
    add_fee(practice, office_visit, "110.00", date(2025, 1, 1), date(2025, 12, 31))
    add_fee(practice, office_visit, "115.00", date(2026, 1, 1))
    add_fee(practice, office_visit, "89.70", date(2026, 1, 1), payer=aetna)
    add_fee(practice, office_visit, "140.00", date(2026, 1, 1), modifier="25")


@pytest.mark.parametrize(
    ("payer", "modifier", "on", "expected"),
    [
        (None, "", date(2026, 3, 1), "115.00"),  # the standard fee
        ("aetna", "", date(2026, 3, 1), "89.70"),  # Aetna's contracted fee
        ("medicare", "", date(2026, 3, 1), "115.00"),  # no contract: the standard fee
        (None, "", date(2025, 6, 1), "110.00"),  # last year's fee on last year's date
        ("aetna", "", date(2025, 6, 1), "110.00"),  # Aetna's contract began in 2026
        ("aetna", "25", date(2026, 3, 1), "140.00"),  # the modifier's own standard fee
        (None, "", date(2024, 6, 1), None),  # before any fee
        (None, "59", date(2026, 3, 1), None),  # no fee with that modifier
    ],
)
def test_fee_for_falls_back_to_the_standard_fee(
    practice, office_visit, aetna, schedule, payer, modifier, on, expected
):
    payers = {"aetna": aetna, "medicare": PayerFactory(practice=practice, name="Medicare")}
    found = fee_for(practice, office_visit, modifier, payers.get(payer or ""), on)
    assert (found.amount if found else None) == (Decimal(expected) if expected else None)
    assert fee_for(practice, "99213", modifier, payers.get(payer or ""), on) == found


def test_fee_for_costs_one_query(
    practice, office_visit, aetna, schedule, django_assert_num_queries
):
    with django_assert_num_queries(1):
        fee_for(practice, office_visit, "", aetna, date(2026, 3, 1))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 6, 1), None),  # inside the open-ended 2026 fee
        (date(2025, 12, 31), date(2025, 12, 31)),  # the last day of 2025
        (date(2024, 1, 1), None),  # covers both
        (date(2024, 1, 1), date(2025, 1, 1)),  # meets 2025's first day
    ],
)
def test_overlapping_ranges_are_refused(practice, office_visit, schedule, start, end):
    mark = audit_mark()
    with pytest.raises(ServiceError, match="Overlaps the fee of"):
        add_fee(practice, office_visit, "1.00", start, end)
    assert Fee.objects.count() == 4
    assert actions_since(mark) == []


def test_another_payer_or_modifier_is_its_own_schedule(practice, office_visit, schedule):
    other = PayerFactory(practice=practice, name="Cigna")
    add_fee(practice, office_visit, "92.00", date(2026, 1, 1), payer=other)
    add_fee(practice, office_visit, "80.00", date(2026, 1, 1), modifier="95")
    add_fee(practice, office_visit, "100.00", date(2024, 1, 1), date(2024, 12, 31))
    assert Fee.objects.count() == 7


def test_ending_a_fee_then_adding_the_next(practice, office_visit, schedule):
    current = Fee.objects.get(payer=None, modifier="", effective_to=None)
    mark = audit_mark()
    fee_update(fee=current, values={"effective_to": date(2026, 6, 30)})
    add_fee(practice, office_visit, "120.00", date(2026, 7, 1))
    assert actions_since(mark) == ["praxis.billing.fee.updated", "praxis.billing.fee.created"]
    assert fee_for(practice, office_visit, "", None, date(2026, 7, 1)).amount == Decimal("120")


def test_an_update_that_would_overlap_changes_nothing(practice, office_visit, schedule):
    last_year = Fee.objects.get(payer=None, modifier="", effective_to=date(2025, 12, 31))
    with pytest.raises(ServiceError, match="Overlaps"):
        fee_update(fee=last_year, values={"effective_to": None})
    last_year.refresh_from_db()
    assert last_year.effective_to == date(2025, 12, 31)


def test_another_practices_code_or_payer_is_refused(practice, other_practice, office_visit):
    theirs = procedure_code_create(
        practice=other_practice,
        values={"code": "99213", "description": "x", "active_from": date(2026, 1, 1)},
    )
    with pytest.raises(ServiceError, match="No such procedure code"):
        add_fee(practice, theirs, "1.00", date(2026, 1, 1))
    their_payer = PayerFactory(practice=other_practice, name="Theirs")
    with pytest.raises(ServiceError, match="No such payer"):
        add_fee(practice, office_visit, "1.00", date(2026, 1, 1), payer=their_payer)
    assert not Fee.objects.exists()


def test_a_negative_amount_is_refused(practice, office_visit):
    with pytest.raises(ServiceError):
        add_fee(practice, office_visit, "-1.00", date(2026, 1, 1))


# --- pages -----------------------------------------------------------------------------------


def test_the_list_filters_by_payer(frontdesk_fay, client_for, aetna, schedule):
    client = client_for(frontdesk_fay)
    everything = client.get("/billing/fees/")
    assert shows(everything, "$115.00") and shows(everything, "$89.70")
    aetnas = client.get("/billing/fees/", {"payer": str(aetna.pk)})
    assert shows(aetnas, "$89.70") and not shows(aetnas, "$115.00")
    standard = client.get("/billing/fees/", {"payer": "standard"})
    assert shows(standard, "$115.00") and not shows(standard, "$89.70")


def test_another_practices_payer_in_the_filter_is_not_found(
    frontdesk_fay, client_for, other_practice
):
    theirs = PayerFactory(practice=other_practice, name="Theirs")
    response = client_for(frontdesk_fay).get("/billing/fees/", {"payer": str(theirs.pk)})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["clinical_cleo", "hr_hana", "outsider_otto"])
def test_others_do_not_see_the_fees(persona, client_for, name):
    assert client_for(persona(name)).get("/billing/fees/").status_code == 403


@pytest.mark.parametrize("name", ["dr_dana", "frontdesk_fay"])
def test_viewers_may_not_change_fees(persona, client_for, schedule, name):
    fee = Fee.objects.first()
    client = client_for(persona(name))
    assert client.get("/billing/fees/add/").status_code == 403
    assert client.post(f"/billing/fees/{fee.pk}/", {"amount": "1"}).status_code == 403


def test_the_biller_adds_a_contracted_fee(biller_bo, client_for, office_visit, aetna):
    response = client_for(biller_bo).post(
        "/billing/fees/add/",
        {
            "procedure_code": office_visit.pk,
            "modifier": "",
            "payer": aetna.pk,
            "amount": "$89.70",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    fee = Fee.objects.get()
    assert (fee.payer, fee.amount) == (aetna, Decimal("89.70"))


def test_an_overlap_comes_back_on_the_form(manager_max, client_for, office_visit, schedule):
    response = client_for(manager_max).post(
        "/billing/fees/add/",
        {"procedure_code": office_visit.pk, "amount": "1.00", "effective_from": "2026-02-01"},
    )
    assert response.status_code == 400
    assert shows(response, "Overlaps the fee of $115.00 for 01/01/2026 on")
    assert Fee.objects.count() == 4


def test_another_practices_fee_is_not_found(biller_bo, client_for, other_practice):
    code = procedure_code_create(
        practice=other_practice,
        values={"code": "99213", "description": "x", "active_from": date(2026, 1, 1)},
    )
    theirs = add_fee(other_practice, code, "50.00", date(2026, 1, 1))
    client = client_for(biller_bo)
    assert client.get(f"/billing/fees/{theirs.pk}/").status_code == 404
    assert client.post(f"/billing/fees/{theirs.pk}/", {"amount": "1.00"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.amount == Decimal("50.00")


def test_the_biller_edits_a_fee(biller_bo, client_for, office_visit, aetna, schedule):
    fee = Fee.objects.get(payer=aetna)
    response = client_for(biller_bo).post(
        f"/billing/fees/{fee.pk}/",
        {
            "procedure_code": office_visit.pk,
            "modifier": "",
            "payer": aetna.pk,
            "amount": "91.00",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    fee.refresh_from_db()
    assert fee.amount == Decimal("91.00")


@pytest.mark.parametrize("n", [1, 30])
def test_the_fee_list_costs_the_same_queries_for_1_or_30_fees(
    biller_bo, client_for, practice, aetna, session_seen_once, django_assert_max_num_queries, n
):
    for i in range(n):
        code = procedure_code_create(
            practice=practice,
            values={
                "code": f"{99100 + i}",
                "description": f"S {i}",
                "active_from": date(2026, 1, 1),
            },
        )
        add_fee(practice, code, "10.00", date(2026, 1, 1), payer=aetna if i % 2 else None)
    client = client_for(biller_bo)
    client.get("/billing/fees/")
    with django_assert_max_num_queries(9):
        assert client.get("/billing/fees/").status_code == 200


def test_the_forms_and_import_pages_open(biller_bo, client_for, aetna, schedule):
    client = client_for(biller_bo)
    fee = Fee.objects.get(payer=aetna)
    code = fee.procedure_code
    for path in (
        "/billing/fees/add/",
        f"/billing/fees/{fee.pk}/",
        "/billing/fees/import/",
        "/billing/codes/add/",
        f"/billing/codes/{code.pk}/",
        "/billing/codes/import/",
        "/billing/icd10/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert shows(client.get(f"/billing/fees/{fee.pk}/"), "89.70")


@pytest.mark.parametrize("payer", ["99999999999999999999999", "nobody", "-1"])
def test_a_filter_that_names_no_payer(frontdesk_fay, client_for, schedule, payer):
    response = client_for(frontdesk_fay).get("/billing/fees/", {"payer": payer})
    assert response.status_code == (404 if payer[0].isdigit() else 200)
