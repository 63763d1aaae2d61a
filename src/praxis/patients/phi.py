"""Recording that a list of patients was shown (pages and API share it)."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest

from praxis.core.audit import audit_phi_read

from .models import Patient


def audit_patients_shown(request: HttpRequest, patients: Sequence[Patient], what: str) -> None:
    """One PHI-read event naming every patient a list showed. What was typed in the search box is
    not recorded: it may be a name, and the audit trail is read by roles that may not see
    patients (the Compliance Officer)."""
    if patients:
        audit_phi_read(request, patient_id="", what=what, patient_ids=[p.pk for p in patients])
