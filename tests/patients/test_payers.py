"""The practice's payers. Max (the Manager) and Bo (the biller) keep the list: names are unique
whatever their case, EDI payer ids are letters and digits, and a payer no longer used stays on
old coverages but is not offered for new ones. The front desk uses the list but does not edit it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from praxis.core.testing.assertions import audit_mark, events_since, page_text, shows
from praxis.patients.models import Payer
from praxis.patients.testing.factories import PayerFactory

from .helpers import row, writes_since

PAYERS = reverse("patients:payer_list")


def payer_data(**changes):  # type: ignore[no-untyped-def]
    data = {"name": "Cigna", "edi_payer_id": "62308", "kind": "commercial", "is_active": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who", ["manager_max", "biller_bo", "admin_ada"])
def test_a_payer_is_added(persona, client_for, practice, who):
    client = client_for(persona(who))
    mark = audit_mark()

    response = client.post(PAYERS, payer_data(edi_payer_id=" sx107 "))

    assert response.status_code == 302
    payer = Payer.objects.get(practice=practice)
    assert (payer.name, payer.edi_payer_id, payer.kind) == ("Cigna", "SX107", "commercial")
    [created] = events_since(mark, "praxis.patients.payer.created")
    assert created.object_id == str(payer.pk)
    assert "Cigna" in page_text(client.get(PAYERS))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "AETNA"}, "There is already a payer called 'AETNA'."),
        ({"edi_payer_id": "60-054"}, "An EDI payer id is 2 to 20 letters and digits"),
        ({"kind": "crypto"}, "Select a valid choice."),
    ],
)
def test_bad_payers_are_refused_and_nothing_is_written(
    manager_max, client_for, aetna, changes, message
):
    client = client_for(manager_max)
    mark = audit_mark()
    response = client.post(PAYERS, payer_data(**changes))
    assert response.status_code == 400
    assert shows(response, message)
    assert Payer.objects.count() == 1
    assert writes_since(mark) == []


def test_the_same_name_is_fine_in_another_practice(manager_max, client_for, other_practice):
    PayerFactory(practice=other_practice, name="Cigna")
    assert client_for(manager_max).post(PAYERS, payer_data()).status_code == 302


def test_a_payer_is_renamed_and_retired(biller_bo, client_for, aetna):
    client = client_for(biller_bo)
    url = reverse("patients:payer_edit", args=[aetna.pk])
    mark = audit_mark()

    response = client.post(
        url, payer_data(name="Aetna Better Health", edi_payer_id="60054", is_active=None)
    )

    assert response.status_code == 302
    aetna.refresh_from_db()
    assert aetna.name == "Aetna Better Health"
    assert aetna.is_active is False
    [updated] = events_since(mark, "praxis.patients.payer.updated")
    assert updated.details == {"fields": ["is_active", "name"]}
    assert "no longer used" in page_text(client.get(PAYERS))


def test_renaming_onto_another_payer_is_refused(biller_bo, client_for, aetna, medicare):
    before = row(medicare)
    response = client_for(biller_bo).post(
        reverse("patients:payer_edit", args=[medicare.pk]), payer_data(name="aetna")
    )
    assert response.status_code == 400
    assert shows(response, "There is already a payer called 'aetna'.")
    assert row(medicare) == before


@pytest.mark.parametrize("who", ["frontdesk_fay", "dr_dana", "hr_hana"])
def test_others_do_not_edit_payers(persona, client_for, aetna, who):
    client = client_for(persona(who))
    before = row(aetna)
    assert client.get(PAYERS).status_code == 403
    assert client.post(PAYERS, payer_data()).status_code == 403
    assert (
        client.post(reverse("patients:payer_edit", args=[aetna.pk]), payer_data()).status_code
        == 403
    )
    assert row(aetna) == before
    assert Payer.objects.count() == 1


def test_another_practices_payer_is_not_found(manager_max, client_for, other_practice):
    theirs = PayerFactory(practice=other_practice, name="Elsewhere Health")
    before = row(theirs)
    client = client_for(manager_max)
    url = reverse("patients:payer_edit", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, payer_data()).status_code == 404
    assert row(theirs) == before
    assert "Elsewhere Health" not in page_text(client.get(PAYERS))
