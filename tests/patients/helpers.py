"""Helpers for the patients stories: form data, rows, stored files, audit writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.forms.models import model_to_dict

from praxis.core.testing.assertions import actions_since
from praxis.patients.models import Patient
from praxis.patients.registration import PATIENT_UPDATE_FIELDS

HTMX = {"HX-Request": "true"}


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def patient_form_data(**changes: Any) -> dict[str, Any]:
    """What the front desk types to register Zoë Åberg."""
    data: dict[str, Any] = {
        "legal_first_name": "Zoë",
        "legal_middle_name": "",
        "legal_last_name": "Åberg",
        "preferred_name": "",
        "date_of_birth": "04/05/1992",
        "sex": "F",
        "gender_identity": "",
        "phone": "(802) 555-0177",
        "email": "zoe@example.com",
        "address_line1": "12 Pearl Street",
        "address_line2": "",
        "city": "Burlington",
        "state": "VT",
        "postal_code": "05401",
        "preferred_language": "English",
        "consent_sms": "on",
        "emergency_contact_name": "Erik Åberg",
        "emergency_contact_phone": "802-555-0178",
        "emergency_contact_relationship": "Brother",
        "guarantor_name": "",
        "guarantor_relationship": "",
        "referral_source": "Website",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_form_data(patient: Patient, **changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in model_to_dict(patient, fields=PATIENT_UPDATE_FIELDS).items()}
    data["date_of_birth"] = patient.date_of_birth.isoformat()
    for consent in ("consent_sms", "consent_email", "consent_voicemail"):
        if data[consent]:
            data[consent] = "on"
        else:
            data.pop(consent)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def row(instance: Any) -> dict[str, Any]:
    return model_to_dict(type(instance).objects.get(pk=instance.pk))


def writes_since(mark: int) -> list[str]:
    """Audit actions after the mark, other than reads."""
    return [a for a in actions_since(mark) if a != "praxis.phi.read"]
