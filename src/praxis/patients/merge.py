"""Merging a duplicate record into the one kept, and the patients app's own merge steps (its
coverages, documents and earlier merges). Other apps declare their steps in their own
``merging.py`` (see ``patients/merging.py``); ``PatientsConfig.ready()`` imports this module so
the steps below are registered before any merge runs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from praxis.core import audit
from praxis.core.models import User
from praxis.core.service_support import ServiceError

from .merging import merge_steps, moves_on_merge
from .models import Coverage, Patient, PatientDocument


@moves_on_merge("patients.Coverage.patient", "patients.PatientDocument.patient")
def _move_coverages_and_documents(*, keep: Patient, duplicate: Patient) -> dict[str, int]:
    coverages = list(Coverage.objects.filter(patient=duplicate))
    documents = list(PatientDocument.objects.filter(patient=duplicate))
    # A save, not update(): history records the move.
    for coverage in coverages:
        coverage.patient = keep
        coverage.save(update_fields=["patient"])
    for document in documents:
        document.patient = keep
        document.save(update_fields=["patient"])
    return {"coverages": len(coverages), "documents": len(documents)}


@moves_on_merge("patients.Patient.merged_into")
def _repoint_earlier_merges(*, keep: Patient, duplicate: Patient) -> dict[str, int]:
    # Records merged into the duplicate earlier now point at the record that survives.
    for earlier in Patient.objects.filter(merged_into=duplicate):
        earlier.merged_into = keep
        earlier.save(update_fields=["merged_into"])
    return {}


def _refuse_merge(keep: Patient, duplicate: Patient, merged_by: User) -> None:
    if not merged_by.has_perm("patients.merge_patient"):
        raise PermissionDenied("Only the Practice Administrator merges patient records.")
    if keep.pk == duplicate.pk:
        raise ServiceError("A record cannot be merged into itself.")
    if keep.practice_id != duplicate.practice_id:
        raise ServiceError("Records of different practices cannot be merged.")


def patient_merge(*, keep: Patient, duplicate: Patient, merged_by: User) -> Patient:
    """Fold a duplicate record into the one to keep: every merge step (``merging.py``: this
    app's coverages, documents and earlier merges, other apps' rows) moves the duplicate's rows,
    and the duplicate becomes an inactive record pointing at ``keep``. Irreversible; the
    Administrator's decision alone."""
    _refuse_merge(keep, duplicate, merged_by)
    with transaction.atomic():
        # Lock both in id order, so two merges of the same pair cannot deadlock.
        locked = {
            p.pk: p
            for p in Patient.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        }
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if keep.merged_into_id is not None:
            raise ServiceError("The record to keep was itself merged away; merge into its target.")
        if duplicate.merged_into_id is not None:
            raise ServiceError("That record was already merged.")
        moved: dict[str, int] = {}
        for step in merge_steps():
            moved.update(step.move(keep=keep, duplicate=duplicate))
        duplicate.merged_into = keep
        duplicate.status = Patient.Status.INACTIVE
        duplicate.save(update_fields=["merged_into", "status"])
        audit.record(
            "praxis.patients.patient.merged",
            obj=keep,
            patient_id=keep.pk,
            details={"duplicate_id": duplicate.pk, "duplicate_mrn": duplicate.mrn, "moved": moved},
            actor=merged_by,
        )
        audit.record(
            "praxis.patients.patient.merged_into",
            obj=duplicate,
            patient_id=duplicate.pk,
            details={"keep_id": keep.pk, "keep_mrn": keep.mrn},
            actor=merged_by,
        )
    return keep
