"""Merging duplicate records. Ada, the Practice Administrator, finds that "Jos Nunez" was
registered again last month. She names the duplicate, reviews both records side by side and what
will move, ticks that she understands it cannot be undone, and merges: the coverages and documents
move to the record kept, every other app moves its rows (``patients/merging.py``), and the
duplicate is closed, pointing at the record kept. Nobody else may merge."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import audit_mark, events_since, page_text, shows
from praxis.patients import documents, merge, merging, registration
from praxis.patients.models import Coverage, Patient, PatientDocument
from praxis.patients.testing.factories import CoverageFactory, PatientFactory

from .helpers import edit_form_data, row, writes_since

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def jos(practice, jose, aetna):  # type: ignore[no-untyped-def]
    """José, registered a second time with a short first name and a coverage of his own."""
    duplicate = PatientFactory(
        practice=practice,
        legal_first_name="Jos",
        legal_last_name="Nunez",
        date_of_birth=jose.date_of_birth,
        phone="+18025550111",
    )
    CoverageFactory(patient=duplicate, payer=aetna, member_id="W777")
    documents.document_upload(
        patient=duplicate,
        kind="photo_id",
        upload=SimpleUploadedFile("id.pdf", PDF),
        uploaded_by=None,  # type: ignore[arg-type]
    )
    return duplicate


@contextmanager
def extra_merge_step(move):  # type: ignore[no-untyped-def]
    """A merge step of a pretend app, for the length of a test."""
    step = merging.MergeStep(("tests.Pretend.patient",), move)
    merging._STEPS.append(step)
    try:
        yield
    finally:
        merging._STEPS.remove(step)


def merge_url(patient: Patient) -> str:
    return reverse("patients:merge", args=[patient.pk])


def test_ada_merges_a_duplicate_after_reviewing_it(admin_ada, client_for, jose, jos):
    ada = client_for(admin_ada)
    received: list[tuple[int, int]] = []

    def another_app_moves_its_rows(*, keep, duplicate):  # type: ignore[no-untyped-def]
        received.append((keep.pk, duplicate.pk))
        return {}

    with extra_merge_step(another_app_moves_its_rows):
        # 1. the merge page offers the likely duplicates
        start = ada.get(merge_url(jose))
        assert start.status_code == 200
        assert "Nunez, Jos" in page_text(start) and jos.mrn in page_text(start)

        # 2. naming the duplicate shows the review; nothing changes yet
        mark = audit_mark()
        review = ada.post(merge_url(jose), {"duplicate_mrn": jos.mrn})
        assert review.status_code == 200
        html = page_text(review)
        assert 'id="merge-review"' in html
        assert "1 coverage and 1 document move to MRN 100001" in html
        assert "this cannot be undone" in html
        assert 'type="checkbox" name="confirm"' in html
        assert 'type="hidden" name="step" value="confirm"' in html
        assert writes_since(mark) == []
        assert Patient.objects.get(pk=jos.pk).merged_into is None

        # 3. merging without ticking the box is refused
        untick = ada.post(merge_url(jose), {"duplicate_mrn": jos.mrn, "step": "confirm"})
        assert untick.status_code == 400
        assert shows(untick, "Tick this box to merge the records.")
        assert writes_since(mark) == []

        # 4. ticked: merged
        done = ada.post(
            merge_url(jose), {"duplicate_mrn": jos.mrn, "step": "confirm", "confirm": "on"}
        )

    assert done.status_code == 302
    assert done.url == reverse("patients:detail", args=[jose.pk])
    jos.refresh_from_db()
    assert jos.merged_into == jose
    assert jos.status == Patient.Status.INACTIVE
    assert list(Coverage.objects.filter(patient=jose).values_list("member_id", flat=True)) == [
        "W777"
    ]
    assert PatientDocument.objects.get().patient == jose
    assert received == [(jose.pk, jos.pk)]
    [merged] = events_since(mark, "praxis.patients.patient.merged")
    assert merged.actor == admin_ada
    assert merged.patient_id == str(jose.pk)
    assert merged.details == {
        "duplicate_id": jos.pk,
        "duplicate_mrn": jos.mrn,
        "moved": {
            "coverages": 1,
            "documents": 1,
            "appointments": 0,
            "waitlist_entries": 0,
            "encounters": 0,
            "open_items": 0,
            "journal_lines": 0,
            "collection_notes": 0,
            "payments": 0,
        },
    }
    [closed] = events_since(mark, "praxis.patients.patient.merged_into")
    assert closed.patient_id == str(jos.pk)
    assert closed.details == {"keep_id": jose.pk, "keep_mrn": jose.mrn}
    assert "It cannot be undone." in page_text(ada.get(done.url))
    # the closed record says where it went, and can no longer be changed
    closed_page = page_text(ada.get(reverse("patients:detail", args=[jos.pk])))
    assert 'id="merged-banner"' in closed_page
    assert reverse("patients:edit", args=[jos.pk]) not in closed_page
    assert ada.get(reverse("patients:edit", args=[jos.pk])).status_code == 404
    with pytest.raises(ServiceError, match="merged into another one"):
        registration.patient_update(patient=jos, values={"city": "X"}, updated_by=admin_ada)


def test_a_failing_receiver_undoes_the_whole_merge(admin_ada, jose, jos):
    def broken(*, keep, duplicate):  # type: ignore[no-untyped-def]
        raise RuntimeError("scheduling could not move its rows")

    before = (row(jose), row(jos))
    mark = audit_mark()
    with extra_merge_step(broken), pytest.raises(RuntimeError):
        merge.patient_merge(keep=jose, duplicate=jos, merged_by=admin_ada)
    assert (row(jose), row(jos)) == before
    assert Coverage.objects.get().patient == jos
    assert PatientDocument.objects.get().patient == jos
    assert writes_since(mark) == []


def test_records_merged_into_the_duplicate_earlier_follow_it(admin_ada, practice, jose, jos):
    older = PatientFactory(practice=practice)
    merge.patient_merge(keep=jos, duplicate=older, merged_by=admin_ada)
    merge.patient_merge(keep=jose, duplicate=jos, merged_by=admin_ada)
    older.refresh_from_db()
    assert older.merged_into == jose


@pytest.mark.parametrize("who", ["manager_max", "frontdesk_fay", "biller_bo", "dr_dana"])
def test_only_the_administrator_merges(persona, client_for, jose, jos, who):
    user = persona(who)
    client = client_for(user)
    before = (row(jose), row(jos))
    mark = audit_mark()

    assert client.get(merge_url(jose)).status_code == 403
    response = client.post(
        merge_url(jose), {"duplicate_mrn": jos.mrn, "step": "confirm", "confirm": "on"}
    )

    assert response.status_code == 403
    detail = page_text(client.get(reverse("patients:detail", args=[jose.pk])))
    assert merge_url(jose) not in detail
    with pytest.raises(PermissionDenied):
        merge.patient_merge(keep=jose, duplicate=jos, merged_by=user)
    assert (row(jose), row(jos)) == before
    assert writes_since(mark) == []


@pytest.mark.parametrize(
    ("mrn", "message"),
    [
        ("100001", "No other active record has this MRN."),  # José himself
        ("999999", "No other active record has this MRN."),
        ("777777", "No other active record has this MRN."),  # another practice's patient
        ("", "This field is required."),
    ],
)
def test_naming_a_record_that_cannot_be_merged_is_refused(
    admin_ada, client_for, jose, jos, elsewhere_patient, mrn, message
):
    ada = client_for(admin_ada)
    before = (row(jose), row(jos), row(elsewhere_patient))
    mark = audit_mark()

    response = ada.post(merge_url(jose), {"duplicate_mrn": mrn, "step": "confirm", "confirm": "on"})

    assert response.status_code == 400
    assert shows(response, message)
    assert "Otherton" not in page_text(response)
    assert (row(jose), row(jos), row(elsewhere_patient)) == before
    assert writes_since(mark) == []


def test_a_record_already_merged_cannot_be_merged_again(admin_ada, client_for, practice, jose, jos):
    merge.patient_merge(keep=jose, duplicate=jos, merged_by=admin_ada)
    third = PatientFactory(practice=practice)
    ada = client_for(admin_ada)
    response = ada.post(
        merge_url(third), {"duplicate_mrn": jos.mrn, "step": "confirm", "confirm": "on"}
    )
    assert response.status_code == 400
    assert ada.get(merge_url(jos)).status_code == 404  # nothing merges into a closed record
    with pytest.raises(ServiceError, match="already merged"):
        merge.patient_merge(keep=third, duplicate=jos, merged_by=admin_ada)
    with pytest.raises(ServiceError, match="into itself"):
        merge.patient_merge(keep=jose, duplicate=jose, merged_by=admin_ada)


def test_another_practices_patient_cannot_be_merged(admin_ada, client_for, jose, elsewhere_patient):
    ada = client_for(admin_ada)
    assert ada.get(merge_url(elsewhere_patient)).status_code == 404
    with pytest.raises(ServiceError, match="different practices"):
        merge.patient_merge(keep=jose, duplicate=elsewhere_patient, merged_by=admin_ada)


def test_after_a_merge_the_closed_record_is_no_duplicate_candidate(admin_ada, practice, jose, jos):
    merge.patient_merge(keep=jose, duplicate=jos, merged_by=admin_ada)
    with pytest.raises(registration.DuplicateWarning) as raised:
        registration.patient_register(
            practice=practice,
            values={
                "legal_first_name": "José",
                "legal_last_name": "Nunez",
                "date_of_birth": date(1980, 2, 3),
                "sex": "M",
            },
            registered_by=admin_ada,
        )
    assert raised.value.candidates == [jose]


def test_merged_records_show_where_they_went_in_search(admin_ada, client_for, jose, jos):
    merge.patient_merge(keep=jose, duplicate=jos, merged_by=admin_ada)
    response = client_for(admin_ada).post(reverse("patients:search"), {"q": jos.mrn})
    assert f"merged into {jose.mrn}" in page_text(response)


def test_editing_after_a_merge_still_works_on_the_record_kept(admin_ada, client_for, jose, jos):
    merge.patient_merge(keep=jose, duplicate=jos, merged_by=admin_ada)
    response = client_for(admin_ada).post(
        reverse("patients:edit", args=[jose.pk]), edit_form_data(jose, city="Winooski")
    )
    assert response.status_code == 302


def test_every_foreign_key_to_a_patient_is_moved_by_a_merge_step():
    """The contract: a new model pointing at a patient must say what a merge does with it."""
    from django.apps import apps

    pointing = {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is Patient
        and not model.__name__.startswith("Historical")  # history rows record, they are not moved
    }
    assert pointing, "found no foreign key to Patient: the enumeration is broken"
    assert "scheduling.WaitlistEntry.patient" in pointing
    not_moved = pointing - merging.handled_fields()
    assert not not_moved, f"a merge leaves these rows behind: {sorted(not_moved)}"
    declared_but_gone = merging.handled_fields() - pointing
    assert not declared_but_gone, f"merge steps name fields that are not there: {declared_but_gone}"
