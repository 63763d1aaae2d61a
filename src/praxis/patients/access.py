"""The only way to load a patient, or anything tied to one, for a user.

Each condition stands on its own line; "does not exist" and "not yours" are the same 404, so an
id from another practice reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from .models import Patient


def patients_visible_to(user: Any) -> Any:
    """The patients a user may see: their practice's, and only with the view permission."""
    if not getattr(user, "is_authenticated", False):
        return Patient.objects.none()
    if not user.has_perm("patients.view_patient"):
        return Patient.objects.none()
    if user.practice_id is None:
        return Patient.objects.none()
    return Patient.objects.filter(practice_id=user.practice_id)


def access_patient_by_id(user: Any, patient_id: Any) -> Patient:
    try:
        pk = int(patient_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    patient = patients_visible_to(user).filter(pk=pk).first()
    if patient is None:
        raise Http404
    return patient  # type: ignore[no-any-return]
