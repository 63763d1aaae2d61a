"""/api/v1/staff/: the same services and selectors as the pages, per role."""

from __future__ import annotations

import json

import pytest

from praxis.staff.models import StaffMember
from praxis.staff.testing.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "reads", "writes"),
    [
        ("admin_ada", 200, 201),
        ("manager_max", 200, 201),
        ("hr_hana", 200, 201),
        ("frontdesk_fay", 403, 403),
        ("biller_bo", 403, 403),
        ("dr_dana", 403, 403),
    ],
)
def test_who_reads_and_writes_staff_records(client_for, persona, location, name, reads, writes):
    client = client_for(persona(name))
    assert client.get("/api/v1/staff/members").status_code == reads
    body = {
        "full_name": "Rosa Delgado",
        "job_title": "Medical Assistant",
        "hire_date": "2026-11-02",
        "location_ids": [location.pk],
        "fte": "0.8",
    }
    created = client.post(
        "/api/v1/staff/members", data=json.dumps(body), content_type="application/json"
    )
    assert created.status_code == writes
    if writes == 201:
        assert created.json()["location_ids"] == [location.pk]
        assert "rate" not in created.json()


def test_hr_changes_a_record_and_filters_the_list(client_for, hr_hana, cleo, practice):
    StaffMemberFactory(practice=practice, department="Billing", full_name="Bo Bennett")
    client = client_for(hr_hana)
    changed = client.patch(
        f"/api/v1/staff/members/{cleo.pk}",
        data=json.dumps({"status": "on_leave", "department": "Clinic floor"}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["department"]) == ("on_leave", "Clinic floor")
    listed = client.get("/api/v1/staff/members", {"status": "on_leave"}).json()
    assert [m["full_name"] for m in listed] == ["Cleo Clark"]


def test_another_practices_ids_are_404(client_for, hr_hana, other_practice, cleo):
    theirs = StaffMemberFactory(practice=other_practice)
    client = client_for(hr_hana)
    assert client.get(f"/api/v1/staff/members/{theirs.pk}").status_code == 404
    patched = client.patch(
        f"/api/v1/staff/members/{cleo.pk}",
        data=json.dumps({"manager_id": theirs.pk}),
        content_type="application/json",
    )
    assert patched.status_code == 404
    cleo.refresh_from_db()
    assert cleo.manager is None


def test_bad_bodies_are_refused_and_write_nothing(client_for, hr_hana):
    client = client_for(hr_hana)
    for body in (
        {"full_name": "X", "job_title": "Y", "hire_date": "2026-13-01"},
        {"full_name": "X", "job_title": "Y", "hire_date": "2026-01-01", "fte": "1.5"},
        {"full_name": "X", "job_title": "Y", "hire_date": "2026-01-01", "npi": "1234567890"},
    ):
        response = client.post(
            "/api/v1/staff/members", data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code in (400, 422), body
    assert not StaffMember.objects.exists()
