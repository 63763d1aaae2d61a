"""A patient's insurance coverages and their eligibility checks: adding, changing and ending a
coverage (one per priority at a time), and recording what a check found. Each service locks the
patient, so two clerks changing one patient's coverages take turns, and audits
``praxis.patients.coverage.<verb>`` with the patient's id."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from praxis.core import audit, datefmt
from praxis.core.models import User
from praxis.core.service_support import ServiceError, full_clean_or_refuse

from .models import Coverage, Patient, Payer
from .service_support import clean_values, locked, refuse_merged

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
# Changing these makes an earlier eligibility check say nothing about the coverage.
COVERAGE_IDENTITY_FIELDS = frozenset({"payer", "member_id"})
# A check typed in at the end of a call may carry a clock a little ahead of the server's.
_CLOCK_SKEW = timedelta(minutes=5)


def _check_coverage(coverage: Coverage, *, payer_changed: bool) -> None:
    patient = coverage.patient
    refuse_merged(patient)
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
        ends = f"until {datefmt.short(clash.end_date)}" if clash.end_date else "with no end date"
        raise ServiceError(
            {
                "priority": (
                    f"The patient already has a {clash.get_priority_display().lower()} coverage "
                    f"({clash.payer.name}, from {datefmt.short(clash.effective_date)} {ends}) "
                    "for these dates. End it first, or choose another priority."
                )
            }
        )


def coverage_add(*, patient: Patient, values: Mapping[str, Any], added_by: User) -> Coverage:
    cleaned = clean_values(Coverage, values, COVERAGE_FIELDS)
    with transaction.atomic():
        # Lock the patient: two clerks adding a primary coverage at once take turns.
        current = locked(Patient, patient.pk)
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
    cleaned = clean_values(Coverage, values, COVERAGE_FIELDS)
    with transaction.atomic():
        locked(Patient, coverage.patient_id)
        current = Coverage.objects.select_related("patient", "payer").get(pk=coverage.pk)
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
        locked(Patient, coverage.patient_id)
        current = Coverage.objects.select_related("patient", "payer").get(pk=coverage.pk)
        refuse_merged(current.patient)
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
        current = locked(Coverage, coverage.pk)
        refuse_merged(current.patient)
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
