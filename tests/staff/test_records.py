"""Staff records: HR adds and edits them; the Manager and the Administrator see them; the list
filters by status, location and department in a fixed number of queries; every staff member
has their own page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import actions_since, audit_mark, page_text
from praxis.core.testing.factories import LocationFactory, UserFactory
from praxis.staff.models import StaffMember
from praxis.staff.people import staff_create, staff_update
from praxis.staff.testing.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


def test_hana_adds_a_part_time_assistant_with_no_sign_in(client_for, hr_hana, practice, location):
    hana = client_for(hr_hana)
    mark = audit_mark()
    response = hana.post(
        reverse("staff:add"),
        {
            "full_name": "Rosa Delgado",
            "job_title": "Medical Assistant",
            "department": "Clinical",
            "employment_type": "part_time",
            "fte": "0.60",
            "hire_date": "2026-11-02",
            "locations": [location.pk],
            "status": "onboarding",
        },
    )
    assert response.status_code == 302, page_text(response)
    rosa = StaffMember.objects.get(full_name="Rosa Delgado")
    assert (rosa.fte, rosa.status, rosa.user) == (Decimal("0.60"), "onboarding", None)
    assert list(rosa.locations.all()) == [location]
    assert actions_since(mark) == ["praxis.staff.member.created"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"fte": Decimal("1.50")}, "fte", "less than or equal to 1.00"),
        ({"npi": "1234567890"}, "npi", "NPI"),
        ({"full_name": ""}, "full_name", "cannot be blank"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(practice, change, field, message):
    values = {"full_name": "Rosa Delgado", "job_title": "MA", "hire_date": date(2026, 1, 5)}
    with pytest.raises(ServiceError) as refused:
        staff_create(practice=practice, values={**values, **change})
    assert message in str(refused.value.message_dict[field])
    assert not StaffMember.objects.exists()


def test_a_sign_in_or_npi_already_on_a_record_is_refused(practice, cleo, dana_record):
    base = {"full_name": "Copy", "job_title": "MA", "hire_date": date(2026, 1, 5)}
    with pytest.raises(ServiceError, match="already belongs"):
        staff_create(practice=practice, values={**base, "user": cleo.user})
    with pytest.raises(ServiceError, match="Another staff record has the NPI"):
        staff_update(member=cleo, values={"npi": dana_record.npi})
    cleo.refresh_from_db()
    assert cleo.npi == ""


def test_another_practices_sign_in_or_location_is_refused(practice, other_practice):
    stranger = UserFactory(practice=other_practice, email="x@elsewhere.example")
    base = {"full_name": "Copy", "job_title": "MA", "hire_date": date(2026, 1, 5)}
    with pytest.raises(ServiceError, match="No such user"):
        staff_create(practice=practice, values={**base, "user": stranger})
    with pytest.raises(ServiceError, match="No such location"):
        staff_create(
            practice=practice,
            values={**base, "locations": [LocationFactory(practice=other_practice)]},
        )
    assert not StaffMember.objects.exists()


def test_the_status_cannot_be_set_to_separated_by_an_edit(cleo):
    with pytest.raises(ServiceError, match="Record a separation"):
        staff_update(member=cleo, values={"status": "separated"})


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("admin_ada", 200),
        ("manager_max", 200),
        ("hr_hana", 200),
        ("frontdesk_fay", 403),
        ("dr_dana", 403),
        ("biller_bo", 403),
        ("compliance_cole", 403),
    ],
)
def test_who_sees_the_staff_list_and_a_members_page(client_for, persona, cleo, name, status):
    client = client_for(persona(name))
    assert client.get(reverse("staff:list")).status_code == status
    assert client.get(reverse("staff:member", args=[cleo.pk])).status_code == status


def test_another_practices_member_is_404(client_for, hr_hana, other_practice):
    theirs = StaffMemberFactory(practice=other_practice)
    client = client_for(hr_hana)
    assert client.get(reverse("staff:member", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:edit", args=[theirs.pk])).status_code == 404


def test_the_list_filters_and_costs_the_same_for_many(
    client_for, manager_max, practice, location, django_assert_max_num_queries
):
    north = LocationFactory(practice=practice, name="Northside Office")
    for n in range(30):
        member = StaffMemberFactory(
            practice=practice,
            department="Billing" if n % 2 else "Clinical",
            status="on_leave" if n % 5 == 0 else "active",
        )
        member.locations.set([location, north] if n % 3 == 0 else [location])
    client = client_for(manager_max)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("staff:list"))
    assert len(response.context["members"]) == 30
    filtered = client.get(
        reverse("staff:list"),
        {"status": "active", "location": north.pk, "department": "Clinical"},
    )
    names = {m.full_name for m in filtered.context["members"]}
    expected = {
        m.full_name
        for m in StaffMember.objects.filter(status="active", department="Clinical", locations=north)
    }
    assert names == expected and names


def test_cleo_sees_her_own_page_and_credentials_but_not_her_pay(client_for, cleo):
    from praxis.staff.testing.factories import CredentialFactory

    CredentialFactory(staff=cleo, kind="cpr_bls", state="", number="BLS-1")
    response = client_for(cleo.user).get(reverse("staff:mine"))
    text = page_text(response)
    assert response.status_code == 200
    assert "Cleo Clark" in text and "BLS-1" in text
    assert "Pay" not in text


def test_someone_without_a_record_is_told_so(client_for, frontdesk_fay):
    text = page_text(client_for(frontdesk_fay).get(reverse("staff:mine")))
    assert "no staff record for your sign-in" in text
