"""Registering a patient (the next MRN, the duplicate warning) and changing their demographics,
consents or status. Each service validates, runs in one transaction and audits
``praxis.patients.patient.<verb>`` with the patient's id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import Practice, User
from praxis.core.service_support import ServiceError, full_clean_or_refuse

from .matching import search_name_for
from .models import FIRST_MRN, MrnSequence, Patient
from .selectors import likely_duplicates
from .service_support import clean_values, locked, refuse_merged

DEMOGRAPHIC_FIELDS: tuple[str, ...] = (
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "preferred_language",
    "consent_sms",
    "consent_email",
    "consent_voicemail",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
    "guarantor_name",
    "guarantor_relationship",
    "referral_source",
)
PATIENT_UPDATE_FIELDS: tuple[str, ...] = (*DEMOGRAPHIC_FIELDS, "status")
NAME_FIELDS = frozenset({"legal_first_name", "legal_last_name", "preferred_name"})
CONSENT_FIELDS = frozenset({"consent_sms", "consent_email", "consent_voicemail"})


class DuplicateWarning(ServiceError):
    """Registration stopped because the patient may already be registered."""

    def __init__(self, candidates: list[Patient]) -> None:
        self.candidates = candidates
        count = len(candidates)
        records = "record shares" if count == 1 else "records share"
        super().__init__(
            f"This may be a patient who is already registered: {count} existing {records} "
            "the date of birth and a similar name, or the phone number. Check them, or "
            "confirm that this is a new patient.",
            code="possible_duplicate",
        )


# --- MRNs ------------------------------------------------------------------------------------


def _bump_sequence(practice: Practice) -> int:
    # One statement, atomic on both databases: two registrations at once never read the same
    # number (PostgreSQL serializes the upsert on the row; SQLite holds the write lock of the
    # IMMEDIATE transaction). The row lock is held to commit, so registrations in one practice
    # also take turns for their duplicate check.
    table = connection.ops.quote_name(MrnSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (practice_id, last_number) VALUES (%s, %s) "  # noqa: S608
            f"ON CONFLICT (practice_id) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [practice.pk, FIRST_MRN],
        )
        row = cursor.fetchone()
    return int(row[0])


def next_mrn(practice: Practice) -> str:
    """The practice's next MRN. Call inside the transaction that saves the patient, so a
    registration that fails gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_mrn() must run inside the registration's transaction")
    while True:
        mrn = str(_bump_sequence(practice))
        # Records imported from an earlier system may already hold numbers of the sequence.
        if not Patient.objects.filter(practice=practice, mrn=mrn).exists():
            return mrn


# --- patients --------------------------------------------------------------------------------


def patient_register(
    *,
    practice: Practice,
    values: Mapping[str, Any],
    registered_by: User | None,
    confirm_duplicate: bool = False,
) -> Patient:
    """Register a new patient with the next MRN. Raises ``DuplicateWarning`` listing records that
    may be the same person, unless ``confirm_duplicate`` says the person checked them."""
    cleaned = clean_values(Patient, values, DEMOGRAPHIC_FIELDS)
    patient = Patient(practice=practice, created_by=registered_by, **cleaned)
    patient.search_name = search_name_for(
        patient.legal_last_name, patient.legal_first_name, patient.preferred_name
    )
    # The time says when the patient gave a consent: none given, nothing to stamp. (Later, any
    # change, given or withdrawn, is an answer and is stamped: patient_update.)
    if any(getattr(patient, name) for name in CONSENT_FIELDS):
        patient.consents_recorded_at = timezone.now()
    full_clean_or_refuse(patient, exclude=["mrn"])
    with transaction.atomic():
        patient.mrn = next_mrn(practice)
        candidates = likely_duplicates(
            practice=practice,
            legal_first_name=patient.legal_first_name,
            legal_last_name=patient.legal_last_name,
            date_of_birth=patient.date_of_birth,
            phone=patient.phone,
        )
        if candidates and not confirm_duplicate:
            raise DuplicateWarning(candidates)
        patient.save(force_insert=True)
        details: dict[str, Any] = {"mrn": patient.mrn}
        if candidates:
            details["confirmed_despite_possible_duplicates"] = [c.pk for c in candidates]
        audit.record(
            "praxis.patients.patient.registered",
            obj=patient,
            patient_id=patient.pk,
            details=details,
            actor=registered_by,
        )
    return patient


def patient_update(*, patient: Patient, values: Mapping[str, Any], updated_by: User) -> Patient:
    """Change demographics, consents or status. Audits the names of the changed fields."""
    cleaned = clean_values(Patient, values, PATIENT_UPDATE_FIELDS)
    with transaction.atomic():
        current = locked(Patient, patient.pk)
        refuse_merged(current)
        changed = sorted(k for k, v in cleaned.items() if getattr(current, k) != v)
        for name in changed:
            setattr(current, name, cleaned[name])
        if NAME_FIELDS.intersection(changed):
            current.search_name = search_name_for(
                current.legal_last_name, current.legal_first_name, current.preferred_name
            )
        if CONSENT_FIELDS.intersection(changed):
            current.consents_recorded_at = timezone.now()
        full_clean_or_refuse(current)
        if changed:
            current.save()
            audit.record(
                "praxis.patients.patient.updated",
                obj=current,
                patient_id=current.pk,
                details={"fields": changed},
                actor=updated_by,
            )
    return current
