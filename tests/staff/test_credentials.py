"""Credentials: added with their dates and an optional scan (the patients app's upload rules),
verified by someone, listed with their expiry. Bad input is refused with a clear message and
writes nothing: expiry before issue, a duplicate number, a disguised or oversized file."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import page_text
from praxis.staff.credentialing import credential_add
from praxis.staff.models import Credential
from praxis.staff.testing.factories import CredentialFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% license copy\n"


def license_form(**changes):  # type: ignore[no-untyped-def]
    return {
        "kind": "state_license",
        "number": "md.104211",
        "state": "VT",
        "issuer": "Vermont Board of Medical Practice",
        "issued_on": "2025-02-01",
        "expires_on": "2027-01-31",
        **changes,
    }


def test_hana_adds_a_license_with_its_scan_and_verifies_it(client_for, hr_hana, dana_record):
    hana = client_for(hr_hana)
    upload = SimpleUploadedFile("license.pdf", PDF, content_type="application/pdf")
    response = hana.post(
        reverse("staff:credential_add", args=[dana_record.pk]), {**license_form(), "file": upload}
    )
    assert response.status_code == 302, page_text(response)
    credential = Credential.objects.get()
    assert credential.number == "MD.104211"  # kept in capitals
    assert default_storage.exists(credential.storage_path)
    assert hana.get(reverse("staff:credential_document", args=[credential.pk])).status_code == 200
    hana.post(
        reverse("staff:credential_verify", args=[credential.pk]),
        {"method": "primary_source", "note": "state board website"},
    )
    credential.refresh_from_db()
    assert credential.verified_by == hr_hana and credential.verification_method == "primary_source"
    text = page_text(hana.get(reverse("staff:member", args=[dana_record.pk])))
    assert ("MD.104211" in text and "01/31/2027" in text) or "Jan 31, 2027" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expires_on": "2024-01-31"}, "The expiry date is before the issue date."),
        ({"state": ""}, "A state license needs the state that issued it."),
        ({"kind": "payer_enrollment", "state": ""}, "A payer enrollment needs the payer."),
    ],
)
def test_bad_credentials_are_refused_and_nothing_is_written(
    client_for, hr_hana, dana_record, changes, message
):
    response = client_for(hr_hana).post(
        reverse("staff:credential_add", args=[dana_record.pk]), license_form(**changes)
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Credential.objects.exists()


def test_a_license_number_already_on_file_is_refused(practice, hr_hana, cleo, dana_record):
    CredentialFactory(staff=cleo, number="MD.104211", state="VT")
    with pytest.raises(ServiceError) as refused:
        credential_add(
            member=dana_record,
            values={"kind": "state_license", "number": "md.104211 ", "state": "VT"},
            added_by=hr_hana,
        )
    assert "State license MD.104211 in VT is already on file for Cleo Clark." in str(
        refused.value.message_dict["number"]
    )
    # the same number in another state is another license
    credential_add(
        member=dana_record,
        values={"kind": "state_license", "number": "MD.104211", "state": "NH"},
        added_by=hr_hana,
    )
    assert Credential.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "license.pdf", "Only PDF, PNG and JPEG files"),
        (b"", "empty.pdf", "The file is empty."),
    ],
)
def test_a_disguised_or_empty_scan_leaves_nothing_behind(
    client_for, hr_hana, dana_record, content, name, message
):
    before = (
        set(default_storage.listdir("staff-credentials")[1])
        if default_storage.exists("staff-credentials")
        else set()
    )
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client_for(hr_hana).post(
        reverse("staff:credential_add", args=[dana_record.pk]), {**license_form(), "file": upload}
    )
    assert response.status_code == 400
    assert message in page_text(response) or "The submitted file is empty." in page_text(response)
    assert not Credential.objects.exists()
    after = (
        set(default_storage.listdir("staff-credentials")[1])
        if default_storage.exists("staff-credentials")
        else set()
    )
    assert after == before


def test_an_oversized_scan_is_refused(client_for, hr_hana, dana_record, settings):
    settings.PRAXIS_UPLOAD_MAX_MB = 1
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = client_for(hr_hana).post(
        reverse("staff:credential_add", args=[dana_record.pk]), {**license_form(), "file": upload}
    )
    assert response.status_code == 400
    assert "files can be at most 1 MB" in page_text(response)
    assert not Credential.objects.exists()


def test_the_api_adds_and_lists_credentials_and_refuses_bad_dates(
    client_for, manager_max, dana_record, aetna
):
    client = client_for(manager_max)
    url = f"/api/v1/staff/members/{dana_record.pk}/credentials"
    enrollment = {"kind": "payer_enrollment", "number": "AET-77", "payer_id": aetna.pk}
    created = client.post(url, data=json.dumps(enrollment), content_type="application/json")
    assert created.status_code == 201, created.content
    bad = {
        "kind": "dea",
        "number": "BD1234563",
        "issued_on": "2026-05-01",
        "expires_on": "2026-01-01",
    }
    refused = client.post(url, data=json.dumps(bad), content_type="application/json")
    assert refused.status_code == 400
    assert "before the issue date" in refused.content.decode()
    listed = client.get(url).json()
    assert [(c["kind"], c["payer_id"], c["status"]) for c in listed] == [
        ("payer_enrollment", aetna.pk, "no expiry")
    ]


def test_another_practices_ids_are_404(client_for, hr_hana, other_practice):
    theirs = CredentialFactory(staff=StaffMemberFactory(practice=other_practice))
    client = client_for(hr_hana)
    assert (
        client.post(
            reverse("staff:credential_verify", args=[theirs.pk]), {"method": "document"}
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/staff/members/{theirs.staff_id}/credentials").status_code == 404
    body = json.dumps({"method": "document"})
    verify = client.post(
        f"/api/v1/staff/credentials/{theirs.pk}/verify", data=body, content_type="application/json"
    )
    assert verify.status_code == 404
    theirs.refresh_from_db()
    assert theirs.verified_at is None


def test_dates_are_checked_against_each_other_not_today(dana_record, hr_hana):
    credential = credential_add(
        member=dana_record,
        values={
            "kind": "cpr_bls",
            "number": "BLS-9",
            "issued_on": date(2020, 1, 1),
            "expires_on": date(2022, 1, 1),
        },
        added_by=hr_hana,
    )
    assert credential.pk  # an expired credential may be recorded (it shows as expired)


def test_a_renewal_gets_new_dates_and_must_be_verified_again(client_for, hr_hana, dana_record):
    old = CredentialFactory(staff=dana_record, number="MD.1", expires_on=date(2026, 12, 31))
    old.verified_at, old.verification_method = timezone.now(), "document"
    old.save()
    hana = client_for(hr_hana)
    bad = hana.post(
        reverse("staff:credential_renew", args=[old.pk]),
        {"number": "MD.1", "issued_on": "2027-01-01", "expires_on": "2026-01-01"},
    )
    assert bad.status_code == 400 and "before the issue date" in page_text(bad)
    response = hana.post(
        reverse("staff:credential_renew", args=[old.pk]),
        {"number": "MD.1", "issued_on": "2027-01-01", "expires_on": "2028-12-31"},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.expires_on, old.verified_at) == (date(2028, 12, 31), None)
