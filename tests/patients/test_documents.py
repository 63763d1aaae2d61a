"""Documents. Fay scans José's insurance card and photo id. Files are judged by their bytes, not
their names: PDF, PNG and JPEG only, at most PRAXIS_UPLOAD_MAX_MB. They are stored under
generated names outside the web root, downloaded only through a page that checks access, always
as attachments, and every download is recorded as a read of José's information."""

from __future__ import annotations

import hashlib
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from praxis.core.roles import FRONT_DESK
from praxis.core.testing.assertions import audit_mark, events_since, page_text, shows
from praxis.core.testing.factories import UserFactory
from praxis.patients.models import PatientDocument

from .helpers import stored_files, writes_since

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(client, patient, name: str, content: bytes, kind: str = "insurance_card_front"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("patients:document_upload", args=[patient.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_fay_uploads_an_insurance_card(frontdesk_fay, client_for, jose, document_storage):
    fay = client_for(frontdesk_fay)
    mark = audit_mark()

    response = upload(fay, jose, "card front.pdf", PDF)

    assert response.status_code == 302
    document = PatientDocument.objects.get(patient=jose)
    assert document.kind == "insurance_card_front"
    assert document.original_filename == "card front.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.uploaded_by == frontdesk_fay
    [stored] = stored_files(document_storage)
    assert stored.name == document.stored_name  # a generated name, not the uploader's
    assert len(document.stored_name) == 32 and "card" not in str(stored)
    assert stored.read_bytes() == PDF
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    [uploaded] = events_since(mark, "praxis.patients.document.uploaded")
    assert uploaded.patient_id == str(jose.pk)
    assert uploaded.details["sha256"] == document.sha256
    detail = page_text(fay.get(reverse("patients:detail", args=[jose.pk])))
    assert "Insurance card (front)" in detail and "card front.pdf" in detail


@pytest.mark.parametrize(
    ("name", "content", "kind"), [("id.png", PNG, "image/png"), ("id.jpg", JPEG, "image/jpeg")]
)
def test_images_are_accepted_too(frontdesk_fay, client_for, jose, name, content, kind):
    response = upload(client_for(frontdesk_fay), jose, name, content, kind="photo_id")
    assert response.status_code == 302
    assert PatientDocument.objects.get().content_type == kind


DISGUISED = "Only PDF, PNG and JPEG files can be uploaded, and this file is none of them"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("card.pdf", EXE, DISGUISED, id="program-named-pdf"),
        pytest.param("card.png", HTML, DISGUISED, id="html-named-png"),
        pytest.param("notes.txt", b"just some text", DISGUISED, id="text"),
        pytest.param("card.gif", b"GIF89a\x01\x00\x01\x00", DISGUISED, id="gif"),
        pytest.param("empty.pdf", b"", "The submitted file is empty.", id="empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_written(
    frontdesk_fay, client_for, jose, document_storage, name, content, message
):
    fay = client_for(frontdesk_fay)
    mark = audit_mark()

    response = upload(fay, jose, name, content)

    assert response.status_code == 400
    assert shows(response, message)
    assert 'id="id_file_error"' in page_text(response)
    assert not PatientDocument.objects.exists()
    assert stored_files(document_storage) == []
    assert writes_since(mark) == []


def test_an_oversized_file_is_refused_and_nothing_is_written(
    frontdesk_fay, client_for, jose, document_storage, settings
):
    settings.PRAXIS_UPLOAD_MAX_MB = 1
    fay = client_for(frontdesk_fay)
    mark = audit_mark()

    response = upload(fay, jose, "big.pdf", PDF + b"0" * (1024 * 1024))

    assert response.status_code == 400
    assert shows(response, "files can be at most 1 MB")
    assert not PatientDocument.objects.exists()
    assert stored_files(document_storage) == []
    assert writes_since(mark) == []


def test_a_file_just_under_the_limit_is_fine(frontdesk_fay, client_for, jose, settings):
    settings.PRAXIS_UPLOAD_MAX_MB = 1
    content = PDF + b"0" * (1024 * 1024 - len(PDF))
    assert upload(client_for(frontdesk_fay), jose, "big.pdf", content).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "x-ray"}, "Select a valid choice."),
        ({}, "This field is required."),
    ],
)
def test_a_form_without_kind_or_file_is_refused(frontdesk_fay, client_for, jose, data, message):
    fay = client_for(frontdesk_fay)
    payload = {"kind": "photo_id", "file": SimpleUploadedFile("id.pdf", PDF), **data}
    if not data:
        payload.pop("file")
    response = fay.post(reverse("patients:document_upload", args=[jose.pk]), payload)
    assert response.status_code == 400
    assert shows(response, message)
    assert not PatientDocument.objects.exists()


def test_a_path_in_the_file_name_is_ignored(frontdesk_fay, client_for, jose, document_storage):
    response = upload(client_for(frontdesk_fay), jose, "../../../etc/cron.d/card.pdf", PDF)
    assert response.status_code == 302
    assert PatientDocument.objects.get().original_filename == "card.pdf"
    [stored] = stored_files(document_storage)
    assert stored.parent.parent == document_storage  # patient-documents/<generated>


# --- downloads ------------------------------------------------------------------------------


@pytest.fixture
def card(frontdesk_fay, client_for, jose):  # type: ignore[no-untyped-def]
    upload(client_for(frontdesk_fay), jose, "Núñez card.pdf", PDF)
    return PatientDocument.objects.get()


def test_dr_dana_downloads_a_document_as_an_attachment_and_it_is_audited(dr_dana, client_for, card):
    dana = client_for(dr_dana)
    mark = audit_mark()

    response = dana.get(reverse("patients:document_download", args=[card.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''N%C3%BA%C3%B1ez%20card.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
    assert "sandbox" in response["Content-Security-Policy"]
    [read] = events_since(mark, "praxis.phi.read")
    assert read.actor == dr_dana
    assert read.patient_id == str(card.patient_id)
    assert read.object_type == "patients.patientdocument"
    assert read.object_id == str(card.pk)
    assert read.details == {
        "path_name": "patients:document_download",
        "method": "GET",
        "status": 200,
        "what": "document",
        "patient_ids": [card.patient_id],
    }


def test_an_image_named_pdf_downloads_with_its_real_extension(frontdesk_fay, client_for, jose):
    fay = client_for(frontdesk_fay)
    upload(fay, jose, "card.pdf", PNG)
    document = PatientDocument.objects.get()
    response = fay.get(reverse("patients:document_download", args=[document.pk]))
    assert response["Content-Type"] == "image/png"
    assert 'filename="card.pdf.png"' in response["Content-Disposition"]


def test_another_practices_user_gets_not_found(card, other_practice, client_for):
    elsewhere = UserFactory(practice=other_practice, roles=[FRONT_DESK])
    client = client_for(elsewhere)
    mark = audit_mark()
    response = client.get(reverse("patients:document_download", args=[card.pk]))
    assert response.status_code == 404
    assert b"%PDF" not in response.content
    assert events_since(mark, "praxis.phi.read") == []
    assert upload(client, card.patient, "x.pdf", PDF).status_code == 404
    assert PatientDocument.objects.count() == 1


@pytest.mark.parametrize("who", ["hr_hana", "outsider_otto", "compliance_cole"])
def test_roles_without_patient_access_cannot_download(persona, client_for, card, who):
    response = client_for(persona(who)).get(reverse("patients:document_download", args=[card.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["dr_dana", "clinical_cleo"])
def test_providers_may_read_but_not_upload(persona, client_for, jose, who):
    client = client_for(persona(who))
    assert upload(client, jose, "x.pdf", PDF).status_code == 403
    assert not PatientDocument.objects.exists()


def test_a_missing_file_is_not_found_not_a_crash(dr_dana, client_for, card, document_storage):
    for path in stored_files(document_storage):
        path.unlink()
    response = client_for(dr_dana).get(reverse("patients:document_download", args=[card.pk]))
    assert response.status_code == 404


def test_uploads_are_never_reachable_as_static_files(client_for, dr_dana, card):
    client = client_for(dr_dana)
    for url in (
        f"/static/patient-documents/{card.stored_name}",
        f"/files/patient-documents/{card.stored_name}",
        f"/media/{card.stored_name}",
    ):
        assert client.get(url).status_code == 404
