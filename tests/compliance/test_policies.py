"""Policies: versions, approval by those allowed, acknowledgments that reset only for the
affected roles, reminders at most once a day, PDFs judged by their bytes and size."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from praxis.compliance import policies, selectors
from praxis.compliance.models import Acknowledgment, Policy, PolicyVersion
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError

from .conftest import TEXT, publish

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + b"\x00" * 32


def test_a_new_version_resets_acknowledgments_only_for_the_affected_roles(
    conduct, admin_ada, frontdesk_fay, biller_bo, clinical_cleo
):
    for user in (frontdesk_fay, biller_bo, clinical_cleo):
        policies.policy_acknowledge(policy=conduct, user=user)
    assert selectors.acknowledgment_status(conduct).rate == 100

    v2 = policies.version_create(
        policy=conduct,
        body=TEXT + "\nGreet every patient by name.",
        change_summary="Greeting patients",
        affected_roles=["front_desk"],
        by=admin_ada,
    )
    # A draft changes nobody's acknowledgment.
    assert selectors.acknowledgment_status(conduct).rate == 100
    publish(v2, admin_ada, effective=date(2026, 3, 1))
    conduct.refresh_from_db()

    status = selectors.acknowledgment_status(conduct)
    assert status.pending == [frontdesk_fay]
    assert {user for user, _ in status.done} == {biller_bo, clinical_cleo}
    assert all(ack.carried_over for _, ack in status.done)
    assert status.rate == 66
    assert [
        r.policy for r in selectors.policies_to_read(frontdesk_fay) if not r.acknowledged_at
    ] == [conduct]
    assert all(r.acknowledged_at for r in selectors.policies_to_read(biller_bo))
    assert PolicyVersion.objects.get(policy=conduct, number=1).status == "retired"


def test_affected_roles_must_be_among_the_readers(conduct, admin_ada):
    with pytest.raises(ServiceError, match="Only roles that read this policy"):
        policies.version_create(
            policy=conduct, body="x", change_summary="", affected_roles=["hr"], by=admin_ada
        )
    assert conduct.versions.count() == 1


def test_only_the_compliance_officer_or_administrator_may_approve(
    practice, conduct, manager_max, compliance_cole
):
    v2 = policies.version_create(
        policy=conduct, body="New", change_summary="", affected_roles=["biller"], by=manager_max
    )
    policies.version_submit(version=v2, by=manager_max)
    with pytest.raises(ServiceError, match="Only the Practice Administrator or the Compliance"):
        policies.version_approve(
            version=v2,
            effective_date=date(2026, 2, 1),
            next_review_date=date(2027, 2, 1),
            by=manager_max,
        )
    v2.refresh_from_db()
    assert (v2.status, v2.approved_by) == ("in_review", None)
    policies.version_approve(
        version=v2,
        effective_date=date(2026, 2, 1),
        next_review_date=date(2027, 2, 1),
        by=compliance_cole,
    )
    conduct.refresh_from_db()
    assert conduct.current_version == v2


def test_the_approve_page_refuses_a_manager_and_writes_nothing(conduct, manager_max, client_for):
    v2 = policies.version_create(
        policy=conduct, body="New", change_summary="", affected_roles=["biller"], by=manager_max
    )
    policies.version_submit(version=v2, by=manager_max)
    response = client_for(manager_max).post(
        f"/compliance/versions/{v2.pk}/approve/",
        {"effective_date": "2026-02-01", "next_review_date": "2027-02-01"},
    )
    assert response.status_code == 403
    page = client_for(manager_max).get(f"/compliance/versions/{v2.pk}/")
    assert "the Compliance Officer or the Administrator approves it" in page.content.decode()
    v2.refresh_from_db()
    assert v2.status == "in_review"


@pytest.mark.parametrize(
    ("effective", "review", "message"),
    [
        ("2026-02-01", "2026-01-01", "The next review must come after the effective date."),
        ("2026-02-01", "2026-02-01", "The next review must come after the effective date."),
        ("2026-02-01", "", "This field is required."),
    ],
)
def test_approval_dates_out_of_order_are_refused(
    conduct, admin_ada, client_for, effective, review, message
):
    v2 = policies.version_create(
        policy=conduct, body="New", change_summary="", affected_roles=["biller"], by=admin_ada
    )
    policies.version_submit(version=v2, by=admin_ada)
    response = client_for(admin_ada).post(
        f"/compliance/versions/{v2.pk}/approve/",
        {"effective_date": effective, "next_review_date": review},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    v2.refresh_from_db()
    conduct.refresh_from_db()
    assert (v2.status, conduct.current_version_id) == (
        "in_review",
        conduct.versions.get(number=1).pk,
    )


def test_a_draft_must_be_reviewed_before_approval(conduct, admin_ada):
    v2 = policies.version_create(
        policy=conduct, body="New", change_summary="", affected_roles=["biller"], by=admin_ada
    )
    with pytest.raises(ServiceError, match="send the draft for review first"):
        policies.version_approve(
            version=v2,
            effective_date=date(2026, 2, 1),
            next_review_date=date(2027, 2, 1),
            by=admin_ada,
        )


def test_acknowledging_is_one_click_stamped_audited_and_once(conduct, frontdesk_fay, client_for):
    client = client_for(frontdesk_fay)
    response = client.post(f"/compliance/policies/{conduct.pk}/acknowledge/")
    assert response.status_code == 302
    client.post(f"/compliance/policies/{conduct.pk}/acknowledge/")
    ack = Acknowledgment.objects.get(user=frontdesk_fay)
    assert ack.version_id == conduct.current_version_id
    assert ack.acknowledged_at is not None
    events = AuditEvent.objects.filter(action="praxis.compliance.policy.acknowledged")
    assert [(e.actor_id, e.object_id) for e in events] == [(frontdesk_fay.pk, str(conduct.pk))]
    page = client.get(f"/compliance/policies/{conduct.pk}/").content.decode()
    assert "You acknowledged this version on" in page


def test_acknowledging_a_version_no_longer_in_force_is_refused(
    conduct, admin_ada, frontdesk_fay, client_for
):
    read = conduct.current_version_id
    v2 = policies.version_create(
        policy=conduct, body="New", change_summary="", affected_roles=["front_desk"], by=admin_ada
    )
    publish(v2, admin_ada)
    response = client_for(frontdesk_fay).post(
        f"/compliance/policies/{conduct.pk}/acknowledge/", {"version": str(read)}, follow=True
    )
    assert "A newer version of this policy was published" in response.content.decode()
    assert not Acknowledgment.objects.filter(user=frontdesk_fay).exists()


def test_someone_the_policy_is_not_for_cannot_acknowledge_it(conduct, hr_hana, client_for):
    response = client_for(hr_hana).post(
        f"/compliance/policies/{conduct.pk}/acknowledge/", follow=True
    )
    assert "not one your roles are asked to acknowledge" in response.content.decode()
    assert not Acknowledgment.objects.exists()


def test_reminders_go_once_a_day_per_person_and_version(
    conduct,
    compliance_cole,
    frontdesk_fay,
    biller_bo,
    clinical_cleo,
    client_for,
    django_capture_on_commit_callbacks,
):
    policies.policy_acknowledge(policy=conduct, user=clinical_cleo)
    client = client_for(compliance_cole)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/compliance/policies/{conduct.pk}/remind/", follow=True)
    assert "Sent 2 reminder e-mails." in first.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([frontdesk_fay.email, biller_bo.email])
    assert "Code of conduct" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(f"/compliance/policies/{conduct.pk}/remind/", follow=True)
    assert "Sent 0 reminder e-mails. 2 were reminded today already." in second.content.decode()
    assert len(mail.outbox) == 2


def test_drafts_are_not_shown_to_readers(practice, compliance_cole, frontdesk_fay, client_for):
    draft = policies.policy_create(
        practice=practice,
        title="Draft policy",
        category="osha",
        owner=None,
        roles=["front_desk"],
        body="Not yet",
        by=compliance_cole,
    )
    version = draft.versions.get()
    reader = client_for(frontdesk_fay)
    assert reader.get(f"/compliance/policies/{draft.pk}/").status_code == 404
    assert reader.get(f"/compliance/versions/{version.pk}/").status_code == 404
    assert "Draft policy" not in reader.get("/compliance/policies/").content.decode()
    assert client_for(compliance_cole).get(f"/compliance/policies/{draft.pk}/").status_code == 200


def test_the_diff_shows_what_changed_escaped(conduct, admin_ada, client_for):
    v2 = policies.version_create(
        policy=conduct,
        body="Be respectful.\nBe on time, <script>alert(1)</script>.\nReport harassment to HR.",
        change_summary="",
        affected_roles=["biller"],
        by=admin_ada,
    )
    page = client_for(admin_ada).get(f"/compliance/versions/{v2.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    removed = '<div class="diff-removed"><span class="visually-hidden">Removed: </span>- '
    added = '<div class="diff-added"><span class="visually-hidden">Added: </span>+ '
    assert removed + "Be on time." in page
    assert added + "Report harassment to HR." in page


def _add_policy(client, upload):  # type: ignore[no-untyped-def]
    return client.post(
        "/compliance/policies/add/",
        {"title": "Fire plan", "category": "emergency", "roles": ["front_desk"], "file": upload},
    )


def test_a_policy_may_be_a_pdf(compliance_cole, client_for):
    response = _add_policy(client_for(compliance_cole), SimpleUploadedFile("fire.pdf", PDF))
    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    assert (version.original_filename, version.size) == ("fire.pdf", len(PDF))
    with default_storage.open(version.storage_path, "rb") as handle:
        assert handle.read() == PDF
    download = client_for(compliance_cole).get(f"/compliance/versions/{version.pk}/file/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_a_disguised_pdf_is_refused_and_nothing_is_kept(compliance_cole, client_for):
    response = _add_policy(client_for(compliance_cole), SimpleUploadedFile("fire.pdf", PNG))
    assert response.status_code == 400
    assert "Only a PDF can be a policy&#x27;s document" in response.content.decode()
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()


def test_an_oversized_pdf_is_refused_and_nothing_is_kept(compliance_cole, client_for, settings):
    settings.PRAXIS_UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = _add_policy(client_for(compliance_cole), SimpleUploadedFile("fire.pdf", big))
    assert response.status_code == 400
    assert "a policy&#x27;s PDF can be at most 1 MB" in response.content.decode()
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()


def test_neither_text_nor_pdf_is_refused(compliance_cole, client_for):
    response = _add_policy(client_for(compliance_cole), "")
    assert response.status_code == 400
    assert "Write the policy&#x27;s text or upload it as a PDF." in response.content.decode()
    assert not Policy.objects.exists()
