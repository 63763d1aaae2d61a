"""The only way to load a patient, or anything tied to one, for a user.

Each condition stands on its own line; "does not exist" and "not yours" are the same 404, so an
id from another practice reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import Coverage, Patient, PatientDocument


def patients_visible_to(user: Any) -> QuerySet[Patient]:
    """The patients a user may see: their practice's, and only with the view permission."""
    if not getattr(user, "is_authenticated", False):
        return Patient.objects.none()
    if not user.has_perm("patients.view_patient"):
        return Patient.objects.none()
    if user.practice_id is None:
        return Patient.objects.none()
    return Patient.objects.filter(practice_id=user.practice_id)


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def access_patient_by_id(user: Any, patient_id: Any) -> Patient:
    pk = _pk(patient_id)
    patient = patients_visible_to(user).filter(pk=pk).first()
    if patient is None:
        raise Http404
    return patient


def access_coverage_by_id(user: Any, coverage_id: Any) -> Coverage:
    pk = _pk(coverage_id)
    coverage = (
        Coverage.objects.select_related("patient", "payer")
        .filter(pk=pk)
        .filter(patient__in=patients_visible_to(user))
        .first()
    )
    if coverage is None:
        raise Http404
    return coverage


def access_document_by_id(user: Any, document_id: Any) -> PatientDocument:
    pk = _pk(document_id)
    document = (
        PatientDocument.objects.select_related("patient")
        .filter(pk=pk)
        .filter(patient__in=patients_visible_to(user))
        .first()
    )
    if document is None:
        raise Http404
    return document
