"""Writes for the patients app: registration (MRN, duplicate warning), demographics, payers,
coverages and eligibility checks, documents, and merging duplicate records.

Each service takes keyword arguments, validates, runs in one transaction and writes an audit event
``praxis.patients.<entity>.<verb>`` with the patient's id. A refused change raises
``ServiceError`` (field errors keyed by field name, so forms show them next to the field).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import CharField, Model, Q
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import Practice, User
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse
from praxis.core.validators import normalize_phone

from . import uploads
from .matching import search_name_for
from .merging import merge_steps, moves_on_merge
from .models import FIRST_MRN, Coverage, MrnSequence, Patient, PatientDocument, Payer
from .selectors import likely_duplicates

__all__ = ["DuplicateWarning", "ServiceError"]

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
PHONE_FIELDS = frozenset({"phone", "emergency_contact_phone"})
COVERAGE_FIELDS: tuple[str, ...] = (
    "payer",
    "member_id",
    "group_number",
    "subscriber_name",
    "subscriber_relationship",
    "subscriber_date_of_birth",
    "priority",
    "effective_date",
    "end_date",
)
PAYER_FIELDS: tuple[str, ...] = ("name", "edi_payer_id", "kind", "is_active")
# Changing these makes an earlier eligibility check say nothing about the coverage.
COVERAGE_IDENTITY_FIELDS = frozenset({"payer", "member_id"})


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


# --- shared helpers --------------------------------------------------------------------------


def _clean_values(
    model: type[Model], values: Mapping[str, Any], allowed: Iterable[str]
) -> dict[str, Any]:
    """Trim text, store phone numbers as E.164, refuse fields a caller may not set."""
    allowed = tuple(allowed)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ServiceError(f"These fields cannot be set here: {', '.join(unknown)}.")
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        is_text = isinstance(model._meta.get_field(name), CharField)
        if is_text and value is None:
            value = ""  # text columns store "nothing" as the empty string
        if isinstance(value, str):
            value = value.strip()
        if name in PHONE_FIELDS and value:
            try:
                value = normalize_phone(value)
            except ValidationError as exc:
                errors[name] = exc.messages
        if name in UPPER_CASE_FIELDS and isinstance(value, str):
            value = value.upper()
        cleaned[name] = value
    if errors:
        raise ServiceError(errors)
    return cleaned


UPPER_CASE_FIELDS = frozenset({"state", "edi_payer_id"})


def _lock(model: type[Model], pk: int) -> Any:
    return model._default_manager.select_for_update().get(pk=pk)


def _refuse_merged(patient: Patient) -> None:
    if patient.merged_into_id is not None:
        raise ServiceError(
            "This record was merged into another one and can no longer be changed; "
            "open the record it was merged into."
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
    cleaned = _clean_values(Patient, values, DEMOGRAPHIC_FIELDS)
    patient = Patient(practice=practice, created_by=registered_by, **cleaned)
    patient.search_name = search_name_for(
        patient.legal_last_name, patient.legal_first_name, patient.preferred_name
    )
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
    cleaned = _clean_values(Patient, values, PATIENT_UPDATE_FIELDS)
    with transaction.atomic():
        current = _lock(Patient, patient.pk)
        _refuse_merged(current)
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
    return current  # type: ignore[no-any-return]


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


def patient_merge(*, keep: Patient, duplicate: Patient, merged_by: User) -> Patient:
    """Fold a duplicate record into the one to keep: every merge step (``merging.py``: this
    app's coverages, documents and earlier merges, other apps' rows) moves the duplicate's rows,
    and the duplicate becomes an inactive record pointing at ``keep``. Irreversible; the
    Administrator's decision alone."""
    if not merged_by.has_perm("patients.merge_patient"):
        raise PermissionDenied("Only the Practice Administrator merges patient records.")
    if keep.pk == duplicate.pk:
        raise ServiceError("A record cannot be merged into itself.")
    if keep.practice_id != duplicate.practice_id:
        raise ServiceError("Records of different practices cannot be merged.")
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
    return keep  # type: ignore[no-any-return]


# --- payers ----------------------------------------------------------------------------------


def _guard_payer_name(practice: Practice, name: str, *, payer: Payer | None) -> None:
    taken = Payer.objects.filter(practice=practice, name__iexact=name.strip())
    if payer is not None:
        taken = taken.exclude(pk=payer.pk)
    if taken.exists():
        raise ServiceError({"name": f"There is already a payer called {name.strip()!r}."})


def payer_create(*, practice: Practice, values: Mapping[str, Any]) -> Payer:
    cleaned = _clean_values(Payer, values, PAYER_FIELDS)
    with transaction.atomic():
        _guard_payer_name(practice, cleaned.get("name", ""), payer=None)
        payer = Payer(practice=practice, **cleaned)
        full_clean_or_refuse(payer)
        payer.save()
        audit.record("praxis.patients.payer.created", obj=payer, details={"name": payer.name})
    return payer


def payer_update(*, payer: Payer, values: Mapping[str, Any]) -> Payer:
    cleaned = _clean_values(Payer, values, PAYER_FIELDS)
    with transaction.atomic():
        current: Payer = _lock(Payer, payer.pk)
        _guard_payer_name(current.practice, cleaned.get("name", current.name), payer=current)
        changed = apply_changes(current, cleaned)
        if changed:
            audit.record("praxis.patients.payer.updated", obj=current, details={"fields": changed})
    return current


# --- coverages -------------------------------------------------------------------------------


def _check_coverage(coverage: Coverage, *, payer_changed: bool) -> None:
    patient = coverage.patient
    _refuse_merged(patient)
    payer = coverage.payer
    if payer.practice_id != patient.practice_id:
        raise ServiceError({"payer": "Choose one of the practice's payers."})
    if payer_changed and not payer.is_active:
        raise ServiceError({"payer": f"{payer.name} is no longer in use; choose another payer."})
    if (
        coverage.subscriber_relationship != Coverage.Relationship.SELF
        and not coverage.subscriber_name
    ):
        raise ServiceError(
            {"subscriber_name": "Name the subscriber: the person who holds the policy."}
        )
    full_clean_or_refuse(coverage, exclude=["patient", "payer"])
    _guard_overlap(coverage)


def _guard_overlap(coverage: Coverage) -> None:
    """One coverage per priority at a time: a second primary must wait for the first to end."""
    others = Coverage.objects.filter(patient=coverage.patient, priority=coverage.priority).exclude(
        pk=coverage.pk
    )
    if coverage.end_date is not None:
        others = others.filter(effective_date__lte=coverage.end_date)
    clash = (
        others.filter(Q(end_date__isnull=True) | Q(end_date__gte=coverage.effective_date))
        .select_related("payer")
        .first()
    )
    if clash is not None:
        ends = f"until {clash.end_date:%m/%d/%Y}" if clash.end_date else "with no end date"
        raise ServiceError(
            {
                "priority": (
                    f"The patient already has a {clash.get_priority_display().lower()} coverage "
                    f"({clash.payer.name}, from {clash.effective_date:%m/%d/%Y} {ends}) for these "
                    "dates. End it first, or choose another priority."
                )
            }
        )


def coverage_add(*, patient: Patient, values: Mapping[str, Any], added_by: User) -> Coverage:
    cleaned = _clean_values(Coverage, values, COVERAGE_FIELDS)
    with transaction.atomic():
        # Lock the patient: two clerks adding a primary coverage at once take turns.
        current = _lock(Patient, patient.pk)
        coverage = Coverage(patient=current, **cleaned)
        if not isinstance(cleaned.get("payer"), Payer):
            raise ServiceError({"payer": "Choose a payer."})
        _check_coverage(coverage, payer_changed=True)
        coverage.save()
        audit.record(
            "praxis.patients.coverage.added",
            obj=coverage,
            patient_id=current.pk,
            details={"payer": coverage.payer_id, "priority": coverage.priority},
            actor=added_by,
        )
    return coverage


def coverage_update(*, coverage: Coverage, values: Mapping[str, Any], updated_by: User) -> Coverage:
    """Change a coverage. A new payer or member id makes the last eligibility check void."""
    cleaned = _clean_values(Coverage, values, COVERAGE_FIELDS)
    with transaction.atomic():
        _lock(Patient, coverage.patient_id)
        current: Coverage = Coverage.objects.select_related("patient", "payer").get(pk=coverage.pk)
        changed = sorted(k for k, v in cleaned.items() if getattr(current, k) != v)
        for name in changed:
            setattr(current, name, cleaned[name])
        if COVERAGE_IDENTITY_FIELDS.intersection(changed):
            current.eligibility_status = Coverage.Eligibility.UNVERIFIED
            current.eligibility_checked_at = None
            current.eligibility_checked_by = None
            current.eligibility_note = ""
        _check_coverage(current, payer_changed="payer" in changed)
        if changed:
            current.save()
            audit.record(
                "praxis.patients.coverage.updated",
                obj=current,
                patient_id=current.patient_id,
                details={"fields": changed},
                actor=updated_by,
            )
    return current


def coverage_end(*, coverage: Coverage, end_date: date, ended_by: User) -> Coverage:
    """Record the last day a coverage pays for."""
    with transaction.atomic():
        _lock(Patient, coverage.patient_id)
        current: Coverage = Coverage.objects.select_related("patient", "payer").get(pk=coverage.pk)
        _refuse_merged(current.patient)
        if end_date < current.effective_date:
            raise ServiceError({"end_date": "The end date is before the effective date."})
        current.end_date = end_date
        full_clean_or_refuse(current, exclude=["patient", "payer"])
        current.save(update_fields=["end_date"])
        audit.record(
            "praxis.patients.coverage.ended",
            obj=current,
            patient_id=current.patient_id,
            details={"end_date": end_date.isoformat()},
            actor=ended_by,
        )
    return current


# A check typed in at the end of a call may carry a clock a little ahead of the server's.
_CLOCK_SKEW = timedelta(minutes=5)


def coverage_record_eligibility(
    *,
    coverage: Coverage,
    status: str,
    checked_by: User | None,
    note: str = "",
    checked_at: datetime | None = None,
) -> Coverage:
    """Record the outcome of an eligibility check (by phone or on the payer's portal)."""
    recordable = {
        Coverage.Eligibility.ACTIVE,
        Coverage.Eligibility.INACTIVE,
        Coverage.Eligibility.UNKNOWN,
    }
    if status not in recordable:
        raise ServiceError({"status": "Say whether the coverage is active, inactive or unknown."})
    now = timezone.now()
    checked_at = checked_at or now
    if checked_at > now + _CLOCK_SKEW:
        raise ServiceError({"checked_at": "The check cannot be in the future."})
    with transaction.atomic():
        current: Coverage = Coverage.objects.select_for_update().get(pk=coverage.pk)
        _refuse_merged(current.patient)
        current.eligibility_status = status
        current.eligibility_checked_at = checked_at
        current.eligibility_checked_by = checked_by
        current.eligibility_note = (note or "").strip()
        full_clean_or_refuse(current, exclude=["patient", "payer"])
        current.save(
            update_fields=[
                "eligibility_status",
                "eligibility_checked_at",
                "eligibility_checked_by",
                "eligibility_note",
            ]
        )
        audit.record(
            "praxis.patients.coverage.eligibility_recorded",
            obj=current,
            patient_id=current.patient_id,
            details={"status": status, "checked_at": checked_at.isoformat()},
            actor=checked_by,
        )
    return current


# --- documents -------------------------------------------------------------------------------


def upload_limit_bytes() -> int:
    return int(settings.PRAXIS_UPLOAD_MAX_MB) * 1024 * 1024


def _read_limited(upload: Any, limit: int) -> bytes:
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(declared, limit)
    chunks, total = [], 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        total += len(chunk)
        if total > limit:  # the declared size was wrong: stop reading at once
            raise _too_large(total, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> ServiceError:
    return ServiceError(
        {
            "file": (
                f"The file is {size / 1024 / 1024:.1f} MB; files can be at most "
                f"{limit // (1024 * 1024)} MB. Scan at a lower resolution or split the document."
            )
        }
    )


def document_upload(
    *, patient: Patient, kind: str, upload: Any, uploaded_by: User
) -> PatientDocument:
    """Store a scanned document for a patient. Only PDF, PNG and JPEG, judged by content; at
    most PRAXIS_UPLOAD_MAX_MB. A refused file leaves nothing behind."""
    _refuse_merged(patient)
    if kind not in PatientDocument.Kind.values:
        raise ServiceError({"kind": "Choose what kind of document this is."})
    data = _read_limited(upload, upload_limit_bytes())
    if not data:
        raise ServiceError({"file": "The file is empty."})
    file_type = uploads.sniff(data[:32])
    if file_type is None:
        raise ServiceError(
            {
                "file": (
                    "Only PDF, PNG and JPEG files can be uploaded, and this file is none of "
                    "them, whatever its name says. Scan or save it as PDF, PNG or JPEG."
                )
            }
        )
    document = PatientDocument(
        patient=patient,
        kind=kind,
        original_filename=uploads.clean_filename(getattr(upload, "name", "") or ""),
        stored_name=uuid.uuid4().hex,
        content_type=file_type.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
    )
    full_clean_or_refuse(document, exclude=["patient"])
    saved = None
    try:
        with transaction.atomic():
            saved = default_storage.save(document.storage_path, ContentFile(data))
            if saved != document.storage_path:  # a generated name is never taken
                raise RuntimeError("document storage renamed a generated file name")
            document.save(force_insert=True)
            audit.record(
                "praxis.patients.document.uploaded",
                obj=document,
                patient_id=patient.pk,
                details={
                    "kind": kind,
                    "content_type": document.content_type,
                    "size": document.size,
                    "sha256": document.sha256,
                },
                actor=uploaded_by,
            )
    except BaseException:
        if saved is not None:
            default_storage.delete(saved)
        raise
    return document
